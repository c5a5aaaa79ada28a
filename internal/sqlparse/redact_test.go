package sqlparse

import (
	"strings"
	"testing"
)

func TestRedactLiterals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{`select 'a''b', 42, 1.5e-3, 0x1F, 1_000 from t1 where c = $1`, `select ?, ?, ?, ?, ? from t1 where c = $1`},
		{`select E'x\'y' || $$z$$ || $q$w$q$`, `select E? || ? || ?`},
		{`select "Col 1" from t -- note 123` + "\nwhere x /* 456 */ = 'v'", `select "Col 1" from t --?` + "\nwhere x /*?*/ = ?"},
		{`select 'unterminated 789`, `select ?`},
	} {
		if got := RedactLiterals(c.in); got != c.want {
			t.Errorf("RedactLiterals(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestLiterals(t *testing.T) {
	t.Parallel()
	got := strings.Join(Literals(`select 'O''Brien', E'a\'b', $t$dollar$t$, 12.5, "ident", t1 -- 'comment'`), "|")
	if want := `O'Brien|a\'b|a'b|dollar|12.5`; got != want {
		t.Errorf("Literals = %q, want %q", got, want)
	}
}

func TestRedactMessage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{`Could not convert string 'SSN-123-45-6789' to INT32`, `Could not convert string ? to INT32`},
		{`Could not convert string 'O'Brien' to INT64`, `Could not convert string ? to INT64`},
		{`Type INT64 with value 99999999999 can't be cast`, `Type INT64 with value ? can't be cast`},
		{`Referenced column "mail" not found! Candidate bindings: "id"`, `Referenced column ? not found! Candidate bindings: ?`},
		{`Malformed JSON at byte 0 of input: invalid literal.  Input: pin 8731 x`, `Malformed JSON at byte ? of input: invalid literal.  Input: pin ? x`},
		{`unterminated quoted string at or near "'abc`, `unterminated quoted string at or near ?`},
	} {
		if got := RedactMessage(c.in); got != c.want {
			t.Errorf("RedactMessage(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	// The statement's literals go wherever they appear, quoted or not.
	msg := "Could not parse string \"abc-secret\" according to format\nabc-secret\n^"
	if got := RedactMessage(msg, Literals(`select strptime('abc-secret', '%Y')`)...); strings.Contains(got, "secret") {
		t.Errorf("literal kept: %q", got)
	}
}
