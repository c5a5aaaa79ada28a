package pgcatalog

import (
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// Postgres computes exp, ln, log, log10, power (pow, ^) and sqrt of a
// numeric in numeric, to a scale it chooses per value (numeric.c); of
// integers and floats they are float8 (log(b, x) has a numeric version
// only). Where such a call is a result column by itself (or rounded
// there by round(x, n)), it is a NumericItem like a division: the probe
// asks the engine whether an argument is a decimal, and the exact rewrite
// calls lakegate_numeric_math (pgtypes.NumericMath, in Go) after the
// argument checks Postgres makes, so the column carries Postgres' digits
// as text and is labelled numeric. Inside an expression a numeric
// argument is still refused (builtins.go, NumericMath).

// numericMathFuncs are the functions answered so, with pgtypes.NumericMath's
// name of the operation by number of arguments.
var numericMathFuncs = map[string]map[int]string{
	"exp": {1: "exp"}, "ln": {1: "ln"}, "log": {1: "log10", 2: "log"}, "log10": {1: "log10"},
	"sqrt": {1: "sqrt"}, "power": {2: "power"}, "pow": {2: "power"},
}

// NumericLogFloat is the error of log(b, x) of a float, which Postgres
// does not have either.
const NumericLogFloat = "log(b, x) of a float is not supported (Postgres has log(numeric, numeric) only): cast the arguments to numeric"

// numericMathMacros check the arguments as Postgres does and compute the
// values (a decimal's text keeps its scale, which Postgres' scale rules
// read).
var numericMathMacros = []string{
	`lakegate_numeric_exp(x) AS lakegate_numeric_math1('exp', CAST(x AS VARCHAR))`,
	`lakegate_numeric_ln(x) AS CASE WHEN x = 0 THEN error('` + LogOfZero + `') WHEN x < 0 THEN error('` + LogOfNegative + `') ` +
		`ELSE lakegate_numeric_math1('ln', CAST(x AS VARCHAR)) END`,
	`lakegate_numeric_log10(x) AS CASE WHEN x = 0 THEN error('` + LogOfZero + `') WHEN x < 0 THEN error('` + LogOfNegative + `') ` +
		`ELSE lakegate_numeric_math1('log10', CAST(x AS VARCHAR)) END`,
	`lakegate_numeric_log(b, x) AS CASE WHEN typeof(b) IN ('DOUBLE', 'FLOAT') OR typeof(x) IN ('DOUBLE', 'FLOAT') THEN error('` + NumericLogFloat + `') ` +
		`WHEN b = 0 OR x = 0 THEN error('` + LogOfZero + `') WHEN b < 0 OR x < 0 THEN error('` + LogOfNegative + `') ` +
		`WHEN b = 1 THEN error('` + DivisionByZero + `') ELSE lakegate_numeric_math2('log', CAST(b AS VARCHAR), CAST(x AS VARCHAR)) END`,
	`lakegate_numeric_sqrt(x) AS CASE WHEN x < 0 THEN error('` + SqrtOfNegative + `') ELSE lakegate_numeric_math1('sqrt', CAST(x AS VARCHAR)) END`,
	`lakegate_numeric_power(a, b) AS CASE WHEN a = 0 AND b < 0 THEN error('` + ZeroToNegativePower + `') ` +
		`WHEN a < 0 AND b <> floor(b) THEN error('` + NegativeToFractionalPower + `') ` +
		`ELSE lakegate_numeric_math2('power', CAST(a AS VARCHAR), CAST(b AS VARCHAR)) END`,
	// a ^ b at the top of an item: a generic operator, as "|/|"
	`"|^|"(a, b) AS lakegate_numeric_power(a, b)`,
	// the probes: a decimal argument makes the answer numeric; log(b, x)
	// is numeric whatever its arguments
	`lakegate_numeric_probe2(a, b) AS a + b`,
	`lakegate_numeric_probe_log(a, b) AS 0.5`,
}

// numericMath computes the values (EngineFunctions: lakegate_numeric_math1
// and lakegate_numeric_math2, the operation and its arguments).
func numericMath(args []string) (string, error) { return pgtypes.NumericMath(args[0], args[1:]) }

// mathCandidate reads exp, ln, log, log10, sqrt, power or pow (not
// quoted, not schema-qualified) or a ^ b as a NumericItem.
func mathCandidate(f *tree.Function, sql string) (NumericItem, bool) {
	loc := int(f.QueryLocation)
	if f.Schema != "" || f.Catalog != "" || f.Distinct || f.Filter != nil || (f.OrderBys != nil && len(f.OrderBys.Orders) > 0) {
		return NumericItem{}, false
	}
	if f.IsOperator {
		if f.FunctionName != "^" || len(f.Children) != 2 || loc < 0 || loc >= len(sql) || sql[loc] != '^' {
			return NumericItem{}, false
		}
		return NumericItem{Division: true,
			probe: []edit{{loc, loc + 1, "|+|"}},
			exact: []edit{{loc, loc + 1, "|^|"}}}, true
	}
	name, ok := nameAt(f, sql)
	if !ok {
		return NumericItem{}, false
	}
	op, ok := numericMathFuncs[name][len(f.Children)]
	if !ok {
		return NumericItem{}, false
	}
	probe := "lakegate_numeric_probe"
	switch {
	case op == "log":
		probe = "lakegate_numeric_probe_log"
	case len(f.Children) == 2:
		probe = "lakegate_numeric_probe2"
	}
	return NumericItem{Division: true,
		probe: []edit{{loc, loc + len(name), probe}},
		exact: []edit{{loc, loc + len(name), "lakegate_numeric_" + op}}}, true
}
