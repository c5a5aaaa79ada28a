package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// Result columns whose Postgres type follows from what the column
// computes, where the engine's type is wider:
//   - sum of int2 or int4 is int8 in Postgres, of int8 numeric (a scalar
//     subquery's one sum too); the
//     engine's sum of any integer is HUGEINT (sent as numeric). Which one
//     a sum is depends on its argument's type, which the parse tree does
//     not carry: the planner asks the engine, describing the statement
//     with those sums read as min (SumProbe), whose type is the
//     argument's.
//   - ntile and grouping are int4 in Postgres, BIGINT in the engine.
// The planner labels such a column with the Postgres type, and the
// encoder converts each value (a value out of the type's range fails, as
// Postgres' own overflow does). Only a column that is the call itself
// (aggregate or window, under any alias) is labelled.

// SumProbe returns sql with the name of each result column's top-level
// sum call replaced by min, and the indexes of those columns; "" when the
// statement has none. root is sql's parse tree.
func SumProbe(root tree.QueryNode, sql string) (string, []int) {
	sel, ok := root.(*tree.SelectNode)
	if !ok {
		return "", nil
	}
	var cols []int
	probe := []byte(sql)
	for i, e := range sel.SelectList {
		var loc uint64
		if sq, ok := e.(*tree.Subquery); ok && sq.SubqueryType == "SCALAR" && sq.Subquery != nil {
			// (SELECT sum(x) FROM ...): the subquery's one column
			if inner, ok := sq.Subquery.Node.(*tree.SelectNode); ok && len(inner.SelectList) == 1 {
				e = inner.SelectList[0]
			}
		}
		if f, isFn := e.(*tree.Function); isFn && f.FunctionName == "lakegate_float_sum" && len(f.Children) == 2 {
			e = f.Children[0] // the float check of a sum (floatSum)
		}
		switch n := e.(type) {
		case *tree.Function:
			if !strings.EqualFold(n.FunctionName, "sum") || n.IsOperator {
				continue
			}
			loc = n.QueryLocation
		case *tree.Window:
			if !strings.EqualFold(n.FunctionName, "sum") {
				continue
			}
			loc = n.QueryLocation
		default:
			continue
		}
		if name, ok := functionAt(sql, loc); !ok || name != "sum" || !strings.EqualFold(sql[loc:loc+3], "sum") {
			continue // a qualified or quoted name: left as the engine types it
		}
		copy(probe[loc:], "min")
		cols = append(cols, i)
	}
	if len(cols) == 0 {
		return "", nil
	}
	return string(probe), cols
}

// Int4Columns reports which result columns are ntile or grouping calls.
func Int4Columns(root tree.QueryNode) []bool {
	return resultColumns(root, func(e tree.Expr) (bool, bool) {
		switch n := e.(type) {
		case *tree.Window:
			return strings.EqualFold(n.FunctionName, "ntile"), true
		case *tree.Operator:
			return n.Type == "GROUPING_FUNCTION", true
		}
		return false, true
	})
}

// float8Functions are the functions Postgres has for float8 and numeric
// only: a float4 argument is cast to float8, and so is the result; the
// engine keeps FLOAT.
var float8Functions = map[string]bool{"round": true, "ceil": true, "ceiling": true, "floor": true, "trunc": true, "sign": true}

// Float8Columns reports which result columns are calls of those
// functions: the planner labels such a column float8 where the engine's
// type is FLOAT (the encoder widens each value).
func Float8Columns(root tree.QueryNode) []bool {
	return resultColumns(root, func(e tree.Expr) (bool, bool) {
		if f, ok := e.(*tree.Function); ok && !f.IsOperator {
			return float8Functions[strings.ToLower(f.FunctionName)], true
		}
		return false, true
	})
}
