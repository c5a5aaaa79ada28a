package sqlparse

import (
	"fmt"
	"strings"
	"testing"
)

// lexed renders the significant tokens as kind:text, space separated.
func lexed(s string) string {
	var out []string
	for _, t := range Tokens(s, 0) {
		out = append(out, fmt.Sprintf("%s:%s", t.Kind, t.Text))
	}
	return strings.Join(out, " ")
}

func TestLexKinds(t *testing.T) {
	cases := []struct{ in, want string }{
		{`E'\''`, `string:E'\''`},
		{`e'a\\' x`, `string:e'a\\' word:x`},
		{`'it''s' x`, `string:'it''s' word:x`},
		{`'it\' x`, `string:'it\' word:x`}, // no E: the backslash is a character
		{`$tag$ a $x$ 'b' $tag$ y`, `string:$tag$ a $x$ 'b' $tag$ word:y`},
		{`$$a$$`, `string:$$a$$`},
		{`/* /* nested */ */ x`, `word:x`},
		{`"a""b".c`, `quoted identifier:"a""b" punctuation:. word:c`},
		{`1.5e3 1.5e-3 0x1F 1_000 42`, `number:1.5e3 number:1.5e-3 number:0x1F number:1_000 number:42`},
		{`.5`, `punctuation:. number:5`},
		{`$1 + $23`, `parameter:$1 operator:+ parameter:$23`},
		{`$1a`, `punctuation:$ number:1a`}, // not a parameter, not a tag
		{`1$2`, `number:1 punctuation:$ number:2`},
		{`a$b$ c`, `word:a$b$ word:c`}, // $ continues a word
		{`x::int[]`, `word:x operator::: word:int punctuation:[ punctuation:]`},
		{`a<>b`, `word:a operator:< operator:> word:b`},
		{`f(a => 1, b := 2);`, `word:f punctuation:( word:a operator:= operator:> number:1 punctuation:, word:b punctuation:: operator:= number:2 punctuation:) punctuation:;`},
		{`select 1 -- end`, `word:select number:1`},
		{`select 1 /* end */`, `word:select number:1`},
		{`typE'x'`, `word:typE string:'x'`},
		{"\u00a0a b\u00a0c", "word:a word:b\u00a0c"}, // a Unicode space separates only between tokens
		{`'open`, `string:'open`},
		{`"open`, `quoted identifier:"open`},
		{`$q$open`, `string:$q$open`},
		{`E'open\'`, `string:E'open\'`},
		{``, ``},
	}
	for _, c := range cases {
		if got := lexed(c.in); got != c.want {
			t.Errorf("Tokens(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestLexCoversComments(t *testing.T) {
	cases := []struct {
		in    string
		kinds []Kind
	}{
		{"x -- c", []Kind{Word, Space, Comment}},
		{"x -- c\ny", []Kind{Word, Space, Comment, Word}},
		{"/* a /* b */ c */x", []Kind{Comment, Word}},
		{"/* open /* */", []Kind{Comment}},
		{" \t\n x", []Kind{Space, Word}},
	}
	for _, c := range cases {
		toks := Lex(c.in)
		var kinds []Kind
		var b strings.Builder
		for _, tk := range toks {
			kinds = append(kinds, tk.Kind)
			b.WriteString(tk.Text)
		}
		if fmt.Sprint(kinds) != fmt.Sprint(c.kinds) || b.String() != c.in {
			t.Errorf("Lex(%q) = %v (text %q), want kinds %v", c.in, toks, b.String(), c.kinds)
		}
	}
	if !Blank(" -- only\n/* comments */ ") || Blank("/* c */ x") {
		t.Error("Blank")
	}
	if got := Tokens("a b c", 2); len(got) != 2 || got[1].Text != "b" {
		t.Errorf("Tokens with a maximum: %v", got)
	}
}

func TestCursor(t *testing.T) {
	c := NewCursor("  set /* c */ Local x TO 'a b', $1; ")
	if c.Pos() != 2 || c.PeekUpper(0) != "SET" || c.PeekUpper(2) != "X" {
		t.Fatalf("at the start: pos %d, %q %q", c.Pos(), c.PeekUpper(0), c.PeekUpper(2))
	}
	if c.Accept("SET", "SESSION") || c.Index() != 0 {
		t.Fatal("Accept consumed words that did not all come")
	}
	if !c.Accept("SET", "LOCAL") || c.PeekText() != "x" {
		t.Fatalf("Accept SET LOCAL: next %q", c.PeekText())
	}
	if got := c.Rest(); got != "x TO 'a b', $1; " {
		t.Fatalf("Rest: %q", got)
	}
	save := c.Index()
	if tk := c.Next(); tk.Kind != Word || tk.Text != "x" || tk.Pos != 20 {
		t.Fatalf("Next: %+v", tk)
	}
	if c.Expect("to", "nope") || c.Near() != "'a b'" || c.Pos() != 25 {
		t.Fatalf("Expect stopped at %q (pos %d)", c.Near(), c.Pos())
	}
	if tk := c.Next(); tk.Kind != String {
		t.Fatalf("string: %+v", tk)
	}
	c.Next()
	if tk := c.Next(); tk.Kind != Param || tk.Text != "$1" {
		t.Fatalf("parameter: %+v", tk)
	}
	if !c.Expect(";") || !c.Done() || c.Near() != "" || c.Pos() != len(c.Src()) || c.Rest() != "" {
		t.Fatalf("at the end: done %v near %q pos %d", c.Done(), c.Near(), c.Pos())
	}
	if tk := c.Next(); tk.Text != "" || c.Index() != c.Len() {
		t.Fatalf("Next past the end: %+v", tk)
	}
	c.Seek(save)
	if c.PeekText() != "x" || c.At(c.Index()-1).Text != "Local" {
		t.Fatalf("Seek back: %q", c.PeekText())
	}
	c.Seek(99)
	if !c.Done() {
		t.Fatal("Seek past the end")
	}
}

func TestClosingParen(t *testing.T) {
	toks := Tokens("f(a, (b), ')') + (c", 0)
	if got := ClosingParen(toks, 1); got != 9 || toks[got].Text != ")" {
		t.Fatalf("ClosingParen(f(...)) = %d", got)
	}
	if got := ClosingParen(toks, 11); got != -1 {
		t.Fatalf("unclosed ( gave %d", got)
	}
	if got := ClosingParen(toks, 0); got != -1 {
		t.Fatalf("a word gave %d", got)
	}
}
