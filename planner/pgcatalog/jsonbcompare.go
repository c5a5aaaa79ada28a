package pgcatalog

import (
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// jsonb compared: Postgres compares jsonb values (=, <>, <, >, <=, >=,
// IN, CASE x WHEN, nullif) by value, in its own order of jsonb
// (pgtypes.JSONBKey): '{}'::jsonb = '{}' and '1.0'::jsonb = '1' are true,
// and a string constant beside a jsonb is a jsonb. The engine's JSON
// compares as text. JSONBComparisons wraps both operands of such a
// comparison in lakegate_jsonb_key (the key's text order is jsonb's
// order), so the engine compares the keys; nullif of a jsonb becomes
// lakegate_jsonb_nullif, which compares them too. A jsonb compared with a
// value of another type (Postgres: 42883, no such operator), or in a
// shape the text edits cannot delimit, fails with 0A000
// (JSONBCompareRefused). The same pass renames -> and ->> of a jsonb to
// jsonb's operator macros (arrow: a scalar's index 0 is the scalar).

// JSONBMinMaxRefused says why min or max of a jsonb fails.
const JSONBMinMaxRefused = "min and max of jsonb are not supported (PostgreSQL has none: 42883)"

// JSONBCompareRefused says why a statement comparing jsonb fails.
const JSONBCompareRefused = "a comparison of jsonb with a value of another type, or with a value list or CASE " +
	"whose values are not string constants, is not supported: cast both sides to jsonb"

// JSONBArrowRefused says why a statement with a jsonb's -> or ->> that
// lakegate cannot find in its text fails.
const JSONBArrowRefused = "-> or ->> of a jsonb where lakegate cannot find the operator in the statement's text is not supported"

// jsonbCompareMacros are the engine macros of jsonb's comparisons.
var jsonbCompareMacros = []string{
	`lakegate_jsonb_key(x) AS lakegate_jsonb_order(CAST(CAST(x AS JSON) AS VARCHAR))`,
	`lakegate_jsonb_nullif(a, b) AS CASE WHEN lakegate_jsonb_key(a) = lakegate_jsonb_key(b) THEN NULL ELSE CAST(a AS JSON) END`,
}

// jsonbOrder is lakegate_jsonb_order(doc): doc's key in jsonb's order.
func jsonbOrder(args []string) (string, error) { return pgtypes.JSONBKey(args[0]) }

// jsonbComparedTypes are the comparisons Postgres has for jsonb.
var jsonbComparedTypes = map[string]bool{
	"COMPARE_EQUAL": true, "COMPARE_NOTEQUAL": true, "COMPARE_LESSTHAN": true, "COMPARE_GREATERTHAN": true,
	"COMPARE_LESSTHANOREQUALTO": true, "COMPARE_GREATERTHANOREQUALTO": true,
	"COMPARE_DISTINCT_FROM": true, "COMPARE_NOT_DISTINCT_FROM": true,
}

// JSONBComparisons returns sql (root its tree) with its comparisons of
// jsonb values made comparisons of their keys (see above), and "" or why
// the statement is refused.
func JSONBComparisons(root tree.Node, sql string) (string, string) {
	if !strings.Contains(strings.ToLower(sql), "json") {
		return sql, ""
	}
	c := &jsonbComparer{sql: sql, pieces: lexPieces(sql), wrapped: map[int]bool{}, setBranches: map[*tree.SelectNode][]jsonbKind{}}
	done := map[*tree.SelectNode]bool{}
	tree.Inspect(root, func(n tree.Node) bool {
		switch q := n.(type) {
		case *tree.SetOperationNode:
			c.setOrder(q) // jsonborder.go
			if !q.SetopAll {
				// its branches' jsonb columns are grouped (jsonbgroup.go)
				kinds := queryJSONBKinds(q, nil)
				for _, b := range branchSelects(q) {
					c.setBranches[b] = kinds
				}
			}
			// its branches read its CTEs
			if len(q.CTEMap.Map) > 0 {
				for _, b := range branchSelects(q) {
					if !done[b] {
						done[b] = true
						c.selectNode(withCTEs(b, q.CTEMap.Map).(*tree.SelectNode))
					}
				}
			}
		case *tree.SelectNode:
			if !done[q] && c.why == "" {
				done[q] = true
				c.selectNode(q)
			}
		}
		return c.why == ""
	})
	if c.why != "" {
		return sql, c.why
	}
	return applyNumericEdits(sql, c.eds), ""
}

type jsonbComparer struct {
	sql    string
	pieces []piece
	eds    []edit
	// wrapped are the positions wrapped already (a CASE's operand,
	// shared by its WHENs)
	wrapped map[int]bool
	// setBranches are the SELECTs of set operations that are not ALL,
	// with the set's jsonb kinds of its columns
	setBranches map[*tree.SelectNode][]jsonbKind
	why         string
}

// branchSelects are the SELECTs of a set operation's branches.
func branchSelects(q tree.QueryNode) []*tree.SelectNode {
	switch n := q.(type) {
	case *tree.SelectNode:
		return []*tree.SelectNode{n}
	case *tree.SetOperationNode:
		return append(branchSelects(n.Left), branchSelects(n.Right)...)
	}
	return nil
}

// selectNode reads sel's own expressions (not its subqueries', which
// JSONBComparisons reaches on its own, in their scope).
func (c *jsonbComparer) selectNode(sel *tree.SelectNode) {
	from := jsonbFromColumns(sel)
	if vals, ok := sel.FromTable.(*tree.ExpressionList); ok {
		c.valuesRows(vals.Values)
	}
	for _, m := range sel.Modifiers {
		if m != nil && m.Type == "ORDER_MODIFIER" {
			c.orderTerms(m.Orders, sel, from, true) // jsonborder.go
		}
	}
	kinds, setBranch := c.setBranches[sel]
	c.groupings(sel, from, kinds, setBranch) // jsonbgroup.go
	tree.Inspect(sel, func(n tree.Node) bool {
		if c.why != "" {
			return false
		}
		switch x := n.(type) {
		case *tree.SelectNode:
			return x == sel
		case tree.QueryNode, *tree.Subquery, *tree.SubqueryRef:
			return false
		case *tree.Comparison:
			c.comparison(x, from)
		case *tree.Operator:
			if x.Type == "COMPARE_IN" || x.Type == "COMPARE_NOT_IN" {
				c.in(x, from)
			}
		case *tree.Case:
			c.caseOperand(x, from)
		case *tree.Function:
			c.arrow(x, from)
			c.distinctArguments(x, from)
			c.nullif(x, from)
			c.minMax(x.FunctionName, x.Schema, x.Children, from)
			if x.OrderBys != nil {
				c.orderTerms(x.OrderBys.Orders, sel, from, false)
			}
		case *tree.Window:
			c.minMax(x.FunctionName, x.Schema, x.Children, from)
			c.orderTerms(x.Orders, sel, from, false)
			c.guardTerms(x.Partitions, from) // jsonbgroup.go
		}
		return true
	})
}

// comparedKind is the kind of a jsonb comparison's other operand: ok
// where Postgres compares it as a jsonb.
func comparedKind(e tree.Expr, from *jsonbFrom) bool {
	if _, ok := e.(*tree.Parameter); ok {
		return true
	}
	switch jsonbExprKind(e, from) {
	case jsonbYes, jsonbNull, jsonbLiteral, jsonbOtherText:
		return true
	}
	return false
}

// comparison wraps both operands of a jsonb's a op b.
func (c *jsonbComparer) comparison(x *tree.Comparison, from *jsonbFrom) {
	if !jsonbComparedTypes[x.Type] || x.Left == nil || x.Right == nil || x.QueryLocation == tree.NoLocation {
		return // a CASE operand's comparison: caseOperand
	}
	l, r := isJSONB(x.Left, from), isJSONB(x.Right, from)
	if !l && !r {
		return
	}
	if !comparedKind(x.Left, from) || !comparedKind(x.Right, from) {
		c.why = JSONBCompareRefused
		return
	}
	op := int(x.QueryLocation)
	start, ok1 := operandStart(c.pieces, x.Left, op)
	end, ok2 := operandEnd(c.pieces, x.Right, op)
	at := pieceAt(c.pieces, op)
	if !ok1 || !ok2 || at < 0 {
		c.why = JSONBCompareRefused
		return
	}
	// the operator's text: = <> != < <= > >= or IS [NOT] DISTINCT FROM
	after := at
	if strings.HasSuffix(x.Type, "DISTINCT_FROM") {
		for after < len(c.pieces) && c.pieces[after].identName() != "from" {
			after++
		}
	} else {
		for after+1 < len(c.pieces) && c.pieces[after+1].kind == 'p' && strings.Contains("<>=!", c.pieces[after+1].text) {
			after++
		}
	}
	if after >= len(c.pieces) {
		c.why = JSONBCompareRefused
		return
	}
	opEnd := c.pieces[after].start + len(c.pieces[after].text)
	c.eds = append(c.eds, edit{start, start, "lakegate_jsonb_key("}, edit{op, op, ")"},
		edit{opEnd, opEnd, " lakegate_jsonb_key("}, edit{end, end, ")"})
}

// constantPiece is the piece of a string or NULL constant e: the one
// piece the wrap takes (a constant with a cast is no constant here).
func (c *jsonbComparer) constantPiece(e tree.Expr) (piece, bool) {
	k, ok := e.(*tree.Constant)
	if !ok || k.QueryLocation == tree.NoLocation || !(k.Value.Type.ID == "VARCHAR" || isNullConstant(e)) {
		return piece{}, false
	}
	i := pieceAt(c.pieces, int(k.QueryLocation))
	if i < 0 || !(c.pieces[i].kind == 's' || c.pieces[i].identName() == "null") {
		return piece{}, false
	}
	if n := nextNonSpace(c.pieces, i+1); n < len(c.pieces) && (c.pieces[n].text == "::" || c.pieces[n].text == "[") {
		return piece{}, false
	}
	return c.pieces[i], true
}

// wrapConstants wraps each of values, string or NULL constants.
func (c *jsonbComparer) wrapConstants(values []tree.Expr) bool {
	for _, v := range values {
		p, ok := c.constantPiece(v)
		if !ok {
			return false
		}
		end := p.start + len(p.text)
		c.eds = append(c.eds, edit{p.start, p.start, "lakegate_jsonb_key("}, edit{end, end, ")"})
	}
	return true
}

// in wraps x and the values of x [NOT] IN (a, b...) where x is a jsonb.
func (c *jsonbComparer) in(x *tree.Operator, from *jsonbFrom) {
	if len(x.Children) < 2 || !slices.ContainsFunc(x.Children, func(e tree.Expr) bool { return isJSONB(e, from) }) {
		return
	}
	op := int(x.QueryLocation)
	start, ok := operandStart(c.pieces, x.Children[0], op)
	if !isJSONB(x.Children[0], from) || !ok || !c.wrapConstants(x.Children[1:]) {
		c.why = JSONBCompareRefused
		return
	}
	c.eds = append(c.eds, edit{start, start, "lakegate_jsonb_key("}, edit{op, op, ")"})
}

// caseOperand wraps x and the WHEN values of CASE x WHEN a ... where x
// is a jsonb (the engine's tree holds x = a for each WHEN, without a
// position).
func (c *jsonbComparer) caseOperand(x *tree.Case, from *jsonbFrom) {
	var operand tree.Expr
	var values []tree.Expr
	for _, check := range x.CaseChecks {
		cmp, ok := check.WhenExpr.(*tree.Comparison)
		if !ok || cmp.QueryLocation != tree.NoLocation || cmp.Type != "COMPARE_EQUAL" {
			return // CASE WHEN cond: its comparisons are comparison's
		}
		if operand == nil {
			operand = cmp.Left
		}
		values = append(values, cmp.Right)
	}
	if operand == nil || !isJSONB(operand, from) && !slices.ContainsFunc(values, func(e tree.Expr) bool { return isJSONB(e, from) }) {
		return
	}
	first, ok := c.constantPiece(values[0])
	if !isJSONB(operand, from) || !ok {
		c.why = JSONBCompareRefused
		return
	}
	start, ok1 := operandStart(c.pieces, operand, first.start)
	end, ok2 := operandEnd(c.pieces, operand, int(x.QueryLocation))
	if !ok1 || !ok2 || !c.wrapConstants(values) {
		c.why = JSONBCompareRefused
		return
	}
	if !c.wrapped[start] {
		c.wrapped[start] = true
		c.eds = append(c.eds, edit{start, start, "lakegate_jsonb_key("}, edit{end, end, ")"})
	}
}

// arrow renames -> and ->> of a jsonb (the operator macros |->| and
// |->>|, jsontext.go) to jsonb's, which read a scalar's index 0 or -1.
func (c *jsonbComparer) arrow(f *tree.Function, from *jsonbFrom) {
	name, ok := jsonbArrowMacros[f.FunctionName]
	if !ok || !f.IsOperator || len(f.Children) != 2 || !isJSONB(f.Children[0], from) {
		return
	}
	loc := int(f.QueryLocation)
	if f.QueryLocation == tree.NoLocation || loc+len(f.FunctionName) > len(c.sql) || c.sql[loc:loc+len(f.FunctionName)] != f.FunctionName {
		c.why = JSONBArrowRefused
		return
	}
	c.eds = append(c.eds, edit{loc, loc + len(f.FunctionName), name})
}

// nullif renames nullif(a, b) of a jsonb lakegate_jsonb_nullif.
func (c *jsonbComparer) nullif(f *tree.Function, from *jsonbFrom) {
	if !strings.EqualFold(f.FunctionName, "nullif") || f.Schema != "" || len(f.Children) != 2 ||
		!isJSONB(f.Children[0], from) && !isJSONB(f.Children[1], from) {
		return
	}
	loc := int(f.QueryLocation)
	if !isJSONB(f.Children[0], from) || !comparedKind(f.Children[1], from) ||
		loc+len("nullif") > len(c.sql) || !strings.EqualFold(c.sql[loc:loc+len("nullif")], "nullif") {
		c.why = JSONBCompareRefused
		return
	}
	c.eds = append(c.eds, edit{loc, loc + len("nullif"), "lakegate_jsonb_nullif"})
}

// minMax refuses min and max of a jsonb: the engine's would answer.
func (c *jsonbComparer) minMax(name, schema string, args []tree.Expr, from *jsonbFrom) {
	if n := strings.ToLower(name); (n == "min" || n == "max") && schema == "" && len(args) == 1 && isJSONB(args[0], from) {
		c.why = JSONBMinMaxRefused
	}
}

// valuesRows makes jsonb the string constants of a VALUES column of
// jsonb (Postgres reads them as jsonb; the engine kept their text as
// written, which ->> and ::text of them gave).
func (c *jsonbComparer) valuesRows(rows [][]tree.Expr) {
	if len(rows) < 2 {
		return
	}
	for col := range rows[0] {
		column := make([]tree.Expr, 0, len(rows))
		for _, r := range rows {
			if col < len(r) {
				column = append(column, r[col])
			}
		}
		jsonb, others := false, false
		for _, v := range column {
			switch jsonbExprKind(v, nil) {
			case jsonbYes:
				jsonb = true
			case jsonbNull, jsonbLiteral, jsonbOtherText:
			default:
				others = true
			}
		}
		if !jsonb || others {
			continue
		}
		for _, v := range column {
			if k, ok := v.(*tree.Constant); !ok || k.Value.Type.ID != "VARCHAR" {
				continue
			}
			if p, ok := c.constantPiece(v); ok {
				end := p.start + len(p.text)
				c.eds = append(c.eds, edit{p.start, p.start, "lakegate_jsonb("}, edit{end, end, ")"})
			}
		}
	}
}
