package pgtypes

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// Postgres computes exp, ln, log, log(b, x), power (and ^) and sqrt of a
// numeric in numeric, to a scale it chooses per value from an estimate of
// the result's decimal weight (numeric.c: numeric_exp, numeric_ln,
// log_var, power_var, numeric_sqrt; at least 16 significant digits, never
// fewer decimals than an argument's, 1000 at most), rounded half away
// from zero. NumericMath gives the same digits, computed here in big
// floats with guard digits (square roots and integer powers exactly); the
// engine calls it for such a result column (planner/pgcatalog, nummath.go)
// after the checks Postgres makes of the arguments (logarithm of zero,
// negative base...), which the engine's macros raise in Postgres' words.

// NumericOverflow is Postgres' error for a result beyond numeric's range.
var NumericOverflow = errors.New("value overflows numeric format")

// numericMaxResultScale is NUMERIC_MAX_RESULT_SCALE: exp's argument is
// refused (or its result zero) from 3 times it on.
const numericMaxResultScale = 2000

// numericMathArity is each operation's number of arguments.
var numericMathArity = map[string]int{"exp": 1, "ln": 1, "log10": 1, "sqrt": 1, "log": 2, "power": 2}

// NumericMath is op ("exp", "ln", "log10", "log", "power", "sqrt") of
// args (decimal text: one argument; two for log, base first, and power)
// as Postgres writes the numeric result.
func NumericMath(op string, args []string) (string, error) {
	ds := make([]exactDec, len(args))
	for i, a := range args {
		d, err := parseExactDec(a)
		if err != nil {
			return "", err
		}
		ds[i] = d
	}
	if n, ok := numericMathArity[op]; !ok || n != len(ds) {
		return "", fmt.Errorf("pgtypes: numeric %s of %d arguments", op, len(ds))
	}
	var r exactDec
	var err error
	switch op {
	case "exp":
		r, err = numericExp(ds[0])
	case "ln":
		r, err = numericLog(exactDec{}, ds[0], false)
	case "log10":
		r, err = numericLog(exactDec{big.NewInt(10), 0}, ds[0], true)
	case "log":
		r, err = numericLog(ds[0], ds[1], true)
	case "power":
		r, err = numericPower(ds[0], ds[1])
	case "sqrt":
		r, err = numericSqrt(ds[0])
	}
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

// clampScale bounds a result scale as Postgres does: not below any of
// the arguments' scales nor 0, not above 1000.
func clampScale(rscale int, args ...exactDec) int {
	for _, a := range args {
		rscale = max(rscale, a.Scale)
	}
	return min(max(rscale, 0), numericMaxScale)
}

// decExp is the decimal exponent of d's first digit (floor(log10|d|)).
func decExp(d exactDec) int {
	return len(new(big.Int).Abs(d.Int).String()) - 1 - d.Scale
}

// leadingDigits is d as Postgres' base-10000 digits see it: its first
// one or two digits as an integer f and the decimal weight p of f's last
// digit (|d| ~= f * 10^p), taking the second base-10000 digit only when d
// has more than one.
func leadingDigits(d exactDec) (float64, int) {
	w, first := d.weight()
	a := new(big.Int).Abs(d.Int)
	rest := d.Scale + 4*w // a's digits below the first base-10000 digit
	more := rest > 0 && new(big.Int).Rem(a, bigPow10(rest)).Sign() != 0
	if !more {
		return float64(first), 4 * w
	}
	two := new(big.Int).Quo(a, bigPow10(rest-4)) // rest >= 4 when a has digits below
	if rest < 4 {
		two.Mul(a, bigPow10(4-rest))
	}
	return float64(two.Int64()), 4 * (w - 1)
}

// lnWeight is Postgres' estimate of the decimal weight of ln(d), d > 0
// (estimate_ln_dweight): near 1 from d - 1, elsewhere from its leading
// digits.
func lnWeight(d exactDec) int {
	if d.Int.Sign() <= 0 {
		return 0
	}
	lo, hi := exactDec{big.NewInt(9), 1}, exactDec{big.NewInt(11), 1}
	if cmpDec(d, lo) >= 0 && cmpDec(d, hi) <= 0 {
		x := subDec(d, exactDec{big.NewInt(1), 0})
		if x.Int.Sign() == 0 {
			return 0
		}
		return decExp(x)
	}
	f, p := leadingDigits(d)
	return int(math.Log10(math.Abs(math.Log(f) + float64(p)*math.Ln10)))
}

func alignDec(a, b exactDec) (*big.Int, *big.Int) {
	x, y := new(big.Int).Set(a.Int), new(big.Int).Set(b.Int)
	if a.Scale < b.Scale {
		x.Mul(x, bigPow10(b.Scale-a.Scale))
	} else {
		y.Mul(y, bigPow10(a.Scale-b.Scale))
	}
	return x, y
}

func cmpDec(a, b exactDec) int { x, y := alignDec(a, b); return x.Cmp(y) }

func subDec(a, b exactDec) exactDec {
	x, y := alignDec(a, b)
	return exactDec{x.Sub(x, y), max(a.Scale, b.Scale)}
}

// toFloat64 is d as a float64 (±Inf beyond its range).
func toFloat64(d exactDec) float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

func numericSqrt(d exactDec) (exactDec, error) {
	if d.Int.Sign() < 0 {
		return exactDec{}, errors.New("cannot take square root of a negative number")
	}
	w, _ := d.weight()
	rscale := clampScale(numericMinSigDigits-((w+1)*4/2-1), d)
	return sqrtRound(d, rscale), nil
}

func numericExp(x exactDec) (exactDec, error) {
	val := toFloat64(x)
	if math.Abs(val) >= 3*numericMaxResultScale && val > 0 {
		return exactDec{}, NumericOverflow
	}
	w := min(max(val*math.Log10E, -numericMaxResultScale), numericMaxResultScale)
	rscale := clampScale(numericMinSigDigits-int(w), x)
	if val <= -3*numericMaxResultScale {
		return exactDec{new(big.Int), rscale}, nil
	}
	prec := precisionFor(int(math.Max(w, 0)), rscale, decExp(x))
	return roundFloat(expFloat(decFloat(x, prec), prec), rscale), nil
}

// numericLog is ln(x), or with base log(base, x) (Postgres' log_var).
func numericLog(base, x exactDec, withBase bool) (exactDec, error) {
	for _, d := range []exactDec{base, x} {
		switch {
		case !withBase && d.Int == nil:
		case d.Int.Sign() == 0:
			return exactDec{}, errors.New("cannot take logarithm of zero")
		case d.Int.Sign() < 0:
			return exactDec{}, errors.New("cannot take logarithm of a negative number")
		}
	}
	if !withBase {
		rscale := clampScale(numericMinSigDigits-lnWeight(x), x)
		prec := precisionFor(0, rscale, max(decExp(x), -decExp(x)))
		return roundFloat(lnFloat(decFloat(x, prec), prec), rscale), nil
	}
	rscale := clampScale(numericMinSigDigits-(lnWeight(x)-lnWeight(base)), base, x)
	prec := precisionFor(max(lnWeight(x)-lnWeight(base), 0), rscale,
		max(decExp(x), -decExp(x), decExp(base), -decExp(base), -lnWeight(base)))
	if cmpDec(base, exactDec{big.NewInt(1), 0}) == 0 {
		return exactDec{}, errDivisionByZero // ln(1) is exactly zero
	}
	lb := lnFloat(decFloat(base, prec), prec)
	lx := lnFloat(decFloat(x, prec), prec)
	return roundFloat(new(big.Float).SetPrec(prec).Quo(lx, lb), rscale), nil
}

// numericPower is power_var: an integer exponent (of int4's range) by
// multiplication, to at least 16 decimals or the base's; another as
// exp(y * ln(x)), to the scale its estimated weight gives.
func numericPower(x, y exactDec) (exactDec, error) {
	if x.Int.Sign() == 0 && y.Int.Sign() < 0 {
		return exactDec{}, errors.New("zero raised to a negative power is undefined")
	}
	if n, ok := integerValue(y); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
		return powerInt(x, n)
	}
	if x.Int.Sign() == 0 {
		return exactDec{new(big.Int), numericMinSigDigits}, nil
	}
	if x.Int.Sign() < 0 {
		return exactDec{}, errors.New("a negative number raised to a non-integer power yields a complex result")
	}
	// the estimate Postgres makes of y * ln(x): ln(x) to about 8 digits
	local := max(8-lnWeight(x), 0)
	lx := lnFloat(decFloat(x, 256), 256)
	lx = decFloat(roundFloat(lx, local), 256)
	val, _ := new(big.Float).Mul(lx, decFloat(y, 256)).Float64()
	if math.Abs(val) > numericMaxResultScale*3.01 {
		if val > 0 {
			return exactDec{}, NumericOverflow
		}
		return exactDec{new(big.Int), numericMaxScale}, nil
	}
	val *= math.Log10E
	rscale := clampScale(numericMinSigDigits-int(val), x, y)
	prec := precisionFor(int(math.Max(val, 0)), rscale, max(decExp(x), -decExp(x))+max(decExp(y), 0))
	l := new(big.Float).SetPrec(prec).Mul(lnFloat(decFloat(x, prec), prec), decFloat(y, prec))
	return roundFloat(expFloat(l, prec), rscale), nil
}

// integerValue is d as an int64 when it has no fraction.
func integerValue(d exactDec) (int64, bool) {
	q, r := new(big.Int).QuoRem(d.Int, bigPow10(d.Scale), new(big.Int))
	if r.Sign() != 0 || !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// exactPowerDigits bounds the digits of an integer power computed
// exactly; a larger one is computed as exp(n * ln(x)) with guard digits.
const exactPowerDigits = 4000

func powerInt(x exactDec, n int64) (exactDec, error) {
	rscale := clampScale(numericMinSigDigits, x)
	if n == 0 {
		return exactDec{bigPow10(rscale), rscale}, nil
	}
	if x.Int.Sign() == 0 {
		return exactDec{new(big.Int), rscale}, nil
	}
	digits := len(new(big.Int).Abs(x.Int).String())
	abs := n
	if abs < 0 {
		abs = -abs
	}
	// Postgres' estimate of log10 of the result
	f, p := leadingDigits(x)
	est := float64(n) * (math.Log10(f) + float64(p))
	if est > 3*math.MaxInt16*4 {
		return exactDec{}, NumericOverflow
	}
	if est+1 < float64(-rscale) {
		return exactDec{new(big.Int), rscale}, nil
	}
	if int64(digits)*abs <= exactPowerDigits {
		num := new(big.Int).Exp(x.Int, big.NewInt(abs), nil)
		p := exactDec{num, x.Scale * int(abs)}
		if n > 0 {
			return roundTo(p, rscale), nil
		}
		return divide(exactDec{big.NewInt(1), 0}, p, rscale)
	}
	neg := x.Int.Sign() < 0 && n%2 != 0
	ax := exactDec{new(big.Int).Abs(x.Int), x.Scale}
	prec := precisionFor(int(math.Max(est, 0)), rscale, max(decExp(x), -decExp(x))+len(strconv.FormatInt(abs, 10)))
	l := new(big.Float).SetPrec(prec).Mul(lnFloat(decFloat(ax, prec), prec), new(big.Float).SetInt64(n))
	r := roundFloat(expFloat(l, prec), rscale)
	if neg {
		r.Int.Neg(r.Int)
	}
	return r, nil
}

// precisionFor is the binary precision that computes a result of decimal
// weight w to scale digits with guard digits, for arguments of extra
// decimal digits of magnitude.
func precisionFor(w, scale, extra int) uint {
	return uint(float64(w+scale+max(extra, 0)+40)*math.Log2(10)) + 64
}

// decFloat is d as a big float of precision prec.
func decFloat(d exactDec, prec uint) *big.Float {
	n := new(big.Float).SetPrec(prec).SetInt(d.Int)
	if d.Scale == 0 {
		return n
	}
	return n.Quo(n, new(big.Float).SetPrec(prec).SetInt(bigPow10(d.Scale)))
}

// roundFloat is f rounded half away from zero to scale decimals.
func roundFloat(f *big.Float, scale int) exactDec {
	prec := f.Prec() + uint(float64(scale)*math.Log2(10)) + 64
	v := new(big.Float).SetPrec(prec).Mul(f, new(big.Float).SetPrec(prec).SetInt(bigPow10(scale)))
	half := big.NewFloat(0.5)
	if v.Sign() < 0 {
		half.Neg(half)
	}
	v.Add(v, half)
	i, _ := v.Int(nil) // truncates toward zero
	return exactDec{i, scale}
}

// expFloat is e^x: the Taylor series of x / 2^k, squared k times.
func expFloat(x *big.Float, prec uint) *big.Float {
	k := max(x.MantExp(nil)+20, 0)
	work := prec + uint(k) + 32
	r := new(big.Float).SetPrec(work).SetMantExp(x, -k)
	sum := new(big.Float).SetPrec(work).SetInt64(1)
	term := new(big.Float).SetPrec(work).SetInt64(1)
	for i := int64(1); ; i++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetInt64(i))
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-int(work) {
			break
		}
		sum.Add(sum, term)
	}
	for range k {
		sum.Mul(sum, sum)
	}
	return sum
}

// lnFloat is ln(x), x > 0: x = m * 2^e, ln(m) from the series of atanh
// after taking square roots of m, and e * ln 2.
func lnFloat(x *big.Float, prec uint) *big.Float {
	const roots = 8
	work := prec + roots + 32
	m := new(big.Float).SetPrec(work)
	e := x.MantExp(m) // m in [0.5, 1)
	for range roots {
		m.Sqrt(m)
	}
	lm := atanhSeries(m, work)
	lm.SetMantExp(lm, roots)
	if e == 0 {
		return lm
	}
	ln2 := atanhSeries(new(big.Float).SetPrec(work).SetInt64(2), work)
	return lm.Add(lm, ln2.Mul(ln2, new(big.Float).SetInt64(int64(e))))
}

// atanhSeries is ln(m) = 2 atanh((m - 1) / (m + 1)).
func atanhSeries(m *big.Float, prec uint) *big.Float {
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	z := new(big.Float).SetPrec(prec).Sub(m, one)
	z.Quo(z, new(big.Float).SetPrec(prec).Add(m, one))
	if z.Sign() == 0 {
		return z
	}
	z2 := new(big.Float).SetPrec(prec).Mul(z, z)
	sum := new(big.Float).SetPrec(prec).Set(z)
	pow := new(big.Float).SetPrec(prec).Set(z)
	for i := int64(3); ; i += 2 {
		pow.Mul(pow, z2)
		term := new(big.Float).SetPrec(prec).Quo(pow, new(big.Float).SetInt64(i))
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-int(prec) {
			break
		}
		sum.Add(sum, term)
	}
	return sum.SetMantExp(sum, 1)
}
