package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/tlsutil"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
	"github.com/lakegate/lakegate/server"
)

// startInProcess serves the warehouse of e with lakegate inside the test
// process, configured as the benchmark configures its subprocess: the
// benchmark's policy and a SCRAM account for its user.
func startInProcess(t *testing.T, e *env) {
	t.Helper()
	dir := t.TempDir()
	pf := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pf, []byte(benchPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := policy.NewStore(pf, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.password = "smoke-test-password"
	acct, err := auth.NewAccount(benchUser, "", nil, e.password, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(auth.Config{Accounts: []auth.Account{acct}})
	if err != nil {
		t.Fatal(err)
	}
	pl := session.New(e.cat, session.Config{Policy: store, Engine: session.EngineConfig{Threads: 2}})
	tlsCfg, _, err := tlsutil.LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(pl, server.Config{TLS: tlsCfg, Auth: server.AuthConfig{Authenticator: a, AllowPlaintextLoopback: true}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
	})
	e.addr = l.Addr().String()
}

// every22 are TPC-H's 22 queries: the smoke test runs each, and the q
// section compares each answer with the in-process reference (Q14 once
// failed with 0A000, outside the queries the test ran).
var every22 = func() []int {
	qs := make([]int, 22)
	for i := range qs {
		qs[i] = i + 1
	}
	return qs
}()

// TestSmoke runs the benchmark's sections at a tiny size against an
// in-process lakegate: the generator, a few TPC-H queries whose answers
// must agree with DuckDB's over the same files, and the other sections
// end to end (PostgreSQL 15 included). Nothing here is timed, so sizes
// are kept small: the plan section prunes 110 files written in two
// appends (100 a commit), as 200 did; a load run lasts 250 ms (each
// client's loop still runs queries after its warm-up; a second per run
// only kept both cores busy).
func TestSmoke(t *testing.T) {
	ctx := context.Background()
	o := options{sf: 0.01, data: t.TempDir(), sections: []string{"q", "stream", "plan", "load", "connect", "pgbench"},
		queries: every22, runs: 1, threads: 2, refCache: true,
		streamRows: []int64{20_000}, pgRows: 20_000, planFiles: 110, loadClients: 4, loadDuration: 250 * time.Millisecond,
		loadPace: 50 * time.Millisecond, connectN: 8,
		pgbenchClients: 2, pgbenchTransactions: 25, pgbenchModes: []string{"simple", "prepared"}}
	cat, err := openWarehouse(ctx, o.data)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	if err := ensureTPCH(ctx, cat, o, io.Discard); err != nil {
		t.Fatal(err)
	}
	e := &env{o: o, cat: cat}
	startInProcess(t, e)
	var out strings.Builder
	if err := runSections(ctx, e, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"Q1", "Q22", "geometric mean", "reproduce: ", "## Stream", "postgres 15", "## Plan",
		"1 of 110", "110 of 110", "## Load", "closed loop", "## Connect", "scram + TLS", "## pgbench"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "DIFFER") || strings.Contains(out.String(), "error:") || strings.Contains(out.String(), "first error") {
		t.Errorf("answers differ:\n%s", out.String())
	}
	t.Log("\n" + out.String())
}
