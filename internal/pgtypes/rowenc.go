package pgtypes

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
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

// placeEncoder writes the fields of rows [lo, lo+len(pos)) of arr, whose
// values all have the same size in binary, in place: field j at
// out[pos[j]:], advancing pos[j] past it.
type placeEncoder func(out []byte, pos []int, arr arrow.Array, lo int)

// encodedColumn is one column's plan and the fields of the rows being sent.
type encodedColumn struct {
	oid    uint32
	binary bool
	engine string         // engine type, for types Arrow does not tell (wideint.go)
	typ    arrow.DataType // the Arrow type the encoder was planned for
	enc    fieldEncoder   // fields encoded into buf, or
	place  placeEncoder   // written in place by AppendRows,
	size   sizer          // with fields of these sizes
	arr    arrow.Array    // the column of the batch being sent
	buf    []byte
	pos    int
	ends   []int // where each field in buf ends (AppendRows)
}

// sizer adds the sizes of the fields of rows [lo, lo+len(sizes)) of arr
// to sizes.
type sizer func(sizes []int, arr arrow.Array, lo int)

// fixedSize sizes fields of width-byte values.
func fixedSize(width int) sizer {
	return func(sizes []int, arr arrow.Array, lo int) {
		full := 4 + width
		if arr.NullN() == 0 {
			for i := range sizes {
				sizes[i] += full
			}
			return
		}
		for i := range sizes {
			if arr.IsNull(lo + i) {
				sizes[i] += 4
			} else {
				sizes[i] += full
			}
		}
	}
}

// RowEncoder encodes a statement's result batches. Its methods are called
// in this order for each span of rows of a batch: Span, Encode, then
// AppendRows, RawRows, or NextValue for each value of each row.
type RowEncoder struct {
	cols     []encodedColumn
	buffered bool // every column in buffers (NextValue reads them all)
	loc      *time.Location
	tm       *pgtype.Map // for fallback columns
	lo, n    int         // the span of the batch being sent
	sizes    []int       // per row of the span: its message's size
	places   []int       // per row: where its next field goes
	raw      []byte      // RawRows' messages
	limits   Limits      // caps of one value and one row (rowlimit.go)
}

// EncodeOptions configure a RowEncoder; the zero value encodes in UTC,
// without caps, and fails on a column no columnar encoder handles.
type EncodeOptions struct {
	// Location is the session's TimeZone, in which timestamptz values
	// are shown in text (nil: UTC).
	Location *time.Location
	// TypeMap encodes the columns the columnar encoders do not
	// (intervals, UUIDs, arrays, structs, ...): the connection's map,
	// adjusted by RegisterTypes.
	TypeMap *pgtype.Map
	Limits  Limits
	// Buffered keeps every column's fields in buffers for NextValue (COPY
	// text and CSV read each value); otherwise AppendRows writes text and
	// fixed-size binary values in place.
	Buffered bool
}

// MaxSpanBytes bounds the bytes one span of rows may encode to (a row
// larger than that is a span of its own): memory stays flat however wide
// the values. A caller's message buffer beyond a few times this size is
// worth dropping after a wide span.
const MaxSpanBytes = 1 << 20

// NewRowEncoder plans the encoding of result rows of the given columns.
// formats follow the protocol's Bind message: none means text for every
// column, one applies to every column, otherwise one per column.
func NewRowEncoder(cols []Column, formats []int16, opts EncodeOptions) *RowEncoder {
	oids := make([]uint32, len(cols))
	for i, col := range cols {
		oids[i] = OID(col.Type)
	}
	e := newRowEncoder(oids, formats, opts.Location, opts.TypeMap)
	for i, col := range cols {
		e.cols[i].engine = col.Type.Engine // wideint.go
	}
	e.limits, e.buffered = opts.Limits, opts.Buffered
	return e
}

// newRowEncoder plans encoders for result columns of the given OIDs.
func newRowEncoder(oids []uint32, formats []int16, loc *time.Location, tm *pgtype.Map) *RowEncoder {
	if loc == nil {
		loc = time.UTC
	}
	e := &RowEncoder{cols: make([]encodedColumn, len(oids)), loc: loc, tm: tm}
	for i, oid := range oids {
		// as psql-wire reads them for the RowDescription it sends: a
		// column without a format of its own takes the first one
		f := int16(pgtype.TextFormatCode)
		if len(formats) > 0 {
			f = formats[0]
		}
		if i < len(formats) {
			f = formats[i]
		}
		e.cols[i] = encodedColumn{oid: oid, binary: f == pgtype.BinaryFormatCode}
	}
	return e
}

// Span returns the end of the next span of rows from lo: as many rows as
// fit in MaxSpanBytes by an estimate of their encoded size, at least one.
func (e *RowEncoder) Span(rec arrow.RecordBatch, lo int) int {
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
		if per := (n - lo) * fixed; per <= MaxSpanBytes {
			return n
		}
		return min(n, lo+max(1, MaxSpanBytes/fixed))
	}
	total := (n - lo) * fixed
	for _, a := range vars {
		total += 2 * varBytes(a, lo, n)
	}
	if total <= MaxSpanBytes {
		return n
	}
	total = 0
	for i := lo; i < n; i++ {
		row := fixed
		for _, a := range vars {
			row += 2 * varLen(a, i) // bytea's text form doubles its bytes
		}
		if total += row; total > MaxSpanBytes && i > lo {
			return i
		}
	}
	return n
}

// varBytes is the number of value bytes of rows [lo, hi) of a.
func varBytes(a arrow.Array, lo, hi int) int {
	switch a := a.(type) {
	case *array.String:
		return a.ValueOffset(hi-1) + a.ValueLen(hi-1) - a.ValueOffset(lo)
	case *array.LargeString:
		return int(a.ValueOffset64(hi-1)) + a.ValueLen(hi-1) - int(a.ValueOffset64(lo))
	case *array.Binary:
		return a.ValueOffset(hi-1) + a.ValueLen(hi-1) - a.ValueOffset(lo)
	case *array.LargeBinary:
		return int(a.ValueOffset64(hi-1)) + a.ValueLen(hi-1) - int(a.ValueOffset64(lo))
	}
	n := 0
	for i := lo; i < hi; i++ {
		n += varLen(a, i)
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

// Encode encodes rows [lo, hi) of rec, column by column, into the column
// buffers (placed columns are written by AppendRows). A value or row over
// the encoder's Limits fails with a ResultTooLargeError.
func (e *RowEncoder) Encode(rec arrow.RecordBatch, lo, hi int) error {
	if int(rec.NumCols()) != len(e.cols) {
		return fmt.Errorf("pgtypes: result has %d columns, described %d", rec.NumCols(), len(e.cols))
	}
	if err := e.limits.check(rec, lo, hi, e.cols); err != nil {
		return err
	}
	for c := range e.cols {
		col := &e.cols[c]
		arr := rec.Column(c)
		if (col.enc == nil && col.place == nil) || !arrow.TypeEqual(col.typ, arr.DataType()) {
			if err := e.plan(col, arr); err != nil {
				return err
			}
			col.typ = arr.DataType()
		}
		col.arr = arr
		if col.place != nil {
			continue
		}
		if cap(col.buf) > 4*MaxSpanBytes {
			col.buf = nil // do not keep what one wide span needed
		}
		buf, err := col.enc(col.buf[:0], arr, lo, hi)
		if err != nil {
			return err
		}
		col.buf, col.pos = buf, 0
	}
	e.lo, e.n = lo, hi-lo
	return nil
}

// Rows is the number of rows the last Encode encoded.
func (e *RowEncoder) Rows() int { return e.n }

// NextValue returns buffered column c's next value bytes, nil for NULL.
// They are valid until the next Encode.
func (e *RowEncoder) NextValue(c int) []byte {
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

// AppendRows appends the encoded span as messages of type msg (DataRow, or
// CopyData of COPY BINARY rows): after the message header, prefix in the
// first message only (the COPY BINARY header), a field count, then the
// fields. Messages are sized first, then filled column by column.
func (e *RowEncoder) AppendRows(dst []byte, msg byte, prefix []byte) []byte {
	n, nc := e.n, len(e.cols)
	if n == 0 {
		return dst
	}
	sizes := slicesGrow(e.sizes, n)
	for i := range sizes {
		sizes[i] = 7 // type, length, field count
	}
	sizes[0] += len(prefix)
	for c := range e.cols {
		col := &e.cols[c]
		if col.place != nil {
			col.size(sizes, col.arr, e.lo)
			continue
		}
		b := col.buf
		ends := slicesGrow(col.ends, n)
		p := 0
		for i := range sizes {
			f := 4
			if l := int32(binary.BigEndian.Uint32(b[p:])); l > 0 {
				f += int(l)
			}
			sizes[i] += f
			p += f
			ends[i] = p
		}
		col.ends = ends
	}
	total := 0
	for _, sz := range sizes {
		total += sz
	}
	dst, out := grow(dst, total)
	places := slicesGrow(e.places, n)
	p := 0
	for i, sz := range sizes {
		out[p] = msg
		binary.BigEndian.PutUint32(out[p+1:], uint32(sz-1))
		q := p + 5
		if i == 0 {
			q += copy(out[q:], prefix)
		}
		binary.BigEndian.PutUint16(out[q:], uint16(nc))
		places[i] = q + 2
		p += sz
	}
	for c := range e.cols {
		col := &e.cols[c]
		if col.place != nil {
			col.place(out, places, col.arr, e.lo)
			continue
		}
		b := col.buf
		q := 0
		for i, at := range places {
			end := col.ends[i]
			places[i] = at + copy(out[at:], b[q:end])
			q = end
		}
	}
	e.sizes, e.places = sizes, places
	return dst
}

func slicesGrow(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// RawRows returns the encoded rows as values psql-wire writes as they are
// (rawField), for writers that must go through psql-wire row by row.
func (e *RowEncoder) RawRows() [][]any {
	nc := len(e.cols)
	e.raw = e.AppendRows(e.raw[:0], 'D', nil)
	rows := make([][]any, e.n)
	cells := make([]any, e.n*nc)
	b := e.raw
	for i := range rows {
		row := cells[i*nc : (i+1)*nc : (i+1)*nc]
		p := 7
		for c := range row {
			l := int32(binary.BigEndian.Uint32(b[p:]))
			p += 4
			if l >= 0 {
				row[c] = rawField(b[p : p+int(l) : p+int(l)])
				p += int(l)
			}
		}
		rows[i] = row
		b = b[p:]
	}
	return rows
}

// plan picks the encoder for a column of arr's type.
func (e *RowEncoder) plan(col *encodedColumn, arr arrow.Array) error {
	col.enc, col.place, col.size = nil, nil, nil
	if enc := wideIntEncoder(col.engine, arr, col.oid, col.binary); enc != nil {
		col.enc = enc
		return nil
	}
	if !e.buffered {
		if place, size := placedEncoder(arr, col.oid, col.binary); place != nil {
			col.place, col.size = place, size
			return nil
		}
	}
	if enc := fastEncoder(arr, col.oid, col.binary, e.loc); enc != nil {
		col.enc = enc
		return nil
	}
	if e.tm == nil {
		return fmt.Errorf("pgtypes: no encoder for %s as type %d", arr.DataType(), col.oid)
	}
	col.enc = boxedEncoder(col.oid, col.binary, e.tm, e.loc)
	return nil
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

// fastEncoder returns the columnar encoder for arr's type sent as oid in
// a buffer (text format; numeric, text and bytea in binary too), or nil
// when the type takes the fallback.
func fastEncoder(arr arrow.Array, oid uint32, bin bool, loc *time.Location) fieldEncoder {
	switch arr.(type) {
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
	}
	if bin {
		return nil
	}
	switch arr.(type) {
	case *array.Boolean:
		if oid == oidBool {
			return encodeBool
		}
	case *array.Int8:
		if oid == oidInt2 {
			return encodeInts[int8]
		}
	case *array.Uint8:
		if oid == oidInt2 {
			return encodeInts[uint8]
		}
	case *array.Int16:
		if oid == oidInt2 {
			return encodeInts[int16]
		}
	case *array.Uint16:
		if oid == oidInt4 {
			return encodeInts[uint16]
		}
	case *array.Int32:
		if oid == oidInt4 {
			return encodeInts[int32]
		}
	case *array.Uint32:
		if oid == oidInt8 {
			return encodeInts[uint32]
		}
	case *array.Int64:
		if oid == oidInt8 {
			return encodeInts[int64]
		}
	case *array.Float32:
		if oid == oidFloat4 {
			return encodeFloat32
		}
	case *array.Float64:
		if oid == oidFloat8 {
			return encodeFloat64
		}
	case *array.Date32:
		if oid == oidDate {
			return encodeDate
		}
	case *array.Time64, *array.Time32:
		if oid == oidTime {
			return encodeTime(arr.DataType().(arrow.TemporalWithUnit).TimeUnit())
		}
	case *array.Timestamp:
		tt := arr.DataType().(*arrow.TimestampType)
		if (oid == oidTimestamptz) == (tt.TimeZone != "") && (oid == oidTimestamp || oid == oidTimestamptz) {
			return encodeTimestamp(tt.Unit, oid == oidTimestamptz, loc)
		}
	}
	return nil
}

// placedEncoder returns the in-place encoder of arr's type sent as oid in
// the given format, and its sizer, or nil: text values, whose bytes are
// the same in both formats, and fixed-size values in binary.
func placedEncoder(arr arrow.Array, oid uint32, bin bool) (placeEncoder, sizer) {
	if _, ok := arr.(*array.String); ok && (oid == oidText || oid == oidJSON) {
		return placeStrings, sizeStrings
	}
	if !bin {
		return nil, nil
	}
	switch arr.(type) {
	case *array.Int8:
		if oid == oidInt2 {
			return placeInts[int8](2), fixedSize(2)
		}
	case *array.Uint8:
		if oid == oidInt2 {
			return placeInts[uint8](2), fixedSize(2)
		}
	case *array.Int16:
		if oid == oidInt2 {
			return placeInts[int16](2), fixedSize(2)
		}
	case *array.Uint16:
		if oid == oidInt4 {
			return placeInts[uint16](4), fixedSize(4)
		}
	case *array.Int32:
		if oid == oidInt4 {
			return placeInts[int32](4), fixedSize(4)
		}
	case *array.Uint32:
		if oid == oidInt8 {
			return placeInts[uint32](8), fixedSize(8)
		}
	case *array.Int64:
		if oid == oidInt8 {
			return placeInts[int64](8), fixedSize(8)
		}
	case *array.Float32:
		if oid == oidFloat4 {
			return placeValues(4, func(arr arrow.Array, i int) uint64 {
				// through float64, as pgtype does: a signaling NaN
				// arrives quiet
				return uint64(math.Float32bits(float32(float64(arr.(*array.Float32).Value(i)))))
			}), fixedSize(4)
		}
	case *array.Float64:
		if oid == oidFloat8 {
			return placeValues(8, func(arr arrow.Array, i int) uint64 {
				return math.Float64bits(arr.(*array.Float64).Value(i))
			}), fixedSize(8)
		}
	case *array.Boolean:
		if oid == oidBool {
			return placeValues(1, func(arr arrow.Array, i int) uint64 {
				if arr.(*array.Boolean).Value(i) {
					return 1
				}
				return 0
			}), fixedSize(1)
		}
	case *array.Date32:
		if oid == oidDate {
			return placeValues(4, func(arr arrow.Array, i int) uint64 {
				return uint64(uint32(pgDate(int32(arr.(*array.Date32).Value(i)))))
			}), fixedSize(4)
		}
	case *array.Time64, *array.Time32:
		if oid == oidTime {
			unit := arr.DataType().(arrow.TemporalWithUnit).TimeUnit()
			return placeValues(8, func(arr arrow.Array, i int) uint64 {
				return uint64(timeMicros(arr, i, unit))
			}), fixedSize(8)
		}
	case *array.Timestamp:
		tt := arr.DataType().(*arrow.TimestampType)
		if (oid == oidTimestamptz) == (tt.TimeZone != "") && (oid == oidTimestamp || oid == oidTimestamptz) {
			return placeTimestamps(tt.Unit), fixedSize(8)
		}
	}
	return nil, nil
}

// putField writes a binary field of width bytes holding v at b.
func putField(b []byte, width int, v uint64) {
	b[0], b[1], b[2] = 0, 0, 0
	b[3] = byte(width)
	switch width {
	case 1:
		b[4] = byte(v)
	case 2:
		binary.BigEndian.PutUint16(b[4:], uint16(v))
	case 4:
		binary.BigEndian.PutUint32(b[4:], uint32(v))
	default:
		binary.BigEndian.PutUint64(b[4:], v)
	}
}

func placeInts[T integer](width int) placeEncoder {
	return func(out []byte, pos []int, arr arrow.Array, lo int) {
		vals := arr.(interface{ Values() []T }).Values()[lo : lo+len(pos)]
		nulls := arr.NullN() > 0
		for j, v := range vals {
			p := pos[j]
			if nulls && arr.IsNull(lo+j) {
				pos[j] = p + copy(out[p:], nullField)
				continue
			}
			switch width {
			case 2:
				b := out[p : p+6]
				b[0], b[1], b[2], b[3] = 0, 0, 0, 2
				binary.BigEndian.PutUint16(b[4:], uint16(v))
			case 4:
				b := out[p : p+8]
				b[0], b[1], b[2], b[3] = 0, 0, 0, 4
				binary.BigEndian.PutUint32(b[4:], uint32(v))
			default:
				b := out[p : p+12]
				b[0], b[1], b[2], b[3] = 0, 0, 0, 8
				binary.BigEndian.PutUint64(b[4:], uint64(v))
			}
			pos[j] = p + 4 + width
		}
	}
}

func sizeStrings(sizes []int, arr arrow.Array, lo int) {
	a := arr.(*array.String)
	offs := a.ValueOffsets()[lo : lo+len(sizes)+1]
	nulls := a.NullN() > 0
	for i := range sizes {
		if nulls && a.IsNull(lo+i) {
			sizes[i] += 4
			continue
		}
		sizes[i] += 4 + int(offs[i+1]-offs[i])
	}
}

func placeStrings(out []byte, pos []int, arr arrow.Array, lo int) {
	a := arr.(*array.String)
	offs, data := a.ValueOffsets(), a.ValueBytes()
	base := offs[0]
	nulls := a.NullN() > 0
	for j, p := range pos {
		i := lo + j
		if nulls && a.IsNull(i) {
			pos[j] = p + copy(out[p:], nullField)
			continue
		}
		s, e := offs[i]-base, offs[i+1]-base
		binary.BigEndian.PutUint32(out[p:], uint32(e-s))
		pos[j] = p + 4 + copy(out[p+4:], data[s:e])
	}
}

var nullField = []byte{0xff, 0xff, 0xff, 0xff}

func placeValues(width int, value func(arr arrow.Array, i int) uint64) placeEncoder {
	return func(out []byte, pos []int, arr arrow.Array, lo int) {
		nulls := arr.NullN() > 0
		for j, p := range pos {
			if nulls && arr.IsNull(lo+j) {
				pos[j] = p + copy(out[p:], nullField)
				continue
			}
			putField(out[p:p+4+width], width, value(arr, lo+j))
			pos[j] = p + 4 + width
		}
	}
}

func placeTimestamps(unit arrow.TimeUnit) placeEncoder {
	return func(out []byte, pos []int, arr arrow.Array, lo int) {
		vals := arr.(*array.Timestamp).Values()[lo : lo+len(pos)]
		nulls := arr.NullN() > 0
		for j, v := range vals {
			p := pos[j]
			if nulls && arr.IsNull(lo+j) {
				pos[j] = p + copy(out[p:], nullField)
				continue
			}
			b := out[p : p+12]
			b[0], b[1], b[2], b[3] = 0, 0, 0, 8
			binary.BigEndian.PutUint64(b[4:], uint64(pgTimestampMicros(int64(v), unit)))
			pos[j] = p + 12
		}
	}
}

// pgDate is PostgreSQL's binary date of DuckDB's days since 1970-01-01:
// days since 2000-01-01, with DuckDB's ±infinity (±MaxInt32) as
// PostgreSQL's (MaxInt32, MinInt32).
func pgDate(d int32) int32 {
	switch d {
	case math.MaxInt32:
		return math.MaxInt32
	case -math.MaxInt32:
		return math.MinInt32
	}
	return d - pgEpochDays
}

// timeMicros is row i of a time column in microseconds.
func timeMicros(arr arrow.Array, i int, unit arrow.TimeUnit) int64 {
	switch a := arr.(type) {
	case *array.Time64:
		if unit == arrow.Nanosecond {
			return int64(a.Value(i)) / 1000
		}
		return int64(a.Value(i))
	case *array.Time32:
		if unit == arrow.Millisecond {
			return int64(a.Value(i)) * 1000
		}
		return int64(a.Value(i)) * 1e6
	}
	return 0
}

// unixMicros converts a timestamp of the given unit to microseconds
// (nanoseconds round down, as time.Time.Truncate does).
func unixMicros(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1e6
	case arrow.Millisecond:
		return v * 1e3
	case arrow.Nanosecond:
		return floorDiv(v, 1000)
	}
	return v
}

// pgTimestampMicros is PostgreSQL's binary timestamp of a DuckDB one:
// microseconds since 2000-01-01, DuckDB's ±infinity (±MaxInt64 in every
// unit) as PostgreSQL's (MaxInt64, MinInt64).
func pgTimestampMicros(v int64, unit arrow.TimeUnit) int64 {
	switch v {
	case math.MaxInt64:
		return math.MaxInt64
	case -math.MaxInt64:
		return math.MinInt64
	}
	return unixMicros(v, unit) - pgEpochMicros
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

func encodeBool(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
	a := arr.(*array.Boolean)
	for i := lo; i < hi; i++ {
		switch {
		case a.IsNull(i):
			dst = appendNull(dst)
		case a.Value(i):
			dst = append(dst, 0, 0, 0, 1, 't')
		default:
			dst = append(dst, 0, 0, 0, 1, 'f')
		}
	}
	return dst, nil
}

type integer interface {
	int8 | uint8 | int16 | uint16 | int32 | uint32 | int64
}

func encodeInts[T integer](dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
	vals := arr.(interface{ Values() []T }).Values()[lo:hi]
	nulls := arr.NullN() > 0
	for j, v := range vals {
		if nulls && arr.IsNull(lo+j) {
			dst = appendNull(dst)
			continue
		}
		dst = appendTextInt(dst, int64(v))
	}
	return dst, nil
}

// appendTextInt appends a length-prefixed decimal integer, its digits
// written in place.
func appendTextInt(dst []byte, v int64) []byte {
	u := uint64(v)
	neg := v < 0
	if neg {
		u = -u
	}
	n := decimalDigits(u)
	if neg {
		n++
	}
	dst, out := grow(dst, 4+n)
	binary.BigEndian.PutUint32(out, uint32(n))
	i := len(out) - 1
	for u >= 10 {
		q := u / 10
		out[i] = byte('0' + u - q*10)
		u = q
		i--
	}
	out[i] = byte('0' + u)
	if neg {
		out[4] = '-'
	}
	return dst
}

// decimalDigits is the number of decimal digits of u.
func decimalDigits(u uint64) int {
	n := bits.Len64(u) * 1233 >> 12 // about log10(2) per bit
	if n < len(uintPow10) && u >= uintPow10[n] {
		n++
	}
	return max(n, 1)
}

var uintPow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

func encodeFloat32(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
	a := arr.(*array.Float32)
	for i := lo; i < hi; i++ {
		if a.IsNull(i) {
			dst = appendNull(dst)
			continue
		}
		dst = appendTextField(dst, func(b []byte) []byte { return appendFloat(b, float64(a.Value(i)), 32) })
	}
	return dst, nil
}

func encodeFloat64(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
	a := arr.(*array.Float64)
	for i := lo; i < hi; i++ {
		if a.IsNull(i) {
			dst = appendNull(dst)
			continue
		}
		dst = appendTextField(dst, func(b []byte) []byte { return appendFloat(b, a.Value(i), 64) })
	}
	return dst, nil
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

// encodeDate writes dates as text; DuckDB's ±infinity are ±MaxInt32 days.
func encodeDate(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
	a := arr.(*array.Date32)
	vals := a.Values()
	for i := lo; i < hi; i++ {
		if a.IsNull(i) {
			dst = appendNull(dst)
			continue
		}
		switch d := int32(vals[i]); d {
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

// encodeTime writes times of day as text.
func encodeTime(unit arrow.TimeUnit) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		for i := lo; i < hi; i++ {
			if arr.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			us := timeMicros(arr, i, unit)
			dst = appendTextField(dst, func(b []byte) []byte {
				return appendClock(b, us/3600e6, us/60e6%60, us/1e6%60, us%1e6)
			})
		}
		return dst, nil
	}
}

// encodeTimestamp writes timestamps as PostgreSQL prints them,
// timestamptz in the session's zone. DuckDB's ±infinity are ±MaxInt64 in
// every unit.
func encodeTimestamp(unit arrow.TimeUnit, withTZ bool, loc *time.Location) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(*array.Timestamp)
		vals := a.Values()
		nulls := a.NullN() > 0
		var date dateCache
		var zone zoneCache
		for i := lo; i < hi; i++ {
			if nulls && a.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			switch v := int64(vals[i]); v {
			case math.MaxInt64:
				dst = appendStringField(dst, false, "infinity")
			case -math.MaxInt64:
				dst = appendStringField(dst, false, "-infinity")
			default:
				us := unixMicros(v, unit)
				off := 0
				if withTZ && loc != time.UTC {
					off = zone.offset(us, loc)
				}
				start := len(dst)
				dst = append(dst, 0, 0, 0, 0)
				dst = appendTimestampMicros(dst, &date, us, withTZ, off)
				binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
			}
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
func appendTimestampMicros(b []byte, date *dateCache, us int64, withZone bool, off int) []byte {
	us += int64(off) * 1e6
	days := floorDiv(us, 86400e6)
	tod := us - days*86400e6
	b, bc := date.appendDate(b, days)
	h, m, sec, us := tod/3600e6, tod/60e6%60, tod/1e6%60, tod%1e6
	b = append(b, ' ', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+sec/10), byte('0'+sec%10))
	b = appendFraction(b, us)
	if withZone {
		b = appendZone(b, off)
	}
	if bc {
		b = append(b, " BC"...)
	}
	return b
}

// dateCache keeps the text of the last date written: the rows of a batch
// mostly share a day or a few.
type dateCache struct {
	days int64
	text [32]byte
	n    int
	bc   bool
	set  bool
}

func (c *dateCache) appendDate(b []byte, days int64) ([]byte, bool) {
	if !c.set || c.days != days {
		t, bc := appendCivilDate(c.text[:0], days)
		c.days, c.n, c.bc, c.set = days, len(t), bc, true
	}
	return append(b, c.text[:c.n]...), c.bc
}

// zoneCache keeps the UTC offset of a zone for the period it holds.
type zoneCache struct {
	from, to int64 // [from, to) in microseconds since the Unix epoch
	off      int
	set      bool
}

func (z *zoneCache) offset(us int64, loc *time.Location) int {
	if z.set && us >= z.from && us < z.to {
		return z.off
	}
	t := time.UnixMicro(us).In(loc)
	_, z.off = t.Zone()
	start, end := t.ZoneBounds()
	z.from, z.to, z.set = math.MinInt64, math.MaxInt64, true
	if !start.IsZero() {
		z.from = start.UnixMicro()
	}
	if !end.IsZero() {
		z.to = end.UnixMicro()
	}
	return z.off
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
