package session

import (
	"slices"
)

// A statement reading tables the session's engine may not read needs a
// new engine (its sandbox cannot be widened: engineFor), and opening one
// takes a good part of a cold statement over object storage. The engine
// is therefore opened while the statement's files download: the planner
// names the plan's directories before it waits for the downloads
// (planner.EngineReadier), the engine for them starts opening then, and
// engineFor takes it once the plan is made. An engine opened ahead that
// the plan does not take after all (the plan failed, a kept result
// answered it, or the session's engine changed meanwhile) goes to the
// pool of idle engines once the statement is planned (settleAhead): a
// session holds at most one engine besides the one opening for it.

// aheadEngine is an engine being opened for a sandbox before it is asked
// for.
type aheadEngine struct {
	key  string // allowedKey of the sandbox
	done chan struct{}
	e    *engine
	err  error
}

// ReadyFor starts opening the engine a plan over dirs will run in when
// the session's engine may not read them (planner.EngineReadier).
// While the spare the session took is still opening, there is nothing to
// do: the spare is the engine the plan runs in, sandboxed to the plan's
// directories once open (engineFor), and waiting for its open here would
// hold the statement's scan planning and downloads back.
func (pe planEnv) ReadyFor(dirs []string) {
	pe.s.engMu.Lock()
	opening := pe.s.opening()
	pe.s.engMu.Unlock()
	if opening {
		return
	}
	pe.s.settlePending()
	pe.s.openAhead(dirs)
}

// openAhead starts opening the engine engineFor(dirs) would open.
func (s *Session) openAhead(dirs []string) {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.eng != nil && s.eng.covers(dirs) {
		return
	}
	s.settlePendingLocked()
	if s.eng == nil && s.unconfined != nil {
		// The spare parsing the statement: sandboxed to dirs now, it is
		// the engine the plan runs in (enginespare.go).
		if _, err := s.engineForLocked(dirs); err == nil {
			return
		}
	}
	allowed := s.widened(dirs)
	key := allowedKey(allowed)
	if s.ahead != nil {
		if s.ahead.key == key {
			return
		}
		s.dropAhead()
	}
	a := &aheadEngine{key: key, done: make(chan struct{})}
	s.ahead = a
	// An idle engine of the sandbox is taken at once (a lock and a look
	// at a few entries), so that it is ready whenever the plan is: a
	// statement a kept result answers takes only a ready one
	// (takeReadyAhead). Opening one goes on in the background.
	if e := s.p.engines.idleFor(allowed); e != nil {
		a.e = e
		close(a.done)
		return
	}
	go func() {
		defer close(a.done)
		a.e, a.err = s.p.engines.get(allowed)
	}()
}

// widened is the sandbox of the engine that may read dirs besides what
// the session's engine may read (or, between a recycled engine and its
// replacement, what the recycled one could: recycle.go); engMu is held.
func (s *Session) widened(dirs []string) []string {
	var allowed []string
	if s.eng != nil {
		allowed = slices.Clone(s.eng.allowed)
	} else {
		allowed = slices.Clone(s.retired)
	}
	for _, d := range dirs {
		if !slices.Contains(allowed, d) {
			allowed = append(allowed, d)
		}
	}
	return allowed
}

// takeAhead returns the engine opened ahead for the sandbox allowed, once
// it is open (ok false when none was); an engine opened ahead for another
// sandbox is dropped. engMu is held.
func (s *Session) takeAhead(allowed []string) (e *engine, err error, ok bool) {
	a := s.ahead
	if a == nil {
		return nil, nil, false
	}
	if a.key != allowedKey(allowed) {
		s.dropAhead()
		return nil, nil, false
	}
	s.ahead = nil
	<-a.done
	return a.e, a.err, true
}

// settleAhead gives an engine opened ahead for the statement just planned
// that the statement did not take to the pool of idle engines: a
// statement a kept result answers (resultcache.go), or one whose planning
// failed, runs in no engine. Kept until the session's next statement over
// other tables, it was a second engine for the session, outside the
// pool's bounds (bench/soak: 65 sessions, up to 121 engines open, ~6.5 MiB
// of C heap each; BENCHMARKS.md, Soak). Pooled, it serves the next
// statement that needs it, the session's or another's of the same
// sandbox.
func (s *Session) settleAhead() {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	s.dropAhead()
}

// takeReadyAhead makes the engine opened ahead for a plan a kept result
// will answer (planQueryAs) the session's engine, as running the plan
// would have, when it has already opened for the sandbox the plan needs
// (outside a transaction block; never waiting for it). Pooled instead,
// the session's next statement over the same tables opened or took it
// again, and a kept result answered that one too: bench/soak's readers
// whose engine could not read comms.bounces, whose one statement a kept
// result answers for every session, sent an engine to the pool and took
// it back at each of those statements, the pool's most frequent move.
// The plan's directories were authorized for the session, so the wider
// sandbox is the one its plans allow (enginepool.go).
func (s *Session) takeReadyAhead(dirs []string) {
	if s.inTxn {
		return
	}
	s.engMu.Lock()
	defer s.engMu.Unlock()
	a := s.ahead
	if a == nil || a.key != allowedKey(s.widened(dirs)) {
		return
	}
	select {
	case <-a.done:
	default:
		return
	}
	if a.err != nil {
		return
	}
	if _, err := s.engineForLocked(dirs); err != nil {
		s.log.Debug("engine opened ahead not taken", "err", err)
	}
}

// dropAhead gives the engine being opened ahead to the pool of idle
// engines once it is open; engMu is held.
func (s *Session) dropAhead() {
	a := s.ahead
	if a == nil {
		return
	}
	s.ahead = nil
	go func() {
		<-a.done
		if a.e != nil {
			s.p.engines.put(a.e, putAhead)
		}
	}()
}
