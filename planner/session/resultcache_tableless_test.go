package session_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner/session"
)

// keptRun runs sql in s and returns its rows, its result columns and
// whether a kept result answered it.
func keptRun(t *testing.T, s *session.Session, sql string, args ...any) (string, []pgtypes.Column, bool) {
	t.Helper()
	ctx := context.Background()
	st, err := s.Prepare(ctx, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var rows []string
	res, err := s.Execute(ctx, st, args, func(rec arrow.RecordBatch) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			rows = append(rows, cellText(rec.Column(0), i))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return strings.Join(rows, ","), st.Columns, res.Kept
}

// A query of no table is answered from a kept result in the next session
// (a short-lived client's `select 1`), with the rows, column names and
// types the engine gave the first time; one whose answer may change
// (the clock, random, settings, the caller, a table function) is not, and
// a kept answer is one of the same time zone.
func TestResultCacheTablelessQueries(t *testing.T) {
	e := newShortEnv(t)
	p := session.New(e.cat, session.Config{Engine: session.EngineConfig{Threads: 1}})
	defer p.Close()
	newSession := func() *session.Session {
		s := p.NewSession(session.Options{Principal: auth.Principal{Name: "alice"}})
		t.Cleanup(s.Close)
		return s
	}
	kept := []struct {
		sql  string
		args []any
		want string
		col  pgtypes.Column
	}{
		{"select 1", nil, "1", pgtypes.Column{Name: "?column?", Type: pgtypes.Type{Engine: "INTEGER"}}},
		{"select 'a' || 'b' as x", nil, "ab", pgtypes.Column{Name: "x", Type: pgtypes.Type{Engine: "VARCHAR"}}},
		{"select $1::int + 1", []any{int64(41)}, "42", pgtypes.Column{Name: "?column?", Type: pgtypes.Type{Engine: "INTEGER"}}},
	}
	notKept := []string{
		"select now()",
		"select random() * 0",
		"select current_setting('TimeZone')",
		"select current_user",
		"select count(*) from range(3)",
	}
	for round, want := range []bool{false, true} {
		s := newSession()
		for _, k := range kept {
			got, cols, wasKept := keptRun(t, s, k.sql, k.args...)
			if got != k.want || len(cols) != 1 || cols[0].Name != k.col.Name || cols[0].Type.Engine != k.col.Type.Engine {
				t.Errorf("round %d: %s: %q %+v, want %q %+v", round, k.sql, got, cols, k.want, k.col)
			}
			if wasKept != want {
				t.Errorf("round %d: %s: answered from a kept result: %v, want %v", round, k.sql, wasKept, want)
			}
		}
		for _, q := range notKept {
			if _, _, wasKept := keptRun(t, s, q); wasKept {
				t.Errorf("round %d: %s was answered from a kept result", round, q)
			}
		}
	}
	// Another argument is another result.
	if got, _, wasKept := keptRun(t, newSession(), "select $1::int + 1", int64(1)); got != "2" || wasKept {
		t.Errorf("select $1::int + 1 with 1: %q, kept %v", got, wasKept)
	}
	// The session's zone is part of the key.
	const q = "select (timestamptz '2024-01-01 00:00:00+00')::text"
	for _, tz := range []string{"UTC", "Asia/Tokyo"} {
		s := newSession()
		if _, err := run(s, fmt.Sprintf("set time zone '%s'", tz)); err != nil {
			t.Fatal(err)
		}
		keptRun(t, s, q)
	}
	s := newSession()
	if _, err := run(s, "set time zone 'Asia/Tokyo'"); err != nil {
		t.Fatal(err)
	}
	if got, _, wasKept := keptRun(t, s, q); !strings.HasPrefix(got, "2024-01-01 09:00:00") || !wasKept {
		t.Errorf("%s in Asia/Tokyo: %q, kept %v; want 2024-01-01 09:00:00+09 from the Tokyo session's kept result", q, got, wasKept)
	}
}
