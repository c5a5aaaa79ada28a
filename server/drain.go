package server

import (
	"context"
	"time"
)

// Draining (SIGTERM, cmd/lakegate): the server stops taking new work and
// ends its sessions without cutting a statement short unless it must.
//
//  1. Drain marks the server draining: from then on a new connection gets
//     FATAL 57P03 "the database system is shutting down" at accept (as
//     PostgreSQL answers during shutdown), and Draining reports true
//     (/readyz turns 503).
//  2. A session waiting for its client is ended at once with FATAL 57P01
//     "terminating connection due to administrator command"; a session
//     running a statement lets it finish, sends its result, and is ended
//     the same way when it would wait for the next message.
//  3. Statements still running when the grace period ends are canceled:
//     their client gets FATAL 57P01 instead of a result. A write that had
//     not committed leaves nothing (the planner commits a statement's
//     snapshot at its end, or not at all).
//
// pg_terminate_backend ends one session the way step 3 ends all (kill).

// pastDeadline is a read deadline that has passed: the next read fails at
// once (watchConn.endSession).
var pastDeadline = time.Unix(1, 0)

// Draining reports whether Drain has begun.
func (s *Server) Draining() bool { return s.draining.Load() }

// Drain refuses new connections, ends idle sessions, and waits for the
// sessions running statements to end, up to grace; then it cancels what
// still runs and waits briefly for those sessions to close. The listener
// stays open (answering 57P03) until Close.
func (s *Server) Drain(ctx context.Context, grace time.Duration) {
	s.draining.Store(true)
	conns := s.openConns()
	s.log.Info("draining", "sessions", len(conns), "grace", grace)
	for _, c := range conns {
		if c.watch != nil {
			c.watch.endSession()
		}
	}
	if s.waitConns(ctx, grace) {
		s.log.Info("drained: every session ended")
		return
	}
	conns = s.openConns()
	s.log.Warn("drain: grace period over, canceling running statements", "sessions", len(conns))
	for _, c := range conns {
		c.kill()
	}
	// A canceled statement ends within an engine interrupt; a session that
	// does not close by then is closed by Close.
	s.waitConns(ctx, 5*time.Second)
}

// openConns lists the sessions being served.
func (s *Server) openConns() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	return out
}

// waitConns waits until no session is open (true) or d passes.
func (s *Server) waitConns(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for s.Sessions() > 0 {
		select {
		case <-t.C:
			return false
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}

// kill ends a session now: a running statement is canceled and its client
// gets FATAL 57P01 (execute), an idle session gets the same at once.
func (c *conn) kill() {
	c.killed.Store(true)
	if c.watch != nil {
		c.watch.endSession()
	}
	if f := c.stmtCancel.Load(); f != nil {
		(*f)()
	}
	if c.sess != nil {
		c.sess.Cancel()
	}
}

// endSession makes the session end at its next wait for the client: the
// protocol's read deadline passes now, unless a statement runs (a watch is
// active), in which case it passes when the statement ends and the
// deadline is restored (endWatch).
func (c *watchConn) endSession() {
	c.shutdown.Store(true)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rdeadline = pastDeadline
	if c.active == nil {
		_ = c.Conn.SetReadDeadline(pastDeadline)
	}
}

// ending reports whether the session is to end at its next wait.
func (c *watchConn) ending() bool { return c.shutdown.Load() || c.srv.draining.Load() }
