package write

import (
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Parsing of data-changing statements. The engine's parser serializes only
// SELECT statements, so the shape of INSERT, UPDATE, DELETE and the DDL
// lakegate runs is read here, with the Postgres lexical rules of internal/sqlparse.
// Expressions, conditions and queries are not parsed: they are kept as text
// slices of the statement and handed to the engine inside queries lakegate
// composes, where the ordinary query planning (table resolution, policy,
// function guards) checks them like any other query text.

// Kind is the kind of data-changing statement.
type Kind int

const (
	Insert Kind = iota + 1
	Update
	Delete
	Truncate
	Create
	CreateAs
	Drop
	Alter
	Comment
	Call  // CALL lakegate.procedure(...) (maintenance.go)
	Merge // MERGE INTO (merge.go)
)

// Verbs are the leading keywords of the statements Parse reads.
var Verbs = map[string]bool{"INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true, "CREATE": true,
	"DROP": true, "ALTER": true, "TRUNCATE": true, "COMMENT": true, "CALL": true}

// Name is a possibly schema-qualified name, folded or unquoted.
type Name struct{ Schema, Table string }

func (q Name) String() string {
	if q.Schema == "" {
		return q.Table
	}
	return q.Schema + "." + q.Table
}

// Stmt is a parsed data-changing statement.
type Stmt struct {
	kind Kind
	verb string // INSERT, UPDATE, ... for messages

	// A leading WITH clause: the CTE list without WITH [RECURSIVE].
	ctes      string
	recursive bool

	target Name
	alias  string // UPDATE/DELETE/INSERT alias; "" means the table name

	columns       []string // INSERT column list, CTAS column names
	source        string   // INSERT and CTAS query
	defaultValues bool

	sets  []SetClause // UPDATE
	from  string      // UPDATE ... FROM, DELETE ... USING
	where string      // "" for none

	ifNotExists  bool
	defs         []ColumnDef // CREATE TABLE
	primaryKey   []string    // CREATE TABLE's PRIMARY KEY columns
	partitioning string      // WITH (partitioning = '...')
	noData       bool        // CTAS WITH NO DATA

	ifExists bool
	alters   []AlterAction

	commentColumn string
	comment       *string

	proc *Procedure // CALL

	merge *mergeSpec // MERGE

	conflict *conflictSpec // INSERT ... ON CONFLICT (upsert.go)
}

type SetClause struct{ column, expr string }

type ColumnDef struct {
	name     string
	typ      string // as written, for messages
	words    []string
	args     []int
	array    bool
	required bool
	primary  bool // PRIMARY KEY
}

type AlterAction struct {
	kind                  catalog.SchemaChangeKind
	column, newName       string
	def                   ColumnDef // AddColumn, SetColumnType
	ifExists, ifNotExists bool
}

// wparser reads a write statement through the one SQL cursor
// (internal/sqlparse): its methods below are the grammar.
type wparser struct{ *sqlparse.Cursor }

func syntaxErr(near string) error {
	if near == "" {
		return &EngineError{Kind: KindSyntax, Msg: "syntax error at end of input"}
	}
	return &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("syntax error at or near %q", near)}
}

func (p *wparser) errHere() error { return syntaxErr(p.PeekText()) }

// expect consumes the keywords, or fails naming the token in their place.
func (p *wparser) expect(kws ...string) error {
	if !p.Accept(kws...) {
		return p.errHere()
	}
	return nil
}

// ident reads one identifier: a quoted one keeps its case, an unquoted one
// folds to lower case.
func (p *wparser) ident() (string, error) {
	t := p.PeekText()
	if t == "" || !(t[0] == '"' || sqlparse.IsIdentByte(t[0]) && !(t[0] >= '0' && t[0] <= '9')) {
		return "", p.errHere()
	}
	if t[0] == '"' && (len(t) < 2 || t[len(t)-1] != '"') {
		return "", p.errHere()
	}
	p.Next()
	name := sqlparse.UnquoteIdent(t)
	if name == "" {
		return "", &EngineError{Kind: KindSyntax, Msg: "zero-length delimited identifier"}
	}
	return name, nil
}

// qualified reads name, schema.name or database.schema.name.
func (p *wparser) qualified() (Name, error) {
	var parts []string
	for {
		id, err := p.ident()
		if err != nil {
			return Name{}, err
		}
		parts = append(parts, id)
		if p.PeekUpper(0) != "." {
			break
		}
		p.Next()
	}
	switch len(parts) {
	case 1:
		return Name{Table: parts[0]}, nil
	case 2:
		return Name{Schema: parts[0], Table: parts[1]}, nil
	case 3:
		return Name{Schema: parts[1], Table: parts[2]}, nil
	}
	return Name{}, &EngineError{Kind: KindSyntax, Msg: "improper qualified name (too many dotted names)"}
}

// skipParens consumes a parenthesized group starting at the current "(".
func (p *wparser) skipParens() error {
	if p.PeekUpper(0) != "(" {
		return p.errHere()
	}
	depth := 0
	for !p.Done() {
		switch p.PeekText() {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		}
		p.Next()
		if depth == 0 {
			return nil
		}
	}
	return syntaxErr("")
}

// clause consumes tokens up to (not including) the first top-level token
// among stops, and returns the text they span ("" if none).
func (p *wparser) clause(stops ...string) (string, error) {
	start := p.Index()
	depth := 0
	for !p.Done() {
		t := p.PeekUpper(0)
		if depth == 0 {
			stop := false
			for _, s := range stops {
				if t == s {
					stop = true
				}
			}
			// "a IS [NOT] DISTINCT FROM b" inside an expression
			if stop && t == "FROM" && p.Index() > 0 && strings.EqualFold(p.Peek(-1).Text, "DISTINCT") {
				stop = false
			}
			if stop {
				break
			}
		}
		switch t {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
			if depth < 0 {
				return "", p.errHere()
			}
		}
		p.Next()
	}
	if depth != 0 {
		return "", syntaxErr("")
	}
	if p.Index() == start {
		return "", nil
	}
	return p.Src()[p.At(start).Pos:p.Peek(-1).End], nil
}

// rest returns the text from the current token to the end.
func (p *wparser) rest() string { return strings.TrimSpace(p.Rest()) }

var dmlKeywords = map[string]bool{"INSERT": true, "UPDATE": true, "DELETE": true, "MERGE": true}

// WithDML reports whether a statement starting with WITH is data-changing:
// the statement after its CTE list, or the body of one of its CTEs, is
// INSERT, UPDATE, DELETE or MERGE.
func WithDML(sql string) bool {
	p := &wparser{sqlparse.NewCursor(sql)}
	if !p.Accept("WITH") {
		return false
	}
	ctes, _, err := p.withList()
	if err != nil {
		return false
	}
	return dmlKeywords[p.PeekUpper(0)] || len(nestedDML(ctes)) > 0
}

// NestedDML returns the data-changing CTE bodies of a statement that
// starts with WITH.
func NestedDML(sql string) []string {
	p := &wparser{sqlparse.NewCursor(sql)}
	if !p.Accept("WITH") {
		return nil
	}
	ctes, _, err := p.withList()
	if err != nil {
		return nil
	}
	return nestedDML(ctes)
}

// withList consumes "[RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED]
// (query) [, ...]" and returns its text and whether it is recursive.
func (p *wparser) withList() (string, bool, error) {
	recursive := p.Accept("RECURSIVE")
	start := p.Index()
	for {
		if _, err := p.ident(); err != nil {
			return "", false, err
		}
		if p.PeekUpper(0) == "(" {
			if err := p.skipParens(); err != nil {
				return "", false, err
			}
		}
		if err := p.expect("AS"); err != nil {
			return "", false, err
		}
		p.Accept("NOT")
		p.Accept("MATERIALIZED")
		if err := p.skipParens(); err != nil {
			return "", false, err
		}
		if !p.Accept(",") {
			break
		}
	}
	return p.Src()[p.At(start).Pos:p.Peek(-1).End], recursive, nil
}

// nestedDML returns the data-changing statements inside CTE bodies of a
// WITH list ("WITH d AS (DELETE ... RETURNING *) ...").
func nestedDML(ctes string) []string {
	p := &wparser{sqlparse.NewCursor(ctes)}
	var out []string
	for i := 0; i+1 < p.Len(); i++ {
		if p.At(i).Text == "(" && dmlKeywords[strings.ToUpper(p.At(i+1).Text)] {
			// the body runs to the matching parenthesis
			p.Seek(i)
			if err := p.skipParens(); err != nil {
				out = append(out, ctes[p.At(i+1).Pos:])
				continue
			}
			out = append(out, ctes[p.At(i+1).Pos:p.Peek(-1).Pos])
		}
	}
	return out
}

// roleStatement refuses CREATE / ALTER / DROP of a role, user or group
// with what to do instead: psql's \password sends ALTER USER ... PASSWORD.
func roleStatement(verb, object string) error {
	switch object {
	case "ROLE", "USER", "GROUP":
		return fmt.Errorf("%w: %s %s: lakegate's accounts, groups and passwords are not managed by SQL "+
			"(psql's \\password sends ALTER USER ... PASSWORD); change them where the gateway's accounts are configured "+
			"(its accounts file or identity provider)", ErrNotSupported, verb, object)
	}
	return nil
}

// Parse parses a data-changing statement.
func Parse(sql string) (*Stmt, error) {
	p := &wparser{sqlparse.NewCursor(sql)}
	w := &Stmt{}
	if p.Accept("WITH") {
		ctes, rec, err := p.withList()
		if err != nil {
			return nil, err
		}
		w.ctes, w.recursive = ctes, rec
	}
	w.verb = p.PeekUpper(0)
	var err error
	switch w.verb {
	case "INSERT":
		p.Next()
		err = p.insert(w)
	case "UPDATE":
		p.Next()
		err = p.update(w)
	case "DELETE":
		p.Next()
		err = p.delete(w)
	case "TRUNCATE":
		p.Next()
		err = p.truncate(w)
	case "CREATE", "DROP", "ALTER", "COMMENT":
		if w.ctes != "" {
			return nil, p.errHere()
		}
		p.Next()
		if err := roleStatement(w.verb, p.PeekUpper(0)); err != nil {
			return nil, err
		}
		switch w.verb {
		case "CREATE":
			err = p.create(w)
		case "DROP":
			err = p.drop(w)
		case "ALTER":
			err = p.alter(w)
		default:
			err = p.commentOn(w)
		}
	case "CALL":
		if w.ctes != "" {
			return nil, p.errHere()
		}
		p.Next()
		err = p.call(w)
	case "MERGE":
		p.Next()
		err = p.merge(w)
	default:
		return nil, p.errHere()
	}
	if err != nil {
		return nil, err
	}
	return w, nil
}

// tail rejects clauses lakegate does not run (RETURNING).
func (p *wparser) tail(verb string) error {
	switch {
	case p.Done():
		return nil
	case p.PeekUpper(0) == "RETURNING":
		return fmt.Errorf("%w: %s ... RETURNING", ErrNotSupported, verb)
	}
	return p.errHere()
}

// alias reads "[AS] alias" when the next token is not one of the keywords
// that end the table reference.
func (p *wparser) alias(w *Stmt, next ...string) error {
	if p.Accept("AS") {
		a, err := p.ident()
		w.alias = a
		return err
	}
	t := p.PeekUpper(0)
	if t == "" || t == "(" || t == "," || t == "*" {
		return nil
	}
	for _, n := range next {
		if t == n {
			return nil
		}
	}
	a, err := p.ident()
	w.alias = a
	return err
}

func (p *wparser) insert(w *Stmt) error {
	w.kind = Insert
	if err := p.expect("INTO"); err != nil {
		return err
	}
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	if err := p.alias(w, "DEFAULT", "VALUES", "SELECT", "WITH", "TABLE", "OVERRIDING", "FROM"); err != nil {
		return err
	}
	if p.PeekUpper(0) == "(" && !queryStart[p.PeekUpper(1)] {
		p.Next()
		cols, err := p.columnList()
		if err != nil {
			return err
		}
		w.columns = cols
	}
	if p.PeekUpper(0) == "OVERRIDING" {
		return fmt.Errorf("%w: INSERT ... OVERRIDING", ErrNotSupported)
	}
	if p.Accept("DEFAULT", "VALUES") {
		w.defaultValues = true
		if p.Accept("ON", "CONFLICT") {
			if err := p.onConflict(w); err != nil {
				return err
			}
		}
		return p.tail("INSERT")
	}
	if !queryStart[p.PeekUpper(0)] {
		return p.errHere()
	}
	// the query runs to RETURNING or ON CONFLICT (a join's ON is its own)
	start := p.Index()
	for {
		if _, err := p.clause("RETURNING", "ON"); err != nil {
			return err
		}
		if p.PeekUpper(0) != "ON" || p.PeekUpper(1) == "CONFLICT" {
			break
		}
		p.Next()
	}
	if p.Index() == start {
		return p.errHere()
	}
	w.source = p.Src()[p.At(start).Pos:p.Peek(-1).End]
	if p.Accept("ON", "CONFLICT") {
		if err := p.onConflict(w); err != nil {
			return err
		}
	}
	return p.tail("INSERT")
}

// queryStart are the tokens a query can begin with.
var queryStart = map[string]bool{"SELECT": true, "VALUES": true, "WITH": true, "TABLE": true, "FROM": true, "(": true}

func (p *wparser) update(w *Stmt) error {
	w.kind = Update
	p.Accept("ONLY")
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	p.Accept("*")
	if err := p.alias(w, "SET"); err != nil {
		return err
	}
	if err := p.expect("SET"); err != nil {
		return err
	}
	for {
		if p.PeekUpper(0) == "(" {
			return fmt.Errorf("%w: UPDATE ... SET (col, ...) = ...; assign each column on its own", ErrNotSupported)
		}
		col, err := p.ident()
		if err != nil {
			return err
		}
		if p.PeekUpper(0) == "." || p.PeekUpper(0) == "[" {
			return fmt.Errorf("%w: UPDATE of a field or element of column %s", ErrNotSupported, col)
		}
		if err := p.expect("="); err != nil {
			return err
		}
		expr, err := p.clause(",", "FROM", "WHERE", "RETURNING")
		if err != nil {
			return err
		}
		if expr == "" {
			return p.errHere()
		}
		if strings.EqualFold(expr, "DEFAULT") {
			expr = "NULL"
		}
		w.sets = append(w.sets, SetClause{column: col, expr: expr})
		if !p.Accept(",") {
			break
		}
	}
	if p.Accept("FROM") {
		if w.from, err = p.clause("WHERE", "RETURNING"); err != nil {
			return err
		}
		if w.from == "" {
			return p.errHere()
		}
	}
	return p.whereTail(w, "UPDATE")
}

func (p *wparser) whereTail(w *Stmt, verb string) error {
	if p.Accept("WHERE") {
		if p.PeekUpper(0) == "CURRENT" && p.PeekUpper(1) == "OF" {
			return fmt.Errorf("%w: WHERE CURRENT OF", ErrNotSupported)
		}
		cond, err := p.clause("RETURNING")
		if err != nil {
			return err
		}
		if cond == "" {
			return p.errHere()
		}
		w.where = cond
	}
	return p.tail(verb)
}

func (p *wparser) delete(w *Stmt) error {
	w.kind = Delete
	if err := p.expect("FROM"); err != nil {
		return err
	}
	p.Accept("ONLY")
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	p.Accept("*")
	if err := p.alias(w, "USING", "WHERE", "RETURNING"); err != nil {
		return err
	}
	if p.Accept("USING") {
		if w.from, err = p.clause("WHERE", "RETURNING"); err != nil {
			return err
		}
		if w.from == "" {
			return p.errHere()
		}
	}
	return p.whereTail(w, "DELETE")
}

func (p *wparser) truncate(w *Stmt) error {
	w.kind = Truncate
	p.Accept("TABLE")
	p.Accept("ONLY")
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	p.Accept("*")
	if p.PeekUpper(0) == "," {
		return fmt.Errorf("%w: TRUNCATE of several tables in one statement", ErrNotSupported)
	}
	for !p.Done() {
		switch {
		case p.Accept("CONTINUE", "IDENTITY"), p.Accept("RESTART", "IDENTITY"), p.Accept("CASCADE"), p.Accept("RESTRICT"):
		default:
			return p.errHere()
		}
	}
	return nil
}

// columnList reads "a, b, c)" after an INSERT's opening parenthesis.
func (p *wparser) columnList() ([]string, error) {
	var cols []string
	for {
		c, err := p.ident()
		if err != nil {
			return nil, err
		}
		cols = append(cols, c)
		if p.Accept(")") {
			return cols, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}
