package session

import (
	"errors"
	"time"
)

// The second engine a process opens at start (Manager.OpenSpare): after
// the spare, an engine for a first statement that reads no table (select
// 1, a driver's catalog queries). A client connecting the moment the
// port answers sends that statement before it has opened: the statement
// takes the spare, sandboxes it to nothing, and a new spare started then
// (refillSpare) would open beside the second engine. Two engine opens
// (the operator macros: most of an open's CPU) then share the cores with
// the session's next statement, a cold one over object storage whose
// manifests are parsed and files written meanwhile, and that statement
// waits for the later of them for its own engine.
//
// Instead the second engine opens unsandboxed, as a spare does, and
// becomes the spare when the pool has none by the time it is open (the
// spare was taken meanwhile); only otherwise is it sandboxed to nothing
// and kept idle. While it opens, a taken spare is not replaced by another
// open, no session starting opens a spare, and a session wanting a new
// engine waits for it rather than opening one of its own: one engine
// opening at a time at start.
//
// A spare taken before the next engine began to open (a client that
// connected while the process was still opening the spare) leaves the
// next engine unopened: the statement that took the spare, a cold one
// over object storage most likely, would otherwise share the cores with
// that open (its manifests parsed and files written meanwhile), for an
// engine it does not need. The spare's refill (refillSpare: once that
// statement has run, or at once when it read no table) opens the next
// one instead; a session wanting a new engine meanwhile opens its own,
// as without a next engine.

// startNext starts opening the pool's next engine once after (nil: none)
// has opened; p.mu is held.
func (p *enginePool) startNext(after *spareEngine) {
	n := &spareEngine{done: make(chan struct{}), after: after}
	p.next = n
	go func() {
		if after != nil {
			<-after.done
		}
		p.mu.Lock()
		if p.next != n { // left to the refill (takenLocked)
			p.mu.Unlock()
			return
		}
		if p.closed {
			p.next = nil
			n.err = errPoolClosed
			p.mu.Unlock()
			close(n.done)
			return
		}
		n.started = true
		p.mu.Unlock()
		e, err := openUnsandboxed(p.cfg)
		p.mu.Lock()
		p.next = nil
		closed := p.closed
		asSpare := err == nil && p.spare == nil && !closed
		if asSpare {
			n.e = e
			p.spare = n
			p.refill.Store(false)
		}
		n.err = err
		p.mu.Unlock()
		if err == nil && closed {
			// Closed before done: closeIdle waits for it.
			n.err = errPoolClosed
			e.close()
		}
		close(n.done)
		switch {
		case err != nil:
			p.log.Warn("engine opened ahead", "err", err)
		case closed:
		case asSpare:
			time.AfterFunc(p.timeout, func() { p.expireSpare(n) })
		default:
			p.idleNothing(e)
		}
	}()
}

// idleNothing sandboxes e, opened unsandboxed, to nothing and keeps it
// idle in the pool.
func (p *enginePool) idleNothing(e *engine) {
	if err := e.sandbox(nil); err != nil {
		e.close()
		p.log.Warn("engine opened ahead", "err", err)
		return
	}
	e, err := p.adopt(e)
	if err != nil {
		p.log.Warn("engine opened ahead", "err", err)
		return
	}
	p.put(e, putAhead)
}

// takenLocked records that a session took the spare sp: it is to be
// replaced (refillSpare), and a next engine that has not begun to open
// after it is left to that refill; p.mu is held.
func (p *enginePool) takenLocked(sp *spareEngine) {
	p.refill.Store(true)
	if n := p.next; n != nil && n.after == sp && !n.started {
		p.next = nil
		n.err = errNextLeft
		close(n.done)
	}
}

// errNextLeft: the next engine was not opened (takenLocked).
var errNextLeft = errors.New("engine: next engine left to the spare's refill")

// errPoolClosed: the next engine was not opened, or was closed once open,
// for the pool had closed (closeIdle).
var errPoolClosed = errors.New("engine: pool closed")

// awaitNextLocked waits, while the pool has no spare, for the next
// engine being opened (it may become the spare); p.mu is held, and
// released while waiting.
func (p *enginePool) awaitNextLocked() {
	for p.spare == nil && p.next != nil {
		n := p.next
		p.mu.Unlock()
		<-n.done
		p.mu.Lock()
	}
}

// waitNext waits for the next engine being opened, if any.
func (p *enginePool) waitNext() {
	p.mu.Lock()
	n := p.next
	p.mu.Unlock()
	if n != nil {
		<-n.done
	}
}
