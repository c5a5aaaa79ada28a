package server_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/internal/weedtest"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
	"github.com/lakegate/lakegate/server"
)

// The one way tests start a gateway: a lakegate server in this process on
// a loopback port, over the demo warehouse in a directory of its own.
// LAKEGATE_TEST_LOG=1 sends its debug log to stderr. Tests that only
// read the demo share one per option set instead (sharedgw_test.go).

// gwOptions say what a test gateway has. The zero value: a new directory
// with the demo tables at smallSizes (snappy Parquet), no policy, no
// accounts (every user logs in without a password), engines of 2 threads.
type gwOptions struct {
	// dir holds the catalog (catalog.db) and the warehouse (warehouse/).
	// "" is a new directory; a directory an earlier gateway seeded is
	// served as it is, so two gateways can share one catalog.
	dir   string
	sizes demo.Sizes
	// codec is the demo's Parquet compression; "" is snappy, which
	// seeds several times faster than the demo's zstd under the race
	// detector (demo.SeedCodec). The rows are the same.
	codec string
	// policy is the policy file to serve (demo.Policy for the demo's);
	// with it, the demo principals log in with the password "pw-<name>".
	// A shared dir keeps the policy file it already has.
	policy  []byte
	watch   bool // reload the policy file as it changes
	threads int
	retry   catalog.RetryPolicy
	cfg     server.Config // TLS, limits, audit... (Auth is set by policy)
	wrap    func(net.Listener) net.Listener
	// store, when set, serves the demo from SeaweedFS: its Iceberg REST
	// catalog and S3 instead of the embedded catalog, the engine reading
	// local copies from a file cache in dir (a new one per gateway).
	store *weedtest.Server
	// fileCacheBytes bounds that cache; 0 means 1 GiB.
	fileCacheBytes int64
	// fileFetches bounds the objects a statement fetches at once (0: 16).
	fileFetches int
	// storeProps override the store's catalog properties.
	storeProps map[string]string
	// warehouse replaces the embedded catalog's warehouse (mem://... for
	// iceberg-go's in-memory store, read through the file cache).
	warehouse string
	// clock is the session room's clock (lakegate.tables' freshness).
	clock func() time.Time
	// sqlCatalog replaces the embedded SQLite catalog with another Iceberg
	// SQL catalog (a postgres:// URL: internal/pgtest), the warehouse
	// staying in dir (or warehouse).
	sqlCatalog string
	// noSeed serves the catalog as it is (a gateway whose keys the store
	// refuses cannot seed it).
	noSeed bool
	// catalogURI replaces the store's REST catalog endpoint (a proxy in
	// front of it); vended sets the catalog's vended_credentials.
	catalogURI string
	vended     *bool
	// engineTempDir is where the sessions' engines make their spill
	// directories (one each: a count of engines opened).
	engineTempDir string
	// idleEngines is the engine config's IdleEngines when not 0 (-1:
	// no engine reuse, no spare engine).
	idleEngines int
}

// backends are the catalogs and stores the cases that must behave alike
// everywhere run against: the embedded default (SQLite catalog, local
// files) and SeaweedFS (REST catalog, S3).
var backends = []struct {
	name  string
	start func(t testing.TB) *weedtest.Server
}{
	{"embedded", func(testing.TB) *weedtest.Server { return nil }},
	{"seaweedfs", weedtest.Start},
}

// forEachBackend runs test once per backend, as a subtest; o.store is set
// for SeaweedFS.
func forEachBackend(t *testing.T, test func(t *testing.T, store *weedtest.Server)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.start(t)) })
	}
}

var smallSizes = demo.Sizes{Customers: 100, Charges: 1000, Bounces: 50}

// demoPrincipals are the accounts of gateways with a policy.
var demoPrincipals = []struct{ name, domain, group string }{
	{"analyst", "", "analysts"}, {"payments_svc", "payments", "services"},
	{"users_svc", "users", "services"}, {"comms_svc", "comms", "services"},
}

// gateway is a running test gateway.
type gateway struct {
	dir, addr  string
	policyPath string // "" without a policy
	cat        *catalog.Catalog
	srv        *server.Server
}

func startGW(t testing.TB, o gwOptions) *gateway {
	t.Helper()
	ctx := context.Background()
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	if o.sizes == (demo.Sizes{}) {
		o.sizes = smallSizes
	}
	cfg := catalog.Config{
		URI:       "sqlite://" + filepath.Join(o.dir, "catalog.db"),
		Warehouse: "file://" + filepath.Join(o.dir, "warehouse"),
	}
	copts := catalog.Options{CommitRetry: o.retry, FetchParallelism: o.fileFetches}
	if o.warehouse != "" {
		cfg.Warehouse = o.warehouse
	}
	if o.sqlCatalog != "" {
		cfg.URI = o.sqlCatalog
	}
	if o.store != nil {
		cfg = catalog.Config{Name: "seaweedfs", Type: "rest", URI: o.store.CatalogURI, Warehouse: "s3://" + weedtest.Bucket,
			Properties: o.store.Properties()}
		for k, v := range o.storeProps {
			cfg.Properties[k] = v
		}
		if o.catalogURI != "" {
			cfg.URI = o.catalogURI
		}
		cfg.VendedCredentials = o.vended
	}
	if o.store != nil || o.warehouse != "" {
		if o.fileCacheBytes == 0 {
			o.fileCacheBytes = 1 << 30
		}
		fc, err := objcache.Open(filepath.Join(t.TempDir(), "filecache"), o.fileCacheBytes, nil)
		if err != nil {
			t.Fatal(err)
		}
		copts.FileCache = fc
	}
	if o.codec == "" {
		o.codec = "snappy"
	}
	if !o.noSeed && o.store == nil && o.warehouse == "" && o.sqlCatalog == "" {
		copyDemo(t, o.dir, cfg, o.sizes, o.codec)
	}
	cat, err := catalog.Open(ctx, []catalog.Config{cfg}, copts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	if !o.noSeed && !demo.Seeded(ctx, cat) {
		if err := demo.SeedCodec(ctx, cat, o.sizes, o.codec, func(string) {}); err != nil {
			t.Fatal(err)
		}
	}
	g := &gateway{dir: o.dir, cat: cat}
	pcfg := session.Config{Engine: session.EngineConfig{Threads: 2}, Clock: o.clock}
	pcfg.Engine.TempDir = o.engineTempDir
	pcfg.Engine.IdleEngines = o.idleEngines
	if o.threads > 0 {
		pcfg.Engine.Threads = o.threads
	}
	if o.policy != nil {
		g.policyPath = filepath.Join(o.dir, "policy.yaml")
		if _, err := os.Stat(g.policyPath); err != nil {
			if err := os.WriteFile(g.policyPath, o.policy, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		store, err := policy.NewStore(g.policyPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o.watch {
			wctx, cancel := context.WithCancel(ctx)
			t.Cleanup(cancel)
			go store.Watch(wctx, 100*time.Millisecond)
		}
		pcfg.Policy = store
		var accounts []auth.Account
		for _, p := range demoPrincipals {
			a, err := auth.NewAccount(p.name, p.domain, []string{p.group}, "pw-"+p.name, 4096)
			if err != nil {
				t.Fatal(err)
			}
			accounts = append(accounts, a)
		}
		a, err := auth.New(auth.Config{Accounts: accounts})
		if err != nil {
			t.Fatal(err)
		}
		o.cfg.Auth = server.AuthConfig{Authenticator: a, AllowPlaintextLoopback: true}
	}
	if os.Getenv("LAKEGATE_TEST_LOG") != "" && o.cfg.Logger == nil {
		o.cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	pl := session.New(cat, pcfg)
	if g.srv, err = server.New(pl, o.cfg); err != nil {
		pl.Close()
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g.addr = l.Addr().String()
	if o.wrap != nil {
		l = o.wrap(l)
	}
	go g.srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.srv.Close(ctx)
		// The server's connections are gone: the Manager's idle engines
		// close now, with their spill directories (an engine still out
		// closes when it is given back).
		pl.Close()
	})
	return g
}

// Demo templates: a gateway over a new directory gets the demo as a
// copy of one seeded once per test process (per sizes and codec), its
// tables relocated to the copy (catalog.Relocate, as an operator would
// after copying a data dir), instead of seeding its own. A seed writes
// the demo's Parquet files (one per day of charges) and commits three
// tables under the race detector: ~0.6 CPU s at smallSizes, most of a
// small write test's gateway start; the copy and relocation ~0.25 s.
// The rows, partitions and files are the seed's; the copy's table
// metadata starts a new log (Relocate) and the template's metadata files
// are removed from it, so the copy holds only what its catalog names.

type demoKey struct {
	sizes demo.Sizes
	codec string
}

type demoTemplate struct {
	once sync.Once
	dir  string
	err  error
}

var demoTemplates struct {
	mu sync.Mutex
	m  map[demoKey]*demoTemplate
}

// copyDemo puts the demo at sizes in dir (a SQLite catalog, cfg, over a
// local warehouse) when dir has no catalog yet.
func copyDemo(t testing.TB, dir string, cfg catalog.Config, sizes demo.Sizes, codec string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "catalog.db")); !errors.Is(err, fs.ErrNotExist) {
		return // served as it is (or seeded by startGW, when unreadable)
	}
	tmpl, err := demoTemplateDir(demoKey{sizes, codec})
	if err != nil {
		t.Fatalf("demo template %v %s: %v", sizes, codec, err)
	}
	var copied []string
	if err := os.CopyFS(dir, os.DirFS(tmpl)); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(filepath.Join(dir, "warehouse"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) == "metadata" {
			copied = append(copied, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Relocate(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, p := range copied {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
}

// demoTemplateDir is the directory of the demo seeded at key, seeding it
// the first time; TestMain removes it (closeSharedGateways).
func demoTemplateDir(key demoKey) (string, error) {
	demoTemplates.mu.Lock()
	if demoTemplates.m == nil {
		demoTemplates.m = map[demoKey]*demoTemplate{}
	}
	tp := demoTemplates.m[key]
	if tp == nil {
		tp = &demoTemplate{}
		demoTemplates.m[key] = tp
	}
	demoTemplates.mu.Unlock()
	tp.once.Do(func() {
		if tp.dir, tp.err = os.MkdirTemp("", "lakegate-demo-template-"); tp.err != nil {
			return
		}
		dir := tp.dir
		shared.mu.Lock()
		shared.cleanups = append(shared.cleanups, func() { os.RemoveAll(dir) })
		shared.mu.Unlock()
		ctx := context.Background()
		cat, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "catalog.db"),
			Warehouse: "file://" + filepath.Join(dir, "warehouse")}}, catalog.Options{})
		if err != nil {
			tp.err = err
			return
		}
		tp.err = demo.SeedCodec(ctx, cat, key.sizes, key.codec, func(string) {})
		cat.Close()
	})
	return tp.dir, tp.err
}

func startGateway(t testing.TB, sizes demo.Sizes) *gateway {
	t.Helper()
	return startGW(t, gwOptions{sizes: sizes})
}

func startGatewayWith(t testing.TB, sizes demo.Sizes, cfg server.Config) *gateway {
	t.Helper()
	return startGW(t, gwOptions{sizes: sizes, cfg: cfg})
}

// connect logs in as the analyst (gateways without a policy).
func (g *gateway) connect(t *testing.T) *pgx.Conn {
	t.Helper()
	return connectAs(t, g.addr, "analyst", "")
}

// as logs in as one of demoPrincipals (gateways with a policy).
func (g *gateway) as(t testing.TB, user string) *pgx.Conn {
	t.Helper()
	return connectAs(t, g.addr, user, "pw-"+user)
}

func connectAs(t testing.TB, addr, user, password string) *pgx.Conn {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	c, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://%s:%s@%s:%s/lakegate?sslmode=disable", user, password, host, port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}
