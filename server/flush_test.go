package server_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
)

// writeCounter counts the writes on the connections it accepts.
type writeCounter struct {
	net.Listener
	writes *atomic.Int64
}

func (l writeCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countedConn{Conn: c, writes: l.writes}, nil
}

type countedConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countedConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestAnswersGoOutInOneWrite checks that the answers to one round trip
// leave in one write, as PostgreSQL flushes only before it waits for the
// client: a simple Query's RowDescription, DataRow, CommandComplete and
// ReadyForQuery, and a prepared statement's BindComplete, DataRow,
// CommandComplete and ReadyForQuery (pgbench -M prepared) were a system
// call each.
func TestAnswersGoOutInOneWrite(t *testing.T) {
	t.Parallel()
	var writes atomic.Int64
	g := startGW(t, gwOptions{sizes: tinySizes, wrap: func(l net.Listener) net.Listener {
		return writeCounter{Listener: l, writes: &writes}
	}})
	ctx := context.Background()
	c := g.connect(t).PgConn()
	if _, err := c.Prepare(ctx, "lookup", "select id from users.customers where id = $1", nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		before := writes.Load()
		res := c.Exec(ctx, "select 1")
		if _, err := res.ReadAll(); err != nil {
			t.Fatal(err)
		}
		if n := writes.Load() - before; n != 1 {
			t.Errorf("simple query: %d writes, want 1", n)
		}
		before = writes.Load()
		r := c.ExecPrepared(ctx, "lookup", [][]byte{[]byte("1")}, nil, nil).Read()
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if len(r.Rows) != 1 {
			t.Fatalf("lookup: %d rows, want 1", len(r.Rows))
		}
		if n := writes.Load() - before; n != 1 {
			t.Errorf("prepared lookup: %d writes, want 1", n)
		}
	}
}
