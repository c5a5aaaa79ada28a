package planner

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// The engine folds an operator or a function of a NULL constant to a NULL
// of no type where an operand is a decimal or a text (NULL::numeric + 1,
// 2.5 + NULL::int, round(NULL::numeric(12,2)), NULL::text || 'a'), which
// reaches the client as int4 or fails in the macros' cast_to_type (22023
// "cannot be used to cast to NULL"), where Postgres answers a NULL of the
// operator's type. A scalar subquery is not folded: a typed NULL constant
// (NULL::type, CAST(NULL AS type)) that is an operand of an operator or an
// argument of a call becomes (SELECT NULL::type), whose type the engine
// keeps. Not inside a call of a macro that takes its arguments into a
// lambda, where the engine refuses a subquery (pgcatalog.LambdaMacro).

// An untyped NULL operand of an operator takes the other operand's type
// in Postgres (unknown resolves to it): 2.5 - NULL and amount - NULL are
// numeric NULLs, 'a' || NULL a text NULL. The engine folds an operator of
// a NULL constant and a decimal or a text to a NULL of no type, which
// reaches the client as int4 or fails in the macros' cast_to_type (22023).
// Such a NULL becomes cast_to_type((SELECT NULL), other): a NULL of the
// other operand's type, which the engine does not fold. Only an operand
// the tokens delimit (a constant, a column, a call or a parenthesized
// expression, with casts) is copied; a NULL beside anything else is left
// as written.

// nullOperators are the binary operators whose untyped NULL operand is
// typed as above.
var nullOperators = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "^": true, "||": true}

// nullOperandEdits are the edits that type each untyped NULL operand of
// nullOperators in toks.
func nullOperandEdits(sql string, toks []sqlparse.Token) []litEdit {
	var edits []litEdit
	for i, t := range toks {
		if t.Kind != sqlparse.Word || !strings.EqualFold(t.Text, "NULL") {
			continue
		}
		if e, ok := typedNullEdit(toks, i); ok {
			edits = append(edits, e)
			continue
		}
		if i+1 < len(toks) && toks[i+1].Text == "::" || i >= 2 && strings.EqualFold(toks[i-2].Text, "CAST") && toks[i-1].Text == "(" {
			continue
		}
		if i >= 2 && i+1 < len(toks) && strings.EqualFold(toks[i-2].Text, "abs") && toks[i-1].Text == "(" && toks[i+1].Text == ")" {
			// abs(NULL): the unknown resolves to float8, the preferred
			// numeric type
			edits = append(edits, litEdit{t.Pos, t.End, "(SELECT NULL::DOUBLE)"})
			continue
		}
		var other string
		if i >= 2 && i+2 < len(toks) && toks[i-1].Text == "(" && strings.EqualFold(toks[i-2].Text, "nullif") && toks[i+1].Text == "," {
			// nullif(NULL, x) is of x's type in Postgres
			if e, ok := operandEnd(toks, i+2); ok && e+1 < len(toks) && toks[e+1].Text == ")" {
				other = sql[toks[i+2].Pos:toks[e].End]
			}
		}
		if l := leftOperator(toks, i); other == "" && l > 0 && !unaryAt(toks, l) {
			if s, ok := operandStart(toks, l-1); ok {
				other = sql[toks[s].Pos:toks[l-1].End]
			}
		}
		if r := rightOperator(toks, i); other == "" && r > 0 && r < len(toks) {
			if e, ok := operandEnd(toks, r); ok {
				other = sql[toks[r].Pos:toks[e].End]
			}
		}
		if other == "" || strings.EqualFold(other, "NULL") {
			continue
		}
		edits = append(edits, litEdit{t.Pos, t.End, "cast_to_type((SELECT NULL), " + other + ")"})
	}
	return edits
}

// leftOperator returns where the operator before toks[i] starts, 0 if
// there is none of nullOperators (|| is two tokens).
func leftOperator(toks []sqlparse.Token, i int) int {
	switch {
	case i >= 3 && toks[i-1].Text == "|" && toks[i-2].Text == "|" && toks[i-2].End == toks[i-1].Pos:
		return i - 2
	case i >= 2 && toks[i-1].Kind == sqlparse.Operator && nullOperators[toks[i-1].Text]:
		return i - 1
	}
	return 0
}

// rightOperator returns where the operand after the operator after
// toks[i] starts, 0 if there is none of nullOperators.
func rightOperator(toks []sqlparse.Token, i int) int {
	switch {
	case i+3 < len(toks) && toks[i+1].Text == "|" && toks[i+2].Text == "|" && toks[i+1].End == toks[i+2].Pos:
		return i + 3
	case i+2 < len(toks) && toks[i+1].Kind == sqlparse.Operator && nullOperators[toks[i+1].Text]:
		return i + 2
	}
	return 0
}

// unaryAt reports whether the operator at i has no left operand (- NULL).
func unaryAt(toks []sqlparse.Token, i int) bool {
	if i == 0 {
		return true
	}
	p := toks[i-1]
	switch {
	case p.Kind == sqlparse.Operator, p.Text == "(", p.Text == ",":
		return true
	case p.Kind == sqlparse.Word:
		return nullStopWords[strings.ToLower(p.Text)]
	}
	return false
}

// nullStopWords are keywords an operand never ends or starts with.
var nullStopWords = map[string]bool{
	"select": true, "where": true, "and": true, "or": true, "not": true, "then": true, "else": true, "when": true,
	"case": true, "end": true, "in": true, "is": true, "on": true, "by": true, "from": true, "as": true, "having": true,
	"like": true, "between": true, "distinct": true, "all": true, "any": true, "some": true, "array": true, "values": true,
	"return": true, "limit": true, "offset": true, "null": true, "exists": true,
}

// operandStart returns where the operand ending at toks[end] starts: a
// constant, a (dotted) column, a call or a parenthesized expression, each
// with :: casts.
func operandStart(toks []sqlparse.Token, end int) (int, bool) {
	i := end
	// casts: ... :: type [(n, m)] [[]]
	for {
		j := i
		if j >= 1 && toks[j].Text == "]" && toks[j-1].Text == "[" {
			j -= 2
		}
		if j >= 0 && toks[j].Text == ")" {
			k := j - 1
			for k >= 0 && (toks[k].Kind == sqlparse.Number || toks[k].Text == ",") {
				k--
			}
			if k >= 1 && toks[k].Text == "(" && toks[k-1].Kind == sqlparse.Word && k >= 2 && toks[k-2].Text == "::" {
				j = k - 1
			}
		}
		if j >= 1 && (toks[j].Kind == sqlparse.Word || toks[j].Kind == sqlparse.QuotedIdent) && toks[j-1].Text == "::" {
			i = j - 2
			continue
		}
		if j >= 3 && toks[j].Kind == sqlparse.Word && toks[j-1].Text == "." && toks[j-3].Text == "::" {
			i = j - 4
			continue
		}
		break
	}
	if i < 0 {
		return 0, false
	}
	t := toks[i]
	switch {
	case t.Kind == sqlparse.Number, t.Kind == sqlparse.String, i < end && strings.EqualFold(t.Text, "NULL"):
		return i, true
	case t.Kind == sqlparse.Word && nullStopWords[strings.ToLower(t.Text)]:
		return 0, false
	case t.Kind == sqlparse.Word, t.Kind == sqlparse.QuotedIdent:
		for i >= 2 && toks[i-1].Text == "." && (toks[i-2].Kind == sqlparse.Word || toks[i-2].Kind == sqlparse.QuotedIdent) {
			i -= 2
		}
		return i, true
	case t.Text == ")":
		depth := 0
		for ; i >= 0; i-- {
			switch toks[i].Text {
			case ")":
				depth++
			case "(":
				depth--
			}
			if depth == 0 {
				break
			}
		}
		if i < 0 {
			return 0, false
		}
		if i >= 1 && (toks[i-1].Kind == sqlparse.Word && !nullStopWords[strings.ToLower(toks[i-1].Text)] || toks[i-1].Kind == sqlparse.QuotedIdent) {
			i--
			for i >= 2 && toks[i-1].Text == "." {
				i -= 2
			}
		}
		return i, true
	}
	return 0, false
}

// operandEnd returns where the operand starting at toks[start] ends (the
// operands of operandStart).
func operandEnd(toks []sqlparse.Token, start int) (int, bool) {
	i := start
	t := toks[i]
	switch {
	case t.Kind == sqlparse.Number, t.Kind == sqlparse.String:
	case t.Kind == sqlparse.Word && nullStopWords[strings.ToLower(t.Text)]:
		return 0, false
	case t.Kind == sqlparse.Word || t.Kind == sqlparse.QuotedIdent || t.Text == "(":
		for t.Text != "(" && i+2 < len(toks) && toks[i+1].Text == "." {
			i += 2
		}
		if t.Text == "(" || i+1 < len(toks) && toks[i+1].Text == "(" {
			if t.Text != "(" {
				i++
			}
			if i = sqlparse.ClosingParen(toks, i); i < 0 {
				return 0, false
			}
		}
	default:
		return 0, false
	}
	// casts
	for i+2 < len(toks) && toks[i+1].Text == "::" && (toks[i+2].Kind == sqlparse.Word || toks[i+2].Kind == sqlparse.QuotedIdent) {
		i += 2
		if i+2 < len(toks) && toks[i+1].Text == "." {
			i += 2
		}
		if i+1 < len(toks) && toks[i+1].Text == "(" {
			k := i + 2
			for k < len(toks) && (toks[k].Kind == sqlparse.Number || toks[k].Text == ",") {
				k++
			}
			if k < len(toks) && toks[k].Text == ")" {
				i = k
			}
		}
		if i+2 < len(toks) && toks[i+1].Text == "[" && toks[i+2].Text == "]" {
			i += 2
		}
	}
	return i, true
}

// typedNullEdit is the edit that writes the typed NULL constant at
// toks[i] (NULL::type or CAST(NULL AS type)) as a scalar subquery, where
// it is an operand or an argument.
func typedNullEdit(toks []sqlparse.Token, i int) (litEdit, bool) {
	first, last, typ := i, 0, 0
	switch {
	case i+2 < len(toks) && toks[i+1].Text == "::":
		typ = i + 2
		_, _, end := castTypeElem(toks, typ)
		last = end - 1
	case i >= 2 && i+2 < len(toks) && strings.EqualFold(toks[i-2].Text, "CAST") && toks[i-1].Text == "(" && strings.EqualFold(toks[i+1].Text, "AS"):
		typ, first = i+2, i-2
		_, _, end := castTypeElem(toks, typ)
		if end >= len(toks) || toks[end].Text != ")" {
			return litEdit{}, false
		}
		last = end
	default:
		return litEdit{}, false
	}
	if last < typ || last >= len(toks) {
		return litEdit{}, false
	}
	_, decimal := numericTypeEnd(toks, typ)
	if !operandContext(toks, first, last, decimal) {
		return litEdit{}, false
	}
	var b strings.Builder
	for k := typ; k <= last && !(first < i && k == last); k++ {
		if k > typ && toks[k].Pos > toks[k-1].End {
			b.WriteByte(' ')
		}
		b.WriteString(toks[k].Text)
	}
	return litEdit{toks[first].Pos, toks[last].End, "(SELECT NULL::" + b.String() + ")"}, true
}

// operandContext reports whether toks[first:last+1] is an operand of one
// of nullOperators or, for a decimal, an argument of a call (not of a
// LambdaMacro). A NULL of another type stays a constant argument: macros
// read some arguments as constants (round(x, n)'s scale).
func operandContext(toks []sqlparse.Token, first, last int, decimal bool) bool {
	if first >= 1 && toks[first-1].Kind == sqlparse.Operator && (nullOperators[toks[first-1].Text] || toks[first-1].Text == "|") {
		return true
	}
	if next := last + 1; next < len(toks) && toks[next].Kind == sqlparse.Operator && (nullOperators[toks[next].Text] || toks[next].Text == "|") {
		return true
	}
	// an argument: after the ( of a call or a comma between its
	// arguments; the function's name before the (
	if !decimal || first == 0 || toks[first-1].Text != "(" && toks[first-1].Text != "," {
		return false
	}
	depth := 0
	for k := first - 1; k >= 0; k-- {
		switch toks[k].Text {
		case ")", "]":
			depth++
		case "[":
			depth--
		case "(":
			if depth > 0 {
				depth--
				continue
			}
			if k == 0 || toks[k-1].Kind != sqlparse.Word && toks[k-1].Kind != sqlparse.QuotedIdent {
				return false
			}
			name := strings.ToLower(strings.Trim(toks[k-1].Text, `"`))
			return !nullStopWords[name] && !callKeywords[name] && !pgcatalog.LambdaMacro(name)
		}
	}
	return false
}

// callKeywords are words a ( follows that are no function, and the
// conditional expressions, which the engine does not fold to an untyped
// NULL (and whose branches the numeric checks read as constants).
var callKeywords = map[string]bool{
	"in": true, "values": true, "over": true, "filter": true, "using": true, "into": true,
	"coalesce": true, "greatest": true, "least": true, "nullif": true,
}

// numericTypeEnd reports whether toks[i:] starts with numeric or decimal
// (pg_catalog-qualified or not), with or without a precision and scale
// but without an array suffix, and returns the index after it.
func numericTypeEnd(toks []sqlparse.Token, i int) (int, bool) {
	if end, ok := bareNumericAt(toks, i); ok {
		return end, true
	}
	if i+2 < len(toks) && strings.EqualFold(strings.Trim(toks[i].Text, `"`), "pg_catalog") && toks[i+1].Text == "." {
		i += 2
	}
	if i+1 >= len(toks) || toks[i+1].Text != "(" {
		return i, false
	}
	switch strings.ToLower(strings.Trim(toks[i].Text, `"`)) {
	case "numeric", "decimal":
	default:
		return i, false
	}
	j := i + 2
	for j < len(toks) && (toks[j].Kind == sqlparse.Number || toks[j].Text == ",") {
		j++
	}
	if j >= len(toks) || toks[j].Text != ")" || j+1 < len(toks) && toks[j+1].Text == "[" {
		return i, false
	}
	return j + 1, true
}

// ambiguous is the error of a call or an operator whose only operand is
// an untyped NULL where Postgres has several candidates and cannot choose
// (- NULL, trunc(NULL), NULL -> 'a': 42725). The engine would answer a
// NULL of its own choosing.
func ambiguous(msg string) error { return &EngineError{Kind: KindAmbiguousFunction, Msg: msg} }

// ambiguousNullFunctions are the one-argument functions Postgres cannot
// resolve for an untyped NULL.
var ambiguousNullFunctions = map[string]bool{"trunc": true, "to_hex": true}

// polymorphicNullFunctions are the functions whose first argument is
// Postgres' anyarray or anyelement and decides the call's types: an
// untyped NULL there fails (42804), the engine answers a NULL.
var polymorphicNullFunctions = map[string]bool{
	"to_json": true, "to_jsonb": true, "array_length": true, "cardinality": true, "array_to_string": true,
}

// indeterminate is the error of an untyped NULL where Postgres must read
// a polymorphic argument's type from it.
func indeterminate() error {
	return &EngineError{Kind: KindDatatypeMismatch, Msg: "could not determine polymorphic type because input has type unknown"}
}

// ambiguousNulls returns an ambiguous error for the first untyped NULL
// that is the operand of a unary minus, the left operand of a json path
// operator (->, ->>, #>, #>>), the only argument of
// ambiguousNullFunctions or what extract reads (extract(epoch FROM
// NULL)), and an indeterminate one for the first that is the first
// argument of polymorphicNullFunctions.
func ambiguousNulls(toks []sqlparse.Token) error {
	for i, t := range toks {
		if t.Kind != sqlparse.Word || !strings.EqualFold(t.Text, "NULL") || i+1 < len(toks) && toks[i+1].Text == "::" {
			continue
		}
		if i >= 2 && i+1 < len(toks) && toks[i-1].Text == "(" && (toks[i+1].Text == ")" || toks[i+1].Text == ",") &&
			polymorphicNullFunctions[strings.ToLower(toks[i-2].Text)] && (i < 3 || toks[i-3].Text != ".") {
			return indeterminate()
		}
		if i >= 4 && i+1 < len(toks) && toks[i+1].Text == ")" && strings.EqualFold(toks[i-1].Text, "FROM") &&
			toks[i-3].Text == "(" && strings.EqualFold(toks[i-4].Text, "extract") {
			return ambiguous("function pg_catalog.extract(unknown, unknown) is not unique")
		}
		if i >= 1 && toks[i-1].Text == "-" && unaryAt(toks, i-1) && !(i >= 2 && toks[i-2].Text == "#" && toks[i-2].End == toks[i-1].Pos) { // not jsonb's #-
			return ambiguous("operator is not unique: - unknown")
		}
		if i >= 2 && i+1 < len(toks) && toks[i-1].Text == "(" && toks[i+1].Text == ")" && ambiguousNullFunctions[strings.ToLower(toks[i-2].Text)] &&
			(i < 3 || toks[i-3].Text != ".") {
			return ambiguous("function " + strings.ToLower(toks[i-2].Text) + "(unknown) is not unique")
		}
		if i+2 < len(toks) && (toks[i+1].Text == "-" || toks[i+1].Text == "#") && toks[i+2].Text == ">" && toks[i+1].End == toks[i+2].Pos {
			op := toks[i+1].Text + ">"
			if i+3 < len(toks) && toks[i+3].Text == ">" && toks[i+2].End == toks[i+3].Pos {
				op += ">"
			}
			return ambiguous("operator is not unique: unknown " + op + " unknown")
		}
	}
	return nil
}

// anyArrayEdits are the edits that make x op ANY(array), SOME and ALL
// NULL where the array is NULL, as in Postgres: the engine reads a NULL
// array as one without elements (false for ANY, true for ALL). A NULL
// array becomes an array of one NULL, which every comparison makes NULL.
// Not for a subquery.
func anyArrayEdits(toks []sqlparse.Token) []litEdit {
	var edits []litEdit
	for i := 1; i+2 < len(toks); i++ {
		switch strings.ToLower(toks[i].Text) {
		case "any", "some", "all":
		default:
			continue
		}
		if toks[i].Kind != sqlparse.Word || toks[i-1].Kind != sqlparse.Operator || toks[i+1].Text != "(" {
			continue
		}
		switch strings.ToLower(toks[i+2].Text) {
		case "select", "with", "values", "(", ")":
			continue
		}
		end := sqlparse.ClosingParen(toks, i+1)
		if end < 0 || end == i+3 && strings.HasPrefix(toks[i+2].Text, "$") {
			continue // a parameter's type is read from the call as written
		}
		if end == i+3 && toks[i+2].Kind == sqlparse.String {
			continue // '{r,p,f}' is not NULL, and its type comes from x (pgcli's relkind = ANY('{r,p,f}'))
		}
		edits = append(edits, litEdit{toks[i+2].Pos, toks[i+2].Pos, "coalesce("}, litEdit{toks[end].Pos, toks[end].Pos, ", [NULL])"})
	}
	return edits
}
