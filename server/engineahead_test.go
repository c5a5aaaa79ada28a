package server_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lakegate/lakegate/internal/weedtest"
)

// TestEngineOpensWhileFilesDownload: a cold statement over tables in
// object storage, on a session whose engine may not read their copies
// yet, opens the engine it runs in while its files download, not after:
// with every GET held at the store, the session's second engine is open
// already. Once the store answers, the statement runs in that engine (no
// third one is opened), and its answer is right. Engine reuse is off here,
// and with it the spare engine (a session that finds one takes it
// sandboxed, rather than opening one: planner/session/enginespare.go):
// the engine opened ahead is the one left when neither is there.
func TestEngineOpensWhileFilesDownload(t *testing.T) {
	t.Parallel()
	const files = 2
	ctx := context.Background()
	store := weedtest.Start(t)
	createMappedEvents(t, store, "ext", "a", files) // footers read while planning
	createEventsWith(t, store, "ext", "b", files, nil)
	gate, endpoint := serveGated(t, store)
	spills := t.TempDir()
	g := startGW(t, gwOptions{store: store, noSeed: true, storeProps: map[string]string{"s3.endpoint": endpoint},
		engineTempDir: spills, idleEngines: -1})
	engines := func() int {
		m, err := filepath.Glob(filepath.Join(spills, "lakegate-spill-*"))
		if err != nil {
			t.Fatal(err)
		}
		return len(m)
	}
	c := g.connect(t)
	var one int
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	if n := engines(); n != 1 {
		t.Fatalf("%d engines after the session's first statement, want 1", n)
	}

	const both = "select (select sum(id) from ext.a) + (select sum(id) from ext.b)"
	want := int64(files * 100 * (files*100 - 1)) // twice the sum of 0..199
	res := make(chan error, 1)
	var got int64
	go func() { res <- c.QueryRow(ctx, both).Scan(&got) }()
	gate.waitFor(t, "the first fetches", func(held, _ int) bool { return held >= files })
	deadline := time.Now().Add(30 * time.Second)
	for engines() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d engine(s) while the statement's files download, want the one it runs in opened too", engines())
		}
		time.Sleep(10 * time.Millisecond)
	}
	gate.waitFor(t, "the fetches, still held", func(held, _ int) bool { return held >= files })
	gate.open()
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("%s: %d, want %d", both, got, want)
	}
	if n := engines(); n != 1 {
		t.Fatalf("%d engines after the statement, want 1 (the first one closed): it runs in the one opened while its files downloaded", n)
	}
	// The engine reads the copies: the same statement again, all local.
	if err := c.QueryRow(ctx, both).Scan(&got); err != nil || got != want {
		t.Fatalf("again: %d %v, want %d", got, err, want)
	}
}
