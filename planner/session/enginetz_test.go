package session

import (
	"slices"
	"strings"
	"testing"
)

// takenEngine is the engine s holds now.
func takenEngine(s *Session) *engine {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	return s.eng
}

// A session that runs only queries leaves its engine clean: the engine's
// own setup (its macros, connSetup's zone and the zone's abbreviation
// macro) does not count as a session's objects, so the reset at its close
// is a new connection and a few SETs, not a search for objects and a
// settings comparison (enginetz.go).
func TestEngineQueryOnlySessionStaysClean(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	var first *engine
	for i := range 3 {
		s := userSession(p, "alice")
		if got := sql(t, s, "select 1"); !slices.Equal(got, []string{"1"}) {
			t.Fatalf("session %d: select 1 = %v", i, got)
		}
		e := takenEngine(s)
		if e == nil {
			t.Fatalf("session %d: select 1 ran without an engine", i)
		}
		if e.dirty {
			t.Errorf("session %d: `select 1` left its engine marked as holding objects", i)
		}
		if first == nil {
			first = e
		} else if e != first {
			t.Errorf("session %d did not get the pooled engine back", i)
		}
		s.Close()
	}
}

// The zone abbreviation macro is the database's, kept across a reset's new
// connection: a session that changed its zone leaves the next one's
// to_char printing the next one's zone, whether it changed the zone in a
// transaction it committed or in one it rolled back.
func TestEngineTimeZoneMacroAfterReset(t *testing.T) {
	pe := newPoolEnv(t)
	p := pe.planner(t, EngineConfig{Threads: 1})
	defer p.Close()
	// The test's rows print a string_view column's bytes, not its text:
	// the query compares.
	tzIs := func(abbrev string) string {
		return "select to_char(timestamptz '2024-07-01 12:00:00+00', 'TZ') = '" + abbrev + "', current_setting('TimeZone')"
	}
	var used *engine
	for _, tc := range []struct {
		name  string
		stmts []string
		want  string
	}{
		{"set", []string{"set time zone 'Europe/Berlin'"}, "CEST"},
		{"set in a committed transaction", []string{"begin", "set time zone 'Asia/Kolkata'", "commit"}, "IST"},
		{"set in a transaction rolled back", []string{"begin", "set time zone 'America/New_York'", tzIs("EDT"), "rollback"}, ""},
	} {
		s := userSession(p, "alice")
		for _, st := range tc.stmts {
			sql(t, s, st)
		}
		if tc.want != "" {
			if got := sql(t, s, tzIs(tc.want)); len(got) != 1 || !strings.HasPrefix(got[0], "true|") {
				t.Fatalf("%s: to_char TZ = %v, want %s", tc.name, got, tc.want)
			}
		}
		e := takenEngine(s)
		if used != nil && e != used {
			t.Fatalf("%s: the session did not get the pooled engine", tc.name)
		}
		used = e
		s.Close()

		next := userSession(p, "alice")
		if got := sql(t, next, tzIs("UTC")); !slices.Equal(got, []string{"true|UTC"}) {
			t.Errorf("after a session's %s: the next session's to_char TZ is UTC, TimeZone = %v, want true|UTC", tc.name, got)
		}
		if takenEngine(next) != used {
			t.Fatalf("after %s: the next session did not get the pooled engine", tc.name)
		}
		next.Close()
	}
}
