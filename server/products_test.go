package server_test

// Data products (issue 17): descriptions, lakegate.tables, metadata
// tables, lakegate.table_changes and lakegate.as_of, through pgx and psql
// as the demo accounts.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// rowsText runs sql and returns each row's values joined by "|" (NULL
// as "∅").
func rowsText(t *testing.T, c *pgx.Conn, sql string, args ...any) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				parts[i] = "∅"
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

func wantState(t *testing.T, c *pgx.Conn, sql, state string) {
	t.Helper()
	rows, err := c.Query(context.Background(), sql)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if sqlState(err) != state {
		t.Fatalf("%s: want SQLSTATE %s, got %v", sql, state, err)
	}
}

func TestDescriptionsThroughClients(t *testing.T) {
	g := startPolicyGW(t)
	ctx := context.Background()
	pay := g.as(t, "payments_svc")
	for _, q := range []string{
		`comment on table payments.charges is 'one row per card charge'`,
		`comment on column payments.charges.amount is 'in the charge currency'`,
	} {
		if _, err := pay.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// another domain reads them (comms reads payments.charges)
	comms := g.as(t, "comms_svc")
	got := rowsText(t, comms, `select obj_description('payments.charges'::regclass, 'pg_class'),
		col_description('payments.charges'::regclass, 3)`)
	if want := []string{"one row per card charge|in the charge currency"}; !slices.Equal(got, want) {
		t.Fatalf("descriptions: %q, want %q", got, want)
	}
	got = rowsText(t, comms, `select d.objsubid, d.description from pg_catalog.pg_description d
		join pg_catalog.pg_class c on c.oid = d.objoid where c.relname = 'charges' order by 1`)
	if want := []string{"0|one row per card charge", "3|in the charge currency"}; !slices.Equal(got, want) {
		t.Fatalf("pg_description: %q, want %q", got, want)
	}
	// psql shows column descriptions in \d+ and the table's in \dt+
	if out := g.psql(t, "comms_svc", "-c", `\d+ payments.charges`); !strings.Contains(out, "in the charge currency") {
		t.Fatalf("psql \\d+ lacks the column description:\n%s", out)
	}
	if out := g.psql(t, "comms_svc", "-c", `\dt+ payments.charges`); !strings.Contains(out, "one row per card charge") {
		t.Fatalf("psql \\dt+ lacks the table description:\n%s", out)
	}
	// other domains may not write them; an invisible table does not exist
	wantState(t, comms, `comment on table payments.charges is 'x'`, "42501")
	wantState(t, pay, `comment on table comms.bounces is 'x'`, "42P01")
	wantState(t, pay, `comment on column comms.bounces.reason is 'x'`, "42P01")
	// IS NULL removes them
	for _, q := range []string{`comment on table payments.charges is null`, `comment on column payments.charges.amount is null`} {
		if _, err := pay.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	got = rowsText(t, comms, `select count(*) from pg_catalog.pg_description d join pg_catalog.pg_class c on c.oid = d.objoid where c.relname = 'charges'`)
	if !slices.Equal(got, []string{"0"}) {
		t.Fatalf("descriptions left after IS NULL: %q", got)
	}
}

// TestLakegateTablesPerCaller: lakegate.tables lists exactly the tables
// each demo account may see, native or external as the policy decides.
func TestLakegateTablesPerCaller(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	g := startGW(t, gwOptions{policy: demo.Policy, threads: 1, clock: func() time.Time { return time.Unix(0, now.Load()) }})
	ctx := context.Background()
	want := map[string][]string{
		"analyst":      {"comms|bounces|comms|external", "payments|charges|payments|external", "users|customers|users|external"},
		"payments_svc": {"payments|charges|payments|native", "users|customers|users|external"},
		"users_svc":    {"users|customers|users|native"},
		"comms_svc":    {"comms|bounces|comms|native", "payments|charges|payments|external", "users|customers|users|external"},
	}
	for _, p := range demoPrincipals {
		c := g.as(t, p.name)
		got := rowsText(t, c, `select table_schema, table_name, owner_domain, access from lakegate.tables order by 1, 2`)
		if !slices.Equal(got, want[p.name]) {
			t.Errorf("%s: lakegate.tables = %q, want %q", p.name, got, want[p.name])
		}
	}
	// facts of payments.charges from its snapshot summary
	if _, err := g.as(t, "payments_svc").Exec(ctx, `insert into payments.charges (id, customer_id, amount, currency, status, created_at)
		values (900001, 1, 1.50, 'EUR', 'paid', '2026-12-01 10:00:00+00')`); err != nil {
		t.Fatal(err)
	}
	tbl, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "payments", Name: "charges"})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot()
	c := g.as(t, "comms_svc")
	got := rowsText(t, c, `select snapshot_id, last_committed_by, total_rows, total_bytes > 0, freshness_slo, freshness_met
		from lakegate.tables where table_name = 'charges'`)
	wantRow := fmt.Sprintf("%d|payments_svc|%s|true|∅|∅", snap.ID, snap.Summary["total-records"])
	if !slices.Equal(got, []string{wantRow}) {
		t.Fatalf("facts: %q, want %q", got, wantRow)
	}
	// a freshness SLO: met now, unmet once the clock passes it
	slo := "1 hour"
	if err := g.cat.SetTableProperty(ctx, tbl.Ident, "lakegate.freshness-slo", &slo); err != nil {
		t.Fatal(err)
	}
	tbl, _ = g.cat.LoadTable(ctx, tbl.Ident)
	snap, _ = tbl.Snapshot()
	now.Store(snap.CommittedAt.Add(59 * time.Minute).UnixNano())
	q := `select freshness_slo::text, freshness_met from lakegate.tables where table_name = 'charges'`
	if got := rowsText(t, c, q); !slices.Equal(got, []string{"01:00:00|true"}) {
		t.Fatalf("fresh: %q", got)
	}
	now.Store(snap.CommittedAt.Add(61 * time.Minute).UnixNano())
	if got := rowsText(t, c, q); !slices.Equal(got, []string{"01:00:00|false"}) {
		t.Fatalf("stale: %q", got)
	}
}

var _ = server.Config{}
