package pgtypes

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// Postgres computes a division with a numeric operand and avg, stddev and
// variance of integers and numerics in numeric, to a scale it chooses per
// value (numeric.c, select_div_scale). The engine cannot: for such a
// result column the planner has it compute the exact operands as text
// (planner/pgcatalog, NumericItems) and labels the column numeric;
// NumericText computes the value here, exactly, with Postgres' scale and
// rounding (half away from zero):
//   - "n/d": the quotient of two decimals, to the scale that gives at
//     least 16 significant digits and no fewer decimals than either
//     operand (1000 at most);
//   - "v:KIND:N:sumX:sumX2": var_samp, var_pop, stddev_samp or
//     stddev_pop of N values of those sums: (N*sumX2 - sumX^2) divided by
//     N*(N-1) or N*N, to the scale of that division, and for a standard
//     deviation the square root of it to the same scale; 0 when the
//     numerator is not positive;
//   - a decimal: itself;
//   - any of these followed by "@rN": rounded half away from zero to N
//     places (N < 0: to a power of ten), its scale max(N, 0) (round);
//     by "@t": without trailing fraction zeros (trim_scale).

// numericMinSigDigits, numericMaxScale: select_div_scale's bounds.
const (
	numericMinSigDigits = 16
	numericMaxScale     = 1000
)

// exactDec is an exact decimal value: Int * 10^-Scale.
type exactDec struct {
	Int   *big.Int
	Scale int
}

// parseExactDec reads a decimal (sign, digits, point, and an exponent as
// printf's %g writes one) exactly, as the engine prints the operands of an
// exact division.
func parseExactDec(s string) (exactDec, error) {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	exp := 0
	if m, e, ok := strings.Cut(strings.ToLower(digits), "e"); ok {
		x, err := strconv.Atoi(e)
		if err != nil || x < -1000 || x > 1000 {
			return exactDec{}, fmt.Errorf("pgtypes: not a decimal: %q", s)
		}
		digits, exp = m, x
	}
	ip, fp, _ := strings.Cut(digits, ".")
	if ip+fp == "" || strings.Trim(ip+fp, "0123456789") != "" {
		return exactDec{}, fmt.Errorf("pgtypes: not a decimal: %q", s)
	}
	n, _ := new(big.Int).SetString(ip+fp, 10)
	if neg {
		n.Neg(n)
	}
	scale := len(fp) - exp
	if scale < 0 {
		n.Mul(n, bigPow10(-scale))
		scale = 0
	}
	return exactDec{n, scale}, nil
}

// String writes d with exactly d.Scale decimals.
func (d exactDec) String() string {
	s := new(big.Int).Abs(d.Int).String()
	if d.Scale > 0 {
		if len(s) <= d.Scale {
			s = strings.Repeat("0", d.Scale-len(s)+1) + s
		}
		s = s[:len(s)-d.Scale] + "." + s[len(s)-d.Scale:]
	}
	if d.Int.Sign() < 0 {
		s = "-" + s
	}
	return s
}

func bigPow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// weight is Postgres' weight of d (the power of 10000 of its first
// non-zero base-10000 digit) and that digit; 0, 0 for zero.
func (d exactDec) weight() (int, int64) {
	a := new(big.Int).Abs(d.Int)
	if a.Sign() == 0 {
		return 0, 0
	}
	e := len(a.String()) - 1 - d.Scale // decimal exponent of the first digit
	w := e / 4
	if e < 0 && e%4 != 0 {
		w-- // floor
	}
	shift := d.Scale + 4*w // first = a / 10^shift
	if shift >= 0 {
		a.Quo(a, bigPow10(shift))
	} else {
		a.Mul(a, bigPow10(-shift))
	}
	return w, a.Int64()
}

// divScale is select_div_scale: the scale of n / d.
func divScale(n, d exactDec) int {
	w1, f1 := n.weight()
	w2, f2 := d.weight()
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	r := numericMinSigDigits - qweight*4
	r = max(r, n.Scale, d.Scale, 0)
	return min(r, numericMaxScale)
}

var errDivisionByZero = errors.New("pgtypes: division by zero")

// divide is n / d rounded half away from zero to scale.
func divide(n, d exactDec, scale int) (exactDec, error) {
	if d.Int.Sign() == 0 {
		return exactDec{}, errDivisionByZero
	}
	// n/d = n.Int * 10^d.Scale / (d.Int * 10^n.Scale); times 10^scale
	num := new(big.Int).Mul(n.Int, bigPow10(d.Scale+scale))
	den := new(big.Int).Mul(d.Int, bigPow10(n.Scale))
	return exactDec{roundQuo(num, den), scale}, nil
}

// roundQuo is num / den rounded half away from zero.
func roundQuo(num, den *big.Int) *big.Int {
	neg := num.Sign()*den.Sign() < 0
	a, b := new(big.Int).Abs(num), new(big.Int).Abs(den)
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	if r.Lsh(r, 1).Cmp(b) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q
}

// sqrtRound is the square root of d (not negative) rounded half up to
// scale (at least d's).
func sqrtRound(d exactDec, scale int) exactDec {
	// sqrt(d) * 10^scale = sqrt(d.Int * 10^(2*scale - d.Scale))
	x := new(big.Int).Mul(d.Int, bigPow10(2*scale-d.Scale))
	s := new(big.Int).Sqrt(x)
	// round: sqrt(x) >= s + 1/2 exactly when x > s^2 + s
	t := new(big.Int).Mul(s, s)
	t.Add(t, s)
	if x.Cmp(t) > 0 {
		s.Add(s, big.NewInt(1))
	}
	return exactDec{s, scale}
}

// NumericText is the text of a numeric column's value that the engine
// computed as its exact operands (see above).
func NumericText(s string) (string, error) {
	if base, op, ok := strings.Cut(s, "@"); ok {
		v, err := NumericText(base)
		if err != nil {
			return "", err
		}
		d, err := parseExactDec(v)
		if err != nil {
			return "", err
		}
		switch {
		case op == "t":
			return trimScale(d).String(), nil
		case strings.HasPrefix(op, "r"):
			n, err := strconv.Atoi(op[1:])
			if err != nil {
				return "", fmt.Errorf("pgtypes: round places: %w", err)
			}
			return roundTo(d, n).String(), nil
		}
		return "", fmt.Errorf("pgtypes: not a numeric operation: %q", s)
	}
	if strings.HasPrefix(s, "v:") {
		return varianceText(s)
	}
	ns, ds, ok := strings.Cut(s, "/")
	if !ok {
		d, err := parseExactDec(s)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	}
	n, err := parseExactDec(ns)
	if err != nil {
		return "", err
	}
	d, err := parseExactDec(ds)
	if err != nil {
		return "", err
	}
	q, err := divide(n, d, divScale(n, d))
	if err != nil {
		return "", err
	}
	return q.String(), nil
}

func varianceText(s string) (string, error) {
	f := strings.Split(s, ":")
	if len(f) != 5 {
		return "", fmt.Errorf("pgtypes: not a variance: %q", s)
	}
	kind := f[1]
	count, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return "", fmt.Errorf("pgtypes: variance count: %w", err)
	}
	sx, err := parseExactDec(f[3])
	if err != nil {
		return "", err
	}
	sx2, err := parseExactDec(f[4])
	if err != nil {
		return "", err
	}
	// numerator N*sumX2 - sumX^2 at scale 2*scale(sumX)
	scale := 2 * sx.Scale
	num := new(big.Int).Mul(big.NewInt(count), sx2.Int)
	if e := scale - sx2.Scale; e >= 0 {
		num.Mul(num, bigPow10(e))
	} else {
		num.Quo(num, bigPow10(-e)) // not reached: the engine's x*x has twice x's scale
	}
	num.Sub(num, new(big.Int).Mul(sx.Int, sx.Int))
	if num.Sign() <= 0 {
		return "0", nil
	}
	n := big.NewInt(count)
	den := new(big.Int)
	if strings.HasSuffix(kind, "samp") {
		den.Mul(n, big.NewInt(count-1))
	} else {
		den.Mul(n, n)
	}
	nd, dd := exactDec{num, scale}, exactDec{den, 0}
	r := divScale(nd, dd)
	v, err := divide(nd, dd, r)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(kind, "stddev") {
		v = sqrtRound(v, r)
	}
	return v.String(), nil
}

// numericText is a value of a numeric column the engine computed as text:
// Postgres' text in the text format, the same digits in binary.
type numericText string

func (t numericText) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: string(t), Valid: true}, nil
}

func (t numericText) NumericValue() (pgtype.Numeric, error) {
	d, err := parseExactDec(string(t))
	if err != nil {
		return pgtype.Numeric{}, err
	}
	return pgtype.Numeric{Int: d.Int, Exp: int32(-d.Scale), Valid: true}, nil
}

// numericTextValue reads a value of such a column: its text, or the
// engine's text as it is where it cannot be read (not reached).
func numericTextValue(value func(int) string) func(int) any {
	return func(i int) any {
		t, err := NumericText(value(i))
		if err != nil {
			return value(i)
		}
		return numericText(t)
	}
}

// roundTo is Postgres' round(d, n).
func roundTo(d exactDec, n int) exactDec {
	scale := max(n, 0)
	if n >= d.Scale {
		return exactDec{new(big.Int).Mul(d.Int, bigPow10(scale-d.Scale)), scale}
	}
	// drop d.Scale - n digits, then scale back up for a negative n
	q := roundQuo(d.Int, bigPow10(d.Scale-n))
	if n < 0 {
		q.Mul(q, bigPow10(-n))
	}
	return exactDec{q, scale}
}

// trimScale is d without trailing zeros in its fraction.
func trimScale(d exactDec) exactDec {
	n, ten := new(big.Int).Set(d.Int), big.NewInt(10)
	scale := d.Scale
	m := new(big.Int)
	for scale > 0 {
		q, r := new(big.Int).QuoRem(n, ten, m)
		if r.Sign() != 0 {
			break
		}
		n, scale = q, scale-1
	}
	return exactDec{n, scale}
}
