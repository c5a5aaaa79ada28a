package pgtypes

import (
	"encoding/binary"
	"math/bits"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Buffered columnar encoders append a column's fields to its buffer:
// integers, floats, bool and dates and times in text; text, bytea and
// numeric (numeric.go) in both formats. fastEncoder picks one, or nil for
// the boxed fallback (boxed.go).

// fastEncoder returns the columnar encoder for arr's type sent as oid in
// a buffer (text format; numeric, text and bytea in binary too), or nil
// when the type takes the fallback.
func fastEncoder(arr arrow.Array, oid uint32, bin bool, loc *time.Location) fieldEncoder {
	switch arr.(type) {
	case *array.Decimal128, *array.Decimal64, *array.Decimal32:
		if oid == OIDNumeric {
			return encodeDecimal(arr.DataType(), bin)
		}
	case *array.String, *array.LargeString, *array.StringView:
		if oid == OIDText || oid == OIDJSON {
			return encodeStrings
		}
	case *array.Binary, *array.LargeBinary, *array.BinaryView:
		if oid == OIDBytea {
			return encodeBytes(bin)
		}
	}
	if bin {
		return nil
	}
	switch arr.(type) {
	case *array.Boolean:
		if oid == OIDBool {
			return encodeBool
		}
	case *array.Int8:
		if oid == OIDInt2 {
			return encodeInts[int8]
		}
	case *array.Uint8:
		if oid == OIDInt2 {
			return encodeInts[uint8]
		}
	case *array.Int16:
		if oid == OIDInt2 {
			return encodeInts[int16]
		}
	case *array.Uint16:
		if oid == OIDInt4 {
			return encodeInts[uint16]
		}
	case *array.Int32:
		if oid == OIDInt4 {
			return encodeInts[int32]
		}
	case *array.Uint32:
		if oid == OIDInt8 || oid == OIDOID {
			return encodeInts[uint32]
		}
	case *array.Int64:
		if oid == OIDInt8 {
			return encodeInts[int64]
		}
	case *array.Float32:
		if oid == OIDFloat4 {
			return encodeFloat32
		}
	case *array.Float64:
		if oid == OIDFloat8 {
			return encodeFloat64
		}
	case *array.Date32:
		if oid == OIDDate {
			return encodeDate
		}
	case *array.Time64, *array.Time32:
		if oid == OIDTime {
			return encodeTime(arr.DataType().(arrow.TemporalWithUnit).TimeUnit())
		}
	case *array.Timestamp:
		tt := arr.DataType().(*arrow.TimestampType)
		if (oid == OIDTimestamptz) == (tt.TimeZone != "") && (oid == OIDTimestamp || oid == OIDTimestamptz) {
			return encodeTimestamp(tt.Unit, oid == OIDTimestamptz, loc)
		}
	}
	return nil
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
