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
	pg := pgtest.Start(t)
	g := startGateway(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	ctx := context.Background()
	pc, err := pgx.Connect(ctx, pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close(ctx)
	lc := g.connect(t)
	answer := func(c *pgx.Conn, sql string, args ...any) string {
		var s string
		if err := c.QueryRow(ctx, sql, args...).Scan(&s); err != nil {
			return "ERROR " + sqlState(err)
		}
		return s
	}
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
		want, got := answer(pc, tc.sql, tc.args...), answer(lc, tc.sql, tc.args...)
		if tc.refused != "" {
			want = fmt.Sprintf("%s (Postgres: %s)", tc.refused, want)
			got = fmt.Sprintf("%s (Postgres: %s)", got, answer(pc, tc.sql, tc.args...))
		}
		if got != want {
			t.Errorf("%s %v: lakegate %s, want %s", tc.sql, tc.args, got, want)
		}
	}
}
