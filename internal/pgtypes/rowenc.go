package pgtypes

import (
	"encoding/binary"
	"fmt"
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
// any other type (intervals, UUIDs, arrays, structs, ...) falls back to
// boxed Go values (boxed.go) and the connection's pgtype.Map, which remains
// the reference the fast encoders are tested against (rowenc_test.go).
//
// A column's buffer holds, per row, what a DataRow field holds: an int32
// length (-1 for NULL) and the value's bytes in the column's format (text
// or binary). COPY BINARY fields have exactly that form too; COPY text and
// CSV read the lengths and escape the bytes.

// fieldEncoder appends the fields of rows [lo, hi) of arr.
type fieldEncoder func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error)

// endsEncoder is a fieldEncoder that also appends to ends (when not nil)
// where each row's field ends in dst, so that AppendRows need not read the
// lengths back.
type endsEncoder func(dst []byte, ends []int, arr arrow.Array, lo, hi int) ([]byte, []int)

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
	ended  endsEncoder    // fields encoded into buf, ending at ends, or
	place  placeEncoder   // written in place by AppendRows,
	size   sizer          // with fields of these sizes,
	width  int            // each 4+width bytes unless NULL (0: not fixed)
	arr    arrow.Array    // the column of the batch being sent
	buf    []byte
	pos    int
	ends   []int // where each field in buf ends (AppendRows)
}

// sizer adds the sizes of the fields of rows [lo, lo+len(sizes)) of arr
// to sizes.
type sizer func(sizes []int, arr arrow.Array, lo int)

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
		if (col.enc == nil && col.ended == nil && col.place == nil) || !arrow.TypeEqual(col.typ, arr.DataType()) {
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
		if col.ended != nil {
			if col.ends == nil {
				col.ends = make([]int, 0, hi-lo)
			}
			col.buf, col.ends = col.ended(col.buf[:0], col.ends[:0], arr, lo, hi)
			col.pos = 0
			continue
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
	base := 7 // type, length, field count; fixed-size fields without NULLs
	for c := range e.cols {
		if col := &e.cols[c]; col.width > 0 && col.arr.NullN() == 0 {
			base += 4 + col.width
		}
	}
	sizes := slicesGrow(e.sizes, n)
	for i := range sizes {
		sizes[i] = base
	}
	sizes[0] += len(prefix)
	for c := range e.cols {
		col := &e.cols[c]
		if col.place != nil {
			if col.width == 0 || col.arr.NullN() > 0 {
				col.size(sizes, col.arr, e.lo)
			}
			continue
		}
		if col.ended != nil {
			prev := 0
			for i, end := range col.ends[:n] {
				sizes[i] += end - prev
				prev = end
			}
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
	col.enc, col.ended, col.place, col.size, col.width = nil, nil, nil, nil, 0
	if enc := wideIntEncoder(col.engine, arr, col.oid, col.binary); enc != nil {
		col.enc = enc
		return nil
	}
	if !e.buffered {
		if place, size, width := placedEncoder(arr, col.oid, col.binary); place != nil {
			col.place, col.size, col.width = place, size, width
			return nil
		}
		if enc := endsEncoderOf(arr, col.oid, col.binary); enc != nil {
			col.ended = enc
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

// boxedEncoder encodes each value as a Go value through tm (boxed.go's
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
