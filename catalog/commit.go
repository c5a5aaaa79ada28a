package catalog

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"

	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"
)

// heldCommit is the table.CatalogIO of a commit's transaction on a SQL
// catalog's table: it commits over the metadata lakegate already holds
// parsed instead of iceberg-go's SQL catalog, whose CommitTable loads and
// parses the current metadata file again before applying the updates to it
// (over half of a small append's CPU: BENCHMARKS.md, "Test suite time",
// commit pass).
//
// It does what that CommitTable does, in the same order: read the table's
// metadata pointer; validate the requirements against the metadata it
// points to; apply the updates to it; write the next metadata file (the
// same name and codec: the table's location provider); move the pointer
// with one conditional UPDATE, which fails with table.ErrCommitFailed when
// another writer moved it first. The pointer is read before anything is
// encoded, so that a base another writer made stale costs no metadata
// write: the current metadata is then loaded through the catalog's table
// cache (parsed once, kept for the retry that follows) and the commit goes
// on over it as iceberg-go's would.
//
// What it writes is kept as the table's parsed metadata, so the next
// statement does not parse again the file the commit just wrote (most of a
// small write's CPU: TestConcurrentInsertsTwoGateways, BENCHMARKS "Test
// suite time"), with the table's FileIO over the shared metadata cache,
// not the uncached one the commit used. The file is written from a
// detached copy (write.go), and the copy is what is kept: it is exactly
// what the file holds, so the next commit can build on it, and its
// metadata log entry gets the time the file says (TestCommitsChainTheirMetadataFiles).
//
// What is kept must not reach the versions before it
// (TestKeptMetadataHoldsNoPredecessor): the snapshot a commit adds points
// into the transaction that made it (its parent and schema ids are
// pointers to the snapshot producer's and the transaction's metadata
// builder's fields), and the transaction holds its base, the metadata kept
// before, so keeping the transaction's own result chained every version
// since the table's last load from the file (the soak's Go heap ramp:
// BENCHMARKS, "Soak", nineteenth round). MetadataBuilderFromBase copies
// what those pointers point to. Nor may the kept table hold a method value
// of a table.Table (a copy of it, metadata included): it gets the IO itself.
//
// A table with path mappings, or with metadata compressed with zstd,
// commits through iceberg-go, and nothing is kept: the next load parses
// the file.
type heldCommit struct {
	src    *source
	ident  Ident
	base   table.Metadata
	loc    string       // the metadata file base was parsed from
	fs     icebergio.IO // the transaction's FileIO (manifests were written through it)
	cached icebergio.IO // the table's FileIO over the metadata cache, for the table kept
}

// LoadTable implements table.CatalogIO (iceberg-go's retry refresh).
func (h *heldCommit) LoadTable(ctx context.Context, id table.Identifier) (*table.Table, error) {
	return h.src.cat.LoadTable(ctx, id)
}

// CommitTable implements table.CatalogIO.
func (h *heldCommit) CommitTable(ctx context.Context, id table.Identifier, reqs []table.Requirement, updates []table.Update) (table.Metadata, string, error) {
	loc, paths, err := h.src.pointerAndPaths(ctx, h.ident)
	if err != nil {
		return nil, "", err
	}
	version := parseMetadataVersion(loc)
	wfs, writable := h.fs.(icebergio.WriteFileIO)
	if len(paths) > 0 || version < 0 || !writable {
		return h.src.cat.CommitTable(ctx, id, reqs, updates)
	}
	base := h.base
	if loc != h.loc {
		// Another writer committed since base was loaded: commit over what
		// it committed, as iceberg-go's CommitTable would (an append's
		// branch requirement then fails, and the caller's retry finds the
		// table parsed).
		cur, err := h.src.owner.loadFrom(ctx, h.src, h.ident)
		if err != nil {
			return nil, "", err
		}
		if cur.MetadataLocation != loc || len(cur.Paths) > 0 {
			// moved again, or mapped since: the catalog's own commit sorts it out
			return h.src.cat.CommitTable(ctx, id, reqs, updates)
		}
		base = cur.tbl.Metadata()
	}
	for _, r := range reqs {
		if err := r.Validate(base); err != nil {
			return nil, "", err
		}
	}
	meta, err := table.UpdateTableMetadata(base, updates, loc)
	if err != nil {
		return nil, "", err
	}
	if meta.Equals(base) {
		return base, loc, nil
	}
	if meta, err = detached(meta); err != nil {
		return nil, "", err
	}
	codec := meta.Properties().Get(table.MetadataCompressionKey, table.MetadataCompressionDefault)
	if codec != table.MetadataCompressionCodecNone && codec != table.MetadataCompressionCodecGzip {
		// zstd (or a codec iceberg-go refuses): its commit writes it
		return h.src.cat.CommitTable(ctx, id, reqs, updates)
	}
	provider, err := table.LoadLocationProvider(meta.Location(), meta.Properties())
	if err != nil {
		return nil, "", err
	}
	next, err := provider.NewTableMetadataFileLocation(version + 1)
	if err != nil {
		return nil, "", err
	}
	if err := writeMetadata(wfs, next, codec == table.MetadataCompressionCodecGzip, meta); err != nil {
		return nil, "", fmt.Errorf("write metadata %s: %w", next, err)
	}
	s := h.src
	res, err := s.db.ExecContext(ctx, fmt.Sprintf(`UPDATE iceberg_tables
		SET metadata_location = %s, previous_metadata_location = %s
		WHERE catalog_name = %s AND table_namespace = %s AND table_name = %s AND metadata_location = %s`,
		s.ph(1), s.ph(2), s.ph(3), s.ph(4), s.ph(5), s.ph(6)),
		next, loc, s.cfg.name(), h.ident.Schema, h.ident.Name, loc)
	if err != nil {
		// the outcome is unknown to the caller, which checks the table
		return nil, "", fmt.Errorf("error updating table information: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return nil, "", fmt.Errorf("error updating table information: %w", err)
		}
		// Nothing points at the file: remove it (iceberg-go leaves it).
		_ = h.fs.Remove(next)
		return nil, "", fmt.Errorf("%w: table %s metadata-location moved underneath us", table.ErrCommitFailed, h.ident)
	}
	s.owner.keep(tableKey(s, h.ident, nil), table.New(id, meta, next, fixedFS(h.cached), s.cat))
	return meta, next, nil
}

// writeMetadata writes meta as the table metadata file at loc, plain or
// gzipped, as iceberg-go's catalogs do (json.Encoder: a final newline).
func writeMetadata(fs icebergio.WriteFileIO, loc string, gzipped bool, meta table.Metadata) (err error) {
	data, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if !gzipped {
		return fs.WriteFile(loc, data)
	}
	out, err := fs.Create(loc)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	w := gzip.NewWriter(out)
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// Metadata file names, as iceberg-go's catalogs parse them for the next
// version: "00012-<uuid>[.codec].metadata.json", or the legacy
// "v12[.gz].metadata.json".
var (
	metadataFileName       = regexp.MustCompile(`^(\d+)-([\w-]{36})(?:\.\w+)?\.metadata\.json$`)
	legacyMetadataFileName = regexp.MustCompile(`^v(\d+)(?:\.gz)?\.metadata\.json$`)
)

// parseMetadataVersion is the version number in a metadata file's name
// (iceberg-go's rule, stricter than relocate.go's metadataVersion), -1 when
// the name has none.
func parseMetadataVersion(loc string) int {
	name := path.Base(loc)
	m := metadataFileName.FindStringSubmatch(name)
	if m != nil {
		if _, err := uuid.Parse(m[2]); err != nil {
			return -1
		}
	} else if m = legacyMetadataFileName.FindStringSubmatch(name); m == nil {
		return -1
	}
	v, err := strconv.Atoi(m[1])
	if err != nil {
		return -1
	}
	return v
}
