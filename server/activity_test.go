package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// activityRows lists pid|usename|state|query of pg_stat_activity as c sees
// it, by pid.
func activityRows(t *testing.T, c *pgx.Conn) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), "select pid, usename, state, query from pg_stat_activity order by pid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var pid int32
		var user, state, query string
		if err := rows.Scan(&pid, &user, &state, &query); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d|%s|%s|%s", pid, user, state, query))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func backendPID(t *testing.T, c *pgx.Conn) int32 {
	t.Helper()
	var pid int32
	if err := c.QueryRow(context.Background(), "select pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	return pid
}

// pg_stat_activity shows a caller its own sessions and an admin all of
// them; pg_cancel_backend and pg_terminate_backend work on one's own
// sessions and, for admins, on any; others get 42501.
func TestStatActivityAndSignals(t *testing.T) {
	t.Parallel()
	g := startGW(t, gwOptions{policy: demo.Policy, cfg: server.Config{AdminGroup: "services"}})
	ctx := context.Background()
	a1, a2 := g.as(t, "analyst"), g.as(t, "analyst")
	admin, other := g.as(t, "payments_svc"), g.as(t, "users_svc")
	pa1, pa2, padmin, pother := backendPID(t, a1), backendPID(t, a2), backendPID(t, admin), backendPID(t, other)
	if len(map[int32]bool{pa1: true, pa2: true, padmin: true, pother: true}) != 4 {
		t.Fatalf("pg_backend_pid is not per session: %d %d %d %d", pa1, pa2, padmin, pother)
	}

	// The analyst sees its two sessions only; its own is active with this
	// query, literals redacted as the audit log redacts them.
	mine := activityRows(t, a1)
	want := []string{
		fmt.Sprintf("%d|analyst|active|select pid, usename, state, query from pg_stat_activity order by pid", pa1),
		fmt.Sprintf("%d|analyst|idle|select pg_backend_pid()", pa2),
	}
	if strings.Join(mine, "\n") != strings.Join(want, "\n") {
		t.Fatalf("analyst sees:\n%s\nwant:\n%s", strings.Join(mine, "\n"), strings.Join(want, "\n"))
	}
	if _, err := a2.Exec(ctx, "select 'secret' as s"); err != nil {
		t.Fatal(err)
	}
	if rows := activityRows(t, a1); !strings.HasSuffix(rows[1], "|idle|select ? as s") {
		t.Fatalf("the literal is not redacted: %s", rows[1])
	}
	// The admin sees all four; DBeaver's and pgAdmin's session queries run.
	if rows := activityRows(t, admin); len(rows) != 4 {
		t.Fatalf("admin sees %d sessions:\n%s", len(rows), strings.Join(rows, "\n"))
	}
	for _, q := range []string{
		"SELECT sa.* FROM pg_catalog.pg_stat_activity sa",
		pgAdminActivity,
		"SELECT pid, datname, usename, application_name, client_addr, backend_start, state, " +
			"array_to_string(pg_catalog.pg_blocking_pids(pid), ', ') AS blocking_pids, query, state_change, query_start, xact_start, backend_type " +
			"FROM pg_catalog.pg_stat_activity WHERE datname = 'lakegate' ORDER BY pid",
	} {
		rows, err := admin.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if rows.Close(); rows.Err() != nil || n != 4 {
			t.Fatalf("%s: %d rows, %v", q, n, rows.Err())
		}
	}

	// application_name is the startup packet's, then what SET made it.
	appOf := func(pid int32) string {
		var app string
		if err := admin.QueryRow(ctx, "select application_name from pg_stat_activity where pid = $1", pid).Scan(&app); err != nil {
			t.Fatal(err)
		}
		return app
	}
	before := appOf(pa2)
	if _, err := a2.Exec(ctx, "set application_name = 'nightly-report'"); err != nil {
		t.Fatal(err)
	}
	if got := appOf(pa2); got != "nightly-report" || before == got {
		t.Fatalf("application_name after SET: %q (before %q)", got, before)
	}

	// A non-admin cannot cancel another user's query: 42501.
	var ok bool
	err := a1.QueryRow(ctx, fmt.Sprintf("select pg_cancel_backend(%d)", pother)).Scan(&ok)
	if got := sqlState(err); got != "42501" {
		t.Fatalf("analyst cancels users_svc: %v (%s), want 42501", err, got)
	}
	err = a1.QueryRow(ctx, "select pg_catalog.pg_terminate_backend($1)", pother).Scan(&ok)
	if got := sqlState(err); got != "42501" {
		t.Fatalf("analyst terminates users_svc: %v (%s), want 42501", err, got)
	}
	// A pid that is no session: false.
	if err := a1.QueryRow(ctx, "select pg_cancel_backend(999999)").Scan(&ok); err != nil || ok {
		t.Fatalf("unknown pid: %v %v", ok, err)
	}
	// The call elsewhere than on its own is refused, never ignored.
	_, err = admin.Exec(ctx, "select pg_cancel_backend(pid) from pg_stat_activity where usename = 'users_svc'")
	if got := sqlState(err); got != "0A000" {
		t.Fatalf("pg_cancel_backend in a query: %v (%s), want 0A000", err, got)
	}

	// The admin cancels the other user's running query: 57014 there, and
	// the session goes on.
	done := make(chan error, 1)
	go func() {
		_, err := other.Exec(ctx, "select count(*) from range(1000000000000) a")
		done <- err
	}()
	waitActive(t, admin, pother)
	if err := admin.QueryRow(ctx, "SELECT pg_catalog.pg_cancel_backend($1)", pother).Scan(&ok); err != nil || !ok {
		t.Fatalf("admin cancel: %v %v", ok, err)
	}
	if err := <-done; sqlState(err) != "57014" {
		t.Fatalf("canceled query: %v, want 57014", err)
	}
	if backendPID(t, other) != pother {
		t.Fatal("the canceled session did not go on")
	}

	// The analyst terminates its own other session: 57P01 there.
	if err := a1.QueryRow(ctx, fmt.Sprintf("select pg_terminate_backend(%d) as ended", pa2)).Scan(&ok); err != nil || !ok {
		t.Fatalf("terminate own session: %v %v", ok, err)
	}
	if _, err = a2.Exec(ctx, "select 1"); sqlState(err) != "57P01" {
		t.Fatalf("terminated session: %v, want FATAL 57P01", err)
	}
	if rows := activityRows(t, a1); len(rows) != 1 {
		t.Fatalf("after the terminate the analyst sees:\n%s", strings.Join(rows, "\n"))
	}
}

// pgAdminActivity is pgAdmin 4's dashboard query of sessions.
const pgAdminActivity = `SELECT
    pid,
    datname,
    usename,
    application_name,
    client_addr,
    pg_catalog.to_char(backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS backend_start,
    state,
    wait_event_type || ': ' || wait_event AS wait_event,
    array_to_string(pg_catalog.pg_blocking_pids(pid), ', ') AS blocking_pids,
    query,
    pg_catalog.to_char(state_change, 'YYYY-MM-DD HH24:MI:SS TZ') AS state_change,
    pg_catalog.to_char(query_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS query_start,
    pg_catalog.to_char(xact_start, 'YYYY-MM-DD HH24:MI:SS TZ') AS xact_start,
    backend_type,
    CASE WHEN state = 'active' THEN ROUND((extract(epoch from now() - query_start) / 60)::numeric, 2) ELSE 0 END AS active_since
FROM
    pg_catalog.pg_stat_activity
WHERE datname = (SELECT datname FROM pg_catalog.pg_database WHERE oid = 16384)
ORDER BY pid`

// waitActive waits (a hang guard, not a timing assertion) until pid runs a
// statement.
func waitActive(t *testing.T, c *pgx.Conn, pid int32) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var state string
		err := c.QueryRow(context.Background(), "select state from pg_stat_activity where pid = $1", pid).Scan(&state)
		if err == nil && state == "active" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("session %d never became active: %q %v", pid, state, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
