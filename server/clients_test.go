package server_test

import (
	"context"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/catalog"
)

// clientsDir finds shared/clients (the SQL real clients send) by walking up
// from the package directory.
func clientsDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if st, err := os.Stat(filepath.Join(dir, "shared", "clients")); err == nil && st.IsDir() {
			return filepath.Join(dir, "shared", "clients")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("shared/clients (the SQL real clients send) not found above the repository")
		}
		dir = parent
	}
}

// psql runs psql -X with one command as user against g.
func (g *policyGW) psql(t *testing.T, user string, args ...string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(g.addr)
	cmd := exec.Command("psql", append([]string{"-X", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", user, "-d", "lakegate"}, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD=pw-"+user, "PGSSLMODE=disable", "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	// psql exits 1 when \d finds nothing, as it does against PostgreSQL
	if err != nil && !strings.Contains(string(out), "Did not find any relation named") {
		t.Fatalf("psql %s as %s: %v\n%s", strings.Join(args, " "), user, err, out)
	}
	return string(out)
}

func TestPsqlMetaCommands(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("psql"); err != nil {
		t.Fatal("psql not installed: scripts/test.sh installs postgresql-client")
	}
	g := sharedPolicyGW(t)
	cases := []struct {
		user, cmd    string
		want, reject []string
	}{
		{"payments_svc", `\dn`, []string{"payments", "users"}, []string{"comms"}},
		{"analyst", `\dn`, []string{"payments", "users", "comms"}, nil},
		{"payments_svc", `\dt`, []string{"charges", "customers", "table"}, []string{"bounces"}},
		{"analyst", `\dt`, []string{"charges", "customers", "bounces"}, nil},
		{"payments_svc", `\dt payments.*`, []string{"charges"}, []string{"customers", "bounces"}},
		{"payments_svc", `\dt comms.*`, []string{"Did not find any"}, []string{"bounces"}},
		{"payments_svc", `\d payments.charges`, []string{`Table "payments.charges"`, "numeric(12,2)", "timestamp with time zone", "bigint"}, nil},
		{"analyst", `\d+ users.customers`, []string{`Table "users.customers"`, "email"}, nil},
		{"payments_svc", `\d comms.bounces`, []string{"Did not find any relation"}, []string{"bounces |"}},
		{"payments_svc", `\l`, []string{"lakegate", "UTF8"}, nil},
		{"payments_svc", `\du`, []string{"payments_svc"}, []string{"analyst"}},
		{"payments_svc", `\dv`, []string{"lakegate | tables | view"}, []string{"charges"}},
		{"payments_svc", `\df`, []string{"List of functions"}, nil},
		{"payments_svc", `\d`, []string{"charges"}, []string{"bounces"}},
		{"payments_svc", `\dt+ payments.*`, []string{"charges", "Size", "Description"}, []string{"bounces"}},
		{"payments_svc", `\l+`, []string{"lakegate", "Size"}, nil},
		{"analyst", `\dn+`, []string{"comms", "payments"}, nil},
	}
	for _, c := range cases {
		out := g.psql(t, c.user, "-c", c.cmd)
		if os.Getenv("SHOW") != "" {
			t.Log(out)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s as %s: output lacks %q:\n%s", c.cmd, c.user, w, out)
			}
		}
		for _, r := range c.reject {
			if strings.Contains(out, r) {
				t.Errorf("%s as %s: output shows %q:\n%s", c.cmd, c.user, r, out)
			}
		}
	}
}

// psql's expanded display (\x) of a query: one record block per row.
func TestPsqlExpandedQuery(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	out := g.psql(t, "payments_svc", "-c", `\x`, "-c", "select id, currency, amount from payments.charges order by id limit 2")
	for _, w := range []string{"Expanded display is on.", "-[ RECORD 1 ]", "-[ RECORD 2 ]", "currency | ", "amount   | "} {
		if !strings.Contains(out, w) {
			t.Fatalf("psql \\x output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "RECORD 3") {
		t.Fatalf("psql \\x shows more rows than the query returns:\n%s", out)
	}
}

// TestCatalogHidesInvisibleTables: no catalog relation shows a table the
// policy hides.
func TestCatalogHidesInvisibleTables(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	ctx := context.Background()
	c := g.as(t, "payments_svc")
	for _, q := range []string{
		"select relname from pg_catalog.pg_class",
		"select relname from pg_class",
		"select nspname from pg_catalog.pg_namespace",
		"select table_name from information_schema.tables",
		"select table_schema from information_schema.tables",
		"select table_name from information_schema.columns",
		"select schema_name from information_schema.schemata",
		"select tablename from pg_catalog.pg_tables",
		"select table_name from information_schema.table_privileges",
		"select attname from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid where c.relname = 'bounces'",
	} {
		rows, err := c.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var seen []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			seen = append(seen, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if len(seen) == 0 && !strings.Contains(q, "bounces") {
			t.Errorf("%s: no rows", q)
		}
		for _, s := range seen {
			if s == "bounces" || s == "comms" {
				t.Errorf("%s: shows %q to payments_svc", q, s)
			}
		}
	}
	var ft, ver, cs string
	if err := c.QueryRow(ctx, "select pg_catalog.format_type(1700, (12 << 16 | 2) + 4), version(), current_setting('search_path')").Scan(&ft, &ver, &cs); err != nil {
		t.Fatal(err)
	}
	if ft != "numeric(12,2)" || !strings.HasPrefix(ver, "PostgreSQL 15") || cs != `"$user", public` {
		t.Fatalf("format_type %q, version %q, current_setting %q", ft, ver, cs)
	}
	if _, err := c.Exec(ctx, "select current_setting('no_such_setting')"); sqlState(err) != "42704" {
		t.Fatalf("current_setting of an unknown parameter: %v, want 42704", err)
	}
	var missing *string
	if err := c.QueryRow(ctx, "select current_setting('no_such_setting', true)").Scan(&missing); err != nil || missing != nil {
		t.Fatalf("current_setting(x, missing_ok): %v %v", missing, err)
	}
	var oid uint32 // an oid, as from PostgreSQL (pgx reads it in binary)
	var name string
	if err := c.QueryRow(ctx, "select 'payments.charges'::regclass::oid, c.oid::regclass::text from pg_class c where relname = 'charges'").Scan(&oid, &name); err != nil {
		t.Fatal(err)
	}
	if oid == 0 || name != "payments.charges" {
		t.Fatalf("regclass: %d %q", oid, name)
	}
}

// TestClientCatalogStatements runs every statement of the captured client
// SQL (shared/clients) against the demo, with the tables those captures
// name (sales.lineitem, public.clubs) added as native tables of a sales
// domain the analyst may read. Every statement must execute.
func TestClientCatalogStatements(t *testing.T) {
	t.Parallel()
	dir := clientsDir(t)
	g := startPolicyGW(t)
	ctx := context.Background()
	g.createClientTables(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no captured client SQL in %s", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := g.as(t, "analyst")
		var pass, fail int
		for _, stmt := range sqlparse.Split(string(b)) {
			var err error
			if strings.Contains(stmt, "$1") {
				// a captured prepared statement: bound through the
				// extended protocol, as its client sent it
				_, err = c.Exec(ctx, stmt, 1)
			} else {
				_, err = c.Exec(ctx, stmt, pgx.QueryExecModeSimpleProtocol)
			}
			if err == nil {
				pass++
				continue
			}
			fail++
			t.Errorf("%s: %v\n%s", filepath.Base(f), err, stmt)
			// a failed statement does not poison the next (no transaction)
		}
		t.Logf("%s: %d statements pass, %d fail", filepath.Base(f), pass, fail)
	}
}

func firstLine(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}

// createClientTables adds the tables the captured client statements name
// (sales.lineitem, public.clubs) as native tables of a sales domain.
func (g *policyGW) createClientTables(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, tb := range []struct {
		ident  catalog.Ident
		schema *iceberg.Schema
	}{
		{catalog.Ident{Schema: "sales", Name: "lineitem"}, iceberg.NewSchema(0,
			iceberg.NestedField{ID: 1, Name: "l_orderkey", Type: iceberg.PrimitiveTypes.Int64, Required: true},
			iceberg.NestedField{ID: 2, Name: "l_comment", Type: iceberg.PrimitiveTypes.String},
			iceberg.NestedField{ID: 3, Name: "l_price", Type: iceberg.DecimalTypeOf(12, 2)},
			iceberg.NestedField{ID: 4, Name: "l_shipdate", Type: iceberg.PrimitiveTypes.Date})},
		{catalog.Ident{Schema: "public", Name: "clubs"}, iceberg.NewSchema(0,
			iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int32, Required: true},
			iceberg.NestedField{ID: 2, Name: "name", Type: iceberg.PrimitiveTypes.String})},
	} {
		if err := g.cat.CreateNative(ctx, tb.ident, catalog.TableSpec{Schema: tb.schema, Properties: map[string]string{"owner-domain": "sales"}}, nil); err != nil {
			t.Fatal(err)
		}
	}
}
