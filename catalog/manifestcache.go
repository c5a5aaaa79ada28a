package catalog

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/internal/lru"
)

// Decoded manifests. Planning a scan with a new filter needs every live
// entry's partition values and column bounds; decoding them from Avro again
// (even from cached bytes) costs about 13 µs per entry, 130 ms for a table of
// 10,000 files. Manifests are immutable, so the decoded entries are kept
// here, per manifest, and scanplan.go evaluates filters over them.

// fileEntry is what planning needs of one live manifest entry (a data file
// or a delete file).
type fileEntry struct {
	path    string // as written in the manifest
	content iceberg.ManifestEntryContent
	format  iceberg.FileFormat
	specID  int32
	count   int64
	bytes   int64 // file_size_in_bytes
	// seq is the entry's data sequence number, inherited from the manifest
	// when the entry did not carry one; -1 when unknown.
	seq       int64
	partition map[int]any

	valueCounts, nullCounts, nanCounts map[int]int64
	lower, upper                       map[int][]byte

	eqFieldIDs []int
	// what only the $files metadata table shows
	columnSizes  map[int]int64
	splitOffsets []int64
	keyMetadata  []byte
	sortOrderID  *int
	// refPath is the data file a position-delete file targets, when the
	// writer recorded it (referenced_data_file).
	refPath string
}

// newFileEntry copies what planning needs out of a decoded manifest entry.
func newFileEntry(e iceberg.ManifestEntry) fileEntry {
	df := e.DataFile()
	fe := fileEntry{
		path:        df.FilePath(),
		content:     df.ContentType(),
		format:      df.FileFormat(),
		specID:      df.SpecID(),
		count:       df.Count(),
		bytes:       df.FileSizeBytes(),
		seq:         e.SequenceNum(),
		partition:   df.Partition(),
		valueCounts: df.ValueCounts(),
		nullCounts:  df.NullValueCounts(),
		nanCounts:   df.NaNValueCounts(),
		lower:       df.LowerBoundValues(),
		upper:       df.UpperBoundValues(),
		eqFieldIDs:  df.EqualityFieldIDs(),

		columnSizes:  df.ColumnSizes(),
		splitOffsets: df.SplitOffsets(),
		keyMetadata:  df.KeyMetadata(),
		sortOrderID:  df.SortOrderID(),
	}
	if r := df.ReferencedDataFile(); r != nil {
		fe.refPath = *r
	}
	return fe
}

// size estimates the bytes an entry holds, for the cache bound.
func (f *fileEntry) size() int64 {
	// Struct and strings, plus about 100 bytes of fixed cost per map
	// (8 maps) and 48 per map entry; measured heap use on a 10k-file
	// table is within 10% of this estimate (1.7 KB per entry).
	n := int64(900 + len(f.path) + len(f.refPath) + 8*len(f.eqFieldIDs) + 8*len(f.splitOffsets) + len(f.keyMetadata))
	n += int64(48 * (len(f.partition) + len(f.valueCounts) + len(f.nullCounts) + len(f.nanCounts) + len(f.columnSizes)))
	for _, b := range f.lower {
		n += int64(48 + len(b))
	}
	for _, b := range f.upper {
		n += int64(48 + len(b))
	}
	for _, v := range f.partition {
		switch v := v.(type) {
		case string:
			n += int64(len(v))
		case []byte:
			n += int64(len(v))
		}
	}
	return n
}

// manifestCache keeps the live entries of manifests (and the decoded
// manifest lists of snapshots), least recently used out first once the
// estimated size passes the bound.
type manifestCache struct {
	items *lru.Cache[*manifestCacheItem]
	files *metadataCache // the bytes the decoded items came from
}

type manifestCacheItem struct {
	key       string
	size      int64
	entries   []fileEntry            // a manifest's live entries
	manifests []iceberg.ManifestFile // a snapshot's manifest list
}

func newManifestCache(maxBytes int64, files *metadataCache) *manifestCache {
	return &manifestCache{items: lru.New[*manifestCacheItem](maxBytes), files: files}
}

func (c *manifestCache) get(key string) (*manifestCacheItem, bool) { return c.items.Get(key) }

func (c *manifestCache) put(it *manifestCacheItem) { c.items.Put(it.key, it, it.size) }

// stats reports hits, misses, cached items and their estimated bytes.
func (c *manifestCache) stats() (hits, misses int64, items int, bytes int64) {
	st := c.items.Stats()
	return st.Hits, st.Misses, st.Items, st.Bytes
}

// manifestList returns the snapshot's manifest list, decoded once per list
// file (the list of a snapshot never changes). The first time a snapshot's
// list is decoded, what only its ancestors read leaves the caches (see
// forgetAncestors).
func (c *manifestCache) manifestList(fs icebergio.IO, paths PathMap, meta table.Metadata, snp *table.Snapshot) ([]iceberg.ManifestFile, error) {
	if snp.ManifestList == "" {
		return snp.Manifests(fs)
	}
	key := listKey(paths, snp)
	if it, ok := c.get(key); ok {
		return it.manifests, nil
	}
	mfs, err := snp.Manifests(fs)
	if err != nil {
		return nil, err
	}
	size := int64(256)
	for _, m := range mfs {
		size += int64(400 + len(m.FilePath()) + 64*len(m.Partitions()))
	}
	c.put(&manifestCacheItem{key: key, size: size, manifests: mfs})
	c.forgetAncestors(paths, meta, snp, mfs)
	return mfs, nil
}

func listKey(paths PathMap, snp *table.Snapshot) string {
	return "list\x00" + paths.Apply(snp.ManifestList)
}

// forgetAncestors drops from both caches the manifest lists of the
// snapshot's recent ancestors (up to forgetDepth generations back) and the
// manifests they listed that the snapshot (listing mfs) no longer does. A
// table that is written often would otherwise fill the caches with the
// metadata of snapshots nobody plans any more, until their bounds (the
// soak's writers' table: ~10 MiB a minute). Only time travel reads them
// again, from storage. An ancestor whose list is not cached in either form
// costs two lookups.
func (c *manifestCache) forgetAncestors(paths PathMap, meta table.Metadata, snp *table.Snapshot, mfs []iceberg.ManifestFile) {
	var kept map[string]bool
	for range forgetDepth {
		if snp.ParentSnapshotID == nil {
			return
		}
		if snp = meta.SnapshotByID(*snp.ParentSnapshotID); snp == nil || snp.ManifestList == "" {
			return
		}
		// A commit reads its parent's list, and a rewrite its manifests,
		// through the bytes cache: an ancestor nobody planned may have its
		// list's bytes cached, and those say which manifests it read.
		key, path := listKey(paths, snp), paths.Apply(snp.ManifestList)
		var listed []iceberg.ManifestFile
		if it, ok := c.items.Peek(key); ok {
			c.items.Delete(key)
			listed = it.manifests
		} else if b, ok := c.files.files.Peek(path); ok {
			listed, _ = iceberg.ReadManifestList(bytes.NewReader(b))
		}
		c.files.drop(path)
		if len(listed) == 0 {
			continue
		}
		if kept == nil {
			kept = make(map[string]bool, len(mfs))
			for _, mf := range mfs {
				kept[mf.FilePath()] = true
			}
		}
		for _, mf := range listed {
			if !kept[mf.FilePath()] {
				c.items.Delete(manifestKey(paths, mf))
				c.files.drop(paths.Apply(mf.FilePath()))
			}
		}
	}
}

// forgetDepth is how many generations of ancestors forgetAncestors looks
// at: more commits than that between two plans of a table leave the older
// lists to the caches' LRU bound.
const forgetDepth = 256

// manifestKey names a manifest's decoded entries: the file read and what
// its entries inherit from the manifest list entry.
func manifestKey(paths PathMap, mf iceberg.ManifestFile) string {
	return fmt.Sprintf("manifest\x00%s\x00%d\x00%d\x00%d", paths.Apply(mf.FilePath()), mf.SequenceNum(), mf.SnapshotID(), mf.PartitionSpecID())
}

// entries returns the live (added or existing) entries of one manifest,
// decoded once. The key holds what the entries inherit from the manifest
// list entry (sequence number, snapshot), so the same file listed with other
// inherited values is decoded on its own.
func (c *manifestCache) entries(ctx context.Context, fs icebergio.IO, paths PathMap, mf iceberg.ManifestFile) ([]fileEntry, error) {
	key := manifestKey(paths, mf)
	if it, ok := c.get(key); ok {
		return it.entries, nil
	}
	var out []fileEntry
	size := int64(128 + len(key))
	for e, err := range mf.Entries(fs, true) {
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fe := newFileEntry(e)
		size += fe.size()
		out = append(out, fe)
	}
	c.put(&manifestCacheItem{key: key, size: size, entries: out})
	return out, nil
}

// prefetch decodes the manifests a plan will read that are not cached yet,
// several at a time (the first plan of a snapshot decodes them all).
// Errors are left for the planner's own read of the manifest to report.
func (c *manifestCache) prefetch(ctx context.Context, fs icebergio.IO, paths PathMap, mfs []iceberg.ManifestFile, minSeq int64) {
	var todo []iceberg.ManifestFile
	for _, mf := range mfs {
		if mf.ManifestContent() == iceberg.ManifestContentDeletes && mf.SequenceNum() < minSeq {
			continue
		}
		if !c.items.Contains(manifestKey(paths, mf)) {
			todo = append(todo, mf)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	if workers < 2 {
		return
	}
	next := make(chan iceberg.ManifestFile)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for mf := range next {
				_, _ = c.entries(ctx, fs, paths, mf)
			}
		}()
	}
	for _, mf := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- mf
	}
	close(next)
	wg.Wait()
}
