package session

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// An engine retired by use keeps its session's sandbox: the replacement
// may read what the retired one could, so the session's next statements
// over those tables need no wider engine, and no narrower engine goes to
// the pool on the way (bench/soak: each retirement left one to three
// engines idle for a minute, a step of ~30 MiB; BENCHMARKS.md, Soak). The
// sandbox is still the session's own: another user's session does not get
// the retired engine's directories.
func TestRetiredEngineKeepsSessionSandbox(t *testing.T) {
	t.Parallel()
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1, CachedScanCells: -1, ResultCacheBytes: -1,
		EngineMaxStatements: 2, EngineLifetime: -1})
	defer p.Close()
	c := userSession(p, "carol")
	defer c.Close()
	engine := func() *engine {
		c.engMu.Lock()
		defer c.engMu.Unlock()
		return c.eng
	}
	sql(t, c, "select sum(v) from s.t")
	sql(t, c, "select sum(v) from s.u") // widened: the s.t engine goes idle
	wide := engine()
	before := p.EnginePoolStats()
	if before.IdledWidened != 1 {
		t.Fatalf("widening to s.u: %d engines idled, want 1", before.IdledWidened)
	}
	sql(t, c, "select sum(v) from s.t") // wide's second plan: spent
	if got := sql(t, c, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("sum(v) of s.t: %v", got)
	}
	next := engine()
	if next == wide || !wide.closed {
		t.Fatalf("spent engine kept (replaced: %v, closed: %v)", next != wide, wide.closed)
	}
	if !slices.Equal(sortedCopy(next.allowed), sortedCopy(wide.allowed)) {
		t.Fatalf("replacement allows %v, the retired engine %v", next.allowed, wide.allowed)
	}
	if got := sql(t, c, "select sum(v) from s.u"); !slices.Equal(got, []string{"30"}) {
		t.Fatalf("sum(v) of s.u: %v", got)
	}
	if engine() != next {
		t.Fatal("the replacement was widened again for s.u")
	}
	after := p.EnginePoolStats()
	if after.Retired != 1 || after.IdledWidened != before.IdledWidened || after.Opened != before.Opened+1 {
		t.Fatalf("retirement: %d retired, %d idled by widening (was %d), %d opened (was %d); want 1, %d, %d",
			after.Retired, after.IdledWidened, before.IdledWidened, after.Opened, before.Opened, before.IdledWidened, before.Opened+1)
	}

	// Alice, who reads only s.t, never gets carol's directories of s.u.
	a := userSession(p, "alice")
	defer a.Close()
	sql(t, a, "select sum(v) from s.t")
	a.engMu.Lock()
	aliceEng := a.eng
	a.engMu.Unlock()
	for _, d := range next.allowed {
		if !slices.Contains(aliceEng.allowed, d) {
			return
		}
	}
	t.Fatalf("alice's engine allows %v, all of carol's %v", aliceEng.allowed, next.allowed)
}

// The pool counts why engines went idle and why they closed: a session
// ending, the pool full, the idle timeout, a spent engine given back.
func TestEnginePoolStatsReasons(t *testing.T) {
	t.Parallel()
	p := New(nil, Config{Engine: EngineConfig{Threads: 1, IdleEngines: 2, IdleEngineTimeout: 2 * time.Second}})
	defer p.Close()
	for _, s := range withEngines(t, p, 3) {
		s.Close()
	}
	st := p.EnginePoolStats()
	if st.IdledEnded != 3 || st.Evicted != 1 || st.Expired != 0 {
		t.Fatalf("3 sessions ended into a pool of 2: %+v; want 3 idled by their end, 1 evicted", st)
	}
	deadline := time.Now().Add(30 * time.Second)
	for p.EnginePoolStats().Expired < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := p.EnginePoolStats(); st.Expired != 2 {
		t.Fatalf("past the idle timeout: %+v; want 2 expired", st)
	}

	q := New(nil, Config{Engine: EngineConfig{Threads: 1, EngineLifetime: time.Millisecond}})
	defer q.Close()
	s := q.NewSession(Options{})
	sql(t, s, "select 1")
	time.Sleep(2 * time.Millisecond)
	sql(t, s, "select 1") // the first engine is past its lifetime: retired
	time.Sleep(2 * time.Millisecond)
	s.Close() // and so is the second: closed, not kept
	if st := q.EnginePoolStats(); st.Retired != 1 || st.Spent != 1 || st.IdledEnded != 0 {
		t.Fatalf("two engines past a 1 ms lifetime: %+v; want 1 retired, 1 spent at the session's end, none idled", st)
	}
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// A statement a kept result answers takes the engine opened ahead for it
// once that engine has opened, as running it would have: the session's
// next such statements open none and send none to the pool, where before
// each of them opened or took one and gave it back (bench/soak: the pool's
// most frequent move).
func TestKeptResultTakesEngineOpenedAhead(t *testing.T) {
	t.Parallel()
	pe := newPoolEnv(t)
	p, c2 := keptResultOfT(t, pe)
	defer p.Close()
	defer c2.Close()
	tDir := filepath.Dir(pe.firstFile(t, "t"))
	covers := func() bool {
		c2.engMu.Lock()
		defer c2.engMu.Unlock()
		return c2.eng != nil && c2.eng.covers([]string{tDir})
	}
	for i := 0; !covers(); i++ {
		if i == 20 {
			t.Fatalf("20 statements answered by a kept result, the session's engine still may not read s.t: %+v", p.EnginePoolStats())
		}
		sumOfT(t, c2)
		c2.engMu.Lock()
		a := c2.ahead
		c2.engMu.Unlock()
		if a != nil {
			t.Fatal("an engine opened ahead is kept beside the session's")
		}
		// The engine opened ahead (slow on a busy machine) reaches the
		// pool, or the session took it.
		deadline := time.Now().Add(30 * time.Second)
		for idled := p.EnginePoolStats().IdledAhead; !covers() && p.EnginePoolStats().IdledAhead == idled && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	before := p.EnginePoolStats()
	for range 5 {
		sumOfT(t, c2)
	}
	after := p.EnginePoolStats()
	if after.Opened != before.Opened || after.Reused != before.Reused || after.IdledAhead != before.IdledAhead {
		t.Fatalf("5 statements answered by a kept result, the engine covering them: %+v -> %+v; want no engine opened, taken or pooled", before, after)
	}
}

// sumOfT runs carol's "select sum(v) from s.t" in s and checks its answer.
func sumOfT(t *testing.T, s *Session) {
	t.Helper()
	if got := sql(t, s, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("carol: %v", got)
	}
}

// keptResultOfT is a Manager keeping the result of carol's "select sum(v)
// from s.t", and a session of carol's whose engine may read only s.u; the
// caller closes both.
func keptResultOfT(t *testing.T, pe *poolEnv) (*Manager, *Session) {
	t.Helper()
	p := pe.planner(t, EngineConfig{Threads: 1, CachedScanCells: -1})
	c1 := userSession(p, "carol")
	sumOfT(t, c1)
	c1.Close()
	c2 := userSession(p, "carol")
	if got := sql(t, c2, "select sum(v) from s.u"); !slices.Equal(got, []string{"30"}) {
		t.Fatalf("carol: %v", got)
	}
	return p, c2
}
