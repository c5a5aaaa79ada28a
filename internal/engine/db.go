package engine

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/apache/arrow-go/v18/arrow"
	duck "github.com/duckdb/duckdb-go-bindings"
)

// Setting is one DuckDB configuration option, set before the database
// starts (duckdb_set_config).
type Setting struct{ Name, Value string }

// DB is an in-memory DuckDB database. Close destroys it once; the caller
// closes its connections first.
type DB struct {
	mu     sync.Mutex
	db     duck.Database
	closed bool
}

// minFreeFDs is the file descriptors Open wants left before it starts a
// database: DuckDB aborts the process (an uncaught InternalException) when
// it cannot get the ones it needs while opening, which a flood of
// connections can cause (cmd/lakegate's TestAcceptEMFILEIsRetried).
const minFreeFDs = 16

// Open starts an in-memory database with settings, in order. With fewer
// than minFreeFDs file descriptors left under RLIMIT_NOFILE it starts
// nothing and returns an *Error of type ErrorResources.
func Open(settings []Setting) (*DB, error) {
	if open, limit, ok := fdUse(); ok && limit-open < minFreeFDs {
		return nil, &Error{Type: ErrorResources, Msg: fmt.Sprintf("out of file descriptors: %d of %d open; retry when connections have closed", open, limit)}
	}
	var c duck.Config
	if duck.CreateConfig(&c) != duck.StateSuccess {
		return nil, errors.New("engine: create config")
	}
	defer duck.DestroyConfig(&c)
	for _, s := range settings {
		if duck.SetConfig(c, s.Name, s.Value) != duck.StateSuccess {
			return nil, fmt.Errorf("engine: set %s", s.Name)
		}
	}
	d := &DB{}
	var msg string
	if duck.OpenExt("", &d.db, c, &msg) != duck.StateSuccess {
		return nil, fmt.Errorf("engine: open: %s", msg)
	}
	return d, nil
}

// Version is the DuckDB library's version ("v1.5.0"): what its files'
// contents may depend on besides what was written to them.
func Version() string { return duck.LibraryVersion() }

// Connect opens a connection to the database.
func (d *DB) Connect() (*Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, errors.New("engine: closed")
	}
	c := &Conn{}
	if duck.Connect(d.db, &c.conn) != duck.StateSuccess {
		return nil, errors.New("engine: connect")
	}
	return c, nil
}

// Close destroys the database; later calls do nothing.
func (d *DB) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.closed = true
	duck.Close(&d.db)
}

// Conn is a connection to a DB. One goroutine at a time runs statements on
// it; Interrupt may come from any goroutine, at any time, also after Close.
type Conn struct {
	// mu orders Interrupt against Close: the handle is interrupted only
	// while it exists.
	mu     sync.Mutex
	conn   duck.Connection
	closed bool
}

// Close disconnects; later calls do nothing. Statements prepared on the
// connection are closed by their owner before or after, not used after.
func (c *Conn) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	duck.Disconnect(&c.conn)
}

// Interrupt stops the statement the connection is running, if any: it
// fails with an Error of type ErrorInterrupt. Safe from any goroutine.
func (c *Conn) Interrupt() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		duck.Interrupt(c.conn)
	}
}

// Sandbox confines the whole database, every connection, to files under
// dirs, for good: no statement can change either setting again. Run it
// once, before any statement that is not the caller's own.
func (c *Conn) Sandbox(dirs []string) error {
	quoted := make([]string, 0, len(dirs))
	for _, d := range dirs {
		quoted = append(quoted, "'"+strings.ReplaceAll(strings.TrimSuffix(d, "/")+"/", "'", "''")+"'")
	}
	return c.Exec(fmt.Sprintf("SET allowed_directories = [%s]; SET enable_external_access = false;", strings.Join(quoted, ", ")))
}

// Exec runs sql, one or more statements, and drops what they return.
func (c *Conn) Exec(sql string) error {
	var res duck.Result
	defer duck.DestroyResult(&res)
	if duck.Query(c.conn, sql, &res) != duck.StateSuccess {
		return resultError(&res)
	}
	return nil
}

// Query runs sql and hands its rows to fn as Arrow record batches, in
// order. Each batch is released after fn returns; fn must not keep it.
func (c *Conn) Query(sql string, fn func(arrow.RecordBatch) error) error {
	r := &rows{}
	defer r.destroy()
	if duck.Query(c.conn, sql, &r.res) != duck.StateSuccess {
		return resultError(&r.res)
	}
	return r.each(fn)
}

// fdUse is the process's open file descriptors and its RLIMIT_NOFILE soft
// limit; ok is false where /proc/self/fd cannot be read.
func fdUse() (open, limit int, ok bool) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > 1<<30 {
		return 0, 0, false
	}
	f, err := os.Open("/proc/self/fd")
	if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
		return int(lim.Cur), int(lim.Cur), true // not even this one is left
	}
	if err != nil {
		return 0, 0, false
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return 0, 0, false
	}
	return len(names), int(lim.Cur), true
}
