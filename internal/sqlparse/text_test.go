package sqlparse

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"select 1", []string{"select 1"}},
		{"select 1; select 2;", []string{"select 1", "select 2"}},
		{"select ';' as a; select 2", []string{"select ';' as a", "select 2"}},
		{`select "a;b" from t`, []string{`select "a;b" from t`}},
		{"select $$a;b$$; select $tag$ x;$ $tag$", []string{"select $$a;b$$", "select $tag$ x;$ $tag$"}},
		{"select $1; select $2", []string{"select $1", "select $2"}},
		{"-- only a comment", nil},
		{"/* a; /* nested; */ b; */ select 1", []string{"/* a; /* nested; */ b; */ select 1"}},
		{"select E'it\\'s;' ; select 2", []string{"select E'it\\'s;'", "select 2"}},
		{"select 'it''s;'", []string{"select 'it''s;'"}},
		{"select 1 -- trailing; comment\n; select 2", []string{"select 1 -- trailing; comment", "select 2"}},
		{" ; ;  ", nil},
	}
	for _, c := range cases {
		if got := Split(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLeadingKeywords(t *testing.T) {
	if got := LeadingKeywords("/* x */ -- y\n  select 1", 2); !reflect.DeepEqual(got, []string{"SELECT", "1"}) {
		t.Fatalf("got %q", got)
	}
}

// FuzzSplit checks that splitting never loses or invents non-separator
// text, gives no blank or untrimmed statement, is stable on its own
// output, and that redaction and literal finding return on any text (the
// suite's short fuzz run covers the statement splitter with this target).
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"select 1; select 2", "select ';'", "$$;$$", "/* ; */", "E'\\';'", `"";`,
		"select 'a''b'; select $t$ ; $t$", "-- c ;\nselect 1", "'unterminated; select 2", "/* a /* b */ ; */ x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := Split(s)
		for _, p := range parts {
			if Blank(p) || p != strings.TrimSpace(p) {
				t.Fatalf("Split(%q) gave a blank or untrimmed statement %q", s, p)
			}
			if !strings.Contains(s, p) {
				t.Fatalf("statement %q not in input %q", p, s)
			}
			if again := Split(p); len(again) != 1 || again[0] != p {
				t.Fatalf("Split is not stable on its own output %q: %q", p, again)
			}
		}
		// Redacting is not idempotent ("0$$" -> "?$$" starts a dollar
		// quote the first text did not have), so only totality is checked.
		_ = RedactLiterals(s)
		_ = RedactMessage(s, Literals(s)...)
	})
}
