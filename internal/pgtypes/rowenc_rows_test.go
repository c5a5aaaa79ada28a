package pgtypes

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgtype"
)

// AppendRows sizes a row from the fixed-size columns without NULLs once
// per span, from the fields' ends for numerics, and from each value for
// the rest: whole DataRows of columns of each kind, with and without
// NULLs, must be exactly the rows built from the boxed reference fields.
func TestAppendRowsMixedColumns(t *testing.T) {
	t.Parallel()
	tm := pgtype.NewMap()
	RegisterTypes(tm)
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	const n = 3000
	r := rand.New(rand.NewPCG(7, 13))
	nullEvery := func(every int) func(i int) bool {
		return func(i int) bool { return every > 0 && i%every == 3 }
	}
	type column struct {
		name string
		oid  uint32
		arr  arrow.Array
	}
	var cols []column
	add := func(name string, oid uint32, arr arrow.Array) { cols = append(cols, column{name, oid, arr}) }
	for _, every := range []int{0, 11} {
		null := nullEvery(every)
		suffix := fmt.Sprintf(" nulls/%d", every)
		ib := array.NewInt64Builder(mem)
		kb := array.NewInt32Builder(mem)
		db := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 12, Scale: 2})
		tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond})
		fb := array.NewFloat64Builder(mem)
		bb := array.NewBooleanBuilder(mem)
		sb := array.NewStringBuilder(mem)
		for i := 0; i < n; i++ {
			if null(i) {
				for _, b := range []array.Builder{ib, kb, db, tb, fb, bb, sb} {
					b.AppendNull()
				}
				continue
			}
			ib.Append(r.Int64() - r.Int64())
			kb.Append(r.Int32() - r.Int32())
			db.Append(decimal128.FromI64(r.Int64N(2e11) - 1e11))
			tb.Append(arrow.Timestamp(r.Int64N(4e15) - 1e15))
			fb.Append(r.NormFloat64() * 1e6)
			bb.Append(r.IntN(2) == 0)
			sb.Append(fmt.Sprintf("row-%d-%s", i, time.Duration(r.Int64N(1e12))))
		}
		add("int8"+suffix, OIDInt8, ib.NewArray())
		add("int4"+suffix, OIDInt4, kb.NewArray())
		add("numeric"+suffix, OIDNumeric, db.NewArray())
		add("timestamp"+suffix, OIDTimestamp, tb.NewArray())
		add("float8"+suffix, OIDFloat8, fb.NewArray())
		add("bool"+suffix, OIDBool, bb.NewArray())
		add("text"+suffix, OIDText, sb.NewArray())
		for _, b := range []array.Builder{ib, kb, db, tb, fb, bb, sb} {
			b.Release()
		}
	}
	// Interleave the columns so that NULL-free fixed-size columns sit
	// between others.
	r.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	oids := make([]uint32, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.arr.DataType(), Nullable: true}
		arrs[i], oids[i] = c.arr, c.oid
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), arrs, n)
	defer rec.Release()
	for _, a := range arrs {
		a.Release()
	}
	for _, format := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
		name := fmt.Sprintf("format %d", format)
		want := boxedRows(t, rec, oids, format, tm, 0, n)
		enc := newRowEncoder(oids, []int16{format}, time.UTC, nil)
		if got := encodeRows(t, enc, rec, 0, n); string(got) != string(want) {
			t.Fatalf("%s: DataRows differ from the boxed reference (%d bytes, want %d)", name, len(got), len(want))
		}
		// A span inside a slice of the batch, whose first NULLs fall
		// elsewhere, and a span too short to hold one.
		part := rec.NewSlice(5, n-7)
		pn := int(part.NumRows())
		for _, span := range [][2]int{{2, pn - 1}, {4, 6}} {
			want := boxedRows(t, part, oids, format, tm, span[0], span[1])
			if got := encodeRows(t, enc, part, span[0], span[1]); string(got) != string(want) {
				part.Release()
				t.Fatalf("%s: rows [%d, %d) of a slice differ from the boxed reference", name, span[0], span[1])
			}
		}
		part.Release()
	}
}

// boxedRows builds DataRows of rows [lo, hi) of rec from each column's
// boxed fields.
func boxedRows(t *testing.T, rec arrow.RecordBatch, oids []uint32, format int16, tm *pgtype.Map, lo, hi int) []byte {
	t.Helper()
	cols := make([][]byte, len(oids))
	for c, oid := range oids {
		b, err := boxedEncoder(oid, format == pgtype.BinaryFormatCode, tm, time.UTC)(nil, rec.Column(c), lo, hi)
		if err != nil {
			t.Fatalf("boxed column %d: %v", c, err)
		}
		cols[c] = b
	}
	var out []byte
	for i := lo; i < hi; i++ {
		start := len(out)
		out = append(out, 'D', 0, 0, 0, 0)
		out = binary.BigEndian.AppendUint16(out, uint16(len(oids)))
		for c := range cols {
			size := 4
			if l := int32(binary.BigEndian.Uint32(cols[c])); l > 0 {
				size += int(l)
			}
			out = append(out, cols[c][:size]...)
			cols[c] = cols[c][size:]
		}
		binary.BigEndian.PutUint32(out[start+1:], uint32(len(out)-start-1))
	}
	return out
}
