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
// A new session's first statement: the planner parses with the session's
// engine (planner.Env.SerializeSQL) before it knows the directories the
// statement reads. Sandboxed to nothing for that, the engine would be
// put aside for a second one sandboxed to the plan's directories (the
// spare, or an open on the statement's path). Instead the session takes
// the spare unconfined (Session.unconfined) and runs nothing in it but
// DuckDB's json_serialize_sql and json_deserialize_sql over a quoted
// string (parsing and rendering: nothing is bound, read or run) until
// the plan names its directories (planner.EngineReadier, engineFor),
// then sandboxes it to exactly those (Session.confine). Anything else
// asked of it first (planEnv.QueryStrings: a time-travel expression;
// a write) sandboxes it to what the session may read so far. An idle
// engine of the plan's exact sandbox is still preferred: the unconfined
// one goes back as the spare. A spare taken while still opening is not
// waited for to parse: the statement parses in the pool's parse-only
// engine until it needs its engine (engineparse.go).
//
// Bounds: one spare per pool, only when engines are reused at all
// (EngineConfig.IdleEngines not negative): one more idle engine's memory
// (engineOverhead, memory.go). A spare opens when the process starts to
// serve (Manager.OpenSpare), when a session starts and the pool holds no
// engine, and when the pool opens an engine; it is closed when nobody
// took it for IdleEngineTimeout, like an idle engine: a process that
// serves no new sessions keeps none. closeIdle closes it, waiting for it
// to finish opening, and none opens after (enginePool.closed).

// spareEngine is an engine being opened, or open, for no session yet.
type spareEngine struct {
	done chan struct{}
	e    *engine // nil when err is set
	err  error
	// For the next engine (enginenext.go): the spare it opens after, and
	// whether its open has begun (p.mu guards it).
	after   *spareEngine
	started bool
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
	p.awaitNextLocked()
	sp := p.spare
	p.spare = nil
	if sp == nil {
		if p.closed {
			p.mu.Unlock()
			return openEngine(p.cfg, allowed)
		}
		p.spare = p.startSpare()
	} else {
		p.takenLocked(sp)
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
	if p.next == nil && p.refill.Swap(false) && p.spare == nil && !p.closed {
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

// OpenSpare starts opening a spare engine when the pool keeps none (and
// engines are reused at all), and an idle engine sandboxed to nothing
// when none waits: a process about to serve calls it, so that its first
// session finds an engine ready for its first statement whether that
// reads tables (the spare, sandboxed to them) or not (select 1, a
// driver's catalog queries: the idle one), and the spare still there for
// the statement over tables that follows (enginespare.go).
func (p *Manager) OpenSpare() {
	if p.engines.max > 0 {
		p.engines.mu.Lock()
		if p.engines.parse == nil && !p.engines.closed {
			p.engines.parse = openParseEngine()
		}
		p.engines.mu.Unlock()
	}
	p.engines.openSpare(false)
	if p.engines.max <= 0 || p.engines.hasIdle(nil) {
		return
	}
	// After the spare, not beside it: a first statement arriving at once
	// waits for one engine's open, not for two sharing the cores. It
	// becomes the spare if the spare is taken meanwhile (enginenext.go).
	p.engines.mu.Lock()
	if p.engines.next == nil && !p.engines.closed {
		p.engines.startNext(p.engines.spare)
	}
	p.engines.mu.Unlock()
}

// openSpare starts a spare when there is none; with onlyEmpty, only when
// no engine waits idle either (a session starting: an idle engine serves
// its first statement).
func (p *enginePool) openSpare(onlyEmpty bool) {
	if p.max <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spare == nil && p.next == nil && !p.closed && (!onlyEmpty || len(p.idle) == 0) {
		p.spare = p.startSpare()
	}
}

// takeSpare takes the spare, not yet sandboxed and perhaps still
// opening, for a session's first statement to parse with (nil when there
// is none); waiting for it to finish opening costs less than opening
// another. The caller sandboxes its engine before it runs anything else
// (Session.confine) or gives it back (putUnconfined).
func (p *enginePool) takeSpare() *spareEngine {
	if p.max <= 0 {
		return nil
	}
	p.mu.Lock()
	p.awaitNextLocked()
	sp := p.spare
	p.spare = nil
	if sp != nil {
		p.takenLocked(sp)
	}
	p.mu.Unlock()
	return sp
}

// putUnconfined takes back a spare engine takeSpare gave, never
// sandboxed: it is the spare again when the pool has none, else (or once
// the pool has closed) closed.
func (p *enginePool) putUnconfined(e *engine) {
	p.mu.Lock()
	if p.spare != nil || p.closed {
		p.mu.Unlock()
		e.close()
		return
	}
	sp := &spareEngine{done: make(chan struct{}), e: e}
	close(sp.done)
	p.spare = sp
	p.refill.Store(false)
	p.mu.Unlock()
	time.AfterFunc(p.timeout, func() { p.expireSpare(sp) })
}

// confineTo sandboxes an engine from takeUnconfined to allowed and makes
// it one of the pool's; an idle engine of exactly that sandbox is taken
// instead when one waits (its footers and copies are warm), u going back
// as the spare. On failure u is closed.
func (p *enginePool) confineTo(u *engine, allowed []string) (*engine, error) {
	if e := p.idleFor(allowed); e != nil {
		p.putUnconfined(u)
		return e, nil
	}
	if err := u.sandbox(allowed); err != nil {
		u.close()
		return nil, err
	}
	p.mu.Lock()
	p.spares++
	p.mu.Unlock()
	if len(allowed) == 0 {
		// A statement reading no table (select 1, a catalog query): no
		// downloads to keep the cores for, and the session's first
		// statement over tables will want an engine of its own next.
		p.refillSpare()
	}
	return p.adopt(u)
}

// parser is the engine the session's statements are parsed with: its
// engine, or the unconfined spare it took for its first statement (nil
// before readyToParse).
func (s *Session) parser() *engine {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.eng != nil {
		return s.eng
	}
	return s.unconfined
}

// readyToParse makes sure the session has an engine to parse with: a
// session without one takes the spare unconfined, unless an idle engine
// sandboxed to nothing waits (an engine sandboxed to nothing when
// neither does). A spare still opening is the session's pending one: it
// parses in the parse-only engine meanwhile (engineparse.go).
func (s *Session) readyToParse() error {
	s.engMu.Lock()
	has := s.eng != nil || s.unconfined != nil || s.pending != nil
	s.engMu.Unlock()
	if has {
		return nil
	}
	if !s.p.engines.hasIdle(nil) {
		if sp := s.p.engines.takeSpare(); sp != nil {
			s.engMu.Lock()
			s.pending = sp
			s.engMu.Unlock()
			if !s.p.engines.parseReady(sp) {
				// Not under engMu: Cancel must not wait for an open.
				s.settlePending()
			}
			s.engMu.Lock()
			has = s.unconfined != nil || s.pending != nil
			s.engMu.Unlock()
			if has {
				return nil
			}
		}
	}
	_, err := s.engineFor(nil)
	return err
}

// hasIdle reports whether an engine of exactly the sandbox allowed waits
// idle.
func (p *enginePool) hasIdle(allowed []string) bool {
	key := allowedKey(allowed)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ie := range p.idle {
		if ie.key == key {
			return true
		}
	}
	return false
}
