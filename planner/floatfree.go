package planner

import (
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// noFloatFunctions are the functions (and operators) whose result is no
// float when no argument is one. Division is not among them (the
// engine's quotient of decimals is a float), nor avg at large (see
// floatFree).
var noFloatFunctions = map[string]bool{
	"sum": true, "count": true, "count_star": true, "min": true, "max": true,
	"+": true, "-": true, "*": true, "~~": true, "!~~": true, "substring": true,
	// avg's argument check: x itself, or an error
	"lakegate_float_arg": true,
}

// noFloatCasts are the cast targets that are no float.
var noFloatCasts = map[string]bool{
	"DATE": true, "INTERVAL": true, "TIMESTAMP": true, "TIMESTAMP WITH TIME ZONE": true, "BOOLEAN": true,
	"VARCHAR": true, "DECIMAL": true, "INTEGER": true, "BIGINT": true, "SMALLINT": true,
}

// floatFree reports whether no value of a float type can occur in the
// statement root where the float checks of sum, + and - could see it:
// every table it reads (schemas) has no float column, unmasked, and every
// expression is built of columns, constants of other types and the
// functions above. avg (a float to the engine) is let through only as a
// result column of the outermost SELECT, where no check applies to it.
// When in doubt it answers false, and the checks stay.
func floatFree(root tree.QueryNode, schemas []*iceberg.Schema) bool {
	for _, s := range schemas {
		for _, f := range s.Fields() {
			t := strings.ToLower(f.Type.String())
			if strings.Contains(t, "float") || strings.Contains(t, "double") {
				return false
			}
		}
	}
	topAvg := map[tree.Node]bool{}
	avgNames := map[string]bool{}
	if sel, ok := root.(*tree.SelectNode); ok {
		for _, e := range sel.SelectList {
			if f, ok := e.(*tree.Function); ok && strings.EqualFold(f.FunctionName, "avg") && f.Schema == "" {
				topAvg[f] = true
				avgNames[strings.ToLower(f.Alias)] = true
			}
		}
	}
	// A string constant is taken as an operand of a comparison, IN,
	// BETWEEN, LIKE or a cast only: elsewhere the engine may read it as
	// a float ('1' + q is a DOUBLE).
	compared := map[tree.Expr]bool{}
	free := true
	var visit func(n tree.Node) bool
	visit = func(n tree.Node) bool {
		if n == nil || !free {
			return free
		}
		if f, ok := n.(*tree.Function); ok && strings.EqualFold(f.FunctionName, "lakegate_float_sum") && f.Schema == "" && len(f.Children) == 2 {
			// floatSum's rewrite: its sum is what counts, the second
			// argument goes with the check
			tree.Inspect(f.Children[0], visit)
			return false
		}
		switch n := n.(type) {
		case *tree.SelectNode, *tree.CTENode, *tree.BaseTable, *tree.Join, *tree.SubqueryRef, *tree.EmptyRef,
			*tree.Conjunction, *tree.Case, *tree.Subquery, *tree.Star:
		case *tree.Comparison:
			compared[n.Left], compared[n.Right] = true, true
		case *tree.Between:
			compared[n.Input], compared[n.Lower], compared[n.Upper] = true, true, true
		case *tree.Operator:
			// the operators give no float of their own
			if n.Type == "COMPARE_IN" || n.Type == "COMPARE_NOT_IN" {
				for _, c := range n.Children {
					compared[c] = true
				}
			}
		case *tree.ColumnRef:
			last := n.ColumnNames[len(n.ColumnNames)-1]
			free = !avgNames[strings.ToLower(last)] && !strings.HasPrefix(strings.ToLower(last), "avg(")
		case *tree.Constant:
			switch n.Value.Type.ID {
			case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "DECIMAL", "BOOLEAN", "NULL", "DATE", "INTERVAL":
			case "VARCHAR", "STRING_LITERAL":
				free = compared[n]
			default:
				free = false
			}
		case *tree.Cast:
			free = noFloatCasts[n.CastType.ID]
			compared[n.Child] = true
		case *tree.Function:
			name := strings.ToLower(n.FunctionName)
			free = n.Schema == "" && n.Catalog == "" && (noFloatFunctions[name] || topAvg[n])
			if name == "~~" || name == "!~~" {
				for _, c := range n.Children {
					compared[c] = true
				}
			}
		default:
			free = false // parameters, windows, lambdas, VALUES, table functions, set operations ...
		}
		return free
	}
	tree.Inspect(root, visit)
	return free
}

// withoutFloatChecks takes the float checks of sum, + and - out of plan,
// a statement as written in which floatFree found no float: plan.SQL
// without floatSum's rewrites (same length), parsed anew, and the
// nested divisions found in that tree without the chains' wrapping. If
// the new text does not parse, the plan stays as it is.
func withoutFloatChecks(env tree.Engine, plan *Plan) {
	sql := pgcatalog.WithoutFloatSums(plan.SQL)
	root := plan.Tree
	if sql != plan.SQL {
		nodes, err := Parse(env, sql)
		if err != nil {
			return
		}
		root = nodes[0]
		plan.Numeric = pgcatalog.NumericItems(root, sql)
		plan.SQL, plan.Root, plan.Tree = sql, root, root
	}
	plan.Nested = pgcatalog.NestedDivisionsNoFloat(root, sql)
	plainOperators(env, plan, root)
}

// plainOperators writes the products (and the differences that cannot
// be of dates) of plan, a statement in which floatFree found no float,
// as the engine's own operators (pgcatalog.PlainOperators), whose
// macros' checks could never fire. plan.Root and plan.Text stay the
// statement as written (result column names are read from them);
// plan.Unplain keeps the SQL before this rewrite. If the new text does
// not parse to the same tree, the products alone are tried, then the
// plan stays as it is (plainText).
func plainOperators(env tree.Engine, plan *Plan, root tree.QueryNode) {
	sql, root := plainText(env, plan.SQL, root, nil)
	if sql == plan.SQL {
		return
	}
	plan.Unplain = plan.SQL
	plan.SQL = sql
	plan.Numeric = pgcatalog.NumericItems(root, sql)
	plan.Nested = pgcatalog.NestedDivisionsNoFloat(root, sql)
}

func tableSchemas(tables map[string]*catalog.Table) []*iceberg.Schema {
	out := make([]*iceberg.Schema, 0, len(tables))
	for _, t := range tables {
		out = append(out, t.Schema())
	}
	return out
}
