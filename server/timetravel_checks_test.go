package server_test

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestTimeTravelMatchesPostgres: a statement reading a table at a
// snapshot (AT (VERSION => ...)) or its changes (lakegate.table_changes)
// gets the same Postgres answers as one reading the table now: float
// overflow of + and - fails with 22003, a float concatenated to text is
// written as Postgres writes it, a numeric quotient is numeric with
// Postgres' scale, and one inside an expression fails with 0A000 (README);
// a float4 beside a numeric is float8, array || appends. (jsonb's || merges
// there too, but its column is labelled json: README, differences.)
// Each expression is compared with PostgreSQL 15 computing it over the
// same row (the inserted bounce's id).
func TestTimeTravelMatchesPostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := startGW(t, gwOptions{policy: changesPolicy(), threads: 1})
	ctx := context.Background()
	bounces := demo.Tables[2]
	before := currentSnapshot(t, g, bounces)
	if _, err := g.as(t, "comms_svc").Exec(ctx, `insert into comms.bounces values (500001, 7, 'email', 'full', '2026-12-01 00:00:00+00')`); err != nil {
		t.Fatal(err)
	}
	after := currentSnapshot(t, g, bounces)
	host, port, _ := net.SplitHostPort(g.addr)
	pc := openScriptConn(t, pg.DSN)
	lc := openScriptConn(t, fmt.Sprintf("postgres://comms_svc:pw-comms_svc@%s:%s/lakegate?sslmode=disable", host, port))
	froms := []string{
		fmt.Sprintf(`comms.bounces AT (VERSION => %d) where id = 500001`, after),
		fmt.Sprintf(`lakegate.table_changes('comms.bounces', %d) where id = 500001`, before),
	}
	for _, tc := range []struct {
		expr    string
		refused bool // lakegate fails with 0A000 where Postgres answers
	}{
		{expr: `1e308::float8 + 1e308::float8`},
		{expr: `1e308::float8 * 10`},
		{expr: `id + 1.7e308::float8 + 1.7e308::float8`},
		{expr: `'a' || 1::float8, 'b' || id::float8 / 2`},
		{expr: `id / 3.0`},
		{expr: `round(id / 7.0, 3)`},
		{expr: `(id / 3.0) * 2`, refused: true},
		{expr: `1.5::float4 * 1.1, array[1, 2] || 3`},
	} {
		want := runCorpusCase(pc.c, "select "+tc.expr+" from (values (500001::int8)) t(id)")
		if tc.refused {
			if want.state != "" {
				t.Fatalf("%s: postgres %s, want an answer", tc.expr, want)
			}
			want = corpusAnswer{state: "0A000"}
		}
		for _, from := range froms {
			sql := "select " + tc.expr + " from " + from
			if got := runCorpusCase(lc.c, sql); got != want {
				t.Errorf("%s\n  lakegate %s\n  want     %s", sql, got, want)
			}
		}
	}
}
