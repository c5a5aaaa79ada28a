package server_test

// Native writes through the wire: every statement form, read back through
// lakegate and through iceberg-go directly (an independent Iceberg reader
// over the same catalog), refusals, concurrency across two gateways on one
// catalog, a crash in the middle of a large INSERT, and the INSERT ...
// SELECT throughput benchmark.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	"github.com/apache/iceberg-go/table"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
)

// writeGW is a gateway with the demo accounts and policy over a directory
// that a second gateway (another process, as far as the catalog can tell)
// and iceberg-go can open too.
type writeGW = gateway

// startWriteGW serves dir (seeding it on first use) with policyYAML, or
// the demo's policy when nil.
func startWriteGW(t testing.TB, dir string, policyYAML []byte) *writeGW {
	t.Helper()
	if policyYAML == nil {
		policyYAML = demo.Policy
	}
	return startGW(t, gwOptions{dir: dir, policy: policyYAML, retry: catalog.RetryPolicy{Attempts: 40}})
}

// exec runs a statement and returns its command tag.
func exec1(t testing.TB, c *pgx.Conn, sql string, args ...any) string {
	t.Helper()
	tag, err := c.Exec(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return tag.String()
}

// rowsOf runs a query through lakegate and returns its rows as sorted
// "v1|v2|..." strings (values in text form).
func rowsOf(t testing.TB, c *pgx.Conn, sql string) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var parts []string
		for _, raw := range rows.RawValues() {
			if raw == nil {
				parts = append(parts, "NULL")
			} else {
				parts = append(parts, string(raw))
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	sort.Strings(out)
	return out
}

// iceberg opens the gateway's catalog with iceberg-go alone.
func icebergCatalog(t testing.TB, dir string) *sqlcat.Catalog {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "catalog.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := sqlcat.NewCatalog("lakegate", db, sqlcat.SQLite, iceberg.Properties{"warehouse": "file://" + filepath.Join(dir, "warehouse")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func icebergTable(t testing.TB, dir, ns, name string) *table.Table {
	t.Helper()
	tbl, err := icebergCatalog(t, dir).LoadTable(context.Background(), table.Identifier{ns, name})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// icebergRows scans a table with iceberg-go (position and equality deletes
// applied by iceberg-go itself) and returns the named columns of every row
// as sorted "v1|v2|..." strings.
func icebergRows(t testing.TB, dir, ns, name string, cols ...string) []string {
	t.Helper()
	tbl := icebergTable(t, dir, ns, name)
	at, err := tbl.Scan(table.WithSelectedFields(cols...)).ToArrowTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer at.Release()
	idx := make([]int, len(cols))
	for i, c := range cols {
		f := at.Schema().FieldIndices(c)
		if len(f) != 1 {
			t.Fatalf("column %s not in %v", c, at.Schema())
		}
		idx[i] = f[0]
	}
	tr := array.NewTableReader(at, 1<<16)
	defer tr.Release()
	var out []string
	for tr.Next() {
		rec := tr.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			parts := make([]string, len(cols))
			for i, ci := range idx {
				col := rec.Column(ci)
				switch c := col.(type) {
				case *array.Boolean: // as Postgres prints it
					switch {
					case c.IsNull(r):
						parts[i] = "NULL"
					case c.Value(r):
						parts[i] = "t"
					default:
						parts[i] = "f"
					}
				case *array.Decimal128:
					if c.IsNull(r) {
						parts[i] = "NULL"
					} else {
						parts[i] = c.Value(r).ToString(c.DataType().(*arrow.Decimal128Type).Scale)
					}
				default:
					if col.IsNull(r) {
						parts[i] = "NULL"
					} else {
						parts[i] = col.ValueStr(r)
					}
				}
			}
			out = append(out, strings.Join(parts, "|"))
		}
	}
	sort.Strings(out)
	return out
}

// sameRows checks that lakegate and iceberg-go read the same rows.
func sameRows(t testing.TB, g *writeGW, c *pgx.Conn, ns, name string, cols ...string) []string {
	t.Helper()
	viaGW := rowsOf(t, c, fmt.Sprintf("select %s from %s.%s", strings.Join(cols, ", "), ns, name))
	viaIceberg := icebergRows(t, g.dir, ns, name, cols...)
	if strings.Join(viaGW, "\n") != strings.Join(viaIceberg, "\n") {
		t.Fatalf("%s.%s: lakegate and iceberg-go disagree\nlakegate:\n%s\niceberg-go:\n%s", ns, name,
			strings.Join(viaGW, "\n"), strings.Join(viaIceberg, "\n"))
	}
	return viaGW
}

func snapshotCount(t testing.TB, dir, ns, name string) int {
	t.Helper()
	return len(icebergTable(t, dir, ns, name).Metadata().Snapshots())
}

func parquetFiles(t testing.TB, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	_ = filepath.WalkDir(filepath.Join(dir, "warehouse"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			out[p] = true
		}
		return nil
	})
	return out
}

func TestNativeWriteStatements(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	ctx := context.Background()
	pay := g.as(t, "payments_svc")

	// CREATE TABLE with Iceberg types and a partition spec.
	if tag := exec1(t, pay, `create table payments.ledger (id bigint not null, name text, amount numeric(12,2),
		created_at timestamptz, tags text[]) with (partitioning = 'day(created_at), bucket(4, id)')`); tag != "CREATE TABLE" {
		t.Fatalf("tag %q", tag)
	}
	tbl := icebergTable(t, g.dir, "payments", "ledger")
	if tbl.Properties()["owner-domain"] != "payments" {
		t.Fatalf("owner-domain property: %v", tbl.Properties())
	}
	var spec []string
	ps := tbl.Spec()
	for _, f := range ps.Fields() {
		spec = append(spec, f.Name+"="+f.Transform.String())
	}
	if strings.Join(spec, ",") != "created_at_day=day,id_bucket=bucket[4]" {
		t.Fatalf("partition spec %v", spec)
	}
	if got := tbl.Schema().String(); !strings.Contains(got, "id: required long") || !strings.Contains(got, "amount: optional decimal(12, 2)") ||
		!strings.Contains(got, "created_at: optional timestamptz") || !strings.Contains(got, "tags: optional list<string>") {
		t.Fatalf("schema %s", got)
	}

	// INSERT ... VALUES, with and without a column list; extended protocol with parameters.
	if tag := exec1(t, pay, `insert into payments.ledger values
		(1, 'one', 1.50, '2026-03-01 10:00:00+00', ARRAY['a','b']),
		(2, 'two', 2.25, '2026-03-02 10:00:00+00', NULL),
		(3, 'three', 3.00, '2026-03-02 23:00:00+00', ARRAY[]::text[])`); tag != "INSERT 0 3" {
		t.Fatalf("tag %q", tag)
	}
	if tag := exec1(t, pay, `insert into payments.ledger (name, id) values ('four', 4)`); tag != "INSERT 0 1" {
		t.Fatalf("tag %q", tag)
	}
	if tag := exec1(t, pay, `insert into payments.ledger (id, name, amount, created_at) values ($1, $2, $3, $4)`,
		int64(5), "five", "5.55", time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC)); tag != "INSERT 0 1" {
		t.Fatalf("tag %q", tag)
	}
	// INSERT ... SELECT, reading a table of another domain (payments reads users.customers).
	if tag := exec1(t, pay, `insert into payments.ledger (id, name, amount, created_at)
		select 100 + id, name, id * 0.5, created_at from users.customers where id <= 10`); tag != "INSERT 0 10" {
		t.Fatalf("tag %q", tag)
	}
	cols := []string{"id", "name", "amount"}
	got := sameRows(t, g, pay, "payments", "ledger", cols...)
	if len(got) != 15 {
		t.Fatalf("%d rows after inserts: %v", len(got), got)
	}
	if rows := rowsOf(t, pay, "select id, array_to_string(tags, ',') from payments.ledger where id <= 3"); strings.Join(rows, ";") != "1|a,b;2|NULL;3|" {
		t.Fatalf("list column: %v", rows)
	}
	// Partitioned as declared: one file per (day, bucket) value.
	tasks, err := icebergTable(t, g.dir, "payments", "ledger").Scan().PlanFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		if task.File.Count() < 1 || len(task.File.Partition()) != 2 || len(task.File.LowerBoundValues()) == 0 {
			t.Fatalf("data file %s: count %d partition %v bounds %v", task.File.FilePath(), task.File.Count(), task.File.Partition(), task.File.LowerBoundValues())
		}
	}

	// UPDATE: values, and a row moving to another day partition.
	if tag := exec1(t, pay, `update payments.ledger set amount = amount * 2, name = upper(name) where id <= 2`); tag != "UPDATE 2" {
		t.Fatalf("tag %q", tag)
	}
	if tag := exec1(t, pay, `update payments.ledger l set created_at = l.created_at + interval '5 days' where id = 3`); tag != "UPDATE 1" {
		t.Fatalf("tag %q", tag)
	}
	if tag := exec1(t, pay, `update payments.ledger set name = 'none' where id = 999`); tag != "UPDATE 0" {
		t.Fatalf("tag %q", tag)
	}
	// UPDATE with a parameter and a subquery reading another table.
	if tag := exec1(t, pay, `update payments.ledger set name = $1 where id - 100 in (select id from users.customers where id <= 2)`, "from-customers"); tag != "UPDATE 2" {
		t.Fatalf("tag %q", tag)
	}
	got = sameRows(t, g, pay, "payments", "ledger", cols...)
	for _, want := range []string{"1|ONE|3.00", "2|TWO|4.50", "101|from-customers|0.50", "102|from-customers|1.00"} {
		if !contains(got, want) {
			t.Fatalf("after UPDATE, %q missing: %v", want, got)
		}
	}
	if r := rowsOf(t, pay, "select created_at::date::text from payments.ledger where id = 3"); r[0] != "2026-03-07" {
		t.Fatalf("moved row: %v", r)
	}
	if r := icebergRows(t, g.dir, "payments", "ledger", "id", "created_at"); !containsPrefix(r, "3|2026-03-07") {
		t.Fatalf("moved row through iceberg-go: %v", r)
	}

	// DELETE: one row; a whole day (dropped without a rewrite); with a subquery.
	before := snapshotCount(t, g.dir, "payments", "ledger")
	if tag := exec1(t, pay, `delete from payments.ledger where id = 1`); tag != "DELETE 1" {
		t.Fatalf("tag %q", tag)
	}
	if tag := exec1(t, pay, `delete from payments.ledger where created_at >= '2026-03-02' and created_at < '2026-03-03'`); tag != "DELETE 1" {
		t.Fatalf("tag %q", tag)
	}
	if tag := exec1(t, pay, `delete from payments.ledger where id in (select 100 + id from users.customers where id between 3 and 5)`); tag != "DELETE 3" {
		t.Fatalf("tag %q", tag)
	}
	if tag := exec1(t, pay, `delete from payments.ledger where false`); tag != "DELETE 0" {
		t.Fatalf("tag %q", tag)
	}
	if n := snapshotCount(t, g.dir, "payments", "ledger"); n != before+3 {
		t.Fatalf("%d snapshots after 3 deleting statements and one that deleted nothing (had %d)", n, before)
	}
	got = sameRows(t, g, pay, "payments", "ledger", cols...)
	if len(got) != 10 || contains(got, "1|ONE|3.00") || contains(got, "2|TWO|4.50") || containsPrefix(got, "103|") {
		t.Fatalf("after DELETE: %v", got)
	}
	// The snapshot summary names the statement and the caller.
	snap := icebergTable(t, g.dir, "payments", "ledger").CurrentSnapshot()
	if snap.Summary.Operation != table.OpOverwrite && snap.Summary.Operation != table.OpDelete ||
		snap.Summary.Properties["lakegate.statement"] != "DELETE" || snap.Summary.Properties["lakegate.user"] != "payments_svc" {
		t.Fatalf("snapshot summary %+v", snap.Summary)
	}

	// ALTER TABLE: add, rename, drop columns; old files read by field id.
	for _, stmt := range []string{
		`alter table payments.ledger add column note text`,
		`alter table payments.ledger rename column note to memo`,
		`alter table payments.ledger alter column id type bigint`,
	} {
		if tag := exec1(t, pay, stmt); tag != "ALTER TABLE" {
			t.Fatalf("%s: tag %q", stmt, tag)
		}
	}
	exec1(t, pay, `update payments.ledger set memo = 'm' || id::text where id >= 104`)
	got = sameRows(t, g, pay, "payments", "ledger", "id", "memo")
	if !contains(got, "106|m106") || !contains(got, "3|NULL") || !contains(got, "101|NULL") {
		t.Fatalf("memo column: %v", got)
	}
	exec1(t, pay, `alter table payments.ledger drop column memo`)
	if s := icebergTable(t, g.dir, "payments", "ledger").Schema().String(); strings.Contains(s, "memo") || strings.Contains(s, "note") {
		t.Fatalf("schema after drop: %s", s)
	}

	// COMMENT ON TABLE / COLUMN.
	if tag := exec1(t, pay, `comment on table payments.ledger is 'money in and out'`); tag != "COMMENT" {
		t.Fatalf("tag %q", tag)
	}
	exec1(t, pay, `comment on column payments.ledger.amount is 'in EUR'`)
	tbl = icebergTable(t, g.dir, "payments", "ledger")
	if tbl.Properties()["comment"] != "money in and out" {
		t.Fatalf("table comment: %v", tbl.Properties())
	}
	if f, _ := tbl.Schema().FindFieldByName("amount"); f.Doc != "in EUR" {
		t.Fatalf("column comment %q", f.Doc)
	}

	// CREATE TABLE ... AS, partitioned; the tag is Postgres's SELECT n.
	if tag := exec1(t, pay, `create table payments.ledger_copy with (partitioning = 'bucket(2, id)') as
		select id, name, amount from payments.ledger where id > 100`); tag != "SELECT 7" {
		t.Fatalf("tag %q", tag)
	}
	got = sameRows(t, g, pay, "payments", "ledger_copy", "id", "name", "amount")
	if len(got) != 7 {
		t.Fatalf("copy: %v", got)
	}
	if icebergTable(t, g.dir, "payments", "ledger_copy").Properties()["owner-domain"] != "payments" {
		t.Fatal("CREATE TABLE AS: no owner-domain property")
	}
	if tag := exec1(t, pay, `create table payments.ledger_empty (n) as select 1 with no data`); tag != "SELECT 0" {
		t.Fatalf("tag %q", tag)
	}
	// A CTE feeding an INSERT.
	if tag := exec1(t, pay, `with big as (select id from payments.ledger where id > 105) insert into payments.ledger_empty select count(*) from big`); tag != "INSERT 0 1" {
		t.Fatalf("tag %q", tag)
	}
	if got := sameRows(t, g, pay, "payments", "ledger_empty", "n"); strings.Join(got, ",") != "5" {
		t.Fatalf("ledger_empty: %v", got)
	}

	// TRUNCATE and DROP TABLE.
	if tag := exec1(t, pay, `truncate payments.ledger_copy`); tag != "TRUNCATE TABLE" {
		t.Fatalf("tag %q", tag)
	}
	if got := sameRows(t, g, pay, "payments", "ledger_copy", "id"); len(got) != 0 {
		t.Fatalf("after truncate: %v", got)
	}
	if tag := exec1(t, pay, `drop table payments.ledger_copy`); tag != "DROP TABLE" {
		t.Fatalf("tag %q", tag)
	}
	if _, err := pay.Exec(ctx, `select * from payments.ledger_copy`); sqlState(err) != "42P01" {
		t.Fatalf("dropped table still readable: %v", err)
	}
	if _, err := icebergCatalog(t, g.dir).LoadTable(ctx, table.Identifier{"payments", "ledger_copy"}); !errors.Is(err, icecat.ErrNoSuchTable) {
		t.Fatalf("iceberg-go still loads the dropped table: %v", err)
	}
	if tag := exec1(t, pay, `drop table if exists payments.ledger_copy`); tag != "DROP TABLE" {
		t.Fatalf("tag %q", tag)
	}
	// Other domains read the new table as external, per the policy: comms
	// has no grant on it, so for comms it does not exist.
	if _, err := g.as(t, "comms_svc").Exec(ctx, `select * from payments.ledger`); sqlState(err) != "42P01" {
		t.Fatalf("comms reads payments.ledger: %v", err)
	}
	if n := len(rowsOf(t, g.as(t, "analyst"), `select id from payments.ledger`)); n != 10 {
		t.Fatalf("analyst reads %d rows", n)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsPrefix(list []string, p string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, p) {
			return true
		}
	}
	return false
}

// DELETE and UPDATE on the seeded, day-partitioned payments.charges (1000
// rows over 90 days), checked against iceberg-go after every statement.
func TestRewritePartitionedTable(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	pay := g.as(t, "payments_svc")
	cols := []string{"id", "customer_id", "amount", "status"}
	all := sameRows(t, g, pay, "payments", "charges", cols...)
	if len(all) != 1000 {
		t.Fatalf("%d rows", len(all))
	}
	// Each statement's tag must equal what a count with the same condition
	// says just before it runs.
	steps := []struct{ sql, verb, count string }{
		{`delete from payments.charges where created_at < '2026-01-10'`, "DELETE", // whole partitions
			`select count(*) from payments.charges where created_at < '2026-01-10'`},
		{`delete from payments.charges where status = 'failed'`, "DELETE", // rows in every partition
			`select count(*) from payments.charges where status = 'failed'`},
		{`update payments.charges set amount = amount + 1 where id % 7 = 0`, "UPDATE",
			`select count(*) from payments.charges where id % 7 = 0`},
		{`update payments.charges set status = 'disputed' where created_at >= '2026-03-01'`, "UPDATE", // pruned
			`select count(*) from payments.charges where created_at >= '2026-03-01'`},
		{`delete from payments.charges c using users.customers u where u.id = c.customer_id and u.country = 'DE'`, "DELETE",
			`select count(*) from payments.charges c where exists (select 1 from users.customers u where u.id = c.customer_id and u.country = 'DE')`},
	}
	for _, st := range steps {
		want := st.verb + " " + rowsOf(t, pay, st.count)[0]
		if tag := exec1(t, pay, st.sql); tag != want || strings.HasSuffix(tag, " 0") {
			t.Fatalf("%s: tag %q, want %q (and not 0)", st.sql, tag, want)
		}
		sameRows(t, g, pay, "payments", "charges", cols...)
	}
	got := rowsOf(t, pay, `select count(*), count(*) filter (where status = 'failed'), count(*) filter (where created_at < '2026-01-10') from payments.charges`)
	if len(got) != 1 || !strings.HasSuffix(got[0], "|0|0") {
		t.Fatalf("after deletes: %v", got)
	}
	if de := rowsOf(t, pay, `select count(*) from payments.charges c join users.customers u on u.id = c.customer_id where u.country = 'DE'`); de[0] != "0" {
		t.Fatalf("DELETE USING left %s rows", de[0])
	}
}

// Writes that must be refused, with the SQLSTATE a client sees, change
// nothing: no snapshot, no file.
func TestWriteRefusals(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	ctx := context.Background()
	pay := g.as(t, "payments_svc")
	exec1(t, pay, `create table payments.w (id bigint not null, v text)`)
	exec1(t, pay, `insert into payments.w values (1, 'a')`)
	conns := map[string]*pgx.Conn{"payments_svc": pay, "comms_svc": g.as(t, "comms_svc"), "analyst": g.as(t, "analyst"), "users_svc": g.as(t, "users_svc")}
	snapsW := snapshotCount(t, g.dir, "payments", "w")
	snapsCharges := snapshotCount(t, g.dir, "payments", "charges")
	files := parquetFiles(t, g.dir)
	cases := []struct{ user, sql, state string }{
		// external tables: 42501, whatever the statement's form
		{"comms_svc", `create table payments.x (a int)`, "42501"},
		{"comms_svc", `create table payments.x as select 1`, "42501"},
		{"comms_svc", `comment on table payments.charges is 'x'`, "42501"},
		{"comms_svc", `comment on column payments.charges.amount is 'x'`, "42501"},
		{"comms_svc", `merge into payments.charges c using comms.bounces b on b.id = c.id when matched then delete`, "42501"},
		{"comms_svc", `update payments.charges set (amount, status) = (0, 'x')`, "42501"},
		{"comms_svc", `update payments.charges set amount = 0 returning id`, "42501"},
		{"comms_svc", `with d as (delete from payments.charges returning *) insert into comms.bounces select id, customer_id, 'x', 'y', created_at from d`, "42501"},
		{"comms_svc", `insert into payments.charges select * from payments.charges`, "42501"},
		{"comms_svc", `alter table payments.charges rename column amount to amt`, "42501"},
		{"analyst", `insert into users.customers (id) values (1)`, "42501"},
		{"analyst", `create table users.mine (a int)`, "42501"},
		{"users_svc", `create table payments.y (a int)`, "42501"},
		{"analyst", `drop table payments.w`, "42501"},
		{"payments_svc", `create table nobody.t (a int)`, "42501"}, // no owner for that namespace
		// hidden tables are missing
		{"payments_svc", `insert into comms.bounces (id) values (1)`, "42P01"},
		{"payments_svc", `drop table comms.bounces`, "42P01"},
		{"users_svc", `drop table payments.w`, "42P01"},
		{"payments_svc", `insert into payments.w select id, 'x' from comms.bounces`, "42P01"},
		// native, but wrong
		{"payments_svc", `insert into payments.w values (null, 'x')`, "23502"},
		{"payments_svc", `insert into payments.w (v) values ('x')`, "23502"},
		{"payments_svc", `insert into payments.w select case when i = 70000 then null else i end, 'x' from range(100000) t(i)`, "23502"},
		{"payments_svc", `insert into payments.w select i, case when i = 70000 then error('boom') else 'x' end from range(100000) t(i)`, "22023"},
		{"payments_svc", `insert into payments.w (id, nope) values (1, 'x')`, "42703"},
		{"payments_svc", `update payments.w set nope = 1`, "42703"},
		{"payments_svc", `insert into payments.w values (1, 'a', 3)`, "42601"},
		{"payments_svc", `insert into payments.w (id, v) values (1)`, "42601"},
		{"payments_svc", `insert into payments.w values ('x', 'a')`, "22P02"},
		{"payments_svc", `insert into payments.w values (2, 'b') returning id`, "0A000"},
		{"payments_svc", `insert into payments.w values (2, 'b') on conflict ((id + 1)) do nothing`, "0A000"},
		{"payments_svc", `update payments.w set v = 'x' from users.customers c where c.id = w.id`, "0A000"},
		{"payments_svc", `with d as (delete from payments.w returning *) select * from d`, "0A000"},
		{"payments_svc", `explain delete from payments.w`, "0A000"},
		{"payments_svc", `create table payments.w (a int)`, "42P07"},
		{"payments_svc", `alter table payments.w add column v text`, "42701"},
		{"payments_svc", `alter table payments.w drop column nope`, "42703"},
		{"payments_svc", `alter table payments.w add column n int not null`, "0A000"},
		{"payments_svc", `create table payments.z (a money)`, "0A000"},
		{"payments_svc", `create table payments.z (a numeric)`, "0A000"},
		{"payments_svc", `create table payments.z (a int default 1)`, "0A000"},
		{"payments_svc", `create table payments.z (a int) with (partitioning = 'day(a)')`, "0A000"},
		{"payments_svc", `create table payments.z (a int) with (partitioning = 'bucket(4, b)')`, "42703"},
		{"payments_svc", `create table payments.z (a int, a text)`, "42701"},
		{"payments_svc", `insert payments.w values (1)`, "42601"},
		{"payments_svc", `delete payments.w`, "42601"},
		// procedures
		{"comms_svc", `call lakegate.expire_snapshots('payments.charges', older_than => '0s')`, "42501"},
		{"users_svc", `call lakegate.expire_snapshots('payments.w')`, "42P01"},
		{"payments_svc", `call lakegate.expire_snapshots('comms.bounces')`, "42P01"},
		{"payments_svc", `call lakegate.nope('payments.w')`, "42883"},
		{"payments_svc", `call public.expire_snapshots('payments.w')`, "42883"},
		{"payments_svc", `call lakegate.expire_snapshots('payments.w', keep => 1)`, "42883"},
		{"payments_svc", `call lakegate.expire_snapshots(older_than => '1 day')`, "42883"},
		{"payments_svc", `call lakegate.expire_snapshots('payments.w', older_than => '1 month')`, "22P02"},
		{"payments_svc", `call lakegate.expire_snapshots('payments.w', retain_last => 0)`, "22023"},
		{"payments_svc", `call lakegate.expire_snapshots('payments.w', retain_last => now())`, "22023"},
		{"payments_svc", `call lakegate.expire_snapshots('payments.w' 'x')`, "42601"},
		{"payments_svc", `call lakegate.expire_snapshots('payments.w'`, "42601"},
	}
	for _, c := range cases {
		_, err := conns[c.user].Exec(ctx, c.sql)
		if got := sqlState(err); got != c.state {
			t.Errorf("%s as %s: %v (SQLSTATE %q), want %s", c.sql, c.user, err, got, c.state)
		}
	}
	if n := snapshotCount(t, g.dir, "payments", "w"); n != snapsW {
		t.Errorf("payments.w: %d snapshots, had %d", n, snapsW)
	}
	if n := snapshotCount(t, g.dir, "payments", "charges"); n != snapsCharges {
		t.Errorf("payments.charges: %d snapshots, had %d", n, snapsCharges)
	}
	after := parquetFiles(t, g.dir)
	for f := range after {
		if !files[f] {
			t.Errorf("file left behind by a refused statement: %s", f)
		}
	}
	if got := sameRows(t, g, pay, "payments", "w", "id", "v"); strings.Join(got, ",") != "1|a" {
		t.Errorf("payments.w: %v", got)
	}
	for _, ns := range []string{"payments", "nobody"} {
		for _, name := range []string{"x", "y", "z"} {
			if _, err := icebergCatalog(t, g.dir).LoadTable(ctx, table.Identifier{ns, name}); !errors.Is(err, icecat.ErrNoSuchTable) {
				t.Errorf("%s.%s exists after a refused CREATE: %v", ns, name, err)
			}
		}
	}
}

// Inside BEGIN ... COMMIT a write is refused (0A000): the block fails and
// COMMIT rolls back; nothing is half-applied. Outside, statements of one
// query string run in order (a table created by the first is written by
// the second).
func TestWriteInTransactionRefused(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	ctx := context.Background()
	pay := g.as(t, "payments_svc")
	res, err := pay.PgConn().Exec(ctx, `create table payments.tx (id bigint); insert into payments.tx values (1), (2); insert into payments.tx select 3`).ReadAll()
	if err != nil {
		t.Fatalf("create and insert in one query string: %v", err)
	}
	if len(res) != 3 || res[0].CommandTag.String() != "CREATE TABLE" || res[1].CommandTag.String() != "INSERT 0 2" || res[2].CommandTag.String() != "INSERT 0 1" {
		t.Fatalf("tags: %v", res)
	}
	snaps := snapshotCount(t, g.dir, "payments", "tx")
	// simple protocol, one query string
	_, err = pay.PgConn().Exec(ctx, `begin; insert into payments.tx values (4); commit`).ReadAll()
	if sqlState(err) != "0A000" || !strings.Contains(err.Error(), "transaction block") {
		t.Fatalf("insert inside BEGIN: %v", err)
	}
	if tag := exec1(t, pay, "rollback"); tag != "ROLLBACK" {
		t.Fatalf("tag %q", tag)
	}
	// extended protocol, statement by statement
	exec1(t, pay, "begin")
	if _, err := pay.Exec(ctx, `delete from payments.tx where id = 1`); sqlState(err) != "0A000" {
		t.Fatalf("delete inside BEGIN: %v", err)
	}
	if _, err := pay.Exec(ctx, `select 1`); sqlState(err) != "25P02" {
		t.Fatalf("after the refused write the block must be failed: %v", err)
	}
	if tag := exec1(t, pay, "commit"); tag != "ROLLBACK" {
		t.Fatalf("COMMIT of a failed block: tag %q", tag)
	}
	if n := snapshotCount(t, g.dir, "payments", "tx"); n != snaps {
		t.Fatalf("%d snapshots, had %d", n, snaps)
	}
	if got := sameRows(t, g, pay, "payments", "tx", "id"); strings.Join(got, ",") != "1,2,3" {
		t.Fatalf("rows %v", got)
	}
}

// INSERT ... SELECT reads other domains' tables as the caller may: their
// row filter and masks apply to what lands in the native table.
func TestInsertSelectAppliesReadPolicy(t *testing.T) {
	t.Parallel()
	policyYAML := strings.Replace(string(demo.Policy), `  - subjects: [domain:comms]
    objects: [users.customers, payments.charges]
    privileges: [read]`, `  - subjects: [domain:comms]
    objects: [users.customers]
    privileges: [read]
    row_filter: "country = 'DE'"
    masks:
      email: "'hidden'"
  - subjects: [domain:comms]
    objects: [payments.charges]
    privileges: [read]`, 1)
	if policyYAML == string(demo.Policy) {
		t.Fatal("demo policy changed: grant #2 not found")
	}
	g := startWriteGW(t, t.TempDir(), []byte(policyYAML))
	comms := g.as(t, "comms_svc")
	if tag := exec1(t, comms, `create table comms.contacts as select id, email, country from users.customers`); !strings.HasPrefix(tag, "SELECT ") {
		t.Fatalf("tag %q", tag)
	}
	exec1(t, comms, `insert into comms.contacts select id + 1000, email, country from users.customers where id <= 20`)
	got := sameRows(t, g, comms, "comms", "contacts", "id", "email", "country")
	want := rowsOf(t, g.as(t, "users_svc"), `select id::text, 'hidden', country from users.customers where country = 'DE'
		union all select (id + 1000)::text, 'hidden', country from users.customers where country = 'DE' and id <= 20`)
	if len(got) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("stored rows:\n%s\nwant (DE only, e-mail masked):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// 8 writers x 40 INSERTs into one table through two gateways sharing the
// catalog (so commits really race through the catalog's optimistic check):
// every batch is there exactly once, read through lakegate and iceberg-go.
// A gateway retries a conflicting commit a bounded number of times and then
// fails the statement with 40001, having written nothing; like any Postgres
// application, the writers run the statement again on 40001.
//
// LAKEGATE_STRESS_BATCHES sets the INSERTs per writer (the stress
// run is 100). Every commit writes, and every load parses, metadata that
// lists all snapshots so far, so the CPU grows with the square of the
// commits: under the race detector 800 commits took 5-6 CPU minutes, most
// of it encoding/json; 320 keep all 8 writers racing on both gateways.
func TestConcurrentInsertsTwoGateways(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gws := []*writeGW{startWriteGW(t, dir, nil), startWriteGW(t, dir, nil)}
	ctx := context.Background()
	exec1(t, gws[0].as(t, "payments_svc"), `create table payments.batches (writer int not null, batch int not null, item int not null)`)
	const writers, items = 8, 3
	batches := stressBatches(t, 40)
	var serializationFailures atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		c := gws[w%2].as(t, "payments_svc")
		wg.Add(1)
		go func(w int, c *pgx.Conn) {
			defer wg.Done()
			for b := 0; b < batches; b++ {
				tag, err := c.Exec(ctx, `insert into payments.batches select $1::int, $2::int, i::int from range(3) t(i)`, w, b)
				for tries := 1; err != nil && sqlState(err) == "40001" && tries < 20; tries++ {
					serializationFailures.Add(1)
					tag, err = c.Exec(ctx, `insert into payments.batches select $1::int, $2::int, i::int from range(3) t(i)`, w, b)
				}
				if err != nil || tag.String() != fmt.Sprintf("INSERT 0 %d", items) {
					errs <- fmt.Errorf("writer %d batch %d: %q %v", w, b, tag, err)
					return
				}
			}
		}(w, c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("%d INSERTs in %s, %d of them failed with 40001 and were run again", writers*batches, time.Since(start).Round(time.Millisecond), serializationFailures.Load())
	for i, g := range gws {
		got := rowsOf(t, g.as(t, "payments_svc"), `select count(*), count(distinct (writer, batch)), count(distinct (writer, batch, item)) from payments.batches`)
		if want := fmt.Sprintf("%d|%d|%d", writers*batches*items, writers*batches, writers*batches*items); got[0] != want {
			t.Fatalf("gateway %d: rows|batches|distinct rows = %s, want %s", i, got[0], want)
		}
	}
	rows := icebergRows(t, dir, "payments", "batches", "writer", "batch", "item")
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r] {
			t.Fatalf("iceberg-go reads row %s twice", r)
		}
		seen[r] = true
	}
	for w := 0; w < writers; w++ {
		for b := 0; b < batches; b++ {
			for i := 0; i < items; i++ {
				if !seen[fmt.Sprintf("%d|%d|%d", w, b, i)] {
					t.Fatalf("iceberg-go: batch %d/%d item %d missing", w, b, i)
				}
			}
		}
	}
	if n := snapshotCount(t, dir, "payments", "batches"); n != writers*batches {
		t.Fatalf("%d snapshots for %d INSERTs", n, writers*batches)
	}
}

// UPDATEs from two gateways and INSERTs interleave on one table: no update
// is lost (each UPDATE sees the rows the previous ones committed) and no
// inserted row is lost.
func TestConcurrentUpdatesAndInserts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gws := []*writeGW{startWriteGW(t, dir, nil), startWriteGW(t, dir, nil)}
	ctx := context.Background()
	setup := gws[0].as(t, "payments_svc")
	exec1(t, setup, `create table payments.counters (id int not null, n int not null, late boolean not null) with (partitioning = 'bucket(4, id)')`)
	exec1(t, setup, `insert into payments.counters select i, 0, false from range(40) t(i)`)
	const updaters, updates, inserters, inserts = 2, 8, 2, 8
	var wg sync.WaitGroup
	errs := make(chan error, updaters+inserters)
	for u := 0; u < updaters; u++ {
		c := gws[u%2].as(t, "payments_svc")
		wg.Add(1)
		go func(c *pgx.Conn) {
			defer wg.Done()
			for i := 0; i < updates; i++ {
				if tag, err := c.Exec(ctx, `update payments.counters set n = n + 1 where not late`); err != nil || !strings.HasPrefix(tag.String(), "UPDATE ") {
					errs <- fmt.Errorf("update: %q %v", tag, err)
					return
				}
			}
		}(c)
	}
	for w := 0; w < inserters; w++ {
		c := gws[w%2].as(t, "payments_svc")
		wg.Add(1)
		go func(w int, c *pgx.Conn) {
			defer wg.Done()
			for i := 0; i < inserts; i++ {
				if _, err := c.Exec(ctx, `insert into payments.counters values ($1, 0, true)`, 1000+w*100+i); err != nil {
					errs <- fmt.Errorf("insert: %v", err)
					return
				}
			}
		}(w, c)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := rowsOf(t, setup, `select late, count(*), min(n), max(n) from payments.counters group by late`)
	if want := []string{fmt.Sprintf("f|40|%d|%d", updaters*updates, updaters*updates), fmt.Sprintf("t|%d|0|0", inserters*inserts)}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("late|rows|min|max = %v, want %v", got, want)
	}
	sameRows(t, gws[1], gws[1].as(t, "payments_svc"), "payments", "counters", "id", "n", "late")
}

// An owner expires old snapshots of a native table with CALL: history
// shrinks, files only expired snapshots read are deleted, the rows stay
// (read by lakegate and by iceberg-go), and a read-only transaction or a
// transaction block refuses it like any write.
func TestExpireSnapshotsProcedure(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	ctx := context.Background()
	pay := g.as(t, "payments_svc")
	exec1(t, pay, `create table payments.hist (id bigint not null, v text)`)
	for i := 1; i <= 4; i++ {
		exec1(t, pay, fmt.Sprintf(`insert into payments.hist values (%d, 'v%d')`, i, i))
	}
	exec1(t, pay, `delete from payments.hist where id = 1`)
	exec1(t, pay, `update payments.hist set v = 'x' where id = 2`)
	if n := snapshotCount(t, g.dir, "payments", "hist"); n != 6 {
		t.Fatalf("%d snapshots before expiry, want 6", n)
	}
	files := len(parquetFiles(t, g.dir))
	// The default age (5 days) keeps them all.
	if tag := exec1(t, pay, `call lakegate.expire_snapshots('payments.hist')`); tag != "CALL" {
		t.Fatalf("tag %q", tag)
	}
	if n := snapshotCount(t, g.dir, "payments", "hist"); n != 6 {
		t.Fatalf("%d snapshots after a default expiry, want 6", n)
	}
	if _, err := pay.Exec(ctx, `begin read only; call lakegate.expire_snapshots('payments.hist', older_than => '0s'); commit`); sqlState(err) != "25006" {
		t.Fatalf("CALL in a read-only transaction: %v", err)
	}
	exec1(t, pay, `rollback`)
	exec1(t, pay, `call lakegate.expire_snapshots(table => 'payments.hist', retain_last => 3, older_than => interval '0 seconds')`+
		`; set search_path = payments; call lakegate.expire_snapshots('hist', interval '0s', 2)`)
	if n := snapshotCount(t, g.dir, "payments", "hist"); n != 2 {
		t.Fatalf("%d snapshots after expiry, want 2", n)
	}
	if after := len(parquetFiles(t, g.dir)); after >= files {
		t.Fatalf("%d data files after expiry, %d before: nothing deleted", after, files)
	}
	if got := sameRows(t, g, pay, "payments", "hist", "id", "v"); strings.Join(got, ",") != "2|x,3|v3,4|v4" {
		t.Fatalf("rows after expiry: %v", got)
	}
}

// liveDataFiles counts the data files of a table's current snapshot, as
// iceberg-go plans them.
func liveDataFiles(t testing.TB, dir, ns, name string) int {
	t.Helper()
	tasks, err := icebergTable(t, dir, ns, name).Scan().PlanFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(tasks)
}

func TestCompactProcedure(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	ctx := context.Background()
	pay := g.as(t, "payments_svc")
	exec1(t, pay, `create table payments.small (id bigint not null, v text)`)
	for i := 0; i < 8; i++ {
		exec1(t, pay, fmt.Sprintf(`insert into payments.small select i, 'v' || i from range(%d, %d) t(i)`, i*10, i*10+10))
	}
	exec1(t, pay, `delete from payments.small where id in (3, 4)`)
	exec1(t, pay, `update payments.small set v = 'x' where id = 15`)
	want := sameRows(t, g, pay, "payments", "small", "id", "v")
	if len(want) != 78 {
		t.Fatalf("%d rows before compaction, want 78", len(want))
	}
	before := liveDataFiles(t, g.dir, "payments", "small")
	if before < 8 {
		t.Fatalf("%d live data files before compaction, want at least 8", before)
	}
	// The default asks for 5 small files of a partition: there are more.
	if tag := exec1(t, pay, `call lakegate.compact('payments.small')`); tag != "CALL" {
		t.Fatalf("tag %q", tag)
	}
	if n := liveDataFiles(t, g.dir, "payments", "small"); n != 1 {
		t.Fatalf("%d live data files after compaction, want 1 (were %d)", n, before)
	}
	if got := sameRows(t, g, pay, "payments", "small", "id", "v"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("rows after compaction:\n%v\nwant\n%v", got, want)
	}
	snap := icebergTable(t, g.dir, "payments", "small").CurrentSnapshot()
	if snap.Summary == nil || snap.Summary.Operation != table.OpReplace {
		t.Fatalf("compaction committed %+v, want a replace snapshot", snap.Summary)
	}
	// One file left: nothing to do, no commit.
	snaps := snapshotCount(t, g.dir, "payments", "small")
	exec1(t, pay, `call lakegate.compact(table => 'payments.small', min_input_files => 1)`)
	if n := snapshotCount(t, g.dir, "payments", "small"); n != snaps {
		t.Fatalf("%d snapshots after compacting one file, want %d", n, snaps)
	}
	// Readers of another domain may not compact; writes go on after it.
	ana := g.as(t, "analyst")
	if _, err := ana.Exec(ctx, `call lakegate.compact('payments.charges')`); sqlState(err) != "42501" {
		t.Fatalf("analyst compacting payments.charges: %v (SQLSTATE %s)", err, sqlState(err))
	}
	if _, err := pay.Exec(ctx, `call lakegate.compact('payments.small', min_input_files => 'many')`); sqlState(err) != "22023" {
		t.Fatalf("bad argument: %v (SQLSTATE %s)", err, sqlState(err))
	}
	exec1(t, pay, `insert into payments.small values (1000, 'after')`)
	if got := sameRows(t, g, pay, "payments", "small", "id", "v"); len(got) != 79 {
		t.Fatalf("%d rows after an insert following compaction, want 79", len(got))
	}
}

func TestRemoveOrphanFilesProcedure(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	ctx := context.Background()
	pay := g.as(t, "payments_svc")
	exec1(t, pay, `create table payments.orph (id bigint not null, v text)`)
	for i := 0; i < 3; i++ {
		exec1(t, pay, fmt.Sprintf(`insert into payments.orph values (%d, 'v%d')`, i, i))
	}
	exec1(t, pay, `update payments.orph set v = 'x' where id = 1`)
	// Every file the table has is old: age alone protects none of them.
	old := time.Now().Add(-96 * time.Hour)
	tableDir := strings.TrimPrefix(icebergTable(t, g.dir, "payments", "orph").Location(), "file://")
	var live []string
	_ = filepath.WalkDir(tableDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			live = append(live, p)
			_ = os.Chtimes(p, old, old)
		}
		return nil
	})
	if len(live) == 0 {
		t.Fatalf("no files under %s", tableDir)
	}
	// What a crashed write leaves: an old stray data file, and a young one.
	data, err := os.ReadFile(live[len(live)-1])
	if err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(tableDir, "data", "00000-0-crashed-00001.parquet")
	young := filepath.Join(tableDir, "data", "00000-0-inflight-00001.parquet")
	for _, p := range []string{stray, young} {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.Chtimes(stray, old, old)

	// A writer keeps appending while the orphans are removed.
	w := g.as(t, "payments_svc")
	stop := make(chan struct{})
	done := make(chan int)
	var inserted atomic.Int64
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				done <- n
				return
			default:
			}
			if _, err := w.Exec(ctx, fmt.Sprintf(`insert into payments.orph values (%d, 'w')`, 100+n)); err != nil {
				t.Errorf("insert during orphan removal: %v", err)
				done <- n
				return
			}
			n++
			inserted.Add(1)
		}
	}()
	for i := 0; i < 3 || inserted.Load() < 3; i++ {
		exec1(t, pay, `call lakegate.remove_orphan_files('payments.orph', older_than => '2 days')`)
	}
	close(stop)
	n := <-done
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Fatalf("the old orphan is still there: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Fatalf("the young orphan was removed: %v", err)
	}
	got := sameRows(t, g, pay, "payments", "orph", "id", "v")
	if len(got) != 3+n {
		t.Fatalf("%d rows after orphan removal with %d concurrent inserts, want %d", len(got), n, 3+n)
	}
	if _, err := pay.Exec(ctx, `call lakegate.remove_orphan_files('payments.orph', older_than => '10 minutes')`); sqlState(err) != "22023" {
		t.Fatalf("an age under an hour: %v (SQLSTATE %s)", err, sqlState(err))
	}
	ana := g.as(t, "analyst")
	if _, err := ana.Exec(ctx, `call lakegate.remove_orphan_files('payments.charges')`); sqlState(err) != "42501" {
		t.Fatalf("analyst: %v (SQLSTATE %s)", err, sqlState(err))
	}
}

// A write's source query computes its values in the engine: the exact
// numeric division that result columns get (issue 14) must not reach a
// table's rows. INSERT ... SELECT, INSERT ... VALUES, UPDATE and MERGE
// with a numeric division store the quotient, as PostgreSQL does.
func TestWritesWithNumericDivision(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	pay := g.as(t, "payments_svc")
	exec1(t, pay, `create table payments.quot (id bigint not null, amount numeric(12,2))`)
	exec1(t, pay, `insert into payments.quot select i, (i % 1000) / 100.0 from range(3) t(i)`)
	exec1(t, pay, `insert into payments.quot values (10, 10::numeric / 4)`)
	exec1(t, pay, `update payments.quot set amount = amount / 2 where id = 10`)
	exec1(t, pay, `merge into payments.quot q using (values (2, 7::numeric)) v(id, x) on q.id = v.id
		when matched then update set amount = v.x / 4`)
	got := strings.Join(rowsOf(t, pay, `select id, amount from payments.quot order by id`), " ")
	if want := "0|0.00 10|1.25 1|0.01 2|1.75"; got != want { // sorted as text
		t.Fatalf("rows %s, want %s", got, want)
	}
}
