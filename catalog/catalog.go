package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/rest"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	icebergio "github.com/apache/iceberg-go/io"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // FileIO for s3://, s3a://, s3n:// locations
	"github.com/apache/iceberg-go/table"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for PostgreSQL-backed SQL catalogs
	_ "modernc.org/sqlite"             // database/sql driver "sqlite" for the embedded catalog

	"github.com/lakegate/lakegate/internal/objcache"
)

// Sentinel errors; the server maps them to SQLSTATEs.
var (
	ErrNoSuchTable  = errors.New("table does not exist")
	ErrNoSuchSchema = errors.New("schema does not exist")
	ErrUnsupported  = errors.New("unsupported Iceberg feature")
	ErrUpstream     = errors.New("catalog or storage failure")
	ErrExists       = errors.New("already exists")
)

// Ident names a table as clients see it: schema (the Iceberg namespace) and
// table name.
type Ident struct {
	Schema string
	Name   string
}

func (i Ident) String() string { return i.Schema + "." + i.Name }

// Catalog federates the configured Iceberg catalogs. It is safe for
// concurrent use.
type Catalog struct {
	log     *slog.Logger
	sources []*source
	cache   *metadataCache
	// manifests holds decoded manifest entries for scan planning
	// (manifestcache.go, scanplan.go).
	manifests  *manifestCache
	checkPlans bool
	// files keeps local copies of data and delete files in object
	// storage (filecache.go); nil when none is configured.
	files *objcache.Cache
	// fetches bounds the objects a FetchBatch downloads at once
	// (fetchbatch.go); 0 is DefaultFetchParallelism.
	fetches int
	// dvs holds deletion vectors converted for the engine (dv.go).
	dvs dvFiles

	mu sync.Mutex
	// tables keeps, per table (tableKey), the parsed metadata of its
	// current metadata file: only the newest, as each version holds every
	// snapshot before it (kept versions grow with the square of the
	// commits; bench/soak measured 4.4 GB after 1,950 writes).
	tables map[string]loadedTable

	nsMu    sync.Mutex
	nsProps map[string]nsPropsEntry

	locks tableLocks  // native writes (write.go)
	retry RetryPolicy // native writes (write.go)
	// commits and conflicts count commit attempts (CommitStats).
	commits, conflicts atomic.Int64
}

type nsPropsEntry struct {
	props map[string]string
	at    time.Time
}

// SchemaProperties returns a namespace's properties (owner-domain, comment),
// cached for a few seconds: they are read on every statement.
func (c *Catalog) SchemaProperties(ctx context.Context, schema string) (map[string]string, error) {
	c.nsMu.Lock()
	e, ok := c.nsProps[schema]
	c.nsMu.Unlock()
	if ok && time.Since(e.at) < 5*time.Second {
		return e.props, nil
	}
	for _, s := range c.sources {
		props, err := s.cat.LoadNamespaceProperties(ctx, table.Identifier{schema})
		if errors.Is(err, icecat.ErrNoSuchNamespace) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("catalog %s: properties of %s: %w", s.cfg.name(), schema, upstream(err))
		}
		out := map[string]string(props)
		c.nsMu.Lock()
		if c.nsProps == nil {
			c.nsProps = map[string]nsPropsEntry{}
		}
		c.nsProps[schema] = nsPropsEntry{props: out, at: time.Now()}
		c.nsMu.Unlock()
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrNoSuchSchema, schema)
}

// Foreign reports whether the table comes from a catalog the gateway does
// not own (its tables are external to every caller).
func (t *Table) Foreign() bool { return t.src != nil && t.src.cfg.Foreign }

// source is one configured Iceberg catalog.
type source struct {
	owner *Catalog // the federation this source belongs to
	cfg   Config
	cat   icecat.Catalog
	db    *sql.DB // set for sql catalogs: used for pointer checks and path mappings
	ph    func(n int) string
	warn  string

	pointerMu   sync.Mutex
	pointerStmt *sql.Stmt // pointerAndPaths' query, prepared on first use

	s3 s3Config // the AWS configuration of its FileIOs (s3io.go)
}

// Options tune a Catalog. The zero value works.
type Options struct {
	// MetadataCacheBytes bounds the in-memory cache of metadata files and
	// manifests. Default 256 MiB.
	MetadataCacheBytes int64
	Logger             *slog.Logger
	// CommitRetry bounds the retries of native writes that lose the
	// catalog's optimistic concurrency check.
	CommitRetry RetryPolicy
	// ManifestCacheBytes bounds the decoded manifest entries kept for scan
	// planning (estimated size). Default 128 MiB.
	ManifestCacheBytes int64
	// CheckScanPlans plans every scan twice, from the manifest cache and
	// with iceberg-go, and fails the scan when they differ. For tests.
	CheckScanPlans bool
	// FileCache keeps the local copies of data and delete files in object
	// storage that the engine reads (filecache.go). Without one, tables
	// whose files are in object storage cannot be read.
	FileCache *objcache.Cache
	// FetchParallelism bounds the objects one statement fetches into the
	// file cache at once (fetchbatch.go). Default 16.
	FetchParallelism int
}

// Open connects to every configured catalog.
func Open(ctx context.Context, cfgs []Config, opts Options) (*Catalog, error) {
	if len(cfgs) == 0 {
		return nil, errors.New("catalog: no catalogs configured")
	}
	if opts.MetadataCacheBytes <= 0 {
		opts.MetadataCacheBytes = 256 << 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ManifestCacheBytes <= 0 {
		opts.ManifestCacheBytes = 128 << 20
	}
	files := newMetadataCache(opts.MetadataCacheBytes)
	c := &Catalog{log: opts.Logger, cache: files, tables: map[string]loadedTable{},
		retry: opts.CommitRetry, manifests: newManifestCache(opts.ManifestCacheBytes, files), checkPlans: opts.CheckScanPlans,
		files: opts.FileCache, fetches: opts.FetchParallelism}
	for _, cfg := range cfgs {
		if err := cfg.Validate(); err != nil {
			c.Close()
			return nil, err
		}
		src, err := openSource(ctx, cfg)
		if err != nil {
			c.Close()
			return nil, err
		}
		src.owner = c
		c.sources = append(c.sources, src)
	}
	return c, nil
}

func openSource(ctx context.Context, cfg Config) (*source, error) {
	props := iceberg.Properties{}
	for k, v := range cfg.Properties {
		props[k] = v
	}
	if cfg.Warehouse != "" {
		props["warehouse"] = cfg.Warehouse
	}
	switch cfg.kind() {
	case "rest":
		var ropts []rest.Option
		if cfg.Warehouse != "" {
			ropts = append(ropts, rest.WithWarehouseLocation(cfg.Warehouse))
		}
		if cred := cfg.Properties["credential"]; cred != "" {
			ropts = append(ropts, rest.WithCredential(cred))
		}
		if tok := cfg.Properties["token"]; tok != "" {
			ropts = append(ropts, rest.WithOAuthToken(tok))
		}
		ropts = append(ropts, sigV4Options(cfg.Properties)...)
		if !cfg.vended() {
			// iceberg-go asks for vended credentials on every request
			// unless the header says otherwise.
			ropts = append(ropts, rest.WithHeaders(map[string]string{"X-Iceberg-Access-Delegation": ""}))
		}
		ropts = append(ropts, rest.WithAdditionalProps(props))
		cat, err := rest.NewCatalog(ctx, cfg.name(), cfg.URI, ropts...)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: connect rest %s: %w", cfg.name(), cfg.URI, upstream(err))
		}
		return &source{cfg: cfg, cat: cat}, nil
	default:
		driver, dsn, err := cfg.sqlDriver()
		if err != nil {
			return nil, err
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: open %s: %w", cfg.name(), driver, err)
		}
		dialect, ph := sqlcat.SQLite, func(int) string { return "?" }
		if driver == "pgx" {
			dialect, ph = sqlcat.Postgres, func(n int) string { return fmt.Sprintf("$%d", n) }
		} else {
			// SQLite allows one writer; iceberg-go commits and our pointer
			// reads share this pool, WAL lets readers proceed during a commit.
			db.SetMaxOpenConns(4)
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("catalog %s: connect: %w", cfg.name(), upstream(err))
		}
		cat, err := sqlcat.NewCatalog(cfg.name(), db, dialect, props)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("catalog %s: init: %w", cfg.name(), err)
		}
		src := &source{cfg: cfg, cat: cat, db: db, ph: ph}
		if err := src.initSidecar(ctx); err != nil {
			db.Close()
			return nil, err
		}
		if err := src.checkRoot(ctx); err != nil {
			db.Close()
			return nil, err
		}
		return src, nil
	}
}

// initSidecar creates lakegate's own table beside the Iceberg catalog tables:
// path mappings of registered tables.
func (s *source) initSidecar(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS lakegate_path_mappings (
		catalog_name VARCHAR(255) NOT NULL,
		table_namespace VARCHAR(255) NOT NULL,
		table_name VARCHAR(255) NOT NULL,
		ordinal INTEGER NOT NULL,
		from_prefix VARCHAR(4000) NOT NULL,
		to_prefix VARCHAR(4000) NOT NULL,
		PRIMARY KEY (catalog_name, table_namespace, table_name, ordinal))`)
	if err != nil {
		return fmt.Errorf("catalog %s: create lakegate_path_mappings: %w", s.cfg.name(), err)
	}
	return nil
}

// Close releases catalog connections.
func (c *Catalog) Close() {
	c.dvs.remove()
	for _, s := range c.sources {
		if s.pointerStmt != nil {
			s.pointerStmt.Close()
		}
		if s.db != nil {
			s.db.Close()
		}
	}
}

// CacheStats reports metadata cache hits and misses.
func (c *Catalog) CacheStats() (hits, misses int64) { return c.cache.Stats() }

// Schemas lists the namespaces of every catalog (first catalog wins a name).
func (c *Catalog) Schemas(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, s := range c.sources {
		nss, err := s.cat.ListNamespaces(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: list namespaces: %w", s.cfg.name(), upstream(err))
		}
		for _, ns := range nss {
			name := strings.Join(ns, ".")
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// Tables lists the tables of one schema.
func (c *Catalog) Tables(ctx context.Context, schema string) ([]string, error) {
	for _, s := range c.sources {
		exists, err := s.cat.CheckNamespaceExists(ctx, table.Identifier{schema})
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", s.cfg.name(), upstream(err))
		}
		if !exists {
			continue
		}
		var out []string
		for ident, err := range s.cat.ListTables(ctx, table.Identifier{schema}) {
			if err != nil {
				return nil, fmt.Errorf("catalog %s: list tables: %w", s.cfg.name(), upstream(err))
			}
			out = append(out, ident[len(ident)-1])
		}
		slices.Sort(out)
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s", ErrNoSuchSchema, schema)
}

// SchemaExists reports whether any catalog has the namespace.
func (c *Catalog) SchemaExists(ctx context.Context, schema string) (bool, error) {
	for _, s := range c.sources {
		ok, err := s.cat.CheckNamespaceExists(ctx, table.Identifier{schema})
		if err != nil {
			return false, fmt.Errorf("catalog %s: %w", s.cfg.name(), upstream(err))
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// LoadTable resolves ident to its current snapshot. Only the table's
// metadata pointer is read from the catalog when the metadata it points to
// was loaded before: metadata files are immutable.
func (c *Catalog) LoadTable(ctx context.Context, ident Ident) (*Table, error) {
	for _, s := range c.sources {
		t, err := c.loadFrom(ctx, s, ident)
		if errors.Is(err, ErrNoSuchTable) {
			continue
		}
		return t, err
	}
	return nil, fmt.Errorf("%w: %s", ErrNoSuchTable, ident)
}

func (c *Catalog) loadFrom(ctx context.Context, s *source, ident Ident) (*Table, error) {
	iid := table.Identifier{ident.Schema, ident.Name}
	if s.db == nil {
		// REST: one call returns the pointer and the metadata.
		t, err := s.cat.LoadTable(ctx, iid)
		if err != nil {
			if errors.Is(err, icecat.ErrNoSuchTable) || errors.Is(err, icecat.ErrNoSuchNamespace) {
				return nil, fmt.Errorf("%w: %s", ErrNoSuchTable, ident)
			}
			return nil, fmt.Errorf("catalog %s: load %s: %w", s.cfg.name(), ident, upstream(err))
		}
		// The table's FileIOs are made with a context that outlives this
		// statement (s3io.go), and with the storage credentials of this
		// load: a REST catalog may vend new ones with every load (and
		// iceberg-go renews them through the catalog when they expire
		// during a statement), while the metadata of an unchanged table is
		// the one parsed before.
		meta := c.cached(tableKey(s, ident, nil), t)
		t = table.New(meta.Identifier(), meta.Metadata(), meta.MetadataLocation(), s.ioFunc(t.FS), s.cat)
		return newTable(ident, s, t, nil), nil
	}
	loc, paths, err := s.pointerAndPaths(ctx, ident)
	if err != nil {
		return nil, err
	}
	key := tableKey(s, ident, paths)
	c.mu.Lock()
	lt, ok := c.tables[key]
	c.mu.Unlock()
	t := lt.tbl
	if !ok || lt.loc != loc {
		base, err := icebergio.LoadFS(s.ioContext(ctx), s.cfg.Properties, paths.Apply(loc))
		if err != nil {
			return nil, fmt.Errorf("catalog %s: storage for %s: %w", s.cfg.name(), ident, upstream(err))
		}
		mio := &mappedIO{inner: base, paths: paths, cache: c.cache}
		t, err = table.NewFromLocation(ctx, table.Identifier{ident.Schema, ident.Name}, loc, mio.fsF(), s.cat)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: read metadata of %s at %s: %w", s.cfg.name(), ident, loc, upstream(err))
		}
		c.keep(key, t)
	}
	return newTable(ident, s, t, paths), nil
}

// loadedTable is a table's parsed metadata and the file it came from.
type loadedTable struct {
	loc string
	tbl *table.Table
}

// tableKey names a table of a source as the tables cache keys it.
func tableKey(s *source, ident Ident, paths PathMap) string {
	return s.cfg.name() + "\x00" + ident.String() + "\x00" + fmt.Sprint(paths)
}

// keep makes t the table's current parsed metadata, dropping the one
// before it.
func (c *Catalog) keep(key string, t *table.Table) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.tables[key]; !ok && len(c.tables) > 4096 {
		clear(c.tables)
	}
	c.tables[key] = loadedTable{loc: t.MetadataLocation(), tbl: t}
}

// cached keeps one *table.Table per table and metadata location so
// iceberg-go's per-table manifest cache survives between queries.
func (c *Catalog) cached(key string, t *table.Table) *table.Table {
	c.mu.Lock()
	if old, ok := c.tables[key]; ok && old.loc == t.MetadataLocation() {
		c.mu.Unlock()
		return old.tbl
	}
	c.mu.Unlock()
	c.keep(key, t)
	return t
}

// pointerQuery is pointerAndPaths' statement, prepared once (a failed
// prepare is tried again on the next call).
func (s *source) pointerQuery(ctx context.Context) (*sql.Stmt, error) {
	s.pointerMu.Lock()
	defer s.pointerMu.Unlock()
	if s.pointerStmt != nil {
		return s.pointerStmt, nil
	}
	q := fmt.Sprintf(`SELECT t.metadata_location, m.from_prefix, m.to_prefix
		FROM iceberg_tables t LEFT JOIN lakegate_path_mappings m
		  ON m.catalog_name = t.catalog_name AND m.table_namespace = t.table_namespace AND m.table_name = t.table_name
		WHERE t.catalog_name = %s AND t.table_namespace = %s AND t.table_name = %s
		ORDER BY m.ordinal`, s.ph(1), s.ph(2), s.ph(3))
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.pointerStmt = st
	return st, nil
}

// pointerAndPaths reads a table's current metadata location and its path
// mappings in one round trip: this runs for every table of every
// statement, so that a snapshot another engine committed is seen by the
// next statement.
func (s *source) pointerAndPaths(ctx context.Context, ident Ident) (string, PathMap, error) {
	stmt, err := s.pointerQuery(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("catalog %s: metadata pointer of %s: %w", s.cfg.name(), ident, upstream(err))
	}
	rows, err := stmt.QueryContext(ctx, s.cfg.name(), ident.Schema, ident.Name)
	if err != nil {
		return "", nil, fmt.Errorf("catalog %s: metadata pointer of %s: %w", s.cfg.name(), ident, upstream(err))
	}
	defer rows.Close()
	var loc sql.NullString
	var pm PathMap
	found := false
	for rows.Next() {
		var from, to sql.NullString
		if err := rows.Scan(&loc, &from, &to); err != nil {
			return "", nil, fmt.Errorf("catalog %s: metadata pointer of %s: %w", s.cfg.name(), ident, upstream(err))
		}
		found = true
		if from.Valid {
			pm = append(pm, PathMapping{From: from.String, To: to.String})
		}
	}
	if err := rows.Err(); err != nil {
		return "", nil, fmt.Errorf("catalog %s: metadata pointer of %s: %w", s.cfg.name(), ident, upstream(err))
	}
	if !found {
		return "", nil, fmt.Errorf("%w: %s", ErrNoSuchTable, ident)
	}
	if !loc.Valid || loc.String == "" {
		return "", nil, fmt.Errorf("%w: %s (no metadata location)", ErrNoSuchTable, ident)
	}
	return loc.String, pm, nil
}

// Register adds an existing table, written by another engine, under ident
// (Iceberg's register-table). metadataLocation is read through the mappings.
func (c *Catalog) Register(ctx context.Context, ident Ident, metadataLocation string, mappings PathMap) error {
	s := c.sources[0]
	if err := validIdentPart(ident.Schema); err != nil {
		return err
	}
	if err := validIdentPart(ident.Name); err != nil {
		return err
	}
	// Prove the metadata is readable before publishing the table.
	base, err := icebergio.LoadFS(s.ioContext(ctx), s.cfg.Properties, mappings.Apply(metadataLocation))
	if err != nil {
		return fmt.Errorf("catalog: register %s: %w", ident, err)
	}
	mio := &mappedIO{inner: base, paths: mappings, cache: c.cache}
	if _, err := table.NewFromLocation(ctx, table.Identifier{ident.Schema, ident.Name}, metadataLocation, mio.fsF(), s.cat); err != nil {
		return fmt.Errorf("catalog: register %s: read %s: %w", ident, metadataLocation, err)
	}
	if s.db == nil {
		rc, ok := s.cat.(*rest.Catalog)
		if !ok {
			return fmt.Errorf("catalog: register %s: catalog %s cannot register tables", ident, s.cfg.name())
		}
		if len(mappings) > 0 {
			return fmt.Errorf("catalog: register %s: path mappings need a sql catalog", ident)
		}
		if _, err := rc.RegisterTable(ctx, table.Identifier{ident.Schema, ident.Name}, metadataLocation); err != nil {
			return fmt.Errorf("catalog: register %s: %w", ident, err)
		}
		return nil
	}
	if err := c.EnsureSchema(ctx, ident.Schema, nil); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	ph := s.ph
	_, err = tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO iceberg_tables
		(catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
		VALUES (%s, %s, %s, %s, NULL, 'TABLE')`, ph(1), ph(2), ph(3), ph(4)),
		s.cfg.name(), ident.Schema, ident.Name, metadataLocation)
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unique") || strings.Contains(err.Error(), "duplicate") {
			return fmt.Errorf("catalog: register %s: %w", ident, ErrExists)
		}
		return fmt.Errorf("catalog: register %s: %w", ident, err)
	}
	for i, m := range mappings {
		_, err = tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO lakegate_path_mappings
			(catalog_name, table_namespace, table_name, ordinal, from_prefix, to_prefix) VALUES (%s, %s, %s, %s, %s, %s)`,
			ph(1), ph(2), ph(3), ph(4), ph(5), ph(6)), s.cfg.name(), ident.Schema, ident.Name, i, m.From, m.To)
		if err != nil {
			return fmt.Errorf("catalog: register %s: mapping: %w", ident, err)
		}
	}
	return tx.Commit()
}

func validIdentPart(s string) error {
	if s == "" || strings.ContainsAny(s, ".\x00") {
		return fmt.Errorf("catalog: invalid name %q", s)
	}
	return nil
}

// EnsureSchema creates the namespace in the first catalog if it is missing.
func (c *Catalog) EnsureSchema(ctx context.Context, schema string, props map[string]string) error {
	s := c.sources[0]
	ok, err := s.cat.CheckNamespaceExists(ctx, table.Identifier{schema})
	if err != nil {
		return fmt.Errorf("catalog: %w", upstream(err))
	}
	if ok {
		return nil
	}
	err = s.cat.CreateNamespace(ctx, table.Identifier{schema}, props)
	if err != nil && !errors.Is(err, icecat.ErrNamespaceAlreadyExists) {
		return fmt.Errorf("catalog: create schema %s: %w", schema, err)
	}
	return nil
}

// TableSpec describes a table to create.
type TableSpec struct {
	Schema     *iceberg.Schema
	Partition  []iceberg.PartitionField
	Properties map[string]string
}

// CreateTable creates an empty table in the first catalog.
func (c *Catalog) CreateTable(ctx context.Context, ident Ident, spec TableSpec) error {
	s := c.sources[0]
	if err := c.EnsureSchema(ctx, ident.Schema, nil); err != nil {
		return err
	}
	ps := iceberg.NewPartitionSpec(spec.Partition...)
	props := iceberg.Properties{"format-version": "2"}
	for k, v := range spec.Properties {
		props[k] = v
	}
	_, err := s.cat.CreateTable(ctx, table.Identifier{ident.Schema, ident.Name}, spec.Schema,
		icecat.WithPartitionSpec(&ps), icecat.WithProperties(props))
	if errors.Is(err, icecat.ErrTableAlreadyExists) {
		return fmt.Errorf("catalog: create %s: %w", ident, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("catalog: create %s: %w", ident, upstream(err))
	}
	return nil
}

// Append commits the reader's rows to the table as one snapshot.
func (c *Catalog) Append(ctx context.Context, ident Ident, rdr array.RecordReader) error {
	s := c.sources[0]
	t, err := s.cat.LoadTable(ctx, table.Identifier{ident.Schema, ident.Name})
	if err != nil {
		return fmt.Errorf("catalog: load %s: %w", ident, err)
	}
	if _, err := t.Append(ctx, rdr, nil); err != nil {
		return fmt.Errorf("catalog: append to %s: %w", ident, err)
	}
	return nil
}

// DropTable removes a table from the first catalog (files are kept).
func (c *Catalog) DropTable(ctx context.Context, ident Ident) error {
	s := c.sources[0]
	if err := s.cat.DropTable(ctx, table.Identifier{ident.Schema, ident.Name}); err != nil {
		return fmt.Errorf("catalog: drop %s: %w", ident, err)
	}
	return nil
}
