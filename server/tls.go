package server

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
)

// lakegate terminates TLS itself, below psql-wire, so that it decides the
// TLS policy and knows for every connection whether it is encrypted (password
// and token authentication are refused on plaintext connections). The
// startup packet is examined before psql-wire sees the connection:
//
//	SSLRequest    -> 'S' and a TLS handshake when TLS is configured, else 'N'
//	GSSENCRequest -> 'N' (not supported); the client continues
//	anything else -> handed to psql-wire unchanged
//
// https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.12

const (
	sslRequestCode    = 80877103
	gssencRequestCode = 80877104
)

// startupConn is a client connection before and after TLS negotiation.
// Every byte psql-wire reads from it has passed the frame check
// (frames.go).
type startupConn struct {
	raw    *watchConn
	conf   *tls.Config
	log    *slog.Logger
	frames frameChecker

	endOnce sync.Once

	once    sync.Once
	err     error
	tls     *tls.Conn
	pending []byte

	ahead []byte // read from the connection, not yet handed out
	buf   []byte // ahead's backing array: readAheadBytes, grown (readAheadGrown) once a read fills it

	// out holds what was written since the last flush: messages go out
	// together when the protocol next reads from the socket (as
	// PostgreSQL flushes before it waits for a command), when out grows
	// past outFlushBytes, and on Close. A Bind/Execute/Sync's four
	// answers are then one write, not four system calls.
	outMu sync.Mutex // the pipelined row sender writes from its own goroutine
	out   []byte
}

// outFlushBytes is how much output waits for the next read at most.
const outFlushBytes = 16 << 10

// A connection reads the socket readAheadBytes at a time, enough for the
// queries and parameters most connections ever send. A read that fills the
// buffer means the client streams (COPY FROM STDIN's 64 KiB CopyData
// messages, large Binds): the buffer then grows to readAheadGrown for the
// connection's life, so a 64 KiB message takes one read system call (a
// TLS record's 16 KiB without TLS's own buffering) where it took eight.
const (
	readAheadBytes = 8 << 10
	readAheadGrown = 64 << 10
)

func (c *startupConn) negotiate() {
	c.once.Do(func() {
		for {
			// The authentication deadline (limits.go) bounds the whole
			// negotiation.
			hdr := make([]byte, 8)
			if _, err := io.ReadFull(c.raw, hdr); err != nil {
				c.err = c.expired(err)
				return
			}
			n, code := binary.BigEndian.Uint32(hdr[0:4]), binary.BigEndian.Uint32(hdr[4:8])
			switch {
			case n == 8 && code == sslRequestCode && c.conf != nil:
				if _, err := c.raw.Write([]byte{'S'}); err != nil {
					c.err = err
					return
				}
				t := tls.Server(c.raw, c.conf)
				if err := t.Handshake(); err != nil {
					if c.err = c.expired(err); c.err == err {
						c.err = fmt.Errorf("tls handshake: %w", err)
					}
					return
				}
				c.tls = t
				return
			case n == 8 && (code == sslRequestCode || code == gssencRequestCode):
				if _, err := c.raw.Write([]byte{'N'}); err != nil {
					c.err = err
					return
				}
			default:
				c.pending = hdr
				return
			}
		}
	})
}

// Read hands out what the client sent, never past the end of a message.
func (c *startupConn) Read(p []byte) (int, error) {
	if c.frames.err != nil {
		return 0, fmt.Errorf("%w: %w", net.ErrClosed, c.frames.err)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if len(c.ahead) == 0 {
		// The client waits for what was written before it sends more.
		if err := c.flush(); err != nil {
			return 0, err
		}
		c.negotiate() // an idle connect waits here, before any buffer is made
		if c.buf == nil {
			c.buf = make([]byte, readAheadBytes)
		}
		n, err := c.readConn(c.buf)
		if n == len(c.buf) && n < readAheadGrown {
			// The next read gets the larger buffer; keep what this one read.
			grown := make([]byte, readAheadGrown)
			copy(grown, c.buf[:n])
			c.buf = grown
		}
		var pe *panicError
		if errors.As(err, &pe) { // from the disconnect watch (watch.go)
			logPanic(c.log, pe)
			c.endWith(fatal(pe))
		}
		if n == 0 {
			return 0, err
		}
		c.ahead = c.buf[:n]
	}
	k, verr := c.frames.scan(c.ahead[:c.frames.limit(min(len(p), len(c.ahead)))])
	copy(p, c.ahead[:k])
	c.ahead = c.ahead[k:]
	if verr != nil {
		c.log.Warn("protocol violation; closing the connection", "addr", c.RemoteAddr().String(), "err", verr)
		c.endWith(fatal(verr))
		if k == 0 {
			return 0, fmt.Errorf("%w: %w", net.ErrClosed, verr)
		}
	}
	return k, nil
}

// endWith sends the client a FATAL ErrorResponse and closes the
// connection. Only the goroutine serving the connection calls it, when no
// other message is being written.
func (c *startupConn) endWith(err error) {
	c.endOnce.Do(func() {
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		_ = wire.WriteUnterminatedError(buffer.NewWriter(c.log, c), err)
		_ = c.Close()
	})
}

func (c *startupConn) readConn(p []byte) (int, error) {
	c.negotiate()
	if c.err != nil {
		return 0, c.err
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	var n int
	var err error
	if c.tls != nil {
		n, err = c.tls.Read(p)
	} else {
		n, err = c.raw.Read(p)
	}
	if n > 0 && c.raw.idle != idleNone {
		c.raw.idle = idleNone // the client spoke: no longer idle
		c.raw.setReadDeadline(time.Time{})
	}
	return n, c.expired(err)
}

// Write keeps p in out (see out); a large p goes out at once, after what
// is kept. An error of an earlier flush is returned by a later Write or
// Read.
func (c *startupConn) Write(p []byte) (int, error) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	if len(c.out)+len(p) <= outFlushBytes {
		c.out = append(c.out, p...)
		return len(p), nil
	}
	if err := c.flushLocked(); err != nil {
		return 0, err
	}
	if len(p) < outFlushBytes {
		c.out = append(c.out, p...)
		return len(p), nil
	}
	return c.write(p)
}

// flush writes out.
func (c *startupConn) flush() error {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	return c.flushLocked()
}

func (c *startupConn) flushLocked() error {
	if len(c.out) == 0 {
		return nil
	}
	_, err := c.write(c.out)
	if cap(c.out) > 4*outFlushBytes {
		c.out = nil
	} else {
		c.out = c.out[:0]
	}
	return err
}

func (c *startupConn) write(p []byte) (int, error) {
	var n int
	var err error
	if c.tls != nil {
		n, err = c.tls.Write(p)
	} else {
		n, err = c.raw.Write(p)
	}
	return n, c.expired(err)
}

func (c *startupConn) Close() error {
	// A final error (endWith, limits) goes out before the close, unless
	// a write is stuck (the close ends it) or the client reads no more.
	if c.outMu.TryLock() {
		if len(c.out) > 0 {
			_ = c.raw.SetWriteDeadline(time.Now().Add(time.Second))
			_ = c.flushLocked()
		}
		c.outMu.Unlock()
	}
	if c.tls != nil {
		_ = c.tls.Close()
	}
	return c.raw.Close()
}

func (c *startupConn) LocalAddr() net.Addr { return c.raw.LocalAddr() }

// RemoteAddr is the client's address, carrying the connection itself:
// psql-wire hands it to the hooks (wire.RemoteAddress), and clientOf finds
// the connection's state through it, whatever the address (Unix sockets
// all have the same one).
func (c *startupConn) RemoteAddr() net.Addr               { return connAddr{Addr: c.raw.RemoteAddr(), sc: c} }
func (c *startupConn) SetDeadline(t time.Time) error      { return c.raw.SetDeadline(t) }
func (c *startupConn) SetReadDeadline(t time.Time) error  { return c.raw.SetReadDeadline(t) }
func (c *startupConn) SetWriteDeadline(t time.Time) error { return c.raw.SetWriteDeadline(t) }

// connAddr is a client's address with its connection.
type connAddr struct {
	net.Addr
	sc *startupConn
}

// clientOf returns the hook's client address and its connection (nil for
// a connection lakegate's listener did not accept).
func clientOf(ctx context.Context) (net.Addr, *startupConn) {
	a := wire.RemoteAddress(ctx)
	if ca, ok := a.(connAddr); ok {
		return ca.Addr, ca.sc
	}
	return a, nil
}

// ConnectionState returns the TLS state, if any.
func (c *startupConn) ConnectionState() (tls.ConnectionState, bool) {
	if c.tls == nil {
		return tls.ConnectionState{}, false
	}
	return c.tls.ConnectionState(), true
}
