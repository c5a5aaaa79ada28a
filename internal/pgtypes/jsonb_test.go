package pgtypes

import "testing"

func TestJSONBText(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"b": 1, "a": 2}`, `{"a": 2, "b": 1}`},
		// shorter keys first, the last of duplicate keys, numbers without exponents
		{`{"bb":[1,{"y":2,"x":1e2}],"c":"q\"\u0001é","a":null,"a":2.50}`, `{"a": 2.50, "c": "q\"\u0001é", "bb": [1, {"x": 100, "y": 2}]}`},
		{`[]`, `[]`}, {`{}`, `{}`}, {`"x"`, `"x"`}, {`-1.5E-3`, `-0.0015`}, {`true`, `true`}, {`null`, `null`},
	}
	for _, c := range cases {
		got, err := JSONBText(c.in)
		if err != nil || got != c.want {
			t.Errorf("JSONBText(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	if _, err := JSONBText(`[1, 2`); err == nil {
		t.Error("JSONBText of broken JSON: no error")
	}
}
