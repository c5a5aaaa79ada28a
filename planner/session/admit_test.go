package session

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Short statements wait for a slot in arrival order; a wait ends with the
// statement's cancel or timeout.
func TestAdmitSlots(t *testing.T) {
	p := New(nil, Config{Engine: EngineConfig{ShortSlots: 2}})
	ctx := context.Background()
	r1, err := p.admit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := p.admit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Both slots taken: the next waits, in order.
	got := make(chan int, 2)
	for i := range 2 {
		go func() {
			r, err := p.admit(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			got <- i
			r()
		}()
		time.Sleep(50 * time.Millisecond) // the first waiter queues first
	}
	select {
	case i := <-got:
		t.Fatalf("waiter %d admitted while both slots were taken", i)
	case <-time.After(100 * time.Millisecond):
	}
	r1()
	r1() // a second release of the same slot frees nothing more
	if i := <-got; i != 0 {
		t.Fatalf("admitted waiter %d first, want 0 (arrival order)", i)
	}
	if i := <-got; i != 1 {
		t.Fatalf("admitted waiter %d second, want 1", i)
	}
	// One slot is free again (r2 still held): take it, then a wait with a
	// deadline ends with it.
	r3, err := p.admit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := &Session{p: p}
	tctx, cancel := context.WithTimeoutCause(ctx, 20*time.Millisecond, ErrStatementTimeout)
	defer cancel()
	if _, err := p.admit(tctx); !errors.Is(s.execError(tctx, err), ErrStatementTimeout) {
		t.Fatalf("waiting past the statement timeout: %v", s.execError(tctx, err))
	}
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	if _, err := p.admit(cctx); !errors.Is(s.execError(cctx, err), ErrCanceled) {
		t.Fatalf("canceled while waiting: %v", err)
	}
	r2()
	r3()
	if len(p.slots) != 0 {
		t.Fatalf("%d slots still taken", len(p.slots))
	}
}

// A small statement runs on one engine thread; the next statement that is
// not small gets the configured threads back.
func TestFitThreads(t *testing.T) {
	e, err := openEngine(EngineConfig{Threads: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	threads := func() string {
		t.Helper()
		rows, err := e.queryStrings("select current_setting('threads')::VARCHAR")
		if err != nil {
			t.Fatal(err)
		}
		return rows[0][0]
	}
	for _, step := range []struct {
		small bool
		want  string
	}{{true, "1"}, {true, "1"}, {false, "2"}, {false, "2"}, {true, "1"}} {
		if err := e.fitThreads(step.small); err != nil {
			t.Fatal(err)
		}
		if got := threads(); got != step.want {
			t.Fatalf("small=%v: threads %s, want %s", step.small, got, step.want)
		}
	}
}
