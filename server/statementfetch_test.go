package server_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/internal/weedtest"
)

// createEventsWith creates ns.name through iceberg-go with the given
// properties and files data files of 100 rows each.
func createEventsWith(t *testing.T, store *weedtest.Server, ns, name string, files int, props iceberg.Properties) {
	t.Helper()
	ctx := context.Background()
	other := restCatalogOf(t, store)
	if err := other.CreateNamespace(ctx, table.Identifier{ns}, nil); err != nil && !errors.Is(err, icecat.ErrNamespaceAlreadyExists) {
		t.Fatal(err)
	}
	tbl, err := other.CreateTable(ctx, table.Identifier{ns, name}, eventsSchema(), icecat.WithProperties(props))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < files; i++ {
		tbl = appendEvents(t, tbl, i*100, (i+1)*100)
	}
}

// TestStatementFetchesAllTablesAtOnce: a cold statement over two tables in
// object storage fetches the files of both at once (the store sees every
// GET of both tables before it answers any), at most limits.file_fetches
// at a time; a cancel while they download ends them all with 57014,
// caches nothing partial, and the session's next statement works.
func TestStatementFetchesAllTablesAtOnce(t *testing.T) {
	t.Parallel()
	const files = 3 // per table
	ctx := context.Background()
	store := weedtest.Start(t)
	for _, name := range []string{"a", "b", "c", "d"} {
		createEventsWith(t, store, "ext", name, files, nil)
	}
	gate, endpoint := serveGated(t, store)
	props := map[string]string{"s3.endpoint": endpoint}
	g := startGW(t, gwOptions{store: store, noSeed: true, storeProps: props})
	c := g.connect(t)
	// sum(id), not count(*): a count is answered from the manifests.
	const both = "select (select sum(id) from ext.a) + (select sum(id) from ext.b)"
	want := int64(files * 100 * (files*100 - 1)) // twice the sum of 0..299

	res := make(chan error, 1)
	var got int64
	go func() { res <- c.QueryRow(ctx, both).Scan(&got) }()
	gate.waitFor(t, "the fetches of both tables", func(held, _ int) bool { return held == 2*files })
	gate.open()
	if err := <-res; err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("%s: %d, want %d", both, got, want)
	}
	if st := g.cat.FileCache().Stats(); st.Fetches != 2*files || st.Files != 2*files {
		t.Fatalf("file cache after the statement: %+v, want %d copies", st, 2*files)
	}

	// Cancel while the fetches of two other tables are held.
	gate.reset()
	other := strings.NewReplacer("ext.a", "ext.c", "ext.b", "ext.d").Replace(both)
	go func() { res <- c.QueryRow(ctx, other).Scan(&got) }()
	gate.waitFor(t, "fetches before the cancel", func(held, _ int) bool { return held == 2*files })
	if err := c.PgConn().CancelRequest(ctx); err != nil {
		t.Fatal(err)
	}
	gate.waitFor(t, "downloads after the cancel", func(held, gone int) bool { return held == 0 && gone == 2*files })
	if err := <-res; sqlState(err) != "57014" {
		t.Fatalf("canceled statement: %v, want 57014", err)
	}
	if st := g.cat.FileCache().Stats(); st.Fetches != 2*files || st.Files != 2*files {
		t.Fatalf("file cache after the cancel: %+v, want only the first statement's %d copies", st, 2*files)
	}
	err := filepath.WalkDir(g.cat.FileCache().Dir(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("partial download left in the cache: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gate.open()
	if err := c.QueryRow(ctx, other).Scan(&got); err != nil || got != want {
		t.Fatalf("same session once the store answers: %d %v, want %d", got, err, want)
	}

	// A gateway fetching at most 4 at once never has more GETs out.
	gate.reset()
	g4 := startGW(t, gwOptions{store: store, noSeed: true, storeProps: props, fileFetches: 4})
	c4 := g4.connect(t)
	go func() { res <- c4.QueryRow(ctx, both).Scan(&got) }()
	gate.waitFor(t, "limited fetches", func(held, _ int) bool { return held == 4 })
	gate.open()
	if err := <-res; err != nil || got != want {
		t.Fatalf("limited: %d %v, want %d", got, err, want)
	}
	gate.mu.Lock()
	peak := gate.peak
	gate.mu.Unlock()
	if peak != 4 {
		t.Fatalf("at most %d GETs held at once with limits.file_fetches 4, want 4", peak)
	}
}
