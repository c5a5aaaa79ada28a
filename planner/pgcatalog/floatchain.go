package pgcatalog

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A float8 (float4) sum or difference out of range fails in Postgres
// (float8pl, float8mi: "value out of range: overflow") unless an operand
// was infinite already; the engine answers infinity. A checked + and -
// as macros would name each operand several times, and the engine
// expands a macro by copying its arguments, so a chain of additions grew
// exponentially while binding. Instead each chain of + and - (a + b - c,
// whatever the nesting of its parentheses) is wrapped once, where it
// stands, in lakegate_float_check(chain, inf), where inf tells whether
// one of the chain's operands is infinite (each operand's text is
// copied once): the check fails when the chain is a float, infinite, and
// no operand was. For other types the macro folds to the chain (typeof is
// a constant to the engine). The wrapped text must parse to the same
// tree with those calls (NestedDivs.Matches); where it does not, or an
// operand's extent cannot be read from the text, the chain stays the
// engine's (README, differences).
//
// Where Postgres' answer cannot be told from the operands, an infinite
// chain is refused (FloatChainOpen, 0A000) rather than answered: an
// operand holding a parameter or a subquery is not copied (the copy
// would bind or run it again), so whether it was infinite is unknown;
// and in a chain of more than two operands whose first step (a + b of
// a + b + c) has none infinite, an earlier step may have overflowed
// before the infinite operand came (Postgres fails there, 22003).

// FloatChainOpen is the error of an infinite float chain whose operands
// do not tell whether Postgres fails.
const FloatChainOpen = "an infinite float8 sum or difference whose operands include a parameter, a subquery or a later infinite " +
	"operand is not supported (Postgres fails where a step overflows): check the operands with isinf()"

// floatCheckMacros are the chain's check: r the chain, inf whether an
// operand of its first step is infinite (the chain is then infinite
// without error, as in Postgres), open whether another operand is, or
// may be.
var floatCheckMacros = []string{
	`lakegate_float_check(r, inf, open) AS CASE WHEN typeof(r) NOT IN ('DOUBLE', 'FLOAT') THEN r ` +
		`WHEN coalesce(NOT isinf(lakegate_float(r)), true) THEN r ` + // NaN too, as in Postgres
		`WHEN coalesce(inf, false) THEN r WHEN coalesce(open, false) THEN error('` + FloatChainOpen + `') ` +
		`ELSE error('` + FloatOverflow + `') END`,
	concatMacros[0], concatMacros[1],
}

// isChainOp reports whether e is a binary + or -, written so, that can
// be of floats (not a temporalChain).
func isChainOp(e tree.Expr, sql string) (*tree.Function, bool) {
	f, ok := e.(*tree.Function)
	if !ok || !f.IsOperator || (f.FunctionName != "+" && f.FunctionName != "-") || len(f.Children) != 2 ||
		f.Children[0] == nil || f.Children[1] == nil || temporalChain(f) {
		return nil, false
	}
	loc := int(f.QueryLocation)
	if loc >= len(sql) || sql[loc] != f.FunctionName[0] {
		return nil, false
	}
	return f, true
}

// temporalCasts are the kinds of value (date, ts, time, interval) of the
// casts to a date or time type.
var temporalCasts = map[string]string{
	"DATE": "date", "TIME": "time", "TIME WITH TIME ZONE": "time", "TIMESTAMP": "ts", "TIMESTAMP WITH TIME ZONE": "ts",
	"INTERVAL": "interval",
}

// temporalChain reports whether the chain of + and - at f is a date, time,
// timestamp or interval by its operands' casts (date '1995-09-01' +
// interval '1 month', TPC-H Q14's): no float, so it needs no float check
// (Postgres has no date + float8). Such a literal's cast has no place in
// the text (only its string has), so the text edits could not delimit the
// chain, and a statement holding one beside an exact result column was
// refused. date - date is an integer: a chain of it is checked as before.
func temporalChain(f *tree.Function) bool { return temporalKind(f) != "" }

// temporalKind is the kind of value of e (temporalCasts) as far as its
// casts and + and - tell, "" for another or unknown one.
func temporalKind(e tree.Expr) string {
	switch x := e.(type) {
	case *tree.Cast:
		return temporalCasts[x.CastType.ID]
	case *tree.Function:
		if !x.IsOperator || (x.FunctionName != "+" && x.FunctionName != "-") || len(x.Children) != 2 {
			return ""
		}
		l, r := temporalKind(x.Children[0]), temporalKind(x.Children[1])
		switch {
		case l == "" && r == "":
			return ""
		case x.FunctionName == "-" && l == "date" && r == "date":
			return "" // an integer
		case x.FunctionName == "-" && l == "ts" && r == "ts", x.FunctionName == "-" && l == "time" && r == "time":
			return "interval"
		case x.FunctionName == "-" && l == "":
			return "" // a number minus a date: no such operator
		case l == "interval" && r == "interval":
			return "interval"
		case (l == "date" && r == "interval") || (l == "interval" && r == "date"):
			return "ts"
		case l == "" || l == "interval":
			return r
		default:
			return l
		}
	}
	return ""
}

// floatChains adds to n the edits that wrap each chain of + and - of
// root (parsed from sql) in lakegate_float_check: opening calls before
// every other edit at the same place, outer chains first, and closing
// ones after, inner chains first.
func (n *NestedDivs) floatChains(root tree.QueryNode, sql string, pieces []piece) {
	inner := map[*tree.Function]bool{}
	var opens, closes []edit
	tree.Inspect(root, func(node tree.Node) bool {
		f, ok := node.(tree.Expr)
		if !ok {
			return true
		}
		top, ok := isChainOp(f, sql)
		if !ok || inner[top] {
			return true
		}
		// each operand's check in the text's order, "" for one not
		// copied; leftDeep: no chain of its own in parentheses on the
		// right (a + (b - c))
		var operands []string
		usable, leftDeep := true, true
		var walk func(g *tree.Function)
		walk = func(g *tree.Function) {
			op := int(g.QueryLocation)
			for side, c := range g.Children {
				if h, ok := isChainOp(c, sql); ok {
					inner[h] = true
					leftDeep = leftDeep && side == 0
					walk(h)
					continue
				}
				text, ok := operandText(pieces, sql, c, op, side == 0)
				switch {
				case !ok:
					usable = false
				case !copyable(c, text):
					operands = append(operands, "")
				default:
					operands = append(operands, "isinf(lakegate_float("+text+"))")
				}
			}
		}
		walk(top)
		op := int(top.QueryLocation)
		from, ok1 := operandStart(pieces, top.Children[0], op)
		to, ok2 := operandEnd(pieces, top.Children[1], op)
		n.floats = true
		if !usable || !ok1 || !ok2 {
			n.unchecked = true // the tree's check (floatChecksInTree)
			return true
		}
		opens = append(opens, edit{from, from, "lakegate_float_check("})
		closes = append(closes, edit{to, to, ", " + chainInf(operands, leftDeep) + ")"})
		return true
	})
	if len(opens) == 0 {
		return
	}
	for i, j := 0, len(closes)-1; i < j; i, j = i+1, j-1 {
		closes[i], closes[j] = closes[j], closes[i]
	}
	n.chains = len(opens)
	n.eds = append(append(opens, n.eds...), closes...)
}

// operandText is the text of c, the left (or right) operand of the
// operator at op.
func operandText(pieces []piece, sql string, c tree.Expr, op int, left bool) (string, bool) {
	if left {
		from, ok := operandStart(pieces, c, op)
		if !ok || from >= op {
			return "", false
		}
		return strings.TrimSpace(sql[from:op]), true
	}
	to, ok := operandEnd(pieces, c, op)
	if !ok || to <= op+1 {
		return "", false
	}
	return strings.TrimSpace(sql[op+1 : to]), true
}

// copyable reports whether an operand may be written twice: not a
// parameter or a subquery, and its text balanced.
func copyable(c tree.Expr, text string) bool {
	if text == "" || strings.ContainsAny(text, "$?;") {
		return false
	}
	if !balanced(text) {
		return false
	}
	return copyableNode(c)
}

// chainInf is the check's inf and open arguments for a chain's operand
// checks ("" for an operand not copied): inf of the first step's
// operands where the chain is left-deep (or has two operands), open of
// the others, true where one was not copied.
func chainInf(operands []string, leftDeep bool) string {
	first := 2
	if !leftDeep && len(operands) > 2 {
		first = 0
	}
	var inf, open []string
	for i, o := range operands {
		switch {
		case o == "":
			open = append(open, "true")
		case i < first:
			inf = append(inf, o)
		default:
			open = append(open, o)
		}
	}
	join := func(xs []string) string {
		if len(xs) == 0 {
			return "false"
		}
		return strings.Join(xs, " OR ")
	}
	return join(inf) + ", " + join(open)
}

// FloatUndelimited is the error of a statement whose float checks could
// be made neither in its text nor in its tree.
const FloatUndelimited = "a float8 + or - chain, or a || of a float, that lakegate cannot check in this statement is not supported " +
	"(Postgres fails where a sum overflows, and writes a float's text its own way)"

// floatChecksInTree wraps, in root (parsed from sql), each chain of + and
// - in lakegate_float_check and each operand of a chain of || in
// lakegate_concat_text or lakegate_concat_any, as the text edits of
// floatChains and concatChains do: for a statement whose text they could
// not delimit, which then runs Rendered from the tree. The calls are
// parsed from their text with placeholders, which the operands' nodes
// replace (an operand checked for infinity is in the tree twice).
func floatChecksInTree(e tree.Engine, root tree.QueryNode, sql string) (tree.QueryNode, error) {
	chains, concats := map[*tree.Function]bool{}, map[*tree.Function]bool{}
	inner := map[*tree.Function]bool{}
	tree.Inspect(root, func(node tree.Node) bool {
		x, ok := node.(tree.Expr)
		if !ok {
			return true
		}
		if f, ok := isChainOp(x, sql); ok && !inner[f] {
			chains[f] = true
			chainOperands(f, sql, inner)
		}
		if f, ok := isConcat(x, sql); ok && !inner[f] {
			concats[f] = true
			concatOperands(f, sql, inner)
		}
		return true
	})
	var err error
	out := tree.Rewrite(root, func(node tree.Node) tree.Node {
		f, ok := node.(*tree.Function)
		if !ok || err != nil {
			return node
		}
		switch {
		case chains[f]:
			operands, leftDeep := chainOperands(f, sql, nil)
			checks := make([]string, len(operands))
			nodes := []tree.Expr{f}
			for i, o := range operands {
				if copyableNode(o) {
					checks[i] = fmt.Sprintf("isinf(lakegate_float(lakegate_ph_%d))", len(nodes))
					nodes = append(nodes, o)
				}
			}
			var w tree.Expr
			w, err = placeholderCall(e, "lakegate_float_check(lakegate_ph_0, "+chainInf(checks, leftDeep)+")", nodes)
			if err != nil {
				return node
			}
			w.Head().Alias, f.Alias = f.Alias, ""
			return w
		case concats[f]:
			text := false
			operands := concatOperands(f, sql, nil)
			for _, o := range operands {
				text = text || textOperand(*o)
			}
			wrap := "lakegate_concat_text(lakegate_ph_0)"
			if !text {
				wrap = "lakegate_concat_any(lakegate_ph_0)"
			}
			for _, o := range operands {
				if _, isParam := (*o).(*tree.Parameter); isParam || textOperand(*o) {
					continue
				}
				var w tree.Expr
				if w, err = placeholderCall(e, wrap, []tree.Expr{*o}); err != nil {
					return node
				}
				*o = w
			}
		}
		return node
	})
	if err != nil {
		return nil, err
	}
	return out.(tree.QueryNode), nil
}

// chainOperands are the operands of the chain of + and - at top, in the
// text's order, and whether it is left-deep (no chain of its own in
// parentheses on the right); inner (if not nil) gets its inner chains.
func chainOperands(top *tree.Function, sql string, inner map[*tree.Function]bool) ([]tree.Expr, bool) {
	var operands []tree.Expr
	leftDeep := true
	var walk func(g *tree.Function)
	walk = func(g *tree.Function) {
		for side, c := range g.Children {
			if h, ok := isChainOp(c, sql); ok {
				if inner != nil {
					inner[h] = true
				}
				leftDeep = leftDeep && side == 0
				walk(h)
				continue
			}
			operands = append(operands, c)
		}
	}
	walk(top)
	return operands, leftDeep
}

// concatOperands are the places of the operands of the chain of || at
// top; inner (if not nil) gets its inner ||.
func concatOperands(top *tree.Function, sql string, inner map[*tree.Function]bool) []*tree.Expr {
	var operands []*tree.Expr
	var walk func(g *tree.Function)
	walk = func(g *tree.Function) {
		for i, c := range g.Children {
			if h, ok := isConcat(c, sql); ok {
				if inner != nil {
					inner[h] = true
				}
				walk(h)
				continue
			}
			operands = append(operands, &g.Children[i])
		}
	}
	walk(top)
	return operands
}

// copyableNode reports whether an operand may be in the tree twice: it
// holds no parameter or subquery (a copy would bind or run it again).
func copyableNode(c tree.Expr) bool {
	ok := true
	tree.Inspect(c, func(node tree.Node) bool {
		switch node.(type) {
		case *tree.Subquery, *tree.Parameter:
			ok = false
		}
		return ok
	})
	return ok
}

// placeholderCall parses the expression text, whose column
// lakegate_ph_N stands for nodes[N], and puts the nodes in their places.
func placeholderCall(e tree.Engine, text string, nodes []tree.Expr) (tree.Expr, error) {
	stmts, err := tree.Parse(e, "SELECT "+text)
	if err != nil {
		return nil, err
	}
	sel, ok := stmts[0].Node.(*tree.SelectNode)
	if len(stmts) != 1 || !ok || len(sel.SelectList) != 1 {
		return nil, fmt.Errorf("pgcatalog: float check %q: not one expression", text)
	}
	put := 0
	w := tree.Rewrite(sel.SelectList[0], func(node tree.Node) tree.Node {
		c, ok := node.(*tree.ColumnRef)
		if !ok || len(c.ColumnNames) != 1 || !strings.HasPrefix(c.ColumnNames[0], "lakegate_ph_") {
			return node
		}
		i, err := strconv.Atoi(strings.TrimPrefix(c.ColumnNames[0], "lakegate_ph_"))
		if err != nil || i >= len(nodes) {
			return node
		}
		put++
		return nodes[i]
	})
	if put < len(nodes) {
		return nil, fmt.Errorf("pgcatalog: float check %q: %d of %d operands placed", text, put, len(nodes))
	}
	return w.(tree.Expr), nil
}
