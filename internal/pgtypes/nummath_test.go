package pgtypes

import (
	"errors"
	"strings"
	"testing"
)

// The answers are PostgreSQL 15's (select exp(1.0), ...).
func TestNumericMathMatchesPostgres(t *testing.T) {
	cases := []struct{ call, want string }{
		{"exp 1.0", "2.7182818284590452"},
		{"exp 100.0", "26881171418161354484126255515800135873611118.8"},
		{"exp 0.00001", "1.0000100000500002"},
		{"exp -12.5", "0.000003726653172078671"},
		{"exp -0.001", "0.9990004998333750"},
		{"ln 10.0", "2.3025850929940457"},
		{"ln 1.0001", "0.00009999500033330834"},
		{"ln 0.5", "-0.6931471805599453"},
		{"ln 123456789.123", "18.631401767164318"},
		{"ln 0.95", "-0.051293294387550533"},
		{"log10 100.0", "2.0000000000000000"},
		{"log10 0.001", "-3.0000000000000000"},
		{"log 2 8", "3.0000000000000000"},
		{"log 10.0 1000.0", "3.0000000000000000"},
		{"log 7.5 0.25", "-0.6880203895603876"},
		{"power 2.0 -1", "0.5000000000000000"},
		{"power 2.0 0.5", "1.4142135623730950"},
		{"power 2.0 100", "1267650600228229401496703205376.0000000000000000"},
		{"power 1.5 3", "3.3750000000000000"},
		{"power 0.0 0.5", "0.0000000000000000"},
		{"power 0.0 0", "1.0000000000000000"},
		{"power 2.0 3.00000000000000000000", "8.0000000000000000"},
		{"power 1.0001 100000", "22015.4560485521986457"},
		{"power -2.0 3", "-8.0000000000000000"},
		{"power -1.5 -3", "-0.2962962962962963"},
		{"power 3.7 2.5", "26.333240780428071"},
		{"power 0.5 -3.5", "11.313708498984760"},
		{"power 1.01 1000.5", "21063.690728374197"},
		{"sqrt 2.0", "1.414213562373095"},
		{"sqrt 16.00", "4.000000000000000"},
		{"sqrt 0.0000000001", "0.000010000000000000000"},
		{"sqrt 12345678901234567890.12", "3513641828.8201443"},
		// extremes: a large integer power by logarithms, a large exact
		// one, the engine's widest decimals
		{"power 1.0000001 1000000000", "26881037012649238105056003014775037465638377.7515747256270721"},
		{"power 12345678901234567890.123456 3", "1881676372353657772546715679821472637094211345624460997308.9943238854152028"},
		{"power 0.99 -500", "152.1958117150094617"},
		{"ln 0.00000000000000000000000000000000000001", "-87.49823353377373599268367527800583988884"},
		{"exp -45.5", "0.00000000000000000001736205283100295"},
		{"power 2.5 -0.75", "0.5029733718731742"},
		{"log 0.5 0.25", "2.0000000000000000"},
		{"sqrt 99999999999999999999999999999999999999", "10000000000000000000"},
	}
	for _, c := range cases {
		f := strings.Fields(c.call)
		got, err := NumericMath(f[0], f[1:])
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.call, got, err, c.want)
		}
	}
}

func TestNumericMathErrors(t *testing.T) {
	for call, want := range map[string]string{
		"ln 0":        "cannot take logarithm of zero",
		"log 10 -1.5": "cannot take logarithm of a negative number",
		"log 1 5":     "division by zero",
		"power 0 -1":  "zero raised to a negative power is undefined",
		"power -2 .5": "a negative number raised to a non-integer power yields a complex result",
		"exp 7000":    "value overflows numeric format",
		"sqrt -1":     "cannot take square root of a negative number",
		"exp 1 2":     "numeric exp of 2 arguments",
		"exp x":       "not a decimal",
	} {
		f := strings.Fields(call)
		_, err := NumericMath(f[0], f[1:])
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", call, err, want)
		}
	}
	if _, err := NumericMath("exp", []string{"7000"}); !errors.Is(err, NumericOverflow) {
		t.Errorf("exp(7000): %v, want NumericOverflow", err)
	}
	if got, err := NumericMath("exp", []string{"-7000.0"}); err != nil || got != "0."+strings.Repeat("0", 1000) {
		t.Errorf("exp(-7000.0) = %.20q, %v; want zero to 1000 places", got, err)
	}
}
