package session_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
)

// Short queries over small tables read copies of their scans in engine
// memory (snapcache.go) and deterministic results are kept (resultcache.go).
// What these tests see from outside: once the rows are in memory, the
// table's Parquet files are not read again, so removing them (which no
// Iceberg writer does: snapshots are immutable) tells a statement that
// read memory from one that read files. Every kept copy and result must
// still follow the catalog: a new snapshot is read by the next statement.

// shortEnv is a catalog with table s.t (v bigint: 1, 2, 3) in dir.
type shortEnv struct {
	dir string
	cat *catalog.Catalog
}

func newShortEnv(t *testing.T) *shortEnv {
	t.Helper()
	dir := t.TempDir()
	cat := openTestCatalogIn(t, dir)
	oneColumnTable(t, cat, catalog.Ident{Schema: "s", Name: "t"}, 1, 2, 3)
	return &shortEnv{dir: dir, cat: cat}
}

// session opens a session of a new planner with engine config cfg; it is
// closed when the test ends.
func (e *shortEnv) session(t *testing.T, cfg session.EngineConfig) (*session.Manager, *session.Session) {
	t.Helper()
	p := session.New(e.cat, session.Config{Engine: cfg})
	s := p.NewSession(session.Options{})
	t.Cleanup(s.Close)
	return p, s
}

// wantFilesRead checks that a session of a planner with engine config cfg
// reads the (removed) data files for sql.
func (e *shortEnv) wantFilesRead(t *testing.T, cfg session.EngineConfig, sql string) {
	t.Helper()
	_, s := e.session(t, cfg)
	wantFileError(t, s, sql)
}

// removeDataFiles deletes every Parquet file of the warehouse and reports
// how many there were.
func (e *shortEnv) removeDataFiles(t *testing.T) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(e.dir, "wh"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".parquet") {
			n++
			return os.Remove(p)
		}
		return err
	})
	if err != nil || n == 0 {
		t.Fatalf("removing data files: %d removed, %v", n, err)
	}
	return n
}

// run runs sql with args and returns its rows, first column as text.
func run(s *session.Session, sql string, args ...any) ([]string, error) {
	ctx := context.Background()
	st, err := s.Prepare(ctx, sql)
	if err != nil {
		return nil, err
	}
	var out []string
	_, err = s.Execute(ctx, st, args, func(rec arrow.RecordBatch) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, cellText(rec.Column(0), i))
		}
		return nil
	})
	return out, err
}

func wantRows(t *testing.T, s *session.Session, sql string, want string, args ...any) {
	t.Helper()
	got, err := run(s, sql, args...)
	if err != nil {
		t.Fatalf("%s %v: %v", sql, args, err)
	}
	if strings.Join(got, ",") != want {
		t.Fatalf("%s %v: got %v, want %s", sql, args, got, want)
	}
}

// wantFileError checks that sql had to read the (removed) data files.
func wantFileError(t *testing.T, s *session.Session, sql string, args ...any) {
	t.Helper()
	got, err := run(s, sql, args...)
	if err == nil {
		t.Fatalf("%s %v: got %v from memory, want it to read the removed files", sql, args, got)
	}
	if !strings.Contains(err.Error(), ".parquet") && !strings.Contains(strings.ToLower(err.Error()), "no such file") {
		t.Fatalf("%s %v: %v, want an error about the missing file", sql, args, err)
	}
}

func TestSmallScanCopies(t *testing.T) {
	e := newShortEnv(t)
	// Results are not kept here, so every statement below runs.
	p, s := e.session(t, session.EngineConfig{Threads: 2, ResultCacheBytes: -1})
	wantRows(t, s, "select sum(v) from s.t", "6")
	e.removeDataFiles(t)
	// The same snapshot, other statements: they read the session's copy.
	wantRows(t, s, "select count(*) from s.t where v > 1", "2")
	wantRows(t, s, "select v from s.t order by v desc", "3,2,1")
	// Another session has no copy of its own yet.
	s2 := p.NewSession(session.Options{})
	defer s2.Close()
	wantFileError(t, s2, "select sum(v) from s.t")

	// Without copies, statements read the files.
	e.wantFilesRead(t, session.EngineConfig{Threads: 2, ResultCacheBytes: -1, CachedScanCells: -1}, "select sum(v) from s.t")
}

func TestSmallScanCopiesFollowSnapshots(t *testing.T) {
	e := newShortEnv(t)
	_, s := e.session(t, session.EngineConfig{Threads: 2, ResultCacheBytes: -1})
	wantRows(t, s, "select sum(v) from s.t", "6")
	appendValues(t, e.cat, catalog.Ident{Schema: "s", Name: "t"}, 10)
	wantRows(t, s, "select sum(v) from s.t", "16")
	wantRows(t, s, "select count(*) from s.t", "4")
	// A table larger than the limit is read from its files every time.
	_, s2 := e.session(t, session.EngineConfig{Threads: 2, ResultCacheBytes: -1, CachedScanCells: 3})
	wantRows(t, s2, "select sum(v) from s.t", "16")
	e.removeDataFiles(t)
	wantFileError(t, s2, "select count(*) from s.t")
	wantRows(t, s, "select max(v) from s.t", "10")
}

// A session keeps one copy per table: a scan of other files (another
// filter's pruning, or a new snapshot) replaces the table's copy, and a
// copy of the whole snapshot serves every filter.
func TestSmallScanCopyPerTable(t *testing.T) {
	e := newShortEnv(t)
	id := catalog.Ident{Schema: "s", Name: "t"}
	appendValues(t, e.cat, id, 10) // a file of its own each
	appendValues(t, e.cat, id, 20)
	wantCopies := func(s *session.Session, n int, cells int64) {
		t.Helper()
		if gotN, gotCells := session.SessionCopies(s); gotN != n || gotCells != cells {
			t.Fatalf("session keeps %d copies of %d cells, want %d of %d", gotN, gotCells, n, cells)
		}
	}
	_, s := e.session(t, session.EngineConfig{Threads: 2, ResultCacheBytes: -1})
	wantRows(t, s, "select count(*) from s.t where v = 10", "1")
	wantCopies(s, 1, 1) // the one file the filter keeps
	wantRows(t, s, "select count(*) from s.t where v = 20", "1")
	wantCopies(s, 1, 1)
	wantRows(t, s, "select count(*) from s.t where v < 5", "3")
	wantCopies(s, 1, 3)
	wantRows(t, s, "select sum(v) from s.t", "36")
	wantCopies(s, 1, 5) // the whole snapshot
	wantRows(t, s, "select count(*) from s.t where v = 10", "1")
	wantCopies(s, 1, 5) // served by the whole copy
	appendValues(t, e.cat, id, 30)
	wantRows(t, s, "select count(*) from s.t", "6")
	wantCopies(s, 1, 6) // the new snapshot's copy replaced the old one

	e.removeDataFiles(t)
	wantRows(t, s, "select sum(v) from s.t", "66")
	wantRows(t, s, "select v from s.t where v = 2", "2")
	wantRows(t, s, "select v from s.t where v > 25", "30")
}

func TestSmallScanCopyBudget(t *testing.T) {
	e := newShortEnv(t)
	oneColumnTable(t, e.cat, catalog.Ident{Schema: "s", Name: "u"}, 4, 5)
	// Room for one table's copy (3 cells) at a time.
	_, s := e.session(t, session.EngineConfig{Threads: 2, ResultCacheBytes: -1, CachedScanBudget: 3})
	wantRows(t, s, "select sum(v) from s.t", "6")
	wantRows(t, s, "select sum(v) from s.u", "9") // drops t's copy
	// Both tables in one statement exceed the budget: read from files.
	wantRows(t, s, "select (select sum(v) from s.t) + (select sum(v) from s.u)", "15")
	e.removeDataFiles(t)
	wantFileError(t, s, "select count(*) from s.t")
}

func TestResultCache(t *testing.T) {
	e := newShortEnv(t)
	// No scan copies: a statement that is not served from kept results
	// reads the files.
	p := session.New(e.cat, session.Config{Engine: session.EngineConfig{Threads: 2, CachedScanCells: -1}})
	s := p.NewSession(session.Options{Principal: auth.Principal{Name: "alice"}})
	defer s.Close()
	kept := []struct {
		sql  string
		args []any
		want string
	}{
		{"select sum(v) from s.t", nil, "6"},
		{"select count(*) from s.t where v > $1", []any{int64(1)}, "2"},
		{"select v from s.t where v < 0", nil, ""},
		{"select upper('x') || sum(v) from s.t", nil, "X6"},
	}
	notKept := []string{
		"select sum(v), now() from s.t",
		"select sum(v), current_timestamp from s.t",
		"select sum(v) + random() * 0 from s.t",
		"select sum(v), current_user from s.t",
		"select count(*) from s.t using sample 100%",
		"select sum(v), version() from s.t",
	}
	// The statements that are not kept run first: one of them reads the
	// emulated catalog, whose installation makes the session prepare its
	// next statements again, which reads the files' schemas.
	for _, q := range notKept {
		if _, err := run(s, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, k := range kept {
		wantRows(t, s, k.sql, k.want, k.args...)
	}
	// Kept results are shared by sessions that read the same rows. (A
	// session prepares a statement in its engine to describe it, which
	// reads the files' schemas: bob's is prepared before they go.)
	ctx := context.Background()
	s2 := p.NewSession(session.Options{Principal: auth.Principal{Name: "bob"}})
	defer s2.Close()
	bobs, err := s2.Prepare(ctx, "select sum(v) from s.t")
	if err != nil {
		t.Fatal(err)
	}
	e.removeDataFiles(t)
	for _, k := range kept {
		wantRows(t, s, k.sql, k.want, k.args...)
	}
	var got []string
	if _, err := s2.Execute(ctx, bobs, nil, func(rec arrow.RecordBatch) error {
		got = append(got, cellText(rec.Column(0), 0))
		return nil
	}); err != nil || strings.Join(got, ",") != "6" {
		t.Fatalf("bob's statement: %v, %v", got, err)
	}
	// Another parameter value is another result.
	wantFileError(t, s, "select count(*) from s.t where v > $1", int64(2))
	for _, q := range notKept {
		wantFileError(t, s, q)
	}
	// Off for one session: its statements run.
	if _, err := run(s, "set lakegate.result_cache = off"); err != nil {
		t.Fatal(err)
	}
	wantFileError(t, s, "select sum(v) from s.t")
	if got, err := run(s, "show lakegate.result_cache"); err != nil || strings.Join(got, ",") != "off" {
		t.Fatalf("show lakegate.result_cache: %v %v", got, err)
	}
	// Off: nothing is kept.
	e.wantFilesRead(t, session.EngineConfig{Threads: 2, CachedScanCells: -1, ResultCacheBytes: -1}, "select sum(v) from s.t")
}

func TestResultCacheFollowsSnapshots(t *testing.T) {
	e := newShortEnv(t)
	_, s := e.session(t, session.EngineConfig{Threads: 2})
	wantRows(t, s, "select sum(v) from s.t", "6")
	wantRows(t, s, "select sum(v) from s.t", "6")
	appendValues(t, e.cat, catalog.Ident{Schema: "s", Name: "t"}, 10)
	wantRows(t, s, "select sum(v) from s.t", "16")
	// EXPLAIN ANALYZE says when its rows were a kept result.
	for i, want := range []bool{false, true} {
		lines, err := run(s, "explain analyze select count(*) from s.t")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(lines, "\n")
		if strings.Contains(text, "Result: kept result") != want || !strings.Contains(text, "Rows: 1") {
			t.Fatalf("explain analyze, run %d:\n%s", i+1, text)
		}
	}
	// A session time zone is part of what a result depends on.
	wantRows(t, s, "select min(timestamptz '2024-01-01 00:00:00+00' + v * interval '1 hour')::varchar from s.t",
		"2024-01-01 01:00:00+00")
	if _, err := run(s, "set time zone 'Europe/Paris'"); err != nil {
		t.Fatal(err)
	}
	wantRows(t, s, "select min(timestamptz '2024-01-01 00:00:00+00' + v * interval '1 hour')::varchar from s.t",
		"2024-01-01 02:00:00+01")
}

func TestResultCacheNotForFilteredCallers(t *testing.T) {
	e := newShortEnv(t)
	pol := filepath.Join(e.dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte(`grants:
  - subjects: [user:alice]
    objects: ["s.*"]
    privileges: [read]
    row_filter: "v >= 2"
  - subjects: [user:bob]
    objects: ["s.*"]
    privileges: [read]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := policy.NewStore(pol, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := session.New(e.cat, session.Config{Policy: store, Engine: session.EngineConfig{Threads: 2, CachedScanCells: -1}})
	alice := p.NewSession(session.Options{Principal: auth.Principal{Name: "alice"}})
	defer alice.Close()
	bob := p.NewSession(session.Options{Principal: auth.Principal{Name: "bob"}})
	defer bob.Close()
	wantRows(t, alice, "select sum(v) from s.t", "5")
	wantRows(t, bob, "select sum(v) from s.t", "6")
	e.removeDataFiles(t)
	wantRows(t, bob, "select sum(v) from s.t", "6")
	wantFileError(t, alice, "select sum(v) from s.t")
}

// Sessions replay kept results while others evict them (a cache of a few
// entries): every answer stays right.
func TestResultCacheConcurrentEviction(t *testing.T) {
	e := newShortEnv(t)
	// The size of one kept result, then a cache with room for 8 of them
	// (one result may take an eighth).
	probe := session.New(e.cat, session.Config{Engine: session.EngineConfig{Threads: 1}})
	ps := probe.NewSession(session.Options{})
	wantRows(t, ps, "select count(*) + $1 from s.t", "3", int64(0))
	ps.Close()
	size := probe.ResultCacheStats().Bytes
	if size == 0 {
		t.Fatal("the probe's result was not kept")
	}
	p := session.New(e.cat, session.Config{Engine: session.EngineConfig{Threads: 1, ResultCacheBytes: int(8 * size)}})
	const sessions, rounds, variants = 4, 30, 12
	errs := make(chan error, sessions)
	for i := range sessions {
		go func() {
			s := p.NewSession(session.Options{})
			defer s.Close()
			for r := range rounds {
				k := (r + i) % variants
				got, err := run(s, "select count(*) + $1 from s.t", int64(k))
				if err != nil {
					errs <- err
					return
				}
				if want := strconv.Itoa(3 + k); strings.Join(got, ",") != want {
					errs <- fmt.Errorf("round %d: got %v, want %s", r, got, want)
					return
				}
			}
			errs <- nil
		}()
	}
	for range sessions {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	st := p.ResultCacheStats()
	if st.Entries != 8 || st.Bytes != 8*size || st.Hits == 0 || st.Hits+st.Misses != sessions*rounds {
		t.Fatalf("cache after the run: %+v (one result: %d bytes)", st, size)
	}
}

// All sessions' copies together stay within the memory plan's share for
// them: past it a session reads the files, and a closed session's copies
// are given back.
func TestSmallScanCopiesShareOfBudget(t *testing.T) {
	e := newShortEnv(t)
	cfg := session.EngineConfig{Threads: 2, ResultCacheBytes: -1}
	p, s1 := e.session(t, cfg)
	session.SetCopyCells(p, 3) // one copy of s.t (3 cells)
	wantRows(t, s1, "select sum(v) from s.t", "6")
	s2 := p.NewSession(session.Options{})
	defer s2.Close()
	wantRows(t, s2, "select sum(v) from s.t", "6") // no room: no copy
	s1.Close()
	s3 := p.NewSession(session.Options{})
	defer s3.Close()
	wantRows(t, s3, "select sum(v) from s.t", "6") // s1's room, copied
	e.removeDataFiles(t)
	wantRows(t, s3, "select count(*) from s.t", "3")
	wantFileError(t, s2, "select count(*) from s.t")
}
