package session

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// spillDirsIn lists the engines' spill directories under dir: one per
// engine open, whoever opened it (spares and the next engine too).
func spillDirsIn(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, spillPrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// run runs one statement, reporting its error rather than failing the
// test: for goroutines.
func run(s *Session, q string) error {
	ctx := context.Background()
	st, err := s.Prepare(ctx, q)
	if err != nil {
		return err
	}
	_, err = s.Execute(ctx, st, nil, func(arrow.RecordBatch) error { return nil })
	return err
}

// Engines given back after the Manager closed are closed, not kept idle:
// a gateway's shutdown, or a test's cleanup, closes the Manager while
// sessions still end, statements still give back engines opened ahead
// and spares still open. Kept idle with a timer stopped, each held its
// spill directory (and its lock), its threads and C heap until the
// process ended: a test process left 93 directories. Once every session
// has ended, no engine is open and every spill directory is gone; the
// Manager still serves a session after Close.
func TestEnginesClosedAfterPoolCloses(t *testing.T) {
	t.Parallel()
	pe := newPoolEnv(t)
	dir := t.TempDir()
	p := pe.planner(t, EngineConfig{Threads: 1, TempDir: dir, IdleEngines: 4, IdleEngineTimeout: time.Hour})
	p.OpenSpare()
	// Sessions holding engines of different sandboxes when it closes,
	// and one that has yet to take one.
	held := []*Session{userSession(p, "alice"), userSession(p, "bob"), userSession(p, "carol"), userSession(p, "carol")}
	sql(t, held[0], "select sum(v) from s.t")
	sql(t, held[1], "select sum(v) from s.u")
	sql(t, held[2], "select 1")
	// Sessions starting, running and ending while it closes.
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for _, q := range []string{"select sum(v) from s.t", "select 1", "select sum(v) from s.u"} {
				s := userSession(p, "carol")
				if err := run(s, q); err != nil {
					t.Errorf("session %d: %s: %v", i, q, err)
				}
				s.Close()
			}
		}()
	}
	close(start)
	p.Close()
	wg.Wait()
	sql(t, held[3], "select sum(v) from s.t")
	for _, s := range held {
		s.Close()
	}
	// A Manager stays usable after Close, and keeps nothing.
	after := userSession(p, "alice")
	sql(t, after, "select sum(v) from s.t")
	after.Close()

	// Engines given back by goroutines (an engine opened ahead, a spare
	// a session took while it opened) close a moment later.
	deadline := time.Now().Add(30 * time.Second)
	for len(spillDirsIn(t, dir)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := spillDirsIn(t, dir); len(left) > 0 {
		st := p.OpStats()
		t.Fatalf("%d spill directories left 30 s after the Manager closed and every session ended (%d engines open, %d idle); want none",
			len(left), st.Engines, st.IdleEngines)
	}
	if st := p.OpStats(); st.Engines != 0 || st.IdleEngines != 0 {
		t.Fatalf("after Close: %d engines open, %d idle; want none", st.Engines, st.IdleEngines)
	}
}

// The parse-only engine closes with the pool after the statement parsing
// in it, and a session that took it before parses in its own engine
// instead (errParseClosed): its connection is never used once closed.
// A closed pool opens no spare, next or parse-only engine again.
func TestParseEngineClosedWithPool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := New(nil, Config{Engine: EngineConfig{Threads: 1, TempDir: dir}})
	p.OpenSpare()
	pe := p.engines.parser()
	if pe == nil {
		t.Fatal("OpenSpare opened no parse-only engine")
	}
	<-pe.done
	if _, err := pe.serialize("select 1"); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if _, err := pe.serialize("select 1"); !errors.Is(err, errParseClosed) {
		t.Fatalf("parse after the pool closed: %v, want %v", err, errParseClosed)
	}
	p.OpenSpare()
	s := p.NewSession(Options{})
	sql(t, s, "select 1")
	if p.engines.parser() != nil || spareNow(p) != nil || p.engines.next != nil {
		t.Fatal("a closed pool opened a parse-only engine, a spare or a next engine")
	}
	s.Close()
	if left := spillDirsIn(t, dir); len(left) > 0 {
		t.Fatalf("%d spill directories left after the session ended: %v", len(left), left)
	}
}
