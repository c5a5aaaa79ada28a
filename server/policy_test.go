package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/weedtest"
	"github.com/lakegate/lakegate/server"
)

// syncBuffer is an audit sink safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// policyGW is a gateway with the demo's accounts and policy, reloading
// the policy file as it changes, with its audit log in a buffer.
type policyGW struct {
	*gateway
	audit *syncBuffer
}

func startPolicyGW(t *testing.T) *policyGW {
	t.Helper()
	return startPolicyGWOn(t, nil)
}

// startPolicyGWOn is startPolicyGW over store (nil: the embedded catalog).
func startPolicyGWOn(t *testing.T, store *weedtest.Server) *policyGW {
	t.Helper()
	audit := &syncBuffer{}
	g := startGW(t, gwOptions{policy: demo.Policy, watch: true, threads: 1, cfg: server.Config{Audit: server.AuditConfig{Writer: audit}}, store: store})
	return &policyGW{gateway: g, audit: audit}
}

func count(t *testing.T, c *pgx.Conn, sql string) (int64, error) {
	t.Helper()
	var n int64
	err := c.QueryRow(context.Background(), sql).Scan(&n)
	return n, err
}

// TestDemoPolicyVisibility: visibility, masks, native and external reads
// and their audit records, the same on every backend.
func TestDemoPolicyVisibility(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testDemoPolicyVisibility)
}

func testDemoPolicyVisibility(t *testing.T, store *weedtest.Server) {
	g := startPolicyGWOn(t, store)
	ctx := context.Background()
	analyst, payments, comms := g.as(t, "analyst"), g.as(t, "payments_svc"), g.as(t, "comms_svc")

	// analyst: everything, e-mail masked.
	for _, tbl := range []string{"users.customers", "payments.charges", "comms.bounces"} {
		if _, err := count(t, analyst, "select count(*) from "+tbl); err != nil {
			t.Fatalf("analyst %s: %v", tbl, err)
		}
	}
	var email string
	if err := analyst.QueryRow(ctx, "select email from users.customers where id = 1").Scan(&email); err != nil || email != "***@example.com" {
		t.Fatalf("analyst sees email %q (%v), want it masked", email, err)
	}
	if err := payments.QueryRow(ctx, "select email from users.customers where id = 1").Scan(&email); err != nil || email != "customer1@example.com" {
		t.Fatalf("payments_svc sees email %q (%v), want it clear (no mask in its grant)", email, err)
	}
	// payments_svc cannot see comms.bounces at all: same error as a missing table.
	_, errHidden := count(t, payments, "select count(*) from comms.bounces")
	_, errMissing := count(t, payments, "select count(*) from comms.nonexistent")
	if sqlState(errHidden) != "42P01" || sqlState(errMissing) != "42P01" ||
		strings.Replace(errHidden.Error(), "bounces", "X", 1) != strings.Replace(errMissing.Error(), "nonexistent", "X", 1) {
		t.Fatalf("hidden vs missing differ: %v / %v", errHidden, errMissing)
	}
	// comms_svc reads customers and charges as external, owns bounces.
	for _, tbl := range []string{"users.customers", "payments.charges", "comms.bounces"} {
		if _, err := count(t, comms, "select count(*) from "+tbl); err != nil {
			t.Fatalf("comms_svc %s: %v", tbl, err)
		}
	}
	// The same count again is a kept result; it is audited as one, with
	// the table it read.
	if _, err := count(t, comms, "select count(*) from payments.charges"); err != nil {
		t.Fatal(err)
	}
	// The audit log says native vs external and which rule decided.
	var sawNative, sawExternal, sawKept bool
	for _, line := range strings.Split(strings.TrimSpace(g.audit.String()), "\n") {
		var rec struct {
			User     string `json:"user"`
			SQLState string `json:"sqlstate"`
			Kept     bool   `json:"result_cache"`
			Tables   []struct {
				Table  string
				Native bool
				Rule   string
			} `json:"tables"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("audit line is not JSON: %v: %s", err, line)
		}
		for _, tb := range rec.Tables {
			if rec.User == "comms_svc" && tb.Table == "comms.bounces" && tb.Native && strings.Contains(tb.Rule, "owner domain comms") {
				sawNative = true
			}
			if rec.User == "comms_svc" && tb.Table == "payments.charges" && !tb.Native && strings.Contains(tb.Rule, "grant") {
				sawExternal = true
				sawKept = sawKept || rec.Kept
			}
		}
	}
	if !sawNative || !sawExternal || !sawKept {
		t.Fatalf("audit log lacks native/external records:\n%s", g.audit.String())
	}
	if !strings.Contains(g.audit.String(), `"sqlstate":"42P01"`) {
		t.Fatal("denied statements are not audited")
	}
}

func TestExternalWriteRefusedAndNothingWritten(t *testing.T) {
	t.Parallel()
	forEachBackend(t, testExternalWriteRefused)
}

func testExternalWriteRefused(t *testing.T, store *weedtest.Server) {
	g := startPolicyGWOn(t, store)
	ctx := context.Background()
	comms := g.as(t, "comms_svc")
	before, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "payments", Name: "charges"})
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		"insert into payments.charges select * from payments.charges limit 1",
		"update payments.charges set amount = 0",
		"delete from payments.charges",
		"truncate payments.charges",
		"drop table payments.charges",
		"alter table payments.charges add column x int",
		"with x as (select 1) delete from payments.charges",
		`INSERT INTO "payments"."charges" VALUES (1)`,
	} {
		_, err := comms.Exec(ctx, stmt)
		if sqlState(err) != "42501" || !strings.Contains(err.Error(), "table payments.charges is owned by domain payments and is read-only for domain comms") {
			t.Errorf("%s: %v, want 42501 naming table and owner", stmt, err)
		}
	}
	after, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "payments", Name: "charges"})
	if err != nil {
		t.Fatal(err)
	}
	if before.SnapshotID() == 0 || after.SnapshotID() != before.SnapshotID() || after.MetadataLocation != before.MetadataLocation {
		t.Fatalf("snapshot changed: %d -> %d", before.SnapshotID(), after.SnapshotID())
	}
	// An invisible table is not even named.
	if _, err := g.as(t, "payments_svc").Exec(ctx, "delete from comms.bounces"); sqlState(err) != "42P01" {
		t.Fatalf("write to an invisible table: %v, want 42P01", err)
	}
}

func TestPolicyReload(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	payments := g.as(t, "payments_svc")
	if _, err := count(t, payments, "select count(*) from comms.bounces"); sqlState(err) != "42P01" {
		t.Fatalf("before the grant: %v", err)
	}
	grant := "\n  - subjects: [domain:payments]\n    objects: [comms.bounces]\n    privileges: [read]\n"
	if err := os.WriteFile(g.policyPath, append(append([]byte{}, demo.Policy...), grant...), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := count(t, payments, "select count(*) from comms.bounces")
		if err == nil && n == 50 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("grant not effective within 10s: %d %v", n, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A broken file leaves the previous policy (with the grant) in force.
	if err := os.WriteFile(g.policyPath, []byte("grants: [this is: not valid"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if n, err := count(t, payments, "select count(*) from comms.bounces"); err != nil || n != 50 {
		t.Fatalf("after a broken policy file: %d %v, want the previous policy in force", n, err)
	}
}
