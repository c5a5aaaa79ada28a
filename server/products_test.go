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
	t.Parallel()
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
	t.Parallel()
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
	// other spellings; one that does not parse is no SLO, not an error
	for _, tc := range []struct{ slo, want string }{{"1h30m", "01:30:00|true"}, {"2 days", "48:00:00|true"}, {"soon", "∅|∅"}} {
		slo := tc.slo
		if err := g.cat.SetTableProperty(ctx, tbl.Ident, "lakegate.freshness-slo", &slo); err != nil {
			t.Fatal(err)
		}
		if got := rowsText(t, c, q); !slices.Equal(got, []string{tc.want}) {
			t.Fatalf("SLO %q: %q, want %q", tc.slo, got, tc.want)
		}
	}
}

// changesPolicy is the demo policy, except that analysts read
// comms.bounces through a row filter and with reason masked.
func changesPolicy() []byte {
	p := strings.Replace(string(demo.Policy), `objects: ["*"]`, `objects: [users.customers, payments.charges]`, 1)
	return []byte(p + `
  - subjects: [group:analysts]
    objects: [comms.bounces]
    privileges: [read]
    row_filter: "channel = 'email'"
    masks:
      reason: "'***'"
`)
}

// multisetDiff returns the rows of a not in b (as many times as a holds
// them more often), sorted.
func multisetDiff(a, b []string) []string {
	n := map[string]int{}
	for _, r := range b {
		n[r]++
	}
	var out []string
	for _, r := range a {
		if n[r] > 0 {
			n[r]--
			continue
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

const bounceCols = "id, customer_id, channel, reason, bounced_at"

// changesOf returns table_changes' inserted and deleted rows between
// from and to, sorted, as user c sees them.
func changesOf(t *testing.T, c *pgx.Conn, from, to int64) (ins, del []string) {
	t.Helper()
	for _, r := range rowsText(t, c, fmt.Sprintf(`select %s, _change_type from lakegate.table_changes('comms.bounces', %d, %d)`, bounceCols, from, to)) {
		i := strings.LastIndexByte(r, '|')
		switch r[i+1:] {
		case "insert":
			ins = append(ins, r[:i])
		case "delete":
			del = append(del, r[:i])
		default:
			t.Fatalf("change type %q", r[i+1:])
		}
	}
	slices.Sort(ins)
	slices.Sort(del)
	return ins, del
}

func currentSnapshot(t *testing.T, g *gateway, id catalog.Ident) int64 {
	t.Helper()
	tbl, err := g.cat.LoadTable(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tbl.SnapshotID()
}

// TestTableChangesMatchSnapshotDiff: after INSERT, DELETE (a copy-on-write
// rewrite), UPDATE and an append by iceberg-go, table_changes between two
// snapshots returns exactly the full diff of the two, computed here from
// time-travel reads; a filtered, masked reader sees only its rows'
// changes, masked.
func TestTableChangesMatchSnapshotDiff(t *testing.T) {
	t.Parallel()
	g := startGW(t, gwOptions{policy: changesPolicy(), threads: 1})
	ctx := context.Background()
	bounces := catalog.Ident{Schema: "comms", Name: "bounces"}
	comms, analyst := g.as(t, "comms_svc"), g.as(t, "analyst")
	snaps := []int64{currentSnapshot(t, g, bounces)}
	for _, step := range []string{
		`insert into comms.bounces values (500001, 7, 'email', 'full', '2026-12-01 00:00:00+00'), (500002, 8, 'sms', 'blocked', '2026-12-01 00:00:00+00'), (500003, 9, 'email', 'full', '2026-12-01 00:00:00+00')`,
		`delete from comms.bounces where id % 7 = 0`,
		`update comms.bounces set reason = 'changed' where id % 5 = 0`,
		"iceberg-go",
	} {
		if step == "iceberg-go" {
			if err := demo.AppendBounces(ctx, g.cat, 10); err != nil {
				t.Fatal(err)
			}
		} else if _, err := comms.Exec(ctx, step); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		snaps = append(snaps, currentSnapshot(t, g, bounces))
	}
	at := func(c *pgx.Conn, id int64, where string) []string {
		return rowsText(t, c, fmt.Sprintf(`select %s from comms.bounces at (version => %d) %s`, bounceCols, id, where))
	}
	var all []string
	for i := 1; i < len(snaps); i++ {
		a, b := snaps[i-1], snaps[i]
		before, after := at(comms, a, ""), at(comms, b, "")
		wantIns, wantDel := multisetDiff(after, before), multisetDiff(before, after)
		ins, del := changesOf(t, comms, a, b)
		if !slices.Equal(ins, wantIns) || !slices.Equal(del, wantDel) {
			t.Fatalf("step %d: changes\n ins %q\n del %q\nwant\n ins %q\n del %q", i, ins, del, wantIns, wantDel)
		}
		if len(ins)+len(del) == 0 {
			t.Fatalf("step %d changed nothing", i)
		}
		// the filtered, masked reader: its rows only, reason masked
		fb, fa := at(analyst, a, ""), at(analyst, b, "")
		wantIns, wantDel = multisetDiff(fa, fb), multisetDiff(fb, fa)
		ins, del = changesOf(t, analyst, a, b)
		if !slices.Equal(ins, wantIns) || !slices.Equal(del, wantDel) {
			t.Fatalf("step %d (analyst): changes\n ins %q\n del %q\nwant\n ins %q\n del %q", i, ins, del, wantIns, wantDel)
		}
		for _, r := range append(ins, del...) {
			if f := strings.Split(r, "|"); f[2] != "email" || f[3] != "***" {
				t.Fatalf("step %d: analyst sees %q", i, r)
			}
		}
		for _, r := range rowsText(t, comms, fmt.Sprintf(`select _change_version_id, _change_ordinal, %s, _change_type
			from lakegate.table_changes('comms.bounces', %d, %d) order by 1, 2, 3, 4, 5, 6, 7, 8`, bounceCols, a, b)) {
			all = append(all, strings.Replace(r, fmt.Sprintf("%d|0|", b), fmt.Sprintf("%d|%d|", b, i-1), 1))
		}
	}
	// the whole range at once: the same changes, ordinals counting the
	// snapshots of the range; TO defaults to the current snapshot
	got := rowsText(t, comms, fmt.Sprintf(`select _change_version_id, _change_ordinal, %s, _change_type
		from lakegate.table_changes('comms.bounces', %d) order by 1, 2, 3, 4, 5, 6, 7, 8`, bounceCols, snaps[0]))
	slices.Sort(all)
	slices.Sort(got)
	if !slices.Equal(got, all) {
		t.Fatalf("range changes differ from the steps':\n%q\n%q", got, all)
	}
	// refusals: a table the caller cannot see, a start that is not an ancestor
	wantState(t, g.as(t, "payments_svc"), fmt.Sprintf(`select * from lakegate.table_changes('comms.bounces', %d)`, snaps[0]), "42P01")
	wantState(t, comms, `select * from lakegate.table_changes('comms.bounces', 12345)`, "22023")
	wantState(t, comms, `select * from lakegate.table_changes('comms.bounces', (select 1))`, "22023")
}

// TestMetadataTables: $snapshots, $history, $files and $partitions of a
// table agree with its metadata for its owner; an invisible table has
// none; a filtered, masked reader gets no files or partitions.
func TestMetadataTables(t *testing.T) {
	t.Parallel()
	g := startGW(t, gwOptions{policy: changesPolicy(), threads: 1})
	ctx := context.Background()
	if err := demo.AppendBounces(ctx, g.cat, 10); err != nil {
		t.Fatal(err)
	}
	tbl, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "comms", Name: "bounces"})
	if err != nil {
		t.Fatal(err)
	}
	comms := g.as(t, "comms_svc")
	var want []string
	for _, s := range tbl.Snapshots() {
		parent := "∅"
		if s.ParentID != 0 {
			parent = fmt.Sprint(s.ParentID)
		}
		want = append(want, fmt.Sprintf("%d|%s|%s", s.ID, parent, s.Operation))
	}
	if got := rowsText(t, comms, `select snapshot_id, parent_id, operation from comms."bounces$snapshots" order by committed_at`); !slices.Equal(got, want) {
		t.Fatalf("$snapshots %q, want %q", got, want)
	}
	if got := rowsText(t, comms, `select snapshot_id from comms."bounces$history" where is_current_ancestor order by made_current_at desc limit 1`); !slices.Equal(got, []string{fmt.Sprint(tbl.SnapshotID())}) {
		t.Fatalf("$history current: %q", got)
	}
	n := rowsText(t, comms, `select count(*) from comms.bounces`)
	if got := rowsText(t, comms, `select sum(record_count)::bigint from comms."bounces$files" where content = 0`); !slices.Equal(got, n) {
		t.Fatalf("$files records %q, table rows %q", got, n)
	}
	if got := rowsText(t, comms, `select sum(record_count)::bigint from comms."bounces$partitions"`); !slices.Equal(got, n) {
		t.Fatalf("$partitions records %q, table rows %q", got, n)
	}
	for _, r := range rowsText(t, comms, `select file_path, lower_bounds from comms."bounces$files"`) {
		if strings.Contains(r, g.dir) || !strings.Contains(r, `"id"`) {
			t.Fatalf("$files row %q (absolute path, or no bounds)", r)
		}
	}
	// search_path reaches metadata tables as it reaches tables
	if _, err := comms.Exec(ctx, `set search_path = comms`); err != nil {
		t.Fatal(err)
	}
	if got := rowsText(t, comms, `select count(*) from "bounces$snapshots"`); !slices.Equal(got, []string{fmt.Sprint(len(want))}) {
		t.Fatalf("unqualified $snapshots: %q", got)
	}
	pay, analyst := g.as(t, "payments_svc"), g.as(t, "analyst")
	for _, kind := range []string{"snapshots", "history", "files", "partitions"} {
		wantState(t, pay, fmt.Sprintf(`select * from comms."bounces$%s"`, kind), "42P01")
	}
	wantState(t, analyst, `select * from comms."bounces$files"`, "42501")
	wantState(t, comms, fmt.Sprintf(`select * from comms."bounces$files" at (version => %d)`, tbl.SnapshotID()), "0A000")
	wantState(t, analyst, `select * from comms."bounces$partitions"`, "42501")
	if got := rowsText(t, analyst, `select count(*), count(summary) from comms."bounces$snapshots"`); !slices.Equal(got, []string{fmt.Sprintf("%d|0", len(want))}) {
		t.Fatalf("analyst $snapshots (summary hidden under a row filter): %q", got)
	}
}

// TestAsOfAcrossDomains: SET lakegate.as_of pins payments and users to
// their snapshots at t1, so a join equals the join of the t1 snapshots;
// RESET reads the latest; the result cache never mixes the two.
func TestAsOfAcrossDomains(t *testing.T) {
	t.Parallel()
	g := startGW(t, gwOptions{policy: demo.Policy, threads: 1})
	ctx := context.Background()
	charges, customers := catalog.Ident{Schema: "payments", Name: "charges"}, catalog.Ident{Schema: "users", Name: "customers"}
	p1, u1 := currentSnapshot(t, g, charges), currentSnapshot(t, g, customers)
	var t1 time.Time
	for _, id := range []catalog.Ident{charges, customers} {
		tbl, _ := g.cat.LoadTable(ctx, id)
		if s, _ := tbl.Snapshot(); s.CommittedAt.After(t1) {
			t1 = s.CommittedAt
		}
	}
	// t2: each domain commits
	for _, w := range []struct{ user, sql string }{
		{"users_svc", `insert into users.customers (id, name, email, country, created_at) values (990001, 'New', 'new@example.com', 'DE', now())`},
		{"payments_svc", `insert into payments.charges (id, customer_id, amount, currency, status, created_at) values (990001, 990001, 5.00, 'EUR', 'paid', now()), (990002, 1, 7.00, 'EUR', 'paid', now())`},
	} {
		if _, err := g.as(t, w.user).Exec(ctx, w.sql); err != nil {
			t.Fatalf("%s: %v", w.sql, err)
		}
	}
	for _, id := range []catalog.Ident{charges, customers} {
		tbl, _ := g.cat.LoadTable(ctx, id)
		if s, _ := tbl.Snapshot(); !s.CommittedAt.After(t1) {
			t.Fatalf("%s committed at %v, not after t1 %v", id, s.CommittedAt, t1)
		}
	}
	c := g.as(t, "comms_svc")
	join := `select count(*), sum(ch.amount) from payments.charges ch join users.customers cu on cu.id = ch.customer_id`
	latest := rowsText(t, c, join)
	pinned := rowsText(t, c, fmt.Sprintf(`select count(*), sum(ch.amount) from payments.charges ch at (version => %d)
		join users.customers cu at (version => %d) on cu.id = ch.customer_id`, p1, u1))
	if slices.Equal(latest, pinned) {
		t.Fatalf("the t2 commits did not change the join: %q", latest)
	}
	set := fmt.Sprintf(`set lakegate.as_of = '%s'`, t1.UTC().Format("2006-01-02 15:04:05.000000+00"))
	for round := 0; round < 2; round++ { // the second round may be answered from kept results
		if _, err := c.Exec(ctx, set); err != nil {
			t.Fatal(err)
		}
		if got := rowsText(t, c, join); !slices.Equal(got, pinned) {
			t.Fatalf("round %d: join at as_of = %q, want the t1 join %q", round, got, pinned)
		}
		wantState(t, c, `insert into comms.bounces (id) values (1)`, "25006")
		if _, err := c.Exec(ctx, `reset lakegate.as_of`); err != nil {
			t.Fatal(err)
		}
		if got := rowsText(t, c, join); !slices.Equal(got, latest) {
			t.Fatalf("round %d: join after RESET = %q, want the latest %q", round, got, latest)
		}
	}
	// a table without a snapshot at that time is an error naming it
	if _, err := c.Exec(ctx, `set lakegate.as_of = '2000-01-01 00:00:00+00'`); err != nil {
		t.Fatal(err)
	}
	_, err := c.Exec(ctx, join)
	if err == nil || !strings.Contains(err.Error(), "payments.charges") && !strings.Contains(err.Error(), "users.customers") {
		t.Fatalf("as_of before the first snapshot: %v", err)
	}
}

// demoComments describe demo tables; each is written in lakegate by the
// table's owner.
var demoComments = []struct{ owner, sql string }{
	{"payments_svc", `COMMENT ON TABLE payments.charges IS 'one row per card charge'`},
	{"payments_svc", `COMMENT ON COLUMN payments.charges.amount IS 'in the charge currency'`},
	{"users_svc", `COMMENT ON TABLE users.customers IS 'customers of the shop'`},
	{"users_svc", `COMMENT ON COLUMN users.customers.email IS 'contact address'`},
}

// commentDemo writes demoComments in g and returns them as a script for
// PostgreSQL, so that driver checks compare descriptions too.
func commentDemo(t *testing.T, g *gateway) string {
	t.Helper()
	var script []string
	for _, c := range demoComments {
		if _, err := g.as(t, c.owner).Exec(context.Background(), c.sql); err != nil {
			t.Fatalf("%s as %s: %v", c.sql, c.owner, err)
		}
		script = append(script, c.sql+";")
	}
	return strings.Join(script, "\n")
}
