package pgcatalog

import "strings"

// The lexical pieces' helpers of RewriteSQL (rewrite.go) that read around
// a piece: whether a reg* value is used as an OID, array literals, the
// operand before an operator, the previous significant piece, a dotted
// name's start and the constant a name is compared with.

// oidContext reports whether the pieces from i on use a reg* value as an
// OID: compared, or cast to oid or an integer type.
func oidContext(in []piece, i int) bool {
	if i >= len(in) {
		return false
	}
	switch t := in[i].text; {
	case t == "=" || t == "<" || t == ">" || t == "!":
		return true
	case strings.EqualFold(t, "IN"):
		return true
	case t == "::":
		j := i + 1
		for j < len(in) && in[j].kind == ' ' {
			j++
		}
		if j+2 < len(in) && in[j].identName() == "pg_catalog" && in[j+1].text == "." {
			j += 2 // the type's schema qualifier
		}
		if j < len(in) {
			switch in[j].identName() {
			case "oid", "int4", "int8", "integer", "bigint", "int":
				return true
			}
		}
	}
	return false
}

// isArrayLiteral matches '{}' and '{1,2}' (Postgres array input syntax for
// OID lists, as psql compares polroles = '{0}'), rewritten in statements
// that read the catalog only ('{}' is a jsonb's text too).
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
	case last.text == ")" || last.text == "]":
		// (...) and [...], with the name before them: f(x), ARRAY[...], a[1]
		depth := 0
		for start >= 0 {
			switch o[start].text {
			case ")", "]":
				depth++
			case "(", "[":
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
		if k := prevNonSpace(o, start); k >= 0 && o[k].isIdent() && (!operandStopWords[o[k].identName()] || o[k].identName() == "array" && o[start].text == "[") {
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

// comparedConstant reads, after a char(n) cast ending at in[last], a
// comparison with a string constant (x::char(3) = 'a  '): Postgres
// compares the two as char(n), without trailing blanks, and the cast's
// macro gives its value without them (lakegate_char_n). It returns the
// constant's index.
func comparedConstant(in []piece, last int, next func(int) int) (int, bool) {
	k := next(last + 1)
	var op strings.Builder
	for k < len(in) && in[k].kind == 'p' && len(in[k].text) == 1 && strings.Contains("=<>!", in[k].text) {
		op.WriteString(in[k].text)
		k++
	}
	switch op.String() {
	case "=", "<>", "!=", "<", ">", "<=", ">=":
	default:
		return 0, false
	}
	if k = next(k); k < len(in) && in[k].kind == 's' {
		if c := next(k + 1); c < len(in) && (in[c].text == "::" || in[c].text == "||") {
			return 0, false // the constant goes on
		}
		return k, true
	}
	return 0, false
}
