package pgcatalog

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A division with a numeric operand inside an expression (not a result
// column by itself: NumericItems) is numeric in Postgres, with a scale it
// chooses per value (select_div_scale), which the engine's decimal (one
// scale per column, and no decimal division: it divides in float8)
// cannot carry. In a client's query each such division is wrapped as
// lakegate_nested_div(a, b), which fails with 0A000 (NestedDivision)
// when an operand is a decimal and neither is a float, and otherwise
// divides as / does. A division cast to a float directly
// ((a / b)::float8) is left alone: its value is the float quotient.
// The wrapped text is parsed again and must give the same tree with those
// calls in place of the divisions (NestedTreeMatches); where it does not
// (an operand whose extent the text edit misread) the statement runs as
// written (README, differences).

// NestedDivision is the error of a numeric division inside an expression.
const NestedDivision = "a division with a numeric operand inside an expression is not supported (Postgres gives the quotient " +
	"a scale per value): make the quotient a result column by itself, or cast an operand to float8"

// nestedDivisionMacros compute the wrapped divisions.
var nestedDivisionMacros = []string{
	`lakegate_nested_div(a, b) AS CASE WHEN (lakegate_is_numeric(a) OR lakegate_is_numeric(b)) ` +
		`AND typeof(a) NOT IN ('DOUBLE', 'FLOAT') AND typeof(b) NOT IN ('DOUBLE', 'FLOAT') ` +
		`THEN error('` + NestedDivision + `') ELSE "//"(a, b) END`,
	// a rounded quotient (roundedQuotient): the operands as one value,
	// then divided as Postgres divides them (numeric exactly, integers as
	// integers, a float as float8, converted to numeric as Postgres does,
	// with 15 significant digits) and rounded, by lakegate_numeric_value
	`"|//|"(a, b) AS {'a': a, 'b': b}`,
	`lakegate_round_quotient(q, n) AS cast_to_type(lakegate_numeric_value(list_transform([q], lambda x: CASE ` +
		`WHEN typeof(x.a) IN ('DOUBLE', 'FLOAT') OR typeof(x.b) IN ('DOUBLE', 'FLOAT') THEN printf('%.15g', "//"(x.a, x.b)) ` +
		`WHEN lakegate_is_numeric(x.a) OR lakegate_is_numeric(x.b) THEN "|/|"(x.a, x.b) ` +
		`ELSE CAST("//"(x.a, x.b) AS VARCHAR) END)[1] || '@r' || CAST(n AS VARCHAR)), ` + roundedType("0", "n") + `)`,
}

// EngineFunction is a function of the session engines computed in Go:
// Fn gets the text of each row's arguments (none NULL) and returns the
// result's text.
type EngineFunction struct {
	Name string
	Args int
	Fn   func(args []string) (string, error)
}

// EngineFunctions are created in every session engine, before the macros.
var EngineFunctions = []EngineFunction{
	// the exact numeric value a macro gave as its operands' text
	// (numresult.go): "n/d", with "@rN" rounded
	{"lakegate_numeric_value", 1, func(args []string) (string, error) { return pgtypes.NumericText(args[0]) }},
	// exp, ln, log, power and sqrt of a numeric (nummath.go)
	{"lakegate_numeric_math1", 2, numericMath},
	{"lakegate_numeric_math2", 3, numericMath},
	// json's operators and jsonb's text (jsontext.go)
	{"lakegate_json_field", 4, jsonField},
	{"lakegate_jsonb_text", 1, jsonbText},
	{"lakegate_json_parts", 2, jsonParts},
	// jsonb's order (jsonbcompare.go)
	{"lakegate_jsonb_order", 1, jsonbOrder},
	// a jsonb a grouping reads (jsonbgroup.go)
	{"lakegate_jsonb_exact", 1, jsonbExact},
}

// NestedDivs are the divisions inside expressions of a statement and
// the text edits that wrap them.
type NestedDivs struct {
	eds  []edit
	locs map[float64]bool // the divisions' query_location
	// the rounded quotients' (round's) query_location
	rounds map[float64]bool
	root   tree.QueryNode
	// every division inside an expression (query_location), and whether
	// the text edits could not delimit one (then eds is empty and the
	// statement is written anew from its tree: Rendered)
	all         map[uint64]bool
	undelimited bool
	roundDivs   []uint64 // the rounded quotients' divisions
	chains      int      // float + and - chains wrapped (floatchain.go)
	concats     int      // || operands wrapped (concatfloat.go)
	// floats: the statement has float chains or concatenations to check;
	// unchecked: one of them the text edits could not delimit
	floats, unchecked bool
	// guards: the scale guards wrapped by the edits (scaleguard.go);
	// guarded: the statement has expressions to guard
	guards  int
	guarded bool
}

// NestedDivisions finds the divisions of root (parsed from sql) inside an
// expression: every / but those at the top of a result column of the
// outermost SELECT (and there under round(..., n)), and those a float
// cast holds directly. Nil if there are none. Where an operand's extent
// cannot be read from the text, the result has no edits and
// Undelimited reports it: the statement must run Rendered.
func NestedDivisions(root tree.QueryNode, sql string) *NestedDivs {
	return nestedDivisions(root, sql, true)
}

// NestedDivisionsNoFloat is NestedDivisions for a statement in which no
// value can be a float (the planner's floatFree): its chains of + and -
// are left unwrapped, as their float check could never fire.
func NestedDivisionsNoFloat(root tree.QueryNode, sql string) *NestedDivs {
	return nestedDivisions(root, sql, false)
}

func nestedDivisions(root tree.QueryNode, sql string, floats bool) *NestedDivs {
	top := map[*tree.Function]bool{}
	if sel, isSel := root.(*tree.SelectNode); isSel {
		for _, e := range sel.SelectList {
			f, isFn := e.(*tree.Function)
			if !isFn {
				continue
			}
			top[f] = true
			if name, named := nameAt(f, sql); named && name == "round" && len(f.Children) == 2 && integerConstant(f.Children[1]) {
				if inner, isFn := f.Children[0].(*tree.Function); isFn {
					top[inner] = true
				}
			}
		}
	}
	pieces := lexPieces(sql)
	n := &NestedDivs{locs: map[float64]bool{}, rounds: map[float64]bool{}, root: root, all: map[uint64]bool{}}
	ok := true
	tree.Inspect(root, func(node tree.Node) bool {
		switch node := node.(type) {
		case *tree.Cast:
			if f, isFn := node.Child.(*tree.Function); isFn && (node.CastType.ID == "DOUBLE" || node.CastType.ID == "FLOAT") && isDivision(f, sql) {
				top[f] = true
			}
		case *tree.Function:
			n.roundedQuotient(node, sql, pieces, top)
			if top[node] || !isDivision(node, sql) {
				return true
			}
			n.all[node.QueryLocation] = true
			op := int(node.QueryLocation)
			from, ok1 := operandStart(pieces, node.Children[0], op)
			to, ok2 := operandEnd(pieces, node.Children[1], op)
			if !ok1 || !ok2 {
				ok = false
				return true
			}
			n.locs[float64(op)] = true
			n.eds = append(n.eds, edit{from, from, "lakegate_nested_div("}, edit{op, op + 1, ","}, edit{to, to, ")"})
		}
		return true
	})
	if floats {
		n.floatChains(root, sql, pieces)
		n.concatChains(root, sql, pieces)
	}
	n.guarded = len(scaleGuardTargets(root, scalarItems(root, sql), extremeItems(root, sql))) > 0
	if n.guarded && !n.scaleGuards(root, sql) {
		ok = false
	}
	if !ok || len(n.all) > len(n.locs) || n.unchecked {
		return n.Undelimit()
	}
	if len(n.all) == 0 && len(n.eds) == 0 {
		return nil
	}
	return n
}

// Undelimit returns n's divisions and float checks to be Rendered rather
// than edited into the text, the rounded quotients' among them; nil if n
// has none.
func (n *NestedDivs) Undelimit() *NestedDivs {
	if len(n.all) == 0 && len(n.roundDivs) == 0 && !n.floats && !n.guarded {
		return nil
	}
	u := &NestedDivs{locs: map[float64]bool{}, rounds: map[float64]bool{}, root: n.root, all: maps.Clone(n.all), undelimited: true,
		floats: n.floats, guarded: n.guarded}
	for _, loc := range n.roundDivs {
		u.all[loc] = true
	}
	return u
}

// Undelimited reports whether the text edits could not wrap the
// divisions: the statement runs Rendered, or is refused.
func (n *NestedDivs) Undelimited() bool { return n.undelimited }

// Rendered is the statement sql (whose tree n was found in) written anew
// by the engine from its tree, with every division inside an expression
// called as lakegate_nested_div and the float checks of + and - chains
// and of || wrapped around them (floatChecksInTree): for a statement whose text the edits
// cannot wrap, or whose wrapped text does not parse to the same tree.
// Rounded quotients are not given Postgres' exact answer here: a numeric
// one fails as any other division inside an expression does.
func (n *NestedDivs) Rendered(e tree.Engine, sql string) (string, error) {
	stmts, err := tree.Parse(e, sql) // a tree of its own: the planner's is cached
	if err != nil {
		return "", err
	}
	if len(stmts) != 1 {
		return "", fmt.Errorf("pgcatalog: nested divisions: %d statements", len(stmts))
	}
	found := 0
	tree.Inspect(stmts[0].Node, func(node tree.Node) bool {
		if f, isFn := node.(*tree.Function); isFn && n.all[f.QueryLocation] && f.IsOperator && (f.FunctionName == "/" || f.FunctionName == "//") {
			f.FunctionName, f.IsOperator = "lakegate_nested_div", false
			found++
		}
		return true
	})
	if found != len(n.all) {
		return "", fmt.Errorf("pgcatalog: nested divisions: %d of %d found in the tree", found, len(n.all))
	}
	if n.floats {
		root, err := floatChecksInTree(e, stmts[0].Node, sql)
		if err != nil {
			return "", err
		}
		stmts[0].Node = root
	}
	if n.guarded {
		root, err := guardsInTree(e, stmts[0].Node, sql)
		if err != nil {
			return "", err
		}
		stmts[0].Node = root
	}
	return tree.Render(e, stmts...)
}

// RefusedError is the error of a statement whose n cannot be Rendered.
func (n *NestedDivs) RefusedError() string {
	if len(n.all) == 0 && !n.floats && n.guarded {
		return CaseScalesRefused
	}
	if len(n.all) == 0 {
		return FloatUndelimited
	}
	return NestedDivision
}

// roundedQuotient rewrites round(a / b, n) and round((a / b)::numeric,
// n) inside an expression (f, not a result column by itself: those are
// NumericItems) into lakegate_round_quotient(a |//| b, n), which rounds
// the quotient as Postgres does, exactly (the division's operands go to
// the engine once, as a struct, and are divided in Go: EngineFunctions),
// and marks the division as taken. Where the text around the division is
// not that shape it does nothing and the division is wrapped like any
// other. pgAdmin's dashboard query rounds one.
func (n *NestedDivs) roundedQuotient(f *tree.Function, sql string, pieces []piece, top map[*tree.Function]bool) {
	if !strings.EqualFold(f.FunctionName, "round") || len(f.Children) != 2 || !integerConstant(f.Children[1]) {
		return
	}
	name, named := nameAt(f, sql)
	if !named || name != "round" {
		return
	}
	inner, casts := f.Children[0], 0
	for {
		c, isCast := inner.(*tree.Cast)
		if !isCast || c.CastType.ID != "DECIMAL" {
			break
		}
		inner, casts = c.Child, casts+1
	}
	q, isFn := inner.(*tree.Function)
	if !isFn || top[q] || !isDivision(q, sql) {
		return
	}
	op := int(q.QueryLocation)
	from, ok1 := operandStart(pieces, q.Children[0], op)
	to, ok2 := operandEnd(pieces, q.Children[1], op)
	at, first, after := pieceAt(pieces, int(f.QueryLocation)), pieceAt(pieces, from), pieceAt(pieces, to)
	if !ok1 || !ok2 || at < 0 || first < 0 || after < 0 {
		return
	}
	open := nextNonSpace(pieces, at+1)
	if open >= len(pieces) || pieces[open].text != "(" {
		return
	}
	// between round( and a: only parentheses
	opens := 0
	for i := open + 1; i < first; i++ {
		switch {
		case pieces[i].text == "(":
			opens++
		case pieces[i].kind != ' ':
			return
		}
	}
	// between b and round's comma: as many closing ones, and the casts
	var eds []edit
	closes := 0
	for i := after; ; {
		i = nextNonSpace(pieces, i)
		if i >= len(pieces) {
			return
		}
		switch pieces[i].text {
		case ")":
			closes, i = closes+1, i+1
			continue
		case "::":
			t := nextNonSpace(pieces, i+1)
			if t >= len(pieces) || !pieces[t].isIdent() || !slices.Contains([]string{"numeric", "decimal"}, strings.ToLower(pieces[t].text)) {
				return
			}
			// a precision and scale would round the quotient first
			end := t + 1
			if p := nextNonSpace(pieces, end); p >= len(pieces) || pieces[p].text == "(" {
				return
			}
			eds = append(eds, edit{pieces[i].start, pieces[end].start, ""})
			i = end
			continue
		case ",":
		default:
			return
		}
		break
	}
	if opens != closes || len(eds) != casts {
		return
	}
	loc := int(f.QueryLocation)
	n.eds = append(n.eds, edit{loc, loc + len(name), "lakegate_round_quotient"}, edit{op, op + 1, "|//|"})
	n.eds = append(n.eds, eds...)
	n.rounds[float64(loc)] = true
	n.roundDivs = append(n.roundDivs, q.QueryLocation)
	top[q] = true
}

// SQL is sql with the divisions wrapped.
func (n *NestedDivs) SQL(sql string) string { return applyNumericEdits(sql, slices.Clone(n.eds)) }

// isDivision reports whether f is a / written as /.
func isDivision(f *tree.Function, sql string) bool {
	loc := int(f.QueryLocation)
	return f.IsOperator && (f.FunctionName == "/" || f.FunctionName == "//") && len(f.Children) == 2 &&
		loc < len(sql) && sql[loc] == '/' && (loc+1 >= len(sql) || sql[loc+1] != '/')
}

// locations are the text positions of the nodes under e.
func locations(e tree.Expr, limit int) (lo, hi int, ok bool) {
	lo, hi = limit, -1
	tree.Inspect(e, func(n tree.Node) bool {
		h, isExpr := n.(interface{ Head() *tree.ExprBase })
		if !isExpr {
			return true
		}
		if l := int(h.Head().QueryLocation); l > 0 && l < limit {
			lo, hi = min(lo, l), max(hi, l)
		}
		return true
	})
	return lo, hi, hi >= 0
}

// pieceAt is the index of the piece starting at pos, or -1.
func pieceAt(pieces []piece, pos int) int {
	for i, p := range pieces {
		if p.start == pos {
			return i
		}
	}
	return -1
}

// operandStart is where the left operand e of a division at op begins in
// the text: its first node's position, before any parentheses opened
// earlier and closed inside it.
func operandStart(pieces []piece, e tree.Expr, op int) (int, bool) {
	lo, _, ok := locations(e, op)
	end := pieceAt(pieces, op)
	if !ok && hasParameter(e) {
		lo, ok = op, true // $1 alone: the piece before op, below
	}
	start := pieceAt(pieces, lo)
	if !ok || start < 0 || end < 0 {
		return 0, false
	}
	// a parameter has no position in the tree: $1::float8's first
	// position is its ::
	if k := prevNonSpace(pieces, start); k >= 0 && isParamPiece(pieces[k]) && hasParameter(e) {
		start = k
	}
	depth := 0
	for i := start; i < end; i++ {
		switch pieces[i].text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		}
	}
	for i := start - 1; depth < 0 && i >= 0; i-- {
		switch pieces[i].text {
		case "(", "[":
			depth++
			start = i
		case ")", "]":
			depth--
		}
	}
	if depth != 0 {
		return 0, false
	}
	// ARRAY[...]: the tree places the constructor at its bracket
	if k := prevNonSpace(pieces, start); pieces[start].text == "[" && k >= 0 && pieces[k].kind == 'w' && strings.EqualFold(pieces[k].text, "array") {
		start = k
	}
	return pieces[start].start, true
}

// operandSpan is the text of operand side (0 left, 1 right) c of the
// binary operator spelled sql[op:opEnd], without the spaces around it;
// false where its extent cannot be read from the text or it is empty.
func operandSpan(sql string, pieces []piece, c tree.Expr, side, op, opEnd int) (from, to int, ok bool) {
	from, to, ok = opEnd, op, true
	if side == 0 {
		from, ok = operandStart(pieces, c, op)
	} else {
		to, ok = operandEnd(pieces, c, op)
	}
	if !ok || from >= to || strings.TrimSpace(sql[from:to]) == "" {
		return 0, 0, false
	}
	from += len(sql[from:to]) - len(strings.TrimLeft(sql[from:to], " \t\r\n"))
	to = from + len(strings.TrimRight(sql[from:to], " \t\r\n"))
	return from, to, true
}

// operandEnd is where the right operand e of a division at op ends: after
// its last node's piece, the parentheses and brackets left open there,
// a CASE's END and a ::type that follow.
func operandEnd(pieces []piece, e tree.Expr, op int) (int, bool) {
	_, hi, ok := locations(e, 1<<62)
	first := pieceAt(pieces, op)
	if !ok && hasParameter(e) && first >= 0 {
		// $1 alone (a parameter has no position in the tree): the
		// piece after op
		if k := nextNonSpace(pieces, first+1); k < len(pieces) && isParamPiece(pieces[k]) {
			hi, ok = pieces[k].start, true
		}
	}
	last := pieceAt(pieces, hi)
	if !ok || first < 0 || last < 0 || last <= first {
		return 0, false
	}
	// a negative constant's position is its sign: x * -2
	if t := pieces[last].text; t == "-" || t == "+" {
		if k := nextNonSpace(pieces, last+1); k < len(pieces) && pieces[k].kind == 'n' && !isParamPiece(pieces[k]) {
			last = k
		}
	}
	depth, cases := 0, 0
	i := first + 1
	for ; i <= last || depth > 0 || cases > 0; i++ {
		if i >= len(pieces) {
			return 0, false
		}
		switch t := pieces[i]; {
		case t.text == "(" || t.text == "[":
			depth++
		case t.text == ")" || t.text == "]":
			depth--
			if depth < 0 {
				return 0, false
			}
		case t.kind == 'w' && strings.EqualFold(t.text, "case"):
			cases++
		case t.kind == 'w' && strings.EqualFold(t.text, "end"):
			cases--
		}
	}
	// a parameter after the last positioned piece: x * $1
	if k := nextNonSpace(pieces, i); k < len(pieces) && isParamPiece(pieces[k]) && hasParameter(e) {
		i = k + 1
	}
	// the arguments of a call whose node has no child: count(*), now()
	if k := prevNonSpace(pieces, i); k > first && pieces[k].isIdent() {
		if o := nextNonSpace(pieces, i); o < len(pieces) && pieces[o].text == "(" {
			c := matchParenIn(pieces, o)
			if c < 0 {
				return 0, false
			}
			i = c + 1
		}
	}
	// a postfix cast: ::name, ::name(p, s), ::name[] (the cast's own
	// position may be its ::)
	if k := prevNonSpace(pieces, i); k > first && pieces[k].text == "::" {
		i = k
	}
	for {
		c := nextNonSpace(pieces, i)
		if c >= len(pieces) || pieces[c].text != "::" {
			break
		}
		t := nextNonSpace(pieces, c+1)
		if t >= len(pieces) || !pieces[t].isIdent() {
			return 0, false
		}
		i = t + 1
		for {
			n := nextNonSpace(pieces, i)
			if n >= len(pieces) || (pieces[n].text != "(" && pieces[n].text != "[") {
				break
			}
			closing := matchParenIn(pieces, n)
			if pieces[n].text == "[" {
				closing = nextNonSpace(pieces, n+1)
				if closing >= len(pieces) || pieces[closing].text != "]" {
					return 0, false
				}
			}
			if closing < 0 {
				return 0, false
			}
			i = closing + 1
		}
	}
	if i >= len(pieces) {
		return len(pieces[len(pieces)-1].text) + pieces[len(pieces)-1].start, true
	}
	return pieces[i].start, true
}

// isParamPiece reports whether p is a parameter, $n.
func isParamPiece(p piece) bool { return p.kind == 'n' && strings.HasPrefix(p.text, "$") }

// hasParameter reports whether e holds a parameter.
func hasParameter(e tree.Expr) bool {
	found := false
	tree.Inspect(e, func(n tree.Node) bool {
		if _, ok := n.(*tree.Parameter); ok {
			found = true
		}
		return !found
	})
	return found
}

func nextNonSpace(pieces []piece, i int) int {
	for i < len(pieces) && pieces[i].kind == ' ' {
		i++
	}
	return i
}

// NumericSQLWith is NumericSQL with the divisions of n (nil for none)
// wrapped too.
func NumericSQLWith(sql string, items []NumericItem, exact func(col int) bool, n *NestedDivs) string {
	var eds []edit
	for _, it := range items {
		if exact(it.Col) {
			eds = append(eds, it.exact...)
		}
	}
	if n != nil {
		eds = append(eds, n.eds...)
	}
	return applyNumericEdits(sql, eds)
}

// Matches reports whether got, the tree of n.SQL's text, is n's with each
// of its divisions called as lakegate_nested_div, locations aside.
func (n *NestedDivs) Matches(got tree.QueryNode) bool {
	want, err := json.Marshal(n.root)
	if err != nil {
		return false
	}
	have, err := json.Marshal(got)
	if err != nil {
		return false
	}
	var w, h any
	if json.Unmarshal(want, &w) != nil || json.Unmarshal(have, &h) != nil {
		return false
	}
	return reflect.DeepEqual(n.normalized(w), n.normalized(h))
}

// normalized drops query_location from a decoded tree, after naming the
// divisions lakegate_nested_div calls.
func (n *NestedDivs) normalized(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if q, ok := n.roundedForm(v); ok {
			return n.normalized(q)
		}
		if args, _ := v["children"].([]any); v["function_name"] == "lakegate_float_check" && len(args) == 3 && n.chains > 0 {
			// a float chain's check (floatchain.go): the chain, under
			// the check's alias
			if c, ok := args[0].(map[string]any); ok {
				c["alias"] = v["alias"]
				return n.normalized(c)
			}
		}
		if args, _ := v["children"].([]any); (v["function_name"] == "lakegate_concat_text" || v["function_name"] == "lakegate_concat_any") && len(args) == 1 && n.concats > 0 {
			// a concatenated operand's text (concatfloat.go): the operand
			if c, ok := args[0].(map[string]any); ok {
				return n.normalized(c)
			}
		}
		if args, _ := v["children"].([]any); (v["function_name"] == "lakegate_scale_guard" || v["function_name"] == "lakegate_values_guard" || v["function_name"] == "lakegate_extreme_guard") && len(args) == 2 && n.guards > 0 {
			// a scale guard (scaleguard.go): the expression, under the
			// guard's alias
			if c, ok := args[1].(map[string]any); ok {
				c["alias"] = v["alias"]
				return n.normalized(c)
			}
		}
		if loc, ok := v["query_location"].(float64); ok && n.locs[loc] && (v["function_name"] == "/" || v["function_name"] == "//") {
			v["function_name"], v["is_operator"] = "lakegate_nested_div", false
		}
		delete(v, "query_location")
		for k, x := range v {
			v[k] = n.normalized(x)
		}
	case []any:
		for i, x := range v {
			v[i] = n.normalized(x)
		}
	}
	return v
}

// roundedForm is the common form of a rounded quotient in the tree as
// parsed (round(Cast*(a / b), n), one roundedQuotient took) and as
// rewritten (lakegate_round_quotient(a |//| b, n)).
func (n *NestedDivs) roundedForm(v map[string]any) (map[string]any, bool) {
	args, _ := v["children"].([]any)
	if len(args) != 2 {
		return nil, false
	}
	inner, _ := args[0].(map[string]any)
	loc, _ := v["query_location"].(float64)
	switch {
	case v["function_name"] == "round" && n.rounds[loc]:
		for inner != nil && inner["class"] == "CAST" {
			inner, _ = inner["child"].(map[string]any)
		}
		if inner == nil || (inner["function_name"] != "/" && inner["function_name"] != "//") {
			return nil, false
		}
	case v["function_name"] == "lakegate_round_quotient":
		if inner == nil || inner["function_name"] != "|//|" {
			return nil, false
		}
	default:
		return nil, false
	}
	ab, _ := inner["children"].([]any)
	if len(ab) != 2 {
		return nil, false
	}
	return map[string]any{"lakegate_rounded_quotient": []any{ab[0], ab[1], args[1]}, "alias": v["alias"]}, true
}
