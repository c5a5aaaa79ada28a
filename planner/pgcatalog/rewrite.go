package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Postgres clients describe the database through pg_catalog and
// information_schema. The engine has its own versions of both, showing the
// engine's objects with DuckDB's type OIDs, and a qualified
// pg_catalog.pg_class always resolves to them. So a statement that reads
// the system catalogs is rewritten, in its text, to read lakegate's
// emulation instead: tables in the session engine's private schemas
// lakegate_pg and lakegate_information_schema, built from what the caller
// may see (content.go). The rewrite works on lexical tokens and on the
// parse tree's table references; the same kind of text edit as time travel.
//
// What changes:
//   - pg_catalog.R (R emulated) and unqualified R at a table reference that
//     is not a CTE -> lakegate_pg.R; information_schema.R -> lakegate_information_schema.R;
//     pg_get_keywords() in FROM -> the relation of its rows
//   - pg_catalog.f( -> f( (session macros in the engine's main schema shadow
//     the engine's built-ins); functions the guard reserves or the engine
//     lacks under their Postgres name get the emulation's name
//     (current_setting -> lakegate_current_setting, jsonb_build_object ->
//     json_object, information_schema._pg_expandarray -> ...)
//   - extract(field FROM x) -> the macro of the field's numeric (pgexpr.go)
//   - current_schema and current_catalog without parentheses become calls
//   - x::regclass (and regtype, regnamespace, regrole): a string literal
//     becomes the object's OID (a regclass literal naming no relation the
//     caller may see is an undefined table, as in Postgres); anything else
//     the object's OID where it is compared or cast to oid, its name where
//     it is shown; ::oid and the other Postgres-only type names map to
//     engine types; 'f'::regproc is the function's name (pg_type keeps
//     names in its regproc columns)
//   - relnamespace = 'public' (a name where an OID belongs) -> the OID
//   - OPERATOR(pg_catalog.~) -> ~; COLLATE pg_catalog.default and friends
//     go, and so do COLLATE "C", "POSIX", "default" and ucs_basic
//   - the regular expression match operators ~, !~, ~*, !~* -> operators
//     with Postgres' semantics (operators.go)
//   - '{0}'-style array literals (in statements rewritten anyway) -> '[0]'
//
// In statements that read the emulation, also:
//   - x = ANY(array) -> list_contains(array, x), x <> ALL(array) -> NOT
//     list_contains(array, x) (the engine plans ANY as a subquery, which a
//     non-inner join condition cannot hold); '{a,b}' there is a list
//   - a scalar function in a FROM list (string_to_array(...) s) -> a
//     one-row subquery (SELECT string_to_array(...) AS s) s, as Postgres
//     reads it
//   - FROM generate_series(...) s -> s(s) (the alias also names the column)

// Engine schemas that hold the emulated catalogs.
const (
	pgSchema = "lakegate_pg"
	isSchema = "lakegate_information_schema"
	// pgSysSchema holds a view of each pg_catalog relation with Postgres'
	// system column tableoid (the relation's pg_class OID) added: a
	// statement that names tableoid reads those (pg_dump does), others
	// the relations themselves, whose SELECT * is Postgres'.
	pgSysSchema = "lakegate_pgsys"
)

// IsRelation reports whether name (folded) is a pg_catalog relation of the
// emulation, which an unqualified table reference may name.
func IsRelation(name string) bool { return pgRelations[name] != nil }

// IsEngineSchema reports an engine schema of the emulation: references to
// it are resolved by the engine, not the catalog.
func IsEngineSchema(schema string) bool {
	s := strings.ToLower(schema)
	return s == pgSchema || s == isSchema || s == pgSysSchema
}

// optionsTable renders pg_options_to_table(x), whose "(" is in[open], as
// the subquery of its rows (option_name, option_value: each 'name=value'
// of the text array x split at the first '='). It returns the index of
// the closing parenthesis.
func optionsTable(in []piece, open int) (string, int, bool) {
	k := matchParenIn(in, open)
	if k < 0 {
		return "", 0, false
	}
	var arg strings.Builder
	for _, p := range in[open+1 : k] {
		arg.WriteString(p.text)
	}
	return "(SELECT split_part(lakegate_o, '=', 1) AS option_name, substr(lakegate_o, strpos(lakegate_o, '=') + 1) AS option_value " +
		"FROM unnest(" + arg.String() + ") AS lakegate_t(lakegate_o))", k, true
}

// relationSchema is the engine schema a statement's pg_catalog relations
// are read from: pgSysSchema when it names the system column tableoid.
func relationSchema(in []piece) string {
	for _, p := range in {
		if p.identName() == "tableoid" {
			return pgSysSchema
		}
	}
	return pgSchema
}

// renamedFunctions are Postgres functions whose names the guard reserves
// for the engine's own (unsafe) versions; the emulation provides them under
// these names.
var renamedFunctions = map[string]string{
	"current_setting": "lakegate_current_setting",
	"current_schemas": "lakegate_current_schemas",
	"pg_get_viewdef":  "lakegate_pg_get_viewdef",
	"to_json":         "lakegate_to_json", // jsonnumber.go
}

// infoSchemaFunctions are information_schema's helper functions clients
// call qualified.
var infoSchemaFunctions = map[string]string{
	"_pg_expandarray": "lakegate_pg_expandarray",
}

// keywordFunctions are the SQL-standard functions called without
// parentheses; the engine knows current_user, session_user and user as
// such, the others need the parentheses added.
var keywordFunctions = map[string]bool{
	"current_user": false, "session_user": false, "user": false, "current_role": true,
	"current_schema": true, "current_catalog": true,
}

// castTypes maps Postgres type names without an engine equivalent. OIDs
// are UINTEGER, as in the emulated catalogs.
var castTypes = map[string]string{
	"oid": "UINTEGER", "name": "VARCHAR", "char": "VARCHAR", "bpchar": "VARCHAR", "regoper": "UINTEGER",
	"regclass[]": "UINTEGER[]", "oid[]": "UINTEGER[]", "oidvector": "UINTEGER[]", "int2vector": "SMALLINT[]",
	"xid": "BIGINT", "cid": "BIGINT", "tid": "VARCHAR", "aclitem": "VARCHAR", "aclitem[]": "VARCHAR[]",
	"pg_node_tree": "VARCHAR", "regconfig": "UINTEGER", "regdictionary": "UINTEGER", "anyarray": "VARCHAR",
	"text[]": "TEXT[]", "name[]": "VARCHAR[]",
	// array types by pg_type's name, as asyncpg's copy_from_query casts
	// its arguments ($1::"pg_catalog"."_int8")
	"_int2": "SMALLINT[]", "_int4": "INTEGER[]", "_int8": "BIGINT[]", "_text": "VARCHAR[]", "_varchar": "VARCHAR[]",
	"_bool": "BOOLEAN[]", "_float4": "REAL[]", "_float8": "DOUBLE[]", "_date": "DATE[]", "_timestamp": "TIMESTAMP[]",
	"_timestamptz": "TIMESTAMPTZ[]", "_oid": "UINTEGER[]", "_name": "VARCHAR[]", "_bytea": "BLOB[]", "_uuid": "UUID[]",
	"_json": "JSON[]",
}

// builtinCollations are the collations every Postgres has whose order
// is the engine's default (byte order); COLLATE naming one goes. Another
// name is left to the engine: its own collations (nocase, noaccent) work,
// a name it lacks fails rather than sort differently.
var builtinCollations = map[string]bool{"c": true, "posix": true, "default": true, "ucs_basic": true}

// regTypes are the OID alias types with a lookup in the emulation.
var regTypes = map[string]bool{
	"regclass": true, "regtype": true, "regnamespace": true, "regrole": true,
}

type piece struct {
	text  string
	kind  byte // ' ' space/comment, 'w' word, 'q' quoted identifier, 's' string, 'n' number, 'p' punctuation
	start int
}

// pieceKinds maps sqlparse's token kinds to the rewrite's piece kinds.
var pieceKinds = [...]byte{
	sqlparse.Space: ' ', sqlparse.Comment: ' ', sqlparse.Word: 'w', sqlparse.QuotedIdent: 'q',
	sqlparse.String: 's', sqlparse.Number: 'n', sqlparse.Param: 'n', sqlparse.Operator: 'p', sqlparse.Punct: 'p',
}

// lexPieces returns every token of s (sqlparse's lexer), white space and
// comments included, so that the pieces put together are s.
func lexPieces(s string) []piece {
	toks := sqlparse.Lex(s)
	out := make([]piece, len(toks))
	for i, t := range toks {
		out[i] = piece{text: t.Text, kind: pieceKinds[t.Kind], start: t.Pos}
	}
	return out
}

// identName is the folded name of a word or quoted identifier piece.
func (p piece) identName() string {
	switch p.kind {
	case 'w':
		return strings.ToLower(p.text)
	case 'q':
		return sqlparse.UnquoteIdent(p.text)
	}
	return ""
}

func (p piece) isIdent() bool { return p.kind == 'w' || p.kind == 'q' }

// Rewrite is the result of rewriting a statement's catalog references.
type Rewrite struct {
	SQL      string
	Changed  bool     // SQL differs from the input
	Touched  bool     // the statement needs the emulated catalogs installed
	Regclass []string // relation names of 'name'::regclass literals
}

// regclassKey is how the emulation keys a relation name given as text
// (session macro lakegate_regclass_oid does the same).
func regclassKey(name string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), `"`, ""))
}

// regprocName is the function a 'name'::regproc literal names, as pg_type
// shows it: 'pg_catalog.array_in' -> array_in, 'f(int)' -> f.
func regprocName(lit string) string {
	v, _ := sqlparse.StringValue(lit)
	v, _, _ = strings.Cut(v, "(")
	v = strings.TrimSpace(v)
	if i := strings.LastIndexByte(v, '.'); i >= 0 {
		v = v[i+1:]
	}
	return strings.ToLower(strings.Trim(v, `"`))
}

// RewriteSQL rewrites sql (see the file comment). relLocs are the byte
// offsets of unqualified table references that name an emulated
// pg_catalog relation (CTEs excluded), as the parse tree tells them; nil
// for the lexical pass before the text is parsed.
func RewriteSQL(sql string, relLocs map[int]bool) Rewrite {
	in := lexPieces(sql)
	relSchema := relationSchema(in)
	var out []piece
	rw := Rewrite{}
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
		if i >= len(in) || in[i].identName() != schema {
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
	// namespaceByName reports whether the identifier at i is compared with
	// a schema name rather than an OID (relnamespace = 'public').
	namespaceByName := func(i int) bool {
		eq := next(i + 1)
		if eq >= len(in) || in[eq].text != "=" {
			return false
		}
		l := next(eq + 1)
		if l >= len(in) || in[l].kind != 's' {
			return false
		}
		v, ok := sqlparse.StringValue(in[l].text)
		return ok && v != "" && strings.Trim(v, "0123456789") != ""
	}
	// CAST(x AS varchar(n)): the type to replace and what follows the
	// closing parenthesis (characterCastCall)
	charCastType, charCastTail := map[int]int{}, map[int]string{}
	// CAST(x AS text): the pieces from AS to the type, left out
	skipTo := map[int]int{}
	// text to write before a piece (format.go's call rewrites)
	before := map[int]string{}
	// string constants compared with a char(n) value, which Postgres
	// compares without trailing blanks (comparedConstant)
	trimmed := map[int]bool{}
	for i := 0; i < len(in); i++ {
		p := in[i]
		if t, ok := before[i]; ok {
			emit(t, 'p')
		}
		if trimmed[i] {
			if v, ok := sqlparse.StringValue(p.text); ok {
				emit(sqlparse.QuoteLiteral(strings.TrimRight(v, " ")), 's')
				rw.Changed = true
				continue
			}
		}
		if end, ok := skipTo[i]; ok {
			i = end
			continue
		}
		if end, ok := charCastType[i]; ok {
			emit("VARCHAR", 'w')
			i = end
			continue
		}
		if tail, ok := charCastTail[i]; ok {
			emit(p.text, p.kind)
			emit(tail, 'w')
			continue
		}
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
					o := op.String()
					if r, ok := regexOperators[o]; ok {
						o = r
					}
					emit(" "+o+" ", 'p')
					i = k
					rw.Changed, rw.Touched = true, true
					continue
				}
			}
		case (p.text == "@" || p.text == "<") && isOperand(prev):
			if text, last, ok := jsonbContains(in, i, &out, next); ok {
				emit(text, 'w')
				i = last
				rw.Changed = true
				continue
			}
		case p.text == "-" && isOperand(prev):
			// j -> 'key' (jsontext.go); j - 'key', j - 1, j - '{a,b}'::text[] (jsonb.go)
			if text, kind, last, ok := jsonDash(in, i, &out, next); ok {
				emit(text, kind)
				i = last
				rw.Changed = true
				continue
			}
		case p.text == "~" || p.text == "!" || p.text == "#" || p.text == "?":
			// j ? k, j #>> '{a,b}' (jsonb.go)
			if op, end, ok := jsonbOperator(in, i, prev, next); ok && p.text != "~" && p.text != "!" {
				emit(op, 'p')
				i = end
				rw.Changed = true
				continue
			}
			// a ~ b, a !~* b: Postgres' regular expression match; a # b (operators.go)
			if op, end, ok := regexOperatorAt(in, i, prev); ok {
				emit(" "+op+" ", 'p')
				i = end
				rw.Changed = true
				continue
			}
		case p.kind == 'w' && strings.EqualFold(p.text, "CAST") && !afterDot:
			if head, typ, typEnd, closing, tail, ok := characterCastCall(in, i, out); ok {
				emit(head, 'w')
				charCastType[typ], charCastTail[closing] = typEnd, tail
				rw.Changed = true
				continue
			}
			if as, typEnd, ok := textCastCall(in, i, next); ok {
				emit(textMacro(in[typEnd].identName()), 'w')
				for as > 0 && in[as-1].kind == ' ' {
					as--
				}
				skipTo[as] = typEnd
				rw.Changed = true
				continue
			}
		case p.kind == 'w' && strings.EqualFold(p.text, "COLLATE") && !afterDot:
			j := next(i + 1)
			if n, ok := qualified(j, "pg_catalog"); ok {
				i = n
				rw.Changed = true
				continue
			}
			if j < len(in) && in[j].isIdent() && builtinCollations[strings.ToLower(in[j].identName())] {
				i = j
				rw.Changed = true
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
				rw.Changed = true
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
			if text, last, ok := characterCast(in, j, &out); ok && !skipped {
				emit(text, 'w')
				if !strings.HasPrefix(text, "lakegate_varchar_n") {
					if l, ok := comparedConstant(in, last, next); ok {
						trimmed[l] = true
					}
				}
				i = last
				rw.Changed = true
				continue
			}
			if name == "bit" || name == "varbit" {
				// bit strings: the engine's BIT has other casts and no
				// text a client can read
				popOperand(&out)
				emit("lakegate_bit_refused()", 'w')
				if o := next(end + 1); o < len(in) && in[o].identName() == "varying" {
					end = o
				}
				if o := next(end + 1); o < len(in) && in[o].text == "(" {
					if c := matchParenIn(in, o); c > 0 {
						end = c
					}
				}
				i = end
				rw.Changed = true
				continue
			}
			if name == "jsonb" {
				operand, _ := popOperand(&out)
				emit("lakegate_jsonb("+operand+")", 'w')
				i = end
				rw.Changed = true
				continue
			}
			if name == "text" || name == "varchar" && end == j {
				if text, ok := textCast(&out, name == "varchar"); ok {
					emit(textMacro(name)+strings.TrimPrefix(text, "lakegate_text"), 'w')
					i = end
					rw.Changed = true
					continue
				}
			}
			if regTypes[name] {
				operand, literal := popOperand(&out)
				fn := "lakegate_" + name + "_name"
				if literal && !selectItem(out) || oidContext(in, next(end+1)) {
					// a literal is the object's OID unless it stands
					// alone in the select list ('pg_class'::regclass
					// shows the name)
					fn = "lakegate_" + name + "_oid"
				}
				if literal && name == "regclass" {
					// a relation named by its OID ('16417'::regclass) is
					// taken as it is, as Postgres does
					if v, _ := sqlparse.StringValue(operand); strings.Trim(v, "0123456789") != "" {
						rw.Regclass = append(rw.Regclass, v)
						operand = sqlparse.QuoteLiteral(regclassKey(v))
					}
				}
				if literal && strings.HasSuffix(fn, "_name") {
					// the name of the object the literal names
					operand = regOIDOperand(name, operand)
				}
				emit(fn+"("+operand+")", 'w')
				i = end
				rw.Changed, rw.Touched = true, true
				continue
			}
			if name == "regtype[]" {
				operand, _ := popOperand(&out)
				emit("list_transform("+operand+", lambda lakegate_t: lakegate_regtype_name(lakegate_t))", 'w')
				i = end
				rw.Changed, rw.Touched = true, true
				continue
			}
			if name == "regproc" || name == "regprocedure" {
				operand, literal := popOperand(&out)
				if literal {
					operand = sqlparse.QuoteLiteral(regprocName(operand))
				}
				emit(operand, 'w')
				i = end
				rw.Changed, rw.Touched = true, true
				continue
			}
			if t, ok := castTypes[name]; ok {
				emit("::"+t, 'p')
				i = end
				rw.Changed = true
				continue
			}
			if skipped {
				emit("::", 'p')
				i = j - 1
				continue
			}
		case p.kind == 'w' && strings.HasSuffix(p.identName(), "namespace") && namespaceByName(i):
			// c.relnamespace = 'public': a name where an OID belongs
			l := next(next(i+1) + 1)
			out = append(out, in[i:l]...)
			emit("lakegate_regnamespace_oid("+in[l].text+")", 'w')
			i = l
			rw.Changed, rw.Touched = true, true
			continue
		case p.kind == 'w' && !afterDot && p.identName() == "similar":
			if text, last, ok := similarTo(in, i, next); ok {
				emit(text, 'w')
				i = last
				rw.Changed = true
				continue
			}
		case p.isIdent() && !afterDot:
			if n, ok := qualified(i, "pg_catalog"); ok {
				name := in[n].identName()
				after := next(n + 1)
				switch {
				case after < len(in) && in[after].text == "(" && pgTableFunctions[name] != nil:
					// pg_get_keywords() -> the relation of its rows
					if c := next(after + 1); c < len(in) && in[c].text == ")" {
						emit(pgSchema+"."+name, 'w')
						i = c
						rw.Changed, rw.Touched = true, true
						continue
					}
					emit(p.text, p.kind)
					continue
				case after < len(in) && in[after].text == "(" && name == "pg_options_to_table":
					if sub, end, ok := optionsTable(in, after); ok {
						emit(sub, 'w')
						i = end
						rw.Changed, rw.Touched = true, true
						continue
					}
					emit(p.text, p.kind)
					continue
				case after < len(in) && in[after].text == "(":
					if r, ok := renamedFunctions[name]; ok {
						name = r
					}
					emit(name, 'w')
					rw.Changed, rw.Touched = true, true
				case typeCtx:
					if t, ok := castTypes[name]; ok {
						name = t
					}
					emit(name, 'w')
					rw.Changed = true
				case pgRelations[name] != nil:
					emit(relSchema+"."+name, 'w')
					rw.Changed, rw.Touched = true, true
				default:
					emit(p.text, p.kind)
					continue
				}
				i = n
				continue
			}
			if n, ok := qualified(i, "information_schema"); ok {
				name := in[n].identName()
				if r, ok := infoSchemaFunctions[name]; ok {
					if after := next(n + 1); after < len(in) && in[after].text == "(" {
						emit(r, 'w')
						i = n
						rw.Changed, rw.Touched = true, true
						continue
					}
				}
				if isRelations[name] != nil {
					emit(isSchema+"."+name, 'w')
					i = n
					rw.Changed, rw.Touched = true, true
					continue
				}
				break
			}
			name := p.identName()
			if IsEngineSchema(name) || oneColumnTableFunctions[name] {
				rw.Touched = true // the latter: aliasSeriesColumns
			}
			if relLocs[p.start] && pgRelations[name] != nil {
				emit(relSchema+"."+name, 'w')
				rw.Changed, rw.Touched = true, true
				continue
			}
			after := next(i + 1)
			call := after < len(in) && in[after].text == "("
			if call && name == "pg_options_to_table" {
				if sub, end, ok := optionsTable(in, after); ok {
					emit(sub, 'w')
					i = end
					rw.Changed, rw.Touched = true, true
					continue
				}
			}
			if call && p.kind == 'w' {
				if text, end, ok := pgCall(in, i, after, name, next, out, before); ok {
					emit(text, 'w')
					i = end
					rw.Changed = true
					continue
				}
			}
			if p.kind == 'w' && (name == "b" || name == "x") && !typeCtx {
				// B'101' and X'1F', bit string constants (the engine
				// reads them as other values)
				if l := i + 1; l < len(in) && in[l].kind == 's' && in[l].start == p.start+1 {
					emit("lakegate_bit_refused()", 'w')
					i = l
					rw.Changed = true
					continue
				}
			}
			if p.kind == 'w' && name == "jsonb" && !typeCtx {
				// jsonb '...', a typed constant
				if l := next(i + 1); l < len(in) && in[l].kind == 's' {
					emit("lakegate_jsonb("+in[l].text+")", 'w')
					i = l
					rw.Changed = true
					continue
				}
			}
			if p.kind == 'w' && name == "array" {
				if last, ok := arraySubscript(in, i, next); ok {
					emit("error('"+ArraySubscript+"')", 'w')
					i = last
					rw.Changed = true
					continue
				}
			}
			if call && name == "extract" && p.kind == 'w' {
				if text, from, ok := extractCall(in, after); ok {
					emit(text, 'w')
					i = from
					rw.Changed = true
					continue
				}
			}
			if call {
				if pgTableFunctions[name] != nil {
					if c := next(after + 1); c < len(in) && in[c].text == ")" {
						emit(pgSchema+"."+name, 'w')
						i = c
						rw.Changed, rw.Touched = true, true
						continue
					}
				}
				if r, ok := renamedFunctions[name]; ok {
					emit(r, 'w')
					rw.Changed, rw.Touched = true, true
					continue
				}
				if catalogFunctions[name] {
					rw.Touched = true
				}
				if name == "pg_typeof" && p.kind == 'w' {
					// labelled regtype (ApplyTypes); a string constant
					// is unknown to Postgres, as NULL is (builtins.go)
					rw.Touched = true
					if l := next(after + 1); l < len(in) && in[l].kind == 's' {
						if c := next(l + 1); c < len(in) && in[c].text == ")" {
							emit(p.text+"(NULL)", 'w')
							i = c
							rw.Changed = true
							continue
						}
					}
				}
			}
			if addParens, ok := keywordFunctions[name]; ok && p.kind == 'w' && !call && !typeCtx {
				rw.Touched = true
				if addParens {
					emit(p.text+"()", 'w')
					rw.Changed = true
					continue
				}
			}
		case p.kind == 's' && isArrayLiteral(p.text):
			arrayLits = true
		case p.kind == 's' && timestampConstant(in, i, prev, next):
			if lit, ok := roundMicros(p.text); ok {
				if lit == "" {
					lit = "error('" + TimestampCarry + "')"
				}
				emit(lit, p.kind)
				rw.Changed = true
				continue
			}
		case p.kind == 'n':
			if text, ok := exponentConstant(in, i, next); ok {
				emit(text, 'w')
				rw.Changed = true
				continue
			}
		}
		out = append(out, p)
	}
	if t, ok := before[len(in)]; ok {
		emit(t, 'p')
	}
	if len(before) > 0 {
		rw.Changed = true
	}
	if !rw.Changed && !rw.Touched {
		return Rewrite{SQL: sql}
	}
	if rw.Touched {
		out = jsonbTypeofs(markVarcharCasts(aliasSeriesColumns(rewriteArrayComparisons(wrapScalarFromItems(out)))))
	}
	out = characterTypeofs(out) // charcalls.go
	var b strings.Builder
	for _, p := range out {
		if arrayLits && rw.Touched && p.kind == 's' && isArrayLiteral(p.text) {
			b.WriteString("'[" + p.text[2:len(p.text)-2] + "]'")
			continue
		}
		b.WriteString(p.text)
	}
	rw.SQL = b.String()
	rw.Changed = rw.SQL != sql
	return rw
}
