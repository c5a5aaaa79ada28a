package pgcatalog

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// jsonb grouped: Postgres' GROUP BY, DISTINCT, UNION, INTERSECT and
// EXCEPT (not ALL), count(DISTINCT ...) and the like tell jsonb values
// apart by value ('1.0'::jsonb and '1' are one group, shown as whichever
// value its plan meets first); the engine tells them apart by the text
// jsonb writes. The two agree wherever no value holds a number written
// with trailing zeros in its fraction (1.0, 2.50): Postgres writes any
// other number one way only (1e2 is 100). So a jsonb a grouping reads is
// guarded where its values are seen: lakegate_jsonb_guard(x) is x, and
// fails with 0A000 (JSONBGroupRefused) on a value holding such a number.
//   - a GROUP BY term of jsonb gets a guard of its own beside it (GROUP BY
//     j, lakegate_jsonb_guard(j): the same groups); a position or a
//     result column's name, a guard of the result column's expression;
//   - a jsonb result column of a DISTINCT SELECT, or of a branch of a set
//     operation that is not ALL, is wrapped in the guard (keeping its
//     name: AS ...); a string constant or jsonb cast of one is read here
//     instead, and refused if its value holds such a number;
//   - the jsonb argument of an aggregate with DISTINCT, and a window's
//     PARTITION BY term of jsonb, are wrapped.
// DISTINCT ON a jsonb, GROUPING SETS, ROLLUP or CUBE of one, and a star
// giving a jsonb column to DISTINCT or such a set operation, fail with
// 0A000 (JSONBGroupRefused) at once.

// JSONBGroupRefused says why a grouping of jsonb fails.
const JSONBGroupRefused = "GROUP BY, DISTINCT or UNION/INTERSECT/EXCEPT of a jsonb holding a number written with " +
	"trailing zeros in its fraction (1.0) is not supported (Postgres groups it with the number written " +
	"without them): group by its text (j::text), or write the number without the zeros"

// jsonbGroupMacros are the engine macros of the guard.
var jsonbGroupMacros = []string{
	`lakegate_jsonb_guard(x) AS CAST(lakegate_jsonb_exact(CAST(CAST(x AS JSON) AS VARCHAR)) AS JSON)`,
}

// jsonbExact is lakegate_jsonb_exact(doc): doc, or JSONBGroupRefused
// where jsonb's text of it holds a number with trailing fraction zeros.
func jsonbExact(args []string) (string, error) {
	if !jsonbTrailingZeros(args[0]) {
		return args[0], nil
	}
	return "", errors.New(JSONBGroupRefused)
}

// jsonbTrailingZeros reports whether jsonb's text of doc holds a number
// whose fraction ends in 0 (or doc is not JSON, which its own cast
// refuses elsewhere: false).
func jsonbTrailingZeros(doc string) bool {
	text, err := pgtypes.JSONBText(doc)
	if err != nil {
		return false
	}
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	for {
		t, err := d.Token()
		if err != nil {
			return false
		}
		if n, ok := t.(json.Number); ok {
			if dot := strings.IndexByte(string(n), '.'); dot >= 0 && strings.HasSuffix(string(n), "0") {
				return true
			}
		}
	}
}

// groupings guards the jsonb groupings of sel (see above).
func (c *jsonbComparer) groupings(sel *tree.SelectNode, from *jsonbFrom, setKinds []jsonbKind, setBranch bool) {
	distinct := setBranch
	for _, m := range sel.Modifiers {
		if m == nil || m.Type != "DISTINCT_MODIFIER" {
			continue
		}
		for _, t := range m.DistinctOnTargets {
			if isJSONB(t, from) {
				c.why = JSONBGroupRefused
				return
			}
		}
		if len(m.DistinctOnTargets) == 0 {
			distinct = true
		}
	}
	if len(sel.GroupExpressions) > 0 {
		c.groupBy(sel, from)
	}
	if distinct {
		for _, item := range sel.SelectList {
			if cls := item.Head().Class; cls == "STAR" || cls == "COLUMNS" {
				// the columns a star gives cannot be wrapped one by one
				for _, k := range queryJSONBKinds(sel, from) {
					if k == jsonbYes {
						c.why = JSONBGroupRefused
						return
					}
				}
			}
		}
		for i, item := range sel.SelectList {
			if c.why != "" {
				return
			}
			if setBranch && setKinds != nil {
				if i < len(setKinds) && setKinds[i] == jsonbYes {
					c.guardItem(item, from, true)
				}
			} else if isJSONB(item, from) {
				c.guardItem(item, from, false)
			}
		}
	}
}

// groupBy guards each jsonb GROUP BY term of sel.
func (c *jsonbComparer) groupBy(sel *tree.SelectNode, from *jsonbFrom) {
	var sets [][]int
	if raw, ok := sel.Extra("group_sets"); ok && json.Unmarshal(raw, &sets) != nil || len(sets) > 1 {
		for _, g := range sel.GroupExpressions {
			if c.groupTermJSONB(sel, g, from) != nil {
				c.why = JSONBGroupRefused
				return
			}
		}
		return
	}
	for _, g := range sel.GroupExpressions {
		e := c.groupTermJSONB(sel, g, from)
		if e == nil {
			continue
		}
		if v, ok := jsonbConstant(e); ok {
			if jsonbTrailingZeros(v) {
				c.why = JSONBGroupRefused
			}
			continue
		}
		text, ok := c.exprText(e)
		_, gEnd, ok2 := itemSpan(g, c.sql)
		if !ok || !ok2 {
			c.why = JSONBGroupRefused
			return
		}
		c.eds = append(c.eds, edit{gEnd, gEnd, ", lakegate_jsonb_guard(" + text + ")"})
	}
}

// groupTermJSONB is the jsonb expression a GROUP BY term g groups by
// (itself, or the result column it names), or nil.
func (c *jsonbComparer) groupTermJSONB(sel *tree.SelectNode, g tree.Expr, from *jsonbFrom) tree.Expr {
	if k, ok := g.(*tree.Constant); ok {
		if n, ok := orderPosition(k); ok && n <= len(sel.SelectList) && isJSONB(sel.SelectList[n-1], from) {
			return sel.SelectList[n-1]
		}
		return nil
	}
	if ref, ok := g.(*tree.ColumnRef); ok && len(ref.ColumnNames) == 1 && !from.column(ref) {
		for _, item := range sel.SelectList {
			if strings.EqualFold(item.Head().Alias, ref.ColumnNames[0]) && isJSONB(item, from) {
				return item
			}
		}
	}
	if isJSONB(g, from) {
		return g
	}
	return nil
}

// guardItem wraps the result column item in the guard, keeping its name;
// setColumn: the column is jsonb by the set operation (a string constant
// there is a jsonb).
func (c *jsonbComparer) guardItem(item tree.Expr, from *jsonbFrom, setColumn bool) {
	if v, ok := jsonbConstant(item); ok || setColumn && !isJSONB(item, from) {
		if !ok {
			k, isConst := item.(*tree.Constant)
			if !isConst || k.Value.Type.ID != "VARCHAR" {
				return // NULL, or a type the engine refuses beside jsonb
			}
			v, _ = k.Value.Any().(string)
		}
		if jsonbTrailingZeros(v) {
			c.why = JSONBGroupRefused
		}
		return
	}
	alias := ""
	if item.Head().Alias == "" {
		name, ok := exprName(item, c.sql)
		if !ok || name == "" {
			c.why = JSONBGroupRefused
			return
		}
		if ref, isRef := item.(*tree.ColumnRef); isRef {
			// the name as written (the engine's, folded as before)
			if last := lastNamePiece(c.pieces, ref); last != "" {
				name = last
			} else {
				name = sqlparse.QuoteIdent(name)
			}
		} else {
			name = sqlparse.QuoteIdent(name)
		}
		alias = " AS " + name
	}
	c.guard(item, alias)
}

// guard wraps e in the guard where it stands, followed by alias; where
// e's extent cannot be told, the statement is refused. It says whether
// it wrapped e.
func (c *jsonbComparer) guard(e tree.Expr, alias string) bool {
	start, end, ok := itemSpan(e, c.sql)
	if !ok {
		c.why = JSONBGroupRefused
		return false
	}
	c.eds = append(c.eds, edit{start, start, "lakegate_jsonb_guard("}, edit{end, end, ")" + alias})
	return true
}

// distinctArguments wraps the jsonb arguments of an aggregate with
// DISTINCT.
func (c *jsonbComparer) distinctArguments(f *tree.Function, from *jsonbFrom) {
	if f.Distinct {
		c.guardTerms(f.Children, from)
	}
}

// guardTerms wraps each jsonb of terms (an aggregate's DISTINCT
// arguments, a window's PARTITION BY terms) in the guard.
func (c *jsonbComparer) guardTerms(terms []tree.Expr, from *jsonbFrom) {
	for _, a := range terms {
		if !isJSONB(a, from) {
			continue
		}
		if v, ok := jsonbConstant(a); ok {
			if jsonbTrailingZeros(v) {
				c.why = JSONBGroupRefused
			}
			continue
		}
		if !c.guard(a, "") {
			return
		}
	}
}

// jsonbConstant is the string of a jsonb cast of a string constant
// (lakegate_jsonb('1.0')).
func jsonbConstant(e tree.Expr) (string, bool) {
	f, ok := e.(*tree.Function)
	if !ok || !strings.EqualFold(f.FunctionName, "lakegate_jsonb") || len(f.Children) != 1 {
		return "", false
	}
	k, ok := f.Children[0].(*tree.Constant)
	if !ok || k.Value.Type.ID != "VARCHAR" {
		return "", false
	}
	v, ok := k.Value.Any().(string)
	return v, ok
}

// exprText is the text of e in the statement.
func (c *jsonbComparer) exprText(e tree.Expr) (string, bool) {
	start, end, ok := itemSpan(e, c.sql)
	if !ok {
		return "", false
	}
	return c.sql[start:end], true
}

// lastNamePiece is the text of the last name of ref as written.
func lastNamePiece(pieces []piece, ref *tree.ColumnRef) string {
	i := pieceAt(pieces, int(ref.QueryLocation))
	if i < 0 || !pieces[i].isIdent() {
		return ""
	}
	for i+2 < len(pieces) && pieces[i+1].text == "." && pieces[i+2].isIdent() {
		i += 2
	}
	return pieces[i].text
}

// itemSpan is where the expression e (a result column, a GROUP BY term,
// an argument) begins and ends in sql: from the first offset in its tree
// (and the parentheses opened before it and closed inside) to the comma,
// keyword, alias or closing parenthesis that ends it at its depth.
func itemSpan(e tree.Expr, sql string) (int, int, bool) {
	first := firstLocation(e, len(sql))
	start := int(first)
	if start >= len(sql) {
		return 0, 0, false
	}
	// the parentheses just before the first offset (e's own, in a select
	// list, a GROUP BY list or after DISTINCT); those e does not close
	// are dropped below
	for k := start - 1; k >= 0; k-- {
		if sql[k] == '(' {
			start = k
		} else if strings.IndexByte(" \t\n\r", sql[k]) < 0 {
			break
		}
	}
	end, ok := itemEnd(sql, start, groupStops, e.Head().Alias)
	if !ok {
		return 0, 0, false
	}
	for start < end && sql[start] == '(' && !balanced(sql[start:end]) {
		start++
		for start < end && strings.IndexByte(" \t\n\r", sql[start]) >= 0 {
			start++
		}
	}
	for end > start && strings.IndexByte(" \t\n\r", sql[end-1]) >= 0 {
		end--
	}
	return start, end, end > start && balanced(sql[start:end])
}

// groupStops are the keywords that end an expression of a select list,
// a GROUP BY list or an argument list at its depth.
var groupStops = map[string]bool{"AS": true, "FROM": true, "WHERE": true, "GROUP": true, "HAVING": true, "ORDER": true,
	"LIMIT": true, "OFFSET": true, "WINDOW": true, "QUALIFY": true, "UNION": true, "EXCEPT": true, "INTERSECT": true,
	"FETCH": true, "INTO": true, "FILTER": true, "OVER": true}

// balanced reports whether the parentheses and brackets of s (read as
// SQL tokens) balance.
func balanced(s string) bool {
	depth := 0
	for i := 0; i < len(s); {
		t := sqlparse.Scan(s, i)
		switch t.Text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
			if depth < 0 {
				return false
			}
		}
		if t.End <= i {
			return false
		}
		i = t.End
	}
	return depth == 0
}
