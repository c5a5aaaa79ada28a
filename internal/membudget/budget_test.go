package membudget

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Grants are handed out in arrival order: a small request waits behind a
// large one that does not fit yet; a wait ends with the statement's cancel
// or timeout, and the requests behind it move up.
func TestBudgetArrivalOrder(t *testing.T) {
	ctx := context.Background()
	b := New(10)
	if err := b.Acquire(ctx, 6); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 3)
	waiting := func(n int) {
		for {
			if _, w := b.InUse(); w == n {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	go func() {
		if err := b.Acquire(ctx, 6); err != nil {
			t.Error(err)
			return
		}
		got <- "big"
	}()
	waiting(1)
	// the small one would fit, but the big one asked first
	go func() {
		if err := b.Acquire(ctx, 5); err != nil {
			t.Error(err)
			return
		}
		got <- "small"
	}()
	waiting(2)
	select {
	case g := <-got:
		t.Fatalf("%s granted while 6 of 10 were held and the big one waited", g)
	case <-time.After(50 * time.Millisecond):
	}
	b.Release(6)
	if g := <-got; g != "big" {
		t.Fatalf("granted %s first", g)
	}
	select {
	case <-got:
		t.Fatal("small granted while the big one held 6 of 10")
	case <-time.After(50 * time.Millisecond):
	}
	b.Release(6)
	if g := <-got; g != "small" {
		t.Fatalf("granted %s second", g)
	}
	if used, w := b.InUse(); used != 5 || w != 0 {
		t.Fatalf("in use %d, %d waiting", used, w)
	}
	// a wait that times out gives up its place and returns the context's
	// error, its cause kept for the caller
	errTimeout := errors.New("statement timeout")
	tctx, cancel := context.WithTimeoutCause(ctx, 20*time.Millisecond, errTimeout)
	defer cancel()
	if err := b.Acquire(tctx, 6); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(context.Cause(tctx), errTimeout) {
		t.Fatalf("waiting past the timeout: %v (cause %v)", err, context.Cause(tctx))
	}
	if used, w := b.InUse(); used != 5 || w != 0 {
		t.Fatalf("after the timeout: in use %d, %d waiting", used, w)
	}
	b.Release(5)
	if used, _ := b.InUse(); used != 0 {
		t.Fatalf("in use %d after every release", used)
	}
}

// A wait that is canceled returns context.Canceled, and the request behind
// it moves up; a request larger than the capacity waits for all of it.
func TestBudgetCancelAndCapacity(t *testing.T) {
	ctx := context.Background()
	b := New(10)
	if b.Capacity() != 10 {
		t.Fatalf("capacity %d", b.Capacity())
	}
	if err := b.Acquire(ctx, 4); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	first := make(chan error, 1)
	go func() { first <- b.Acquire(cctx, 8) }()
	for _, w := b.InUse(); w != 1; _, w = b.InUse() {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() { second <- b.Acquire(ctx, 5) }() // fits, but waits behind the first
	for _, w := b.InUse(); w != 2; _, w = b.InUse() {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-second:
		t.Fatalf("granted behind a waiting request: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("a canceled wait: %v", err)
	}
	if err := <-second; err != nil {
		t.Fatalf("the request behind a canceled one: %v", err)
	}
	if used, w := b.InUse(); used != 9 || w != 0 {
		t.Fatalf("in use %d, %d waiting", used, w)
	}
	b.Release(4)
	b.Release(5)
	// larger than everything: granted when everything is free, and
	// released whole
	if err := b.Acquire(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if used, _ := b.InUse(); used != 10 {
		t.Fatalf("a request of 100 of 10 holds %d", used)
	}
	b.Release(100)
	if used, w := b.InUse(); used != 0 || w != 0 {
		t.Fatalf("in use %d, %d waiting after every release", used, w)
	}
}
