package write

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// The DDL lakegate runs on native tables: CREATE TABLE [AS], DROP TABLE,
// ALTER TABLE and COMMENT ON, read with the cursor of parse.go.

func (p *wparser) create(w *Stmt) error {
	if p.Accept("OR", "REPLACE") {
		return fmt.Errorf("%w: CREATE OR REPLACE TABLE", ErrNotSupported)
	}
	switch p.PeekUpper(0) {
	case "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL":
		return fmt.Errorf("%w: CREATE %s TABLE", ErrNotSupported, p.PeekUpper(0))
	}
	if !p.Accept("TABLE") {
		return fmt.Errorf("%w: CREATE %s", ErrNotSupported, p.PeekUpper(0))
	}
	w.kind = Create
	w.ifNotExists = p.Accept("IF", "NOT", "EXISTS")
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	if p.PeekUpper(0) == "(" {
		if err := p.columnDefs(w); err != nil {
			return err
		}
	}
	if p.Accept("PARTITION", "BY") || p.Accept("PARTITIONED", "BY") {
		return fmt.Errorf("%w: PARTITION BY; give the Iceberg partition spec as WITH (partitioning = 'day(ts), bucket(16, id)')", ErrNotSupported)
	}
	if p.Accept("WITH") {
		if p.PeekUpper(0) == "NO" || p.PeekUpper(0) == "DATA" {
			return p.errHere()
		}
		if err := p.tableOptions(w); err != nil {
			return err
		}
	}
	if p.Accept("AS") {
		w.kind = CreateAs
		for _, d := range w.defs {
			if len(d.words) > 0 {
				return p.errHere()
			}
			w.columns = append(w.columns, d.name)
		}
		w.defs = nil
		if !queryStart[p.PeekUpper(0)] {
			return p.errHere()
		}
		// The query runs to the end, except a trailing WITH [NO] DATA.
		n := p.Len()
		end := n
		switch {
		case n >= 3 && strings.EqualFold(p.At(n-3).Text, "WITH") && strings.EqualFold(p.At(n-2).Text, "NO") && strings.EqualFold(p.At(n-1).Text, "DATA"):
			end, w.noData = n-3, true
		case n >= 2 && strings.EqualFold(p.At(n-2).Text, "WITH") && strings.EqualFold(p.At(n-1).Text, "DATA"):
			end = n - 2
		}
		if end <= p.Index() {
			return syntaxErr("")
		}
		w.source = p.Src()[p.Pos():p.At(end-1).End]
		p.Seek(n)
		return nil
	}
	if len(w.defs) == 0 {
		return p.errHere()
	}
	for _, d := range w.defs {
		if len(d.words) == 0 {
			return &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("column %q needs a type", d.name)}
		}
	}
	if !p.Done() {
		return p.errHere()
	}
	return nil
}

var tableConstraints = map[string]bool{"PRIMARY": true, "UNIQUE": true, "CHECK": true, "FOREIGN": true, "CONSTRAINT": true, "EXCLUDE": true, "LIKE": true}

// columnDefs reads "(name type [constraints], ...)"; in CREATE TABLE ...
// AS the list holds names only.
func (p *wparser) columnDefs(w *Stmt) error {
	p.Next() // (
	for {
		if p.PeekUpper(0) == "PRIMARY" || p.PeekUpper(0) == "CONSTRAINT" && p.PeekUpper(2) == "PRIMARY" {
			if err := p.tablePrimaryKey(w); err != nil {
				return err
			}
			if p.Accept(")") {
				return nil
			}
			if err := p.expect(","); err != nil {
				return err
			}
			continue
		}
		if tableConstraints[p.PeekUpper(0)] {
			return fmt.Errorf("%w: table constraint %s (Iceberg tables have none besides PRIMARY KEY)", ErrNotSupported, p.PeekUpper(0))
		}
		name, err := p.ident()
		if err != nil {
			return err
		}
		d := ColumnDef{name: name}
		if p.PeekUpper(0) != "," && p.PeekUpper(0) != ")" {
			if err := p.typeName(&d); err != nil {
				return err
			}
			if err := p.columnConstraints(&d); err != nil {
				return err
			}
		}
		if d.primary {
			if w.primaryKey != nil {
				return multiplePrimaryKeys(w)
			}
			w.primaryKey = []string{d.name}
		}
		w.defs = append(w.defs, d)
		if p.Accept(")") {
			return nil
		}
		if err := p.expect(","); err != nil {
			return err
		}
	}
}

// typeName reads a type: one or more words, an optional (n[, m]) and
// optional [] for an array.
func (p *wparser) typeName(d *ColumnDef) error {
	start := p.Index()
	for !p.Done() {
		t := p.PeekUpper(0)
		if t == "(" || t == "[" || t == "," || t == ")" || columnConstraintStart[t] {
			break
		}
		if t == "ARRAY" {
			d.array = true
			p.Next()
			break
		}
		if !sqlparse.IsIdentByte(t[0]) && t[0] != '"' {
			return p.errHere()
		}
		d.words = append(d.words, strings.ToLower(strings.Trim(p.PeekText(), `"`)))
		p.Next()
	}
	if len(d.words) == 0 {
		return p.errHere()
	}
	if p.Accept("(") {
		for {
			n, err := strconv.Atoi(p.PeekText())
			if err != nil {
				return p.errHere()
			}
			d.args = append(d.args, n)
			p.Next()
			if p.Accept(")") {
				break
			}
			if err := p.expect(","); err != nil {
				return err
			}
		}
		// "timestamp(3) with time zone"
		for p.PeekUpper(0) == "WITH" || p.PeekUpper(0) == "WITHOUT" || p.PeekUpper(0) == "TIME" || p.PeekUpper(0) == "ZONE" {
			d.words = append(d.words, strings.ToLower(p.PeekText()))
			p.Next()
		}
	}
	for p.Accept("[") {
		if p.PeekUpper(0) != "]" {
			if _, err := strconv.Atoi(p.PeekText()); err != nil {
				return p.errHere()
			}
			p.Next()
		}
		if err := p.expect("]"); err != nil {
			return err
		}
		d.array = true
	}
	d.typ = p.Src()[p.At(start).Pos:p.Peek(-1).End]
	return nil
}

var columnConstraintStart = map[string]bool{"NOT": true, "NULL": true, "DEFAULT": true, "PRIMARY": true, "UNIQUE": true,
	"CHECK": true, "REFERENCES": true, "CONSTRAINT": true, "COLLATE": true, "GENERATED": true}

func (p *wparser) columnConstraints(d *ColumnDef) error {
	for !p.Done() && p.PeekUpper(0) != "," && p.PeekUpper(0) != ")" {
		switch {
		case p.Accept("NOT", "NULL"):
			d.required = true
		case p.Accept("NULL"):
			d.required = false
		case p.Accept("PRIMARY", "KEY"), p.PeekUpper(0) == "CONSTRAINT" && p.PeekUpper(2) == "PRIMARY":
			if p.Accept("CONSTRAINT") {
				if err := p.constraintName(); err != nil {
					return err
				}
				if err := p.expect("PRIMARY", "KEY"); err != nil {
					return err
				}
			}
			if d.primary {
				return &EngineError{Kind: KindInvalidTableDefinition, Msg: "multiple primary keys for table are not allowed"}
			}
			d.primary, d.required = true, true
		case p.PeekUpper(0) == "DEFAULT", p.PeekUpper(0) == "GENERATED":
			return fmt.Errorf("%w: column %s: %s values (Iceberg format version 2 has no column defaults)", ErrNotSupported, d.name, p.PeekUpper(0))
		case columnConstraintStart[p.PeekUpper(0)]:
			return fmt.Errorf("%w: column %s: constraint %s (Iceberg tables have none besides NOT NULL and PRIMARY KEY)", ErrNotSupported, d.name, p.PeekUpper(0))
		default:
			return p.errHere()
		}
	}
	return nil
}

// tableOptions reads "(name = value, ...)" after WITH.
func (p *wparser) tableOptions(w *Stmt) error {
	if err := p.expect("("); err != nil {
		return err
	}
	for {
		name, err := p.ident()
		if err != nil {
			return err
		}
		if err := p.expect("="); err != nil {
			return err
		}
		v, ok := stringLiteral(p.PeekText())
		if !ok {
			return p.errHere()
		}
		p.Next()
		switch name {
		case "partitioning":
			w.partitioning = v
		default:
			return fmt.Errorf("%w: table option %q (lakegate knows partitioning)", ErrNotSupported, name)
		}
		if p.Accept(")") {
			return nil
		}
		if err := p.expect(","); err != nil {
			return err
		}
	}
}

// stringLiteral decodes a standard '...' string literal token.
func stringLiteral(t string) (string, bool) {
	if len(t) < 2 || t[0] != '\'' || t[len(t)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(t[1:len(t)-1], "''", "'"), true
}

func (p *wparser) drop(w *Stmt) error {
	if !p.Accept("TABLE") {
		return fmt.Errorf("%w: DROP %s", ErrNotSupported, p.PeekUpper(0))
	}
	w.kind = Drop
	w.ifExists = p.Accept("IF", "EXISTS")
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	if p.PeekUpper(0) == "," {
		return fmt.Errorf("%w: DROP TABLE of several tables in one statement", ErrNotSupported)
	}
	if !p.Accept("CASCADE") {
		p.Accept("RESTRICT")
	}
	if !p.Done() {
		return p.errHere()
	}
	return nil
}

func (p *wparser) alter(w *Stmt) error {
	if !p.Accept("TABLE") {
		return fmt.Errorf("%w: ALTER %s", ErrNotSupported, p.PeekUpper(0))
	}
	w.kind = Alter
	w.ifExists = p.Accept("IF", "EXISTS")
	p.Accept("ONLY")
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	p.Accept("*")
	if p.Accept("RENAME") {
		if p.PeekUpper(0) == "TO" {
			return fmt.Errorf("%w: ALTER TABLE ... RENAME TO", ErrNotSupported)
		}
		p.Accept("COLUMN")
		a := AlterAction{kind: catalog.RenameColumn}
		if a.column, err = p.ident(); err != nil {
			return err
		}
		if err := p.expect("TO"); err != nil {
			return err
		}
		if a.newName, err = p.ident(); err != nil {
			return err
		}
		w.alters = []AlterAction{a}
		if !p.Done() {
			return p.errHere()
		}
		return nil
	}
	for {
		var a AlterAction
		switch {
		case p.Accept("ADD"):
			p.Accept("COLUMN")
			a.kind = catalog.AddColumn
			a.ifNotExists = p.Accept("IF", "NOT", "EXISTS")
			if a.column, err = p.ident(); err != nil {
				return err
			}
			a.def.name = a.column
			if err := p.typeName(&a.def); err != nil {
				return err
			}
			if err := p.columnConstraints(&a.def); err != nil {
				return err
			}
			if a.def.required {
				return fmt.Errorf("%w: ADD COLUMN %s NOT NULL: existing rows would have no value", ErrNotSupported, a.column)
			}
		case p.Accept("DROP"):
			if p.PeekUpper(0) == "CONSTRAINT" {
				return fmt.Errorf("%w: ALTER TABLE ... DROP CONSTRAINT", ErrNotSupported)
			}
			p.Accept("COLUMN")
			a.kind = catalog.DropColumn
			a.ifExists = p.Accept("IF", "EXISTS")
			if a.column, err = p.ident(); err != nil {
				return err
			}
			if !p.Accept("CASCADE") {
				p.Accept("RESTRICT")
			}
		case p.Accept("ALTER"):
			p.Accept("COLUMN")
			if a.column, err = p.ident(); err != nil {
				return err
			}
			if !p.Accept("SET", "DATA", "TYPE") && !p.Accept("TYPE") {
				return fmt.Errorf("%w: ALTER COLUMN ... %s (lakegate changes column types only)", ErrNotSupported, p.PeekUpper(0))
			}
			a.kind = catalog.SetColumnType
			a.def.name = a.column
			if err := p.typeName(&a.def); err != nil {
				return err
			}
			if p.PeekUpper(0) == "USING" {
				return fmt.Errorf("%w: ALTER COLUMN ... TYPE ... USING", ErrNotSupported)
			}
		default:
			if p.Done() {
				return syntaxErr("")
			}
			return fmt.Errorf("%w: ALTER TABLE ... %s", ErrNotSupported, p.PeekUpper(0))
		}
		w.alters = append(w.alters, a)
		if !p.Accept(",") {
			break
		}
	}
	if !p.Done() {
		return p.errHere()
	}
	return nil
}

func (p *wparser) commentOn(w *Stmt) error {
	w.kind = Comment
	if err := p.expect("ON"); err != nil {
		return err
	}
	switch {
	case p.Accept("TABLE"):
		var err error
		if w.target, err = p.qualified(); err != nil {
			return err
		}
	case p.Accept("COLUMN"):
		var parts []string
		for {
			id, err := p.ident()
			if err != nil {
				return err
			}
			parts = append(parts, id)
			if !p.Accept(".") {
				break
			}
		}
		switch len(parts) {
		case 2:
			w.target = Name{Table: parts[0]}
		case 3:
			w.target = Name{Schema: parts[0], Table: parts[1]}
		case 4:
			w.target = Name{Schema: parts[1], Table: parts[2]}
		default:
			return &EngineError{Kind: KindSyntax, Msg: "column name must be qualified"}
		}
		w.commentColumn = parts[len(parts)-1]
	default:
		return fmt.Errorf("%w: COMMENT ON %s", ErrNotSupported, p.PeekUpper(0))
	}
	if err := p.expect("IS"); err != nil {
		return err
	}
	if !p.Accept("NULL") {
		v, ok := stringLiteral(p.PeekText())
		if !ok {
			return p.errHere()
		}
		p.Next()
		w.comment = &v
	}
	if !p.Done() {
		return p.errHere()
	}
	return nil
}
