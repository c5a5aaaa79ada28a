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
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
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
		t, err := cat.PrepareCreate(ctx, ident, spec, nsProps)
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

var (
	poolOnce sync.Once
	pool     string
)

// sharedPool is the text pool every generation uses (4 MiB; it is the same
// every time, so it is built once per process).
func sharedPool() string {
	poolOnce.Do(func() { pool = textPool(1, 1<<22) })
	return pool
}

// gen holds what every generator shares: the counts and the text pool.
type gen struct {
	c    counts
	pool string
}

func rng(table, chunk uint64) *rand.Rand { return rand.New(rand.NewPCG(table, chunk)) }

// Per-table seeds of the random streams.
const (
	seedRegion = iota + 1
	seedNation
	seedSupplier
	seedCustomer
	seedPart
	seedPartsupp
	seedOrders
)

// rowChunk is the number of rows of the smaller tables that share one
// random stream.
const rowChunk = 10_000

var (
	regions = []string{"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"}
	nations = []struct {
		name   string
		region int64
	}{
		{"ALGERIA", 0}, {"ARGENTINA", 1}, {"BRAZIL", 1}, {"CANADA", 1}, {"EGYPT", 4}, {"ETHIOPIA", 0},
		{"FRANCE", 3}, {"GERMANY", 3}, {"INDIA", 2}, {"INDONESIA", 2}, {"IRAN", 4}, {"IRAQ", 4},
		{"JAPAN", 2}, {"JORDAN", 4}, {"KENYA", 0}, {"MOROCCO", 0}, {"MOZAMBIQUE", 0}, {"PERU", 1},
		{"CHINA", 2}, {"ROMANIA", 3}, {"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3},
		{"UNITED KINGDOM", 3}, {"UNITED STATES", 1},
	}
	segments     = []string{"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"}
	priorities   = []string{"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"}
	instructions = []string{"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"}
	shipModes    = []string{"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"}
	typeS1       = []string{"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"}
	typeS2       = []string{"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"}
	typeS3       = []string{"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"}
	containerS1  = []string{"SM", "LG", "MED", "JUMBO", "WRAP"}
	containerS2  = []string{"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"}
	colors       = strings.Fields(`almond antique aquamarine azure beige bisque black blanched blue blush
		brown burlywood burnished chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark
		deep dim dodger drab firebrick floral forest frosted gainsboro ghost goldenrod green grey honeydew
		hot indian ivory khaki lace lavender lawn lemon light lime linen magenta maroon medium metallic
		midnight mint misty moccasin navajo navy olive orange orchid pale papaya peach peru pink plum
		powder puff purple red rose rosy royal saddle salmon sandy seashell sienna sky slate smoke snow
		spring steel tan thistle tomato turquoise violet wheat white yellow`)
)

// Dates of clause 4.2.2.12, as days since 1970-01-01.
var (
	startDate   = days(1992, 1, 1)
	currentDate = days(1995, 6, 17)
	endDate     = days(1998, 12, 31)
)

func days(y int, m time.Month, d int) int32 {
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// builders with typed access to the columns of one record builder.
type cols struct{ b *array.RecordBuilder }

func (c cols) i64(i int) *array.Int64Builder      { return c.b.Field(i).(*array.Int64Builder) }
func (c cols) i32(i int) *array.Int32Builder      { return c.b.Field(i).(*array.Int32Builder) }
func (c cols) str(i int) *array.StringBuilder     { return c.b.Field(i).(*array.StringBuilder) }
func (c cols) dec(i int) *array.Decimal128Builder { return c.b.Field(i).(*array.Decimal128Builder) }
func (c cols) date(i int) *array.Date32Builder    { return c.b.Field(i).(*array.Date32Builder) }
func cents(v int64) decimal128.Num                { return decimal128.FromI64(v) }
func between(r *rand.Rand, lo, hi int64) int64    { return lo + r.Int64N(hi-lo+1) }
func oneOf(r *rand.Rand, list []string) string    { return list[r.IntN(len(list))] }
func padded(buf []byte, prefix string, n int64) []byte {
	buf = append(buf[:0], prefix...)
	s := strconv.FormatInt(n, 10)
	for i := len(s); i < 9; i++ {
		buf = append(buf, '0')
	}
	return append(buf, s...)
}

// phone builds a phone number of clause 4.2.2.9: country code nation+10.
func phone(buf []byte, r *rand.Rand, nation int64) []byte {
	buf = strconv.AppendInt(buf[:0], nation+10, 10)
	buf = append(buf, '-')
	buf = strconv.AppendInt(buf, between(r, 100, 999), 10)
	buf = append(buf, '-')
	buf = strconv.AppendInt(buf, between(r, 100, 999), 10)
	buf = append(buf, '-')
	return strconv.AppendInt(buf, between(r, 1000, 9999), 10)
}

func (g *gen) regions(b *array.RecordBuilder, emit func(int) error) error {
	r, c := rng(seedRegion, 0), cols{b}
	for i, name := range regions {
		c.i64(0).Append(int64(i))
		c.str(1).Append(name)
		c.str(2).Append(g.text(r, 31, 115))
	}
	return emit(0)
}

func (g *gen) nations(b *array.RecordBuilder, emit func(int) error) error {
	r, c := rng(seedNation, 0), cols{b}
	for i, n := range nations {
		c.i64(0).Append(int64(i))
		c.str(1).Append(n.name)
		c.i64(2).Append(n.region)
		c.str(3).Append(g.text(r, 31, 114))
	}
	return emit(0)
}

// forRows calls row for keys 1..n, with a random stream per chunk of keys,
// and emits a batch every batchRows rows.
func forRows(n int64, seed uint64, emit func(int) error, row func(r *rand.Rand, key int64)) error {
	var r *rand.Rand
	for k := int64(1); k <= n; k++ {
		if (k-1)%rowChunk == 0 {
			r = rng(seed, uint64((k-1)/rowChunk))
		}
		row(r, k)
		if k%batchRows == 0 {
			if err := emit(0); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gen) suppliers(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var buf []byte
	return forRows(g.c.supp, seedSupplier, emit, func(r *rand.Rand, k int64) {
		c.i64(0).Append(k)
		buf = padded(buf, "Supplier#", k)
		c.str(1).BinaryBuilder.Append(buf)
		buf = vstring(r, buf, 10, 40)
		c.str(2).BinaryBuilder.Append(buf)
		nation := r.Int64N(25)
		c.i64(3).Append(nation)
		buf = phone(buf, r, nation)
		c.str(4).BinaryBuilder.Append(buf)
		c.dec(5).Append(cents(between(r, -99999, 999999)))
		comment := g.text(r, 25, 100)
		// SF*5 suppliers each have complaints and recommendations in their
		// comment (clause 4.2.3): one in every 2000, at a random position.
		switch k % 2000 {
		case 7:
			comment = g.embed(r, comment, "Complaints")
		case 1307:
			comment = g.embed(r, comment, "Recommends")
		}
		c.str(6).Append(comment)
	})
}

// embed puts "Customer <text> <word>" at a random position of comment,
// keeping its length.
func (g *gen) embed(r *rand.Rand, comment, word string) string {
	mid := g.text(r, 0, 10)
	ins := "Customer " + mid + word
	if len(ins) >= len(comment) {
		return ins
	}
	at := r.IntN(len(comment) - len(ins) + 1)
	return comment[:at] + ins + comment[at+len(ins):]
}

func (g *gen) customers(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var buf []byte
	return forRows(g.c.cust, seedCustomer, emit, func(r *rand.Rand, k int64) {
		c.i64(0).Append(k)
		buf = padded(buf, "Customer#", k)
		c.str(1).BinaryBuilder.Append(buf)
		buf = vstring(r, buf, 10, 40)
		c.str(2).BinaryBuilder.Append(buf)
		nation := r.Int64N(25)
		c.i64(3).Append(nation)
		buf = phone(buf, r, nation)
		c.str(4).BinaryBuilder.Append(buf)
		c.dec(5).Append(cents(between(r, -99999, 999999)))
		c.str(6).Append(oneOf(r, segments))
		c.str(7).Append(g.text(r, 29, 116))
	})
}

// retailPrice is P_RETAILPRICE in cents (clause 4.2.3).
func retailPrice(partkey int64) int64 {
	return 90000 + (partkey/10)%20001 + 100*(partkey%1000)
}

// partSupplier is the i-th (0-3) supplier of a part (clause 4.2.3).
func partSupplier(partkey, i, s int64) int64 {
	return (partkey+i*(s/4+(partkey-1)/s))%s + 1
}

func (g *gen) parts(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var buf []byte
	var picked [5]int
	return forRows(g.c.part, seedPart, emit, func(r *rand.Rand, k int64) {
		c.i64(0).Append(k)
		// Five distinct colors.
		buf = buf[:0]
		for n := 0; n < 5; n++ {
		again:
			x := r.IntN(len(colors))
			for _, p := range picked[:n] {
				if p == x {
					goto again
				}
			}
			picked[n] = x
			if n > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, colors[x]...)
		}
		c.str(1).BinaryBuilder.Append(buf)
		m := between(r, 1, 5)
		buf = strconv.AppendInt(append(buf[:0], "Manufacturer#"...), m, 10)
		c.str(2).BinaryBuilder.Append(buf)
		buf = strconv.AppendInt(strconv.AppendInt(append(buf[:0], "Brand#"...), m, 10), between(r, 1, 5), 10)
		c.str(3).BinaryBuilder.Append(buf)
		buf = append(append(append(append(append(buf[:0], oneOf(r, typeS1)...), ' '), oneOf(r, typeS2)...), ' '), oneOf(r, typeS3)...)
		c.str(4).BinaryBuilder.Append(buf)
		c.i32(5).Append(int32(between(r, 1, 50)))
		buf = append(append(append(buf[:0], oneOf(r, containerS1)...), ' '), oneOf(r, containerS2)...)
		c.str(6).BinaryBuilder.Append(buf)
		c.dec(7).Append(cents(retailPrice(k)))
		c.str(8).Append(g.text(r, 5, 22))
	})
}

func (g *gen) partsupp(b *array.RecordBuilder, emit func(int) error) error {
	c := cols{b}
	var r *rand.Rand
	for k := int64(1); k <= g.c.part; k++ {
		if (k-1)%rowChunk == 0 {
			r = rng(seedPartsupp, uint64((k-1)/rowChunk))
		}
		for i := int64(0); i < 4; i++ {
			c.i64(0).Append(k)
			c.i64(1).Append(partSupplier(k, i, g.c.supp))
			c.i32(2).Append(int32(between(r, 1, 9999)))
			c.dec(3).Append(cents(between(r, 100, 100000)))
			c.str(4).Append(g.text(r, 49, 198))
		}
		if (4*k)%batchRows == 0 {
			if err := emit(0); err != nil {
				return err
			}
		}
	}
	return nil
}

// orderKey is the key of the i-th order (0-based): keys are sparse, the
// first 8 of every 32 (clause 4.2.3).
func orderKey(i int64) int64 { return i/8*32 + i%8 + 1 }

// orders generates the orders of chunks [from, to) with their line items.
func (g *gen) orders(from, to int64, ob, lb *array.RecordBuilder, emit func(int) error) error {
	o, l := cols{ob}, cols{lb}
	var buf []byte
	lines := 0
	for ch := from; ch < to; ch++ {
		r := rng(seedOrders, uint64(ch))
		last := min((ch+1)*orderChunk, g.c.orders)
		for i := ch * orderChunk; i < last; i++ {
			key := orderKey(i)
			cust := between(r, 1, g.c.cust)
			for cust%3 == 0 && g.c.cust > 2 {
				cust = between(r, 1, g.c.cust)
			}
			odate := int32(between(r, int64(startDate), int64(endDate-151)))
			n := between(r, 1, 7)
			var total int64 // in 1/1_000_000 of a cent: extprice * (100+tax) * (100-disc)
			var fCount int64
			for ln := int64(1); ln <= n; ln++ {
				part := between(r, 1, g.c.part)
				supp := partSupplier(part, r.Int64N(4), g.c.supp)
				qty := between(r, 1, 50)
				ext := qty * retailPrice(part)
				disc := between(r, 0, 10)
				tax := between(r, 0, 8)
				ship := odate + int32(between(r, 1, 121))
				commit := odate + int32(between(r, 30, 90))
				receipt := ship + int32(between(r, 1, 30))
				flag := "N"
				if receipt <= currentDate {
					flag = oneOf(r, []string{"R", "A"})
				}
				status := "O"
				if ship <= currentDate {
					status = "F"
					fCount++
				}
				total += ext * (100 + tax) * (100 - disc)
				l.i64(0).Append(key)
				l.i64(1).Append(part)
				l.i64(2).Append(supp)
				l.i32(3).Append(int32(ln))
				l.dec(4).Append(cents(qty * 100))
				l.dec(5).Append(cents(ext))
				l.dec(6).Append(cents(disc))
				l.dec(7).Append(cents(tax))
				l.str(8).Append(flag)
				l.str(9).Append(status)
				l.date(10).Append(arrow.Date32(ship))
				l.date(11).Append(arrow.Date32(commit))
				l.date(12).Append(arrow.Date32(receipt))
				l.str(13).Append(oneOf(r, instructions))
				l.str(14).Append(oneOf(r, shipModes))
				l.str(15).Append(g.text(r, 10, 43))
				lines++
			}
			status := "P"
			switch fCount {
			case n:
				status = "F"
			case 0:
				status = "O"
			}
			o.i64(0).Append(key)
			o.i64(1).Append(cust)
			o.str(2).Append(status)
			o.dec(3).Append(cents((total + 5000) / 10000))
			o.date(4).Append(arrow.Date32(odate))
			o.str(5).Append(oneOf(r, priorities))
			buf = padded(buf, "Clerk#", between(r, 1, g.c.clerks))
			o.str(6).BinaryBuilder.Append(buf)
			o.i32(7).Append(0)
			o.str(8).Append(g.text(r, 19, 78))
			if (i+1)%batchRows == 0 {
				if err := emit(0); err != nil {
					return err
				}
			}
			if lines >= batchRows {
				lines = 0
				if err := emit(1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
