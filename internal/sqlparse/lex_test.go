package sqlparse

import "testing"

func TestSkipToken(t *testing.T) {
	cases := []struct {
		s    string
		i    int
		want int
	}{
		{"'a''b' x", 0, 6},
		{`E'it\'s' x`, 1, 8},
		{`'it\' x`, 0, 5}, // no E: the backslash is a character
		{`"a""b".c`, 0, 6},
		{"-- c\nx", 0, 5},
		{"/* a /* b */ c */x", 0, 17},
		{"$t$ a $ b $t$x", 0, 13},
		{"$1 + 1", 0, 1}, // a parameter is not a tag
		{"x$a$", 1, 2},   // nor a $ inside a word
		{"'open", 0, 5},
		{"/* open", 0, 7},
		{"$$open", 0, 6},
		{"ab", 0, 1},
	}
	for _, c := range cases {
		if got := SkipToken(c.s, c.i); got != c.want {
			t.Errorf("SkipToken(%q, %d) = %d, want %d", c.s, c.i, got, c.want)
		}
	}
}

func TestNamesAndLiterals(t *testing.T) {
	if got := UnquoteIdent(`"My ""T"""`); got != `My "T"` {
		t.Errorf("UnquoteIdent quoted: %q", got)
	}
	if got := UnquoteIdent("MyT"); got != "myt" {
		t.Errorf("UnquoteIdent unquoted: %q", got)
	}
	if got := QuoteIdent(`a"b`); got != `"a""b"` {
		t.Errorf("QuoteIdent: %q", got)
	}
	if got := QuoteLiteral("it's"); got != "'it''s'" {
		t.Errorf("QuoteLiteral: %q", got)
	}
	if v, ok := StringValue("'it''s'"); !ok || v != "it's" {
		t.Errorf("StringValue: %q %v", v, ok)
	}
	if _, ok := StringValue("x"); ok {
		t.Error("StringValue of a word")
	}
}

func TestArrayLiteral(t *testing.T) {
	quote := func(v string) (string, bool) { return QuoteLiteral(v), true }
	cases := []struct{ in, list, rest string }{
		{`{}`, `[]`, ``},
		{`{a, "b c",NULL,{1,2}} x`, `['a', 'b c', NULL, ['1', '2']]`, ` x`},
		{`{"q\"x",'}`, `['q"x', '''']`, ``},
	}
	for _, c := range cases {
		list, rest, ok := ArrayLiteral(c.in, quote)
		if !ok || list != c.list || rest != c.rest {
			t.Errorf("ArrayLiteral(%q) = %q, %q, %v; want %q, %q", c.in, list, rest, ok, c.list, c.rest)
		}
	}
	for _, bad := range []string{`x`, `{a`, `{"a}`, `{a b c`} {
		if _, _, ok := ArrayLiteral(bad, quote); ok {
			t.Errorf("ArrayLiteral(%q) accepted", bad)
		}
	}
	reject := func(v string) (string, bool) { return "", v != "bad" }
	if _, _, ok := ArrayLiteral(`{ok,bad}`, reject); ok {
		t.Error("ArrayLiteral kept an element lit rejected")
	}
}
