package pgcatalog

import (
	"regexp"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// extract(field FROM x) is numeric in Postgres 15: whole for most fields,
// with six decimals for second and epoch (of anything but a date), three
// for millisecond. The engine reads it as date_part('field', x), a
// BIGINT, and drops the fraction of a second; date_part itself is float8
// in Postgres (builtins.go). So the call is rewritten, in its text, to
// the macro that gives the field's numeric: extract(year FROM x) ->
// lakegate_extract('year', x), extract(second FROM x) ->
// lakegate_extract_second(x). The result column keeps the name extract.

// extractMacros are the macros of the fields whose numeric has decimals,
// by Postgres' spellings of the field.
var extractMacros = map[string]string{
	"second": "lakegate_extract_second", "seconds": "lakegate_extract_second", "sec": "lakegate_extract_second",
	"secs": "lakegate_extract_second", "millisecond": "lakegate_extract_millisecond",
	"milliseconds": "lakegate_extract_millisecond", "ms": "lakegate_extract_millisecond",
	"msec": "lakegate_extract_millisecond", "msecs": "lakegate_extract_millisecond",
	"epoch": "lakegate_extract_epoch",
}

// extractCall reads "( field FROM" of an extract call whose "(" is
// in[open]; it returns the text that replaces extract up to FROM and the
// index of FROM.
func extractCall(in []piece, open int) (string, int, bool) {
	f := open + 1
	for f < len(in) && in[f].kind == ' ' {
		f++
	}
	if f >= len(in) {
		return "", 0, false
	}
	var field string
	switch in[f].kind {
	case 'w', 'q':
		field = in[f].identName()
	case 's':
		v, ok := sqlparse.StringValue(in[f].text)
		if !ok {
			return "", 0, false
		}
		field = strings.ToLower(v)
	default:
		return "", 0, false
	}
	from := f + 1
	for from < len(in) && in[from].kind == ' ' {
		from++
	}
	if from >= len(in) || in[from].identName() != "from" || field == "" {
		return "", 0, false
	}
	if m, ok := extractMacros[field]; ok {
		return m + "(", from, true
	}
	return "lakegate_extract(" + sqlparse.QuoteLiteral(field) + ",", from, true
}

// x::varchar(n) keeps the first n characters of x in Postgres, and so
// does x::char(n) (character(n), bpchar(n); char alone is char(1)),
// which also pads a shorter value with blanks that comparisons, length
// and || ignore. The engine has one string type and ignores the length.
// So the cast becomes lakegate_varchar_n(x, n) (the first n characters),
// or, where the cast is a whole result column, which the client sees
// padded, lakegate_bpchar_n(x, n) (padded to n). The result column is
// labelled varchar or bpchar (CharacterColumns). "char" in quotes is
// Postgres' one-byte type, left to castTypes.

// characterType reads a varchar(n) or char(n) type name at in[j]; it
// returns the macro's length argument, whether the type is varchar, and
// the index of the type's last piece.
func characterType(in []piece, j int) (length string, varchar bool, last int, ok bool) {
	if j >= len(in) || in[j].kind != 'w' {
		return "", false, 0, false
	}
	next := func(i int) int {
		for i < len(in) && in[i].kind == ' ' {
			i++
		}
		return i
	}
	name, end := in[j].identName(), j
	if name == "character" {
		if v := next(j + 1); v < len(in) && in[v].identName() == "varying" {
			name, end = "varchar", v
		}
	}
	if o := next(end + 1); o < len(in) && in[o].text == "(" {
		n, c := next(o+1), 0
		if n < len(in) && in[n].kind == 'n' {
			c = next(n + 1)
		}
		if c == 0 || c >= len(in) || in[c].text != ")" {
			return "", false, 0, false
		}
		length, end = in[n].text, c
	}
	if a := next(end + 1); a < len(in) && in[a].text == "[" {
		return "", false, 0, false // an array type
	}
	switch name {
	case "varchar", "bpchar":
		if length == "" {
			return "", false, 0, false
		}
	case "char", "character":
		if length == "" {
			length = "1"
		}
	default:
		return "", false, 0, false
	}
	return length, name == "varchar", end, true
}

// characterMacro is the macro of a varchar or char cast; whole tells
// whether the cast is a whole result column.
func characterMacro(varchar, whole bool) string {
	switch {
	case varchar:
		return "lakegate_varchar_n"
	case whole:
		return "lakegate_bpchar_n"
	}
	return "lakegate_char_n"
}

// characterCast reads the type of a :: cast at in[j] (the piece after
// ::) and, for varchar(n) or char(n), takes the operand from out and
// returns the rewritten cast and the index of its last piece.
func characterCast(in []piece, j int, out *[]piece) (string, int, bool) {
	length, varchar, end, ok := characterType(in, j)
	if !ok {
		return "", 0, false
	}
	operand, _ := popOperand(out)
	after := end + 1
	for after < len(in) && in[after].kind == ' ' {
		after++
	}
	fn := characterMacro(varchar, selectItem(*out) && itemEnds(in, after))
	return fn + "(" + operand + ", " + length + ")", end, true
}

// characterCastCall reads CAST(x AS varchar(n)) (or char(n)) whose CAST
// is in[i]: it returns the text that replaces CAST, the index of the
// type's first and last pieces and of the closing parenthesis, and the
// text to write after it.
func characterCastCall(in []piece, i int, out []piece) (head string, typ, typEnd, closing int, tail string, ok bool) {
	next := func(i int) int {
		for i < len(in) && in[i].kind == ' ' {
			i++
		}
		return i
	}
	o := next(i + 1)
	if o >= len(in) || in[o].text != "(" {
		return "", 0, 0, 0, "", false
	}
	as, depth := -1, 0
	for k := o; k < len(in); k++ {
		switch {
		case in[k].text == "(" || in[k].text == "[":
			depth++
		case in[k].text == ")" || in[k].text == "]":
			depth--
			if depth == 0 {
				if as < 0 {
					return "", 0, 0, 0, "", false
				}
				length, varchar, end, ok := characterType(in, next(as+1))
				if !ok || next(end+1) != k {
					return "", 0, 0, 0, "", false
				}
				fn := characterMacro(varchar, selectItem(out) && itemEnds(in, next(k+1)))
				return fn + "(CAST", next(as + 1), end, k, ", " + length + ")", true
			}
		case depth == 1 && in[k].identName() == "as":
			as = k
		}
	}
	return "", 0, 0, 0, "", false
}

// itemEnds reports whether a select item ends at in[i]: a comma, an
// alias, FROM and the like, or the end of the statement.
func itemEnds(in []piece, i int) bool {
	if i >= len(in) {
		return true
	}
	switch p := in[i]; {
	case p.text == "," || p.text == ";" || p.kind == 'q':
		return true
	case p.kind == 'w':
		switch p.identName() {
		case "and", "or", "is", "not", "in", "like", "ilike", "between", "similar", "collate", "isnull", "notnull", "at":
			return false
		}
		return true
	}
	return false
}

// characterMacros are the casts' engine macros.
var characterMacros = []string{
	`lakegate_varchar_n(x, n) AS left(lakegate_text(x), n)`,
	// char(n) inside an expression: its value without the padding, which
	// Postgres' length, || and comparisons ignore
	`lakegate_char_n(x, n) AS rtrim(left(lakegate_text(x), n), ' ')`,
	`lakegate_bpchar_n(x, n) AS rpad(left(lakegate_text(x), n), n, ' ')`,
	// a SIMILAR TO pattern already made a regular expression (similarTo)
	`lakegate_similar(re) AS re`,
	// a pattern that cannot be made one fails where the engine evaluates it
	// (random(): not folded away before it runs)
	`lakegate_similar_refused() AS CASE WHEN random() >= 0 THEN error('` + SimilarPattern + `') ELSE '' END`,
}

// CharacterColumns returns the Postgres type of each result column that
// is a varchar(n) or char(n) cast (0 for others): Postgres types them
// varchar and bpchar, the engine's one string type is sent as text; and
// jsonb for a column whose value is jsonb (jsonb.go; through a set
// operation, a scalar subquery, CASE or coalesce: jsonbflow.go), which the
// engine's one JSON type would send as json, and jsonb[] for array_agg of
// one.
func CharacterColumns(root tree.QueryNode) []uint32 {
	if so, ok := root.(*tree.SetOperationNode); ok {
		return setOperationJSONB(so) // jsonbflow.go
	}
	fromJSONB := jsonbFromColumns(root)
	if sel, ok := root.(*tree.SelectNode); ok && fromJSONB != nil && fromJSONB.star != nil && len(sel.SelectList) == 1 {
		if st, ok := sel.SelectList[0].(*tree.Star); ok && st.Expr == nil && !st.Columns && len(st.ExcludeList) == 0 &&
			len(st.ReplaceList) == 0 && len(st.RenameList) == 0 {
			return fromJSONB.star
		}
	}
	if sel, ok := root.(*tree.SelectNode); ok && plainStar(sel.SelectList) {
		return starJSONB(sel) // * of a subquery or CTE (jsonbflow.go)
	}
	return resultColumns(root, func(e tree.Expr) (uint32, bool) {
		if c, ok := e.(*tree.Function); ok {
			switch strings.ToLower(c.FunctionName) {
			case "lakegate_varchar_n", "lakegate_varchar_text":
				return pgtypes.OIDVarchar, true
			case "lakegate_bpchar_n":
				return pgtypes.OIDBpchar, true
			}
		}
		if isJSONB(e, fromJSONB) {
			return pgtypes.OIDJSONB, true
		}
		if isJSONBArray(e, fromJSONB) {
			return pgtypes.OIDJSONBArray, true
		}
		return 0, true
	})
}

// x SIMILAR TO 'pattern' is SQL's pattern language in Postgres: % and _
// are wildcards, . ^ $ stand for themselves, \ escapes the next
// character, and | * + ? {m,n} ( ) [...] are as in regular expressions.
// The engine reads SIMILAR TO as a regular expression matched against the
// whole string (regexp_full_match), so '%' finds nothing and '.' any
// character. A constant pattern is rewritten, in its text, to the
// regular expression Postgres makes of it (similar_escape); a pattern
// that is not a constant, or with an ESCAPE clause, fails with 0A000
// (SimilarPattern) rather than being read as a regular expression. The
// regular expression goes in lakegate_similar(...), which is the value it
// is given, so that a second pass over the rewritten text (catalog
// relations found in the parse tree) leaves it alone.

// similarRegex returns the regular expression of a SIMILAR TO pattern.
func similarRegex(pat string) (string, bool) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		if inClass {
			b.WriteByte(c)
			if c == ']' {
				inClass = false
			}
			continue
		}
		switch c {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteByte('.')
		case '\\':
			if i+1 == len(pat) {
				return "", false // Postgres: a trailing escape character
			}
			i++
			b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
		case '.', '^', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '[':
			inClass = true
			b.WriteByte(c)
			// a leading ^ or ] belongs to the class
			if i+1 < len(pat) && pat[i+1] == '^' {
				i++
				b.WriteByte('^')
			}
			if i+1 < len(pat) && pat[i+1] == ']' {
				i++
				b.WriteByte(']')
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), !inClass
}

// similarTo reads "SIMILAR TO pattern" at in[i] (SIMILAR); it returns the
// text that replaces it through the pattern and the index of the
// pattern's last piece.
func similarTo(in []piece, i int, next func(int) int) (string, int, bool) {
	to := next(i + 1)
	if to >= len(in) || in[to].identName() != "to" || in[to].kind != 'w' {
		return "", 0, false
	}
	pat := next(to + 1)
	if pat >= len(in) {
		return "", 0, false
	}
	if name := in[pat].identName(); name == "lakegate_similar" || name == "lakegate_similar_refused" {
		return "", 0, false // rewritten already
	}
	refuse := "SIMILAR TO lakegate_similar_refused()"
	v, ok := sqlparse.StringValue(in[pat].text)
	if !ok || in[pat].kind != 's' {
		// not a plain constant: the pattern is kept after the refusal,
		// which fails the comparison wherever the engine evaluates it
		return refuse + " ||", to, true
	}
	if e := next(pat + 1); e < len(in) && in[e].identName() == "escape" && in[e].kind == 'w' {
		return refuse + " ||", to, true
	}
	re, ok := similarRegex(v)
	if !ok {
		return refuse, pat, true
	}
	return "SIMILAR TO lakegate_similar(" + sqlparse.QuoteLiteral(re) + ")", pat, true
}
