package session

import (
	"context"
	"os"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/catalog"
	eng "github.com/lakegate/lakegate/internal/engine"
)

// parquetWriter is the catalog.ParquetWriter of the session's loads
// (COPY FROM STDIN): DuckDB's Parquet writer, multi-threaded C++ (a
// third of a COPY's CPU went to the Go Parquet writer before, BENCHMARKS.md),
// in a database of its own that runs only the load's COPY TO, bounded
// like a session's engine.
func (s *Session) parquetWriter() catalog.ParquetWriter {
	cfg := s.p.cfg.Engine
	return func(ctx context.Context, sc *arrow.Schema, next func() (arrow.RecordBatch, error), o catalog.ParquetFiles) ([]string, error) {
		tmp, err := os.MkdirTemp(cfg.TempDir, "lakegate-load-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		var parts []eng.PartitionKey
		for _, p := range o.Partitions {
			parts = append(parts, eng.PartitionKey{Column: p.Column, Transform: p.Transform})
		}
		return eng.WriteParquet(ctx, sc, next, eng.ParquetOptions{
			Dir: o.Dir, Prefix: o.Prefix, FieldIDs: o.FieldIDs, Codec: o.Codec, Level: o.Level, FileBytes: o.FileBytes,
			Partitions: parts, Threads: cfg.Threads, MemoryLimit: cfg.MemoryLimit, TempDir: tmp,
		})
	}
}
