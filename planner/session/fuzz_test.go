package session

import (
	"strings"
	"testing"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Fuzz targets for the code that reads SQL text before the engine does
// (issue 13): the statement splitter, the redactor, the planner's views of
// internal/sqlparse's one lexer (the lexer itself is fuzzed there, FuzzLex;
// the catalog rewrite in planner/pgcatalog; the write parser in
// planner/write).
// Client text reaches all of them; none may panic, and each keeps the
// invariants below. `go test -fuzz` seeds come from
// fuzzSeeds and testdata/fuzz/<target>/; scripts/fuzz.sh runs them.

var fuzzSeeds = []string{
	"select 1; select 2",
	"select 'a;b', \"x;y\", $$c;d$$, $t$e;f$t$ -- g;h\n; /* i; /* j */ k; */ select 3",
	"E'it\\'s; here'; select e'\\\\'",
	"insert into payments.w (id, v) values (1, 'a'), (2, default) returning id",
	"with d as (delete from t where x = 1 returning *) insert into u select * from d",
	"update s.t set (a, b) = (1, 2), c = c + 1 from u where u.id = t.id",
	"create table if not exists s.t (a bigint not null, b numeric(12,2), c text[]) with (partitioning = 'day(c), bucket(4, a)')",
	"alter table s.t add column if not exists d int, rename column a to b, alter column b type bigint",
	"comment on column s.t.c is 'it''s'",
	"call lakegate.expire_snapshots('payments.w', older_than => interval '1 day', retain_last := 2)",
	"select $1::int, 1.5e-3, .5, 0x1f, 'x'::regclass, array[1,2] @> '{1}'",
	"'unterminated", "\"unterminated", "$$unterminated", "/* unterminated", "$1$", "e'\\",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

// FuzzStatementText checks the splitter, the redactor, literal and
// parameter finding and the planner's token views on any text.
func FuzzStatementText(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, sql string) {
		parts := sqlparse.Split(sql)
		for _, p := range parts {
			if sqlparse.Blank(p) || p != strings.TrimSpace(p) {
				t.Fatalf("Split(%q) gave a blank or untrimmed statement %q", sql, p)
			}
			if again := sqlparse.Split(p); len(again) != 1 || again[0] != p {
				t.Fatalf("Split is not stable on its own output %q: %q", p, again)
			}
		}
		// Redacting is not idempotent ("0$$" -> "?$$" starts a dollar
		// quote the first text did not have), so only totality is checked.
		_ = sqlparse.RedactLiterals(sql)
		_ = sqlparse.Literals(sql)
		if got := substituteParams(sql, nil); got != sql {
			t.Fatalf("substituteParams(%q) with no values changed it to %q", sql, got)
		}
		_ = maxParam(sql)
		_ = sqlparse.TokenTexts(sql, 0)
		_ = sqlparse.LeadingKeywords(sql, 4)
		ts := newTokScan(sql)
		for !ts.done() {
			ts.next()
		}
	})
}
