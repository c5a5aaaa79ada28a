package server_test

import (
	"strings"
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestCatalogStatementsMatchPostgres: a statement naming a system catalog
// relation without its schema (its text is rewritten to the emulation's)
// gets the same float checks and numeric results as one naming it with
// its schema: float overflow of + and - fails with 22003, a float
// concatenated to text is written as Postgres writes it, a numeric
// quotient is numeric with Postgres' scale, one inside an expression
// fails with 0A000 (README). Each statement runs on PostgreSQL 15 as
// written, which has the same relations, and on lakegate unqualified and
// qualified; the catalog relation is named before the checked expression
// too (a subquery in the select list), where the rewrite moves it.
func TestCatalogStatementsMatchPostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc, lc := openScriptConn(t, pg.DSN), openScriptConn(t, g.dsn(""))
	const one = ` from pg_namespace where nspname = 'pg_catalog'`
	const before = `select (select count(*) from pg_class where relname = 'no such'), `
	for _, tc := range []struct {
		sql     string
		refused bool // lakegate fails with 0A000 where Postgres answers
	}{
		{sql: `select 1e308::float8 + 1e308::float8` + one},
		{sql: `select -1e308::float8 - 1e308::float8, 1` + one},
		{sql: `select 1e308::float8 * 10` + one},
		{sql: `select 'a' || 1::float8, 'b' || 3::float8 / 2, upper(nspname) || 2.5::float8` + one},
		{sql: `select 5 / 2.0, round(7 / 3.0, 3)` + one},
		{sql: `select (5 / 2.0) * 2` + one, refused: true},
		{sql: `select array[1, 2] || 3` + one},
		{sql: `select x + y from (values (1e308::float8, 1e308::float8)) t(x, y) where exists (select 1 from pg_type)`},
		{sql: before + `1e308::float8 + 1e308::float8` + one},
		{sql: before + `'a' || 1::float8, 7 / 2.0` + one},
		{sql: before + `(7 / 2.0) * 2` + one, refused: true},
		{sql: `select sum(x) from (values (1e308::float8), (1e308::float8)) t(x), pg_namespace where nspname = 'pg_catalog'`},
	} {
		want := runCorpusCase(pc.c, tc.sql)
		if tc.refused {
			if want.state != "" {
				t.Fatalf("%s: postgres %s, want an answer", tc.sql, want)
			}
			want = corpusAnswer{state: "0A000"}
		}
		qualified := strings.NewReplacer(" pg_namespace ", " pg_catalog.pg_namespace ", " pg_class ", " pg_catalog.pg_class ",
			" pg_type)", " pg_catalog.pg_type)").Replace(tc.sql)
		for _, sql := range []string{tc.sql, qualified} {
			if got := runCorpusCase(lc.c, sql); got != want {
				t.Errorf("%s\n  lakegate %s\n  want     %s", sql, got, want)
			}
		}
	}
}
