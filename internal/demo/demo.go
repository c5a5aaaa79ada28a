// Package demo seeds the embedded warehouse with three domains' tables:
// users.customers, payments.charges (partitioned by day) and comms.bounces.
// The data is generated deterministically, so every fresh demo has the same
// rows.
package demo

import (
	"context"
	_ "embed" // the demo policy file
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
)

// Sizes of the demo tables.
type Sizes struct {
	Customers, Charges, Bounces int
}

// DefaultSizes are the sizes `lakegate demo` seeds.
var DefaultSizes = Sizes{Customers: 100_000, Charges: 2_000_000, Bounces: 50_000}

var (
	countries = []string{"US", "DE", "FR", "GB", "NL", "ES", "IT", "BR", "IN", "JP"}
	currency  = []string{"USD", "EUR", "GBP", "JPY"}
	statuses  = []string{"succeeded", "succeeded", "succeeded", "succeeded", "failed", "refunded", "pending"}
	channels  = []string{"email", "sms", "push"}
	reasons   = []string{"mailbox_full", "unknown_user", "blocked", "timeout", "invalid_number"}
	epoch     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	names     = []string{"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Ken", "Margaret", "Linus", "Radia"}
)

// Tables lists the demo tables.
var Tables = []catalog.Ident{{Schema: "users", Name: "customers"}, {Schema: "payments", Name: "charges"}, {Schema: "comms", Name: "bounces"}}

// Seeded reports whether the demo tables exist.
func Seeded(ctx context.Context, cat *catalog.Catalog) bool {
	for _, t := range Tables {
		if _, err := cat.LoadTable(ctx, t); err != nil {
			return false
		}
	}
	return true
}

// Codec is the Parquet compression of the demo's data files (the tables'
// write.parquet.compression-codec).
const Codec = "zstd"

// Seed creates and fills the demo tables, reporting progress.
func Seed(ctx context.Context, cat *catalog.Catalog, sz Sizes, progress func(string)) error {
	return SeedCodec(ctx, cat, sz, Codec, progress)
}

// SeedCodec is Seed with another Parquet compression codec (an Iceberg
// write.parquet.compression-codec: zstd, snappy, gzip, uncompressed).
// The rows are the same. The server tests seed with snappy: under the race
// detector a zstd encoder costs tens of milliseconds of CPU per data file,
// and the demo writes one file per day of charges (a gateway seeded 4.5 s
// of CPU with zstd, 0.6 s with snappy).
func SeedCodec(ctx context.Context, cat *catalog.Catalog, sz Sizes, codec string, progress func(string)) error {
	steps := []struct {
		ident  catalog.Ident
		schema *iceberg.Schema
		part   []iceberg.PartitionField
		rows   int
		fill   func(b *array.RecordBuilder, r *rand.Rand, start, n int)
		owner  string
	}{
		{
			ident: Tables[0], rows: sz.Customers, owner: "users",
			schema: iceberg.NewSchema(0,
				iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
				iceberg.NestedField{ID: 2, Name: "name", Type: iceberg.PrimitiveTypes.String},
				iceberg.NestedField{ID: 3, Name: "email", Type: iceberg.PrimitiveTypes.String},
				iceberg.NestedField{ID: 4, Name: "country", Type: iceberg.PrimitiveTypes.String},
				iceberg.NestedField{ID: 5, Name: "created_at", Type: iceberg.PrimitiveTypes.TimestampTz},
			),
			fill: func(b *array.RecordBuilder, r *rand.Rand, start, n int) {
				for i := start; i < start+n; i++ {
					id := int64(i + 1)
					b.Field(0).(*array.Int64Builder).Append(id)
					nm := names[r.IntN(len(names))]
					b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("%s %d", nm, id))
					b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("customer%d@example.com", id))
					b.Field(3).(*array.StringBuilder).Append(countries[r.IntN(len(countries))])
					b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(epoch.Add(-time.Duration(r.IntN(365*24*3600)) * time.Second).UnixMicro()))
				}
			},
		},
		{
			ident: Tables[1], rows: sz.Charges, owner: "payments",
			schema: iceberg.NewSchema(0,
				iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
				iceberg.NestedField{ID: 2, Name: "customer_id", Type: iceberg.PrimitiveTypes.Int64},
				iceberg.NestedField{ID: 3, Name: "amount", Type: iceberg.DecimalTypeOf(12, 2)},
				iceberg.NestedField{ID: 4, Name: "currency", Type: iceberg.PrimitiveTypes.String},
				iceberg.NestedField{ID: 5, Name: "status", Type: iceberg.PrimitiveTypes.String},
				iceberg.NestedField{ID: 6, Name: "created_at", Type: iceberg.PrimitiveTypes.TimestampTz},
			),
			part: []iceberg.PartitionField{{SourceIDs: []int{6}, FieldID: 1000, Name: "created_at_day", Transform: iceberg.DayTransform{}}},
			fill: func(b *array.RecordBuilder, r *rand.Rand, start, n int) {
				for i := start; i < start+n; i++ {
					b.Field(0).(*array.Int64Builder).Append(int64(i + 1))
					b.Field(1).(*array.Int64Builder).Append(int64(r.IntN(max(sz.Customers, 1)) + 1))
					b.Field(2).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(100 + r.IntN(50_000))))
					b.Field(3).(*array.StringBuilder).Append(currency[r.IntN(len(currency))])
					b.Field(4).(*array.StringBuilder).Append(statuses[r.IntN(len(statuses))])
					// 90 days of charges, in id order, so each day is one partition.
					at := epoch.Add(time.Duration(float64(i) / float64(max(sz.Charges, 1)) * float64(90*24*time.Hour)))
					b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(at.UnixMicro()))
				}
			},
		},
		{
			ident: Tables[2], rows: sz.Bounces, owner: "comms",
			schema: iceberg.NewSchema(0,
				iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
				iceberg.NestedField{ID: 2, Name: "customer_id", Type: iceberg.PrimitiveTypes.Int64},
				iceberg.NestedField{ID: 3, Name: "channel", Type: iceberg.PrimitiveTypes.String},
				iceberg.NestedField{ID: 4, Name: "reason", Type: iceberg.PrimitiveTypes.String},
				iceberg.NestedField{ID: 5, Name: "bounced_at", Type: iceberg.PrimitiveTypes.TimestampTz},
			),
			fill: func(b *array.RecordBuilder, r *rand.Rand, start, n int) {
				for i := start; i < start+n; i++ {
					b.Field(0).(*array.Int64Builder).Append(int64(i + 1))
					b.Field(1).(*array.Int64Builder).Append(int64(r.IntN(max(sz.Customers, 1)) + 1))
					b.Field(2).(*array.StringBuilder).Append(channels[r.IntN(len(channels))])
					b.Field(3).(*array.StringBuilder).Append(reasons[r.IntN(len(reasons))])
					b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(epoch.Add(time.Duration(r.IntN(90*24*3600)) * time.Second).UnixMicro()))
				}
			},
		},
	}
	for si, st := range steps {
		if _, err := cat.LoadTable(ctx, st.ident); err == nil {
			progress(fmt.Sprintf("%s exists, kept", st.ident))
			continue
		}
		if err := cat.EnsureSchema(ctx, st.ident.Schema, map[string]string{"owner-domain": st.owner}); err != nil {
			return err
		}
		if err := cat.CreateTable(ctx, st.ident, catalog.TableSpec{Schema: st.schema, Partition: st.part,
			Properties: map[string]string{"owner-domain": st.owner, "write.parquet.compression-codec": codec}}); err != nil {
			return err
		}
		asch, err := arrowSchema(st.schema)
		if err != nil {
			return err
		}
		start := time.Now()
		r := rand.New(rand.NewPCG(uint64(si+1), 42))
		const batch = 64 * 1024
		recs := make(chan arrow.RecordBatch, 2)
		go func() {
			defer close(recs)
			b := array.NewRecordBuilder(memory.DefaultAllocator, asch)
			defer b.Release()
			for off := 0; off < st.rows; off += batch {
				n := min(batch, st.rows-off)
				st.fill(b, r, off, n)
				select {
				case recs <- b.NewRecordBatch():
				case <-ctx.Done():
					return
				}
				if (off/batch)%8 == 7 {
					progress(fmt.Sprintf("%s: generated %d of %d rows", st.ident, off+n, st.rows))
				}
			}
		}()
		if err := cat.Append(ctx, st.ident, &chanReader{schema: asch, ch: recs}); err != nil {
			for rec := range recs {
				rec.Release()
			}
			return err
		}
		progress(fmt.Sprintf("%s: %d rows in %s", st.ident, st.rows, time.Since(start).Round(time.Millisecond)))
	}
	return nil
}

func arrowSchema(s *iceberg.Schema) (*arrow.Schema, error) {
	fields := make([]arrow.Field, 0, len(s.Fields()))
	for _, f := range s.Fields() {
		var t arrow.DataType
		switch ft := f.Type.(type) {
		case iceberg.Int64Type:
			t = arrow.PrimitiveTypes.Int64
		case iceberg.StringType:
			t = arrow.BinaryTypes.String
		case iceberg.TimestampTzType:
			t = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		case iceberg.DecimalType:
			t = &arrow.Decimal128Type{Precision: int32(ft.Precision()), Scale: int32(ft.Scale())}
		default:
			return nil, fmt.Errorf("demo: type %s", f.Type)
		}
		fields = append(fields, arrow.Field{Name: f.Name, Type: t, Nullable: !f.Required})
	}
	return arrow.NewSchema(fields, nil), nil
}

// chanReader is an array.RecordReader over a channel: the generator runs in
// its own goroutine while iceberg-go writes Parquet.
type chanReader struct {
	schema *arrow.Schema
	ch     chan arrow.RecordBatch
	cur    arrow.RecordBatch
	refs   int64
}

func (c *chanReader) Retain()               { c.refs++ }
func (c *chanReader) Release()              {}
func (c *chanReader) Schema() *arrow.Schema { return c.schema }
func (c *chanReader) Err() error            { return nil }
func (c *chanReader) Next() bool {
	if c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
	rec, ok := <-c.ch
	if !ok {
		return false
	}
	c.cur = rec
	return true
}
func (c *chanReader) RecordBatch() arrow.RecordBatch { return c.cur }

//lint:ignore U1000 arrow's RecordReader interface in this version still names Record.
func (c *chanReader) Record() arrow.RecordBatch { return c.cur }

// AppendBounces appends n generated rows to comms.bounces as one snapshot
// (a stand-in for another writer in tests).
func AppendBounces(ctx context.Context, cat *catalog.Catalog, n int) error {
	t, err := cat.LoadTable(ctx, Tables[2])
	if err != nil {
		return err
	}
	asch, err := arrowSchema(t.Schema())
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, asch)
	defer b.Release()
	r := rand.New(rand.NewPCG(99, 7))
	for i := 0; i < n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(1_000_000 + i))
		b.Field(1).(*array.Int64Builder).Append(int64(r.IntN(100) + 1))
		b.Field(2).(*array.StringBuilder).Append(channels[r.IntN(len(channels))])
		b.Field(3).(*array.StringBuilder).Append(reasons[r.IntN(len(reasons))])
		b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(epoch.UnixMicro()))
	}
	rec := b.NewRecordBatch()
	ch := make(chan arrow.RecordBatch, 1)
	ch <- rec
	close(ch)
	return cat.Append(ctx, Tables[2], &chanReader{schema: asch, ch: ch})
}

// Policy is the demo's access policy (internal/demo/policy.yaml): analysts
// read everything as external with e-mail addresses masked, each service
// domain owns its namespace, payments cannot see comms.bounces.
//
//go:embed policy.yaml
var Policy []byte
