package pgtypes

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

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

// MaxNumericDigits is the most digits a numeric parameter value may have:
// the engine's widest DECIMAL holds 38.
const MaxNumericDigits = 38

// Errors of NumericParam, for the caller to map.
var (
	// ErrNumericSyntax: the text is not a numeric value (Postgres: 22P02).
	ErrNumericSyntax = errors.New("invalid input syntax for type numeric")
	// ErrNumericSpecial: NaN or an infinity, which the engine's DECIMAL
	// does not hold.
	ErrNumericSpecial = errors.New("numeric NaN and infinity")
	// ErrNumericWide: more than MaxNumericDigits digits.
	ErrNumericWide = errors.New("numeric value with more digits than the engine holds")
)

// NumericParam reads a parameter value sent as text the way Postgres'
// numeric input does (spaces around, a sign, digits with a point,
// an exponent) and returns it written out in plain digits, with the
// precision and scale that hold it exactly: Postgres keeps a numeric
// parameter's own scale (its display scale: the digits after the point as
// written, trailing zeros too, less the exponent), so '1.50' is
// numeric(3,2) and '1.5e-3' numeric(4,4) with text 0.0015. Errors:
// ErrNumericSyntax, ErrNumericSpecial, ErrNumericWide (wrapped).
func NumericParam(v string) (text string, precision, scale int, err error) {
	s := strings.TrimSpace(v)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	switch strings.ToLower(s) {
	case "nan", "infinity", "inf":
		return "", 0, 0, fmt.Errorf("%w: %q", ErrNumericSpecial, v)
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e := s[i+1:]
		if e != "" && (e[0] == '+' || e[0] == '-') {
			e = e[1:]
		}
		// Postgres refuses exponents past 1000 (22P02 too); more than
		// four digits would not fit the engine anyway.
		if e == "" || len(e) > 4 || strings.Trim(e, "0123456789") != "" {
			return "", 0, 0, fmt.Errorf("%w: %q", ErrNumericSyntax, v)
		}
		exp, _ = strconv.Atoi(s[i+1:])
		if exp > 1000 || exp < -1000 {
			return "", 0, 0, fmt.Errorf("%w: %q", ErrNumericSyntax, v)
		}
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole+frac == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return "", 0, 0, fmt.Errorf("%w: %q", ErrNumericSyntax, v)
	}
	// The point moves by the exponent; the display scale is what is left
	// after it, never negative.
	digits, point := whole+frac, len(whole)+exp
	scale = max(0, len(frac)-exp)
	switch {
	case point <= 0:
		whole, frac = "", strings.Repeat("0", -point)+digits
	case point >= len(digits):
		whole, frac = digits+strings.Repeat("0", point-len(digits)), ""
	default:
		whole, frac = digits[:point], digits[point:]
	}
	frac += strings.Repeat("0", scale-len(frac))
	whole = strings.TrimLeft(whole, "0")
	precision = max(1, len(whole)+scale)
	if precision > MaxNumericDigits {
		return "", 0, 0, fmt.Errorf("%w: %q has %d digits, at most %d fit", ErrNumericWide, v, len(whole)+scale, MaxNumericDigits)
	}
	var b strings.Builder
	if neg && strings.Trim(whole+frac, "0") != "" {
		b.WriteByte('-')
	}
	if whole == "" {
		whole = "0"
	}
	b.WriteString(whole)
	if scale > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String(), precision, scale, nil
}
