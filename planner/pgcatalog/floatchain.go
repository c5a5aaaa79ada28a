package pgcatalog

import (
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

// isChainOp reports whether e is a binary + or -, written so.
func isChainOp(e tree.Expr, sql string) (*tree.Function, bool) {
	f, ok := e.(*tree.Function)
	if !ok || !f.IsOperator || (f.FunctionName != "+" && f.FunctionName != "-") || len(f.Children) != 2 ||
		f.Children[0] == nil || f.Children[1] == nil {
		return nil, false
	}
	loc := int(f.QueryLocation)
	if loc >= len(sql) || sql[loc] != f.FunctionName[0] {
		return nil, false
	}
	return f, true
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
		if !usable || !ok1 || !ok2 {
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
	depth := 0
	for _, p := range lexPieces(text) {
		switch p.text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		}
		if depth < 0 {
			return false
		}
	}
	if depth != 0 {
		return false
	}
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
