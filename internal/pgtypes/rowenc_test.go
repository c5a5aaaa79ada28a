package pgtypes

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgtype"
)

// The fast encoders must write exactly what the boxed values write through
// pgtype (whose output the type tests compare with PostgreSQL 15), for
// every value: each case builds an Arrow column of edge and random values
// and compares the two encodings field by field, in text and binary.

type encCase struct {
	name string
	oid  uint32
	arr  func(mem memory.Allocator, r *rand.Rand) arrow.Array
}

const randomValues = 3000

func build[B interface {
	array.Builder
	AppendNull()
}](mem memory.Allocator, newB func(memory.Allocator) B, edge int, fill func(b B, i int)) arrow.Array {
	b := newB(mem)
	defer b.Release()
	for i := 0; i < edge+randomValues; i++ {
		if i%17 == 5 {
			b.AppendNull()
			continue
		}
		fill(b, i)
	}
	return b.NewArray()
}

func intCase[T int8 | uint8 | int16 | uint16 | int32 | uint32 | int64, B interface {
	array.Builder
	AppendNull()
	Append(T)
}](name string, oid uint32, newB func(memory.Allocator) B, edges []T) encCase {
	return encCase{name, oid, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
		return build(mem, newB, len(edges), func(b B, i int) {
			if i < len(edges) {
				b.Append(edges[i])
				return
			}
			b.Append(T(r.Uint64() >> (r.IntN(64))))
		})
	}}
}

func decimalCase(name string, precision, scale int32) encCase {
	return encCase{name, OIDNumeric, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
		limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(precision)), nil)
		max := new(big.Int).Sub(limit, big.NewInt(1))
		edges := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(-1), max, new(big.Int).Neg(max),
			big.NewInt(10000), big.NewInt(-10000), big.NewInt(5), big.NewInt(50), big.NewInt(500), big.NewInt(100000000)}
		t := &arrow.Decimal128Type{Precision: precision, Scale: scale}
		return build(mem, func(mem memory.Allocator) *array.Decimal128Builder { return array.NewDecimal128Builder(mem, t) },
			len(edges), func(b *array.Decimal128Builder, i int) {
				var v *big.Int
				if i < len(edges) {
					v = edges[i]
				} else {
					// magnitudes of every size, many with trailing zeros
					digits := 1 + r.IntN(int(precision))
					ds := make([]byte, digits)
					for k := range ds {
						ds[k] = byte('0' + r.IntN(10))
					}
					v, _ = new(big.Int).SetString(string(ds), 10)
					if z := r.IntN(6); z > 0 && digits > z {
						p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(z)), nil)
						v.Div(v, p).Mul(v, p)
					}
					if r.IntN(2) == 0 {
						v.Neg(v)
					}
				}
				if v.CmpAbs(limit) >= 0 {
					v = new(big.Int).Mod(v, limit)
				}
				b.Append(decimal128.FromBigInt(v))
			})
	}}
}

func timestampCase(name string, unit arrow.TimeUnit, tz string) encCase {
	oid := uint32(OIDTimestamp)
	if tz != "" {
		oid = OIDTimestamptz
	}
	perSec := map[arrow.TimeUnit]int64{arrow.Second: 1, arrow.Millisecond: 1e3, arrow.Microsecond: 1e6, arrow.Nanosecond: 1e9}[unit]
	return encCase{name, oid, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
		t := &arrow.TimestampType{Unit: unit, TimeZone: tz}
		edges := []int64{0, 1, -1, math.MaxInt64, -math.MaxInt64, 946684800 * perSec, -62135596800 * perSec, -62135596800*perSec - 1,
			-62198755200 * perSec, 253402300799 * perSec, 253402300800 * perSec, 1709210096 * perSec, -1577923200 * perSec}
		span := int64(math.MaxInt64)
		if unit != arrow.Nanosecond {
			span = 200000 * 365 * 86400 * perSec // ±200000 years
		}
		return build(mem, func(mem memory.Allocator) *array.TimestampBuilder { return array.NewTimestampBuilder(mem, t) },
			len(edges), func(b *array.TimestampBuilder, i int) {
				if i < len(edges) {
					b.Append(arrow.Timestamp(edges[i]))
					return
				}
				v := r.Int64N(span)
				if r.IntN(2) == 0 {
					v = -v
				}
				if r.IntN(3) == 0 {
					v -= v % perSec // whole seconds
				}
				b.Append(arrow.Timestamp(v))
			})
	}}
}

func encCases() []encCase {
	return []encCase{
		{"bool", OIDBool, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			return build(mem, array.NewBooleanBuilder, 0, func(b *array.BooleanBuilder, i int) { b.Append(r.IntN(2) == 0) })
		}},
		intCase("int8", OIDInt2, array.NewInt8Builder, []int8{0, math.MinInt8, math.MaxInt8, -1}),
		intCase("uint8", OIDInt2, array.NewUint8Builder, []uint8{0, math.MaxUint8}),
		intCase("int16", OIDInt2, array.NewInt16Builder, []int16{0, math.MinInt16, math.MaxInt16, -1}),
		intCase("uint16", OIDInt4, array.NewUint16Builder, []uint16{0, math.MaxUint16}),
		intCase("int32", OIDInt4, array.NewInt32Builder, []int32{0, math.MinInt32, math.MaxInt32, -1, 10, -10}),
		intCase("uint32", OIDInt8, array.NewUint32Builder, []uint32{0, math.MaxUint32}),
		intCase("oid", OIDOID, array.NewUint32Builder, []uint32{0, 1, 1700, math.MaxInt32, math.MaxUint32}),
		intCase("int64", OIDInt8, array.NewInt64Builder, []int64{0, math.MinInt64, math.MaxInt64, -1, 1e18, -1e18}),
		{"float32", OIDFloat4, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			edges := []float32{0, float32(math.Copysign(0, -1)), 1, -1.5, 0.1, 1e6, 999999, 1e-4, 1e-5, math.MaxFloat32,
				math.SmallestNonzeroFloat32, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
			return build(mem, array.NewFloat32Builder, len(edges), func(b *array.Float32Builder, i int) {
				if i < len(edges) {
					b.Append(edges[i])
					return
				}
				if r.IntN(2) == 0 {
					b.Append(math.Float32frombits(r.Uint32()))
				} else {
					b.Append(float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-8))))
				}
			})
		}},
		{"float64", OIDFloat8, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			edges := []float64{0, math.Copysign(0, -1), 1, -2.5, 0.1, 1e15, 999999999999999, 1e-4, 1.5e-5, 1e20, 123456789012345.6,
				math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
			return build(mem, array.NewFloat64Builder, len(edges), func(b *array.Float64Builder, i int) {
				if i < len(edges) {
					b.Append(edges[i])
					return
				}
				if r.IntN(2) == 0 {
					b.Append(math.Float64frombits(r.Uint64()))
				} else {
					b.Append(r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-15)))
				}
			})
		}},
		decimalCase("decimal(12,2)", 12, 2),
		decimalCase("decimal(18,4)", 18, 4),
		decimalCase("decimal(5,4)", 5, 4),
		decimalCase("decimal(4,1)", 4, 1),
		decimalCase("decimal(9,3)", 9, 3),
		decimalCase("decimal(38,0)", 38, 0),
		decimalCase("decimal(38,9)", 38, 9),
		decimalCase("decimal(38,37)", 38, 37),
		decimalCase("decimal(20,7)", 20, 7),
		{"decimal64(18,5)", OIDNumeric, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			t := &arrow.Decimal64Type{Precision: 18, Scale: 5}
			return build(mem, func(mem memory.Allocator) *array.Decimal64Builder { return array.NewDecimal64Builder(mem, t) },
				0, func(b *array.Decimal64Builder, i int) { b.Append(decimal.Decimal64(r.Int64N(1e18) - 5e17)) })
		}},
		{"decimal32(9,2)", OIDNumeric, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			t := &arrow.Decimal32Type{Precision: 9, Scale: 2}
			return build(mem, func(mem memory.Allocator) *array.Decimal32Builder { return array.NewDecimal32Builder(mem, t) },
				0, func(b *array.Decimal32Builder, i int) { b.Append(decimal.Decimal32(r.Int32N(1e9) - 5e8)) })
		}},
		{"text", OIDText, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			return build(mem, array.NewStringBuilder, 0, func(b *array.StringBuilder, i int) { b.Append(randText(r)) })
		}},
		{"json", OIDJSON, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			return build(mem, array.NewStringBuilder, 0, func(b *array.StringBuilder, i int) { b.Append(`{"a":"` + randText(r) + `"}`) })
		}},
		{"large text", OIDText, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			return build(mem, array.NewLargeStringBuilder, 0, func(b *array.LargeStringBuilder, i int) { b.Append(randText(r)) })
		}},
		{"text view", OIDText, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			return build(mem, array.NewStringViewBuilder, 0, func(b *array.StringViewBuilder, i int) { b.Append(randText(r)) })
		}},
		{"bytea", OIDBytea, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			return build(mem, func(mem memory.Allocator) *array.BinaryBuilder {
				return array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
			},
				0, func(b *array.BinaryBuilder, i int) { b.Append([]byte(randText(r))) })
		}},
		{"date", OIDDate, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			edges := []int32{0, -1, math.MaxInt32, -math.MaxInt32, 10957, -719162, -719163, -735840, 2932896, 2932897, 19782}
			return build(mem, array.NewDate32Builder, len(edges), func(b *array.Date32Builder, i int) {
				if i < len(edges) {
					b.Append(arrow.Date32(edges[i]))
					return
				}
				b.Append(arrow.Date32(r.Int32N(2*73000000) - 73000000)) // ±200000 years
			})
		}},
		{"time us", OIDTime, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			t := &arrow.Time64Type{Unit: arrow.Microsecond}
			return build(mem, func(mem memory.Allocator) *array.Time64Builder { return array.NewTime64Builder(mem, t) },
				2, func(b *array.Time64Builder, i int) {
					b.Append(arrow.Time64([]int64{0, 86400e6 - 1, r.Int64N(86400e6)}[min(i, 2)]))
				})
		}},
		{"time ns", OIDTime, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			t := &arrow.Time64Type{Unit: arrow.Nanosecond}
			return build(mem, func(mem memory.Allocator) *array.Time64Builder { return array.NewTime64Builder(mem, t) },
				0, func(b *array.Time64Builder, i int) { b.Append(arrow.Time64(r.Int64N(86400e9))) })
		}},
		{"time ms", OIDTime, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			t := &arrow.Time32Type{Unit: arrow.Millisecond}
			return build(mem, func(mem memory.Allocator) *array.Time32Builder { return array.NewTime32Builder(mem, t) },
				0, func(b *array.Time32Builder, i int) { b.Append(arrow.Time32(r.Int32N(86400e3))) })
		}},
		{"time s", OIDTime, func(mem memory.Allocator, r *rand.Rand) arrow.Array {
			t := &arrow.Time32Type{Unit: arrow.Second}
			return build(mem, func(mem memory.Allocator) *array.Time32Builder { return array.NewTime32Builder(mem, t) },
				0, func(b *array.Time32Builder, i int) { b.Append(arrow.Time32(r.Int32N(86400))) })
		}},
		timestampCase("timestamp us", arrow.Microsecond, ""),
		timestampCase("timestamp ns", arrow.Nanosecond, ""),
		timestampCase("timestamp ms", arrow.Millisecond, ""),
		timestampCase("timestamp s", arrow.Second, ""),
		timestampCase("timestamptz us", arrow.Microsecond, "UTC"),
		timestampCase("timestamptz ns", arrow.Nanosecond, "Etc/UTC"),
	}
}

func randText(r *rand.Rand) string {
	const chars = "abc xyz,\"'\\\t\n\r|;é€0123456789"
	rs := []rune(chars)
	n := r.IntN(12)
	if r.IntN(50) == 0 {
		n = 5000
	}
	out := make([]rune, n)
	for i := range out {
		out[i] = rs[r.IntN(len(rs))]
	}
	return string(out)
}

func TestFastEncodersMatchPgtype(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	tm := pgtype.NewMap()
	RegisterTypes(tm)
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	for _, tc := range encCases() {
		r := rand.New(rand.NewPCG(1, uint64(len(tc.name))))
		arr := tc.arr(mem, r)
		n := arr.Len()
		rec := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "v", Type: arr.DataType(), Nullable: true}}, nil), []arrow.Array{arr}, int64(n))
		arr.Release()
		locs := []*time.Location{time.UTC}
		if tc.oid == OIDTimestamptz {
			locs = append(locs, berlin, kolkata)
		}
		for _, loc := range locs {
			for _, format := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
				name := fmt.Sprintf("%s (format %d, %s)", tc.name, format, loc)
				want, err := boxedEncoder(tc.oid, format == pgtype.BinaryFormatCode, tm, loc)(nil, rec.Column(0), 0, n)
				if err != nil {
					t.Fatalf("%s: boxed: %v", name, err)
				}
				if format == pgtype.TextFormatCode {
					// Every column in buffers, as COPY text and CSV read them.
					buffered := newRowEncoder([]uint32{tc.oid}, []int16{format}, loc, nil)
					buffered.buffered = true
					compareFields(t, name+" buffered", rec.Column(0), want, fieldsOf(t, encodeRows(t, buffered, rec, 0, n)))
					if err := buffered.Encode(rec, 0, n); err != nil {
						t.Fatal(err)
					}
					var values []byte
					for i := 0; i < n; i++ {
						v := buffered.NextValue(0)
						if v == nil {
							values = appendNull(values)
							continue
						}
						values = binary.BigEndian.AppendUint32(values, uint32(len(v)))
						values = append(values, v...)
					}
					compareFields(t, name+" values", rec.Column(0), want, values)
				}
				// No type map: a column without a fast encoder fails.
				enc := newRowEncoder([]uint32{tc.oid}, []int16{format}, loc, nil)
				compareFields(t, name, rec.Column(0), want, fieldsOf(t, encodeRows(t, enc, rec, 0, n)))
				// A slice of the batch (as cursors send it) and a span
				// inside it encode the same fields.
				part := rec.NewSlice(7, int64(n-3))
				got := fieldsOf(t, encodeRows(t, enc, part, 2, int(part.NumRows())-1))
				part.Release()
				compareFields(t, name+" slice", nil, skipFields(want, 9, n-4), got)
				// Rows for psql-wire hold the same values.
				if err := enc.Encode(rec, 0, n); err != nil {
					t.Fatal(err)
				}
				var raw []byte
				for _, row := range enc.RawRows() {
					if row[0] == nil {
						raw = appendNull(raw)
						continue
					}
					raw = binary.BigEndian.AppendUint32(raw, uint32(len(row[0].(rawField))))
					raw = append(raw, row[0].(rawField)...)
				}
				compareFields(t, name+" raw", rec.Column(0), want, raw)
			}
		}
		rec.Release()
	}
}

// encodeRows encodes rows [lo, hi) of rec span by span into DataRows.
func encodeRows(t *testing.T, enc *RowEncoder, rec arrow.RecordBatch, lo, hi int) []byte {
	t.Helper()
	var out []byte
	for lo < hi {
		end := min(enc.Span(rec, lo), hi)
		if err := enc.Encode(rec, lo, end); err != nil {
			t.Fatal(err)
		}
		out = enc.AppendRows(out, 'D', nil)
		lo = end
	}
	return out
}

// fieldsOf checks one-column DataRows and returns their fields.
func fieldsOf(t *testing.T, rows []byte) []byte {
	t.Helper()
	var fields []byte
	for len(rows) > 0 {
		if rows[0] != 'D' || len(rows) < 7 || binary.BigEndian.Uint16(rows[5:]) != 1 {
			t.Fatalf("not a one-column DataRow: %q", rows[:min(len(rows), 16)])
		}
		size := 1 + int(binary.BigEndian.Uint32(rows[1:]))
		fields = append(fields, rows[7:size]...)
		rows = rows[size:]
	}
	return fields
}

// skipFields returns fields [from, to) of an encoded column.
func skipFields(buf []byte, from, to int) []byte {
	var start int
	pos := 0
	for i := 0; i < to; i++ {
		if i == from {
			start = pos
		}
		l := int32(binary.BigEndian.Uint32(buf[pos:]))
		pos += 4 + max(0, int(l))
	}
	return buf[start:pos]
}

func compareFields(t *testing.T, name string, arr arrow.Array, want, got []byte) {
	t.Helper()
	if bytes.Equal(want, got) {
		return
	}
	// Find the first field that differs.
	wp, gp := 0, 0
	for i := 0; wp < len(want) && gp < len(got); i++ {
		wl, gl := int32(binary.BigEndian.Uint32(want[wp:])), int32(binary.BigEndian.Uint32(got[gp:]))
		we, ge := wp+4+max(0, int(wl)), gp+4+max(0, int(gl))
		if wl != gl || !bytes.Equal(want[wp:we], got[gp:ge]) {
			val := ""
			if arr != nil {
				val = arr.ValueStr(i)
			}
			t.Fatalf("%s: row %d (%s): want %q, got %q", name, i, val, want[wp+4:we], got[gp+4:ge])
		}
		wp, gp = we, ge
	}
	t.Fatalf("%s: %d bytes, want %d", name, len(got), len(want))
}

// BenchmarkRowEncoder encodes engine-sized batches (2048 rows) of the
// stream benchmark's shape (bigint, integer, numeric(12,2), text,
// timestamp) into DataRow messages:
//
//	go test -tags duckdb_arrow -run '^$' -bench RowEncoder ./internal/pgtypes/
func BenchmarkRowEncoder(b *testing.B) {
	mem := memory.DefaultAllocator
	const n = 2048
	ib, kb := array.NewInt64Builder(mem), array.NewInt32Builder(mem)
	ab := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 12, Scale: 2})
	lb, tb := array.NewStringBuilder(mem), array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond})
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := int64(5_000_000); i < 5_000_000+n; i++ {
		ib.Append(i)
		kb.Append(int32(i % 1000))
		ab.Append(decimal128.FromI64(i))
		lb.Append("row-" + time.Duration(i).String())
		tb.Append(arrow.Timestamp(epoch + i*1e6))
	}
	cols := []arrow.Array{ib.NewArray(), kb.NewArray(), ab.NewArray(), lb.NewArray(), tb.NewArray()}
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: cols[0].DataType()}, {Name: "k", Type: cols[1].DataType()},
		{Name: "amount", Type: cols[2].DataType()}, {Name: "label", Type: cols[3].DataType()}, {Name: "ts", Type: cols[4].DataType()}}, nil)
	rec := array.NewRecordBatch(schema, cols, n)
	defer rec.Release()
	oids := []uint32{OIDInt8, OIDInt4, OIDNumeric, OIDText, OIDTimestamp}
	for _, format := range []int16{pgtype.BinaryFormatCode, pgtype.TextFormatCode} {
		name := map[int16]string{0: "text", 1: "binary"}[format]
		b.Run(name, func(b *testing.B) {
			enc := newRowEncoder(oids, []int16{format}, time.UTC, nil)
			var buf []byte
			for b.Loop() {
				for lo := 0; lo < n; {
					hi := enc.Span(rec, lo)
					if err := enc.Encode(rec, lo, hi); err != nil {
						b.Fatal(err)
					}
					buf = enc.AppendRows(buf[:0], 'D', nil)
					lo = hi
				}
			}
			b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e6, "Mrows/s")
			b.SetBytes(int64(len(buf)))
		})
	}
}

// TestRegisteredRawFields: psql-wire writes a portal's rows (RawRows)
// through the connection's type map; every type a result column can be
// labelled with writes the encoded field as it is (a type the map does
// not know would go out as bytea).
func TestRegisteredRawFields(t *testing.T) {
	m := pgtype.NewMap()
	RegisterTypes(m)
	oids := []uint32{OIDText, OIDName, OIDChar, OIDOID, OIDVarchar, OIDRegproc, OIDRegclass, OIDRegtype, OIDRegnamespace,
		OIDRegrole, OIDInt2Vector, OIDOIDVector, OIDPgNodeTree, OIDXid, OIDOIDArray, OIDNameArray}
	for _, oid := range oids {
		for _, format := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
			got, err := m.Encode(oid, format, rawField("pg_class"), nil)
			if err != nil || string(got) != "pg_class" {
				t.Errorf("type %d format %d: %q %v", oid, format, got, err)
			}
		}
	}
}
