package session

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/catalog"
	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/planner"
)

// An engine interrupt nobody asked for is not a cancel (57014): execError
// says so, and a write looks for the error the engine lost by reading its
// query again on one thread.
func TestSpuriousInterrupt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	s := New(cat, Config{Engine: EngineConfig{Threads: 2}}).NewSession(Options{})
	defer s.Close()
	interrupted := &eng.Error{Type: eng.ErrorInterrupt, Msg: "INTERRUPT Error: Interrupted!"}
	if err := s.execError(ctx, interrupted); err != errSpuriousInterrupt {
		t.Fatalf("interrupt with a live context: %v, want errSpuriousInterrupt", err)
	}
	s.Cancel() // a client's cancel request
	if err := s.execError(ctx, interrupted); !errors.Is(err, ErrCanceled) {
		t.Fatalf("interrupt after a cancel request: %v, want ErrCanceled", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.execError(canceled, interrupted); !errors.Is(err, ErrCanceled) {
		t.Fatalf("interrupt of a canceled statement: %v, want ErrCanceled", err)
	}
	err = s.errorBehindInterrupt(ctx, "select i, case when i = 70000 then error('boom') else 'x' end from range(100000) t(i)", nil)
	var ee *planner.EngineError
	if !errors.As(err, &ee) || ee.Kind != planner.KindInvalidInput || ee.Msg != "boom" {
		t.Fatalf("error behind the interrupt: %#v, want the query's own error 'boom'", err)
	}
	if err := s.errorBehindInterrupt(ctx, "select 1", nil); err != errSpuriousInterrupt {
		t.Fatalf("a query that now succeeds: %v, want errSpuriousInterrupt", err)
	}
	// the next statement that is not small runs on the configured threads
	if _, err := s.queryInt64s(ctx, "select count(*) from range(10)", nil); err != nil {
		t.Fatal(err)
	}
	e, err := s.engineFor(nil)
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := e.queryStrings("select current_setting('threads')::VARCHAR"); err != nil || len(rows) != 1 || rows[0][0] != "2" {
		t.Fatalf("threads after the rerun: %v %v", rows, err)
	}
}

// A cancel that comes while a statement is planned, before the engine runs
// it, stops the statement when the engine would start (the engine's own
// interrupt flag is reset then, so its interrupt alone was lost and a long
// query ran on); one the caller cleared (the statement ended) stops nothing.
func TestCancelBeforeTheEngineStarts(t *testing.T) {
	ctx := context.Background()
	s := newMemoryTestSession(t, EngineConfig{Threads: 2})
	// the long query would run for hours if nothing stopped it
	st, err := s.Prepare(ctx, "select count(*) from range(1000000000000) a")
	if err != nil {
		t.Fatal(err)
	}
	s.Cancel() // while planned: no engine query to interrupt yet
	if _, err := s.Execute(ctx, st, nil, func(arrow.RecordBatch) error { return nil }); !errors.Is(err, ErrCanceled) {
		t.Fatalf("statement after a cancel during its planning: %v, want ErrCanceled", err)
	}
	st, err = s.Prepare(ctx, "select 42")
	if err != nil {
		t.Fatal(err)
	}
	s.Cancel()
	s.ClearCancel() // the statement the cancel was for ended
	var got int64
	if _, err := s.Execute(ctx, st, nil, func(rec arrow.RecordBatch) error {
		got += rec.NumRows()
		return nil
	}); err != nil || got != 1 {
		t.Fatalf("statement after a cleared cancel: %v rows, %v", got, err)
	}
}
