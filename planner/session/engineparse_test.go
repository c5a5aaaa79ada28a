package session

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/google/uuid"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/objcache"
)

// The parse-only engine parses as an engine does (the settings the
// parser reads are the same), renders trees back the same, and can read
// no file.
func TestParseEngineParsesAsAnEngine(t *testing.T) {
	pe := openParseEngine()
	defer pe.close()
	<-pe.done
	if !pe.ready() {
		t.Fatal("the parse-only engine did not open")
	}
	e, err := openUnsandboxed(EngineConfig{TempDir: t.TempDir(), Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	for _, q := range []string{
		"select 7/2, 7.0/2, 7 // 2",
		"select a, b from s.t where a between 1 and 2 order by a desc, b nulls first limit 3",
		"with q as (select 1 as x) select x::varchar(3), interval '1 day', $1 from q join r using (x)",
		"select count(*) filter (where v > 0), sum(v) over (partition by k order by v) from s.t group by all",
		"select * from (values (1, 'a'), (2, null)) v(i, s) where s is not distinct from 'a'",
		"select from where", // a syntax error: the same error tree
	} {
		got, err1 := pe.serialize(q)
		want, err2 := e.conn.SerializeSQL(q)
		if got != want || (err1 == nil) != (err2 == nil) {
			t.Fatalf("%s:\nparse-only %s (%v)\nengine     %s (%v)", q, got, err1, want, err2)
		}
		if strings.Contains(got, `"error":true`) {
			continue
		}
		back, err1 := pe.deserialize(got)
		wantBack, err2 := e.conn.DeserializeSQL(want)
		if back != wantBack || err1 != nil || err2 != nil {
			t.Fatalf("%s rendered back: parse-only %s (%v), engine %s (%v)", q, back, err1, wantBack, err2)
		}
	}
	err = pe.conn.Query("SELECT * FROM read_csv('/etc/hostname')", func(arrow.RecordBatch) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "Permission") {
		t.Fatalf("reading a file in the parse-only engine: %v, want a permission error", err)
	}
	if err := pe.conn.Query("SET enable_external_access = true", func(arrow.RecordBatch) error { return nil }); err == nil {
		t.Fatal("the parse-only engine's sandbox could be lifted")
	}
}

// A first statement arriving while the spare still opens parses in the
// parse-only engine and goes on planning; it takes the spare once open,
// sandboxed to exactly its plan's directories, and runs in it.
func TestFirstStatementParsesWhileTheSpareOpens(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	parse := openParseEngine()
	<-parse.done
	gate := setOpening(p, parse)

	a := userSession(p, "alice")
	defer a.Close()
	released := make(chan error, 1)
	go func() {
		// Hang guard only: the statement must parse before the spare
		// opens, so this waits for the parse, then opens the spare.
		deadline := time.Now().Add(2 * time.Minute)
		for parse.parses.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		var err error
		gate.e, err = openUnsandboxed(p.engines.cfg)
		gate.err = err
		close(gate.done)
		released <- err
	}()
	// A statement of its own: parse trees are kept by statement text.
	if got := sql(t, a, "select sum(v) as parsed_ahead from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	if parse.parses.Load() == 0 {
		t.Fatal("the statement did not parse in the parse-only engine: it waited for the spare")
	}
	a.engMu.Lock()
	e, u, pending := a.eng, a.unconfined, a.pending
	a.engMu.Unlock()
	if e != gate.e || u != nil || pending != nil {
		t.Fatalf("the statement did not run in the spare (engine %p, spare %p, unconfined %p, pending %p)", e, gate.e, u, pending)
	}
	pe.checkSandbox(t, e)
	// The session's next statement parses in its own engine.
	n := parse.parses.Load()
	if got := sql(t, a, "select count(*) as parsed_in_the_engine from s.t"); !slices.Equal(got, []string{"3"}) {
		t.Fatalf("alice: %v", got)
	}
	if parse.parses.Load() != n {
		t.Fatal("a statement of a session with an engine parsed in the parse-only engine")
	}
}

// A first statement over object storage that arrives while the spare it
// takes still opens downloads its files meanwhile: the copy is fetched
// before the spare is open (the spare's open is held until it is), is held
// by the spare's engine once open, and the statement runs in the spare,
// sandboxed to the copies' directory.
func TestFirstStatementFetchesWhileTheSpareOpens(t *testing.T) {
	fc, err := objcache.Open(t.TempDir(), 1<<30, nil)
	if err != nil {
		t.Fatal(err)
	}
	// iceberg-go's in-memory object store stands in for S3.
	pe := newPoolEnvAt(t, "mem://wh-"+uuid.NewString()[:8], catalog.Options{FileCache: fc})
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	parse := openParseEngine()
	<-parse.done
	gate := setOpening(p, parse)

	a := userSession(p, "alice")
	defer a.Close()
	fetchedFirst := make(chan bool, 1)
	released := make(chan error, 1)
	go func() {
		// Hang guard only: the copy must be fetched before the spare
		// opens, so this waits for it, then opens the spare.
		deadline := time.Now().Add(30 * time.Second)
		for fc.Stats().Fetches == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		fetchedFirst <- fc.Stats().Fetches == 1
		var err error
		gate.e, err = openUnsandboxed(p.engines.cfg)
		gate.err = err
		close(gate.done)
		released <- err
	}()
	if got := sql(t, a, "select sum(v) as fetched_ahead from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	if !<-fetchedFirst {
		t.Fatalf("the statement's file was not fetched while the spare opened (cache %+v): its downloads waited for the spare", fc.Stats())
	}
	a.engMu.Lock()
	e, u, pending, held := a.eng, a.unconfined, a.pending, a.pendingHolds
	a.engMu.Unlock()
	if e != gate.e || u != nil || pending != nil || held != nil {
		t.Fatalf("the statement did not run in the spare (engine %p, spare %p, unconfined %p, pending %p, holds %p)", e, gate.e, u, pending, held)
	}
	if n := e.holds.Len(); n != 1 {
		t.Fatalf("the spare's engine holds %d copies, want the statement's one", n)
	}
	tbl, err := pe.cat.LoadTable(context.Background(), catalog.Ident{Schema: "s", Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	external, dirs := sandboxOf(t, e)
	if external != "false" || len(e.allowed) != 1 || !strings.Contains(dirs, strings.TrimSuffix(tbl.CacheDir(), "/")) {
		t.Fatalf("sandbox: external access %s, allowed %v (%s); want s.t's copies' directory %s only", external, e.allowed, dirs, tbl.CacheDir())
	}
	if err := e.exec("SET enable_external_access = true"); err == nil {
		t.Fatal("the sandbox could be lifted")
	}
}

// A first statement that arrives while both the parse-only engine and the
// spare still open waits for the parse-only engine, which opens first
// (Manager.OpenSpare starts both), not for the spare: here the spare
// opens only once the statement has parsed.
func TestFirstStatementWaitsForTheParseEngineNotTheSpare(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	parse := &parseEngine{done: make(chan struct{})} // still opening
	gate := setOpening(p, parse)

	a := userSession(p, "alice")
	defer a.Close()
	res := make(chan error, 1)
	var got []string
	go func() {
		ctx := context.Background()
		st, err := a.Prepare(ctx, "select sum(v) as parse_engine_first from s.t")
		if err == nil {
			_, err = a.Execute(ctx, st, nil, func(rec arrow.RecordBatch) error {
				for r := 0; r < int(rec.NumRows()); r++ {
					got = append(got, strings.Clone(rec.Column(0).ValueStr(r)))
				}
				return nil
			})
		}
		res <- err
	}()
	// The statement has taken the spare, still opening, before the
	// parse-only engine opens.
	deadline := time.Now().Add(30 * time.Second)
	for {
		a.engMu.Lock()
		taken := a.pending == gate
		a.engMu.Unlock()
		if taken {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the statement did not take the spare")
		}
		time.Sleep(time.Millisecond)
	}
	opened := openParseEngine()
	<-opened.done
	parse.db, parse.conn = opened.db, opened.conn
	close(parse.done)
	// Hang guard only: the statement parses before the spare opens.
	for parse.parses.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	parsedFirst := parse.parses.Load() > 0
	var err error
	gate.e, err = openUnsandboxed(p.engines.cfg)
	gate.err = err
	close(gate.done)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	if !parsedFirst {
		t.Fatal("the statement did not parse while the spare opened: it waited for the spare, not the parse-only engine")
	}
	if !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	if e != gate.e {
		t.Fatalf("the statement did not run in the spare (engine %p, spare %p)", e, gate.e)
	}
	pe.checkSandbox(t, e)
}

// setOpening gives p's pool parse as its parse-only engine and a spare
// that is still opening, and returns that spare: close its done to let it
// open.
func setOpening(p *Manager, parse *parseEngine) *spareEngine {
	gate := &spareEngine{done: make(chan struct{})}
	p.engines.mu.Lock()
	p.engines.parse = parse
	p.engines.spare = gate
	p.engines.mu.Unlock()
	return gate
}
