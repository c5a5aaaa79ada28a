package server

import (
	"errors"
	"net"
	"os"
	"sync"
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
}

func (l *watchListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	w := &watchConn{Conn: c}
	sc := &startupConn{raw: w, conf: l.srv.cfg.TLS}
	addr := c.RemoteAddr().String()
	l.srv.mu.Lock()
	l.srv.byAdr[addr] = sc
	l.srv.mu.Unlock()
	w.onClose = func() {
		l.srv.mu.Lock()
		if l.srv.byAdr[addr] == sc {
			delete(l.srv.byAdr, addr)
		}
		l.srv.mu.Unlock()
	}
	return sc, nil
}

type watchConn struct {
	net.Conn
	mu      sync.Mutex
	pending []byte
	err     error
	onClose func()
	once    sync.Once
}

func (c *watchConn) Read(p []byte) (int, error) {
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

func (c *watchConn) Close() error {
	c.once.Do(func() {
		if c.onClose != nil {
			c.onClose()
		}
	})
	return c.Conn.Close()
}

// watch starts watching for a disconnect; cancel is called if one happens.
// The returned stop must be called before the protocol reads again.
func (c *watchConn) watch(cancel func()) (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := c.Conn.Read(buf)
			if n > 0 {
				c.mu.Lock()
				c.pending = append(c.pending, buf[:n]...)
				c.mu.Unlock()
				return // the client is alive and talking; stop watching
			}
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					return
				}
				c.mu.Lock()
				c.err = err
				c.mu.Unlock()
				cancel()
				return
			}
		}
	}()
	return func() {
		_ = c.Conn.SetReadDeadline(time.Now())
		<-done
		_ = c.Conn.SetReadDeadline(time.Time{})
	}
}
