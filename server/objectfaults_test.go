package server_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/weedtest"
)

// faultProxy stands between lakegate and SeaweedFS's S3 on loopback and
// forwards every request as it is (the Host header too, which the
// requests' SigV4 signatures cover), except GETs of Parquet objects, which
// its mode may answer otherwise.
type faultProxy struct {
	upstream string
	URL      string

	mu       sync.Mutex
	mode     string         // "", "slowdown" (the first failN GETs of each object), "deny", "stall"
	failN    int            // with "slowdown"
	failed   map[string]int // 503s answered, by object
	served   map[string]int // GETs of Parquet objects forwarded, by object
	stalled  int            // "stall": downloads begun and now held
	gone     chan struct{}  // "stall": closed when a stalled client went away
	released chan struct{}  // closed at the end of the test: stalls end
}

func startFaultProxy(t *testing.T, upstream string) *faultProxy {
	p := &faultProxy{upstream: upstream, failed: map[string]int{}, served: map[string]int{}, released: make(chan struct{})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() {
		close(p.released)
		srv.Close()
	})
	p.URL = "http://" + l.Addr().String()
	return p
}

func (p *faultProxy) set(mode string, failN int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode, p.failN = mode, failN
	p.failed, p.served = map[string]int{}, map[string]int{}
	p.stalled = 0
	p.gone = make(chan struct{})
}

func (p *faultProxy) counts() (failed, served map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.failed), maps.Clone(p.served)
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	mode := p.mode
	parquet := r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ".parquet")
	if parquet {
		switch {
		case mode == "slowdown" && p.failed[r.URL.Path] < p.failN:
			p.failed[r.URL.Path]++
			p.mu.Unlock()
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`) //nolint:errcheck
			return
		case mode == "deny":
			p.failed[r.URL.Path]++
			p.mu.Unlock()
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`) //nolint:errcheck
			return
		}
		p.served[r.URL.Path]++
	}
	gone := p.gone
	p.mu.Unlock()

	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	out.ContentLength = r.ContentLength
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	if parquet && mode == "stall" && resp.StatusCode == http.StatusOK {
		// Send a little of the object, then nothing more until the client
		// goes away (or the test ends).
		io.CopyN(w, resp.Body, 64) //nolint:errcheck
		w.(http.Flusher).Flush()
		p.mu.Lock()
		p.stalled++
		p.mu.Unlock()
		select {
		case <-r.Context().Done():
			p.mu.Lock()
			select {
			case <-gone:
			default:
				close(gone)
			}
			p.mu.Unlock()
		case <-p.released:
		}
		return
	}
	io.Copy(w, resp.Body) //nolint:errcheck
}

// TestSeaweedFSSlowDownRetried: the store answers GETs of data files with
// 503 SlowDown a few times: lakegate retries with backoff and the answer is
// the one without faults. A store that keeps answering 503 fails the
// fetch with ErrStorage (58030) after a bounded number of attempts, and
// the session goes on once the store recovers.
func TestSeaweedFSSlowDownRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := weedtest.Start(t)
	seeder := startGW(t, gwOptions{store: store})
	proxy := startFaultProxy(t, store.S3)
	g := startGW(t, gwOptions{policy: demo.Policy, store: store, noSeed: true, storeProps: map[string]string{"s3.endpoint": proxy.URL}})
	c := g.as(t, "analyst")
	const sdkDefaultAttempts = 3 // what the AWS SDK would give up after
	proxy.set("slowdown", sdkDefaultAttempts)
	start := time.Now()
	n, err := count(t, c, "select count(*) from comms.bounces")
	if err != nil || n != int64(smallSizes.Bounces) {
		t.Fatalf("with 503s: %d %v", n, err)
	}
	t.Logf("%s: the answer after 503s", time.Since(start).Round(time.Millisecond))
	failed, served := proxy.counts()
	if len(failed) == 0 {
		t.Fatal("the proxy answered no 503")
	}
	for obj, k := range failed {
		if k != sdkDefaultAttempts || served[obj] != 1 {
			t.Errorf("%s: %d 503s then %d GETs served", obj, k, served[obj])
		}
	}

	// A store that answers only 503: the files of a plan this gateway has
	// not fetched yet (planned by the seeder) fail after 6 attempts each.
	ident := catalog.Ident{Schema: "users", Name: "customers"}
	st, err := seeder.cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := st.PlanScan(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	lt, err := g.cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	proxy.set("slowdown", 1000)
	start = time.Now()
	_, err = lt.LocalScan(ctx, plan, nil)
	t.Logf("%s: the error after 503s only: %v", time.Since(start).Round(time.Millisecond), err)
	if !errors.Is(err, catalog.ErrStorage) || !strings.Contains(err.Error(), "users.customers") {
		t.Fatalf("a store answering only 503: %v, want ErrStorage naming the table", err)
	}
	failed, _ = proxy.counts()
	most := 0
	for obj, k := range failed {
		most = max(most, k)
		if k > 6 {
			t.Errorf("%s asked %d times: more than 6 attempts", obj, k)
		}
	}
	if most != 6 {
		t.Errorf("at most %d attempts per object, want 6", most)
	}
	proxy.set("", 0)
	if n, err := count(t, c, "select count(*) from users.customers"); err != nil || n != int64(smallSizes.Customers) {
		t.Fatalf("same session after the store recovered: %d %v", n, err)
	}
}

// TestSeaweedFSRefusedKeys: keys the REST catalog refuses give 08004 (the
// catalog rejected lakegate's connection) and a store refusing the reads
// of data files gives 58030 saying so; never HV000, never the secret.
func TestSeaweedFSRefusedKeys(t *testing.T) {
	t.Parallel()
	store := weedtest.Start(t)
	startGW(t, gwOptions{store: store}) // seeds the demo
	wrongSecret := "wrong-" + store.SecretKey[:8]
	w := startGW(t, gwOptions{store: store, noSeed: true, storeProps: map[string]string{"s3.secret-access-key": wrongSecret}})
	c := w.as(t, "analyst")
	_, err := count(t, c, "select count(*) from comms.bounces")
	if sqlState(err) != "08004" || !strings.Contains(err.Error(), "refused lakegate's credentials") {
		t.Errorf("wrong keys: %v (SQLSTATE %s), want 08004 saying the catalog refused the credentials", err, sqlState(err))
	}
	for _, secret := range []string{store.SecretKey, wrongSecret} {
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows a secret: %v", err)
		}
	}

	proxy := startFaultProxy(t, store.S3)
	d := startGW(t, gwOptions{store: store, noSeed: true, storeProps: map[string]string{"s3.endpoint": proxy.URL}})
	dc := d.as(t, "analyst")
	proxy.set("deny", 0)
	_, err = count(t, dc, "select count(*) from comms.bounces")
	if sqlState(err) != "58030" || !strings.Contains(err.Error(), "refused lakegate's credentials") || !strings.Contains(err.Error(), "comms.bounces") {
		t.Errorf("store refusing reads: %v (SQLSTATE %s), want 58030 naming the table and the refusal", err, sqlState(err))
	}
	proxy.set("", 0)
	if n, err := count(t, dc, "select count(*) from comms.bounces"); err != nil || n != int64(smallSizes.Bounces) {
		t.Fatalf("same session once the store grants the reads: %d %v", n, err)
	}
}

// TestSeaweedFSCancelStopsDownload: cancelling the context of a scan whose
// data files are still downloading into the file cache (a statement
// canceled or past its statement_timeout) ends the downloads: the store
// sees its client go away, and the scan returns the cancellation.
func TestSeaweedFSCancelStopsDownload(t *testing.T) {
	t.Parallel()
	store := weedtest.Start(t)
	seeder := startGW(t, gwOptions{store: store})
	proxy := startFaultProxy(t, store.S3)
	g := startGW(t, gwOptions{store: store, noSeed: true, storeProps: map[string]string{"s3.endpoint": proxy.URL}})
	ident := catalog.Ident{Schema: "payments", Name: "charges"}
	// Planned by the seeder: planning reads footers, which would fetch the
	// files into this gateway's cache before the test stalls them.
	st, err := seeder.cat.LoadTable(context.Background(), ident)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := st.PlanScan(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	lt, err := g.cat.LoadTable(context.Background(), ident)
	if err != nil {
		t.Fatal(err)
	}
	proxy.set("stall", 0)
	proxy.mu.Lock()
	gone := proxy.gone
	proxy.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() {
		_, err := lt.LocalScan(ctx, plan, nil)
		res <- err
	}()
	// Cancel once a download has begun and is held: a cancel while the
	// proxy still waits for the store's answer would end the request
	// before any stall, and say nothing about the download.
	for stalled := false; !stalled; {
		proxy.mu.Lock()
		stalled = proxy.stalled > 0
		proxy.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-gone:
	case <-time.After(60 * time.Second):
		t.Fatal("the download went on after its scan was canceled")
	}
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled scan: %v, want context.Canceled", err)
	}
	proxy.set("", 0)
	c := g.as(t, "analyst")
	if n, err := count(t, c, "select count(*) from payments.charges"); err != nil || n != int64(smallSizes.Charges) {
		t.Fatalf("the table afterwards: %d %v", n, err)
	}
}
