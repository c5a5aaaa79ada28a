package server_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestPgDumpSchemaOnly runs PostgreSQL 15's pg_dump --schema-only as two
// callers: each dump holds CREATE TABLE, with Postgres column types, for
// the tables the caller may see, and nothing of the others, nor of
// lakegate's own schema, view and function (members of the built-in
// lakegate extension, which pg_dump skips as it skips plpgsql's).
func TestPgDumpSchemaOnly(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(pgtest.BinDir, "pg_dump")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("pg_dump not installed (%v): scripts/test.sh installs postgresql-15", err)
	}
	g := sharedPolicyGW(t)
	host, port, _ := net.SplitHostPort(g.addr)
	dump := func(user string) string {
		return pgDumpSchema(t, []string{"-h", host, "-p", port, "-U", user, "lakegate"}, "PGPASSWORD=pw-"+user)
	}
	charges := "CREATE TABLE payments.charges (\n    id bigint NOT NULL,\n    customer_id bigint,\n    amount numeric(12,2),\n" +
		"    currency text,\n    status text,\n    created_at timestamp with time zone\n);"
	cases := []struct {
		user         string
		tables       int
		want, reject []string
	}{
		{"payments_svc", 2, []string{charges, "CREATE TABLE users.customers (", "CREATE SCHEMA payments;", "CREATE SCHEMA users;"},
			[]string{"bounces", "comms"}},
		{"comms_svc", 3, []string{charges, "CREATE TABLE users.customers (", "CREATE TABLE comms.bounces (", "CREATE SCHEMA comms;"}, nil},
	}
	own := []string{"SCHEMA lakegate", "lakegate.tables", "table_changes", "EXTENSION"}
	for _, c := range cases {
		c.reject = append(c.reject, own...)
		out := dump(c.user)
		if n := strings.Count(out, "CREATE TABLE "); n != c.tables {
			t.Errorf("pg_dump as %s: %d CREATE TABLE statements, want %d:\n%s", c.user, n, c.tables, out)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("pg_dump as %s lacks %q:\n%s", c.user, w, out)
			}
		}
		for _, r := range c.reject {
			if strings.Contains(out, r) {
				t.Errorf("pg_dump as %s shows %q:\n%s", c.user, r, out)
			}
		}
	}
}

// pgDumpSchema runs PostgreSQL 15's pg_dump --schema-only with args (and
// env added to the environment) and returns the dump.
func pgDumpSchema(t *testing.T, args []string, env ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(pgtest.BinDir, "pg_dump"), append([]string{"--schema-only"}, args...)...)
	cmd.Env = append(os.Environ(), append(env, "PGSSLMODE=disable", "PGCONNECT_TIMEOUT=10")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg_dump %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// TestSetConfig: SELECT set_config(...) alone is SET and returns the value.
func TestSetConfig(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	ctx := context.Background()
	c := g.as(t, "payments_svc")
	one := func(sql string) string {
		t.Helper()
		var v string
		if err := c.QueryRow(ctx, sql, pgx.QueryExecModeSimpleProtocol).Scan(&v); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return v
	}
	if v := one("select pg_catalog.set_config('search_path', '', false)"); v != "" {
		t.Fatalf("set_config returned %q, want the empty value", v)
	}
	if v := one("show search_path"); v != "" {
		t.Fatalf("search_path after set_config is %q, want empty", v)
	}
	if _, err := count(t, c, "select count(*) from charges"); sqlState(err) != "42P01" {
		t.Fatalf("unqualified table with an empty search_path: %v, want 42P01", err)
	}
	if v := one("SELECT set_config('statement_timeout', '5s', false);"); v != "5s" || one("show statement_timeout") != "5s" {
		t.Fatalf("set_config statement_timeout returned %q", v)
	}
	// is_local: only until the end of the block; outside one, nothing.
	if v := one("select set_config('search_path', 'payments', true)"); v != "payments" || one("show search_path") != "" {
		t.Fatalf("set_config local outside a block: returned %q, search_path %q", v, one("show search_path"))
	}
	if _, err := c.Exec(ctx, "begin"); err != nil {
		t.Fatal(err)
	}
	one("select set_config('search_path', 'payments', true)")
	if n, err := count(t, c, "select count(*) from charges"); err != nil || n == 0 {
		t.Fatalf("count with search_path set locally: %d, %v", n, err)
	}
	if _, err := c.Exec(ctx, "commit"); err != nil {
		t.Fatal(err)
	}
	if v := one("show search_path"); v != "" {
		t.Fatalf("a local set_config outlived its block: %q", v)
	}
	for sql, code := range map[string]string{
		"select set_config('no_such_setting', '1', false)":     "42704",
		"select set_config('server_version', '1', false)":      "55P02",
		"select set_config('timezone', 'Nowhere/Else', false)": "22023",
		// evaluated for a row inside a query: not supported
		"select set_config(name, 'x', false) from pg_settings where name = 'application_name'": "0A000",
	} {
		_, err := c.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol)
		if sqlState(err) != code {
			t.Errorf("%s: %v, want %s", sql, err, code)
		}
	}
	// pg_dump's query over a setting lakegate lacks evaluates no row.
	rows, err := c.Query(ctx, "SELECT set_config(name, 'view, foreign-table', false) FROM pg_settings WHERE name = 'restrict_nonsystem_relation_kind'")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if rows.Err() != nil || rows.CommandTag().RowsAffected() != 0 {
		t.Fatalf("set_config over no row: %v, %d rows", rows.Err(), rows.CommandTag().RowsAffected())
	}
	// the extended protocol (Parse, Describe, Execute) too
	var app string
	if err := c.QueryRow(ctx, "select set_config('application_name', 'dumper', false)").Scan(&app); err != nil || app != "dumper" ||
		one("show application_name") != "dumper" {
		t.Fatalf("set_config over the extended protocol: %q, %v", app, err)
	}
	if _, err := c.Exec(ctx, "set synchronize_seqscans to off"); err != nil || one("show synchronize_seqscans") != "off" {
		t.Fatalf("synchronize_seqscans: %v", err)
	}
}

// TestRepeatableRead: a REPEATABLE READ (or SERIALIZABLE) block reads each
// table at the snapshot of its first read, whatever commits meanwhile; a
// READ COMMITTED block sees each commit.
func TestRepeatableRead(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	ctx := context.Background()
	reader, writer := g.as(t, "payments_svc"), g.as(t, "payments_svc")
	const countCharges = "select count(*) from payments.charges"
	n0, err := count(t, reader, countCharges)
	if err != nil {
		t.Fatal(err)
	}
	insert := func() {
		t.Helper()
		if _, err := writer.Exec(ctx, "insert into payments.charges select * from payments.charges limit 1"); err != nil {
			t.Fatal(err)
		}
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := reader.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	show := func() string {
		var v string
		if err := reader.QueryRow(ctx, "show transaction_isolation").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	mustCount := func(want int64, what string) {
		t.Helper()
		if n, err := count(t, reader, countCharges); err != nil || n != want {
			t.Fatalf("%s: %d rows (%v), want %d", what, n, err, want)
		}
	}

	exec("begin isolation level repeatable read")
	if v := show(); v != "repeatable read" {
		t.Fatalf("transaction_isolation in the block: %q", v)
	}
	mustCount(n0, "first read")
	insert()
	mustCount(n0, "REPEATABLE READ after another session committed")
	// the catalog shows the same tables; the pin holds for another query shape
	var rows int64
	if err := reader.QueryRow(ctx, "select count(*) from payments.charges where id > 0").Scan(&rows); err != nil || rows > n0 {
		t.Fatalf("filtered read in the block: %d (%v), want at most %d", rows, err, n0)
	}
	_, err = reader.Exec(ctx, "set transaction isolation level read committed")
	if sqlState(err) != "25001" {
		t.Fatalf("changing the isolation level after a read: %v, want 25001", err)
	}
	exec("rollback")
	mustCount(n0+1, "after the block")

	// SET TRANSACTION, and the session's default.
	exec("begin")
	exec("set transaction isolation level serializable, read only")
	mustCount(n0+1, "SERIALIZABLE first read")
	insert()
	mustCount(n0+1, "SERIALIZABLE after another session committed")
	_, err = reader.Exec(ctx, "insert into payments.charges select * from payments.charges limit 1")
	if sqlState(err) != "25006" {
		t.Fatalf("insert in a READ ONLY block: %v, want 25006", err)
	}
	exec("rollback")
	exec("set session characteristics as transaction isolation level repeatable read")
	exec("begin")
	if v := show(); v != "repeatable read" {
		t.Fatalf("the session default did not apply: %q", v)
	}
	mustCount(n0+2, "default REPEATABLE READ first read")
	insert()
	mustCount(n0+2, "default REPEATABLE READ after a commit")
	_, err = reader.Exec(ctx, "insert into payments.charges select * from payments.charges limit 1")
	if sqlState(err) != "0A000" {
		t.Fatalf("insert in a REPEATABLE READ block: %v, want 0A000", err)
	}
	exec("rollback")
	exec("set session characteristics as transaction isolation level read committed")

	// READ COMMITTED sees each commit.
	exec("begin")
	if v := show(); v != "read committed" {
		t.Fatalf("transaction_isolation: %q", v)
	}
	mustCount(n0+3, "READ COMMITTED first read")
	insert()
	mustCount(n0+4, "READ COMMITTED after another session committed")
	exec("commit")
}

// TestLockTable: LOCK TABLE ... IN ACCESS SHARE MODE (pg_dump's) takes no
// lock but checks what Postgres checks.
func TestLockTable(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	ctx := context.Background()
	c := g.as(t, "payments_svc")
	if _, err := c.Exec(ctx, "lock table payments.charges in access share mode"); sqlState(err) != "25P01" {
		t.Fatalf("LOCK outside a block: %v, want 25P01", err)
	}
	for sql, code := range map[string]string{
		"LOCK TABLE payments.charges IN ACCESS SHARE MODE":            "",
		"lock payments.charges, users.customers in access share mode": "",
		"lock table comms.bounces in access share mode":               "42P01", // invisible to payments_svc
		"lock table payments.charges in access exclusive mode":        "0A000",
	} {
		if _, err := c.Exec(ctx, "begin"); err != nil {
			t.Fatal(err)
		}
		_, err := c.Exec(ctx, sql)
		if sqlState(err) != code && !(code == "" && err == nil) {
			t.Errorf("%s: %v, want %q", sql, err, code)
		}
		if _, err := c.Exec(ctx, "rollback"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPsqlPassword: psql's \password reads password_encryption, hashes
// the new password and sends ALTER USER ... PASSWORD, which lakegate
// refuses with 0A000 and says where accounts are managed.
func TestPsqlPassword(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Fatal("setsid (util-linux) not installed")
	}
	g := sharedPolicyGW(t)
	host, port, _ := net.SplitHostPort(g.addr)
	// Without a controlling terminal psql prompts on stdin.
	cmd := exec.Command("setsid", "psql", "-X", "-v", "VERBOSITY=verbose", "-h", host, "-p", port, "-U", "payments_svc", "-d", "lakegate", "-c", `\password`)
	cmd.Env = append(os.Environ(), "PGPASSWORD=pw-payments_svc", "PGSSLMODE=disable", "PGCONNECT_TIMEOUT=10")
	cmd.Stdin = strings.NewReader("new-secret\nnew-secret\n")
	out, _ := cmd.CombinedOutput()
	for _, w := range []string{"ERROR:  0A000", "ALTER USER", "not managed by SQL"} {
		if !strings.Contains(string(out), w) {
			t.Fatalf("psql \\password: output lacks %q:\n%s", w, out)
		}
	}
	c := g.as(t, "payments_svc")
	var enc string
	if err := c.QueryRow(context.Background(), "show password_encryption").Scan(&enc); err != nil || enc != "scram-sha-256" {
		t.Fatalf("password_encryption: %q, %v", enc, err)
	}
	if _, err := c.Exec(context.Background(), "create role someone"); sqlState(err) != "0A000" {
		t.Fatalf("CREATE ROLE: %v, want 0A000", err)
	}
}
