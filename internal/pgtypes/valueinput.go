package pgtypes

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Values read as PostgreSQL's input functions read them (COPY FROM's text,
// CSV and binary fields), appended to Arrow columns of the types a table
// stores: the text forms of int4in, int8in, float8in, numeric_in,
// boolin, date_in, timestamp_in, time_in, uuid_in and byteain, the
// binary forms of their *recv functions
// (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4). A
// value they refuse is an InputError with PostgreSQL's message.

// InputErrorKind says which SQLSTATE class an InputError has.
type InputErrorKind int

// Kinds of input errors (server/errors.go maps them).
const (
	InputSyntax         InputErrorKind = iota // invalid_text_representation
	InputOutOfRange                           // numeric_value_out_of_range
	InputDatetimeFormat                       // invalid_datetime_format
	InputDatetimeRange                        // datetime_field_overflow
	InputBinary                               // invalid_binary_representation
	InputEncoding                             // character_not_in_repertoire
	InputParameter                            // invalid_parameter_value
	InputShort                                // protocol_violation: a binary value too short
)

// InputError is a value its type's input function refuses.
type InputError struct {
	Kind InputErrorKind
	Msg  string
}

func (e *InputError) Error() string { return e.Msg }

func inputErr(kind InputErrorKind, format string, args ...any) error {
	return &InputError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// syntaxErr is PostgreSQL's "invalid input syntax for type T".
func syntaxErr(kind InputErrorKind, typ string, v []byte) error {
	return inputErr(kind, "invalid input syntax for type %s: %q", typ, string(v))
}

// ColumnInput appends values of one column to an Arrow builder.
type ColumnInput struct {
	b    array.Builder
	typ  string // PostgreSQL's name of the type, for messages
	text func([]byte) error
	bin  func([]byte) error
}

// NewColumnInput returns the input of a column of Arrow type dt; loc is
// the session's time zone (timestamptz text without an offset). Types
// without an input here are refused with an error naming them.
func NewColumnInput(mem memory.Allocator, dt arrow.DataType, loc *time.Location) (*ColumnInput, error) {
	c := &ColumnInput{b: array.NewBuilder(mem, dt)}
	switch t := dt.(type) {
	case *arrow.BooleanType:
		b := c.b.(*array.BooleanBuilder)
		c.typ = "boolean"
		c.text = func(v []byte) error {
			x, ok := ParseBool(string(v))
			if !ok {
				return syntaxErr(InputSyntax, "boolean", v)
			}
			b.Append(x)
			return nil
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 1); err != nil {
				return err
			}
			b.Append(v[0] != 0)
			return nil
		}
	case *arrow.Int32Type:
		b := c.b.(*array.Int32Builder)
		c.typ = "integer"
		c.text = func(v []byte) error {
			x, err := parseInt(v, 32, "integer")
			b.Append(int32(x))
			return err
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 4); err != nil {
				return err
			}
			b.Append(int32(binary.BigEndian.Uint32(v)))
			return nil
		}
	case *arrow.Int64Type:
		b := c.b.(*array.Int64Builder)
		c.typ = "bigint"
		c.text = func(v []byte) error {
			x, err := parseInt(v, 64, "bigint")
			b.Append(x)
			return err
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 8); err != nil {
				return err
			}
			b.Append(int64(binary.BigEndian.Uint64(v)))
			return nil
		}
	case *arrow.Float32Type:
		b := c.b.(*array.Float32Builder)
		c.typ = "real"
		c.text = func(v []byte) error {
			x, err := parseFloat(v, 32, "real")
			b.Append(float32(x))
			return err
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 4); err != nil {
				return err
			}
			b.Append(math.Float32frombits(binary.BigEndian.Uint32(v)))
			return nil
		}
	case *arrow.Float64Type:
		b := c.b.(*array.Float64Builder)
		c.typ = "double precision"
		c.text = func(v []byte) error {
			x, err := parseFloat(v, 64, "double precision")
			b.Append(x)
			return err
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 8); err != nil {
				return err
			}
			b.Append(math.Float64frombits(binary.BigEndian.Uint64(v)))
			return nil
		}
	case *arrow.Decimal128Type:
		b := c.b.(*array.Decimal128Builder)
		c.typ = "numeric"
		c.text = func(v []byte) error {
			x, err := parseDecimal(v, t.Precision, t.Scale)
			b.Append(x)
			return err
		}
		c.bin = func(v []byte) error {
			x, err := numericRecv(v, t.Precision, t.Scale)
			b.Append(x)
			return err
		}
	case *arrow.StringType:
		b := c.b.(*array.StringBuilder)
		c.typ = "text"
		c.text = func(v []byte) error {
			if err := checkText(v); err != nil {
				return err
			}
			b.BinaryBuilder.Append(v)
			return nil
		}
		c.bin = c.text
	case *arrow.BinaryType:
		b := c.b.(*array.BinaryBuilder)
		c.typ = "bytea"
		c.text = func(v []byte) error {
			x, err := parseBytea(v)
			b.Append(x)
			return err
		}
		c.bin = func(v []byte) error {
			b.Append(v)
			return nil
		}
	case *arrow.FixedSizeBinaryType:
		b := c.b.(*array.FixedSizeBinaryBuilder)
		c.typ = "bytea"
		fixed := func(x []byte) error {
			if len(x) != t.ByteWidth {
				b.AppendNull()
				return inputErr(InputParameter, "value of %d bytes for a fixed(%d) column", len(x), t.ByteWidth)
			}
			b.Append(x)
			return nil
		}
		c.text = func(v []byte) error {
			x, err := parseBytea(v)
			if err != nil {
				b.AppendNull()
				return err
			}
			return fixed(x)
		}
		c.bin = fixed
	case *arrow.Date32Type:
		b := c.b.(*array.Date32Builder)
		c.typ = "date"
		c.text = func(v []byte) error {
			d, err := parseDate(v)
			b.Append(arrow.Date32(d))
			return err
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 4); err != nil {
				return err
			}
			b.Append(arrow.Date32(int32(binary.BigEndian.Uint32(v)) + pgEpochDays))
			return nil
		}
	case *arrow.Time64Type:
		b := c.b.(*array.Time64Builder)
		c.typ = "time without time zone"
		scale := int64(1)
		if t.Unit == arrow.Nanosecond {
			scale = 1000
		}
		c.text = func(v []byte) error {
			us, err := parseTime(v)
			b.Append(arrow.Time64(us * scale))
			return err
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 8); err != nil {
				return err
			}
			b.Append(arrow.Time64(int64(binary.BigEndian.Uint64(v)) * scale))
			return nil
		}
	case *arrow.TimestampType:
		b := c.b.(*array.TimestampBuilder)
		zoned := t.TimeZone != ""
		c.typ = "timestamp without time zone"
		if zoned {
			c.typ = "timestamp with time zone"
		}
		scale := int64(1)
		if t.Unit == arrow.Nanosecond {
			scale = 1000
		}
		c.text = func(v []byte) error {
			us, err := parseTimestamp(v, zoned, loc)
			b.Append(arrow.Timestamp(us * scale))
			return err
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 8); err != nil {
				return err
			}
			b.Append(arrow.Timestamp((int64(binary.BigEndian.Uint64(v)) + pgEpochMicros) * scale))
			return nil
		}
	case *extensions.UUIDType:
		b := extensions.NewUUIDBuilder(mem)
		c.b.Release()
		c.b = b
		c.typ = "uuid"
		c.text = func(v []byte) error {
			u, ok := parseUUID(v)
			if !ok {
				return syntaxErr(InputSyntax, "uuid", v)
			}
			b.Append(u)
			return nil
		}
		c.bin = func(v []byte) error {
			if err := fixedLen(v, 16); err != nil {
				return err
			}
			b.Append([16]byte(v))
			return nil
		}
	default:
		c.b.Release()
		return nil, fmt.Errorf("no input for columns of type %s", dt)
	}
	return c, nil
}

func binaryErr() error {
	return inputErr(InputBinary, "incorrect binary data format")
}

// fixedLen checks the size of a fixed-size binary value: PostgreSQL's
// receive functions read past a short one's end ("insufficient data
// left in message") and leave a long one's rest unread ("incorrect
// binary data format").
func fixedLen(v []byte, n int) error {
	switch {
	case len(v) < n:
		return inputErr(InputShort, "insufficient data left in message")
	case len(v) > n:
		return binaryErr()
	}
	return nil
}

// Type is PostgreSQL's name of the column's type.
func (c *ColumnInput) Type() string { return c.typ }

// AppendNull appends NULL.
func (c *ColumnInput) AppendNull() { c.b.AppendNull() }

// AppendText appends a value in text form. On an error the column holds
// one value more or less than before; its batch is to be discarded.
func (c *ColumnInput) AppendText(v []byte) error { return c.text(v) }

// AppendBinary appends a value in binary form (same contract as
// AppendText).
func (c *ColumnInput) AppendBinary(v []byte) error { return c.bin(v) }

// Reserve makes room for n more values, so that a batch of known size
// is not built by repeated growing.
func (c *ColumnInput) Reserve(n int) { c.b.Reserve(n) }

// NewArray returns the values appended since the last call.
func (c *ColumnInput) NewArray() arrow.Array { return c.b.NewArray() }

// Release frees the builder.
func (c *ColumnInput) Release() { c.b.Release() }

// checkText refuses text PostgreSQL cannot store: invalid UTF-8 and NUL.
func checkText(v []byte) error {
	if bytes.IndexByte(v, 0) < 0 && utf8.Valid(v) {
		return nil
	}
	return InvalidUTF8(v)
}

// InvalidUTF8 is PostgreSQL's error for the first byte sequence of v that
// is not UTF-8 (or NUL), as pg_verify_mbstr reports it.
func InvalidUTF8(v []byte) error {
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRune(v[i:])
		if v[i] == 0 || (r == utf8.RuneError && n <= 1) {
			end := min(i+utf8.UTFMax, len(v))
			if v[i] >= 0x80 && v[i] < 0xc0 || v[i] == 0 {
				end = i + 1
			}
			if n := utf8Len(v[i]); n > 0 && i+n <= len(v) {
				end = i + n
			} else if n > 0 {
				return inputErr(InputEncoding, "invalid byte sequence for encoding \"UTF8\": %s", hexBytes(v[i:]))
			}
			return inputErr(InputEncoding, "invalid byte sequence for encoding \"UTF8\": %s", hexBytes(v[i:end]))
		}
		i += n
	}
	return nil
}

// utf8Len is the length a UTF-8 sequence starting with c claims (0 for a
// byte no sequence starts with).
func utf8Len(c byte) int {
	switch {
	case c < 0x80:
		return 1
	case c&0xe0 == 0xc0:
		return 2
	case c&0xf0 == 0xe0:
		return 3
	case c&0xf8 == 0xf0:
		return 4
	}
	return 1
}

func hexBytes(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("0x%02x", c)
	}
	return strings.Join(parts, " ")
}

// trimSpace drops the white space PostgreSQL's numeric input allows around
// a value.
func trimSpace(v []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' }
	for len(v) > 0 && isSpace(v[0]) {
		v = v[1:]
	}
	for len(v) > 0 && isSpace(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	return v
}

func parseInt(v []byte, bits int, typ string) (int64, error) {
	if x, ok := parseShortInt(v, bits); ok {
		return x, nil
	}
	s := trimSpace(v)
	if len(s) > 0 && s[0] == '+' && len(s) > 1 && s[1] != '-' && s[1] != '+' {
		s = s[1:]
	}
	x, err := strconv.ParseInt(string(s), 10, bits)
	if err == nil {
		return x, nil
	}
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return 0, inputErr(InputOutOfRange, "value %q is out of range for type %s", string(v), typ)
	}
	return 0, syntaxErr(InputSyntax, typ, v)
}

// parseShortInt is parseInt's fast path, without the string strconv
// wants: [-+]digits of at most 18 digits that fit bits; ok is false for
// anything else, which the slow path reads or refuses.
func parseShortInt(v []byte, bits int) (int64, bool) {
	i, neg := 0, false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg, i = v[0] == '-', 1
	}
	if len(v) == i || len(v)-i > 18 {
		return 0, false
	}
	var x int64
	for ; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		x = x*10 + int64(c-'0')
	}
	if neg {
		x = -x
	}
	if bits < 64 && (x < -1<<(bits-1) || x > 1<<(bits-1)-1) {
		return 0, false
	}
	return x, true
}

func parseFloat(v []byte, bits int, typ string) (float64, error) {
	s := string(trimSpace(v))
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), nil
	case "infinity", "+infinity", "inf", "+inf":
		return math.Inf(1), nil
	case "-infinity", "-inf":
		return math.Inf(-1), nil
	}
	if s == "" || strings.ContainsAny(s, "_xXpP") || strings.ContainsAny(strings.ToLower(s), "inf") {
		return 0, syntaxErr(InputSyntax, typ, v)
	}
	x, err := strconv.ParseFloat(s, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, inputErr(InputOutOfRange, "%q is out of range for type %s", s, typ)
		}
		return 0, syntaxErr(InputSyntax, typ, v)
	}
	return x, nil
}

// parseDecimal reads numeric_in's text (digits, a point, an exponent) and
// rounds it, half away from zero, to scale, as numeric(p, s) does.
func parseDecimal(v []byte, prec, scale int32) (decimal128.Num, error) {
	if n, ok := parseShortDecimal(v, prec, scale); ok {
		return n, nil
	}
	return parseLongDecimal(v, prec, scale)
}

// parseShortDecimal is parseDecimal's fast path: [-+]digits[.digits] of
// at most 18 digits that fit the column's precision; ok is false for
// anything else.
func parseShortDecimal(v []byte, prec, scale int32) (decimal128.Num, bool) {
	i, neg := 0, false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		neg, i = v[0] == '-', 1
	}
	var x uint64
	digits, frac, point := 0, int32(0), false
	for ; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			x = x*10 + uint64(c-'0')
			digits++
			if point {
				frac++
			}
		case c == '.' && !point:
			point = true
		default:
			return decimal128.Num{}, false
		}
	}
	if digits == 0 || digits > 18 {
		return decimal128.Num{}, false
	}
	n := rescale(x, scale-frac)
	if !n.FitsInPrecision(prec) {
		return decimal128.Num{}, false // the slow path says why
	}
	if neg {
		n = n.Negate()
	}
	return n, true
}

// pow10u64[k] is 10^k.
var pow10u64 = func() (p [20]uint64) {
	p[0] = 1
	for k := 1; k < len(p); k++ {
		p[k] = p[k-1] * 10
	}
	return p
}()

// rescale is x·10^by, or for a negative by x/10^-by rounded half away
// from zero: decimal128's IncreaseScaleBy and ReduceScaleBy, without
// their big.Int allocations while the result fits in 64 bits.
func rescale(x uint64, by int32) decimal128.Num {
	switch {
	case by >= 0 && by < int32(len(pow10u64)) && x <= math.MaxUint64/pow10u64[by]:
		return decimal128.FromU64(x * pow10u64[by])
	case by < 0 && -by < int32(len(pow10u64)):
		p := pow10u64[-by]
		q, r := x/p, x%p
		if r >= p-r {
			q++
		}
		return decimal128.FromU64(q)
	case by >= 0:
		return decimal128.FromU64(x).IncreaseScaleBy(by)
	}
	return decimal128.FromU64(x).ReduceScaleBy(-by, true)
}

func parseLongDecimal(v []byte, prec, scale int32) (decimal128.Num, error) {
	s := trimSpace(v)
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var digits []byte
	frac, seenPoint, exp := 0, false, 0
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			if seenPoint {
				frac++
			}
			continue
		case c == '.' && !seenPoint:
			seenPoint = true
			continue
		}
		break
	}
	if len(digits) == 0 {
		if strings.EqualFold(string(s), "nan") || strings.EqualFold(strings.TrimLeft(string(s), "+-"), "infinity") {
			return decimal128.Num{}, inputErr(InputOutOfRange, "cannot store %s in a numeric(%d, %d) column (Iceberg decimals have no special values)", string(trimSpace(v)), prec, scale)
		}
		return decimal128.Num{}, syntaxErr(InputSyntax, "numeric", v)
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return decimal128.Num{}, syntaxErr(InputSyntax, "numeric", v)
		}
		e, err := strconv.Atoi(string(s[i+1:]))
		if err != nil || e > 1000 || e < -1000 {
			return decimal128.Num{}, syntaxErr(InputSyntax, "numeric", v)
		}
		exp = e
	}
	// value = digits * 10^(exp-frac); keep scale digits after the point.
	shift := int(scale) - (frac - exp)
	if shift >= 0 {
		digits = append(digits, strings.Repeat("0", shift)...)
	} else {
		cut := len(digits) + shift
		roundUp := false
		if cut >= 0 {
			roundUp = digits[cut] >= '5'
			digits = digits[:cut]
		} else {
			digits = digits[:0]
		}
		if roundUp {
			digits = incrementDigits(digits)
		}
	}
	trimmed := strings.TrimLeft(string(digits), "0")
	if len(trimmed) > int(prec) {
		return decimal128.Num{}, inputErr(InputOutOfRange, "numeric field overflow")
	}
	n := decimal128.Num{}
	ten := decimal128.FromI64(10)
	for _, c := range []byte(trimmed) {
		n = n.Mul(ten).Add(decimal128.FromI64(int64(c - '0')))
	}
	if neg {
		n = n.Negate()
	}
	return n, nil
}

func incrementDigits(d []byte) []byte {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] < '9' {
			d[i]++
			return d
		}
		d[i] = '0'
	}
	return append([]byte{'1'}, d...)
}

// numericRecv reads numeric's binary form: ndigits, weight, sign, dscale,
// then base-10000 digits.
func numericRecv(v []byte, prec, scale int32) (decimal128.Num, error) {
	if len(v) < 8 {
		return decimal128.Num{}, binaryErr()
	}
	nd := int(binary.BigEndian.Uint16(v))
	weight := int(int16(binary.BigEndian.Uint16(v[2:])))
	sign := binary.BigEndian.Uint16(v[4:])
	if len(v) != 8+2*nd {
		return decimal128.Num{}, binaryErr()
	}
	switch sign {
	case 0x0000, 0x4000:
	case 0xC000, 0xD000, 0xF000:
		return decimal128.Num{}, inputErr(InputOutOfRange, "cannot store NaN or infinity in a numeric(%d, %d) column", prec, scale)
	default:
		return decimal128.Num{}, inputErr(InputBinary, "invalid sign in external \"numeric\" value")
	}
	if nd <= 4 {
		// fast path: at most 16 decimal digits, in an int64
		var total int64
		for k := 0; k < nd; k++ {
			d := int64(binary.BigEndian.Uint16(v[8+2*k:]))
			if d > 9999 {
				return decimal128.Num{}, inputErr(InputBinary, "invalid digit in external \"numeric\" value")
			}
			total = total*10000 + d
		}
		// value = total * 10^(4*(weight-nd+1)); scaled by 10^scale
		e := int32(4*(weight-nd+1)) + scale
		n := decimal128.FromI64(total)
		if e >= -38 && e <= 38 {
			n = rescale(uint64(total), e)
		} else if total != 0 {
			e = 99
		}
		if e <= 38 && n.FitsInPrecision(prec) {
			if sign == 0x4000 {
				n = n.Negate()
			}
			return n, nil
		}
		if e <= 38 {
			return decimal128.Num{}, inputErr(InputOutOfRange, "numeric field overflow")
		}
	}
	var b strings.Builder
	if sign == 0x4000 {
		b.WriteByte('-')
	}
	// digits[k] has weight (weight-k) in base 10000.
	intGroups := weight + 1
	for k := 0; k < max(intGroups, 0); k++ {
		d := 0
		if k < nd {
			d = int(binary.BigEndian.Uint16(v[8+2*k:]))
		}
		fmt.Fprintf(&b, "%04d", d)
	}
	if intGroups <= 0 {
		b.WriteByte('0')
	}
	b.WriteByte('.')
	for k := intGroups; k < 0; k++ {
		b.WriteString("0000")
	}
	for k := max(intGroups, 0); k < nd; k++ {
		d := int(binary.BigEndian.Uint16(v[8+2*k:]))
		if d > 9999 {
			return decimal128.Num{}, inputErr(InputBinary, "invalid digit in external \"numeric\" value")
		}
		fmt.Fprintf(&b, "%04d", d)
	}
	return parseDecimal([]byte(b.String()), prec, scale)
}
