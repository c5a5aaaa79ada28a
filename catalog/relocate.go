package catalog

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/twmb/avro"
	"github.com/twmb/avro/ocf"
)

// Relocation. A SQLite catalog next to a local warehouse (the demo's data
// dir: DIR/catalog.db and DIR/warehouse) travels with it when the directory
// is copied or moved, but Iceberg stores absolute locations: the catalog's
// metadata pointers, the table location, manifest lists, manifests and data
// file paths all name the directory the tables were written in. A copy
// served as it is reads the original's files and commits into the
// original's metadata directory.
//
// So the catalog records the warehouse its tables were written for
// (lakegate_warehouse_root). Open refuses a catalog whose recorded warehouse
// is another directory than the configured one (RelocatedError), and
// Relocate rewrites a copy's tables to its own warehouse: new metadata
// files, manifest lists and manifests with rewritten locations, written
// beside the copy's old ones, then every catalog pointer swapped in one
// transaction. Relocate reads only the copy; nothing under the recorded
// warehouse is opened, so the original may be gone, or in use.

// ErrRelocated is wrapped by RelocatedError.
var ErrRelocated = errors.New("catalog was copied or moved from another warehouse")

// RelocatedError is a catalog whose tables were written for another
// warehouse directory than the one it is configured with.
type RelocatedError struct {
	Catalog    string
	Recorded   string // the warehouse directory the tables' locations name
	Configured string // the warehouse directory the catalog is configured with
}

func (e *RelocatedError) Error() string {
	return fmt.Sprintf("catalog %s was copied or moved: its tables are in the warehouse %s, not in the configured warehouse %s, "+
		"and serving it would read and write the files under %s; relocate it to rewrite its tables to %s (nothing under %s is read or changed)",
		e.Catalog, e.Recorded, e.Configured, e.Recorded, e.Configured, e.Recorded)
}

func (e *RelocatedError) Unwrap() error { return ErrRelocated }

// warehouse is the configured root location for new tables.
func (c Config) warehouse() string {
	if c.Warehouse != "" {
		return c.Warehouse
	}
	return c.Properties["warehouse"]
}

// travellingRoot is the local directory of the warehouse when the catalog
// is a SQLite file that moves with it, "" for every other catalog (a
// PostgreSQL or REST catalog stays where it is; object storage does not
// move with a directory).
func (c Config) travellingRoot() string {
	if c.kind() != "sql" || !strings.HasPrefix(c.URI, "sqlite://") {
		return ""
	}
	wh := c.warehouse()
	if !strings.HasPrefix(wh, "file:") && !filepath.IsAbs(wh) {
		return ""
	}
	root := toLocal(wh)
	if root == "/" || root == "." {
		return ""
	}
	return root
}

// within reports whether local path p is dir or inside it.
func within(p, dir string) bool {
	p, dir = filepath.Clean(p), filepath.Clean(dir)
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// sameDir reports whether a and b name one directory (another spelling of
// the path, a symlink); false when either does not exist.
func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(sa, sb)
}

const rootTableDDL = `CREATE TABLE IF NOT EXISTS lakegate_warehouse_root (
	catalog_name VARCHAR(255) NOT NULL PRIMARY KEY,
	warehouse VARCHAR(4000) NOT NULL)`

// checkRoot records the warehouse a travelling catalog's tables are written
// for, on its first open, and refuses a catalog that was copied or moved
// away from it.
func (s *source) checkRoot(ctx context.Context) error {
	root := s.cfg.travellingRoot()
	if root == "" {
		return nil
	}
	recorded, err := recordRoot(ctx, s.db, s.cfg, root)
	if err != nil {
		return err
	}
	if !sameDir(recorded, root) {
		return &RelocatedError{Catalog: s.cfg.name(), Recorded: recorded, Configured: root}
	}
	return nil
}

// recordRoot returns the recorded warehouse of cfg's catalog, recording it
// first if the catalog has no record: a catalog made before the record
// existed is judged by where its tables are (inferRoot), a new one gets
// root.
func recordRoot(ctx context.Context, db *sql.DB, cfg Config, root string) (string, error) {
	if _, err := db.ExecContext(ctx, rootTableDDL); err != nil {
		// A catalog that cannot be written (a read-only file) is judged by
		// where its tables are, without a record.
		return inferRoot(ctx, db, cfg.name(), root)
	}
	rec, err := readRoot(ctx, db, cfg.name())
	if err != nil || rec != "" {
		return rec, err
	}
	rec, err = inferRoot(ctx, db, cfg.name(), root)
	if err != nil {
		return "", err
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO lakegate_warehouse_root (catalog_name, warehouse) VALUES (?, ?)
		ON CONFLICT (catalog_name) DO NOTHING`, cfg.name(), rec); err != nil {
		return rec, nil // read-only: as above
	}
	return readRoot(ctx, db, cfg.name())
}

func readRoot(ctx context.Context, db *sql.DB, catalogName string) (string, error) {
	var rec string
	err := db.QueryRowContext(ctx, `SELECT warehouse FROM lakegate_warehouse_root WHERE catalog_name = ?`, catalogName).Scan(&rec)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("catalog %s: read recorded warehouse: %w: %w", catalogName, ErrUpstream, err)
	}
	return rec, nil
}

// inferRoot finds the warehouse of a catalog that has no record: a table
// this catalog created lives at <warehouse>/<namespace>.db/<table>, so such
// a table outside root names the warehouse the catalog was written for.
// Tables registered from elsewhere do not have that shape and are ignored.
func inferRoot(ctx context.Context, db *sql.DB, catalogName, root string) (string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_namespace, table_name, metadata_location FROM iceberg_tables WHERE catalog_name = ?`, catalogName)
	if err != nil {
		return "", fmt.Errorf("catalog %s: list tables: %w: %w", catalogName, ErrUpstream, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ns, name string
		var loc sql.NullString
		if err := rows.Scan(&ns, &name, &loc); err != nil {
			return "", fmt.Errorf("catalog %s: list tables: %w: %w", catalogName, ErrUpstream, err)
		}
		if !loc.Valid || !(strings.HasPrefix(loc.String, "file:") || filepath.IsAbs(loc.String)) {
			continue
		}
		meta := filepath.Dir(toLocal(loc.String))
		tdir := filepath.Dir(meta)
		if filepath.Base(meta) != "metadata" || filepath.Base(tdir) != name || filepath.Base(filepath.Dir(tdir)) != ns+".db" {
			continue
		}
		if wh := filepath.Dir(filepath.Dir(tdir)); !sameDir(wh, root) {
			return wh, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("catalog %s: list tables: %w: %w", catalogName, ErrUpstream, err)
	}
	return root, nil
}

// RelocateReport says what Relocate did.
type RelocateReport struct {
	From, To string  // warehouse directories
	Tables   []Ident // rewritten to To
	Kept     []Ident // stored outside From (registered from elsewhere): unchanged
	// Changed is false when the catalog already was where it was written.
	Changed bool
}

// Relocate rewrites a copied or moved SQLite catalog's tables from the
// warehouse they were written in to the configured one: for each table
// under the recorded warehouse, its current metadata, every snapshot's
// manifest list and every manifest are written anew beside the copy's files
// with their locations rewritten, the files they name are checked to exist
// in the copy, and then all catalog pointers, namespace locations, path
// mappings and the recorded warehouse change in one transaction. Nothing
// under the recorded warehouse is read or written. The old metadata log is
// not carried over (those files still name the old warehouse), so the
// relocated metadata starts a new log; snapshots are all kept. A table with
// position-delete files or deletion vectors (they name data files by
// absolute path inside Parquet or Puffin files) is refused, and then nothing
// changes. Relocating a catalog that is where it was written is a no-op.
func Relocate(ctx context.Context, cfg Config) (RelocateReport, error) {
	root := cfg.travellingRoot()
	if root == "" {
		return RelocateReport{}, fmt.Errorf("catalog %s: relocate needs a sqlite catalog with a local warehouse", cfg.name())
	}
	driver, dsn, err := cfg.sqlDriver()
	if err != nil {
		return RelocateReport{}, err
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return RelocateReport{}, fmt.Errorf("catalog %s: open %s: %w", cfg.name(), driver, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	recorded, err := recordRoot(ctx, db, cfg, root)
	if err != nil {
		return RelocateReport{}, err
	}
	rep := RelocateReport{From: recorded, To: root}
	if sameDir(recorded, root) {
		return rep, nil
	}
	if within(root, recorded) || within(recorded, root) {
		return rep, fmt.Errorf("catalog %s: cannot relocate between nested warehouses %s and %s", cfg.name(), recorded, root)
	}
	r := &relocator{from: filepath.Clean(recorded), to: root, run: uuid.NewString()[:8]}
	ok := false
	defer func() {
		if !ok {
			r.removeWritten()
		}
	}()

	type tableRow struct {
		ident      Ident
		loc, moved string
	}
	var tables []tableRow
	rows, err := db.QueryContext(ctx, `SELECT table_namespace, table_name, metadata_location FROM iceberg_tables WHERE catalog_name = ?`, cfg.name())
	if err != nil {
		return rep, fmt.Errorf("catalog %s: list tables: %w", cfg.name(), err)
	}
	for rows.Next() {
		var tr tableRow
		var loc sql.NullString
		if err := rows.Scan(&tr.ident.Schema, &tr.ident.Name, &loc); err != nil {
			rows.Close()
			return rep, fmt.Errorf("catalog %s: list tables: %w", cfg.name(), err)
		}
		tr.loc = loc.String
		tables = append(tables, tr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("catalog %s: list tables: %w", cfg.name(), err)
	}
	for i := range tables {
		tr := &tables[i]
		if _, under := r.mapLoc(tr.loc); !under {
			rep.Kept = append(rep.Kept, tr.ident)
			continue
		}
		if tr.moved, err = r.relocateTable(tr.loc); err != nil {
			return rep, fmt.Errorf("catalog %s: relocate %s: %w", cfg.name(), tr.ident, err)
		}
		rep.Tables = append(rep.Tables, tr.ident)
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback() //nolint:errcheck
	for _, tr := range tables {
		if tr.moved == "" {
			continue
		}
		res, err := tx.ExecContext(ctx, `UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = NULL
			WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?`,
			tr.moved, cfg.name(), tr.ident.Schema, tr.ident.Name, tr.loc)
		if err != nil {
			return rep, fmt.Errorf("catalog %s: relocate %s: %w", cfg.name(), tr.ident, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return rep, fmt.Errorf("catalog %s: relocate %s: the table changed during the relocation", cfg.name(), tr.ident)
		}
	}
	if err := r.rewriteColumn(ctx, tx, cfg.name(), "iceberg_namespace_properties", "property_value",
		"namespace", "property_key"); err != nil {
		return rep, err
	}
	for _, col := range []string{"from_prefix", "to_prefix"} {
		if err := r.rewriteColumn(ctx, tx, cfg.name(), "lakegate_path_mappings", col,
			"table_namespace", "table_name", "ordinal"); err != nil {
			return rep, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE lakegate_warehouse_root SET warehouse = ? WHERE catalog_name = ?`, root, cfg.name()); err != nil {
		return rep, fmt.Errorf("catalog %s: record warehouse: %w", cfg.name(), err)
	}
	if err := tx.Commit(); err != nil {
		return rep, fmt.Errorf("catalog %s: relocate: %w", cfg.name(), err)
	}
	ok = true
	rep.Changed = true
	return rep, nil
}

// rewriteColumn maps the locations stored in one column of a catalog table
// (rows keyed by catalog_name and keys).
func (r *relocator) rewriteColumn(ctx context.Context, tx *sql.Tx, catalogName, tbl, col string, keys ...string) error {
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, tbl).Scan(&exists); err != nil || exists == 0 {
		return err
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT %s, %s FROM %s WHERE catalog_name = ?`, col, strings.Join(keys, ", "), tbl), catalogName)
	if err != nil {
		return fmt.Errorf("catalog %s: relocate %s: %w", catalogName, tbl, err)
	}
	type change struct {
		val  string
		keys []any
	}
	var changes []change
	for rows.Next() {
		var val sql.NullString
		kv := make([]any, len(keys))
		dest := []any{&val}
		for i := range kv {
			dest = append(dest, &kv[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return fmt.Errorf("catalog %s: relocate %s: %w", catalogName, tbl, err)
		}
		if moved, under := r.mapLoc(val.String); val.Valid && under {
			changes = append(changes, change{val: moved, keys: kv})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalog %s: relocate %s: %w", catalogName, tbl, err)
	}
	where := make([]string, len(keys))
	for i, k := range keys {
		where[i] = k + " = ?"
	}
	q := fmt.Sprintf(`UPDATE %s SET %s = ? WHERE catalog_name = ? AND %s`, tbl, col, strings.Join(where, " AND "))
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, q, append([]any{c.val, catalogName}, c.keys...)...); err != nil {
			return fmt.Errorf("catalog %s: relocate %s: %w", catalogName, tbl, err)
		}
	}
	return nil
}

// relocator rewrites one catalog's files from the warehouse directory from
// to the directory to (both local, clean).
type relocator struct {
	from, to string
	run      string // names this run's files
	// manifests maps a manifest's old location to its rewritten copy.
	manifests map[string]rewrittenManifest
	// lists maps a manifest list's old location to its rewritten copy
	// (tables registered twice share them).
	lists   map[string]string
	written []string // local files created by this run
}

type rewrittenManifest struct {
	path   string
	length int64
}

// mapLoc rewrites a location under r.from to the same place under r.to,
// keeping its form (file:///x, file:/x or /x); under reports whether it was
// under r.from.
func (r *relocator) mapLoc(s string) (moved string, under bool) {
	for _, form := range []string{"file://", "file:", ""} {
		p := form + r.from
		if s == p || strings.HasPrefix(s, p+"/") {
			return form + r.to + s[len(p):], true
		}
	}
	return s, false
}

// read reads a file of the copy: loc mapped to r.to. It never opens
// anything under r.from.
func (r *relocator) read(loc string) ([]byte, error) {
	moved, _ := r.mapLoc(loc)
	p := toLocal(moved)
	if strings.Contains(p, "://") {
		return nil, fmt.Errorf("%s is not on the local filesystem", loc)
	}
	if within(p, r.from) {
		return nil, fmt.Errorf("refusing to read %s in the original warehouse", p)
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the copy has no %s (copy the whole data directory)", p)
	}
	return data, err
}

// create writes a new file of the copy next to the file at loc, named after
// it, and returns its location in loc's form.
func (r *relocator) create(loc, suffix string, data []byte) (string, error) {
	moved, _ := r.mapLoc(loc)
	p := toLocal(moved)
	if within(p, r.from) || !within(p, r.to) {
		return "", fmt.Errorf("refusing to write %s outside the warehouse %s", p, r.to)
	}
	dir, base := filepath.Split(p)
	name := strings.TrimSuffix(base, suffix) + "-relocated-" + r.run + suffix
	if suffix == ".metadata.json" {
		name = fmt.Sprintf("%05d-%s.metadata.json", metadataVersion(base)+1, uuid.NewString())
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	r.written = append(r.written, f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return moved[:strings.LastIndex(moved, "/")+1] + name, nil
}

func (r *relocator) removeWritten() {
	for _, p := range r.written {
		_ = os.Remove(p)
	}
	r.written = nil
}

// metadataVersion is N of a metadata file named N-<uuid>.metadata.json or
// vN.metadata.json, 0 otherwise.
func metadataVersion(base string) int {
	head, _, _ := strings.Cut(base, "-")
	head = strings.TrimPrefix(strings.TrimSuffix(head, ".metadata.json"), "v")
	n, err := strconv.Atoi(head)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// relocateTable writes the rewritten metadata of the table whose current
// metadata is at loc and returns the new metadata location.
func (r *relocator) relocateTable(loc string) (string, error) {
	data, err := r.read(loc)
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(loc, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return "", fmt.Errorf("metadata %s: %w", loc, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			return "", fmt.Errorf("metadata %s: %w", loc, err)
		}
		loc = strings.TrimSuffix(loc, ".gz")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // snapshot ids and sequence numbers stay exactly as written
	var meta map[string]any
	if err := dec.Decode(&meta); err != nil {
		return "", fmt.Errorf("metadata %s: %w", loc, err)
	}
	snaps, _ := meta["snapshots"].([]any)
	for _, sv := range snaps {
		snap, ok := sv.(map[string]any)
		if !ok {
			continue
		}
		if ml, ok := snap["manifest-list"].(string); ok {
			if snap["manifest-list"], err = r.rewriteManifestList(ml); err != nil {
				return "", err
			}
		}
		if ms, ok := snap["manifests"].([]any); ok { // format v1 without manifest lists
			for i, mv := range ms {
				if mp, ok := mv.(string); ok {
					out, err := r.rewriteManifest(mp)
					if err != nil {
						return "", err
					}
					ms[i] = out.path
				}
			}
		}
	}
	// Earlier metadata files still name the old warehouse: the relocated
	// table starts a new log rather than point back into it.
	if _, ok := meta["metadata-log"]; ok {
		meta["metadata-log"] = []any{}
	}
	r.rewriteValue(meta)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(meta); err != nil {
		return "", fmt.Errorf("metadata %s: %w", loc, err)
	}
	return r.create(loc, ".metadata.json", buf.Bytes())
}

// rewriteValue maps every location under r.from in a decoded JSON or Avro
// value, in place where it can, and returns the value.
func (r *relocator) rewriteValue(v any) any {
	switch x := v.(type) {
	case string:
		s, _ := r.mapLoc(x)
		return s
	case []any:
		for i := range x {
			x[i] = r.rewriteValue(x[i])
		}
		return x
	case map[string]any:
		for k, e := range x {
			x[k] = r.rewriteValue(e)
		}
		return x
	}
	return v
}

func (r *relocator) rewriteManifestList(loc string) (string, error) {
	if out, ok := r.lists[loc]; ok {
		return out, nil
	}
	recs, hdr, err := r.readAvro(loc)
	if err != nil {
		return "", err
	}
	for _, rv := range recs {
		rec, ok := rv.(map[string]any)
		if !ok {
			return "", fmt.Errorf("manifest list %s: unexpected record %T", loc, rv)
		}
		mp, ok := rec["manifest_path"].(string)
		if !ok {
			return "", fmt.Errorf("manifest list %s: entry without manifest_path", loc)
		}
		out, err := r.rewriteManifest(mp)
		if err != nil {
			return "", err
		}
		rec["manifest_path"] = out.path
		if _, ok := rec["manifest_length"]; ok {
			rec["manifest_length"] = out.length
		}
		r.rewriteValue(rec)
	}
	data, err := writeAvro(hdr, recs)
	if err != nil {
		return "", fmt.Errorf("manifest list %s: %w", loc, err)
	}
	out, err := r.create(loc, ".avro", data)
	if err != nil {
		return "", err
	}
	if r.lists == nil {
		r.lists = map[string]string{}
	}
	r.lists[loc] = out
	return out, nil
}

func (r *relocator) rewriteManifest(loc string) (rewrittenManifest, error) {
	if out, ok := r.manifests[loc]; ok {
		return out, nil
	}
	recs, hdr, err := r.readAvro(loc)
	if err != nil {
		return rewrittenManifest{}, err
	}
	for _, rv := range recs {
		rec, ok := rv.(map[string]any)
		if !ok {
			return rewrittenManifest{}, fmt.Errorf("manifest %s: unexpected record %T", loc, rv)
		}
		df, ok := rec["data_file"].(map[string]any)
		if !ok {
			return rewrittenManifest{}, fmt.Errorf("manifest %s: entry without data_file", loc)
		}
		live := intValue(rec["status"]) != 2 // 2: DELETED
		if live && intValue(df["content"]) == 1 {
			return rewrittenManifest{}, fmt.Errorf("%w: position-delete files and deletion vectors name data files by absolute path "+
				"inside the files themselves, and relocation does not rewrite them (compact the table first)", ErrUnsupported)
		}
		r.rewriteValue(rec)
		if fp, ok := df["file_path"].(string); ok && live {
			if p := toLocal(fp); within(p, r.to) {
				if _, err := os.Stat(p); err != nil {
					return rewrittenManifest{}, fmt.Errorf("the copy has no %s (copy the whole data directory): %w", p, err)
				}
			}
		}
	}
	data, err := writeAvro(hdr, recs)
	if err != nil {
		return rewrittenManifest{}, fmt.Errorf("manifest %s: %w", loc, err)
	}
	path, err := r.create(loc, ".avro", data)
	if err != nil {
		return rewrittenManifest{}, err
	}
	out := rewrittenManifest{path: path, length: int64(len(data))}
	if r.manifests == nil {
		r.manifests = map[string]rewrittenManifest{}
	}
	r.manifests[loc] = out
	return out, nil
}

func intValue(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	}
	return -1
}

// avroHeader is what an Avro object container file carries besides its
// records: the writer schema (kept byte for byte, with Iceberg's field ids)
// and the metadata (Iceberg's schema, partition spec, format version...).
type avroHeader struct {
	schema *avro.Schema
	meta   map[string][]byte
}

func (r *relocator) readAvro(loc string) ([]any, avroHeader, error) {
	data, err := r.read(loc)
	if err != nil {
		return nil, avroHeader{}, err
	}
	recs, hdr, err := decodeAvro(data)
	if err != nil {
		return nil, avroHeader{}, fmt.Errorf("%s: %w", loc, err)
	}
	return recs, hdr, nil
}

func decodeAvro(data []byte) ([]any, avroHeader, error) {
	rd, err := ocf.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, avroHeader{}, err
	}
	defer rd.Close()
	var recs []any
	for {
		var v any
		err := rd.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, avroHeader{}, err
		}
		recs = append(recs, v)
	}
	meta := map[string][]byte{}
	for k, v := range rd.Metadata() {
		meta[k] = bytes.Clone(v)
	}
	return recs, avroHeader{schema: rd.Schema(), meta: meta}, nil
}

// writeAvro encodes recs with the header of the file they came from, then
// decodes the result and compares: a value that did not survive the round
// trip exactly fails the relocation instead of corrupting a manifest.
func writeAvro(hdr avroHeader, recs []any) ([]byte, error) {
	md := map[string][]byte{}
	for k, v := range hdr.meta {
		if !strings.HasPrefix(k, "avro.") {
			md[k] = v
		}
	}
	opts := []ocf.WriterOpt{ocf.WithMetadata(md), ocf.WithCodec(ocf.DeflateCodec(-1))}
	if s := hdr.meta["avro.schema"]; len(s) > 0 {
		opts = append(opts, ocf.WithSchema(string(s)))
	}
	var buf bytes.Buffer
	w, err := ocf.NewWriter(&buf, hdr.schema, opts...)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		if err := w.Encode(rec); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	back, _, err := decodeAvro(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("re-read: %w", err)
	}
	if len(back) != len(recs) || (len(recs) > 0 && !reflect.DeepEqual(back, recs)) {
		return nil, errors.New("records changed in the rewrite")
	}
	return buf.Bytes(), nil
}

// travellingRoot is the warehouse directory of t's catalog when that
// catalog travels with it (see Config.travellingRoot), "" otherwise.
func (t *Table) travellingRoot() string {
	if t.src == nil || t.src.db == nil {
		return ""
	}
	return t.src.cfg.travellingRoot()
}
