package session

import (
	"errors"
	"sync"
	"sync/atomic"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/objcache"
)

// A parse-only engine, for a first statement that arrives while the spare
// is still opening (a client that connects the moment the port answers).
// The first statement parses in the spare (enginespare.go), so it waited
// for the spare's open (~90 ms of CPU, most of it the operator macros)
// before it could parse, resolve its tables and read their manifests.
// Parsing needs none of that setup: a bare DuckDB database with the
// settings the parser reads (engineSettings) parses exactly as an engine
// does, for a fifth of an engine's open. While the session's spare opens
// (Session.pending), the statement parses here, and waits for the spare
// only when it needs the engine itself: an expression to evaluate, or the
// plan's sandbox once its files are in. Its resolution, manifest reads
// and downloads overlap the open: the copies it fetches meanwhile are
// held by a set the spare takes once open (fetchHolds), and getting an
// engine ready for the plan's directories (planEnv.ReadyFor) waits for
// nothing while the spare, which will be that engine, still opens.
//
// What keeps the sandbox: nothing runs in it but json_serialize_sql and
// json_deserialize_sql over a quoted string (engine.Conn.SerializeSQL),
// and it is sandboxed to nothing when it opens (no file is readable, and
// the setting cannot be lifted). One per pool, opened by Manager.OpenSpare
// only, shared by the sessions under a mutex (a parse is microseconds),
// closed with the pool's idle engines.
type parseEngine struct {
	done chan struct{}
	mu   sync.Mutex // one statement at a time on conn
	db   *eng.DB
	conn *eng.Conn // nil when the open failed
	// closed: close has run (mu guards it); a session that took pe
	// before parses in its own engine instead (errParseClosed).
	closed bool
	// parses counts the statements parsed here (for tests).
	parses atomic.Int64
}

// openParseEngine starts opening a parse-only engine.
func openParseEngine() *parseEngine {
	pe := &parseEngine{done: make(chan struct{})}
	go func() {
		defer close(pe.done)
		settings := append(engineSettings(), eng.Setting{Name: "threads", Value: "1"},
			eng.Setting{Name: "memory_limit", Value: "64MiB"})
		db, err := eng.Open(settings)
		if err != nil {
			return
		}
		conn, err := db.Connect()
		if err != nil {
			db.Close()
			return
		}
		if err := conn.Sandbox(nil); err != nil {
			conn.Close()
			db.Close()
			return
		}
		pe.db, pe.conn = db, conn
	}()
	return pe
}

// ready reports, without waiting, whether pe is open.
func (pe *parseEngine) ready() bool {
	if pe == nil {
		return false
	}
	select {
	case <-pe.done:
		return pe.conn != nil
	default:
		return false
	}
}

// errParseClosed: the parse-only engine closed with the pool after the
// session took it (parseIn).
var errParseClosed = errors.New("engine: parse-only engine closed")

func (pe *parseEngine) serialize(sql string) (string, error) {
	pe.mu.Lock()
	defer pe.mu.Unlock()
	if pe.closed {
		return "", errParseClosed
	}
	pe.parses.Add(1)
	return pe.conn.SerializeSQL(sql)
}

func (pe *parseEngine) deserialize(tree string) (string, error) {
	pe.mu.Lock()
	defer pe.mu.Unlock()
	if pe.closed {
		return "", errParseClosed
	}
	return pe.conn.DeserializeSQL(tree)
}

// parseReady waits for the pool's parse-only engine or the spare sp to
// open, whichever opens first, and reports whether a statement may parse
// in the parse-only engine while sp still opens. Both start opening
// together (Manager.OpenSpare) and the parse-only engine opens in a
// fifth of the time: a client connecting the moment the port answers
// found it a few milliseconds from open and waited the spare's ~100 ms.
func (p *enginePool) parseReady(sp *spareEngine) bool {
	pe := p.parser()
	if pe == nil {
		return false
	}
	select {
	case <-pe.done:
		return pe.conn != nil
	case <-sp.done:
		return false
	}
}

// parser returns the pool's parse-only engine (nil: none).
func (p *enginePool) parser() *parseEngine {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.parse
}

// close closes pe once it has opened, after the statement parsing in it.
func (pe *parseEngine) close() {
	if pe == nil {
		return
	}
	<-pe.done
	pe.mu.Lock()
	defer pe.mu.Unlock()
	if pe.conn != nil && !pe.closed {
		pe.conn.Close()
		pe.db.Close()
	}
	pe.closed = true
}

// settlePending waits for the spare the session took while it was still
// opening (Session.pending) and makes it the session's unconfined engine
// (nil when its open failed: the session then opens one as without a
// spare). Not under engMu while it waits: Cancel must not wait for an
// open.
func (s *Session) settlePending() {
	s.engMu.Lock()
	sp := s.pending
	s.engMu.Unlock()
	if sp == nil {
		return
	}
	<-sp.done
	s.engMu.Lock()
	defer s.engMu.Unlock()
	s.settlePendingLocked()
}

// settlePendingLocked is settlePending with engMu held; it waits for the
// open under engMu, for the rare paths that need the engine there.
func (s *Session) settlePendingLocked() {
	sp := s.pending
	if sp == nil {
		return
	}
	s.pending = nil
	<-sp.done
	h := s.pendingHolds
	s.pendingHolds = nil
	if sp.err != nil {
		h.Release()
		return
	}
	s.unconfined = sp.e
	sp.e.adoptHolds(h)
}

// opening reports whether the spare the session took is still opening;
// engMu is held.
func (s *Session) opening() bool {
	if s.pending == nil {
		return false
	}
	select {
	case <-s.pending.done:
		return false
	default:
		return true
	}
}

// fetchHolds is the set of holds a statement's copies go into (nil
// without a file cache): those of the engine the statement parses in,
// which is the plan's engine or hands them to it (engineForPlan). While
// the session's spare is still opening, the statement's downloads do not
// wait for it: the copies go into a set of the session's that the spare
// takes once open (settlePendingLocked), before anything may run in it.
func (s *Session) fetchHolds() *objcache.Holds {
	fc := s.p.cat.FileCache()
	if fc == nil {
		return nil
	}
	s.engMu.Lock()
	if s.opening() {
		if s.pendingHolds == nil {
			s.pendingHolds = fc.NewHolds()
		}
		h := s.pendingHolds
		s.engMu.Unlock()
		return h
	}
	s.engMu.Unlock()
	s.settlePending()
	if e := s.parser(); e != nil {
		return e.fileHolds(fc)
	}
	return nil
}

// serializeSQL parses sql in the session's engine, or in the pool's
// parse-only engine while the spare the session took is still opening.
func (s *Session) serializeSQL(sql string) (string, error) {
	pe, e, err := s.parseIn(true)
	if pe != nil {
		tree, err := pe.serialize(sql)
		if !errors.Is(err, errParseClosed) {
			return tree, err
		}
		_, e, err = s.parseIn(false)
	}
	if err != nil {
		return "", err
	}
	return e.conn.SerializeSQL(sql)
}

// deserializeSQL is serializeSQL's inverse, in the same engine.
func (s *Session) deserializeSQL(tree string) (string, error) {
	pe, e, err := s.parseIn(true)
	if pe != nil {
		sql, err := pe.deserialize(tree)
		if !errors.Is(err, errParseClosed) {
			return sql, err
		}
		_, e, err = s.parseIn(false)
	}
	if err != nil {
		return "", err
	}
	return e.conn.DeserializeSQL(tree)
}

// parseIn returns what the session parses in: with shared, the pool's
// parse-only engine while the spare the session took is still opening,
// else the session's engine or its unconfined spare (one sandboxed to
// nothing, as readyToParse opens, when the spare failed to open).
func (s *Session) parseIn(shared bool) (*parseEngine, *engine, error) {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if sp := s.pending; sp != nil && s.eng == nil {
		select {
		case <-sp.done:
		default:
			if pe := s.p.engines.parser(); shared && pe.ready() {
				return pe, nil, nil
			}
		}
		s.settlePendingLocked()
	}
	if s.eng != nil {
		return nil, s.eng, nil
	}
	if s.unconfined != nil {
		return nil, s.unconfined, nil
	}
	e, err := s.engineForLocked(nil)
	return nil, e, err
}
