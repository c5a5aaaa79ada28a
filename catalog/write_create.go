package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/apache/iceberg-go"
	icecat "github.com/apache/iceberg-go/catalog"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"
)

// CreateNative creates an empty native table (CREATE TABLE): the namespace
// is created if missing, with nsProps; the table gets spec.Properties (the
// planner puts owner-domain there) on top of lakegate's defaults (format
// version 2, zstd Parquet). ErrExists if the name is taken.
func (c *Catalog) CreateNative(ctx context.Context, ident Ident, spec TableSpec, nsProps map[string]string) error {
	if err := validIdentPart(ident.Schema); err != nil {
		return err
	}
	if err := validIdentPart(ident.Name); err != nil {
		return err
	}
	if err := c.EnsureSchema(ctx, ident.Schema, nsProps); err != nil {
		return err
	}
	err := c.CreateTable(ctx, ident, TableSpec{Schema: spec.Schema, Partition: spec.Partition, Properties: nativeProps(spec.Properties)})
	c.countCommit(err)
	return err
}

// nativeProps puts the table's own properties over lakegate's defaults:
// format version 2, zstd Parquet at level 1, and appends that merge
// manifests (commit.manifest-merge.enabled, Java's default; iceberg-go's is
// off). Without merging, every append adds a manifest for good: after a few
// hundred small commits, each plan and each commit reads hundreds of
// one-file manifests. With it, an append past
// commit.manifest.min-count-to-merge (100) manifests folds them into few (up
// to commit.manifest.target-size-bytes, 8 MB, each).
//
// The zstd level is PyIceberg's (it leaves the level to pyarrow, whose
// default is Arrow's zstd level 1; Spark's parquet-java uses 3): it is a
// property of the table, so every writer, lakegate's two and other
// engines, compresses at it unless the owner sets another. DuckDB's
// writer spends about a fifth less CPU at level 1 than at 3 for files about
// 30% larger (BENCHMARKS.md, COPY FROM STDIN).
func nativeProps(p map[string]string) map[string]string {
	out := map[string]string{"format-version": "2", table.ParquetCompressionKey: "zstd",
		table.ParquetCompressionLevelKey: "1", table.ManifestMergeEnabledKey: "true"}
	for k, v := range p {
		out[k] = v
	}
	return out
}

// pendingCreate is the table a CREATE TABLE ... AS statement is filling: it
// exists only in memory (and as staged files under its location) until
// CommitCreate publishes it.
type pendingCreate struct {
	src      *source
	ident    Ident
	base     table.Metadata
	metaLoc  string
	ioProps  map[string]string
	location string
}

// PrepareCreate returns a table that is not in the catalog yet: files can
// be staged into it (Stage), and CommitCreate then publishes it with those
// files as its first snapshot in one catalog operation, so that no reader
// ever sees it empty or half-filled, and a statement that fails leaves no
// table behind. ErrExists if the name is taken now (CommitCreate checks
// again). Needs a SQL catalog.
func (c *Catalog) PrepareCreate(ctx context.Context, ident Ident, spec TableSpec, nsProps map[string]string) (*Table, error) {
	s := c.sources[0]
	if s.db == nil {
		return nil, fmt.Errorf("%w: CREATE TABLE ... AS needs a SQL catalog (catalog %s is %s)", ErrUnsupported, s.cfg.name(), s.cfg.kind())
	}
	if err := validIdentPart(ident.Schema); err != nil {
		return nil, err
	}
	if err := validIdentPart(ident.Name); err != nil {
		return nil, err
	}
	if _, err := c.LoadTable(ctx, ident); err == nil {
		return nil, fmt.Errorf("catalog: create %s: %w", ident, ErrExists)
	} else if !errors.Is(err, ErrNoSuchTable) {
		return nil, err
	}
	if err := c.EnsureSchema(ctx, ident.Schema, nsProps); err != nil {
		return nil, err
	}
	loc, err := s.defaultLocation(ctx, ident)
	if err != nil {
		return nil, err
	}
	props := iceberg.Properties(nativeProps(spec.Properties))
	ps := iceberg.NewPartitionSpec(spec.Partition...)
	meta, err := table.NewMetadata(spec.Schema, &ps, table.UnsortedSortOrder, loc, props)
	if err != nil {
		return nil, fmt.Errorf("catalog: create %s: %w", ident, err)
	}
	metaLoc := loc + "/metadata/00000-" + uuid.NewString() + ".metadata.json"
	ioProps := map[string]string{}
	for k, v := range s.cfg.Properties {
		ioProps[k] = v
	}
	pc := &pendingCreate{src: s, ident: ident, base: meta, metaLoc: metaLoc, ioProps: ioProps, location: loc}
	tbl := table.New(table.Identifier{ident.Schema, ident.Name}, meta, metaLoc, icebergio.LoadFSFunc(ioProps, metaLoc), pc)
	return &Table{Ident: ident, MetadataLocation: metaLoc, src: s, tbl: tbl, pending: pc}, nil
}

// defaultLocation is where the SQL catalog would put a new table: under the
// namespace's location property, else <warehouse>/<namespace>.db/<table>.
func (s *source) defaultLocation(ctx context.Context, ident Ident) (string, error) {
	nsProps, err := s.cat.LoadNamespaceProperties(ctx, table.Identifier{ident.Schema})
	if err != nil {
		return "", fmt.Errorf("catalog: create %s: %w: %w", ident, ErrUpstream, err)
	}
	if loc := nsProps["location"]; loc != "" {
		return url.JoinPath(loc, ident.Name)
	}
	wh := s.cfg.Warehouse
	if wh == "" {
		wh = s.cfg.Properties["warehouse"]
	}
	if wh == "" {
		return "", fmt.Errorf("catalog: create %s: catalog %s has no warehouse location", ident, s.cfg.name())
	}
	return url.JoinPath(wh, ident.Schema+".db", ident.Name)
}

// CommitCreate publishes a table from PrepareCreate, with the staged files
// (nil for none) as its first snapshot: the metadata file is written, then
// one INSERT into the catalog's table list makes it visible. ErrExists if
// someone created the name meanwhile. On failure the staged files are
// discarded.
func (c *Catalog) CommitCreate(ctx context.Context, t *Table, st *Staged, info CommitInfo) error {
	pc := t.pending
	if pc == nil {
		st.Discard()
		return fmt.Errorf("catalog: create %s: not a pending table", t.Ident)
	}
	if st == nil || len(st.files) == 0 {
		_, _, err := pc.CommitTable(ctx, table.Identifier{t.Ident.Schema, t.Ident.Name}, nil, nil)
		c.countCommit(err)
		return err
	}
	tx := t.tbl.NewTransaction()
	if err := tx.AddDataFiles(ctx, st.files, info.props(st.id.String()), table.WithoutDuplicateCheck()); err != nil {
		st.Discard()
		return fmt.Errorf("catalog: create %s: %w: %w", t.Ident, ErrUpstream, err)
	}
	_, err := tx.Commit(ctx)
	c.countCommit(err)
	if err != nil {
		st.Discard()
		if errors.Is(err, ErrUpstream) || errors.Is(err, ErrExists) {
			return err
		}
		return fmt.Errorf("catalog: create %s: %w: %w", t.Ident, ErrUpstream, err)
	}
	return nil
}

// LoadTable implements table.CatalogIO for the pending table.
func (pc *pendingCreate) LoadTable(ctx context.Context, _ table.Identifier) (*table.Table, error) {
	return nil, fmt.Errorf("catalog: %s is being created: %w", pc.ident, ErrNoSuchTable)
}

// CommitTable implements table.CatalogIO: the transaction of a pending
// table commits here, exactly once.
func (pc *pendingCreate) CommitTable(ctx context.Context, _ table.Identifier, reqs []table.Requirement, updates []table.Update) (table.Metadata, string, error) {
	for _, r := range reqs {
		if err := r.Validate(pc.base); err != nil {
			return nil, "", fmt.Errorf("catalog: create %s: %w", pc.ident, err)
		}
	}
	meta := pc.base
	if len(updates) > 0 {
		var err error
		if meta, err = table.UpdateTableMetadata(pc.base, updates, ""); err != nil {
			return nil, "", fmt.Errorf("catalog: create %s: %w", pc.ident, err)
		}
	}
	data, err := json.Marshal(meta)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: create %s: encode metadata: %w", pc.ident, err)
	}
	fsys, err := icebergio.LoadFS(ctx, pc.ioProps, pc.metaLoc)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: create %s: %w: %w", pc.ident, ErrUpstream, err)
	}
	wfs, ok := fsys.(icebergio.WriteFileIO)
	if !ok {
		return nil, "", fmt.Errorf("catalog: create %s: %w: storage is read-only", pc.ident, ErrUpstream)
	}
	if err := wfs.WriteFile(pc.metaLoc, data); err != nil {
		return nil, "", fmt.Errorf("catalog: create %s: write metadata: %w: %w", pc.ident, ErrUpstream, err)
	}
	s := pc.src
	_, err = s.db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO iceberg_tables
		(catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
		VALUES (%s, %s, %s, %s, NULL, 'TABLE')`, s.ph(1), s.ph(2), s.ph(3), s.ph(4)),
		s.cfg.name(), pc.ident.Schema, pc.ident.Name, pc.metaLoc)
	if err != nil {
		_ = fsys.Remove(pc.metaLoc)
		low := strings.ToLower(err.Error())
		if strings.Contains(low, "unique") || strings.Contains(low, "duplicate") {
			return nil, "", fmt.Errorf("catalog: create %s: %w", pc.ident, ErrExists)
		}
		return nil, "", fmt.Errorf("catalog: create %s: %w: %w", pc.ident, ErrUpstream, err)
	}
	return meta, pc.metaLoc, nil
}

// DropNative removes a table from the catalog. Its files stay where they
// are (like Iceberg's DROP TABLE without PURGE): readers that pinned a
// snapshot before the drop can finish.
func (c *Catalog) DropNative(ctx context.Context, ident Ident) error {
	unlock, err := c.LockTable(ctx, ident)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := c.LoadTable(ctx, ident)
	if err != nil {
		return err
	}
	if err := t.writable(); err != nil {
		return err
	}
	if err := t.src.cat.DropTable(ctx, table.Identifier{ident.Schema, ident.Name}); err != nil {
		if errors.Is(err, icecat.ErrNoSuchTable) {
			return fmt.Errorf("%w: %s", ErrNoSuchTable, ident)
		}
		return fmt.Errorf("catalog: drop %s: %w: %w", ident, ErrUpstream, err)
	}
	return nil
}
