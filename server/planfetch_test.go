package server_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/weedtest"
)

// gatedStore stands in front of a faultProxy and holds every GET of a
// Parquet object until released, counting how many are held at once: a
// scan fetching its files one at a time never has more than one held.
type gatedStore struct {
	next http.Handler

	mu       sync.Mutex
	held     int           // GETs waiting now
	peak     int           // most held at once
	gone     int           // held GETs whose client went away
	release  chan struct{} // closed: held GETs go on to the store
	changed  chan struct{} // closed and replaced whenever held or gone changes
	released bool
}

func newGatedStore(next http.Handler) *gatedStore {
	return &gatedStore{next: next, release: make(chan struct{}), changed: make(chan struct{})}
}

func (g *gatedStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, ".parquet") {
		g.next.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	release := g.release
	g.held++
	g.peak = max(g.peak, g.held)
	g.notifyLocked()
	g.mu.Unlock()
	select {
	case <-release:
		g.mu.Lock()
		g.held--
		g.notifyLocked()
		g.mu.Unlock()
		g.next.ServeHTTP(w, r)
	case <-r.Context().Done():
		g.mu.Lock()
		g.held--
		g.gone++
		g.notifyLocked()
		g.mu.Unlock()
	}
}

func (g *gatedStore) notifyLocked() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// waitFor waits until cond holds of (held, gone), or fails the test.
func (g *gatedStore) waitFor(t *testing.T, what string, cond func(held, gone int) bool) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		g.mu.Lock()
		ok, held, gone, changed := cond(g.held, g.gone), g.held, g.gone, g.changed
		g.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("%s: still %d GETs held, %d gone", what, held, gone)
		}
	}
}

// open lets every held GET (and all later ones) through.
func (g *gatedStore) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.released {
		g.released = true
		close(g.release)
	}
}

// reset holds GETs again and forgets the counts.
func (g *gatedStore) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.release, g.released = make(chan struct{}), false
	g.held, g.peak, g.gone = 0, 0, 0
}

// serveGated serves a gatedStore in front of store's S3 (through a
// faultProxy) and returns it and its endpoint URL.
func serveGated(t *testing.T, store *weedtest.Server) (*gatedStore, string) {
	t.Helper()
	gate := newGatedStore(startFaultProxy(t, store.S3))
	srv := &http.Server{Handler: gate}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() { gate.open(); srv.Close() })
	return gate, "http://" + l.Addr().String()
}

// createMappedEvents creates ns.name through iceberg-go with files data
// files of 100 rows each and a default name mapping, so that planning a
// scan reads every data file's footer (its columns, matched by name).
func createMappedEvents(t *testing.T, store *weedtest.Server, ns, name string, files int) {
	t.Helper()
	createEventsWith(t, store, ns, name, files,
		iceberg.Properties{"schema.name-mapping.default": `[{"field-id":1,"names":["id"]},{"field-id":2,"names":["label"]}]`})
}

// TestPlanFetchesFootersInParallel: planning a scan that must read the
// Parquet footers of files in object storage (a name-mapped table) fetches
// those files at once, not one after another: the store sees every GET
// before it answers any. Canceling the planning statement while they
// download ends every download, and nothing half-fetched stays in the
// cache.
func TestPlanFetchesFootersInParallel(t *testing.T) {
	t.Parallel()
	const files = 6
	ctx := context.Background()
	store := weedtest.Start(t)
	createMappedEvents(t, store, "ext", "mapped", files)
	createMappedEvents(t, store, "ext", "mapped_cancel", files)
	gate, endpoint := serveGated(t, store)
	g := startGW(t, gwOptions{store: store, noSeed: true, storeProps: map[string]string{"s3.endpoint": endpoint}})

	lt, err := g.cat.LoadTable(ctx, catalog.Ident{Schema: "ext", Name: "mapped"})
	if err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	var plan *catalog.ScanPlan
	go func() {
		var err error
		plan, err = lt.PlanScan(ctx, nil)
		res <- err
	}()
	gate.waitFor(t, "planning's footer fetches", func(held, _ int) bool { return held == files })
	gate.open()
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != files {
		t.Fatalf("planned %d files, want %d", len(plan.Files), files)
	}
	for _, f := range plan.Files {
		if !slices.Equal(f.Columns, []string{"id", "label"}) {
			t.Fatalf("file %s: columns %v from its footer", f.Path, f.Columns)
		}
	}
	if st := g.cat.FileCache().Stats(); st.Fetches != files {
		t.Fatalf("file cache after planning: %+v, want %d fetches", st, files)
	}

	// Cancel while the footer fetches of another table are held.
	gate.reset()
	lt, err = g.cat.LoadTable(ctx, catalog.Ident{Schema: "ext", Name: "mapped_cancel"})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		_, err := lt.PlanScan(cctx, nil)
		res <- err
	}()
	gate.waitFor(t, "footer fetches before the cancel", func(held, _ int) bool { return held == files })
	cancel()
	gate.waitFor(t, "downloads after the cancel", func(held, gone int) bool { return held == 0 && gone == files })
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled planning: %v, want context.Canceled", err)
	}
	if st := g.cat.FileCache().Stats(); st.Fetches != files || st.Files != files {
		t.Fatalf("file cache after the canceled planning: %+v, want only the first table's %d copies", st, files)
	}
	gate.open()
	if _, err := lt.PlanScan(ctx, nil); err != nil {
		t.Fatalf("planning again once the store answers: %v", err)
	}
}
