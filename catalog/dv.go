package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table/dv"
)

// Deletion vectors (Iceberg v3): a data file's deleted row positions as a
// Roaring bitmap, one "deletion-vector-v1" blob in a Puffin file, located
// by the manifest entry's content_offset and content_size_in_bytes. The
// engine reads position deletes as Parquet (file_path, pos) and knows
// nothing of Puffin, so each vector a scan needs is converted once into a
// position-delete Parquet file of the same positions, in a directory of
// this catalog's own, and the scan lists that file like any other
// position-delete file. The blob is read by its offset and length alone:
// some writers (DuckDB's Iceberg extension before 1.5.4) wrote the bare
// blob without Puffin's magic and footer, and readers that seek to the
// blob read those files too.

// dvFiles is the directory of converted deletion vectors of one Catalog.
type dvFiles struct {
	once sync.Once
	dir  string
	err  error
}

// remove deletes the directory and its files (Catalog.Close).
func (d *dvFiles) remove() {
	if d.dir != "" {
		_ = os.RemoveAll(d.dir)
	}
}

// dvDir is the directory converted vectors go to, created on first use.
func (c *Catalog) dvDir() (string, error) {
	c.dvs.once.Do(func() {
		c.dvs.dir, c.dvs.err = os.MkdirTemp("", "lakegate-dv-")
	})
	return c.dvs.dir, c.dvs.err
}

// deletionVectorFile returns the local position-delete Parquet file that
// holds the positions of the deletion vector dvFile, which applies to the
// data file named dataPath in the manifests, converting it when this
// catalog has not yet.
func (t *Table) deletionVectorFile(ctx context.Context, dvFile iceberg.DataFile, dataPath string) (string, error) {
	fail := func(err error) error {
		return fmt.Errorf("catalog: %s: deletion vector %s: %w", t.Ident, dvFile.FilePath(), err)
	}
	off, size := dvFile.ContentOffset(), dvFile.ContentSizeInBytes()
	if off == nil || size == nil || *off < 0 || *size <= 0 || *size > 1<<30 {
		return "", fail(fmt.Errorf("%w: the manifest entry has no valid content_offset and content_size_in_bytes", ErrUnsupported))
	}
	if ref := dvFile.ReferencedDataFile(); ref != nil && *ref != dataPath {
		return "", fail(fmt.Errorf("%w: it references %s, but the planner matched it to %s", ErrUpstream, *ref, dataPath))
	}
	var owner *Catalog
	if t.src != nil {
		owner = t.src.owner
	}
	if owner == nil {
		return "", fail(fmt.Errorf("%w: deletion vectors of a table outside a catalog", ErrUnsupported))
	}
	dir, err := owner.dvDir()
	if err != nil {
		return "", fail(err)
	}
	key := sha256.Sum256([]byte(t.tbl.Location() + "\x00" + dvFile.FilePath() + "\x00" + strconv.FormatInt(*off, 10) + "\x00" + strconv.FormatInt(*size, 10) + "\x00" + dataPath))
	out := filepath.Join(dir, hex.EncodeToString(key[:16])+".parquet")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	fsys, err := t.tbl.FS(ctx)
	if err != nil {
		return "", fail(fmt.Errorf("%w: %w", ErrStorage, err))
	}
	f, err := fsys.Open(dvFile.FilePath())
	if err != nil {
		return "", fail(storageError(dvFile.FilePath(), err))
	}
	defer f.Close()
	blob := make([]byte, *size)
	if n, err := f.ReadAt(blob, *off); n != len(blob) {
		if err == nil || err == io.EOF {
			err = fmt.Errorf("%d bytes at offset %d, the file ends after %d: %w", len(blob), *off, n, io.ErrUnexpectedEOF)
		}
		return "", fail(storageError(dvFile.FilePath(), err))
	}
	bm, err := dv.DeserializeDV(blob, dvFile.Count())
	if err != nil {
		return "", fail(fmt.Errorf("%w: %w", ErrUpstream, err))
	}
	pos := make([]int64, 0, bm.Cardinality())
	for p := range bm.Positions() {
		pos = append(pos, int64(p))
	}
	var buf bytes.Buffer
	if err := encodePositionDeletes(&buf, dataPath, pos); err != nil {
		return "", fail(err)
	}
	// Write beside and rename: a concurrent scan sees the whole file or
	// none (and then writes the same bytes itself).
	tmp, err := os.CreateTemp(dir, "dv-*.tmp")
	if err != nil {
		return "", fail(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return "", fail(err)
	}
	if err := tmp.Close(); err != nil {
		return "", fail(err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", fail(err)
	}
	return out, nil
}
