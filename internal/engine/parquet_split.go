package engine

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// splitLarge rewrites each of a partitioned write's files larger than
// o.FileBytes into files of about that size, in a directory beside it
// (<partition's directory>/<file's name>/Prefix-<n>.parquet), and returns
// the files in the order listParquet gives. DuckDB cannot roll a
// partitioned COPY's files by size (FILE_SIZE_BYTES and PARTITION_BY do
// not combine), so the partitions that outgrew the target are written a
// second time, from their file: only those, with DuckDB's own rolling
// writer, while the others stay as written.
func splitLarge(conn *Conn, sc *arrow.Schema, files []string, o ParquetOptions) ([]string, error) {
	split := false
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, fmt.Errorf("engine: parquet: %w", err)
		}
		if fi.Size() <= o.FileBytes {
			continue
		}
		dir := strings.TrimSuffix(f, ".parquet")
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, fmt.Errorf("engine: parquet: %w", err)
		}
		if err := conn.Exec(splitSQL(sc, f, dir, o)); err != nil {
			return nil, err
		}
		if err := os.Remove(f); err != nil {
			return nil, fmt.Errorf("engine: parquet: %w", err)
		}
		split = true
	}
	if !split {
		return files, nil
	}
	return listParquet(o.Dir, o.Prefix)
}

// splitSQL is the COPY that rewrites file into dir in files of about
// o.FileBytes, with the codec and field ids of the first write. The file
// holds the schema's columns (not the partition keys) under their names
// and types, as DuckDB wrote them (not the directory's key=value).
func splitSQL(sc *arrow.Schema, file, dir string, o ParquetOptions) string {
	opts := append(fileOptions(sc, o), "FILE_SIZE_BYTES "+strconv.FormatInt(o.FileBytes, 10),
		"FILENAME_PATTERN "+quoteString(o.Prefix+"-{i}"))
	return fmt.Sprintf(`COPY (SELECT * FROM read_parquet(%s, hive_partitioning = false)) TO %s (%s)`, quoteString(file), quoteString(dir), strings.Join(opts, ", "))
}
