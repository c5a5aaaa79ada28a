package server_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

var tinySizes = demo.Sizes{Customers: 10, Charges: 10, Bounces: 10}

// dialFrom opens a TCP connection to addr from a loopback source address
// (all of 127.0.0.0/8 is loopback on Linux), so one test can play several
// client hosts.
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// connectFrom logs in as user from a loopback source address.
func connectFrom(ctx context.Context, src, addr, user, password string, params map[string]string) (*pgx.Conn, error) {
	host, port, _ := net.SplitHostPort(addr)
	cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://%s:%s@%s:%s/lakegate?sslmode=disable&connect_timeout=5", user, password, host, port))
	if err != nil {
		return nil, err
	}
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
	cfg.DialFunc = d.DialContext
	return pgx.ConnectConfig(ctx, cfg)
}

// receiveError reads the next backend message on c and wants an
// ErrorResponse followed by the end of the connection.
func receiveError(t *testing.T, c net.Conn) *pgproto3.ErrorResponse {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	msg, err := pgproto3.NewFrontend(c, c).Receive()
	if err != nil {
		t.Fatalf("want an ErrorResponse, got %v", err)
	}
	e, ok := msg.(*pgproto3.ErrorResponse)
	if !ok {
		t.Fatalf("want an ErrorResponse, got %T %+v", msg, msg)
	}
	e = &pgproto3.ErrorResponse{Severity: e.Severity, Code: e.Code, Message: e.Message}
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatalf("the server kept the connection open after %s %s (read %d bytes)", e.Code, e.Message, n)
	}
	return e
}

// waitClosed waits for the server to close c and returns how long that
// took from start.
func waitClosed(t *testing.T, c net.Conn, start time.Time) time.Duration {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	buf := make([]byte, 4096)
	for {
		_, err := c.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server did not close the connection within 20 s")
		}
		if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("read: %v", err)
		}
		return time.Since(start)
	}
}

// flakyListener fails its first Accepts with the given errors.
type flakyListener struct {
	net.Listener
	mu   sync.Mutex
	errs []error
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if len(l.errs) > 0 {
		err := l.errs[0]
		l.errs = l.errs[1:]
		l.mu.Unlock()
		return nil, err
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

// Accept errors that say the process is out of descriptors (the finding:
// "accept4: too many open files" ended Serve and the process) are retried;
// clients are served once they pass.
func TestAcceptErrorsAreRetried(t *testing.T) {
	t.Parallel()
	accErr := func(errno syscall.Errno) error {
		return &net.OpError{Op: "accept", Net: "tcp", Err: &net.AddrError{Err: errno.Error()}}
	}
	errs := []error{
		&net.OpError{Op: "accept", Net: "tcp", Err: fmt.Errorf("accept4: %w", syscall.EMFILE)},
		&net.OpError{Op: "accept", Net: "tcp", Err: fmt.Errorf("accept4: %w", syscall.ENFILE)},
		&net.OpError{Op: "accept", Net: "tcp", Err: fmt.Errorf("accept4: %w", syscall.ECONNABORTED)},
		&net.OpError{Op: "accept", Net: "tcp", Err: fmt.Errorf("accept4: %w", syscall.ENOBUFS)},
		accErr(syscall.EINVAL), // not known as temporary: retried all the same
	}
	g := startGW(t, gwOptions{sizes: tinySizes, wrap: func(l net.Listener) net.Listener {
		return &flakyListener{Listener: l, errs: errs}
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	c, err := connectFrom(ctx, "127.0.0.1", g.addr, "analyst", "", nil)
	if err != nil {
		t.Fatalf("connect after accept errors: %v", err)
	}
	defer c.Close(ctx)
	var one int
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1: %d %v", one, err)
	}
	t.Logf("logged in %v after 5 accept errors (backoff 5+10+20+40+80 ms)", time.Since(start).Round(time.Millisecond))
}

// Connections that have not authenticated are bounded per client address
// and in all; beyond the bounds a connection is told 53300 and closed at
// once, and clients from other addresses still log in.
func TestUnauthenticatedConnectionCaps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		limits      server.Limits
		idle        []string // source addresses of the idle connections that fill the cap
		refused     string   // source of the connection that is refused
		loginSource string   // a real client that still logs in
	}{
		{"per address", server.Limits{MaxUnauthenticatedPerAddress: 3},
			[]string{"127.0.0.1", "127.0.0.1", "127.0.0.1"}, "127.0.0.1", "127.0.0.2"},
		{"global", server.Limits{MaxUnauthenticated: 4, MaxUnauthenticatedPerAddress: 2},
			[]string{"127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.3"}, "127.0.0.4", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGatewayWith(t, tinySizes, server.Config{Limits: tc.limits})
			var idle []net.Conn
			for _, src := range tc.idle {
				idle = append(idle, dialFrom(t, src, g.addr))
			}
			// The server has accepted the idle connections once a
			// connection made after them was answered.
			e := receiveError(t, dialFrom(t, tc.refused, g.addr))
			if e.Code != "53300" || e.Severity != "FATAL" || e.Message != "sorry, too many clients already" {
				t.Fatalf("refused connection: %+v", e)
			}
			ctx := context.Background()
			if tc.loginSource != "" {
				c, err := connectFrom(ctx, tc.loginSource, g.addr, "analyst", "", nil)
				if err != nil {
					t.Fatalf("login from %s while %s is at its cap: %v", tc.loginSource, tc.refused, err)
				}
				c.Close(ctx)
			}
			// Closing an idle connection frees its place.
			idle[0].Close()
			deadline := time.Now().Add(5 * time.Second)
			for {
				c, err := connectFrom(ctx, tc.refused, g.addr, "analyst", "", nil)
				if err == nil {
					c.Close(ctx)
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("login after an idle connection closed: %v", err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// authenticationTimeout bounds accept to ReadyForQuery for clients that send
// nothing, part of a startup packet, a startup packet and then nothing (the
// server waits in the SCRAM exchange), and SASLInitialResponse and then
// nothing. A client that logs in in time keeps its session past the
// deadline.
func TestAuthenticationTimeout(t *testing.T) {
	// Not parallel: its subtests bound when a timer closes a connection
	// (within 5 s of the timeout); they run beside each other only.
	const timeout = time.Second
	acct, err := auth.NewAccount("payments_svc", "payments", nil, "s3cret-pw", 4096)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(auth.Config{Accounts: []auth.Account{acct}})
	if err != nil {
		t.Fatal(err)
	}
	g := startGatewayWith(t, tinySizes, server.Config{
		Auth:   server.AuthConfig{Authenticator: a, AllowPlaintextLoopback: true},
		Limits: server.Limits{AuthenticationTimeout: timeout},
	})
	startup := func() []byte {
		b := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
			Parameters: map[string]string{"user": "payments_svc", "database": "lakegate"}})
		out, err := b.Encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		send func(c net.Conn)
	}{
		{"nothing", func(net.Conn) {}},
		{"half a startup packet", func(c net.Conn) { _, _ = c.Write(startup()[:5]) }},
		{"SSLRequest, then nothing", func(c net.Conn) {
			var b [8]byte
			binary.BigEndian.PutUint32(b[0:4], 8)
			binary.BigEndian.PutUint32(b[4:8], 80877103)
			_, _ = c.Write(b[:])
		}},
		{"startup packet, then nothing", func(c net.Conn) { _, _ = c.Write(startup()) }},
		{"SASLInitialResponse, then nothing", func(c net.Conn) {
			_, _ = c.Write(startup())
			fe := pgproto3.NewFrontend(c, c)
			if _, err := fe.Receive(); err != nil { // AuthenticationSASL
				t.Errorf("startup: %v", err)
				return
			}
			fe.Send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,,n=,r=abcdefghijklmnop")})
			if err := fe.Flush(); err != nil {
				t.Errorf("send: %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each waits out the timeout on its own connection
			start := time.Now()
			c := dialFrom(t, "127.0.0.1", g.addr)
			tc.send(c)
			lived := waitClosed(t, c, start)
			t.Logf("closed after %v (authentication_timeout %v)", lived.Round(time.Millisecond), timeout)
			if lived < timeout || lived > timeout+5*time.Second {
				t.Fatalf("the connection lived %v; want about %v", lived, timeout)
			}
		})
	}
	t.Run("a session outlives the deadline", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		c, err := connectFrom(ctx, "127.0.0.1", g.addr, "payments_svc", "s3cret-pw", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		time.Sleep(3 * timeout)
		var one int
		if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("select 1 after the authentication deadline: %d %v", one, err)
		}
	})
}

// limits.max_connections bounds sessions: beyond it a client gets FATAL
// 53300 "sorry, too many clients already", as from PostgreSQL; when a
// session ends its slot is free again.
func TestMaxConnections(t *testing.T) {
	t.Parallel()
	g := startGatewayWith(t, tinySizes, server.Config{Limits: server.Limits{MaxConnections: 2}})
	ctx := context.Background()
	var open []*pgx.Conn
	for range 2 {
		c, err := connectFrom(ctx, "127.0.0.1", g.addr, "analyst", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		open = append(open, c)
	}
	_, err := connectFrom(ctx, "127.0.0.1", g.addr, "analyst", "", nil)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "53300" || pe.Severity != "FATAL" || pe.Message != "sorry, too many clients already" {
		t.Fatalf("third session: want FATAL 53300, got %v", err)
	}
	open[0].Close(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := connectFrom(ctx, "127.0.0.1", g.addr, "analyst", "", nil)
		if err == nil {
			c.Close(ctx)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a session after another ended: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// idle_session_timeout and idle_in_transaction_session_timeout end a
// connection that waits too long for its client, with FATAL 57P05 resp.
// 25P03 as PostgreSQL 15 does; each applies only in its own state, set by
// SET, by a startup parameter or by the server's default.
func TestIdleTimeouts(t *testing.T) {
	// Not parallel: statements 300 ms apart must keep a 1 s idle timer
	// from firing; its subtests run beside each other only.
	g := startGatewayWith(t, tinySizes, server.Config{})
	gDefault := startGatewayWith(t, tinySizes, server.Config{Limits: server.Limits{IdleSessionTimeout: time.Second}})
	ctx := context.Background()
	expect := func(t *testing.T, c *pgx.Conn, code, msg string, after time.Time, timeout time.Duration) {
		t.Helper()
		e := receiveError(t, c.PgConn().Conn())
		lived := time.Since(after) // after is before the last statement: a lower bound

		if e.Code != code || e.Severity != "FATAL" || e.Message != msg {
			t.Fatalf("got %+v; want FATAL %s %q", e, code, msg)
		}
		t.Logf("%s after %v idle (timeout %v)", code, lived.Round(time.Millisecond), timeout)
		if lived < timeout {
			t.Fatalf("ended after %v idle, before the timeout %v", lived, timeout)
		}
	}
	exec := func(t *testing.T, c *pgx.Conn, sql string) {
		t.Helper()
		if _, err := c.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	t.Run("idle_session_timeout by SET", func(t *testing.T) {
		t.Parallel() // the subtests wait on timers of their own sessions
		c, err := connectFrom(ctx, "127.0.0.1", g.addr, "analyst", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, c, "set idle_session_timeout = '1s'")
		// Activity keeps the session: each statement starts the wait anew.
		for range 4 {
			time.Sleep(300 * time.Millisecond)
			exec(t, c, "select 1")
		}
		// In a transaction block idle_session_timeout does not apply.
		exec(t, c, "begin")
		time.Sleep(1500 * time.Millisecond)
		exec(t, c, "select 1")
		t0 := time.Now()
		exec(t, c, "commit")
		expect(t, c, "57P05", "terminating connection due to idle-session timeout", t0, time.Second)
	})
	t.Run("idle_in_transaction_session_timeout as a startup parameter", func(t *testing.T) {
		t.Parallel()
		c, err := connectFrom(ctx, "127.0.0.1", g.addr, "analyst", "", map[string]string{"idle_in_transaction_session_timeout": "1000"})
		if err != nil {
			t.Fatal(err)
		}
		var v string
		if err := c.QueryRow(ctx, "show idle_in_transaction_session_timeout").Scan(&v); err != nil || v != "1000" {
			t.Fatalf("show: %q %v", v, err)
		}
		// Outside a transaction block it does not apply.
		time.Sleep(1500 * time.Millisecond)
		exec(t, c, "begin")
		t0 := time.Now()
		exec(t, c, "select 1")
		expect(t, c, "25P03", "terminating connection due to idle-in-transaction timeout", t0, time.Second)
	})
	t.Run("failed transaction block", func(t *testing.T) {
		t.Parallel()
		c, err := connectFrom(ctx, "127.0.0.1", g.addr, "analyst", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, c, "set idle_in_transaction_session_timeout = '1s'")
		exec(t, c, "begin")
		t0 := time.Now()
		if _, err := c.Exec(ctx, "select * from no_such_table"); err == nil {
			t.Fatal("want an error")
		}
		expect(t, c, "25P03", "terminating connection due to idle-in-transaction timeout", t0, time.Second)
	})
	t.Run("server default", func(t *testing.T) {
		t.Parallel()
		c, err := connectFrom(ctx, "127.0.0.1", gDefault.addr, "analyst", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		var v string
		t0 := time.Now()
		if err := c.QueryRow(ctx, "show idle_session_timeout").Scan(&v); err != nil || v != "1s" {
			t.Fatalf("show: %q %v", v, err)
		}
		expect(t, c, "57P05", "terminating connection due to idle-session timeout", t0, time.Second)
	})
	t.Run("off and invalid values", func(t *testing.T) {
		t.Parallel()
		c, err := connectFrom(ctx, "127.0.0.1", gDefault.addr, "analyst", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		exec(t, c, "set idle_session_timeout = 0")
		time.Sleep(1500 * time.Millisecond)
		exec(t, c, "select 1")
		for _, bad := range []string{"'-1'", "'soon'"} {
			_, err := c.Exec(ctx, "set idle_session_timeout = "+bad)
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "22023" {
				t.Fatalf("set idle_session_timeout = %s: want 22023, got %v", bad, err)
			}
		}
	})
}
