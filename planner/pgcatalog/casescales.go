package pgcatalog

import (
	"encoding/json"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// CASE and coalesce give numeric without a typmod in Postgres where their
// branches' numeric scales differ (case when x then 1.5 else 2.25 end,
// coalesce(null::numeric, 1.5)), and each value keeps the scale of the
// branch it came from (1.5, 2.25); the engine gives the result the
// widest scale (1.50, 1.500). MixedCaseScales finds such a CASE or coalesce
// whose branches are numeric constants or casts of constants (and NULL)
// to a decimal, where its value reaches a result column: in a select
// list, but not as an argument of sum, avg or count (whose answers do not
// keep the scale of each value) nor in a comparison. Branches read from
// columns are compared by the session (planner/session, casescales.go).

// CaseScalesRefused says why such a statement fails.
const CaseScalesRefused = "a CASE or coalesce whose branches are numeric values of different scales is not supported " +
	"(Postgres keeps each value's scale; the engine gives them one): cast the branches to one numeric(p,s)"

// MixedCaseScales reports whether a CASE or coalesce in a select list of
// root (parsed from sql) has constant branches of different numeric
// scales: the statement is refused (CaseScalesRefused; 0A000).
// A result column of the statement that is such a CASE or coalesce itself
// is answered with each value's scale instead (casevalues.go).
func MixedCaseScales(root tree.Node, sql string) bool {
	mixed := false
	tree.Inspect(root, func(n tree.Node) bool {
		if sel, ok := n.(*tree.SelectNode); ok && !mixed {
			for i, e := range sel.SelectList {
				if n == root {
					if _, ok := caseItem(sel, i, sql); ok && !caseValueOrdered(sel, i) {
						continue
					}
				}
				mixed = mixed || valueCaseMixed(e, sql)
			}
		}
		return !mixed
	})
	return mixed
}

// valueCaseMixed looks for a mixed CASE or coalesce in e (ValueCases).
func valueCaseMixed(e tree.Expr, sql string) bool {
	for _, c := range ValueCases(e) {
		if branches, _ := CaseBranches(c); mixedScales(branches, sql, true) {
			return true
		}
	}
	return false
}

// ValueCases are the CASE and coalesce expressions in the result column e
// whose value is observable: not under sum, avg, count, a comparison or
// a test (IN, IS NULL, isinf), round or trunc to a number of places, or a cast
// to a type that is not text, nor in a subquery (its own select list is
// another's).
func ValueCases(e tree.Expr) []tree.Expr {
	var out []tree.Expr
	tree.Inspect(e, func(n tree.Node) bool {
		switch n := n.(type) {
		case nil, *tree.Subquery, *tree.Comparison, *tree.Conjunction, *tree.Between:
			return false
		case *tree.Window:
			switch strings.ToLower(n.FunctionName) {
			case "sum", "avg", "count", "count_star":
				return false
			}
		case *tree.Cast:
			if n.CastType.ID != "VARCHAR" {
				return false
			}
		case *tree.Function:
			switch strings.ToLower(n.FunctionName) {
			case "sum", "avg", "count", "count_star", "isinf", "isnan", "isfinite", "bool_or", "bool_and", "typeof":
				return false // a boolean or a type name; the float checks' isinf under sum (floatsum.go)
			case "round", "trunc", "round_even":
				if len(n.Children) == 2 {
					return false
				}
			}
		case *tree.Case, *tree.Operator:
			if o, ok := n.(*tree.Operator); ok {
				switch o.Type {
				case "COMPARE_IN", "COMPARE_NOT_IN", "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL":
					return false // a boolean
				}
			}
			if _, ok := CaseBranches(n.(tree.Expr)); ok {
				out = append(out, n.(tree.Expr))
			}
		}
		return true
	})
	return out
}

// CaseBranches are the expressions a CASE or coalesce may take its value
// from; false for another expression.
func CaseBranches(e tree.Expr) ([]tree.Expr, bool) {
	switch e := e.(type) {
	case *tree.Case:
		var out []tree.Expr
		for _, c := range e.CaseChecks {
			out = append(out, c.ThenExpr)
		}
		if e.ElseExpr != nil {
			out = append(out, e.ElseExpr)
		}
		return out, true
	case *tree.Operator:
		if e.Type == "OPERATOR_COALESCE" {
			return e.Children, true
		}
	}
	return nil, false
}

// decimalCastScale is the scale of a constant (or NULL) cast to a
// decimal: the type's, or the engine's default 3 for a bare decimal.
func decimalCastScale(e tree.Expr) (int, bool) {
	c, ok := e.(*tree.Cast)
	if !ok || c.CastType.ID != "DECIMAL" {
		return 0, false
	}
	if _, isConst := c.Child.(*tree.Constant); !isConst {
		return 0, false
	}
	if c.CastType.TypeInfo == nil {
		return 3, true
	}
	raw, ok := c.CastType.TypeInfo.Extra("scale")
	if !ok {
		return 3, true
	}
	var s int
	if json.Unmarshal(raw, &s) != nil {
		return 0, false
	}
	return s, true
}
