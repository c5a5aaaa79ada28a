package server_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/rest"
	"github.com/apache/iceberg-go/table"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/weedtest"
	"github.com/lakegate/lakegate/server"
)

// Tables in object storage behind a real Iceberg REST catalog: SeaweedFS
// (internal/weedtest), S3 and its embedded catalog on loopback.

// psqlRows runs sql through psql as user and returns its rows, "|"-separated.
func psqlRows(t *testing.T, g *gateway, user, sql string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(g.addr)
	cmd := exec.Command("psql", "-X", "-A", "-t", "-F", "|", "-h", host, "-p", port, "-U", user, "lakegate", "-c", sql)
	if g.policyPath != "" {
		cmd.Env = append(cmd.Environ(), "PGPASSWORD=pw-"+user)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql %s: %v\n%s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestCrossDomainJoinAlikeOnSeaweedFS runs the README's cross-domain join
// (and the masked and filtered reads of the demo policy) on the demo
// domains created in SeaweedFS through its REST catalog and on the
// embedded default, seeded alike: the answers must be the same.
func TestCrossDomainJoinAlikeOnSeaweedFS(t *testing.T) {
	t.Parallel()
	store := weedtest.Start(t)
	sizes := demo.Sizes{Customers: 2000, Charges: 50_000, Bounces: 500}
	local := startGW(t, gwOptions{sizes: sizes, policy: demo.Policy})
	remote := startGW(t, gwOptions{sizes: sizes, policy: demo.Policy, store: store})
	for _, q := range []struct{ user, sql string }{
		{"analyst", acceptanceQuery + " order by 1"},
		{"analyst", "select email, count(*) from users.customers group by 1 order by 2 desc, 1 limit 3"},
		{"comms_svc", "select b.channel, count(*), sum(ch.amount) from comms.bounces b join payments.charges ch on ch.customer_id = b.customer_id group by 1 order by 1"},
		{"payments_svc", "select count(*), min(email) from users.customers"},
	} {
		want := psqlRows(t, local, q.user, q.sql)
		got := psqlRows(t, remote, q.user, q.sql)
		if want == "" || got != want {
			t.Errorf("%s as %s:\nSeaweedFS:\n%s\nembedded:\n%s", q.sql, q.user, got, want)
		}
	}
	// The engine read the files from local copies, fetched once.
	st := remote.cat.FileCache().Stats()
	if st.Fetches == 0 || st.Hits == 0 || st.Bytes > st.Peak || st.Peak > 1<<30 {
		t.Fatalf("file cache stats %+v", st)
	}
}

// restCatalogOf is an iceberg-go REST catalog client of store, as another
// engine writing into it would have.
func restCatalogOf(t *testing.T, store *weedtest.Server) *rest.Catalog {
	t.Helper()
	props := iceberg.Properties{}
	for k, v := range store.Properties() {
		props[k] = v
	}
	cat, err := rest.NewCatalog(context.Background(), "other-engine", store.CatalogURI,
		rest.WithSigV4RegionSvc(weedtest.Region, "s3tables"),
		rest.WithAwsConfig(aws.Config{Region: weedtest.Region, Credentials: credentials.NewStaticCredentialsProvider(store.AccessKey, store.SecretKey, "")}),
		rest.WithWarehouseLocation("s3://"+weedtest.Bucket), rest.WithAdditionalProps(props))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestSeaweedFSTableWrittenByIcebergGo reads a table another engine
// (iceberg-go itself) wrote into SeaweedFS, with a merge-on-read delete:
// position-delete files naming s3:// data files.
func TestSeaweedFSTableWrittenByIcebergGo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := weedtest.Start(t)
	other := restCatalogOf(t, store)
	if err := other.CreateNamespace(ctx, table.Identifier{"ext"}, nil); err != nil {
		t.Fatal(err)
	}
	schema := eventsSchema()
	tbl, err := other.CreateTable(ctx, table.Identifier{"ext", "events"}, schema,
		icecat.WithProperties(iceberg.Properties{"format-version": "2", "write.delete.mode": "merge-on-read"}))
	if err != nil {
		t.Fatal(err)
	}
	for part := 0; part < 2; part++ {
		tbl = appendEvents(t, tbl, part*1000, (part+1)*1000)
	}
	// Rows 100..149 and 1500 go, as position deletes (merge-on-read).
	filter := iceberg.NewOr(
		iceberg.NewAnd(iceberg.GreaterThanEqual(iceberg.Reference("id"), int64(100)), iceberg.LessThan(iceberg.Reference("id"), int64(150))),
		iceberg.EqualTo(iceberg.Reference("id"), int64(1500)))
	if tbl, err = tbl.Delete(ctx, filter, nil); err != nil {
		t.Fatal(err)
	}
	g := startGW(t, gwOptions{store: store})
	lt, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "ext", Name: "events"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := lt.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	posDeletes := 0
	for _, f := range plan.Files {
		posDeletes += len(f.PosDeletes)
		if !strings.HasPrefix(f.Path, "s3://") {
			t.Fatalf("data file %s is not in object storage", f.Path)
		}
	}
	if posDeletes == 0 {
		t.Fatalf("iceberg-go wrote no position deletes: %+v", plan.Files)
	}
	want := int64(2000 - 51)
	var wantSum int64
	for i := int64(0); i < 2000; i++ {
		if (i >= 100 && i < 150) || i == 1500 {
			continue
		}
		wantSum += i
	}
	got := psqlRows(t, g, "analyst", "select count(*), sum(id), count(distinct label), min(label) from ext.events")
	if exp := fmt.Sprintf("%d|%d|%d|e0", want, wantSum, want); got != exp {
		t.Fatalf("ext.events: %s, want %s", got, exp)
	}
	if got := psqlRows(t, g, "analyst", "select count(*) from ext.events where id between 90 and 160"); got != "21" {
		t.Fatalf("filtered read: %s, want 21 (90-99, 150-160)", got)
	}
}

// TestSeaweedFSReplicaSeesInsert: a native INSERT through one lakegate is
// visible to another's next statement over the same REST catalog, and a
// write whose upload fails commits nothing.
func TestSeaweedFSReplicaSeesInsert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := weedtest.Start(t)
	a := startGW(t, gwOptions{policy: demo.Policy, store: store})
	b := startGW(t, gwOptions{policy: demo.Policy, store: store})
	pa, pb := a.as(t, "payments_svc"), b.as(t, "payments_svc")
	before, err := count(t, pb, "select count(*) from payments.charges")
	if err != nil {
		t.Fatal(err)
	}
	tag, err := pa.Exec(ctx, "insert into payments.charges select id + 1000000, customer_id, amount, currency, status, created_at from payments.charges where id <= 10")
	if err != nil || tag.String() != "INSERT 0 10" {
		t.Fatalf("insert through replica A: %v %v", tag, err)
	}
	after, err := count(t, pb, "select count(*) from payments.charges")
	if err != nil || after != before+10 {
		t.Fatalf("replica B counts %d (%v), want %d", after, err, before+10)
	}
	if n, err := count(t, pb, "select count(*) from payments.charges where id > 1000000"); err != nil || n != 10 {
		t.Fatalf("replica B sees %d new rows (%v), want 10", n, err)
	}

	// A replica whose S3 endpoint is wrong (the catalog is right): its
	// upload fails, and nothing is committed.
	badGW := startGW(t, gwOptions{policy: demo.Policy, store: store, storeProps: map[string]string{"s3.endpoint": "http://127.0.0.1:1"}})
	snap, err := b.cat.LoadTable(ctx, catalog.Ident{Schema: "payments", Name: "charges"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = badGW.as(t, "payments_svc").Exec(ctx, "insert into payments.charges values (2000001, 1, 1.00, 'EUR', 'paid', now())")
	if err == nil {
		t.Fatal("insert with an unreachable store succeeded")
	}
	again, err := b.cat.LoadTable(ctx, catalog.Ident{Schema: "payments", Name: "charges"})
	if err != nil {
		t.Fatal(err)
	}
	if again.SnapshotID() != snap.SnapshotID() {
		t.Fatalf("a failed upload committed snapshot %d (was %d)", again.SnapshotID(), snap.SnapshotID())
	}
	if n, err := count(t, pb, "select count(*) from payments.charges"); err != nil || n != before+10 {
		t.Fatalf("after the failed insert: %d (%v), want %d", n, err, before+10)
	}
}

// TestSeaweedFSFaults: the store stopped under a session, a data file
// deleted behind the catalog's back, and wrong keys each fail the statement
// with a clear SQLSTATE naming the table; the same session works again once
// the fault is gone, and the secret appears in no error, log or audit line.
func TestSeaweedFSFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := weedtest.Start(t)
	logs := &syncBuffer{}
	audit := &syncBuffer{}
	cfg := server.Config{Audit: server.AuditConfig{Writer: audit}, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	g := startGW(t, gwOptions{policy: demo.Policy, store: store, cfg: cfg})
	c := g.as(t, "analyst")
	var errs []error
	if _, err := count(t, c, "select count(*) from users.customers"); err != nil {
		t.Fatal(err)
	}

	// 1. The store (catalog and S3) is down: the catalog cannot be reached.
	store.Stop()
	_, err := count(t, c, "select count(*) from payments.charges")
	if code := sqlState(err); !strings.HasPrefix(code, "08") {
		t.Errorf("store down: %v (SQLSTATE %s), want class 08", err, code)
	}
	errs = append(errs, err)
	store.Restart(t)
	if n, err := count(t, c, "select count(*) from payments.charges"); err != nil || n != int64(smallSizes.Charges) {
		t.Fatalf("same session after the store came back: %d %v", n, err)
	}

	// 2. A data file deleted behind the catalog's back, read by a replica
	// that has no copy of it: 58030 naming the table and the file.
	lt, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "comms", Name: "bounces"})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := lt.PlanScan(ctx, nil)
	if err != nil || len(plan.Files) == 0 {
		t.Fatalf("plan %v %v", plan, err)
	}
	gone := plan.Files[0].Path
	other := restCatalogOf(t, store)
	otbl, err := other.LoadTable(ctx, table.Identifier{"comms", "bounces"})
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := otbl.FS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := fsys.Remove(gone); err != nil {
		t.Fatal(err)
	}
	r := startGW(t, gwOptions{policy: demo.Policy, store: store, cfg: cfg})
	rc := r.as(t, "analyst")
	_, err = count(t, rc, "select count(*) from comms.bounces")
	if sqlState(err) != "58030" || !strings.Contains(err.Error(), "comms.bounces") {
		t.Errorf("deleted data file: %v (SQLSTATE %s), want 58030 naming the table", err, sqlState(err))
	}
	errs = append(errs, err)
	if _, err := count(t, rc, "select count(*) from users.customers"); err != nil {
		t.Fatalf("session after the missing file: %v", err)
	}

	// 3. Wrong keys: the catalog refuses them (its config endpoint is
	// public, so lakegate starts; every table request fails).
	props := store.Properties()
	props["s3.secret-access-key"] = "wrong-" + store.SecretKey[:6]
	wrong, err := catalog.Open(ctx, []catalog.Config{{Name: "sw", Type: "rest", URI: store.CatalogURI, Warehouse: "s3://" + weedtest.Bucket, Properties: props}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	_, err = wrong.LoadTable(ctx, catalog.Ident{Schema: "comms", Name: "bounces"})
	if !errors.Is(err, catalog.ErrUpstream) || !strings.Contains(err.Error(), "comms.bounces") {
		t.Errorf("wrong keys: %v, want a catalog failure naming the table", err)
	}
	errs = append(errs, err)

	for _, e := range errs {
		t.Logf("SQLSTATE %s: %v", sqlState(e), e)
		if e != nil && strings.Contains(e.Error(), store.SecretKey) {
			t.Errorf("an error shows the secret: %v", e)
		}
	}
	if strings.Contains(logs.String(), store.SecretKey) || strings.Contains(audit.String(), store.SecretKey) {
		t.Error("the secret is in the log or the audit log")
	}
	if !strings.Contains(audit.String(), `"sqlstate":"58030"`) {
		t.Errorf("the missing file is not audited with 58030:\n%s", audit.String())
	}
}

// TestInMemoryObjectStoreAlike serves the demo from a warehouse in
// iceberg-go's in-memory object store (mem://), which the engine cannot
// open either: every read goes through the file cache. Reads and every kind
// of native write give the answers they give on local files. Fast, and
// independent of SeaweedFS.
func TestInMemoryObjectStoreAlike(t *testing.T) {
	t.Parallel()
	local := startGW(t, gwOptions{policy: demo.Policy})
	mem := startGW(t, gwOptions{policy: demo.Policy, warehouse: "mem://" + strings.ToLower(t.Name())})
	for _, q := range []struct{ user, sql string }{
		{"analyst", acceptanceQuery + " order by 1"},
		{"analyst", "select email, count(*) from users.customers group by 1 order by 2 desc, 1 limit 3"},
		{"payments_svc", "insert into payments.charges select id + 1000000, customer_id, amount, currency, status, created_at from payments.charges where id <= 10"},
		{"payments_svc", "select count(*) from payments.charges"},
		{"payments_svc", "delete from payments.charges where id <= 5"},
		{"payments_svc", "update payments.charges set amount = 1 where id <= 8"},
		{"payments_svc", "select count(*), sum(amount), count(*) filter (where amount = 1) from payments.charges"},
	} {
		want := psqlRows(t, local, q.user, q.sql)
		if got := psqlRows(t, mem, q.user, q.sql); got != want {
			t.Errorf("%s: in memory %q, local %q", q.sql, got, want)
		}
	}
	if st := mem.cat.FileCache().Stats(); st.Fetches == 0 || st.Hits == 0 {
		t.Fatalf("the file cache was not used: %+v", st)
	}
}

// TestRewriteKeepsItsCopies: UPDATE and DELETE rewrite files in object
// storage from local copies; with a file cache too small for any of them,
// each copy is deleted as soon as nothing holds it, so the statement must
// hold its copies from fetching them until the engine has read them.
func TestRewriteKeepsItsCopies(t *testing.T) {
	t.Parallel()
	g := startGW(t, gwOptions{policy: demo.Policy, warehouse: "mem://" + strings.ToLower(t.Name()), fileCacheBytes: 1})
	pay := g.as(t, "payments_svc")
	for _, q := range []string{
		"update payments.charges set amount = 1 where id <= 8",
		"delete from payments.charges where id between 9 and 12",
	} {
		if _, err := pay.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if got := psqlRows(t, g, "payments_svc", "select count(*), count(*) filter (where amount = 1) from payments.charges"); got != fmt.Sprintf("%d|8", smallSizes.Charges-4) {
		t.Fatalf("rows, updated rows: %s", got)
	}
}

// eventsSchema is the (id, label) table the tests of other engines'
// writes create through iceberg-go.
func eventsSchema() *iceberg.Schema {
	return iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "label", Type: iceberg.PrimitiveTypes.String})
}

// appendEvents appends the rows from <= id < to, labelled "e<id>", to an
// eventsSchema table as one iceberg-go commit, and returns the table after it.
func appendEvents(t *testing.T, tbl *table.Table, from, to int) *table.Table {
	t.Helper()
	asch := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "label", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, asch)
	defer b.Release()
	for i := from; i < to; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("e%d", i))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	at := array.NewTableFromRecords(asch, []arrow.RecordBatch{rec})
	defer at.Release()
	tbl, err := tbl.AppendTable(context.Background(), at, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}
