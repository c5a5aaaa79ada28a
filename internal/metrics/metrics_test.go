package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestStatementKind(t *testing.T) {
	for sql, want := range map[string]string{
		"select 1":                                     "select",
		"  SELECT 1":                                   "select",
		"(select 1) union (select 2)":                  "select",
		"-- a comment\nINSERT INTO t VALUES":           "insert",
		"/* c */ with x as (select 1) select * from x": "with",
		"vacuum":                 "other",
		"":                       "empty",
		"   ":                    "empty",
		"-- only a comment":      "empty",
		"/* unterminated":        "empty",
		"123":                    "other",
		"$$":                     "other",
		"Create table t (a int)": "create",
	} {
		if got := StatementKind(sql); got != want {
			t.Errorf("StatementKind(%q) = %q, want %q", sql, got, want)
		}
	}
}

// A nil *Metrics takes every event and does nothing.
func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.ConnOpened()
	m.ConnClosed()
	m.ConnRefused(RefusedMaxConnections)
	m.Auth("trust", AuthOK)
	m.Statement("select 1", "00000", time.Millisecond, 1)
	m.BytesSent(10)
	m.CounterFunc("x_total", "x", nil, func() float64 { return 1 })
	m.GaugeFunc("y", "y", nil, func() float64 { return 1 })
}

func TestHandler(t *testing.T) {
	m := New()
	m.Statement("select 1", "42P01", 2*time.Millisecond, 0)
	m.Statement("select 1", "00000", time.Millisecond, 3)
	var draining atomic.Bool
	srv := httptest.NewServer(m.Handler([]Check{{Name: "draining", Fn: func(context.Context) error {
		if draining.Load() {
			return errors.New("shutting down")
		}
		return nil
	}}}))
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/metrics")
	for _, want := range []string{
		`lakegate_statements_total{class="42",kind="select"} 1`,
		`lakegate_statements_total{class="00",kind="select"} 1`,
		`lakegate_rows_sent_total 3`,
		`lakegate_statement_duration_seconds_count{kind="select"} 2`,
		`lakegate_connections_refused_total{reason="shutting_down"} 0`,
		"go_goroutines",
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("/metrics (%d) lacks %q:\n%s", code, want, body)
		}
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Fatalf("/readyz ready: %d", code)
	}
	draining.Store(true)
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "draining: shutting down") {
		t.Fatalf("/readyz draining: %d %q", code, body)
	}
}

// BenchmarkStatement is the cost metrics add to a statement (on).
func BenchmarkStatement(b *testing.B) {
	m := New()
	for i := 0; i < b.N; i++ {
		m.Statement("select count(*) from nation", "00000", time.Millisecond, 1)
		m.BytesSent(100)
	}
}

// BenchmarkStatementOff is the same with metrics off.
func BenchmarkStatementOff(b *testing.B) {
	var m *Metrics
	for i := 0; i < b.N; i++ {
		m.Statement("select count(*) from nation", "00000", time.Millisecond, 1)
		m.BytesSent(100)
	}
}
