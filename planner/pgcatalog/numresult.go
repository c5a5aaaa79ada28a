package pgcatalog

import (
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// Postgres computes a division with a numeric operand, and avg, stddev
// and variance of integers and numerics, in numeric, to a scale it
// chooses per value (numeric.c, select_div_scale: at least 16
// significant digits, never fewer decimals than an operand's). The
// engine divides decimals in float8, and its decimal has one scale per
// column. Where such a value is a result column by itself (under any
// alias) of a plain SELECT, the engine computes its exact operands
// instead, as text: "n/d" for a quotient (a division, an avg: sum and
// count), "v:KIND:N:sumX:sumX2" for a variance or standard deviation;
// the planner labels the column numeric and the encoder divides
// (internal/pgtypes, NumericText) as Postgres does.
//
// Which items are numeric the parse tree does not tell: the planner asks
// the engine (NumericItems' Probe: the division as an addition, the
// aggregate as min, whose type is a decimal or an integer exactly when
// Postgres' answer is numeric), then runs the statement with the items
// it found exact rewritten (NumericSQL). Elsewhere (inside an expression,
// a window) a division with a numeric operand stays the engine's float8
// and such an aggregate is refused (README, differences).

// numericMacros are the engine macros that compute those operands.
var numericMacros = []string{
	// a / b as a result column: the engine's parser reads a generic
	// operator with a lower precedence than /, so replacing the operator
	// of a division at the top of an item keeps its operands
	// (b may be the text of a decimal: numscale.go)
	`"|/|"(a, b) AS CASE WHEN CAST(b AS DOUBLE) = 0 THEN error('` + DivisionByZero + `') ELSE CAST(a AS VARCHAR) || '/' || CAST(b AS VARCHAR) END`,
	`"|+|"(a, b) AS a + b`,
	// round(q, n) and trim_scale(x) of such a value: the encoder rounds,
	// trims; trim_scale elsewhere is refused
	`lakegate_numeric_round(q, n) AS q || '@r' || CAST(n AS VARCHAR)`,
	`lakegate_numeric_trim(x) AS lakegate_exact_arg(x, 'trim_scale') || '@t'`,
	`lakegate_numeric_probe(x) AS x`,
	`trim_scale(x) AS error('` + TrimScaleRefused + `')`,
	`lakegate_numeric_quotient(s, c) AS CASE WHEN c > 0 THEN CAST(s AS VARCHAR) || '/' || CAST(c AS VARCHAR) END`,
	`lakegate_numeric_avg(x) AS CASE WHEN count(x) > 0 THEN CAST(sum(x) AS VARCHAR) || '/' || CAST(count(x) AS VARCHAR) END`,
	// k is the kind (var_samp, var_pop, stddev_samp, stddev_pop); the
	// sample ones need two values, the population ones one; the squares
	// are summed as DECIMAL(38, twice x's scale), not x's width
	`lakegate_numeric_var(x, k) AS CASE WHEN count(x) > CASE WHEN k LIKE '%samp' THEN 1 ELSE 0 END ` +
		`THEN 'v:' || k || ':' || CAST(count(x) AS VARCHAR) || ':' || CAST(sum(x) AS VARCHAR) || ':' || CAST(sum(CAST(1 AS DECIMAL(38, 0)) * x * x) AS VARCHAR) END`,
}

// TrimScaleRefused says why trim_scale inside an expression fails.
const TrimScaleRefused = "trim_scale is supported as a result column by itself only (Postgres gives each value its own scale; the engine one per column)"

// numericAggregates are the aggregates answered exactly, with the kind
// lakegate_numeric_var gives each variance.
var numericAggregates = map[string]string{
	"avg": "", "variance": "var_samp", "var_samp": "var_samp", "var_pop": "var_pop",
	"stddev": "stddev_samp", "stddev_samp": "stddev_samp", "stddev_pop": "stddev_pop",
}

// NumericItem is a result column that may be numeric by Postgres' rules
// for division and averages: the text edits that probe its type and those
// that compute it exactly.
type NumericItem struct {
	Col          int
	Division     bool // a division, or exp, ln, log, power, sqrt (nummath.go): numeric of a decimal only (else an aggregate)
	Branches     bool // a CASE or coalesce (casevalues.go): numeric where its branches' scales differ
	Scalar       bool // a scalar subquery of one (casevalues.go): numeric where the column is
	Extreme      bool // a greatest or least (extremevalues.go): numeric where the column is
	probe, exact []edit
}

type edit struct {
	from, to int
	text     string
}

// NumericItems finds the result columns of root (a plain SELECT parsed
// from sql) that are a division or an avg, stddev or variance call, that
// rounded to a constant number of places (round(x, n)), or trim_scale,
// and those that are a CASE or coalesce (casevalues.go).
func NumericItems(root tree.QueryNode, sql string) []NumericItem {
	sel, ok := root.(*tree.SelectNode)
	if !ok {
		return nil
	}
	var items []NumericItem
	for i, e := range sel.SelectList {
		if it, ok := extremeItem(sel, i, sql); ok {
			items = append(items, it)
			continue
		}
		if it, ok := caseItem(sel, i, sql); ok {
			if !caseValueOrdered(sel, i) {
				items = append(items, it)
			}
			continue
		}
		if w, ok := e.(*tree.Window); ok {
			if it, ok := windowAverage(w, sql); ok {
				it.Col = i
				items = append(items, it)
			}
			continue
		}
		f, ok := e.(*tree.Function)
		if !ok || f.Schema != "" || f.Catalog != "" {
			continue
		}
		if it, ok := numericCandidate(f, sql); ok {
			it.Col = i
			items = append(items, it)
			continue
		}
		name, ok := nameAt(f, sql)
		if !ok || f.IsOperator {
			continue
		}
		loc := int(f.QueryLocation)
		switch {
		case name == "round" && len(f.Children) == 2 && integerConstant(f.Children[1]):
			inner, ok := f.Children[0].(*tree.Function)
			if !ok {
				continue
			}
			it, ok := numericCandidate(inner, sql)
			if !ok {
				continue
			}
			it.Col = i
			it.exact = append(it.exact, edit{loc, loc + len(name), "lakegate_numeric_round"})
			// the probe asks for the division's type: round's own is
			// numeric for integers too (builtins.go)
			it.probe = append(it.probe, edit{loc, loc + len(name), "system.main.round"})
			items = append(items, it)
		case name == "trim_scale" && len(f.Children) == 1:
			items = append(items, NumericItem{Col: i,
				probe: []edit{{loc, loc + len(name), "lakegate_numeric_probe"}},
				exact: []edit{{loc, loc + len(name), "lakegate_numeric_trim"}}})
		}
	}
	// an ORDER BY naming such a column sorts by its value, not the text
	// the engine now writes of it
	for i := range items {
		if it := &items[i]; !it.Branches {
			if text, ok := itemText(sel.SelectList[it.Col], sql); ok {
				// the engine's float avg sorts as the exact one does
				text = strings.ReplaceAll(text, "lakegate_float_arg(", "(")
				it.exact = append(it.exact, orderedAs(sel, it.Col, text, sql)...)
			}
		}
	}
	return items
}

// nameAt is f's name as written at its location, lower case; false for
// a quoted name.
func nameAt(f *tree.Function, sql string) (string, bool) {
	loc, name := int(f.QueryLocation), strings.ToLower(f.FunctionName)
	if loc < 0 || loc+len(name) > len(sql) || !strings.EqualFold(sql[loc:loc+len(name)], name) {
		return "", false
	}
	return name, true
}

func integerConstant(e tree.Expr) bool {
	c, ok := e.(*tree.Constant)
	return ok && !c.Value.IsNull && (c.Value.Type.ID == "INTEGER" || c.Value.Type.ID == "BIGINT")
}

// numericCandidate reads a division or an avg, stddev or variance call
// (of lakegate_float_arg, the lexical rewrite's) as a NumericItem.
func numericCandidate(f *tree.Function, sql string) (NumericItem, bool) {
	loc := int(f.QueryLocation)
	name := strings.ToLower(f.FunctionName)
	switch {
	case f.IsOperator && (name == "/" || name == "//") && len(f.Children) == 2:
		if loc >= len(sql) || sql[loc] != '/' || loc+1 < len(sql) && sql[loc+1] == '/' {
			return NumericItem{}, false
		}
		it := NumericItem{Division: true, probe: []edit{{loc, loc + 1, "|+|"}}}
		// an operand holding a CASE or coalesce: with Postgres' scale,
		// which the quotient's keeps where it has 17 digits and more
		// (numscale.go); its edits go first, to end before the |/| at
		// the same place
		if holdsCase(f.Children[0]) || holdsCase(f.Children[1]) {
			pieces := lexPieces(sql)
			if from, ok := operandStart(pieces, f.Children[0], loc); ok {
				it.exact = append(it.exact, scaledOperand(f.Children[0], from, loc, sql)...)
			}
			if to, ok := operandEnd(pieces, f.Children[1], loc); ok {
				it.exact = append(it.exact, scaledOperand(f.Children[1], loc+1, to, sql)...)
			}
		}
		it.exact = append(it.exact, edit{loc, loc + 1, "|/|"})
		return it, true
	case !f.IsOperator && len(f.Children) == 1 && !f.Distinct && f.Filter == nil && (f.OrderBys == nil || len(f.OrderBys.Orders) == 0):
		kind, ok := numericAggregates[name]
		arg, isFn := f.Children[0].(*tree.Function)
		if !ok {
			return mathCandidate(f, sql)
		}
		if !isFn || arg.FunctionName != "lakegate_float_arg" || len(arg.Children) != 1 {
			return NumericItem{}, false
		}
		if _, ok := nameAt(f, sql); !ok {
			return NumericItem{}, false // a quoted name: left as it is
		}
		if _, ok := nameAt(arg, sql); !ok {
			return NumericItem{}, false
		}
		end := loc + len(name)
		argLoc := int(arg.QueryLocation)
		argName := edit{argLoc, argLoc + len(arg.FunctionName), ""}
		call := edit{loc, end, "lakegate_numeric_avg"}
		var tail []edit
		if kind != "" {
			call.text = "lakegate_numeric_var"
			closing := closingParen(sql, argLoc+len(arg.FunctionName))
			if closing < 0 {
				return NumericItem{}, false
			}
			tail = []edit{{closing, closing, ", '" + kind + "'"}}
		}
		if kind == "" {
			// an average of a value holding a CASE or coalesce: its sum
			// with Postgres' scale (numscale.go)
			open := argLoc + len(arg.FunctionName)
			closing := closingParen(sql, open)
			if closing < 0 {
				return NumericItem{}, false
			}
			for open < closing && sql[open] != '(' {
				open++
			}
			scale, _, _, guards := operandScale(arg.Children[0], open+1, closing-1, sql)
			if scale != "" {
				call.text = "lakegate_numeric_avg_cut"
				tail = []edit{{closing, closing, ", " + scale}}
			}
			tail = append(tail, guards...)
		}
		return NumericItem{
			probe: []edit{{loc, end, "min"}},
			exact: append([]edit{call, argName}, tail...)}, true
	}
	return mathCandidate(f, sql)
}

// windowAverage reads avg(x) OVER (...) (of lakegate_float_arg) as a
// NumericItem: the quotient of sum and count over the same window.
func windowAverage(w *tree.Window, sql string) (NumericItem, bool) {
	if !strings.EqualFold(w.FunctionName, "avg") || w.Schema != "" || w.Catalog != "" || len(w.Children) != 1 ||
		w.Distinct || w.FilterExpr != nil || w.IgnoreNulls || len(w.ArgOrders) > 0 {
		return NumericItem{}, false
	}
	arg, ok := w.Children[0].(*tree.Function)
	loc, argLoc := int(w.QueryLocation), 0
	if !ok || arg.FunctionName != "lakegate_float_arg" || len(arg.Children) != 1 || loc+3 > len(sql) || !strings.EqualFold(sql[loc:loc+3], "avg") {
		return NumericItem{}, false
	}
	argLoc = int(arg.QueryLocation)
	argStart := argLoc + len(arg.FunctionName)
	if _, ok := nameAt(arg, sql); !ok {
		return NumericItem{}, false
	}
	argEnd, callEnd := closingParen(sql, argStart), closingParen(sql, loc+3)
	if argEnd < 0 || callEnd < 0 {
		return NumericItem{}, false
	}
	over := callEnd
	for over < len(sql) && sql[over] == ' ' {
		over++
	}
	if over+4 > len(sql) || !strings.EqualFold(sql[over:over+4], "over") {
		return NumericItem{}, false
	}
	overEnd := closingParen(sql, over+4)
	if overEnd < 0 {
		return NumericItem{}, false // a named window
	}
	x, window := sql[argStart:argEnd], sql[callEnd:overEnd]
	sum := "sum" + x + window
	// a value holding a CASE or coalesce: its sum with Postgres' scale
	// (numscale.go); where that cannot be told, its CASEs guarded
	scale, _, _, guards := operandScale(arg.Children[0], argStart+1, argEnd-1, sql)
	if len(guards) > 0 {
		x = applyNumericEdits(sql[:argEnd], guards)[argStart:]
		sum = "sum" + x + window
	}
	if scale != "" {
		sum = "lakegate_numeric_cut(CAST(" + sum + " AS VARCHAR), max(" + scale + ")" + window + ")"
	}
	return NumericItem{
		probe: []edit{{loc, loc + 3, "min"}},
		exact: []edit{{loc, overEnd, "lakegate_numeric_quotient(" + sum + ", count" + x + window + ")"}},
	}, true
}

// closingParen is the index just after the parenthesis closing the one
// at sql[open] (white space allowed before it), or -1.
func closingParen(sql string, open int) int {
	for open < len(sql) && sql[open] == ' ' {
		open++
	}
	if open >= len(sql) || sql[open] != '(' {
		return -1
	}
	depth := 0
	for i := open; i < len(sql); i++ {
		switch sql[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '\'', '"':
			q := sql[i]
			for i++; i < len(sql) && sql[i] != q; i++ {
			}
		}
	}
	return -1
}

// NumericProbe is sql with every item's type probe.
func NumericProbe(sql string, items []NumericItem) string {
	var eds []edit
	for _, it := range items {
		eds = append(eds, it.probe...)
	}
	return applyNumericEdits(sql, eds)
}

// NumericSQL is sql with the items whose indexes exact marks computing
// their exact operands.
func NumericSQL(sql string, items []NumericItem, exact func(col int) bool) string {
	var eds []edit
	for _, it := range items {
		if exact(it.Col) {
			eds = append(eds, it.exact...)
		}
	}
	return applyNumericEdits(sql, eds)
}

func applyNumericEdits(sql string, eds []edit) string {
	if len(eds) == 0 {
		return sql
	}
	slices.SortStableFunc(eds, func(a, b edit) int { return a.from - b.from })
	var b strings.Builder
	at := 0
	for _, e := range eds {
		b.WriteString(sql[at:e.from])
		b.WriteString(e.text)
		at = e.to
	}
	b.WriteString(sql[at:])
	return b.String()
}
