package pgtypes

import "testing"

// TestJSONBKeyOrder: keys sort as PostgreSQL 15 sorts jsonb values
// (ORDER BY of these values there, C collation) and are equal for equal
// values.
func TestJSONBKeyOrder(t *testing.T) {
	// each value sorts before the next in Postgres
	ordered := []string{
		`[]`, `null`, `""`, `"a"`, `"ab"`, `"b"`, `-1e3`, `-10.5`, `-10`, `-2`, `-0.5`, `-0.05`, `0`,
		`0.001`, `0.5`, `1`, `1.5`, `10`, `12`, `1e3`, `false`, `true`,
		`[null]`, `["a"]`, `[1]`, `[true]`, `[[]]`, `[{}]`, `[1, 2]`, `[2, 1]`, `[1, 2, 3]`,
		`{}`, `{"aa": 1}`, `{"b": null}`, `{"b": 1}`, `{"b": [1]}`, `{"b": {}}`, `{"a": 1, "b": 2}`, `{"a": 2, "b": 1}`,
	}
	keys := make([]string, len(ordered))
	for i, v := range ordered {
		k, err := JSONBKey(v)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		keys[i] = k
	}
	for i := 1; i < len(keys); i++ {
		if keys[i-1] >= keys[i] {
			t.Errorf("%s (%s) does not sort before %s (%s)", ordered[i-1], keys[i-1], ordered[i], keys[i])
		}
	}
	for _, eq := range [][2]string{
		{`1.0`, `1`}, {`1e2`, `100`}, {`-0`, `0.00`}, {`0.10`, `1e-1`},
		{`{"a": 1, "b": [1.50, "x"]}`, `{"b":[1.5,"x"],"a":1}`}, {`{"a": 1, "a": 2}`, `{"a": 2}`},
	} {
		a, errA := JSONBKey(eq[0])
		b, errB := JSONBKey(eq[1])
		if errA != nil || errB != nil || a != b {
			t.Errorf("%s and %s: keys %q %q (%v %v), want equal", eq[0], eq[1], a, b, errA, errB)
		}
	}
	for _, bad := range []string{`{`, `[1,]`, `1 2`, ``} {
		if k, err := JSONBKey(bad); err == nil {
			t.Errorf("%q: key %q, want an error", bad, k)
		}
	}
}
