package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A float concatenated to text ('a' || x, x a float8) is written by
// Postgres as its output function writes it (a1, 1e+15), by the engine
// as its own cast to VARCHAR does (a1.0). Each chain of || (a || b || c,
// whatever its parentheses) that holds a string constant or a cast to
// text, so that Postgres reads it as text, gets each of its other
// operands wrapped, where it stands, in lakegate_concat_text(x): the
// operand's text as x::text gives it (pgvalues.go's lakegate_text). The
// operand is bound once (a lambda's argument), so a subquery runs once.
// An array or a bytea there fails (ConcatText): Postgres reads such a
// chain as an array's or a bytea's, which the engine's text is not.
// Parameters are left as they are (Postgres types them text). In a chain
// that holds no such operand (x || y), whose operands' types the text
// does not tell, each operand is wrapped in lakegate_concat_any(x),
// which fails (ConcatFloat) where it is a float and is the operand
// otherwise: the engine's || of a list or a bytea keeps its type. A chain
// whose operands cannot be delimited in the text stays the engine's.

// ConcatText is the error of an array or a bytea concatenated to text.
const ConcatText = "|| of text and an array or a bytea is not supported: cast the operand to text"

// ConcatFloat is the error of a float concatenated in a chain of ||
// whose other operands do not show it is text.
const ConcatFloat = "|| of a float8 or float4 is supported next to a string constant only: cast the float to text"

// concatMacros write a concatenated operand's text, or refuse a float.
var concatMacros = []string{
	`lakegate_concat_text(x) AS list_transform([x], lambda v: CASE WHEN typeof(v) LIKE '%[]' OR typeof(v) = 'BLOB' ` +
		`THEN error('` + ConcatText + `') ELSE lakegate_text(v) END)[1]`,
	`lakegate_concat_any(x) AS list_transform([x], lambda v: CASE WHEN typeof(v) IN ('DOUBLE', 'FLOAT') ` +
		`THEN error('` + ConcatFloat + `') ELSE v END)[1]`,
}

// textFunctions return text whatever their arguments: a chain of || they
// stand in is text.
var textFunctions = map[string]bool{
	"upper": true, "lower": true, "concat": true, "concat_ws": true, "substr": true, "substring": true, "trim": true,
	"btrim": true, "ltrim": true, "rtrim": true, "replace": true, "lpad": true, "rpad": true, "left": true, "right": true,
	"initcap": true, "format": true, "lakegate_format": true, "quote_ident": true, "quote_literal": true, "md5": true,
	"repeat": true, "reverse": true, "translate": true, "to_char": true, "lakegate_text": true, "lakegate_varchar_text": true,
}

// isConcat reports whether e is a binary ||, written so.
func isConcat(e tree.Expr, sql string) (*tree.Function, bool) {
	f, ok := e.(*tree.Function)
	if !ok || !f.IsOperator || f.FunctionName != "||" || len(f.Children) != 2 || f.Children[0] == nil || f.Children[1] == nil {
		return nil, false
	}
	loc := int(f.QueryLocation)
	if loc+1 >= len(sql) || sql[loc:loc+2] != "||" {
		return nil, false
	}
	return f, true
}

// concatEdits gives each a || b of root (sql its text) to edits, with the
// statement's pieces lexed once on first need, and applies the edits they
// return: the walk ArrayAppends, ArrayConcats and JSONBConcats share. sql
// itself where it has no ||.
func concatEdits(root tree.QueryNode, sql string, edits func(f *tree.Function, lex func() []piece) []edit) string {
	if !strings.Contains(sql, "||") {
		return sql
	}
	var pieces []piece
	lex := func() []piece {
		if pieces == nil {
			pieces = lexPieces(sql)
		}
		return pieces
	}
	var eds []edit
	tree.Inspect(root, func(node tree.Node) bool {
		if e, ok := node.(tree.Expr); ok {
			if f, ok := isConcat(e, sql); ok {
				eds = append(eds, edits(f, lex)...)
			}
		}
		return true
	})
	return applyNumericEdits(sql, eds)
}

// textOperand reports whether e is text to Postgres whatever the
// columns' types: a string constant or a cast to text or varchar.
func textOperand(e tree.Expr) bool {
	switch e := e.(type) {
	case *tree.Constant:
		return e.Value.Type.ID == "VARCHAR" && !e.Value.IsNull
	case *tree.Cast:
		return e.CastType.ID == "VARCHAR"
	case *tree.Function:
		return !e.IsOperator && e.Schema == "" && textFunctions[strings.ToLower(e.FunctionName)]
	}
	return false
}

// concatChains adds to n the edits that wrap the operands of each text
// chain of || of root (parsed from sql) in lakegate_concat_text: opening
// calls before every other edit at the same place, closing ones after.
func (n *NestedDivs) concatChains(root tree.QueryNode, sql string, pieces []piece) {
	inner := map[*tree.Function]bool{}
	var opens, closes []edit
	tree.Inspect(root, func(node tree.Node) bool {
		e, ok := node.(tree.Expr)
		if !ok {
			return true
		}
		top, ok := isConcat(e, sql)
		if !ok || inner[top] {
			return true
		}
		type operand struct {
			e        tree.Expr
			op       int
			left     bool
			from, to int
		}
		var operands []operand
		text, usable := false, true
		var walk func(g *tree.Function)
		walk = func(g *tree.Function) {
			op := int(g.QueryLocation)
			for side, c := range g.Children {
				if h, ok := isConcat(c, sql); ok {
					inner[h] = true
					walk(h)
					continue
				}
				if textOperand(c) {
					text = true
					continue
				}
				if _, isParam := c.(*tree.Parameter); isParam {
					continue
				}
				o := operand{e: c, op: op, left: side == 0}
				var ok bool
				if o.left {
					o.from, ok = operandStart(pieces, c, op)
					o.to = op
				} else {
					o.from = op + 2
					o.to, ok = operandEnd(pieces, c, op)
				}
				if !ok || o.from >= o.to || strings.TrimSpace(sql[o.from:o.to]) == "" {
					usable = false
					continue
				}
				operands = append(operands, o)
			}
		}
		walk(top)
		if !usable {
			n.floats, n.unchecked = true, true // the tree's check (floatChecksInTree)
			return true
		}
		if len(operands) == 0 {
			return true
		}
		n.floats = true
		wrap := "lakegate_concat_text("
		if !text {
			wrap = "lakegate_concat_any("
		}
		for _, o := range operands {
			// the operand's own text, without the spaces around it
			from := o.from + len(sql[o.from:o.to]) - len(strings.TrimLeft(sql[o.from:o.to], " \t\r\n"))
			to := from + len(strings.TrimRight(sql[from:o.to], " \t\r\n"))
			opens = append(opens, edit{from, from, wrap})
			closes = append(closes, edit{to, to, ")"})
		}
		n.concats += len(operands)
		return true
	})
	if len(opens) == 0 {
		return
	}
	for i, j := 0, len(closes)-1; i < j; i, j = i+1, j-1 {
		closes[i], closes[j] = closes[j], closes[i]
	}
	n.eds = append(append(opens, n.eds...), closes...)
}

// ArrayAppends is sql (root its tree) with each integer constant appended
// or prepended to an ARRAY[...] of integer constants by || (array[1, 2]
// || 3, 0 || array[1]) written as a one-element list ([3]): Postgres
// reads such a || as array_append or array_prepend, whose int4[] is the
// concatenation of the two lists; the engine refuses a list and a scalar.
// Other element types are left to the engine (its list of decimals takes
// one scale, Postgres' numeric[] keeps each value's). sql itself where
// there is none.
func ArrayAppends(root tree.QueryNode, sql string) string {
	return concatEdits(root, sql, func(f *tree.Function, lex func() []piece) []edit {
		side := appendedElement(f.Children[0], f.Children[1])
		if side < 0 {
			return nil
		}
		pieces := lex()
		op := int(f.QueryLocation)
		from, to, ok := operandSpan(sql, pieces, f.Children[side], side, op, op+2)
		if !ok {
			return nil
		}
		if strings.Trim(sql[from:to], "0123456789") != "" {
			return nil // a sign or parentheses: the text may not be the constant's alone
		}
		return []edit{{from, from, "["}, {to, to, "]"}}
	})
}

// appendedElement gives which of a || b (0 for a, 1 for b) is an integer
// constant beside an ARRAY[...] of integer constants, -1 if neither.
func appendedElement(a, b tree.Expr) int {
	switch {
	case integerArray(a) && integerConstant(b):
		return 1
	case integerConstant(a) && integerArray(b):
		return 0
	}
	return -1
}

// integerArray reports whether e is ARRAY[...] of integer constants.
func integerArray(e tree.Expr) bool {
	o, ok := e.(*tree.Operator)
	if !ok || o.Type != "ARRAY_CONSTRUCTOR" || len(o.Children) == 0 {
		return false
	}
	for _, c := range o.Children {
		if !integerConstant(c) {
			return false
		}
	}
	return true
}
