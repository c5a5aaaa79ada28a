// Package catalog owns lakegate's view of the Iceberg world: the catalogs it
// federates (an Iceberg SQL catalog on SQLite or PostgreSQL, or an Iceberg
// REST catalog), their namespaces (which appear to clients as Postgres
// schemas), the tables in them, and the snapshot of each table a query reads.
//
// Data flow for a read:
//
//	LoadTable(ident) -> re-check only the table's metadata pointer
//	                 -> metadata cached by location (metadata files are immutable)
//	Table.PlanScan(filter) -> manifests read through a caching, path-mapping IO
//	                          and decoded once into a bounded cache of their
//	                          live entries (manifestcache.go); pruning and
//	                          delete matching run over the cached entries
//	                          exactly as iceberg-go's planner would
//	                          (scanplan.go), or by iceberg-go itself for what
//	                          scanplan.go does not reproduce
//	                       -> ScanPlan: data files with their delete files,
//	                          partition values and field-id facts, pinned to
//	                          one snapshot
//
// The planner turns a ScanPlan into engine SQL; this package never runs SQL
// against data and knows nothing of Postgres or DuckDB.
//
// Object storage (filecache.go): metadata and manifests at s3:// locations
// are read through iceberg-go's S3 FileIO; data and delete files, which the
// engine cannot open, are fetched into the shared cache of local copies
// (internal/objcache), only those the pruned plan lists, and the ScanPlan
// returned names the copies (OrigPath keeps the location position deletes
// refer to). A statement fetches the files of all its tables through one
// FetchBatch (fetchbatch.go: at most FetchParallelism downloads at once,
// footer reads while planning included; a cancel ends them all);
// Table.LocalScan is a batch of one table. Credentials stay inside the FileIO
// and the REST client (sigv4.go): never in an error, a log line or a path.
//
// Path mapping: a table written elsewhere and registered here may name files
// under a prefix that no longer exists (another machine, a relative path in a
// test fixture). Each registered table can carry prefix mappings that apply to
// every path this package hands out — metadata, manifests, data and delete
// files — and the planner matches the file_path values stored inside
// position-delete files against the manifests' paths (planner/scansql.go).
//
// Row changes (write.go, write_delta.go): DELETE and UPDATE rewrite the
// data files they touch (CommitRewrite) or, below the table's
// merge-on-read fraction, add position-delete files for the touched rows
// (StagePositionDeletes, CommitDelta); both pin the snapshot they read.
//
// Commits (commit.go): a transaction on a SQL catalog's table commits over
// the metadata this package already holds parsed (the table's pointer is
// read first, a moved one means the current metadata is loaded through the
// table cache), writes the next metadata file and moves the pointer with
// one conditional UPDATE; iceberg-go's own SQL-catalog commit would parse
// the current file again. What was written is kept as the table's parsed
// metadata. REST catalogs commit through iceberg-go.
//
// Loads (write_parquet.go): StageWith stages rows like Stage, the
// Parquet files written by a ParquetWriter the caller passes (COPY FROM
// STDIN: DuckDB's writer, which the catalog may not import), for writes
// of at least DirectWriterMinRows rows, then placed under the table's data location
// and described from their footers (field ids, bounds, and the partition
// values, which for identity, year, month, day and hour keys the bounds
// give) with iceberg-go's DataFileFromMetadata. Other partition
// transforms and column types or Parquet properties the writer cannot
// match go through Stage.
//
// Stage writes through iceberg-go's writer; it reads a write's first rows
// before the writer starts and turns the Parquet dictionary off, for that
// write, for the integer and timestamp columns whose values those rows
// show all but distinct (write_dict.go): the writer would try the
// dictionary on every value of a small file and then drop it. A table's
// own dictionary properties win.
//
// Deletion vectors (dv.go, Iceberg v3) are converted once into
// position-delete Parquet files in a directory of the Catalog's own, and
// scans list them like any position-delete file.
//
// Compaction (compact.go): PlanCompaction picks a pinned snapshot's small
// files, and every file with deletes, with iceberg-go's bin-packing
// planner; the planner stages their
// rows through the engine, and CommitCompaction replaces them in one
// replace snapshot, replayed on top of appends committed meanwhile.
//
// Relocation (relocate.go): a SQLite catalog beside a local warehouse moves
// with its directory while Iceberg's locations stay absolute. The catalog
// records the warehouse its tables were written in; Open refuses a copy or
// a moved directory (ErrRelocated) rather than read and commit into the
// original, and Relocate rewrites a copy's metadata, manifest lists and
// manifests to where it is now, reading only the copy. Such a catalog never
// writes a table stored outside its warehouse.
//
// Errors: ErrNoSuchTable and ErrNoSuchSchema for names that do not resolve,
// ErrUnsupported for Iceberg features that cannot be read correctly yet (the
// message names the feature), ErrUpstream wrapping failures of the catalog
// service or storage, ErrStorage for a table's data or delete file that
// cannot be fetched from object storage. The server maps these to SQLSTATEs; nothing here does.
package catalog
