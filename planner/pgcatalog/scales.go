package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// Postgres' numeric keeps each value's scale: ARRAY[1.5, 2.25] is
// {1.5,2.25}, SELECT 1 UNION SELECT 2.5 answers 1 and 2.5. The engine's
// decimal has one scale per column, which it gives every value (1.50,
// 1.0). Where the values are constants of different scales in one array,
// one column of a VALUES list or of a set operation, the statement is
// refused (MixedScales; 0A000) rather than answered with other digits.
// Values read from columns are not seen here (README, differences).

// MixedScalesRefused says why such a statement fails.
const MixedScalesRefused = "numeric constants of different scales in one array, VALUES column or set operation column " +
	"(Postgres keeps each value's scale; the engine gives them one): write them with the same number of decimals"

// MixedScales reports whether the query under root puts numeric constants
// of different scales in one array, VALUES column or set operation
// column. sql is the text the tree was parsed from.
func MixedScales(root tree.Node, sql string) bool {
	mixed := false
	// an array cast as a whole (array[1.5, 2]::numeric[]) is typed by
	// the cast, not by its constants
	cast := map[tree.Expr]bool{}
	tree.Inspect(root, func(n tree.Node) bool {
		if c, ok := n.(*tree.Cast); ok && c.Child != nil {
			cast[c.Child] = true
		}
		return true
	})
	tree.Inspect(root, func(n tree.Node) bool {
		if mixed || n == nil {
			return !mixed
		}
		switch n := n.(type) {
		case *tree.SetOperationNode:
			var leaves []*tree.SelectNode
			setLeaves(n, &leaves)
			var rows [][]tree.Expr
			for _, l := range leaves {
				rows = append(rows, l.SelectList)
			}
			mixed = mixedColumns(rows, sql)
		case *tree.ExpressionList:
			mixed = mixedColumns(n.Values, sql)
		case *tree.Operator:
			if n.Type == "ARRAY_CONSTRUCTOR" && !cast[n] {
				mixed = mixedScales(n.Children, sql, false)
			}
		case *tree.Function:
			if strings.EqualFold(n.FunctionName, "list_value") && !cast[n] {
				mixed = mixedScales(n.Children, sql, false)
			}
		}
		return !mixed
	})
	return mixed
}

func setLeaves(q tree.QueryNode, out *[]*tree.SelectNode) {
	switch q := q.(type) {
	case *tree.SetOperationNode:
		setLeaves(q.Left, out)
		setLeaves(q.Right, out)
	case *tree.SelectNode:
		*out = append(*out, q)
	}
}

// mixedColumns reports whether a column of rows mixes scales.
func mixedColumns(rows [][]tree.Expr, sql string) bool {
	for c := 0; ; c++ {
		var col []tree.Expr
		for _, r := range rows {
			if c < len(r) {
				col = append(col, r[c])
			}
		}
		if len(col) == 0 {
			return false
		}
		if mixedScales(col, sql, false) {
			return true
		}
	}
}

// mixedScales reports whether es are numeric constants (with casts:
// constants or NULL cast to a decimal too, null::numeric) of two scales
// (NULLs aside), one of them a decimal's: then Postgres types them
// numeric, each with its scale. Another kind of value (a float, a column) may
// make them another type, and is left to the engine.
func mixedScales(es []tree.Expr, sql string, casts bool) bool {
	seen := map[int]bool{}
	decimal := false
	for _, e := range es {
		if isNullConstant(e) {
			continue
		}
		s, dec, ok := constantScale(e, sql)
		if !ok && casts {
			s, ok = decimalCastScale(e)
			dec = true
		}
		if !ok {
			return false
		}
		seen[s] = true
		decimal = decimal || dec
	}
	return decimal && len(seen) > 1
}

// constantScale is the scale of a numeric constant (or a constant cast to
// an integer type) as written, and whether it is a decimal.
func constantScale(e tree.Expr, sql string) (int, bool, bool) {
	switch e := e.(type) {
	case *tree.Cast:
		switch e.CastType.ID {
		case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT":
			if _, ok := e.Child.(*tree.Constant); ok {
				return 0, false, true
			}
		}
	case *tree.Constant:
		switch e.Value.Type.ID {
		case "INTEGER", "BIGINT", "HUGEINT", "SMALLINT", "TINYINT":
			return 0, false, true
		case "DECIMAL":
			if e.QueryLocation >= uint64(len(sql)) {
				return 0, false, false
			}
			t := sqlparse.Scan(sql, int(e.QueryLocation))
			if t.Kind != sqlparse.Number {
				return 0, false, false
			}
			_, frac, _ := strings.Cut(t.Text, ".")
			return len(frac), true, true
		}
	}
	return 0, false, false
}
