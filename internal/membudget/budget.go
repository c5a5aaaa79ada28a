package membudget

import (
	"container/list"
	"context"
	"sync"
)

// Budget hands out grants of bytes in arrival order: a request waits
// while the grants held leave too little, and while anyone asked before it,
// so a large request is not passed over forever by small ones.
type Budget struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	waiters  list.List // of *waiter
}

type waiter struct {
	n     int64
	ready chan struct{}
}

// New returns a Budget of capacity bytes.
func New(capacity int64) *Budget { return &Budget{capacity: capacity} }

// Acquire takes n bytes, waiting in line until they are free or ctx ends;
// then it returns ctx's error and the request gives up its place (the
// caller tells a timeout from a cancel by ctx's cause). A request larger
// than the capacity waits for all of it.
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	n = min(n, b.capacity) // a request larger than everything waits for everything
	b.mu.Lock()
	if b.waiters.Len() == 0 && b.used+n <= b.capacity {
		b.used += n
		b.mu.Unlock()
		return nil
	}
	w := &waiter{n: n, ready: make(chan struct{})}
	el := b.waiters.PushBack(w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	select {
	case <-w.ready: // granted while ctx ended: give it back
		b.used -= n
		b.grantLocked()
	default:
		front := b.waiters.Front() == el
		b.waiters.Remove(el)
		if front {
			b.grantLocked() // the ones behind may fit now
		}
	}
	b.mu.Unlock()
	return ctx.Err()
}

// Release gives back n bytes of Acquire (the same n).
func (b *Budget) Release(n int64) {
	n = min(n, b.capacity)
	b.mu.Lock()
	b.used -= n
	b.grantLocked()
	b.mu.Unlock()
}

// grantLocked grants the waiters at the front of the line that fit.
func (b *Budget) grantLocked() {
	for el := b.waiters.Front(); el != nil; el = b.waiters.Front() {
		w := el.Value.(*waiter)
		if b.used+w.n > b.capacity {
			return
		}
		b.used += w.n
		b.waiters.Remove(el)
		close(w.ready)
	}
}

// InUse reports the bytes granted and the requests waiting.
func (b *Budget) InUse() (bytes int64, waiting int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used, b.waiters.Len()
}

// Capacity is the bytes the budget hands out in all.
func (b *Budget) Capacity() int64 { return b.capacity }
