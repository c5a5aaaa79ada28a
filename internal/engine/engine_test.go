package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

func open(t *testing.T, settings ...Setting) (*DB, *Conn) {
	t.Helper()
	db, err := Open(settings)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.Connect()
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		db.Close()
	})
	return db, c
}

// stream prepares sql on c and opens its stream; both close at cleanup.
func stream(t *testing.T, c *Conn, sql string) *Stream {
	t.Helper()
	s, err := c.Prepare(sql)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	st, err := s.Stream()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

// strings1 reads the single VARCHAR column of a query.
func strings1(t *testing.T, c *Conn, sql string) ([]string, error) {
	t.Helper()
	var out []string
	err := c.Query(sql, func(rec arrow.RecordBatch) error {
		col := rec.Column(0).(*array.String)
		for i := 0; i < col.Len(); i++ {
			out = append(out, strings.Clone(col.Value(i))) // the batch is released after fn
		}
		return nil
	})
	return out, err
}

func engineError(t *testing.T, err error, want ErrorType) {
	t.Helper()
	var ee *Error
	if !errors.As(err, &ee) || ee.Type != want {
		t.Fatalf("error %#v, want an *Error of type %d", err, want)
	}
}

func TestOpenSettings(t *testing.T) {
	t.Parallel()
	_, c := open(t, Setting{Name: "threads", Value: "1"}, Setting{Name: "integer_division", Value: "true"})
	got, err := strings1(t, c, "SELECT current_setting('threads')::VARCHAR UNION ALL SELECT (7/2)::VARCHAR")
	if err != nil || len(got) != 2 || got[0] != "1" || got[1] != "3" {
		t.Fatalf("settings: %v %v", got, err)
	}
	if _, err := Open([]Setting{{Name: "no_such_setting", Value: "1"}}); err == nil {
		t.Fatal("an unknown setting opened")
	}
}

func TestSandbox(t *testing.T) {
	t.Parallel()
	in, out := t.TempDir(), t.TempDir()
	for _, d := range []string{in, out} {
		if err := os.WriteFile(filepath.Join(d, "x.csv"), []byte("a\nhello\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, c := open(t)
	if err := c.Sandbox([]string{in + "/"}); err != nil {
		t.Fatal(err)
	}
	if got, err := strings1(t, c, "SELECT a FROM read_csv('"+filepath.Join(in, "x.csv")+"')"); err != nil || len(got) != 1 || got[0] != "hello" {
		t.Fatalf("reading inside the sandbox: %v %v", got, err)
	}
	if _, err := strings1(t, c, "SELECT a FROM read_csv('"+filepath.Join(out, "x.csv")+"')"); err == nil {
		t.Fatal("read a file outside the sandbox")
	}
	for _, sql := range []string{"SET enable_external_access = true", "SET allowed_directories = ['/']"} {
		if err := c.Exec(sql); err == nil {
			t.Fatalf("%s: the sandbox changed", sql)
		}
	}
}

func TestPrepareErrors(t *testing.T) {
	t.Parallel()
	_, c := open(t)
	for sql, want := range map[string]ErrorType{
		"SELEC 1":               ErrorParser,
		"SELECT * FROM nowhere": ErrorCatalog,
		"SELECT nocolumn":       ErrorBinder,
	} {
		s, err := c.Prepare(sql)
		if s != nil {
			s.Close()
			t.Fatalf("%s prepared", sql)
		}
		engineError(t, err, want)
	}
	// the error of a statement that runs keeps DuckDB's class
	engineError(t, c.Exec("SELECT error('boom')"), ErrorInvalidInput)
	engineError(t, c.Exec("SELECT 'x'::INTEGER"), ErrorConversion)
}

func TestStmtShapeAndBind(t *testing.T) {
	t.Parallel()
	_, c := open(t)
	s, err := c.Prepare("SELECT $1::BIGINT + 1 AS n, $2::VARCHAR AS s, [1, 2]::INTEGER[] AS l, 1.5::DECIMAL(9,2) AS d, '{}'::JSON AS j")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cols := s.Columns()
	want := []struct {
		name string
		id   pgtypes.TypeID
	}{{"n", pgtypes.TypeInt64}, {"s", pgtypes.TypeText}, {"l", pgtypes.TypeList}, {"d", pgtypes.TypeNumeric}, {"j", pgtypes.TypeJSON}}
	if len(cols) != len(want) {
		t.Fatalf("columns %v", cols)
	}
	for i, w := range want {
		if cols[i].Name != w.name || cols[i].Type.ID != w.id {
			t.Errorf("column %d: %+v, want %s of %v", i, cols[i], w.name, w.id)
		}
	}
	if cols[2].Type.Elem == nil || cols[2].Type.Elem.ID != pgtypes.TypeInt32 || cols[3].Type.Precision != 9 || cols[3].Type.Scale != 2 {
		t.Errorf("list element or decimal: %+v %+v", cols[2].Type, cols[3].Type)
	}
	if p := s.ParamTypes(); s.NumParams() != 2 || len(p) != 2 {
		t.Fatalf("params %d %v", s.NumParams(), p)
	}
	var pe *ParamError
	if err := s.Bind([]any{int64(1)}); !errors.As(err, &pe) {
		t.Fatalf("one value for two parameters: %v", err)
	}
	if err := s.Bind([]any{int64(1), struct{}{}}); !errors.As(err, &pe) || pe.Msg != "$2 of Go type struct {}" {
		t.Fatalf("an unbindable value: %v", err)
	}
	for range 2 { // a statement runs again
		if err := s.Bind([]any{int64(41), "x"}); err != nil {
			t.Fatal(err)
		}
		st, err := s.Stream()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Execute(); err != nil {
			t.Fatal(err)
		}
		rec, err := st.Next()
		if err != nil || rec == nil {
			t.Fatalf("first batch: %v %v", rec, err)
		}
		if n := rec.Column(0).(*array.Int64).Value(0); n != 42 {
			t.Errorf("n = %d", n)
		}
		rec.Release()
		if rec, err := st.Next(); rec != nil || err != nil {
			t.Fatalf("after the last batch: %v %v", rec, err)
		}
		st.Close()
		st.Close() // destroyed once
	}
}

func TestStreamBatches(t *testing.T) {
	t.Parallel()
	_, c := open(t)
	st := stream(t, c, "SELECT i FROM range(10000) t(i)")
	if err := st.Execute(); err != nil {
		t.Fatal(err)
	}
	schema, err := st.Schema()
	if err != nil || schema.NumFields() != 1 || schema.Field(0).Name != "i" {
		t.Fatalf("schema %v %v", schema, err)
	}
	var rows, batches int64
	var sum int64
	err = st.Each(func(rec arrow.RecordBatch) error {
		batches++
		rows += rec.NumRows()
		for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
			sum += v
		}
		return nil
	})
	if err != nil || rows != 10000 || batches < 2 || sum != 10000*9999/2 {
		t.Fatalf("%d rows in %d batches, sum %d: %v", rows, batches, sum, err)
	}
	// fn's error ends the reading
	stop := errors.New("stop")
	st2 := stream(t, c, "SELECT 1")
	if err := st2.Execute(); err != nil {
		t.Fatal(err)
	}
	if err := st2.Each(func(arrow.RecordBatch) error { return stop }); err != stop {
		t.Fatalf("Each: %v, want fn's error", err)
	}
}

// Interrupt comes from another goroutine while the statement runs, and
// may come late, after the connection closed.
func TestInterrupt(t *testing.T) {
	t.Parallel()
	db, c := open(t, Setting{Name: "threads", Value: "2"})
	st := stream(t, c, "SELECT count(*) FROM range(10000000000) a(i), range(1000) b(j) WHERE i + j = -1")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(100 * time.Millisecond)
		c.Interrupt()
	}()
	err := st.Execute()
	if err == nil {
		_, err = st.Next()
	}
	wg.Wait()
	engineError(t, err, ErrorInterrupt)

	c2, err := db.Connect()
	if err != nil {
		t.Fatal(err)
	}
	c2.Close()
	c2.Close()
	c2.Interrupt() // after Close: nothing to interrupt, no handle touched
	if got, err := strings1(t, c, "SELECT 'still here'"); err != nil || len(got) != 1 {
		t.Fatalf("the interrupted connection: %v %v", got, err)
	}
	db2, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	db2.Close()
	db2.Close()
	if _, err := db2.Connect(); err == nil {
		t.Fatal("connected to a closed database")
	}
}

func TestTypeName(t *testing.T) {
	for oid, want := range map[uint32]string{20: "BIGINT", 25: "VARCHAR", 1043: "VARCHAR", 1016: "BIGINT[]",
		1009: "VARCHAR[]", 1015: "VARCHAR[]", 1184: "TIMESTAMPTZ", 1700: "", 1231: "", 0: "", 705: ""} {
		if got := TypeName(oid); got != want {
			t.Errorf("TypeName(%d) = %q, want %q", oid, got, want)
		}
	}
}

// TestOIDColumns: the engine's UINTEGER, in which the pg catalog emulation
// holds Postgres' oid, is described as oid, and a list of it as oid[].
func TestOIDColumns(t *testing.T) {
	t.Parallel()
	_, c := open(t)
	s, err := c.Prepare("SELECT 1700::UINTEGER AS o, [23, 25]::UINTEGER[] AS a, 1::BIGINT AS b")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []uint32
	for _, col := range s.Columns() {
		got = append(got, pgtypes.OID(col.Type))
	}
	if want := []uint32{pgtypes.OIDOID, pgtypes.OIDOIDArray, pgtypes.OIDInt8}; !slices.Equal(got, want) {
		t.Errorf("types %v, want %v", got, want)
	}
}

// Each over a result of many batches: the batches arrive complete and in
// order; fn's error or an interrupt in the middle ends the reading, and the
// stream closes and the connection runs the next statement.
func TestEachManyBatches(t *testing.T) {
	t.Parallel()
	_, c := open(t, Setting{Name: "threads", Value: "2"})
	const n = 300_000 // about 150 chunks
	read := func(sql string, fn func(rec arrow.RecordBatch, batch int) error) (int, error) {
		st := stream(t, c, sql)
		if err := st.Execute(); err != nil {
			t.Fatal(err)
		}
		batch := 0
		err := st.Each(func(rec arrow.RecordBatch) error {
			batch++
			return fn(rec, batch)
		})
		st.Close()
		return batch, err
	}
	next := int64(0)
	batches, err := read("SELECT i, i::VARCHAR AS s FROM range(300000) t(i)", func(rec arrow.RecordBatch, _ int) error {
		ids, strs := rec.Column(0).(*array.Int64), rec.Column(1).(*array.String)
		for k := 0; k < ids.Len(); k++ {
			if ids.Value(k) != next || strs.Value(k) != strconv.FormatInt(next, 10) {
				return fmt.Errorf("row %d: %d %q", next, ids.Value(k), strs.Value(k))
			}
			next++
		}
		return nil
	})
	if err != nil || next != n || batches < 100 {
		t.Fatalf("%d rows in %d batches: %v", next, batches, err)
	}
	stop := errors.New("stop")
	batches, err = read("SELECT i FROM range(300000) t(i)", func(_ arrow.RecordBatch, batch int) error {
		if batch == 5 {
			return stop
		}
		return nil
	})
	if err != stop || batches != 5 {
		t.Fatalf("after %d batches: %v, want fn's error at the fifth", batches, err)
	}
	_, err = read("SELECT i FROM range(100000000000) t(i)", func(_ arrow.RecordBatch, batch int) error {
		if batch == 3 {
			c.Interrupt()
		}
		return nil
	})
	engineError(t, err, ErrorInterrupt)
	if got, err := strings1(t, c, "SELECT 'still here'"); err != nil || len(got) != 1 {
		t.Fatalf("the connection after a stopped stream: %v %v", got, err)
	}
}
