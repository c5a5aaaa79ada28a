// Package tpch generates TPC-H-shaped data into Iceberg tables through the
// catalog's native write path (Stage, CommitCreate, CommitAppend), for the
// benchmarks in bench/tpch and their smoke test.
//
// The schema, cardinalities and value distributions follow the TPC-H
// specification (clause 4.2): sparse order keys, 1-7 line items per order,
// ship/commit/receipt dates derived from the order date, return flags and
// line status from the "current date" 1995-06-17, part-supplier pairing by
// the spec's formula, retail prices from the part key, comments drawn from a
// pool of grammar text, and the "Customer ... Complaints" supplier comments
// Q16 looks for. It is not dbgen: the random streams differ, so the answers
// are not the specification's reference answers, but every query of the
// benchmark is selective in the intended way. Output is deterministic for a
// scale factor, whatever the parallelism.
package tpch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
)

// Options configure Generate. The zero value generates SF 1 into tpch.*.
type Options struct {
	// SF is the scale factor (1 = about 1 GB of raw data, 6M line items).
	SF float64
	// Schema is the namespace the tables go to (default "tpch").
	Schema string
	// Owner is the owner-domain of the namespace and tables (default "tpch").
	Owner string
	// Partitioned partitions orders by month(o_orderdate) and lineitem by
	// month(l_shipdate).
	Partitioned bool
	// Workers is how many tables (or slices of orders/lineitem) are
	// generated and written at once (default 2).
	Workers int
	// RowGroupRows caps the rows of a Parquet row group (default 122880,
	// DuckDB's own row group size, which is also its unit of parallelism).
	RowGroupRows int
	// Codec is the Parquet compression of the data files (an Iceberg
	// write.parquet.compression-codec: zstd, snappy, gzip, uncompressed);
	// "" keeps iceberg-go's default, zstd. The tests write snappy: under
	// the race detector each zstd encoder (one per data file) costs tens
	// of milliseconds of CPU.
	Codec string
	// Progress receives a line per finished piece of work; nil for none.
	Progress func(string)
}

func (o *Options) defaults() {
	if o.SF <= 0 {
		o.SF = 1
	}
	if o.Schema == "" {
		o.Schema = "tpch"
	}
	if o.Owner == "" {
		o.Owner = "tpch"
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = 122880
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
}

// Tables are the TPC-H tables, in the order Generate creates them.
var Tables = []string{"region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"}

// Counts returns the number of rows of each table at scale factor sf
// (lineitem's is an expectation: 4 line items per order on average).
func Counts(sf float64) map[string]int64 {
	c := newCounts(sf)
	return map[string]int64{"region": 5, "nation": 25, "supplier": c.supp, "customer": c.cust, "part": c.part,
		"partsupp": 4 * c.part, "orders": c.orders, "lineitem": 4 * c.orders}
}

type counts struct {
	supp, cust, part, orders, clerks int64
}

func scaled(sf float64, base int64) int64 {
	return max(1, int64(math.Round(sf*float64(base))))
}

func newCounts(sf float64) counts {
	return counts{supp: scaled(sf, 10_000), cust: scaled(sf, 150_000), part: scaled(sf, 200_000),
		orders: scaled(sf, 1_500_000), clerks: scaled(sf, 1_000)}
}

// Exists reports whether every TPC-H table exists in schema.
func Exists(ctx context.Context, cat *catalog.Catalog, schema string) bool {
	for _, name := range Tables {
		if _, err := cat.LoadTable(ctx, catalog.Ident{Schema: schema, Name: name}); err != nil {
			return false
		}
	}
	return true
}

func req(id int, name string, t iceberg.Type) iceberg.NestedField {
	return iceberg.NestedField{ID: id, Name: name, Type: t, Required: true}
}

var (
	long    = iceberg.PrimitiveTypes.Int64
	integer = iceberg.PrimitiveTypes.Int32
	str     = iceberg.PrimitiveTypes.String
	date    = iceberg.PrimitiveTypes.Date
	money   = iceberg.DecimalTypeOf(15, 2)
)

// schemas are the table definitions of clause 1.4 (keys as bigint,
// identifiers and fixed-length text as varchar, amounts as decimal(15,2)).
var schemas = map[string]*iceberg.Schema{
	"region": iceberg.NewSchema(0, req(1, "r_regionkey", long), req(2, "r_name", str), req(3, "r_comment", str)),
	"nation": iceberg.NewSchema(0, req(1, "n_nationkey", long), req(2, "n_name", str), req(3, "n_regionkey", long),
		req(4, "n_comment", str)),
	"supplier": iceberg.NewSchema(0, req(1, "s_suppkey", long), req(2, "s_name", str), req(3, "s_address", str),
		req(4, "s_nationkey", long), req(5, "s_phone", str), req(6, "s_acctbal", money), req(7, "s_comment", str)),
	"customer": iceberg.NewSchema(0, req(1, "c_custkey", long), req(2, "c_name", str), req(3, "c_address", str),
		req(4, "c_nationkey", long), req(5, "c_phone", str), req(6, "c_acctbal", money), req(7, "c_mktsegment", str),
		req(8, "c_comment", str)),
	"part": iceberg.NewSchema(0, req(1, "p_partkey", long), req(2, "p_name", str), req(3, "p_mfgr", str),
		req(4, "p_brand", str), req(5, "p_type", str), req(6, "p_size", integer), req(7, "p_container", str),
		req(8, "p_retailprice", money), req(9, "p_comment", str)),
	"partsupp": iceberg.NewSchema(0, req(1, "ps_partkey", long), req(2, "ps_suppkey", long), req(3, "ps_availqty", integer),
		req(4, "ps_supplycost", money), req(5, "ps_comment", str)),
	"orders": iceberg.NewSchema(0, req(1, "o_orderkey", long), req(2, "o_custkey", long), req(3, "o_orderstatus", str),
		req(4, "o_totalprice", money), req(5, "o_orderdate", date), req(6, "o_orderpriority", str), req(7, "o_clerk", str),
		req(8, "o_shippriority", integer), req(9, "o_comment", str)),
	"lineitem": iceberg.NewSchema(0, req(1, "l_orderkey", long), req(2, "l_partkey", long), req(3, "l_suppkey", long),
		req(4, "l_linenumber", integer), req(5, "l_quantity", money), req(6, "l_extendedprice", money),
		req(7, "l_discount", money), req(8, "l_tax", money), req(9, "l_returnflag", str), req(10, "l_linestatus", str),
		req(11, "l_shipdate", date), req(12, "l_commitdate", date), req(13, "l_receiptdate", date),
		req(14, "l_shipinstruct", str), req(15, "l_shipmode", str), req(16, "l_comment", str)),
}

// Schema returns the Iceberg schema of a TPC-H table.
func Schema(table string) *iceberg.Schema { return schemas[table] }

func partitionSpec(table string, partitioned bool) []iceberg.PartitionField {
	if !partitioned {
		return nil
	}
	switch table {
	case "orders":
		return []iceberg.PartitionField{{SourceIDs: []int{5}, FieldID: 1000, Name: "o_orderdate_month", Transform: iceberg.MonthTransform{}}}
	case "lineitem":
		return []iceberg.PartitionField{{SourceIDs: []int{11}, FieldID: 1000, Name: "l_shipdate_month", Transform: iceberg.MonthTransform{}}}
	}
	return nil
}

// job is one unit of generation: it stages files into one or more tables.
type job struct {
	name   string
	tables []string
	rows   func(g *gen, out []*array.RecordBuilder, emit func(i int) error) error
}

// orderChunk is how many orders share one random stream: slices of
// orders/lineitem are whole chunks, so the data does not depend on how the
// work is split.
const orderChunk = 1000

// Generate creates the TPC-H tables in opts.Schema and fills them. Tables
// that already exist are kept as they are. Each table appears in one
// catalog commit with its first files (no reader ever sees it empty), more
// slices of orders and lineitem follow as appends.
func Generate(ctx context.Context, cat *catalog.Catalog, opts Options) error {
	opts.defaults()
	g := &gen{c: newCounts(opts.SF), pool: sharedPool()}
	nsProps := map[string]string{"owner-domain": opts.Owner}
	pending := map[string]*catalog.Table{}
	created := map[string]bool{} // created empty: every piece is appended
	for _, name := range Tables {
		ident := catalog.Ident{Schema: opts.Schema, Name: name}
		if _, err := cat.LoadTable(ctx, ident); err == nil {
			opts.Progress(fmt.Sprintf("%s exists, kept", ident))
			continue
		} else if !errors.Is(err, catalog.ErrNoSuchTable) {
			return err
		}
		spec := catalog.TableSpec{Schema: schemas[name], Partition: partitionSpec(name, opts.Partitioned),
			Properties: map[string]string{"owner-domain": opts.Owner,
				"write.parquet.row-group-limit": strconv.Itoa(opts.RowGroupRows)}}
		if opts.Codec != "" {
			spec.Properties["write.parquet.compression-codec"] = opts.Codec
		}
		t, err := cat.PrepareCreate(ctx, ident, spec, nsProps)
		if errors.Is(err, catalog.ErrUnsupported) {
			// A REST catalog creates no staged tables: create the table
			// empty, and append every piece.
			if err = cat.CreateNative(ctx, ident, spec, nsProps); err == nil {
				t, err = cat.LoadTable(ctx, ident)
				created[name] = true
			}
		}
		if err != nil {
			return err
		}
		pending[name] = t
	}
	var jobs []job
	add := func(j job) {
		for _, t := range j.tables {
			if pending[t] == nil {
				return
			}
		}
		jobs = append(jobs, j)
	}
	// Largest first, so that the workers finish together.
	chunks := (g.c.orders + orderChunk - 1) / orderChunk
	parts := int64(opts.Workers)
	if pending["orders"] != nil && pending["lineitem"] != nil {
		for s := int64(0); s < parts; s++ {
			from, to := chunks*s/parts, chunks*(s+1)/parts
			if from == to {
				continue
			}
			add(job{name: fmt.Sprintf("orders+lineitem %d/%d", s+1, parts), tables: []string{"orders", "lineitem"},
				rows: func(g *gen, out []*array.RecordBuilder, emit func(int) error) error {
					return g.orders(from, to, out[0], out[1], emit)
				}})
		}
	} else if pending["orders"] != nil || pending["lineitem"] != nil {
		return errors.New("tpch: orders and lineitem are generated together; drop both to regenerate them")
	}
	add(job{name: "partsupp", tables: []string{"partsupp"}, rows: func(g *gen, out []*array.RecordBuilder, emit func(int) error) error {
		return g.partsupp(out[0], emit)
	}})
	add(job{name: "part", tables: []string{"part"}, rows: func(g *gen, out []*array.RecordBuilder, emit func(int) error) error {
		return g.parts(out[0], emit)
	}})
	add(job{name: "customer", tables: []string{"customer"}, rows: func(g *gen, out []*array.RecordBuilder, emit func(int) error) error {
		return g.customers(out[0], emit)
	}})
	add(job{name: "supplier", tables: []string{"supplier"}, rows: func(g *gen, out []*array.RecordBuilder, emit func(int) error) error {
		return g.suppliers(out[0], emit)
	}})
	add(job{name: "nation", tables: []string{"nation"}, rows: func(g *gen, out []*array.RecordBuilder, emit func(int) error) error {
		return g.nations(out[0], emit)
	}})
	add(job{name: "region", tables: []string{"region"}, rows: func(g *gen, out []*array.RecordBuilder, emit func(int) error) error {
		return g.regions(out[0], emit)
	}})

	type done struct {
		order  int
		staged []*catalog.Staged
	}
	var (
		mu       sync.Mutex
		results  []done
		firstErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				j := jobs[i]
				tabs := make([]*catalog.Table, len(j.tables))
				for k, name := range j.tables {
					tabs[k] = pending[name]
				}
				start := time.Now()
				st, err := stageJob(ctx, cat, g, tabs, j)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("tpch: %s: %w", j.name, err)
					}
					cancel()
				} else {
					results = append(results, done{order: i, staged: st})
					var rows []string
					for k, s := range st {
						rows = append(rows, fmt.Sprintf("%s %d rows in %d files", j.tables[k], s.Rows, s.Files()))
					}
					opts.Progress(fmt.Sprintf("%s: %s (%s)", j.name, strings.Join(rows, ", "), time.Since(start).Round(time.Millisecond)))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	byTable := map[string][]*catalog.Staged{}
	for i := range jobs {
		for _, r := range results {
			if r.order == i {
				for k, name := range jobs[i].tables {
					byTable[name] = append(byTable[name], r.staged[k])
				}
			}
		}
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		for _, sts := range byTable {
			for _, s := range sts {
				s.Discard()
			}
		}
		return firstErr
	}
	info := catalog.CommitInfo{Statement: fmt.Sprintf("tpch generate sf=%g", opts.SF), User: "tpch"}
	for _, name := range Tables {
		t := pending[name]
		if t == nil {
			continue
		}
		sts := byTable[name]
		if len(sts) == 0 {
			return fmt.Errorf("tpch: %s: nothing was generated", name)
		}
		if created[name] {
			for _, s := range sts {
				if err := cat.CommitAppend(context.Background(), t.Ident, s, info); err != nil {
					return fmt.Errorf("tpch: append to %s: %w", t.Ident, err)
				}
			}
			continue
		}
		if err := cat.CommitCreate(context.Background(), t, sts[0], info); err != nil {
			for _, s := range sts[1:] {
				s.Discard()
			}
			return fmt.Errorf("tpch: create %s: %w", t.Ident, err)
		}
		for _, s := range sts[1:] {
			if err := cat.CommitAppend(context.Background(), t.Ident, s, info); err != nil {
				return fmt.Errorf("tpch: append to %s: %w", t.Ident, err)
			}
		}
	}
	return nil
}

// batchRows is how many rows a generator emits at a time.
const batchRows = 16 << 10

// stageJob runs one job: its generator fills record builders in this
// goroutine's helper, each table's batches flow through a channel into its
// own Stage call.
func stageJob(ctx context.Context, cat *catalog.Catalog, g *gen, tabs []*catalog.Table, j job) ([]*catalog.Staged, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chans := make([]chan arrow.RecordBatch, len(tabs))
	builders := make([]*array.RecordBuilder, len(tabs))
	for i, t := range tabs {
		sc, err := t.WriteSchema()
		if err != nil {
			return nil, err
		}
		builders[i] = array.NewRecordBuilder(memory.DefaultAllocator, sc)
		chans[i] = make(chan arrow.RecordBatch, 2)
	}
	genErr := make(chan error, 1)
	go func() {
		defer func() {
			for i := range chans {
				close(chans[i])
				builders[i].Release()
			}
		}()
		emit := func(i int) error {
			rec := builders[i].NewRecordBatch()
			select {
			case chans[i] <- rec:
				return nil
			case <-ctx.Done():
				rec.Release()
				return ctx.Err()
			}
		}
		err := j.rows(g, builders, emit)
		if err == nil {
			// Whatever is left in the builders.
			for i, b := range builders {
				if b.Field(0).Len() > 0 {
					if err = emit(i); err != nil {
						break
					}
				}
			}
		}
		genErr <- err
	}()
	staged := make([]*catalog.Staged, len(tabs))
	errs := make([]error, len(tabs))
	var wg sync.WaitGroup
	var genOnce sync.Once
	var gerr error
	genResult := func() error {
		genOnce.Do(func() { gerr = <-genErr })
		return gerr
	}
	for i, t := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := cat.Stage(ctx, t, func() (arrow.RecordBatch, error) {
				rec, ok := <-chans[i]
				if !ok {
					if err := genResult(); err != nil {
						return nil, err
					}
					return nil, nil
				}
				return rec, nil
			})
			if err != nil {
				cancel() // the generator and the other tables' writers stop
				for rec := range chans[i] {
					rec.Release()
				}
			}
			staged[i], errs[i] = st, err
		}()
	}
	wg.Wait()
	err := errors.Join(errs...)
	if err == nil {
		err = genResult()
	}
	if err != nil {
		for _, st := range staged {
			st.Discard()
		}
		return nil, err
	}
	return staged, nil
}
