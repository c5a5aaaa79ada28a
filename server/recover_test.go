package server_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// panicLog is a log handler that panics when it logs a given message for a
// user whose name asks for it (user "panic.session started" panics on
// "session started"), which puts a panic inside the hook that logs it. It
// keeps what the server logs about recovered panics.
type panicLog struct {
	attrs []slog.Attr
	rec   *panicRecords
}

type panicRecords struct {
	mu        sync.Mutex
	recovered []string // "in" attribute of each recovered panic, with its stack
}

func (h panicLog) Enabled(context.Context, slog.Level) bool { return true }

func (h panicLog) Handle(_ context.Context, r slog.Record) error {
	var user, in, stack string
	each := func(a slog.Attr) bool {
		switch a.Key {
		case "user":
			user = a.Value.String()
		case "in":
			in = a.Value.String()
		case "stack":
			stack = a.Value.String()
		}
		return true
	}
	for _, a := range h.attrs {
		each(a)
	}
	r.Attrs(each)
	if r.Message == "panic recovered; ending the session" {
		h.rec.mu.Lock()
		h.rec.recovered = append(h.rec.recovered, in+"\n"+stack)
		h.rec.mu.Unlock()
		return nil
	}
	if want, ok := strings.CutPrefix(user, "panic."); ok && want == r.Message {
		panic("injected panic on " + r.Message)
	}
	return nil
}

func (h panicLog) WithAttrs(as []slog.Attr) slog.Handler {
	return panicLog{attrs: append(append([]slog.Attr(nil), h.attrs...), as...), rec: h.rec}
}

func (h panicLog) WithGroup(string) slog.Handler { return h }

// TestPanicEndsOnlyItsSession injects a panic into each kind of hook
// psql-wire calls: the client of that session gets FATAL XX000 (where it
// is still listening) and only its connection closes; the panic is logged
// with its stack; the other sessions and new ones go on. Before, any of
// these panics ended the process.
func TestPanicEndsOnlyItsSession(t *testing.T) {
	t.Parallel()
	rec := &panicRecords{}
	g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10},
		server.Config{Logger: slog.New(panicLog{rec: rec})})
	other := connectPG(t, g.dsn(""))
	selectOne(t, other)
	dsn := func(user string) string {
		return strings.Replace(g.dsn(""), "analyst@", strings.ReplaceAll(user, " ", "%20")+"@", 1)
	}
	wantXX000 := func(what string, err error) {
		t.Helper()
		var pe *pgconn.PgError
		if !asPgError(err, &pe) || pe.Code != "XX000" || pe.Severity != "FATAL" {
			t.Errorf("%s: %v, want FATAL XX000", what, err)
		}
	}

	// authenticate and openSession: the login fails.
	for _, user := range []string{"panic.authenticated", "panic.session started"} {
		c, err := pgconn.Connect(context.Background(), dsn(user))
		if err == nil {
			c.Close(context.Background())
		}
		wantXX000(user, err)
	}

	// A statement, and the parse of one.
	c := connectPG(t, dsn("panic.statement done"))
	_, err := c.Exec(context.Background(), "select 1").ReadAll()
	wantXX000("statement", err)
	c = connectPG(t, dsn("panic.prepare failed"))
	_, err = c.Exec(context.Background(), "selec 1").ReadAll()
	wantXX000("parse", err)

	// A cancel request for a session whose log panics: the cancel
	// connection ends, the target session does not.
	c = connectPG(t, dsn("panic.cancel request"))
	if err := c.CancelRequest(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The session's end: the client is gone already; the server goes on.
	// A Terminate closes the socket before psql-wire's CloseConn, so the
	// session ends (and panics) in the socket's close (connClosed).
	c = connectPG(t, dsn("panic.session ended"))
	c.Close(context.Background())

	waitFor(t, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.recovered) == 6
	})
	rec.mu.Lock()
	var hooks []string
	for _, r := range rec.recovered {
		in, stack, _ := strings.Cut(r, "\n")
		hooks = append(hooks, in)
		if !strings.Contains(stack, "panicLog.Handle") {
			t.Errorf("panic in %s logged without its stack:\n%s", in, stack)
		}
	}
	rec.mu.Unlock()
	want := "authenticate,open session,statement,parse,cancel request,close connection"
	if strings.Join(hooks, ",") != want {
		t.Errorf("recovered panics in %v, want %s", hooks, want)
	}

	selectOne(t, other)
	selectOne(t, connectPG(t, g.dsn("")))
	// The sessions that panicked are gone from the server's books: other,
	// the one above, the cancel target.
	waitFor(t, func() bool { return g.srv.Sessions() == 3 })
}

func asPgError(err error, pe **pgconn.PgError) bool { return errors.As(err, pe) }

// waitFor polls cond until it holds; what it waits for happens on the
// server after the client has seen the end of its connection.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("condition not reached in 30 s")
		}
	}
}
