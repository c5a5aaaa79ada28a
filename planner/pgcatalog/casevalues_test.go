package pgcatalog

import (
	"slices"
	"testing"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// TestBranchSpans: the branches of a CASE and of coalesce's arguments as
// the text delimits them, nested CASEs, parentheses and strings within.
func TestBranchSpans(t *testing.T) {
	t.Parallel()
	spansOf := func(sql string, spans [][2]int) []string {
		var out []string
		for _, sp := range spans {
			out = append(out, sql[sp[0]:sp[1]])
		}
		return out
	}
	for _, tc := range []struct {
		sql, rest string // rest: the text after the expression
		want      []string
	}{
		{"CASE WHEN a > 1 THEN a ELSE 2 END, b", ", b", []string{"a", "2"}},
		{"case x when 1 then 1.0 when 2 then (2.50) end from t", " from t", []string{"1.0", "(2.50)"}},
		{"case when a then case when b then 1 else 2 end else f(x, ')end') end", "", []string{"case when b then 1 else 2 end", "f(x, ')end')"}},
		{"case when a then 1", "", nil},
	} {
		spans, end := caseSpans(sqlparse.Tokens(tc.sql, 0))
		if got := spansOf(tc.sql, spans); !slices.Equal(got, tc.want) || tc.want != nil && tc.sql[end:] != tc.rest || tc.want == nil && end != -1 {
			t.Errorf("%s: %q, end %d; want %q", tc.sql, got, end, tc.want)
		}
	}
	for _, tc := range []struct {
		sql, rest string
		want      []string
	}{
		{"( sum(a) , 0 ) as x", " as x", []string{"sum(a)", "0"}},
		{"(a, b[1], (c, d)::t, 'x,y')", "", []string{"a", "b[1]", "(c, d)::t", "'x,y'"}},
		{"(a, b", "", nil},
	} {
		toks := sqlparse.Tokens(tc.sql, 0)
		spans, end := argSpans(toks)
		if got := spansOf(tc.sql, spans); !slices.Equal(got, tc.want) || tc.want != nil && tc.sql[end:] != tc.rest || tc.want == nil && end != -1 {
			t.Errorf("%s: %q, end %d; want %q", tc.sql, got, end, tc.want)
		}
	}
}
