package session

import (
	"testing"
	"time"
)

// OpStats counts the engines open and idle, and an engine counts until
// its database closes: a session's, a pooled one, and none once the pool's
// idle timeout has passed. Engines replaced for their lifetime close on
// the way, so a session that runs past many lifetimes still has one open
// (glibc's heap in use is ~6 MiB per open engine: BENCHMARKS.md, Soak).
func TestOpStatsCountsEngines(t *testing.T) {
	t.Parallel()
	p := New(nil, Config{Engine: EngineConfig{Threads: 1, IdleEngines: 2, EngineLifetime: time.Millisecond}})
	defer p.Close()
	ss := withEngines(t, p, 3)
	if st := p.OpStats(); st.Engines != 3 || st.IdleEngines != 0 {
		t.Fatalf("3 sessions: %d engines open, %d idle; want 3 and 0", st.Engines, st.IdleEngines)
	}
	// Each statement finds its engine past its lifetime and replaces it.
	for range 20 {
		time.Sleep(time.Millisecond)
		sql(t, ss[0], "select 1")
	}
	if st := p.OpStats(); st.Engines != 3 {
		t.Fatalf("after 20 lifetimes of one session's engine: %d engines open, want 3", st.Engines)
	}
	// Spent engines are closed rather than pooled.
	time.Sleep(time.Millisecond)
	for _, s := range ss {
		s.Close()
	}
	if st := p.OpStats(); st.Engines != 0 || st.IdleEngines != 0 {
		t.Fatalf("spent engines at session end: %d open, %d idle; want none", st.Engines, st.IdleEngines)
	}

	q := New(nil, Config{Engine: EngineConfig{Threads: 1, IdleEngines: 2, IdleEngineTimeout: 5 * time.Second}})
	defer q.Close()
	ss = withEngines(t, q, 3)
	for _, s := range ss {
		s.Close()
	}
	if st := q.OpStats(); st.Engines != 2 || st.IdleEngines != 2 {
		t.Fatalf("3 sessions ended, pool of 2: %d engines open, %d idle; want 2 and 2", st.Engines, st.IdleEngines)
	}
	deadline := time.Now().Add(30 * time.Second)
	for q.OpStats().Engines > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if st := q.OpStats(); st.Engines != 0 || st.IdleEngines != 0 {
		t.Fatalf("30 s after ending, with a 5 s idle timeout: %d engines open, %d idle; want none", st.Engines, st.IdleEngines)
	}
}

// withEngines opens n sessions, each with an engine of its own.
func withEngines(t *testing.T, p *Manager, n int) []*Session {
	ss := make([]*Session, n)
	for i := range ss {
		ss[i] = p.NewSession(Options{})
		sql(t, ss[i], "select 1")
	}
	return ss
}

// A session holds one engine, whatever its statements: an engine opened
// ahead for a statement that then ran in none (a kept result answered
// it) goes to the pool instead of staying with the session until its
// next statement over other tables (bench/soak: 65 sessions held up to
// 121 engines).
func TestEngineAheadNotKeptBesideSession(t *testing.T) {
	t.Parallel()
	pe := newPoolEnv(t)
	// A kept result of s.t's sum.
	p, c2 := keptResultOfT(t, pe)
	defer p.Close()
	defer c2.Close()
	// Its engine may not read s.t: planning the next statement opens one
	// ahead that may, and the kept result answers it (the session takes
	// that engine if it opened in time, else it goes to the pool).
	before := p.EnginePoolStats()
	sumOfT(t, c2)
	c2.engMu.Lock()
	a := c2.ahead
	c2.engMu.Unlock()
	if a != nil {
		<-a.done
	}
	deadline := time.Now().Add(30 * time.Second) // opening an engine is slow on a busy machine
	for after := p.EnginePoolStats(); after.Opened+after.Reused == before.Opened+before.Reused; after = p.EnginePoolStats() {
		if time.Now().After(deadline) {
			t.Fatal("no engine was opened or taken for the statement over s.t: the test does not exercise engines opened ahead")
		}
		time.Sleep(10 * time.Millisecond)
	}
	deadline = time.Now().Add(10 * time.Second)
	for {
		st := p.OpStats()
		held := st.Engines - st.IdleEngines
		if held <= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("one session holds %d engines (%d open, %d idle); want 1", held, st.Engines, st.IdleEngines)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
