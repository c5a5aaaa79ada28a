package session

import (
	"os"
	"slices"
	"testing"
	"time"
)

// spareNow waits for the pool's spare engine to finish opening and
// returns it (nil when there is none).
func spareNow(p *Manager) *spareEngine {
	p.engines.mu.Lock()
	sp := p.engines.spare
	p.engines.mu.Unlock()
	if sp != nil {
		<-sp.done
	}
	return sp
}

// A session that needs a new engine takes the spare (enginespare.go),
// sandboxed to exactly what its plan reads before it runs anything, and
// the next spare starts opening.
func TestSpareEngineSandboxedWhenTaken(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	a := userSession(p, "alice")
	defer a.Close()
	sql(t, a, "select 1") // the session's first engine; the spare starts opening
	taken := p.engines.spares
	sp := spareNow(p)
	if sp == nil || sp.err != nil {
		t.Fatalf("no spare engine after the first engine opened: %+v", sp)
	}
	if got := sql(t, a, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	if e != sp.e {
		t.Fatal("the statement over s.t did not run in the spare engine")
	}
	if p.engines.spares != taken+1 {
		t.Fatalf("%d spares taken, want %d", p.engines.spares, taken+1)
	}
	// The sandbox: s.t's directories only, and no way to widen it.
	pe.checkSandbox(t, e)
	next := spareNow(p)
	if next == nil || next == sp {
		t.Fatal("no new spare after the spare was taken")
	}
	// Close closes the spare: its spill directory goes with it.
	p.Close()
	if _, err := os.Stat(next.e.tempDir); !os.IsNotExist(err) {
		t.Fatalf("the spare's spill directory after Close: %v", err)
	}
}

// A spare nobody takes is closed after IdleEngineTimeout, as an idle
// engine is; with reuse off there is none.
func TestSpareEngineBounds(t *testing.T) {
	// The timeout runs from the spare's open, which may end before get's
	// own open does: long enough for the check below to find it.
	p := New(nil, Config{Engine: EngineConfig{Threads: 1, IdleEngineTimeout: 2 * time.Second}})
	defer p.Close()
	e, err := p.engines.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	sp := spareNow(p)
	if sp == nil || sp.e == nil {
		t.Fatal("no spare engine after an engine opened")
	}
	// Closed once expired: its spill directory goes with it.
	gone := func() bool { _, err := os.Stat(sp.e.tempDir); return os.IsNotExist(err) }
	deadline := time.Now().Add(30 * time.Second)
	for (spareNow(p) != nil || !gone()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if spareNow(p) != nil || !gone() {
		t.Fatal("the spare is still kept, or open, 30 s after a 2 s timeout")
	}

	off := New(nil, Config{Engine: EngineConfig{Threads: 1, IdleEngines: -1}})
	defer off.Close()
	e2, err := off.engines.get(nil)
	if err != nil {
		t.Fatal(err)
	}
	e2.close()
	if spareNow(off) != nil {
		t.Fatal("a spare engine with engine reuse off")
	}
}
