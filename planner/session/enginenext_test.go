package session

import (
	"errors"
	"slices"
	"testing"
)

// A process's second engine (enginenext.go) becomes the spare when a
// first statement reading no table took the spare while it opened: the
// taken spare starts no other open meanwhile, and the statement over
// tables after it runs in that engine, sandboxed to its directories.
func TestNextEngineBecomesTheSpare(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	// The next engine opens once gate is done: until then it is "still
	// opening", as when a client connects the moment the port answers.
	p.engines.openSpare(false)
	gate := &spareEngine{done: make(chan struct{})}
	p.engines.mu.Lock()
	p.engines.startNext(gate)
	p.engines.mu.Unlock()
	first := spareNow(p)
	if first == nil || first.e == nil {
		t.Fatal("no spare")
	}

	a := userSession(p, "alice")
	defer a.Close()
	if got := sql(t, a, "select 1"); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("select 1: %v", got)
	}
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	if e != first.e || len(e.allowed) != 0 {
		t.Fatalf("select 1 ran in %p (allowed %v), want the spare %p sandboxed to nothing", e, e.allowed, first.e)
	}
	p.engines.mu.Lock()
	spare, next := p.engines.spare, p.engines.next
	p.engines.mu.Unlock()
	if spare != nil || next == nil {
		t.Fatalf("while the next engine opens: spare %+v, next %+v; want no new spare opening, the next one pending", spare, next)
	}

	close(gate.done)
	sp := spareNow(p)
	for sp == nil { // the next engine is the spare once open
		p.engines.waitNext()
		sp = spareNow(p)
	}
	if sp != next || sp.e == nil {
		t.Fatalf("spare %+v, want the next engine %+v", sp, next)
	}
	if p.engines.hasIdle(nil) {
		t.Fatal("the next engine also went idle")
	}
	if external, _ := sandboxOf(t, sp.e); external != "true" {
		t.Fatalf("the next engine as the spare: external access %s, want not yet sandboxed", external)
	}
	if got := sql(t, a, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	a.engMu.Lock()
	e = a.eng
	a.engMu.Unlock()
	if e != sp.e {
		t.Fatal("the statement over s.t did not run in the next engine")
	}
	pe.checkSandbox(t, e)
}

// A session wanting a new engine while the next one opens and no spare
// waits takes the next one once it is open, rather than opening another.
func TestNewEngineWaitsForTheNext(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	p.engines.mu.Lock()
	p.engines.startNext(nil)
	next := p.engines.next
	p.engines.mu.Unlock()
	e, err := p.engines.get([]string{t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	if e != next.e {
		t.Fatalf("got %p, want the next engine %p", e, next.e)
	}
	if p.engines.spares != 1 {
		t.Fatalf("%d spares taken, want 1 (the next engine)", p.engines.spares)
	}
}

// A spare taken while it still opens (a client that connected the moment
// the port answered) leaves the process's next engine unopened: the
// statement that took the spare runs with no other engine opening beside
// it, and the spare's refill once it has run opens the next one.
func TestTakenSpareLeavesTheNextToRefill(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	// The spare is still opening until gate is done; the next engine
	// waits for it, as Manager.OpenSpare starts them.
	gate := &spareEngine{done: make(chan struct{})}
	p.engines.mu.Lock()
	p.engines.spare = gate
	p.engines.startNext(gate)
	next := p.engines.next
	p.engines.mu.Unlock()

	a := userSession(p, "alice")
	defer a.Close()
	// While the statement waits for the spare, note what the pool does
	// about the next engine, then let the spare finish opening.
	var spare, pending *spareEngine
	var opened int64
	released := make(chan error, 1)
	go func() {
		<-next.done // closed when the statement takes the spare
		p.engines.mu.Lock()
		spare, pending, opened = p.engines.spare, p.engines.next, p.engines.opened
		p.engines.mu.Unlock()
		var err error
		gate.e, err = openUnsandboxed(p.engines.cfg)
		gate.err = err
		close(gate.done)
		released <- err
	}()
	if got := sql(t, a, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	if next.e != nil || !errors.Is(next.err, errNextLeft) {
		t.Fatalf("the next engine: %+v, want left unopened", next)
	}
	if spare != nil || pending != nil || opened != 0 {
		t.Fatalf("while the spare was taken: spare %+v, next %+v, %d opened; want none opening", spare, pending, opened)
	}
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	if e != gate.e {
		t.Fatal("the statement did not run in the spare it took")
	}
	pe.checkSandbox(t, e)
	// Once the statement has run, its refill opens the next spare.
	sp := spareNow(p)
	if sp == nil || sp == gate || sp.e == nil {
		t.Fatalf("after the statement: spare %+v, want a new one open", sp)
	}
}
