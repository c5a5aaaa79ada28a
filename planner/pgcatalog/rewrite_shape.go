package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Rewrites of a query's shape where Postgres and the engine read the same
// text differently: a table function's alias naming its column, scalar
// functions in FROM, comparisons with array literals. They work on the
// pieces of rewrite.go's lexer.

// aliasSeriesColumns turns FROM generate_series(...) s into
// generate_series(...) s(s) (in a FROM list, after JOIN and LATERAL too):
// in Postgres the alias of a one-column table function also names its
// column; in the engine it would name the row.
func aliasSeriesColumns(out []piece) []piece {
	sig := func(i int) int {
		for i < len(out) && out[i].kind == ' ' {
			i++
		}
		return i
	}
	var res []piece
	starts := fromListItems(out)
	for i := 0; i < len(out); i++ {
		res = append(res, out[i])
		name := out[i].identName()
		if !oneColumnTableFunctions[name] {
			continue
		}
		// an item of a FROM list (after FROM, JOIN or a comma), LATERAL or not
		if k := prevNonSpace(out, i); !starts[i] && (k < 0 || out[k].identName() != "lateral" || !starts[k]) {
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
		if namedColumnFunctions[name] && !bareReference(out, a) {
			continue // the macro's column is value, as Postgres names it
		}
		res = append(res, out[i+1:a+1]...)
		res = append(res, piece{text: "(" + out[a].text + ")", kind: 'p'})
		i = a
	}
	return res
}

// oneColumnTableFunctions are the table functions of one column whose
// alias aliasSeriesColumns makes the column's name.
var oneColumnTableFunctions = map[string]bool{
	"generate_series": true, "unnest": true, "json_object_keys": true, "jsonb_object_keys": true,
	"json_array_elements": true, "jsonb_array_elements": true, "json_array_elements_text": true, "jsonb_array_elements_text": true,
}

// namedColumnFunctions are the one-column table functions whose column
// Postgres names after their OUT parameter (value), not after the alias:
// FROM json_array_elements(j) e reads as e.value or value. Where the
// statement names the alias alone (select e from ... e), which Postgres
// reads as the function's value (a whole-row reference of a scalar
// function), the alias names the column as for the others; the column
// then has no other name, and a statement that also reads value, e.value
// or * is refused (JSONRefused, jsonbflow.go).
var namedColumnFunctions = map[string]bool{
	"json_array_elements": true, "jsonb_array_elements": true, "json_array_elements_text": true, "jsonb_array_elements_text": true,
}

// bareReference reports whether the identifier out[a] (an alias) appears
// elsewhere in the statement unqualified and not a qualifier: a column
// reference by the alias alone.
func bareReference(out []piece, a int) bool {
	name := out[a].identName()
	for j, p := range out {
		if j == a || !p.isIdent() || p.identName() != name {
			continue
		}
		if k := prevNonSpace(out, j); k >= 0 && out[k].text == "." {
			continue
		}
		if n := nextSig(out, j+1); n < len(out) && out[n].text == "." {
			continue
		}
		return true
	}
	return false
}

// quotedElement renders an array element as a string literal.
func quotedElement(v string) (string, bool) { return sqlparse.QuoteLiteral(v), true }

var sqlClauseWords = map[string]bool{
	"where": true, "group": true, "order": true, "limit": true, "join": true, "left": true, "right": true,
	"inner": true, "cross": true, "full": true, "union": true, "having": true, "with": true, "offset": true,
}

// scalarFromFunctions return one value; Postgres reads one in a FROM list
// as a one-row relation.
var scalarFromFunctions = map[string]bool{"string_to_array": true, "regexp_split_to_array": true}

// matchParen returns the index of the ")" closing the "(" at o.
func matchParen(out []piece, o int) int {
	depth := 0
	for c := o; c < len(out); c++ {
		switch out[c].text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return c
			}
		}
	}
	return -1
}

func nextSig(out []piece, i int) int {
	for i < len(out) && out[i].kind == ' ' {
		i++
	}
	return i
}

// fromListItems marks the pieces that start an item of a FROM list: the
// piece after FROM, JOIN or a comma of a FROM list (at the FROM's depth,
// before the clause that ends the list).
func fromListItems(out []piece) map[int]bool {
	starts := map[int]bool{}
	var inFrom []bool // per parenthesis depth
	depth := 0
	inFrom = append(inFrom, false)
	for i, p := range out {
		switch {
		case p.text == "(":
			depth++
			inFrom = append(inFrom, false)
		case p.text == ")":
			if depth > 0 {
				depth--
				inFrom = inFrom[:depth+1]
			}
		case p.kind == 'w':
			switch w := strings.ToLower(p.text); {
			case w == "from":
				inFrom[depth] = true
				starts[nextSig(out, i+1)] = true
			case w == "join":
				starts[nextSig(out, i+1)] = true
			case sqlClauseWords[w] && w != "join" && w != "left" && w != "right" && w != "inner" &&
				w != "cross" && w != "full" || w == "on" || w == "using" || w == "select" || w == "returning":
				inFrom[depth] = false
			}
		case p.text == "," && inFrom[depth]:
			starts[nextSig(out, i+1)] = true
		}
	}
	return starts
}

// wrapScalarFromItems turns f(...) alias in a FROM list, f a function
// returning one value, into (SELECT f(...) AS alias) alias.
func wrapScalarFromItems(out []piece) []piece {
	starts := fromListItems(out)
	var res []piece
	for i := 0; i < len(out); i++ {
		if !starts[i] || !scalarFromFunctions[out[i].identName()] {
			res = append(res, out[i])
			continue
		}
		o := nextSig(out, i+1)
		if o >= len(out) || out[o].text != "(" {
			res = append(res, out[i])
			continue
		}
		c := matchParen(out, o)
		if c < 0 {
			res = append(res, out[i])
			continue
		}
		a := nextSig(out, c+1)
		if a < len(out) && strings.EqualFold(out[a].text, "AS") {
			a = nextSig(out, a+1)
		}
		if a >= len(out) || !out[a].isIdent() || operandStopWords[out[a].identName()] || sqlClauseWords[out[a].identName()] {
			res = append(res, out[i])
			continue
		}
		var call strings.Builder
		for _, p := range out[i : c+1] {
			call.WriteString(p.text)
		}
		res = append(res, piece{text: "(SELECT " + call.String() + " AS " + out[a].text + ") " + out[a].text, kind: 'p'})
		i = a
	}
	return res
}

// rewriteArrayComparisons turns x = ANY(arr) into list_contains(arr, x)
// and x <> ALL(arr) into NOT list_contains(arr, x), for arrays that are not
// subqueries.
func rewriteArrayComparisons(out []piece) []piece {
	var res []piece
	for i := 0; i < len(out); i++ {
		p := out[i]
		w := strings.ToLower(p.text)
		if p.kind != 'w' || (w != "any" && w != "some" && w != "all") {
			res = append(res, p)
			continue
		}
		o := nextSig(out, i+1)
		if o >= len(out) || out[o].text != "(" {
			res = append(res, p)
			continue
		}
		c := matchParen(out, o)
		first := nextSig(out, o+1)
		if c < 0 || first >= c {
			res = append(res, p)
			continue
		}
		switch strings.ToLower(out[first].text) {
		case "select", "with", "values", "(":
			res = append(res, p)
			continue
		}
		// the operator before: = for ANY, <> or != for ALL
		k := prevNonSpace(res, len(res))
		negate := false
		opStart := k
		switch {
		case k >= 0 && res[k].text == "=" && w != "all":
			if k2 := prevNonSpace(res, k); k2 >= 0 && strings.Contains("<>!=", res[k2].text) && len(res[k2].text) == 1 {
				res = append(res, p)
				continue
			}
		case k >= 0 && w == "all" && (res[k].text == "=" || res[k].text == ">"):
			k2 := prevNonSpace(res, k)
			if k2 < 0 || !(res[k].text == "=" && res[k2].text == "!" || res[k].text == ">" && res[k2].text == "<") {
				res = append(res, p)
				continue
			}
			negate, opStart = true, k2
		default:
			res = append(res, p)
			continue
		}
		lhs := res[:opStart]
		operand, _ := popOperand(&lhs)
		if operand == "NULL" && len(lhs) == 0 {
			res = append(res, p)
			continue
		}
		if b := prevNonSpace(lhs, len(lhs)); b >= 0 && lhs[b].kind == 'p' && strings.Contains("+-*/%|&^", lhs[b].text) {
			res = append(res, p) // x + 1 = ANY(...): the operand is more than the last term
			continue
		}
		var arr strings.Builder
		for _, q := range out[o+1 : c] {
			arr.WriteString(q.text)
		}
		a := strings.TrimSpace(arr.String())
		if v, ok := sqlparse.StringValue(a); ok && strings.HasPrefix(strings.TrimSpace(v), "{") {
			if list, rest, ok := sqlparse.ArrayLiteral(strings.TrimSpace(v), quotedElement); ok && strings.TrimSpace(rest) == "" {
				a = list
			}
		}
		expr := "list_contains(" + a + ", " + operand + ")"
		if negate {
			expr = "NOT " + expr
		}
		res = append(lhs, piece{text: expr, kind: 'p'})
		i = c
	}
	return res
}
