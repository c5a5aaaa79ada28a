package planner

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Postgres clients describe the database through pg_catalog and
// information_schema. The engine has its own versions of both, showing the
// engine's objects with DuckDB's type OIDs, and a qualified
// pg_catalog.pg_class always resolves to them. So a statement that reads
// the system catalogs is rewritten, in its text, to read lakegate's
// emulation instead: tables in the session engine's private schemas
// lakegate_pg and lakegate_information_schema, built from what the caller
// may see (pgcatalog.go). The rewrite works on lexical tokens and on the
// parse tree's table references; the same kind of text edit as time travel.
//
// What changes:
//   - pg_catalog.R (R emulated) and unqualified R at a table reference that
//     is not a CTE -> lakegate_pg.R; information_schema.R -> lakegate_information_schema.R
//   - pg_catalog.f( -> f( (session macros in the engine's main schema shadow
//     the engine's built-ins); current_setting( and current_schemas( ->
//     lakegate_current_setting( / lakegate_current_schemas(, which read the
//     session's settings instead of the engine's
//   - x::regclass (and regtype, regnamespace, regproc, regrole): a string
//     literal becomes the object's OID, anything else the object's name;
//     ::oid and the other Postgres-only type names map to engine types
//   - OPERATOR(pg_catalog.~) -> ~; COLLATE pg_catalog.default and friends go
//   - '{0}'-style array literals (in statements rewritten anyway) -> '[0]'

// Engine schemas that hold the emulated catalogs.
const (
	pgSchema = "lakegate_pg"
	isSchema = "lakegate_information_schema"
)

// isCatalogSchema reports an engine schema of the emulation: references to
// it are resolved by the engine, not the catalog.
func isCatalogSchema(schema string) bool {
	s := strings.ToLower(schema)
	return s == pgSchema || s == isSchema
}

// renamedFunctions are Postgres functions whose names the guard reserves
// for the engine's own (unsafe) versions; the emulation provides them under
// these names.
var renamedFunctions = map[string]string{
	"current_setting": "lakegate_current_setting",
	"current_schemas": "lakegate_current_schemas",
}

// castTypes maps Postgres type names without an engine equivalent.
var castTypes = map[string]string{
	"oid": "BIGINT", "name": "VARCHAR", "char": "VARCHAR", "bpchar": "VARCHAR", "regoper": "BIGINT",
	"regclass[]": "BIGINT[]", "oid[]": "BIGINT[]", "oidvector": "BIGINT[]", "int2vector": "SMALLINT[]",
	"regtype[]": "BIGINT[]", "xid": "BIGINT", "cid": "BIGINT", "tid": "VARCHAR", "aclitem": "VARCHAR", "aclitem[]": "VARCHAR[]",
	"pg_node_tree": "VARCHAR", "regconfig": "BIGINT", "regdictionary": "BIGINT", "anyarray": "VARCHAR",
}

// regTypes are the OID alias types: value -> how a non-literal is shown.
var regTypes = map[string]bool{
	"regclass": true, "regtype": true, "regnamespace": true, "regproc": true, "regprocedure": true, "regrole": true,
}

type piece struct {
	text  string
	kind  byte // ' ' space/comment, 'w' word, 'q' quoted identifier, 's' string, 'n' number, 'p' punctuation
	start int
}

func lexPieces(s string) []piece {
	var out []piece
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		start := i
		var kind byte
		switch {
		case unicode.IsSpace(r):
			for i < len(s) {
				r, w = utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r) {
					break
				}
				i += w
			}
			kind = ' '
		case strings.HasPrefix(s[i:], "--") || strings.HasPrefix(s[i:], "/*"):
			i = skipToken(s, i)
			kind = ' '
		case s[i] >= '0' && s[i] <= '9':
			for i < len(s) && (isIdentByte(s[i]) || s[i] == '.') {
				i++
			}
			kind = 'n'
		case isIdentByte(s[i]):
			for i < len(s) && (isIdentByte(s[i]) || s[i] == '$') {
				i++
			}
			kind = 'w'
		case s[i] == '"':
			i = skipToken(s, i)
			kind = 'q'
		case s[i] == '\'' || s[i] == '$':
			i = skipToken(s, i)
			kind = 's'
			if s[start] == '$' && i == start+1 {
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					i++
				}
				kind = 'n' // $1
			}
		case strings.HasPrefix(s[i:], "::"):
			i += 2
			kind = 'p'
		default:
			i += w
			kind = 'p'
		}
		out = append(out, piece{text: s[start:i], kind: kind, start: start})
	}
	return out
}

// identName is the folded name of a word or quoted identifier piece.
func (p piece) identName() string {
	switch p.kind {
	case 'w':
		return strings.ToLower(p.text)
	case 'q':
		return unquoteIdent(p.text)
	}
	return ""
}

func (p piece) isIdent() bool { return p.kind == 'w' || p.kind == 'q' }

// catalogRewrite is the result of rewriting a statement's catalog references.
type catalogRewrite struct {
	sql     string
	changed bool // sql differs from the input
	touched bool // the statement needs the emulated catalogs installed
}

// rewriteCatalogRefs rewrites sql (see the file comment). relLocs are the
// byte offsets of unqualified table references that name an emulated
// pg_catalog relation (CTEs excluded).
func rewriteCatalogRefs(sql string, relLocs map[int]bool) catalogRewrite {
	in := lexPieces(sql)
	var out []piece
	rw := catalogRewrite{}
	arrayLits := false
	// next returns the index of the next significant piece at or after i.
	next := func(i int) int {
		for i < len(in) && in[i].kind == ' ' {
			i++
		}
		return i
	}
	prevSig := func() *piece {
		for j := len(out) - 1; j >= 0; j-- {
			if out[j].kind != ' ' {
				return &out[j]
			}
		}
		return nil
	}
	emit := func(text string, kind byte) { out = append(out, piece{text: text, kind: kind}) }
	// qualified reads schema . name at i; it returns the name piece index.
	qualified := func(i int, schema string) (int, bool) {
		if in[i].identName() != schema {
			return 0, false
		}
		d := next(i + 1)
		if d >= len(in) || in[d].text != "." {
			return 0, false
		}
		n := next(d + 1)
		if n >= len(in) || !in[n].isIdent() {
			return 0, false
		}
		return n, true
	}
	for i := 0; i < len(in); i++ {
		p := in[i]
		prev := prevSig()
		afterDot := prev != nil && prev.text == "."
		typeCtx := prev != nil && (prev.text == "::" || prev.kind == 'w' && strings.EqualFold(prev.text, "AS"))
		switch {
		case p.kind == 'w' && strings.EqualFold(p.text, "OPERATOR") && !afterDot:
			// OPERATOR(pg_catalog.~) -> ~
			o := next(i + 1)
			if o < len(in) && in[o].text == "(" {
				k := next(o + 1)
				if k < len(in) && in[k].identName() == "pg_catalog" {
					if d := next(k + 1); d < len(in) && in[d].text == "." {
						k = next(d + 1)
					}
				}
				var op strings.Builder
				for k < len(in) && in[k].kind == 'p' && in[k].text != ")" {
					op.WriteString(in[k].text)
					k++
				}
				if k < len(in) && in[k].text == ")" && op.Len() > 0 {
					emit(" "+op.String()+" ", 'p')
					i = k
					rw.changed, rw.touched = true, true
					continue
				}
			}
		case p.kind == 'w' && strings.EqualFold(p.text, "COLLATE") && !afterDot:
			j := next(i + 1)
			if n, ok := qualified(j, "pg_catalog"); ok {
				i = n
				rw.changed = true
				continue
			}
			if j < len(in) && in[j].isIdent() {
				i = j
				rw.changed = true
				continue
			}
		case p.text == "::":
			j := next(i + 1)
			skipped := false
			if j >= len(in) {
				break
			}
			if n, ok := qualified(j, "pg_catalog"); ok {
				j, skipped = n, true
				rw.changed = true
			}
			if j >= len(in) || !in[j].isIdent() {
				break
			}
			name := in[j].identName()
			end := j
			if k := next(j + 1); k < len(in) && in[k].text == "[" {
				if k2 := next(k + 1); k2 < len(in) && in[k2].text == "]" {
					name += "[]"
					end = k2
				}
			}
			if regTypes[name] {
				operand, literal := popOperand(&out)
				fn := "lakegate_" + name + "_name"
				if literal {
					fn = "lakegate_" + name + "_oid"
				}
				emit(fn+"("+operand+")", 'w')
				i = end
				rw.changed, rw.touched = true, true
				continue
			}
			if t, ok := castTypes[name]; ok {
				emit("::"+t, 'p')
				i = end
				rw.changed = true
				continue
			}
			if skipped {
				emit("::", 'p')
				i = j - 1
				continue
			}
		case p.isIdent() && !afterDot:
			if n, ok := qualified(i, "pg_catalog"); ok {
				name := in[n].identName()
				after := next(n + 1)
				switch {
				case after < len(in) && in[after].text == "(":
					if r, ok := renamedFunctions[name]; ok {
						name = r
					}
					emit(name, 'w')
					rw.changed, rw.touched = true, true
				case typeCtx:
					if t, ok := castTypes[name]; ok {
						name = t
					}
					emit(name, 'w')
					rw.changed = true
				case pgRelations[name] != nil:
					emit(pgSchema+"."+name, 'w')
					rw.changed, rw.touched = true, true
				default:
					emit(p.text, p.kind)
					continue
				}
				i = n
				continue
			}
			if n, ok := qualified(i, "information_schema"); ok {
				name := in[n].identName()
				if isRelations[name] != nil {
					emit(isSchema+"."+name, 'w')
					i = n
					rw.changed, rw.touched = true, true
					continue
				}
				break
			}
			name := p.identName()
			if isCatalogSchema(name) {
				rw.touched = true
			}
			if relLocs[p.start] && pgRelations[name] != nil {
				emit(pgSchema+"."+name, 'w')
				rw.changed, rw.touched = true, true
				continue
			}
			if after := next(i + 1); after < len(in) && in[after].text == "(" {
				if r, ok := renamedFunctions[name]; ok {
					emit(r, 'w')
					rw.changed, rw.touched = true, true
					continue
				}
				if catalogFunctions[name] {
					rw.touched = true
				}
			}
		case p.kind == 's' && isArrayLiteral(p.text):
			arrayLits = true
		}
		out = append(out, p)
	}
	if !rw.changed {
		return catalogRewrite{sql: sql, touched: rw.touched}
	}
	if rw.touched {
		out = aliasSeriesColumns(out)
	}
	var b strings.Builder
	for _, p := range out {
		if arrayLits && p.kind == 's' && isArrayLiteral(p.text) {
			b.WriteString("'[" + p.text[2:len(p.text)-2] + "]'")
			continue
		}
		b.WriteString(p.text)
	}
	rw.sql = b.String()
	return rw
}

// isArrayLiteral matches '{}' and '{1,2}' (Postgres array input syntax for
// OID lists, as psql compares polroles = '{0}').
func isArrayLiteral(s string) bool {
	if len(s) < 4 || !strings.HasPrefix(s, "'{") || !strings.HasSuffix(s, "}'") {
		return false
	}
	for _, c := range s[2 : len(s)-2] {
		if c != ',' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

var operandStopWords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "select": true, "where": true, "any": true, "all": true,
	"exists": true, "on": true, "then": true, "else": true, "when": true, "values": true, "array": true,
	"by": true, "from": true, "case": true, "is": true, "like": true, "between": true, "return": true,
}

// popOperand removes the operand of a postfix :: cast from the end of out
// and returns its text, and whether it was a single string literal.
func popOperand(out *[]piece) (string, bool) {
	o := *out
	end := len(o)
	for end > 0 && o[end-1].kind == ' ' {
		end--
	}
	if end == 0 {
		return "NULL", false
	}
	start := end - 1
	last := o[start]
	literal := last.kind == 's'
	switch {
	case last.text == ")":
		depth := 0
		for start >= 0 {
			switch o[start].text {
			case ")":
				depth++
			case "(":
				depth--
			}
			if depth == 0 {
				break
			}
			start--
		}
		if start < 0 {
			start = 0
		}
		if k := prevNonSpace(o, start); k >= 0 && o[k].isIdent() && !operandStopWords[o[k].identName()] {
			start = dottedStart(o, k)
		}
	case last.isIdent():
		start = dottedStart(o, start)
	}
	var b strings.Builder
	for _, p := range o[start:end] {
		b.WriteString(p.text)
	}
	*out = o[:start]
	return b.String(), literal
}

func prevNonSpace(o []piece, i int) int {
	for k := i - 1; k >= 0; k-- {
		if o[k].kind != ' ' {
			return k
		}
	}
	return -1
}

// dottedStart extends an identifier at i backwards over a.b.c.
func dottedStart(o []piece, i int) int {
	for {
		d := prevNonSpace(o, i)
		if d < 0 || o[d].text != "." {
			return i
		}
		n := prevNonSpace(o, d)
		if n < 0 || !o[n].isIdent() {
			return i
		}
		i = n
	}
}

// rewriteStatementCatalog rewrites the catalog references of sql, whose
// parsed statement (root) starts at byte base.
func rewriteStatementCatalog(sql string, base int, root node) catalogRewrite {
	a := analyze(root)
	locs := map[int]bool{}
	for _, r := range a.refs {
		if r.Schema == "" && r.Catalog == "" && !r.CTE && pgRelations[strings.ToLower(r.Name)] != nil {
			locs[base+int(r.loc)] = true
		}
	}
	return rewriteCatalogRefs(sql, locs)
}

// parse returns the parse tree of one statement.
func (s *Session) parse(e *engine, sql string) ([]node, error) {
	rows, err := e.queryStrings("SELECT json_serialize_sql(" + sqlString(sql) + ")::VARCHAR")
	if err != nil {
		return nil, classify(err)
	}
	nodes, err := parseSerialized(rows[0][0])
	if err != nil {
		return nil, classify(err)
	}
	if len(nodes) != 1 {
		return nil, &EngineError{Kind: KindSyntax, Msg: "cannot insert multiple commands into a prepared statement"}
	}
	return nodes, nil
}

// aliasSeriesColumns turns FROM generate_series(...) s into
// generate_series(...) s(s): in Postgres the alias of a one-column table
// function also names its column; in the engine it would name the row.
func aliasSeriesColumns(out []piece) []piece {
	sig := func(i int) int {
		for i < len(out) && out[i].kind == ' ' {
			i++
		}
		return i
	}
	var res []piece
	for i := 0; i < len(out); i++ {
		res = append(res, out[i])
		name := out[i].identName()
		if name != "generate_series" && name != "unnest" {
			continue
		}
		if k := prevNonSpace(out, i); k < 0 || !(strings.EqualFold(out[k].text, "FROM") || strings.EqualFold(out[k].text, "JOIN")) {
			continue
		}
		o := sig(i + 1)
		if o >= len(out) || out[o].text != "(" {
			continue
		}
		depth, c := 0, o
		for ; c < len(out); c++ {
			switch out[c].text {
			case "(":
				depth++
			case ")":
				depth--
			}
			if depth == 0 {
				break
			}
		}
		a := sig(c + 1)
		if a < len(out) && strings.EqualFold(out[a].text, "AS") {
			a = sig(a + 1)
		}
		if a >= len(out) || !out[a].isIdent() || operandStopWords[out[a].identName()] || sqlClauseWords[out[a].identName()] {
			continue
		}
		if n := sig(a + 1); n < len(out) && out[n].text == "(" {
			continue
		}
		res = append(res, out[i+1:a+1]...)
		res = append(res, piece{text: "(" + out[a].text + ")", kind: 'p'})
		i = a
	}
	return res
}

var sqlClauseWords = map[string]bool{
	"where": true, "group": true, "order": true, "limit": true, "join": true, "left": true, "right": true,
	"inner": true, "cross": true, "full": true, "union": true, "having": true, "with": true, "offset": true,
}
