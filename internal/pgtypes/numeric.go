package pgtypes

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5/pgtype"
)

// PostgreSQL sends a numeric in binary with no leading or trailing zero
// base-10000 digits, and zero with weight 0 (numeric.c, make_result);
// pgtype keeps trailing zero digits ("5.00" as 5, 0000 with dscale 2) and
// gives a zero of scale 0 weight -1. Both decode to the same value,
// but lakegate's binary output, in DataRow and in COPY BINARY, is
// PostgreSQL's own: canonicalNumeric trims the digits pgtype writes.

type canonicalNumeric struct{ pgtype.NumericCodec }

func (c canonicalNumeric) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	p := c.NumericCodec.PlanEncode(m, oid, format, value)
	if p == nil || format != pgtype.BinaryFormatCode {
		return p
	}
	return trimmedNumeric{p}
}

type trimmedNumeric struct{ next pgtype.EncodePlan }

func (p trimmedNumeric) Encode(value any, buf []byte) ([]byte, error) {
	start := len(buf)
	out, err := p.next.Encode(value, buf)
	if err != nil || out == nil || len(out)-start < 8 {
		return out, err
	}
	b := out[start:]
	nd := int(binary.BigEndian.Uint16(b[0:2]))
	weight := int16(binary.BigEndian.Uint16(b[2:4]))
	sign := binary.BigEndian.Uint16(b[4:6])
	if sign >= 0xC000 || len(b) < 8+2*nd {
		return out, nil // NaN, infinities
	}
	digits := b[8 : 8+2*nd]
	lead := 0
	for lead < nd && digits[2*lead] == 0 && digits[2*lead+1] == 0 {
		lead++
	}
	end := nd
	for end > lead && digits[2*end-2] == 0 && digits[2*end-1] == 0 {
		end--
	}
	if lead == 0 && end == nd && (nd > 0 || weight == 0) {
		return out, nil
	}
	n := end - lead
	weight -= int16(lead)
	if n == 0 {
		weight, sign = 0, 0
	}
	binary.BigEndian.PutUint16(b[0:2], uint16(n))
	binary.BigEndian.PutUint16(b[2:4], uint16(weight))
	binary.BigEndian.PutUint16(b[4:6], sign)
	copy(b[8:], digits[2*lead:2*end])
	return out[:start+8+2*n], nil
}

// RegisterTypes adjusts a connection's type map for output: numeric in
// binary as PostgreSQL writes it, and every type lakegate sends takes the
// values of RawRows as they are.
func RegisterTypes(m *pgtype.Map) {
	num := &pgtype.Type{Name: "numeric", OID: OIDNumeric, Codec: canonicalNumeric{}}
	m.RegisterType(num)
	m.RegisterType(&pgtype.Type{Name: "_numeric", OID: arrayOIDs[OIDNumeric], Codec: &pgtype.ArrayCodec{ElementType: num}})
	// Every type lakegate sends also takes values RowEncoder encoded.
	for elem, arr := range arrayOIDs {
		for _, oid := range []uint32{elem, arr} {
			if t, ok := m.TypeForOID(oid); ok {
				m.RegisterType(&pgtype.Type{Name: t.Name, OID: oid, Codec: encodedCodec{t.Codec}})
			}
		}
	}
	// and the system types the pg catalog emulation labels its columns
	// with, which pgtype may not know (a value of an unknown type would
	// go out as bytea)
	for oid, name := range systemTypeNames {
		codec := pgtype.Codec(pgtype.TextCodec{})
		if t, ok := m.TypeForOID(oid); ok {
			codec, name = t.Codec, t.Name
		}
		m.RegisterType(&pgtype.Type{Name: name, OID: oid, Codec: encodedCodec{codec}})
	}
}

var systemTypeNames = map[uint32]string{
	OIDInt2Vector: "int2vector", OIDRegproc: "regproc", OIDXid: "xid", OIDOIDVector: "oidvector",
	OIDPgNodeTree: "pg_node_tree", OIDVarchar: "varchar", OIDRegclass: "regclass", OIDRegtype: "regtype",
	OIDRegnamespace: "regnamespace", OIDRegrole: "regrole",
}

// rawField is a value RowEncoder has encoded in the format its column is
// sent in. psql-wire writes it through the type map (encodedCodec) where
// rows must go through its DataWriter one at a time (portals with a row
// limit).
type rawField []byte

// encodedCodec is a type's codec that also writes rawField values as they
// are. rawField is not a pgtype.TextValuer, so pgtype.Map asks the codec in
// text format too.
type encodedCodec struct{ pgtype.Codec }

func (c encodedCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(rawField); ok {
		return rawFieldPlan{}
	}
	return c.Codec.PlanEncode(m, oid, format, value)
}

type rawFieldPlan struct{}

func (rawFieldPlan) Encode(value any, buf []byte) ([]byte, error) {
	return append(buf, value.(rawField)...), nil
}

// Decimals (DECIMAL, HUGEINT) are written from their unscaled 128-bit
// integer with 64-bit arithmetic. In binary (numeric.c's numeric_send):
// ndigits, weight, sign and dscale as int16, then base-10000 digits, most
// significant first, aligned on the decimal point, without leading or
// trailing zero digits; zero has no digits and weight 0. In text: the
// decimal digits with exactly scale of them after the point ("0.50").

// encodeDecimal returns the encoder of a decimal column (Arrow decimal32,
// 64 or 128) or nil for a negative scale, which the fallback handles.
func encodeDecimal(t arrow.DataType, bin bool) fieldEncoder {
	enc := decimalEncoder(t, bin)
	if enc == nil {
		return nil
	}
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		dst, _ = enc(dst, nil, arr, lo, hi)
		return dst, nil
	}
}

// endsEncoderOf returns the endsEncoder of arr's type sent as oid in the
// given format, or nil: decimals as numeric.
func endsEncoderOf(arr arrow.Array, oid uint32, bin bool) endsEncoder {
	switch arr.(type) {
	case *array.Decimal128, *array.Decimal64, *array.Decimal32:
		if oid == OIDNumeric {
			return decimalEncoder(arr.DataType(), bin)
		}
	}
	return nil
}

// decimalEncoder returns encodeDecimal's loop, which also appends to ends
// where each field ends in dst when ends is not nil: AppendRows then sizes
// the column's fields without reading their lengths back.
func decimalEncoder(t arrow.DataType, bin bool) endsEncoder {
	scale := t.(arrow.DecimalType).GetScale()
	if scale < 0 {
		return nil
	}
	appendValue := appendNumericText
	if bin {
		appendValue = appendNumericBinary
	}
	return func(dst []byte, ends []int, arr arrow.Array, lo, hi int) ([]byte, []int) {
		nulls := arr.NullN() > 0
		record := ends != nil
		switch a := arr.(type) {
		case *array.Decimal128:
			vals := a.Values()
			for i := lo; i < hi; i++ {
				if nulls && a.IsNull(i) {
					dst = appendNull(dst)
				} else {
					dst = appendValue(dst, uint64(vals[i].HighBits()), vals[i].LowBits(), scale)
				}
				if record {
					ends = append(ends, len(dst))
				}
			}
		case *array.Decimal64:
			vals := a.Values()
			for i := lo; i < hi; i++ {
				if nulls && a.IsNull(i) {
					dst = appendNull(dst)
				} else {
					v := int64(vals[i])
					dst = appendValue(dst, uint64(v>>63), uint64(v), scale)
				}
				if record {
					ends = append(ends, len(dst))
				}
			}
		case *array.Decimal32:
			vals := a.Values()
			for i := lo; i < hi; i++ {
				if nulls && a.IsNull(i) {
					dst = appendNull(dst)
				} else {
					v := int64(vals[i])
					dst = appendValue(dst, uint64(v>>63), uint64(v), scale)
				}
				if record {
					ends = append(ends, len(dst))
				}
			}
		}
		return dst, ends
	}
}

// magnitude splits a two's complement 128-bit integer into its sign and
// absolute value.
func magnitude(hi, lo uint64) (neg bool, mhi, mlo uint64) {
	if int64(hi) >= 0 {
		return false, hi, lo
	}
	mlo, borrow := bits.Sub64(0, lo, 0)
	mhi, _ = bits.Sub64(0, hi, borrow)
	return true, mhi, mlo
}

// divmod128 divides the 128-bit hi:lo by d.
func divmod128(hi, lo, d uint64) (qhi, qlo, r uint64) {
	if hi == 0 {
		return 0, lo / d, lo % d
	}
	qhi, r = hi/d, hi%d
	qlo, r = bits.Div64(r, lo, d)
	return qhi, qlo, r
}

var pow10 = [...]uint64{1, 10, 100, 1000, 10000}

// appendNumericBinary appends the length-prefixed binary NUMERIC of the
// unscaled two's complement integer hi:lo with the given scale. Values of
// at most 64 bits (every decimal of precision 18 or less) divide by
// constants only, which the compiler turns into multiplications; the
// field is written in place once its size is known.
func appendNumericBinary(dst []byte, hi, lo uint64, scale int32) []byte {
	neg, hi, lo := magnitude(hi, lo)
	if hi == 0 && lo <= maxShortNumeric {
		return appendShortNumericBinary(dst, neg, lo, scale)
	}
	return appendLongNumericBinary(dst, neg, hi, lo, scale)
}

// appendLongNumericBinary is appendNumericBinary for any magnitude hi:lo.
func appendLongNumericBinary(dst []byte, neg bool, hi, lo uint64, scale int32) []byte {
	// Base-10000 digits, least significant first. The last scale%4
	// decimal digits make a digit of their own, padded on the right.
	var digits [12]uint16
	n := 0
	if r := scale % 4; r != 0 {
		var rem uint64
		switch {
		case hi != 0:
			hi, lo, rem = divmod128(hi, lo, pow10[r])
		case r == 1:
			lo, rem = lo/10, lo%10
		case r == 2:
			lo, rem = lo/100, lo%100
		default:
			lo, rem = lo/1000, lo%1000
		}
		digits[0] = uint16(rem * pow10[4-r])
		n = 1
	}
	for hi != 0 {
		var rem uint64
		hi, lo, rem = divmod128(hi, lo, 10000)
		digits[n] = uint16(rem)
		n++
	}
	for lo != 0 {
		digits[n] = uint16(lo % 10000)
		lo /= 10000
		n++
	}
	top := n
	for top > 0 && digits[top-1] == 0 {
		top--
	}
	low := 0
	for low < top && digits[low] == 0 {
		low++
	}
	nd := top - low
	weight := top - int((scale+3)/4) - 1
	sign := uint16(0)
	if nd == 0 {
		weight = 0
	} else if neg {
		sign = 0x4000
	}
	dst, out := numericField(dst, nd, weight, sign, scale)
	for i := top - 1; i >= low; i-- {
		binary.BigEndian.PutUint16(out, digits[i])
		out = out[2:]
	}
	return dst
}

// maxShortNumeric is the largest magnitude appendShortNumericBinary takes:
// padded to whole base-10000 digits (times up to 1000) it fits in 64 bits.
const maxShortNumeric = math.MaxUint64 / 1000

// appendShortNumericBinary is appendNumericBinary for a magnitude m of at
// most maxShortNumeric (every value of a decimal of precision 16 or less,
// money columns among them), digits from shortNumericDigits.
func appendShortNumericBinary(dst []byte, neg bool, m uint64, scale int32) []byte {
	mul, weight0 := numericScale(scale)
	m, weight, nd := shortNumericDigits(m*mul, weight0)
	sign := uint16(0)
	if neg && nd > 0 {
		sign = 0x4000
	}
	dst, out := numericField(dst, nd, weight, sign, scale)
	for k := 2*nd - 2; k >= 0; k -= 2 {
		q := m / 10000
		binary.BigEndian.PutUint16(out[k:], uint16(m-q*10000))
		m = q
	}
	return dst
}

// numericField appends a binary numeric field's length and header (nd
// base-10000 digits, the first's weight, sign, display scale) to dst and
// returns it with the room for the digits (2*nd bytes) still to write.
func numericField(dst []byte, nd, weight int, sign uint16, scale int32) ([]byte, []byte) {
	dst, out := grow(dst, 12+2*nd)
	binary.BigEndian.PutUint32(out, uint32(8+2*nd))
	binary.BigEndian.PutUint16(out[4:], uint16(nd))
	binary.BigEndian.PutUint16(out[6:], uint16(int16(weight)))
	binary.BigEndian.PutUint16(out[8:], sign)
	binary.BigEndian.PutUint16(out[10:], uint16(scale))
	return dst, out[12:]
}

// shortNumericDigits returns the base-10000 digits of a magnitude (at
// most maxShortNumeric) at a scale, given as m times mul and weight0 from
// numericScale, as one integer d without trailing zero digits, with the
// weight of its first digit and their number nd: the field's digits are
// d's, most significant first. Zero has no digits and weight 0.
func shortNumericDigits(m uint64, weight0 int) (d uint64, weight, nd int) {
	if m == 0 {
		return 0, 0, 0
	}
	for {
		q := m / 10000
		if m-q*10000 != 0 {
			break
		}
		m = q
		weight0++
	}
	switch {
	case m < 1e4:
		nd = 1
	case m < 1e8:
		nd = 2
	case m < 1e12:
		nd = 3
	case m < 1e16:
		nd = 4
	default:
		nd = 5
	}
	return m, weight0 + nd, nd
}

// numericScale returns, for a scale, the factor that pads a magnitude on
// the right to whole base-10000 fraction digits and the weight of the
// digit before them, less one.
func numericScale(scale int32) (mul uint64, weight0 int) {
	return pow10[(4-scale%4)%4], -int((scale+3)/4) - 1
}

// appendNumericText appends the length-prefixed text of the unscaled two's
// complement integer hi:lo with the given scale.
func appendNumericText(dst []byte, hi, lo uint64, scale int32) []byte {
	neg, hi, lo := magnitude(hi, lo)
	// Decimal digits, written from the right: 19 at a time while the
	// value needs more than 64 bits.
	var tmp [40]byte
	i := len(tmp)
	for hi != 0 {
		var rem uint64
		hi, lo, rem = divmod128(hi, lo, 1e19)
		for k := 0; k < 19; k++ {
			i--
			tmp[i] = byte('0' + rem%10)
			rem /= 10
		}
	}
	for lo >= 10 {
		i--
		tmp[i] = byte('0' + lo%10)
		lo /= 10
	}
	i--
	tmp[i] = byte('0' + lo)
	digits := tmp[i:]
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	if neg {
		dst = append(dst, '-')
	}
	s := int(scale)
	switch {
	case s == 0:
		dst = append(dst, digits...)
	case len(digits) <= s:
		dst = append(dst, '0', '.')
		for k := len(digits); k < s; k++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		dst = append(dst, digits[:len(digits)-s]...)
		dst = append(dst, '.')
		dst = append(dst, digits[len(digits)-s:]...)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}
