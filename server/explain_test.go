package server_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// EXPLAIN is lakegate's own plan: tables with native/external, snapshot,
// data files after pruning out of the total, policy applied; EXPLAIN
// ANALYZE runs the query and reports its rows. Nothing of the engine's
// views (file paths, mask expressions) appears.
func TestExplain(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	ctx := context.Background()
	plan := func(user, sql string) string {
		c := g.as(t, user)
		rows, err := c.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		defer rows.Close()
		if fd := rows.FieldDescriptions(); len(fd) != 1 || fd[0].Name != "QUERY PLAN" {
			t.Fatalf("%s: columns %v", sql, fd)
		}
		var lines []string
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, l)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if tag := rows.CommandTag().String(); tag != "EXPLAIN" {
			t.Errorf("%s: tag %q", sql, tag)
		}
		out := strings.Join(lines, "\n")
		t.Logf("%s as %s:\n%s", sql, user, out)
		if strings.Contains(out, "/") || strings.Contains(strings.ToLower(out), "parquet") {
			t.Errorf("%s: plan shows engine internals:\n%s", sql, out)
		}
		return out
	}
	out := plan("analyst", "explain select email from users.customers where id < 10")
	for _, want := range []string{"Scan on users.customers (external, snapshot ", "Masked Columns: email", "Data Files: "} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	// Day partitions: a one-day predicate scans a fraction of the files.
	out = plan("payments_svc", "EXPLAIN (ANALYZE, FORMAT TEXT) select count(*) from payments.charges where created_at >= timestamptz '2024-03-01 00:00:00+00' and created_at < timestamptz '2024-03-02 00:00:00+00'")
	m := regexp.MustCompile(`Data Files: (\d+) of (\d+)`).FindStringSubmatch(out)
	if m == nil || m[1] == m[2] {
		t.Errorf("no pruning shown: %v", m)
	}
	for _, want := range []string{"Scan on payments.charges (native, ", "Rows: 1", "Execution Time: ", "Pruning Filter: "} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	// An invisible table does not exist, EXPLAIN or not; a write on an
	// external table is refused before anything is planned.
	c := g.as(t, "payments_svc")
	if _, err := c.Exec(ctx, "explain select * from comms.bounces"); err == nil || !strings.Contains(err.Error(), "42P01") {
		t.Errorf("hidden table: %v", err)
	}
	c = g.as(t, "comms_svc")
	if _, err := c.Exec(ctx, "explain delete from payments.charges"); err == nil || !strings.Contains(err.Error(), "42501") {
		t.Errorf("external write: %v", err)
	}
	if _, err := c.Exec(ctx, "explain (format json) select 1"); err == nil || !strings.Contains(err.Error(), "0A000") {
		t.Errorf("json format: %v", err)
	}
}
