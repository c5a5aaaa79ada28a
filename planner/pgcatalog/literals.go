package pgcatalog

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Constants Postgres reads otherwise than the engine:
//   - a number with an exponent (1e3, 2.5E-2) is numeric in Postgres,
//     with the digits it writes (1000, 0.025); the engine reads a double.
//     It becomes a cast of its text to the decimal that holds those
//     digits; one that needs more than the engine's 38 digits (1e300)
//     fails (0A000) rather than be a double. Followed by a cast to a
//     float type it is left as it is (the same value either way).
//   - a timestamp constant with more than six decimals of a second is
//     rounded to microseconds in Postgres, truncated by the engine: the
//     text is rounded here (half to even, as Postgres' rint); a rounding
//     that carries into the seconds fails (0A000).

// NumericType is the engine decimal type that holds a numeric constant's
// digits as Postgres keeps them, or false for input that is not a plain
// decimal number (NaN, Infinity, garbage). Past 38 digits the precision
// is capped at 38 (a cast then fails as out of range).
func NumericType(val string) (string, bool) {
	prec, scale, ok := numericDigits(val)
	if !ok {
		return "", false
	}
	if prec > 38 {
		prec, scale = 38, min(scale, 38)
	}
	return fmt.Sprintf("DECIMAL(%d,%d)", prec, scale), true
}

// numericDigits returns the precision and scale Postgres' numeric gives
// the text of a decimal number.
func numericDigits(val string) (prec, scale int, ok bool) {
	s := strings.TrimSpace(val)
	s = strings.TrimLeft(s, "+-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return 0, 0, false
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) || exp > 1000 || exp < -1000 {
		return 0, 0, false
	}
	scale = max(len(frac)-exp, 0)
	digits := strings.TrimLeft(intPart+frac, "0")
	intDigits := max(len(digits)-len(frac)+exp, 0)
	return max(intDigits+scale, 1), scale, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// floatTypes are the type names a cast to a float may spell.
var floatTypes = map[string]bool{"float": true, "float4": true, "float8": true, "real": true, "double": true}

// exponentConstant renders the number with an exponent at in[i], unless
// a cast to a float follows it.
func exponentConstant(in []piece, i int, next func(int) int) (string, bool) {
	v := in[i].text
	if !strings.ContainsAny(v, "eE") || strings.HasPrefix(v, "$") {
		return "", false
	}
	if c := next(i + 1); c < len(in) && in[c].text == "::" {
		if t := next(c + 1); t < len(in) && floatTypes[in[t].identName()] {
			return "", false
		}
	}
	prec, scale, ok := numericDigits(v)
	if !ok {
		return "", false
	}
	if prec > 38 {
		return "lakegate_numeric_constant(CAST(error('" + NumericConstant + "') AS DECIMAL(38,0)))", true
	}
	return fmt.Sprintf("lakegate_numeric_constant(CAST(%s AS DECIMAL(%d,%d)))", sqlparse.QuoteLiteral(plainDecimal(v)), prec, scale), true
}

// plainDecimal writes a number with an exponent (numericDigits read it)
// without one: 1.5e2 -> 150, 1e-3 -> 0.001.
func plainDecimal(v string) string {
	sign := ""
	if strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+") {
		sign, v = strings.TrimPrefix(v[:1], "+"), v[1:]
	}
	i := strings.IndexAny(v, "eE")
	exp, _ := strconv.Atoi(v[i+1:])
	intPart, frac, _ := strings.Cut(v[:i], ".")
	digits, point := intPart+frac, len(intPart)+exp
	switch {
	case point <= 0:
		digits, point = strings.Repeat("0", 1-point)+digits, 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	out := digits[:point]
	if point < len(digits) {
		out += "." + digits[point:]
	}
	return sign + out
}

// timestampTypes are the type names of a timestamp constant.
var timestampTypes = map[string]bool{"timestamp": true, "timestamptz": true}

// timestampConstant reports whether the string at in[i] is a timestamp
// constant: timestamp '...', timestamp with time zone '...', '...'::timestamp.
func timestampConstant(in []piece, i int, prev *piece, next func(int) int) bool {
	if prev != nil && prev.kind == 'w' {
		switch prev.identName() {
		case "timestamp", "timestamptz":
			return true
		case "zone":
			return true // with/without time zone: a time zone constant has no fraction
		}
	}
	c := next(i + 1)
	if c >= len(in) || in[c].text != "::" {
		return false
	}
	t := next(c + 1)
	if t < len(in) && in[t].identName() == "pg_catalog" {
		if d := next(t + 1); d < len(in) && in[d].text == "." {
			t = next(d + 1)
		}
	}
	return t < len(in) && timestampTypes[in[t].identName()]
}

// roundMicros rounds the fraction of a second in the string constant lit
// to six digits; it returns the new constant, or "" when the rounding
// carries into the seconds.
func roundMicros(lit string) (string, bool) {
	v, ok := sqlparse.StringValue(lit)
	if !ok {
		return "", false
	}
	for i := 0; i+8 < len(v); i++ {
		if !(isDigit(v[i]) && isDigit(v[i+1]) && v[i+2] == ':' && isDigit(v[i+3]) && isDigit(v[i+4]) && v[i+5] == ':' &&
			isDigit(v[i+6]) && isDigit(v[i+7]) && v[i+8] == '.') {
			continue
		}
		f := i + 9
		e := f
		for e < len(v) && isDigit(v[e]) {
			e++
		}
		if e-f <= 6 {
			return "", false
		}
		micros, rest := []byte(v[f:f+6]), v[f+6:e]
		up := rest[0] > '5' || rest[0] == '5' && (strings.Trim(rest[1:], "0") != "" || (micros[5]-'0')%2 == 1)
		if up {
			k := 5
			for k >= 0 && micros[k] == '9' {
				micros[k] = '0'
				k--
			}
			if k < 0 {
				return "", true // carries into the seconds
			}
			micros[k]++
		}
		return sqlparse.QuoteLiteral(v[:f] + string(micros) + v[e:]), true
	}
	return "", false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
