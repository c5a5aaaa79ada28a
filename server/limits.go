package server

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"

	"github.com/lakegate/lakegate/internal/metrics"
)

// Connection limits and deadlines. A connection is "unauthenticated" from
// accept until psql-wire is about to write its first ReadyForQuery; then it
// is a session. Limits bound both kinds, so that clients which connect and
// say nothing (or stall in the SCRAM exchange) can neither exhaust file
// descriptors or memory nor keep a real client out for longer than the
// authentication timeout:
//
//   - accept: a connection over MaxUnauthenticated, or over
//     MaxUnauthenticatedPerAddress from its IP address, gets FATAL 53300 and
//     is closed at once, before psql-wire allocates its message buffer.
//   - accept -> first ReadyForQuery: read and write deadlines on the socket at
//     AuthenticationTimeout; when they pass the connection is closed without
//     a message, as PostgreSQL's authentication_timeout does.
//   - authentication -> session: over MaxConnections sessions the client
//     gets FATAL 53300 "sorry, too many clients already".
//   - waiting for the next message: idle_session_timeout outside and
//     idle_in_transaction_session_timeout inside a transaction block (session
//     settings, defaults from Limits) end the connection with FATAL 57P05
//     resp. 25P03, as in PostgreSQL 15.
//   - Accept errors (EMFILE, ENFILE, ECONNABORTED, ...) never end Serve: they
//     are logged (rate-limited) and retried after a backoff of 5 ms doubling
//     to 1 s. Serve returns only when the listener is closed.

// Limits bound connections. The zero value gives the defaults.
type Limits struct {
	// MaxConnections bounds authenticated sessions (default 100, as
	// PostgreSQL's max_connections).
	MaxConnections int
	// MaxUnauthenticated bounds connections that have not reached their
	// first ReadyForQuery (default 256); MaxUnauthenticatedPerAddress bounds
	// them per client IP address (default 128: a connection pool of one
	// application server opens its connections at once, and 20 parallel
	// logins of one attacker must not lock out other users of its address).
	// An idle connection costs a goroutine and the pages of its read buffer
	// it has touched (the buffer itself is reserved, not resident).
	MaxUnauthenticated           int
	MaxUnauthenticatedPerAddress int
	// AuthenticationTimeout is the time from accept to the first
	// ReadyForQuery (default 10 s).
	AuthenticationTimeout time.Duration
	// IdleSessionTimeout and IdleInTransactionSessionTimeout are the
	// defaults of the session settings of the same names (0: off).
	IdleSessionTimeout              time.Duration
	IdleInTransactionSessionTimeout time.Duration
}

func (l Limits) maxConnections() int {
	if l.MaxConnections > 0 {
		return l.MaxConnections
	}
	return 100
}

func (l Limits) maxUnauthenticated() int {
	if l.MaxUnauthenticated > 0 {
		return l.MaxUnauthenticated
	}
	return 256
}

func (l Limits) maxUnauthenticatedPerAddress() int {
	if l.MaxUnauthenticatedPerAddress > 0 {
		return l.MaxUnauthenticatedPerAddress
	}
	return 128
}

func (l Limits) authenticationTimeout() time.Duration {
	if l.AuthenticationTimeout > 0 {
		return l.AuthenticationTimeout
	}
	return 10 * time.Second
}

// errAuthenticationTimeout ends a connection whose authentication deadline
// passed. It wraps net.ErrClosed so that psql-wire treats it as a normal
// closure rather than logging an error for each such connection.
var errAuthenticationTimeout = fmt.Errorf("canceling authentication due to timeout: %w", net.ErrClosed)

// errIdleClosed is what the protocol reader gets after an idle timeout
// ended the connection (the client was sent the FATAL error).
var errIdleClosed = fmt.Errorf("idle timeout: %w", net.ErrClosed)

// accept waits for the next connection the limits admit. Temporary errors
// are retried with a capped backoff; it returns an error only when the
// listener is closed.
func (l *watchListener) accept() (*startupConn, error) {
	var backoff time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil, err
			}
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			if n, ok := l.errLog.allow(time.Now()); ok {
				lvl := "error"
				if isTemporaryAccept(err) {
					lvl = "temporary"
				}
				l.srv.log.Error("accept failed; retrying", "err", err, "kind", lvl, "retry_in", backoff, "suppressed", n)
			}
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if sc := l.srv.admit(c); sc != nil {
			return sc, nil
		}
		if l.srv.draining.Load() {
			continue // refused with 57P03, logged once by Drain
		}
		if n, ok := l.refuseLog.allow(time.Now()); ok {
			l.srv.log.Warn("refusing connections: too many unauthenticated connections", "addr", c.RemoteAddr().String(),
				"max_unauthenticated", l.srv.cfg.Limits.maxUnauthenticated(),
				"max_unauthenticated_per_address", l.srv.cfg.Limits.maxUnauthenticatedPerAddress(), "suppressed", n)
		}
	}
}

// isTemporaryAccept reports accept errors that say the process or the
// system is short of something, or that one connection went away.
func isTemporaryAccept(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ECONNABORTED, syscall.ENOBUFS, syscall.ENOMEM,
		syscall.EINTR, syscall.EAGAIN, syscall.EPROTO, syscall.EPERM, syscall.ECONNRESET} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// rateLog lets one line through per second and counts the rest. It is used
// by one goroutine (the accept loop).
type rateLog struct {
	next       time.Time
	suppressed int
}

func (r *rateLog) allow(now time.Time) (suppressed int, ok bool) {
	if now.Before(r.next) {
		r.suppressed++
		return 0, false
	}
	n := r.suppressed
	r.next, r.suppressed = now.Add(time.Second), 0
	return n, true
}

// admit counts a new connection as unauthenticated and arms its
// authentication deadline, or refuses it (nil) when a limit is reached.
func (s *Server) admit(c net.Conn) *startupConn {
	host := admissionKey(c.RemoteAddr())
	lim := s.cfg.Limits
	s.mu.Lock()
	if s.draining.Load() {
		s.mu.Unlock()
		s.metrics.ConnRefused(metrics.RefusedShuttingDown)
		s.refuse(c, errShuttingDown)
		return nil
	}
	if s.unauth >= lim.maxUnauthenticated() || s.unauthBy[host] >= lim.maxUnauthenticatedPerAddress() {
		s.mu.Unlock()
		s.metrics.ConnRefused(metrics.RefusedUnauthenticated)
		s.refuse(c, errTooManyConnections)
		return nil
	}
	s.unauth++
	s.unauthBy[host]++
	w := &watchConn{Conn: c, srv: s, host: host, counted: true}
	sc := &startupConn{raw: w, conf: s.cfg.TLS, log: s.log, frames: frameChecker{maxBody: s.maxMessage}}
	s.mu.Unlock()
	s.metrics.ConnOpened()
	deadline := time.Now().Add(lim.authenticationTimeout())
	w.rdeadline = deadline
	_ = c.SetDeadline(deadline)
	w.onClose = func() { s.connClosed(w) }
	return sc
}

// admissionKey is the "address" of the per-address cap: the IPv4 address,
// or the /64 of an IPv6 address (one host commonly holds a whole /64).
func admissionKey(a net.Addr) string {
	t, ok := a.(*net.TCPAddr)
	if !ok {
		return hostOf(a)
	}
	if v4 := t.IP.To4(); v4 != nil {
		return v4.String()
	}
	return t.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// refuse tells a client why it cannot connect (the server is full or
// shutting down) and closes its connection. The socket's send buffer is
// empty, so the write does not wait.
func (s *Server) refuse(c net.Conn, why error) {
	_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	w := buffer.NewWriter(s.log, c)
	_ = wire.WriteUnterminatedError(w, fatal(why))
	_ = c.Close()
}

// connClosed releases what a connection held: its place among the
// unauthenticated connections, its session slot and engine.
func (s *Server) connClosed(w *watchConn) {
	s.metrics.ConnClosed()
	s.mu.Lock()
	s.release(w)
	c := w.conn
	s.mu.Unlock()
	if c != nil {
		// psql-wire closes the socket outside any hook: a panic here
		// must not end the process.
		func() {
			defer s.recoverLogged("close connection")
			s.endConn(c)
		}()
	}
}

// release ends w's count as unauthenticated; s.mu must be held.
func (s *Server) release(w *watchConn) {
	if !w.counted {
		return
	}
	w.counted = false
	s.unauth--
	if s.unauthBy[w.host]--; s.unauthBy[w.host] <= 0 {
		delete(s.unauthBy, w.host)
	}
}

// awaitClient runs as psql-wire is about to write ReadyForQuery: the first
// time, the connection becomes a session (its authentication deadline
// ends); each time, the idle timeout that applies starts.
func (s *Server) awaitClient(c *conn, inTransaction bool) {
	w := c.watch
	if w == nil {
		return
	}
	if !w.authed {
		w.authed = true
		s.mu.Lock()
		s.release(w)
		s.mu.Unlock()
		_ = w.SetWriteDeadline(time.Time{})
	}
	idle, inTxn := c.sess.IdleTimeouts()
	kind, d := idleSession, idle
	if inTransaction {
		kind, d = idleInTransaction, inTxn
	}
	if d <= 0 {
		kind = idleNone
	}
	w.idle = kind
	var at time.Time
	if kind != idleNone {
		at = time.Now().Add(d)
	}
	w.setReadDeadline(at)
}

// busy ends the idle timeout: a message from the client is being handled.
// Reads end it too, but a message psql-wire had already buffered arrives
// without one.
func (c *conn) busy() {
	if w := c.watch; w != nil && w.idle != idleNone {
		w.idle = idleNone
		w.setReadDeadline(time.Time{})
	}
}

type idleKind uint8

const (
	idleNone idleKind = iota
	idleSession
	idleInTransaction
)

// expired turns a deadline error of the protocol's reads and writes into
// the end of the connection: silently during authentication, with FATAL
// 57P05 or 25P03 when an idle timeout passed. Other errors pass unchanged.
func (c *startupConn) expired(err error) error {
	if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	w := c.raw
	if !w.authed {
		w.srv.log.Info("closing connection: authentication timeout", "addr", w.RemoteAddr().String(),
			"timeout", w.srv.cfg.Limits.authenticationTimeout())
		return errAuthenticationTimeout
	}
	var e error
	switch {
	case w.ending():
		e = errAdminShutdown // drain.go
	case w.idle == idleSession:
		e = errIdleSessionTimeout
	case w.idle == idleInTransaction:
		e = errIdleInTransactionTimeout
	default:
		return err
	}
	w.idle = idleNone
	log := w.srv.log
	if w.conn != nil && w.conn.log != nil {
		log = w.conn.log
	}
	log.Info(e.Error())
	_ = w.SetWriteDeadline(time.Now().Add(time.Second))
	_ = wire.WriteUnterminatedError(buffer.NewWriter(log, c), fatal(e))
	return errIdleClosed
}

// formatTimeout writes a duration the way PostgreSQL shows a timeout
// setting: in the largest unit that divides it.
func formatTimeout(d time.Duration) string {
	ms := d.Milliseconds()
	switch {
	case ms == 0:
		return "1ms"
	case ms%(3600*1000) == 0:
		return fmt.Sprintf("%dh", ms/(3600*1000))
	case ms%(60*1000) == 0:
		return fmt.Sprintf("%dmin", ms/(60*1000))
	case ms%1000 == 0:
		return fmt.Sprintf("%ds", ms/1000)
	}
	return fmt.Sprintf("%dms", ms)
}
