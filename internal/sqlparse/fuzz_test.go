package sqlparse

import (
	"strings"
	"testing"
)

// FuzzLex checks the lexer on any text: no panic, the tokens cover the
// input exactly and in order (each token's text is its span, each starts
// where the one before ended, none is empty), Tokens is Lex without white
// space and comments, and a cursor walks those same tokens to the end.
// Seeds: testdata/fuzz/FuzzLex; scripts/fuzz.sh runs it.
func FuzzLex(f *testing.F) {
	f.Add("select 'a;b', \"x\"\"y\", $$c;d$$, E'\\'' -- e\n/* f /* g */ */ 1.5e-3::int, $1")
	f.Fuzz(func(t *testing.T, s string) {
		toks := Lex(s)
		var b strings.Builder
		end := 0
		var sig []Token
		for _, tk := range toks {
			if tk.Pos != end || tk.End <= tk.Pos || tk.End > len(s) || s[tk.Pos:tk.End] != tk.Text {
				t.Fatalf("Lex(%q): token %+v does not follow offset %d", s, tk, end)
			}
			if tk.Kind > Punct {
				t.Fatalf("Lex(%q): token %+v of no kind", s, tk)
			}
			b.WriteString(tk.Text)
			end = tk.End
			if tk.Significant() {
				sig = append(sig, tk)
			}
		}
		if b.String() != s {
			t.Fatalf("Lex(%q): tokens put together are %q", s, b.String())
		}
		got := Tokens(s, 0)
		if len(got) != len(sig) {
			t.Fatalf("Tokens(%q): %d tokens, Lex has %d significant", s, len(got), len(sig))
		}
		for i := range got {
			if got[i] != sig[i] {
				t.Fatalf("Tokens(%q)[%d] = %+v, Lex has %+v", s, i, got[i], sig[i])
			}
		}
		c := NewCursor(s)
		for i := 0; !c.Done(); i++ {
			if c.Pos() != sig[i].Pos || c.Next() != sig[i] {
				t.Fatalf("cursor on %q: token %d is not Lex's %+v", s, i, sig[i])
			}
		}
		if c.Rest() != "" || c.Pos() != len(s) || c.Near() != "" {
			t.Fatalf("cursor on %q: not at the end after the last token", s)
		}
	})
}
