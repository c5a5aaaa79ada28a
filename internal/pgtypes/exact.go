package pgtypes

import "strings"

// ParamFits reports whether a parameter value sent as text is exactly a
// value of the engine type t the statement gives the parameter: an integer
// for the integer types; for DECIMAL(p,s), at most s digits after the
// point (trailing zeros aside) and p-s before it. The engine's cast would
// round any other value ('1.5' to INTEGER 2, '0.101' to DECIMAL(12,2)
// 0.10), where Postgres either refuses it or, typing the parameter
// numeric, keeps it exact. Other types always fit.
func ParamFits(t Type, v string) bool {
	switch t.ID {
	case TypeInt16, TypeInt32, TypeInt64:
		s := strings.TrimSpace(v)
		s = strings.TrimLeft(s, "+-")
		return s != "" && strings.Trim(s, "0123456789") == "" && len(strings.TrimSpace(v))-len(s) <= 1
	case TypeNumeric:
		if t.Precision == 0 {
			return true // HUGEINT and friends: the engine's own wide types
		}
		s := strings.TrimLeft(strings.TrimSpace(v), "+-")
		whole, frac, _ := strings.Cut(s, ".")
		frac = strings.TrimRight(frac, "0")
		whole = strings.TrimLeft(whole, "0")
		if strings.Trim(whole+frac, "0123456789") != "" || s == "" || s == "." {
			return false
		}
		return len(frac) <= t.Scale && len(whole) <= t.Precision-t.Scale
	}
	return true
}
