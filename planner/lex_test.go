package planner

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
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
		if got := SplitStatements(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SplitStatements(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLeadingKeywords(t *testing.T) {
	if got := LeadingKeywords("/* x */ -- y\n  select 1", 2); !reflect.DeepEqual(got, []string{"SELECT", "1"}) {
		t.Fatalf("got %q", got)
	}
}

// FuzzSplitStatements checks that splitting never loses or invents
// non-separator text and never panics.
func FuzzSplitStatements(f *testing.F) {
	for _, s := range []string{"select 1; select 2", "select ';'", "$$;$$", "/* ; */", "E'\\';'", `"";`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := SplitStatements(s)
		for _, p := range parts {
			if strings.TrimSpace(p) == "" {
				t.Fatalf("empty statement from %q", s)
			}
			if !strings.Contains(s, p) {
				t.Fatalf("statement %q not in input %q", p, s)
			}
		}
	})
}
