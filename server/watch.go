package server

import (
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// A client that disconnects while its query runs must stop the query. The
// protocol gives no signal for that, and nothing reads the socket while a
// statement executes, so during execution lakegate reads the raw connection
// itself: EOF or a reset means the client is gone and the statement's
// context is canceled; bytes that do arrive (a pipelined Sync, say) are kept
// and handed to the protocol reader afterwards. It works beneath TLS too.

type watchListener struct {
	net.Listener
	srv *Server

	errLog, refuseLog rateLog // used by the accept loop only
}

// Accept returns the next connection the limits admit (limits.go).
func (l *watchListener) Accept() (net.Conn, error) {
	sc, err := l.accept()
	if err != nil {
		return nil, err
	}
	return sc, nil
}

type watchConn struct {
	net.Conn

	mu        sync.Mutex // guards pending, err, active, rdeadline
	pending   []byte
	err       error
	active    *watcher
	rdeadline time.Time // the protocol's read deadline, restored after a watch

	stopMu  sync.Mutex // serializes ending a watch with reads
	onClose func()
	once    sync.Once

	// Limits (limits.go). host is the client's address (admissionKey);
	// counted says whether the connection counts as unauthenticated
	// (guarded by srv.mu); conn is set under srv.mu when authentication
	// succeeds. authed and idle belong to the protocol goroutine.
	srv     *Server
	host    string
	counted bool
	conn    *conn
	authed  bool
	idle    idleKind
	// shutdown: the session ends at its next wait for the client
	// (drain.go).
	shutdown atomic.Bool
}

type watcher struct{ done chan struct{} }

// Read first ends any watch in progress: a statement can be suspended (a
// portal with a row limit) while the protocol reads the next message, and
// two readers must never race for the socket.
func (c *watchConn) Read(p []byte) (int, error) {
	c.stopMu.Lock()
	c.mu.Lock()
	w := c.active
	c.mu.Unlock()
	if w != nil {
		c.endWatch(w)
	}
	c.stopMu.Unlock()

	c.mu.Lock()
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		c.mu.Unlock()
		return n, nil
	}
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return 0, err
	}
	c.mu.Unlock()
	return c.Conn.Read(p)
}

// Write counts what reaches the client's socket (metrics.go).
func (c *watchConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.srv.metrics.BytesSent(n)
	return n, err
}

func (c *watchConn) Close() error {
	c.once.Do(func() {
		if c.onClose != nil {
			c.onClose()
		}
	})
	return c.Conn.Close()
}

// watch starts watching for a disconnect; cancel is called if one happens.
// The watch ends when stop is called or when the protocol reads again.
func (c *watchConn) watch(cancel func()) (stop func()) {
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	c.mu.Lock()
	if c.active != nil || c.err != nil || len(c.pending) > 0 {
		c.mu.Unlock()
		return func() {}
	}
	w := &watcher{done: make(chan struct{})}
	c.active = w
	c.mu.Unlock()
	go func() {
		defer close(w.done)
		defer func() {
			if r := recover(); r != nil {
				// The session ends at its next read (tls.go).
				c.mu.Lock()
				c.err = newPanicError("disconnect watch", r)
				c.mu.Unlock()
				cancel()
			}
		}()
		buf := make([]byte, 4096)
		n, err := c.Conn.Read(buf)
		c.mu.Lock()
		defer c.mu.Unlock()
		if n > 0 {
			// The client is alive and talking; keep its bytes for the protocol.
			c.pending = append(c.pending, buf[:n]...)
			return
		}
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			c.err = err
			cancel()
		}
	}()
	return func() {
		c.stopMu.Lock()
		defer c.stopMu.Unlock()
		c.endWatch(w)
	}
}

// endWatch stops w and waits for its goroutine; stopMu must be held.
func (c *watchConn) endWatch(w *watcher) {
	c.mu.Lock()
	if c.active != w {
		c.mu.Unlock()
		return
	}
	c.active = nil
	c.mu.Unlock()
	_ = c.Conn.SetReadDeadline(time.Now())
	<-w.done
	c.mu.Lock()
	_ = c.Conn.SetReadDeadline(c.rdeadline)
	c.mu.Unlock()
}

// setReadDeadline sets the protocol's read deadline (authentication or
// idle timeout; zero for none).
func (c *watchConn) setReadDeadline(t time.Time) {
	if c.ending() {
		t = pastDeadline // no more waiting for this client (drain.go)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.IsZero() && c.rdeadline.IsZero() {
		return // the common case at each ReadyForQuery: no timeout, none set
	}
	c.rdeadline = t
	_ = c.Conn.SetReadDeadline(t)
}
