package pgcatalog

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// jsonb sorted: ORDER BY a jsonb (of a SELECT, a window, an aggregate)
// sorts in Postgres' jsonb order, not by the engine's text. An ORDER BY
// term naming a jsonb column (or a result column by its name or
// position) becomes lakegate_jsonb_key of it (jsonbcompare.go); another
// jsonb expression there, or a set operation's ORDER BY of a jsonb
// column (whose terms the engine takes as names only), fails with 0A000
// (JSONBOrderRefused).

// JSONBOrderRefused says why a statement sorting jsonb fails.
const JSONBOrderRefused = "ORDER BY a jsonb expression, or a set operation's jsonb column, is not supported: " +
	"order by a jsonb column of a SELECT, or by its text (j::text)"

// orderTerms reads the ORDER BY terms of sel (positional: they may name a
// result column) or of a window or aggregate in it.
func (c *jsonbComparer) orderTerms(orders []*tree.OrderBy, sel *tree.SelectNode, from *jsonbFrom, positional bool) {
	for _, o := range orders {
		if o != nil && o.Expression != nil && c.why == "" {
			c.orderTerm(o.Expression, sel, from, positional)
		}
	}
}

func (c *jsonbComparer) orderTerm(e tree.Expr, sel *tree.SelectNode, from *jsonbFrom, positional bool) {
	switch x := e.(type) {
	case *tree.ColumnRef:
		jsonb := isJSONB(x, from)
		if !jsonb && positional && len(x.ColumnNames) == 1 {
			// a result column's name
			for _, item := range sel.SelectList {
				if strings.EqualFold(item.Head().Alias, x.ColumnNames[0]) && jsonbExprKind(item, from) == jsonbYes {
					jsonb = true
				}
			}
		}
		if !jsonb {
			return
		}
		start := pieceAt(c.pieces, int(x.QueryLocation))
		end := start
		for end >= 0 && end+2 < len(c.pieces) && c.pieces[end+1].text == "." && c.pieces[end+2].isIdent() {
			end += 2
		}
		if start < 0 || !c.pieces[start].isIdent() {
			c.why = JSONBOrderRefused
			return
		}
		from, to := c.pieces[start].start, c.pieces[end].start+len(c.pieces[end].text)
		c.eds = append(c.eds, edit{from, from, "lakegate_jsonb_key("}, edit{to, to, ")"})
	case *tree.Constant:
		n, isInt := orderPosition(x)
		if !positional || !isInt {
			return
		}
		list := sel.SelectList
		if plainStar(list) {
			if kinds := queryJSONBKinds(sel, nil); n <= len(kinds) && kinds[n-1] == jsonbYes {
				c.why = JSONBOrderRefused
			}
			return
		}
		if n > len(list) || jsonbExprKind(list[n-1], from) != jsonbYes {
			return
		}
		name := ""
		if a := list[n-1].Head().Alias; a != "" {
			name = sqlparse.QuoteIdent(a)
		} else if ref, ok := list[n-1].(*tree.ColumnRef); ok {
			parts := make([]string, len(ref.ColumnNames))
			for i, p := range ref.ColumnNames {
				parts[i] = sqlparse.QuoteIdent(p)
			}
			name = strings.Join(parts, ".")
		}
		at := pieceAt(c.pieces, int(x.QueryLocation))
		if name == "" || at < 0 || c.pieces[at].text != strconv.Itoa(n) {
			c.why = JSONBOrderRefused
			return
		}
		p := c.pieces[at]
		c.eds = append(c.eds, edit{p.start, p.start + len(p.text), "lakegate_jsonb_key(" + name + ")"})
	default:
		if isJSONB(e, from) {
			c.why = JSONBOrderRefused
		}
	}
}

// setOrder refuses a set operation's ORDER BY of a jsonb column (by
// position or name).
func (c *jsonbComparer) setOrder(q *tree.SetOperationNode) {
	var kinds []jsonbKind
	for _, m := range q.Modifiers {
		if m == nil || m.Type != "ORDER_MODIFIER" {
			continue
		}
		if kinds == nil {
			kinds = queryJSONBKinds(q, nil)
		}
		names := jsonbQueryColumns(q)
		for _, o := range m.Orders {
			switch x := o.Expression.(type) {
			case *tree.Constant:
				if n, ok := orderPosition(x); ok && n <= len(kinds) && kinds[n-1] == jsonbYes {
					c.why = JSONBOrderRefused
				}
			case *tree.ColumnRef:
				for _, name := range names {
					if name != "" && strings.EqualFold(name, x.ColumnNames[len(x.ColumnNames)-1]) {
						c.why = JSONBOrderRefused
					}
				}
			}
		}
	}
}

// orderPosition reads ORDER BY n: a result column's position.
func orderPosition(x *tree.Constant) (int, bool) {
	num, ok := x.Value.Any().(json.Number)
	if !ok || x.Value.Type.ID != "INTEGER" && x.Value.Type.ID != "BIGINT" {
		return 0, false
	}
	n, err := num.Int64()
	return int(n), err == nil && n >= 1 && n < 1<<20
}
