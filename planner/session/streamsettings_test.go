package session

import (
	"slices"
	"testing"
)

// streamSettingsSQL reads the connection settings a large result's speed
// depends on (connSetup, engine.go).
const streamSettingsSQL = "select current_setting('streaming_buffer_size')::VARCHAR, current_setting('parquet_metadata_cache')::VARCHAR"

// The settings that let a streaming result run ahead of its client hold on
// every connection an engine gives a session: the one it opened with, and
// the new one a reset for the next session makes. Without them a large
// result streams through DuckDB's default buffer of about 1 MiB, and the
// engine's decoding runs on the statement's own thread each time the
// client drains it: about a fifth fewer rows per second for the same CPU
// (BENCHMARKS.md, Stream: a18edf5 against the 64 MiB buffer).
func TestEngineStreamSettingsSurviveReset(t *testing.T) {
	want := []string{"61.0 MiB|true"} // '64MB': 64,000,000 bytes
	e, err := openEngine(EngineConfig{Threads: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	rows, err := e.queryStrings(streamSettingsSQL)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{rows[0][0] + "|" + rows[0][1]}; !slices.Equal(got, want) {
		t.Fatalf("a new engine: streaming_buffer_size|parquet_metadata_cache = %v, want %v", got, want)
	}

	pe := newPoolEnv(t)
	// Without the result cache, the second session's statement runs in the
	// engine it is given.
	p := pe.planner(t, EngineConfig{Threads: 2, ResultCacheBytes: -1})
	defer p.Close()
	a := userSession(p, "alice")
	// A session may change its own connection's settings; reset must put
	// the engine's back.
	if got := sql(t, a, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice: %v", got)
	}
	a.engMu.Lock()
	used := a.eng
	a.engMu.Unlock()
	if err := used.exec("SET streaming_buffer_size = '1MB'; SET parquet_metadata_cache = false"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if !slices.Contains(p.idleEngines(), used) {
		t.Fatalf("alice's engine was not kept (opened %d, discarded %d)", p.engines.opened, p.engines.discarded)
	}
	a2 := userSession(p, "alice")
	defer a2.Close()
	if got := sql(t, a2, "select sum(v) from s.t"); !slices.Equal(got, []string{"6"}) {
		t.Fatalf("alice's second session: %v", got)
	}
	a2.engMu.Lock()
	e2 := a2.eng
	a2.engMu.Unlock()
	if e2 != used {
		t.Fatal("alice's second session did not get the reset engine: the test does not exercise reset")
	}
	rows, err = e2.queryStrings(streamSettingsSQL)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{rows[0][0] + "|" + rows[0][1]}; !slices.Equal(got, want) {
		t.Fatalf("a reset engine: streaming_buffer_size|parquet_metadata_cache = %v, want %v", got, want)
	}
}
