package pgcatalog

import "strings"

// corrMacro is corr(y, x) as Postgres computes it: the sums of squares and
// products about the means, then Sxy / sqrt(Sxx * Syy) (the engine's corr
// differs in the last digit), over the pairs where both values are
// present.
//
// The engine copies a macro's arguments at each use and binds every copy,
// and the "*" and "//" macros (builtins.go's float overflow checks) use
// each operand some nine times: nested five deep over the sums, the one
// corr of the Postgres corpus took the engine 1.5-5 minutes of CPU to
// prepare. So the products of a row's values (inside the sums) keep the
// checked "*", and the arithmetic on the finished sums uses the engine's
// own operators, as Postgres' float8_corr does (it checks the sums as it
// accumulates them, not the final products or quotient): the body is
// written out here, one expression, without the nested macros.
func corrMacro() string {
	sub := func(body string, args ...string) string {
		r := make([]string, 0, len(args))
		for i := 0; i < len(args); i += 2 {
			r = append(r, args[i], "("+args[i+1]+")")
		}
		return strings.NewReplacer(r...).Replace(body)
	}
	// v where w is present too
	px := "CASE WHEN y IS NOT NULL THEN CAST(x AS DOUBLE) END"
	py := "CASE WHEN x IS NOT NULL THEN CAST(y AS DOUBLE) END"
	n := "CAST(count(" + px + ") AS DOUBLE)"
	sx, sy := "sum("+px+")", "sum("+py+")"
	sxx, syy, sxy := "sum(("+px+") * ("+px+"))", "sum(("+py+") * ("+py+"))", "sum(("+px+") * ("+py+"))"
	const mul, div, minus = `system.main."*"`, `system.main."/"`, `system.main."-"`
	// about the means: (n * sxx - sx * sx) / n, and so on
	about := func(sab, sa, sb string) string {
		return sub(div+"("+minus+"("+mul+"({n}, {sab}), "+mul+"({sa}, {sb})), {n})", "{n}", n, "{sab}", sab, "{sa}", sa, "{sb}", sb)
	}
	a, b, c := about(sxx, sx, sx), about(syy, sy, sy), about(sxy, sx, sy)
	of := sub("CASE WHEN {a} = 0 OR {b} = 0 THEN NULL ELSE "+div+"({c}, sqrt("+mul+"({a}, {b}))) END", "{a}", a, "{b}", b, "{c}", c)
	return "corr(y, x) AS " + sub("CASE WHEN {n} < 1 THEN NULL ELSE {of} END", "{n}", n, "{of}", of)
}
