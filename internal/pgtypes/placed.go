package pgtypes

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Placed encoders write a column's fields straight into the messages
// AppendRows builds, once the messages are sized: text columns (the same
// bytes in both formats), fixed-size values in binary, and decimal128
// numerics in binary. A sizer adds each row's field size first.

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

// placedEncoder returns the in-place encoder of arr's type sent as oid in
// the given format, and its sizer, or nil: text values, whose bytes are
// the same in both formats, fixed-size values and decimal128 numerics in
// binary.
func placedEncoder(arr arrow.Array, oid uint32, bin bool) (placeEncoder, sizer, int) {
	if _, ok := arr.(*array.String); ok && (oid == OIDText || oid == OIDJSON) {
		return placeStrings, sizeStrings, 0
	}
	if !bin {
		return nil, nil, 0
	}
	switch arr.(type) {
	case *array.Int8:
		if oid == OIDInt2 {
			return placeInts[int8](2), fixedSize(2), 2
		}
	case *array.Uint8:
		if oid == OIDInt2 {
			return placeInts[uint8](2), fixedSize(2), 2
		}
	case *array.Int16:
		if oid == OIDInt2 {
			return placeInts[int16](2), fixedSize(2), 2
		}
	case *array.Uint16:
		if oid == OIDInt4 {
			return placeInts[uint16](4), fixedSize(4), 4
		}
	case *array.Int32:
		if oid == OIDInt4 {
			return placeInts[int32](4), fixedSize(4), 4
		}
	case *array.Uint32:
		if oid == OIDInt8 {
			return placeInts[uint32](8), fixedSize(8), 8
		}
		if oid == OIDOID {
			return placeInts[uint32](4), fixedSize(4), 4
		}
	case *array.Int64:
		if oid == OIDInt8 {
			return placeInts[int64](8), fixedSize(8), 8
		}
	case *array.Float32:
		if oid == OIDFloat4 {
			return placeValues(4, func(arr arrow.Array, i int) uint64 {
				// through float64, as pgtype does: a signaling NaN
				// arrives quiet
				return uint64(math.Float32bits(float32(float64(arr.(*array.Float32).Value(i)))))
			}), fixedSize(4), 4
		}
	case *array.Float64:
		if oid == OIDFloat8 {
			return placeValues(8, func(arr arrow.Array, i int) uint64 {
				return math.Float64bits(arr.(*array.Float64).Value(i))
			}), fixedSize(8), 8
		}
	case *array.Boolean:
		if oid == OIDBool {
			return placeValues(1, func(arr arrow.Array, i int) uint64 {
				if arr.(*array.Boolean).Value(i) {
					return 1
				}
				return 0
			}), fixedSize(1), 1
		}
	case *array.Date32:
		if oid == OIDDate {
			return placeValues(4, func(arr arrow.Array, i int) uint64 {
				return uint64(uint32(pgDate(int32(arr.(*array.Date32).Value(i)))))
			}), fixedSize(4), 4
		}
	case *array.Time64, *array.Time32:
		if oid == OIDTime {
			unit := arr.DataType().(arrow.TemporalWithUnit).TimeUnit()
			return placeValues(8, func(arr arrow.Array, i int) uint64 {
				return uint64(timeMicros(arr, i, unit))
			}), fixedSize(8), 8
		}
	case *array.Timestamp:
		tt := arr.DataType().(*arrow.TimestampType)
		if (oid == OIDTimestamptz) == (tt.TimeZone != "") && (oid == OIDTimestamp || oid == OIDTimestamptz) {
			return placeTimestamps(tt.Unit), fixedSize(8), 8
		}
	case *array.Decimal128:
		if oid == OIDNumeric && arr.DataType().(arrow.DecimalType).GetScale() >= 0 {
			return placeNumerics, sizeNumerics, 0
		}
	}
	return nil, nil, 0
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

// placeInts returns the in-place encoder of integers of type T sent as
// width-byte binary values. One loop per width, with no branch on the width
// inside, keeps each field's writes inlined.
func placeInts[T integer](width int) placeEncoder {
	switch width {
	case 2:
		return placeInts2[T]
	case 4:
		return placeInts4[T]
	}
	return placeInts8[T]
}

func placeInts2[T integer](out []byte, pos []int, arr arrow.Array, lo int) {
	vals := arr.(interface{ Values() []T }).Values()[lo : lo+len(pos)]
	nulls := arr.NullN() > 0
	for j, v := range vals {
		p := pos[j]
		if nulls && arr.IsNull(lo+j) {
			pos[j] = p + copy(out[p:], nullField)
			continue
		}
		b := out[p : p+6 : p+6]
		binary.BigEndian.PutUint32(b, 2)
		binary.BigEndian.PutUint16(b[4:], uint16(v))
		pos[j] = p + 6
	}
}

func placeInts4[T integer](out []byte, pos []int, arr arrow.Array, lo int) {
	vals := arr.(interface{ Values() []T }).Values()[lo : lo+len(pos)]
	nulls := arr.NullN() > 0
	for j, v := range vals {
		p := pos[j]
		if nulls && arr.IsNull(lo+j) {
			pos[j] = p + copy(out[p:], nullField)
			continue
		}
		// the length 4 and the value, as one big-endian word
		binary.BigEndian.PutUint64(out[p:p+8:p+8], 4<<32|uint64(uint32(v)))
		pos[j] = p + 8
	}
}

func placeInts8[T integer](out []byte, pos []int, arr arrow.Array, lo int) {
	vals := arr.(interface{ Values() []T }).Values()[lo : lo+len(pos)]
	nulls := arr.NullN() > 0
	for j, v := range vals {
		p := pos[j]
		if nulls && arr.IsNull(lo+j) {
			pos[j] = p + copy(out[p:], nullField)
			continue
		}
		b := out[p : p+12 : p+12]
		binary.BigEndian.PutUint32(b, 8)
		binary.BigEndian.PutUint64(b[4:], uint64(v))
		pos[j] = p + 12
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
	if unit == arrow.Microsecond { // DuckDB's TIMESTAMP and TIMESTAMPTZ
		return placeMicroTimestamps
	}
	return func(out []byte, pos []int, arr arrow.Array, lo int) {
		vals := arr.(*array.Timestamp).Values()[lo : lo+len(pos)]
		nulls := arr.NullN() > 0
		for j, v := range vals {
			p := pos[j]
			if nulls && arr.IsNull(lo+j) {
				pos[j] = p + copy(out[p:], nullField)
				continue
			}
			b := out[p : p+12 : p+12]
			binary.BigEndian.PutUint32(b, 8)
			binary.BigEndian.PutUint64(b[4:], uint64(pgTimestampMicros(int64(v), unit)))
			pos[j] = p + 12
		}
	}
}

// placeMicroTimestamps is placeTimestamps' loop for microseconds, with
// pgTimestampMicros written out.
func placeMicroTimestamps(out []byte, pos []int, arr arrow.Array, lo int) {
	vals := arr.(*array.Timestamp).Values()[lo : lo+len(pos)]
	nulls := arr.NullN() > 0
	for j, v := range vals {
		p := pos[j]
		if nulls && arr.IsNull(lo+j) {
			pos[j] = p + copy(out[p:], nullField)
			continue
		}
		ts := int64(v) - pgEpochMicros
		switch v {
		case math.MaxInt64:
			ts = math.MaxInt64
		case -math.MaxInt64:
			ts = math.MinInt64
		}
		b := out[p : p+12 : p+12]
		binary.BigEndian.PutUint32(b, 8)
		binary.BigEndian.PutUint64(b[4:], uint64(ts))
		pos[j] = p + 12
	}
}

// placeNumerics writes a decimal128 column's values as binary numerics in
// place, after sizeNumerics sized them from the values themselves
// (appendShortNumericBinary's digits, counted first), with no buffer in
// between; a value beyond 64 bits is encoded twice by
// appendLongNumericBinary, once to size it. Top-level functions, not
// closures of placedEncoder: the compiler inlines less into a closure of
// a function that large.
func placeNumerics(out []byte, pos []int, arr arrow.Array, lo int) {
	a := arr.(*array.Decimal128)
	scale := a.DataType().(*arrow.Decimal128Type).Scale
	mul, weight0 := numericScale(scale)
	vals := a.Values()[lo : lo+len(pos)]
	nulls := a.NullN() > 0
	for j, v := range vals {
		p := pos[j]
		if nulls && a.IsNull(lo+j) {
			pos[j] = p + copy(out[p:], nullField)
			continue
		}
		neg, hi, m := magnitude(uint64(v.HighBits()), v.LowBits())
		if hi != 0 || m > maxShortNumeric {
			pos[j] = p + len(appendLongNumericBinary(out[p:p], neg, hi, m, scale))
			continue
		}
		m, weight, nd := shortNumericDigits(m*mul, weight0)
		sign := uint64(0)
		if neg && nd > 0 {
			sign = 0x4000
		}
		b := out[p : p+12+2*nd : p+12+2*nd]
		binary.BigEndian.PutUint32(b, uint32(8+2*nd))
		// ndigits, weight, sign and dscale as one big-endian word
		binary.BigEndian.PutUint64(b[4:], uint64(nd)<<48|uint64(uint16(weight))<<32|sign<<16|uint64(uint16(scale)))
		for k := 10 + 2*nd; k > 10; k -= 2 {
			q := m / 10000
			binary.BigEndian.PutUint16(b[k:], uint16(m-q*10000))
			m = q
		}
		pos[j] = p + 12 + 2*nd
	}
}

// sizeNumerics is placeNumerics' sizer.
func sizeNumerics(sizes []int, arr arrow.Array, lo int) {
	a := arr.(*array.Decimal128)
	scale := a.DataType().(*arrow.Decimal128Type).Scale
	mul, weight0 := numericScale(scale)
	vals := a.Values()[lo : lo+len(sizes)]
	nulls := a.NullN() > 0
	for i, v := range vals {
		if nulls && a.IsNull(lo+i) {
			sizes[i] += 4
			continue
		}
		neg, hi, m := magnitude(uint64(v.HighBits()), v.LowBits())
		if hi == 0 && m <= maxShortNumeric {
			_, _, nd := shortNumericDigits(m*mul, weight0)
			sizes[i] += 12 + 2*nd
			continue
		}
		var tmp [64]byte
		sizes[i] += len(appendLongNumericBinary(tmp[:0], neg, hi, m, scale))
	}
}
