package server

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5/pgtype"
)

// Result rows are encoded column by column, straight from the Arrow arrays
// of a batch into one reusable buffer per column, and then interleaved into
// messages: DataRow for query results and cursors, CopyData for COPY. The
// type switch runs once per column and batch, never per value, and common
// types (integers, floats, bool, text, bytea, date, time, timestamp[tz],
// numeric) are written without boxing, reflection or math/big. A column of
// any other type (intervals, UUIDs, arrays, structs, ...) falls back to the
// boxed values of encode.go and the connection's pgtype.Map, which remains
// the reference the fast encoders are tested against (rowenc_test.go).
//
// A column's buffer holds, per row, what a DataRow field holds: an int32
// length (-1 for NULL) and the value's bytes in the column's format (text
// or binary). COPY BINARY fields have exactly that form too; COPY text and
// CSV read the lengths and escape the bytes.

// fieldEncoder appends the fields of rows [lo, hi) of arr.
type fieldEncoder func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error)

// encodedColumn is one column's plan and the fields of the rows being sent.
type encodedColumn struct {
	oid    uint32
	binary bool
	typ    arrow.DataType // the Arrow type enc was planned for
	enc    fieldEncoder
	buf    []byte
	pos    int
}

// rowEncoder encodes a statement's result batches.
type rowEncoder struct {
	cols []encodedColumn
	loc  *time.Location
	tm   *pgtype.Map // for fallback columns
	n    int         // rows in buffers
}

// maxSpanBytes bounds the bytes one span of rows may encode to (a row
// larger than that is a span of its own): memory stays flat however wide
// the values.
const maxSpanBytes = 1 << 20

// newRowEncoder plans encoders for result columns of the given OIDs.
// formats follow the protocol's Bind message: none means text for every
// column, one applies to every column, otherwise one per column.
func newRowEncoder(oids []uint32, formats []int16, loc *time.Location, tm *pgtype.Map) *rowEncoder {
	if loc == nil {
		loc = time.UTC
	}
	e := &rowEncoder{cols: make([]encodedColumn, len(oids)), loc: loc, tm: tm}
	for i, oid := range oids {
		f := int16(pgtype.TextFormatCode)
		switch {
		case len(formats) == 1:
			f = formats[0]
		case i < len(formats):
			f = formats[i]
		}
		e.cols[i] = encodedColumn{oid: oid, binary: f == pgtype.BinaryFormatCode}
	}
	return e
}

// span returns the end of the next span of rows from lo: as many rows as
// fit in maxSpanBytes by an estimate of their encoded size, at least one.
func (e *rowEncoder) span(rec arrow.RecordBatch, lo int) int {
	n := int(rec.NumRows())
	fixed := 0 // per-row bytes, not counting variable-width values
	var vars []arrow.Array
	for c := range e.cols {
		fixed += 4 + 24
		switch rec.Column(c).(type) {
		case *array.String, *array.LargeString, *array.Binary, *array.LargeBinary, *array.StringView, *array.BinaryView:
			vars = append(vars, rec.Column(c))
		}
	}
	if len(vars) == 0 {
		if per := (n - lo) * fixed; per <= maxSpanBytes {
			return n
		}
		return min(n, lo+max(1, maxSpanBytes/fixed))
	}
	total := 0
	for i := lo; i < n; i++ {
		row := fixed
		for _, a := range vars {
			row += 2 * varLen(a, i) // bytea's text form doubles its bytes
		}
		if total += row; total > maxSpanBytes && i > lo {
			return i
		}
	}
	return n
}

func varLen(a arrow.Array, i int) int {
	switch a := a.(type) {
	case *array.String:
		return a.ValueLen(i)
	case *array.LargeString:
		return a.ValueLen(i)
	case *array.Binary:
		return a.ValueLen(i)
	case *array.LargeBinary:
		return a.ValueLen(i)
	case *array.StringView:
		return a.ValueLen(i)
	case *array.BinaryView:
		return a.ValueLen(i)
	}
	return 0
}

// encode encodes rows [lo, hi) of rec into the column buffers, column by
// column, replacing what they held.
func (e *rowEncoder) encode(rec arrow.RecordBatch, lo, hi int) error {
	if int(rec.NumCols()) != len(e.cols) {
		return fmt.Errorf("server: result has %d columns, described %d", rec.NumCols(), len(e.cols))
	}
	for c := range e.cols {
		col := &e.cols[c]
		arr := rec.Column(c)
		if col.enc == nil || !arrow.TypeEqual(col.typ, arr.DataType()) {
			enc, err := e.plan(col, arr)
			if err != nil {
				return err
			}
			col.typ, col.enc = arr.DataType(), enc
		}
		if cap(col.buf) > 4*maxSpanBytes {
			col.buf = nil // do not keep what one wide span needed
		}
		buf, err := col.enc(col.buf[:0], arr, lo, hi)
		if err != nil {
			return err
		}
		col.buf, col.pos = buf, 0
	}
	e.n = hi - lo
	return nil
}

// nextField appends column c's next field (length and bytes) to dst.
func (e *rowEncoder) nextField(dst []byte, c int) []byte {
	col := &e.cols[c]
	b := col.buf[col.pos:]
	n := 4
	if l := int32(binary.BigEndian.Uint32(b)); l > 0 {
		n += int(l)
	}
	col.pos += n
	return append(dst, b[:n]...)
}

// nextValue returns column c's next value bytes, nil for NULL. They are
// valid until the next encode.
func (e *rowEncoder) nextValue(c int) []byte {
	col := &e.cols[c]
	b := col.buf[col.pos:]
	l := int32(binary.BigEndian.Uint32(b))
	if l < 0 {
		col.pos += 4
		return nil
	}
	col.pos += 4 + int(l)
	return b[4 : 4+l : 4+l]
}

// appendRows appends the encoded rows as messages of type msg (DataRow, or
// CopyData of COPY BINARY rows): a field count, then the fields.
func (e *rowEncoder) appendRows(dst []byte, msg byte) []byte {
	nc := len(e.cols)
	for i := 0; i < e.n; i++ {
		start := len(dst)
		dst = append(dst, msg, 0, 0, 0, 0, byte(nc>>8), byte(nc))
		for c := 0; c < nc; c++ {
			dst = e.nextField(dst, c)
		}
		binary.BigEndian.PutUint32(dst[start+1:], uint32(len(dst)-start-1))
	}
	return dst
}

// rawRows returns the encoded rows as values psql-wire writes as they are
// (rawField), for writers that must go through psql-wire row by row.
func (e *rowEncoder) rawRows() [][]any {
	nc := len(e.cols)
	rows := make([][]any, e.n)
	cells := make([]any, e.n*nc)
	for i := range rows {
		row := cells[i*nc : (i+1)*nc : (i+1)*nc]
		for c := range row {
			if v := e.nextValue(c); v != nil {
				row[c] = rawField(v)
			}
		}
		rows[i] = row
	}
	return rows
}

// plan picks the encoder for a column of arr's type.
func (e *rowEncoder) plan(col *encodedColumn, arr arrow.Array) (fieldEncoder, error) {
	if enc := fastEncoder(arr, col.oid, col.binary, e.loc); enc != nil {
		return enc, nil
	}
	if e.tm == nil {
		return nil, fmt.Errorf("server: no encoder for %s as type %d", arr.DataType(), col.oid)
	}
	return boxedEncoder(col.oid, col.binary, e.tm, e.loc), nil
}

// boxedEncoder encodes each value as a Go value through tm (encode.go's
// columnReader): the fallback, and the reference of the fast encoders.
func boxedEncoder(oid uint32, bin bool, tm *pgtype.Map, loc *time.Location) fieldEncoder {
	format := int16(pgtype.TextFormatCode)
	if bin {
		format = pgtype.BinaryFormatCode
	}
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		get, err := columnReader(arr, oid, loc)
		if err != nil {
			return nil, err
		}
		for i := lo; i < hi; i++ {
			v := get(i)
			if v == nil {
				dst = appendNull(dst)
				continue
			}
			start := len(dst)
			dst = append(dst, 0, 0, 0, 0)
			out, err := tm.Encode(oid, format, v, dst)
			if err != nil {
				return nil, err
			}
			if out != nil {
				dst = out
			}
			binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
		}
		return dst, nil
	}
}

func appendNull(dst []byte) []byte { return append(dst, 0xff, 0xff, 0xff, 0xff) }

// fastEncoder returns the columnar encoder for arr's type sent as oid, or
// nil when the type takes the fallback.
func fastEncoder(arr arrow.Array, oid uint32, bin bool, loc *time.Location) fieldEncoder {
	switch arr.(type) {
	case *array.Boolean:
		if oid == oidBool {
			return encodeBool(bin)
		}
	case *array.Int8:
		if oid == oidInt2 {
			return encodeInts[int8](bin, 2)
		}
	case *array.Uint8:
		if oid == oidInt2 {
			return encodeInts[uint8](bin, 2)
		}
	case *array.Int16:
		if oid == oidInt2 {
			return encodeInts[int16](bin, 2)
		}
	case *array.Uint16:
		if oid == oidInt4 {
			return encodeInts[uint16](bin, 4)
		}
	case *array.Int32:
		if oid == oidInt4 {
			return encodeInts[int32](bin, 4)
		}
	case *array.Uint32:
		if oid == oidInt8 {
			return encodeInts[uint32](bin, 8)
		}
	case *array.Int64:
		if oid == oidInt8 {
			return encodeInts[int64](bin, 8)
		}
	case *array.Float32:
		if oid == oidFloat4 {
			return encodeFloat32(bin)
		}
	case *array.Float64:
		if oid == oidFloat8 {
			return encodeFloat64(bin)
		}
	case *array.Decimal128, *array.Decimal64, *array.Decimal32:
		if oid == oidNumeric {
			return encodeDecimal(arr.DataType(), bin)
		}
	case *array.String, *array.LargeString, *array.StringView:
		if oid == oidText || oid == oidJSON {
			return encodeStrings
		}
	case *array.Binary, *array.LargeBinary, *array.BinaryView:
		if oid == oidBytea {
			return encodeBytes(bin)
		}
	case *array.Date32:
		if oid == oidDate {
			return encodeDate(bin)
		}
	case *array.Time64, *array.Time32:
		if oid == oidTime {
			return encodeTime(arr.DataType(), bin)
		}
	case *array.Timestamp:
		tt := arr.DataType().(*arrow.TimestampType)
		if (oid == oidTimestamptz) == (tt.TimeZone != "") && (oid == oidTimestamp || oid == oidTimestamptz) {
			return encodeTimestamp(tt.Unit, oid == oidTimestamptz, bin, loc)
		}
	}
	return nil
}

// grow returns dst with room for n more bytes, and the n bytes to write.
func grow(dst []byte, n int) ([]byte, []byte) {
	l := len(dst)
	if cap(dst)-l < n {
		nb := make([]byte, l, 2*cap(dst)+n)
		copy(nb, dst)
		dst = nb
	}
	dst = dst[:l+n]
	return dst, dst[l:]
}

func encodeBool(bin bool) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(*array.Boolean)
		for i := lo; i < hi; i++ {
			switch {
			case a.IsNull(i):
				dst = appendNull(dst)
			case bin && a.Value(i):
				dst = append(dst, 0, 0, 0, 1, 1)
			case bin:
				dst = append(dst, 0, 0, 0, 1, 0)
			case a.Value(i):
				dst = append(dst, 0, 0, 0, 1, 't')
			default:
				dst = append(dst, 0, 0, 0, 1, 'f')
			}
		}
		return dst, nil
	}
}

type integer interface {
	int8 | uint8 | int16 | uint16 | int32 | uint32 | int64
}

// encodeInts writes integers as int2, int4 or int8 (width bytes).
func encodeInts[T integer](bin bool, width int) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		vals := arr.(interface{ Values() []T }).Values()[lo:hi]
		nulls := arr.NullN() > 0
		if bin && !nulls {
			var out []byte
			dst, out = grow(dst, len(vals)*(4+width))
			for _, v := range vals {
				out[0], out[1], out[2], out[3] = 0, 0, 0, byte(width)
				switch width {
				case 2:
					binary.BigEndian.PutUint16(out[4:], uint16(v))
				case 4:
					binary.BigEndian.PutUint32(out[4:], uint32(v))
				default:
					binary.BigEndian.PutUint64(out[4:], uint64(v))
				}
				out = out[4+width:]
			}
			return dst, nil
		}
		for j, v := range vals {
			if nulls && arr.IsNull(lo+j) {
				dst = appendNull(dst)
				continue
			}
			if bin {
				dst = append(dst, 0, 0, 0, byte(width))
				switch width {
				case 2:
					dst = binary.BigEndian.AppendUint16(dst, uint16(v))
				case 4:
					dst = binary.BigEndian.AppendUint32(dst, uint32(v))
				default:
					dst = binary.BigEndian.AppendUint64(dst, uint64(v))
				}
				continue
			}
			dst = appendTextInt(dst, int64(v))
		}
		return dst, nil
	}
}

// appendTextInt appends a length-prefixed decimal integer.
func appendTextInt(dst []byte, v int64) []byte {
	var tmp [20]byte
	i := len(tmp)
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	for u >= 10 {
		q := u / 10
		i--
		tmp[i] = byte('0' + u - q*10)
		u = q
	}
	i--
	tmp[i] = byte('0' + u)
	if v < 0 {
		i--
		tmp[i] = '-'
	}
	n := len(tmp) - i
	dst = append(dst, 0, 0, 0, byte(n))
	return append(dst, tmp[i:]...)
}

func encodeFloat32(bin bool) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(*array.Float32)
		for i := lo; i < hi; i++ {
			switch {
			case a.IsNull(i):
				dst = appendNull(dst)
			case bin:
				dst = append(dst, 0, 0, 0, 4)
				dst = binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(float64(a.Value(i)))))
			default:
				dst = appendTextField(dst, func(b []byte) []byte { return appendFloat(b, float64(a.Value(i)), 32) })
			}
		}
		return dst, nil
	}
}

func encodeFloat64(bin bool) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(*array.Float64)
		for i := lo; i < hi; i++ {
			switch {
			case a.IsNull(i):
				dst = appendNull(dst)
			case bin:
				dst = append(dst, 0, 0, 0, 8)
				dst = binary.BigEndian.AppendUint64(dst, math.Float64bits(a.Value(i)))
			default:
				dst = appendTextField(dst, func(b []byte) []byte { return appendFloat(b, a.Value(i), 64) })
			}
		}
		return dst, nil
	}
}

// appendTextField appends a length prefix and what add appends.
func appendTextField(dst []byte, add func([]byte) []byte) []byte {
	start := len(dst)
	dst = add(append(dst, 0, 0, 0, 0))
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

// encodeStrings writes text values; their text and binary forms are the
// same bytes (text, varchar, json).
func encodeStrings(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
	switch a := arr.(type) {
	case *array.String:
		offs, data := a.ValueOffsets(), a.ValueBytes()
		base := int(offs[0])
		nulls := a.NullN() > 0
		for i := lo; i < hi; i++ {
			if nulls && a.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			s, e := int(offs[i])-base, int(offs[i+1])-base
			dst = binary.BigEndian.AppendUint32(dst, uint32(e-s))
			dst = append(dst, data[s:e]...)
		}
	case *array.LargeString:
		for i := lo; i < hi; i++ {
			dst = appendStringField(dst, a.IsNull(i), a.Value(i))
		}
	case *array.StringView:
		for i := lo; i < hi; i++ {
			dst = appendStringField(dst, a.IsNull(i), a.Value(i))
		}
	}
	return dst, nil
}

func appendStringField(dst []byte, null bool, s string) []byte {
	if null {
		return appendNull(dst)
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// encodeBytes writes bytea: the bytes in binary, \x and hex digits in text.
func encodeBytes(bin bool) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(interface {
			arrow.Array
			Value(int) []byte
		})
		for i := lo; i < hi; i++ {
			if a.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			v := a.Value(i)
			if bin {
				dst = binary.BigEndian.AppendUint32(dst, uint32(len(v)))
				dst = append(dst, v...)
				continue
			}
			dst = binary.BigEndian.AppendUint32(dst, uint32(2+2*len(v)))
			dst = append(dst, '\\', 'x')
			for _, c := range v {
				dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
			}
		}
		return dst, nil
	}
}

const hexDigits = "0123456789abcdef"

// Days and microseconds between 1970-01-01 and PostgreSQL's epoch,
// 2000-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1e6
)

// encodeDate writes dates; DuckDB's ±infinity are ±MaxInt32 days,
// PostgreSQL's binary ones MaxInt32 and MinInt32.
func encodeDate(bin bool) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(*array.Date32)
		vals := a.Values()
		for i := lo; i < hi; i++ {
			if a.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			d := int32(vals[i])
			if bin {
				v := d - pgEpochDays
				switch d {
				case math.MaxInt32:
					v = math.MaxInt32
				case -math.MaxInt32:
					v = math.MinInt32
				}
				dst = append(dst, 0, 0, 0, 4)
				dst = binary.BigEndian.AppendUint32(dst, uint32(v))
				continue
			}
			switch d {
			case math.MaxInt32:
				dst = appendStringField(dst, false, "infinity")
			case -math.MaxInt32:
				dst = appendStringField(dst, false, "-infinity")
			default:
				dst = appendTextField(dst, func(b []byte) []byte {
					b, bc := appendCivilDate(b, int64(d))
					if bc {
						b = append(b, " BC"...)
					}
					return b
				})
			}
		}
		return dst, nil
	}
}

// encodeTime writes times of day as microseconds.
func encodeTime(t arrow.DataType, bin bool) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		for i := lo; i < hi; i++ {
			if arr.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			var us int64
			switch a := arr.(type) {
			case *array.Time64:
				us = int64(a.Value(i))
				if t.(*arrow.Time64Type).Unit == arrow.Nanosecond {
					us /= 1000
				}
			case *array.Time32:
				us = int64(a.Value(i))
				if t.(*arrow.Time32Type).Unit == arrow.Millisecond {
					us *= 1000
				} else {
					us *= 1e6
				}
			}
			if bin {
				dst = append(dst, 0, 0, 0, 8)
				dst = binary.BigEndian.AppendUint64(dst, uint64(us))
				continue
			}
			dst = appendTextField(dst, func(b []byte) []byte {
				return appendClock(b, us/3600e6, us/60e6%60, us/1e6%60, us%1e6)
			})
		}
		return dst, nil
	}
}

// encodeTimestamp writes timestamps as microseconds since 2000-01-01 in
// binary, and in text as PostgreSQL prints them (timestamptz in the
// session's zone). DuckDB's ±infinity are ±MaxInt64 in every unit.
func encodeTimestamp(unit arrow.TimeUnit, withTZ, bin bool, loc *time.Location) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(*array.Timestamp)
		vals := a.Values()
		nulls := a.NullN() > 0
		for i := lo; i < hi; i++ {
			if nulls && a.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			v := int64(vals[i])
			inf := 0
			switch v {
			case math.MaxInt64:
				inf = 1
			case -math.MaxInt64:
				inf = -1
			}
			us := v
			switch unit {
			case arrow.Second:
				us *= 1e6
			case arrow.Millisecond:
				us *= 1e3
			case arrow.Nanosecond:
				us = floorDiv(v, 1000)
			}
			if bin {
				pg := us - pgEpochMicros
				switch inf {
				case 1:
					pg = math.MaxInt64
				case -1:
					pg = math.MinInt64
				}
				dst = append(dst, 0, 0, 0, 8)
				dst = binary.BigEndian.AppendUint64(dst, uint64(pg))
				continue
			}
			switch inf {
			case 1:
				dst = appendStringField(dst, false, "infinity")
				continue
			case -1:
				dst = appendStringField(dst, false, "-infinity")
				continue
			}
			start := len(dst)
			dst = append(dst, 0, 0, 0, 0)
			switch {
			case !withTZ:
				dst = appendTimestampMicros(dst, us, false, 0)
			case loc == time.UTC:
				dst = appendTimestampMicros(dst, us, true, 0)
			default:
				_, off := time.UnixMicro(us).In(loc).Zone()
				dst = appendTimestampMicros(dst, us, true, off)
			}
			binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
		}
		return dst, nil
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// appendTimestampMicros appends the instant us (microseconds since the
// Unix epoch) shifted by off seconds, as appendTimestamp does for a
// time.Time in a zone with that offset.
func appendTimestampMicros(b []byte, us int64, withZone bool, off int) []byte {
	us += int64(off) * 1e6
	days := floorDiv(us, 86400e6)
	tod := us - days*86400e6
	b, bc := appendCivilDate(b, days)
	b = append(b, ' ')
	b = appendClock(b, tod/3600e6, tod/60e6%60, tod/1e6%60, tod%1e6)
	if withZone {
		b = appendZone(b, off)
	}
	if bc {
		b = append(b, " BC"...)
	}
	return b
}

// appendZone appends a UTC offset as PostgreSQL does: "+01", "+05:30",
// "+00:53:28".
func appendZone(b []byte, off int) []byte {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = appendPadded(b, int64(off/3600), 2)
	if off%60 != 0 {
		b = append(b, ':')
		b = appendPadded(b, int64(off/60%60), 2)
		b = append(b, ':')
		b = appendPadded(b, int64(off%60), 2)
	} else if off/60%60 != 0 {
		b = append(b, ':')
		b = appendPadded(b, int64(off/60%60), 2)
	}
	return b
}

// appendCivilDate appends the proleptic Gregorian date days after
// 1970-01-01 as YYYY-MM-DD; years before 1 are written as PostgreSQL
// writes them (year 0 is 1 BC) and reported, for the caller's " BC".
func appendCivilDate(b []byte, days int64) ([]byte, bool) {
	y, m, d := civilFromDays(days)
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, d), bc
}

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian
// year, month and day (H. Hinnant's days_from_civil, inverted).
func civilFromDays(days int64) (y, m, d int64) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// append2 appends 0 <= v < 100 as two digits.
func append2(b []byte, v int64) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}
