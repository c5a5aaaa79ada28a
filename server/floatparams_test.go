package server_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestFloatChainParameters: a float sum or difference holding a parameter
// answers as Postgres does while it is finite; where it is infinite and
// Postgres fails (22003) lakegate fails too, with 0A000 where it cannot
// tell overflow from an infinite parameter: never Infinity where Postgres
// refuses. A parameter concatenated to text stays text.
func TestFloatChainParameters(t *testing.T) {
	t.Parallel()
	pc, lc := floatSides(t)
	for _, tc := range []struct {
		sql  string
		args []any
		// lakegate's answer where it refuses what Postgres answers
		// differently ("" for the same answer)
		refused string
	}{
		{"select (x + $1 - 0.5::float8)::text from (values (1.5::float8)) t(x)", []any{"2"}, ""},
		{"select (x + $1::float8 - 0.5::float8)::text from (values (1.5::float8)) t(x)", []any{2.0}, ""},
		{"select ($1::float8 + 1e308::float8)::text", []any{1e308}, "ERROR 0A000"},
		{"select ($1::float8 + 1::float8)::text", []any{1.0}, ""},
		{"select ('Infinity'::float8 + $1::float8)::text", []any{1e308}, ""},
		{"select 'a' || $1 || 'b'", []any{"x"}, ""},
	} {
		want, got := floatAnswer(pc, tc.sql, tc.args...), floatAnswer(lc, tc.sql, tc.args...)
		if tc.refused != "" {
			want = fmt.Sprintf("%s (Postgres: %s)", tc.refused, want)
			got = fmt.Sprintf("%s (Postgres: %s)", got, floatAnswer(pc, tc.sql, tc.args...))
		}
		if got != want {
			t.Errorf("%s %v: lakegate %s, want %s", tc.sql, tc.args, got, want)
		}
	}
}

// TestFloatChecksTwice: a statement whose float checks the text edits
// cannot place (t.x + t.y, float8 '1e308' + x: written anew from the
// parse tree) fails as Postgres does, and so does its second run, whose
// result shape lakegate already knows.
func TestFloatChecksTwice(t *testing.T) {
	t.Parallel()
	pc, lc := floatSides(t)
	for _, sql := range []string{
		"select (t.x + t.y)::text from (values (1e308::float8, 1e308::float8)) as t(x, y)",
		"select (x + y)::text from (values (1e308::float8, 1e308::float8)) t(x, y)",
		"select (coalesce(x, 0) + x)::text from (values (1e308::float8)) t(x)",
		"select (float8 '1e308' + x)::text from (values (1e308::float8)) t(x)",
		"select (t.x - t.y)::text from (values (1e307::float8, 1e306::float8)) as t(x, y)",
		"select 'a' || t.x from (values (1.5::float8)) t(x)",
		"select float8 '1e15' || 'a'",
	} {
		want := floatAnswer(pc, sql)
		for run := 1; run <= 2; run++ {
			if got := floatAnswer(lc, sql); got != want {
				t.Errorf("%s (run %d): lakegate %s, want %s", sql, run, got, want)
			}
		}
	}
}

// floatSides are a PostgreSQL 15 connection and a small demo gateway's,
// for the float tests above.
func floatSides(t *testing.T) (pc, lc *pgx.Conn) {
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc, err := pgx.Connect(context.Background(), pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close(context.Background()) })
	return pc, g.connect(t)
}

// floatAnswer is sql's one text value on c, or "ERROR " and its SQLSTATE.
func floatAnswer(c *pgx.Conn, sql string, args ...any) string {
	var s string
	if err := c.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		return "ERROR " + sqlState(err)
	}
	return s
}
