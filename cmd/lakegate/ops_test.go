package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/lakegate/lakegate/internal/testport"
)

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := testport.Addr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// scrape reads /metrics and checks that it parses as Prometheus' text
// format: with promtool when it is installed (scripts/test.sh installs the
// Debian package prometheus), and always with the text parser of
// prometheus/common.
func scrape(t *testing.T, addr string) (map[string]*dto.MetricFamily, []byte) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %v", resp.StatusCode, err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams, body
}

// promtoolCheck runs `promtool check metrics` on a scrape when promtool is
// installed, and reports whether it ran.
func promtoolCheck(t *testing.T, body []byte) bool {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		return false
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
	return true
}

// value is the value of the series of family name whose labels include
// labels ("k=v" pairs); 0 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		match := true
		for _, kv := range labels {
			k, v, _ := strings.Cut(kv, "=")
			if have[k] != v {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// A scripted workload against a real process, then a scrape: each counter
// moved by exactly what the workload did.
func TestMetricsAfterWorkload(t *testing.T) {
	dir := t.TempDir()
	maddr := freeAddr(t)
	_, addr, pw := startProcess(t, dir, "--metrics-listen", maddr)
	ctx := context.Background()
	svc := connString(addr, "payments_svc", pw["payments_svc"])
	setup, err := pgx.Connect(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.Exec(ctx, `create table payments.m (id bigint not null)`); err != nil {
		t.Fatal(err)
	}
	setup.Close(ctx)
	// The server sees a close a moment after the client made it: start
	// from no open connection.
	waitMetric(t, maddr, "lakegate_connections_open", 0)
	before, _ := scrape(t, maddr)

	// The workload: 2 logins, 1 failed login, 3 queries of one row each,
	// 1 error (42P01), 1 write, 1 canceled query (57014), 1 policy reload
	// that installs and 1 that is refused.
	c1, err := pgx.Connect(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := pgx.Connect(ctx, connString(addr, "analyst", pw["analyst"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, connString(addr, "analyst", "wrong-password")); pgCode(err) != "28P01" {
		t.Fatalf("wrong password: %v", err)
	}
	for i := 0; i < 3; i++ {
		var n int
		if err := c2.QueryRow(ctx, "select 1").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c2.Exec(ctx, "select * from payments.no_such_table"); pgCode(err) != "42P01" {
		t.Fatalf("missing table: %v", err)
	}
	if tag, err := c1.Exec(ctx, "insert into payments.m values (1), (2)"); err != nil || tag.String() != "INSERT 0 2" {
		t.Fatalf("insert: %v %v", tag, err)
	}
	qctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = c1.Exec(qctx, "select count(*) from range(1000000000000) a")
	cancel()
	if pgCode(err) != "57014" && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("canceled query: %v", err)
	}
	policyPath := filepath.Join(dir, "policy.yaml")
	orig, err := os.ReadFile(policyPath)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomically(t, policyPath, append(append([]byte(nil), orig...), "\n# edited\n"...))
	waitMetric(t, maddr, "lakegate_policy_reloads_total", value(before, "lakegate_policy_reloads_total", "outcome=ok")+1, "outcome=ok")
	writeAtomically(t, policyPath, []byte("grants: [this is not a grant\n"))
	waitMetric(t, maddr, "lakegate_policy_reloads_total", value(before, "lakegate_policy_reloads_total", "outcome=failed")+1, "outcome=failed")
	c1.Close(ctx)
	c2.Close(ctx)
	// Closing is seen by the server a moment later.
	waitMetric(t, maddr, "lakegate_connections_open", 0)

	after, body := scrape(t, maddr)
	if promtoolCheck(t, body) {
		t.Log("promtool check metrics: OK")
	}
	type want struct {
		name   string
		labels []string
		delta  float64
	}
	for _, w := range []want{
		// 2 sessions, the failed login, and the CancelRequest's own connection
		{"lakegate_connections_total", nil, 4},
		{"lakegate_authentications_total", []string{"method=scram-sha-256", "outcome=ok"}, 2},
		{"lakegate_authentications_total", []string{"method=scram-sha-256", "outcome=failed"}, 1},
		{"lakegate_statements_total", []string{"kind=select", "class=00"}, 3},
		{"lakegate_statements_total", []string{"kind=select", "class=42"}, 1},
		{"lakegate_statements_total", []string{"kind=select", "class=57"}, 1},
		{"lakegate_statements_total", []string{"kind=insert", "class=00"}, 1},
		{"lakegate_statement_duration_seconds", []string{"kind=select"}, 5},
		{"lakegate_statement_duration_seconds", []string{"kind=insert"}, 1},
		{"lakegate_rows_sent_total", nil, 3},
		{"lakegate_commits_total", nil, 1},
		{"lakegate_commit_conflicts_total", nil, 0},
		{"lakegate_policy_reloads_total", []string{"outcome=ok"}, 1},
		{"lakegate_policy_reloads_total", []string{"outcome=failed"}, 1},
		{"lakegate_connections_refused_total", []string{"reason=max_connections"}, 0},
		{"lakegate_connections_open", nil, 0},
		// The demo's tables are local files: nothing fetched into the file cache.
		{"lakegate_file_cache_fetches_total", nil, 0},
	} {
		got := value(after, w.name, w.labels...) - value(before, w.name, w.labels...)
		if got != w.delta {
			t.Errorf("%s%v moved by %v, want %v", w.name, w.labels, got, w.delta)
		}
	}
	if d := value(after, "lakegate_bytes_sent_total") - value(before, "lakegate_bytes_sent_total"); d < 100 {
		t.Errorf("lakegate_bytes_sent_total moved by %v", d)
	}
	var names []string
	for n := range after {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range []string{"go_goroutines", "process_resident_memory_bytes", "lakegate_sessions", "lakegate_engine_memory_granted_bytes",
		"lakegate_result_cache_hits_total", "lakegate_metadata_cache_hits_total", "lakegate_scan_cache_cells",
		"lakegate_engine_spill_bytes", "lakegate_engines_open", "lakegate_engines_idle", "lakegate_file_cache_bytes", "lakegate_file_cache_hits_total"} {
		if after[n] == nil {
			t.Errorf("no %s among %v", n, names)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + maddr + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", p, resp, err)
		}
		resp.Body.Close()
	}
}

func writeAtomically(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// waitMetric waits (up to a minute: a hang guard) until a series has the
// value want.
func waitMetric(t *testing.T, maddr, name string, want float64, labels ...string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		fams, _ := scrape(t, maddr)
		got := value(fams, name, labels...)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%v is %v, want %v", name, labels, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// SIGTERM with a long query and a large write running: /readyz turns 503,
// new connections get 57P03, the query is canceled with 57P01 after the
// grace, the write commits whole or leaves nothing, and the process exits 0.
func TestDrainOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	maddr := freeAddr(t)
	cmd, addr, pw := startProcess(t, dir, "--metrics-listen", maddr, "--shutdown-grace", "2s")
	ctx := context.Background()
	svc := connString(addr, "payments_svc", pw["payments_svc"])
	c, err := pgx.Connect(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `create table payments.big (id bigint not null, label varchar)`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `insert into payments.big values (-1, 'before')`); err != nil {
		t.Fatal(err)
	}
	q, err := pgx.Connect(ctx, connString(addr, "analyst", pw["analyst"]))
	if err != nil {
		t.Fatal(err)
	}
	idle, err := pgx.Connect(ctx, connString(addr, "analyst", pw["analyst"]))
	if err != nil {
		t.Fatal(err)
	}
	const rows = 30_000_000
	writeDone := make(chan error, 1)
	go func() {
		_, err := c.Exec(ctx, fmt.Sprintf(`insert into payments.big select i, 'row ' || i from range(%d) t(i)`, rows))
		writeDone <- err
	}()
	queryDone := make(chan error, 1)
	go func() {
		_, err := q.Exec(ctx, "select count(*) from range(1000000000000) a")
		queryDone <- err
	}()
	// Both statements run when the write has staged a data file.
	deadline := time.Now().Add(60 * time.Second)
	for countParquet(t, filepath.Join(dir, "warehouse")) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the INSERT wrote no data file within 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// /readyz turns 503 while the statements still run.
	for {
		resp, err := http.Get("http://" + maddr + "/readyz")
		if err != nil {
			t.Fatalf("/readyz during the drain: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := pgx.Connect(ctx, svc); pgCode(err) != "57P03" {
		t.Fatalf("a new connection during the drain: %v, want 57P03", err)
	}
	// The idle session was ended at once.
	if err := idle.Ping(ctx); err == nil {
		t.Fatal("an idle session survived the drain")
	}
	if err := <-queryDone; pgCode(err) != "57P01" {
		t.Fatalf("the long query: %v, want 57P01", err)
	}
	werr := <-writeDone
	if werr != nil && pgCode(werr) != "57P01" {
		t.Fatalf("the write: %v, want success or 57P01", werr)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v, want status 0", err)
	}

	_, n := restartAndCount(t, dir)
	if n != 1 && n != rows+1 {
		t.Fatalf("after the drain the table has %d rows: want 1 or %d", n, rows+1)
	}
	t.Logf("write during the drain: %v; table has %d rows", werr, n)
}
