package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// A Parse beyond the session's prepared-statement limits is refused before
// it is planned (PostgreSQL has no such limit; lakegate's is 53400, the
// session goes on): a statement that would fail to plan is refused with
// 53400 too, not 42P01. The refusal is the one the statement cache gives
// after planning, word for word; a Parse under a name that exists still
// fails with 42P05; a refused name is unknown afterwards (26000), and the
// refusal fails an open transaction block.
func TestParseRefusedBeforePlanning(t *testing.T) {
	t.Parallel()
	g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10},
		server.Config{MaxPreparedStatements: 2, MaxPreparedBytes: 300_000})
	ctx := context.Background()
	c := connectPG(t, g.dsn(""))
	message := func(err error) string {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			t.Fatalf("%v: not a server error", err)
		}
		return pe.Code + " " + pe.Message
	}
	for _, name := range []string{"s0", "s1"} {
		if _, err := c.Prepare(ctx, name, "select 1", nil); err != nil {
			t.Fatal(err)
		}
	}
	const tooMany = "53400 too many prepared statements in this session (limits.max_prepared_statements is 2); close some with Close or DEALLOCATE"
	for _, text := range []string{"select 2", "select * from no_such_table"} {
		for _, name := range []string{"s2", ""} {
			if _, err := c.Prepare(ctx, name, text, nil); err == nil || message(err) != tooMany {
				t.Errorf("Parse %q of %q beyond 2 statements: %v, want %s", name, text, err, tooMany)
			}
		}
	}
	if _, err := c.Prepare(ctx, "s0", "select 2", nil); sqlState(err) != "42P05" {
		t.Errorf("Parse of an existing name at the limit: %v, want 42P05", err)
	}

	// Bytes: the text counts, the statement replaced does not.
	if err := c.Deallocate(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	big := "select '" + strings.Repeat("x", 200_000) + "'"
	if _, err := c.Prepare(ctx, "", big, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Prepare(ctx, "", big, nil); err != nil {
		t.Fatalf("a second 200 kB unnamed statement replacing the first: %v", err)
	}
	for _, name := range []string{"", "s0"} {
		if err := c.Deallocate(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Prepare(ctx, "b1", big, nil); err != nil {
		t.Fatal(err)
	}
	const tooBig = "53400 prepared statements of this session would hold 400020 bytes (limits.max_prepared_bytes is 300000); close some with Close or DEALLOCATE"
	if _, err := c.Prepare(ctx, "", "select * from no_such_table "+big[:199_983], nil); err == nil || message(err) != tooBig {
		t.Errorf("a second 200 kB statement: %v, want %s", err, tooBig)
	}

	rc := dialRaw(t, g.addr, "analyst", "lakegate")
	for _, name := range []string{"a", "b"} {
		if got := rc.send(&pgproto3.Parse{Name: name, Query: "select 1"}); strings.Join(got, ",") != "ParseComplete,ReadyForQuery I" {
			t.Fatalf("Parse %s: %q", name, got)
		}
	}
	rc.send(&pgproto3.Query{String: "begin"})
	want := "Error 53400,ReadyForQuery E"
	if got := rc.send(&pgproto3.Parse{Name: "c", Query: "select 3"}, &pgproto3.Bind{PreparedStatement: "c"}); strings.Join(got, ",") != want {
		t.Errorf("Parse beyond the limit in a block: %q, want %q", got, want)
	}
	rc.send(&pgproto3.Query{String: "rollback"})
	want = "Error 26000,ReadyForQuery I"
	if got := rc.send(&pgproto3.Bind{PreparedStatement: "c"}); strings.Join(got, ",") != want {
		t.Errorf("Bind of the refused name: %q, want %q", got, want)
	}
	if got := rc.send(&pgproto3.Query{String: "select 'still here'"}); strings.Join(got, ",") != "RowDescription,DataRow still here,CommandComplete SELECT 1,ReadyForQuery I" {
		t.Errorf("session after the refusals: %q", got)
	}
}
