package session

import "time"

// A spare engine: opened before any session asks for one, sandboxed when
// one does. Opening a DuckDB database and setting it up (its connection
// settings, lakegate's functions and the operator macros) is most of what
// a new engine costs, and none of it depends on the directories the engine
// will be allowed to read; only the sandbox does (engine.sandbox). A
// session that needs an engine no idle one fits (enginepool.go) would
// otherwise open one on its statement's critical path: a cold statement
// over object storage opens one for its tables' copies after it has
// learnt where they are, a new connection's first statement one before
// it can parse. With a spare it only sets the sandbox (a millisecond).
// The next spare opens in the background once the statement that took
// one has run, or at once alongside an engine opened for want of one.
//
// What keeps the sandbox: a spare runs nothing but lakegate's own setup
// (openUnsandboxed) and is never handed out before engine.sandbox has
// confined it; a spare that fails to open or to sandbox is closed and the
// session opens an engine as it would without one.
//
// Bounds: one spare per pool, only when engines are reused at all
// (EngineConfig.IdleEngines not negative): one more idle engine's memory
// (engineOverhead, memory.go). A spare opens when the pool opens an
// engine, not when the process starts, and is closed when nobody took it
// for IdleEngineTimeout, like an idle engine: a process that serves no
// new sessions keeps none. closeIdle closes it, waiting for it to finish
// opening.

// spareEngine is an engine being opened, or open, for no session yet.
type spareEngine struct {
	done chan struct{}
	e    *engine // nil when err is set
	err  error
}

// startSpare starts opening a spare engine; p.mu is held.
func (p *enginePool) startSpare() *spareEngine {
	sp := &spareEngine{done: make(chan struct{})}
	go func() {
		sp.e, sp.err = openUnsandboxed(p.cfg)
		close(sp.done)
		if sp.err == nil {
			time.AfterFunc(p.timeout, func() { p.expireSpare(sp) })
		}
	}()
	return sp
}

// expireSpare closes sp if it is still the spare.
func (p *enginePool) expireSpare(sp *spareEngine) {
	p.mu.Lock()
	if p.spare != sp {
		p.mu.Unlock()
		return
	}
	p.spare = nil
	p.mu.Unlock()
	sp.e.close()
}

// open returns a new engine sandboxed to allowed: the spare when there is
// one (once it is open), else one opened now, with a spare opening
// alongside. The spare taken is replaced once the statement that took it
// has run (refillSpare): opened at once, the next would take the cores
// from that statement's downloads and scan.
func (p *enginePool) open(allowed []string) (*engine, error) {
	if p.max <= 0 {
		return openEngine(p.cfg, allowed)
	}
	p.mu.Lock()
	sp := p.spare
	p.spare = nil
	if sp == nil {
		p.spare = p.startSpare()
	} else {
		p.refill.Store(true)
	}
	p.mu.Unlock()
	if sp != nil {
		<-sp.done
		if sp.err == nil {
			if err := sp.e.sandbox(allowed); err == nil {
				p.mu.Lock()
				p.spares++
				p.mu.Unlock()
				return sp.e, nil
			}
			sp.e.close()
		}
	}
	return openEngine(p.cfg, allowed)
}

// refillSpare starts opening a spare in place of one taken; sessions call
// it when a statement has run.
func (p *enginePool) refillSpare() {
	if !p.refill.Load() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refill.Swap(false) && p.spare == nil {
		p.spare = p.startSpare()
	}
}

// closeSpare closes the spare engine, once it has opened.
func (p *enginePool) closeSpare() {
	p.mu.Lock()
	sp := p.spare
	p.spare = nil
	p.refill.Store(false)
	p.mu.Unlock()
	if sp == nil {
		return
	}
	<-sp.done
	if sp.e != nil {
		sp.e.close()
	}
}
