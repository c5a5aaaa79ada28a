package catalog

import (
	"bytes"
	"context"
	"fmt"
	iofs "io/fs"
	"math"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/internal/lru"
)

// PathMapping rewrites a location prefix to another, for tables whose files
// moved after they were written (Iceberg readers call this "allow moved
// paths").
type PathMapping struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// PathMap is an ordered list of mappings; the first matching prefix wins.
type PathMap []PathMapping

// Apply maps p through the first matching prefix.
func (m PathMap) Apply(p string) string {
	for _, pm := range m {
		if strings.HasPrefix(p, pm.From) {
			return pm.To + p[len(pm.From):]
		}
	}
	return p
}

// Aliases are the other locations that map to the same place as p: for
// each mapping whose target p's mapped form starts with, its source
// prefix in front of the rest (nil without mappings).
func (m PathMap) Aliases(p string) []string {
	if len(m) == 0 {
		return nil
	}
	mapped := m.Apply(p)
	var out []string
	for _, pm := range m {
		if !strings.HasPrefix(mapped, pm.To) {
			continue
		}
		alias := pm.From + mapped[len(pm.To):]
		if alias != p && m.Apply(alias) == mapped && !slices.Contains(out, alias) {
			out = append(out, alias)
		}
	}
	return out
}

// LocalPath maps p and turns a file:// URI into a plain filesystem path,
// the form the execution engine reports for the files it reads.
func (m PathMap) LocalPath(p string) string {
	return toLocal(m.Apply(p))
}

func toLocal(p string) string {
	if strings.HasPrefix(p, "file:") {
		if u, err := url.Parse(p); err == nil && u.Path != "" {
			return filepath.Clean(u.Path)
		}
		return strings.TrimPrefix(strings.TrimPrefix(p, "file:"), "//")
	}
	if strings.Contains(p, "://") {
		return p
	}
	return filepath.Clean(p)
}

// metadataCache keeps the bytes of manifest lists and manifests by
// location, least recently used first out (table metadata is kept parsed
// instead, by the catalog).
// A file larger than a quarter of the bound is not kept.
type metadataCache struct{ files *lru.Cache[[]byte] }

func newMetadataCache(maxBytes int64) *metadataCache {
	return &metadataCache{files: lru.New[[]byte](maxBytes)}
}

// A nil *metadataCache caches nothing (uncachedIO).
func (c *metadataCache) get(path string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	return c.files.Get(path)
}

func (c *metadataCache) drop(path string) { c.files.Delete(path) }

func (c *metadataCache) put(path string, data []byte) {
	if c == nil {
		return
	}
	if int64(len(data)) <= c.files.Max()/4 {
		c.files.Put(path, data, int64(len(data)))
	}
}

// Stats reports cache hits and misses since start.
func (c *metadataCache) Stats() (hits, misses int64) {
	st := c.files.Stats()
	return st.Hits, st.Misses
}

// mappedIO is the FileIO lakegate gives iceberg-go: it applies a table's
// path mappings and serves immutable metadata files from the cache. Data
// files are never read through it (the engine reads them directly).
type mappedIO struct {
	inner icebergio.IO
	paths PathMap
	cache *metadataCache
}

func (m *mappedIO) resolve(name string) string {
	p := m.paths.Apply(name)
	if !strings.Contains(p, "://") {
		// iceberg-go's local FS wants absolute or relative OS paths; relative
		// paths are resolved against the process's working directory, which
		// is why fixtures must be mapped to absolute locations.
		return p
	}
	return p
}

// ReadFile implements icebergio.ReadFileIO.
func (m *mappedIO) ReadFile(name string) ([]byte, error) {
	p := m.resolve(name)
	if data, ok := m.cache.get(p); ok {
		return bytes.Clone(data), nil
	}
	f, err := m.inner.Open(p)
	if err != nil {
		if noCredentials(err) {
			return nil, noCredentialsError(p)
		}
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	data := buf.Bytes()
	if isTableMetadata(p) {
		data = wrapUnsignedSnapshotIDs(data)
	}
	if strings.HasSuffix(p, ".avro") {
		data = completeManifestHeader(data)
	}
	// Table metadata is parsed once per version and kept parsed (the
	// catalog's tables); only manifest lists and manifests, read again by
	// every scan plan, are worth their bytes here. A frequently written
	// table would otherwise fill the cache with versions read once.
	if strings.HasSuffix(p, ".avro") {
		m.cache.put(p, bytes.Clone(data))
	}
	return data, nil
}

// Open implements icebergio.IO.
func (m *mappedIO) Open(name string) (icebergio.File, error) {
	p := m.resolve(name)
	if !immutableMetadataFile(p) {
		f, err := m.inner.Open(p)
		if err != nil && noCredentials(err) {
			return nil, noCredentialsError(p)
		}
		return f, err
	}
	data, err := m.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), name: filepath.Base(p), size: int64(len(data))}, nil
}

// WalkDir implements icebergio.ListableIO when the inner IO lists; the
// paths it reports are the mapped ones.
func (m *mappedIO) WalkDir(root string, fn iofs.WalkDirFunc) error {
	l, ok := m.inner.(icebergio.ListableIO)
	if !ok {
		return fmt.Errorf("catalog: %w: storage for %s cannot be listed", ErrUnsupported, root)
	}
	return l.WalkDir(m.resolve(root), fn)
}

// Remove implements icebergio.IO.
func (m *mappedIO) Remove(name string) error { return m.inner.Remove(m.resolve(name)) }

// Create and WriteFile pass through when the inner IO can write (commits by
// the demo seeder and, later, native writes).
func (m *mappedIO) Create(name string) (icebergio.FileWriter, error) {
	w, ok := m.inner.(icebergio.WriteFileIO)
	if !ok {
		return nil, fmt.Errorf("catalog: %w: storage for %s is read-only", ErrUpstream, name)
	}
	return w.Create(m.resolve(name))
}

func (m *mappedIO) WriteFile(name string, p []byte) error {
	w, ok := m.inner.(icebergio.WriteFileIO)
	if !ok {
		return fmt.Errorf("catalog: %w: storage for %s is read-only", ErrUpstream, name)
	}
	return w.WriteFile(m.resolve(name), p)
}

func isTableMetadata(p string) bool { return strings.HasSuffix(p, ".metadata.json") }

// unsignedSnapshotID finds snapshot ids written as JSON numbers above the
// int64 range.
var unsignedSnapshotID = regexp.MustCompile(`"(?:current-snapshot-id|parent-snapshot-id|snapshot-id)"\s*:\s*(\d{19,20})\b`)

// wrapUnsignedSnapshotIDs rewrites snapshot ids that a writer printed as
// unsigned 64-bit numbers (9876543210123456789) to the signed long with the
// same bits, the value Avro manifest lists store for the same snapshot.
// iceberg-go rejects the whole table otherwise. Metadata without such ids
// is returned unchanged.
func wrapUnsignedSnapshotIDs(data []byte) []byte {
	// Most metadata has none: it is returned as it is, not copied (a
	// table of many commits has a metadata file of megabytes, read on
	// every commit).
	if !hasUnsignedNumber(data) {
		return data
	}
	var out []byte
	last := 0
	for _, m := range unsignedSnapshotID.FindAllSubmatchIndex(data, -1) {
		u, err := strconv.ParseUint(string(data[m[2]:m[3]]), 10, 64)
		if err != nil || u <= math.MaxInt64 {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(data))
		}
		out = append(out, data[last:m[2]]...)
		out = strconv.AppendInt(out, int64(u), 10)
		last = m[3]
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}

// hasUnsignedNumber reports whether data holds a run of 19 or 20 digits
// above the int64 range, in one pass over the bytes. The regexp above is
// ~25 times slower over the megabytes of metadata of a table with many
// commits: 52 MB/s against 1.3 GB/s (BenchmarkWrapUnsignedSnapshotIDs).
func hasUnsignedNumber(data []byte) bool {
	for i := 0; i < len(data); i++ {
		if data[i] < '0' || data[i] > '9' {
			continue
		}
		j := i
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		if n := j - i; n == 19 || n == 20 {
			if u, err := strconv.ParseUint(string(data[i:j]), 10, 64); err != nil || u > math.MaxInt64 {
				return true
			}
		}
		i = j
	}
	return false
}

// immutableMetadataFile reports files that Iceberg never rewrites in place:
// table metadata, manifest lists and manifests. Pointer files such as
// version-hint.text are mutable and never cached.
func immutableMetadataFile(p string) bool {
	return strings.HasSuffix(p, ".metadata.json") || strings.HasSuffix(p, ".metadata.json.gz") ||
		strings.HasSuffix(p, ".avro")
}

type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Close() error { return nil }
func (f *memFile) Stat() (iofs.FileInfo, error) {
	return memInfo{name: f.name, size: f.size}, nil
}

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string        { return i.name }
func (i memInfo) Size() int64         { return i.size }
func (i memInfo) Mode() iofs.FileMode { return 0o444 }
func (i memInfo) ModTime() time.Time  { return time.Time{} }
func (i memInfo) IsDir() bool         { return false }
func (i memInfo) Sys() any            { return nil }

// uncachedTable is t over an IO that reads around the metadata cache. Every
// commit runs on it: a commit reads its parent's manifest list, a rewrite
// the manifests it replaces, expiry's cleanup the list of every retained
// snapshot; none of that is read again, and only what planning reads again
// is worth the cache's room. A SQL catalog's table commits over the
// metadata t holds (heldCommit, commit.go).
func uncachedTable(ctx context.Context, t *Table) *table.Table {
	fs, err := t.tbl.FS(ctx)
	m, ok := fs.(*mappedIO)
	if err != nil || !ok || t.src == nil {
		return t.tbl
	}
	plain := &mappedIO{inner: m.inner, paths: m.paths}
	var cat table.CatalogIO = t.src.cat
	if t.src.db != nil && len(t.Paths) == 0 {
		cat = &heldCommit{src: t.src, ident: t.Ident, base: t.tbl.Metadata(), loc: t.tbl.MetadataLocation(), fs: plain, cached: m}
	}
	return table.New(t.tbl.Identifier(), t.tbl.Metadata(), t.tbl.MetadataLocation(), plain.fsF(), cat)
}

func (m *mappedIO) fsF() func(context.Context) (icebergio.IO, error) {
	return fixedFS(m)
}

// fixedFS is a table's FileIO function that holds fs and nothing else.
func fixedFS(fs icebergio.IO) func(context.Context) (icebergio.IO, error) {
	return func(context.Context) (icebergio.IO, error) { return fs, nil }
}
