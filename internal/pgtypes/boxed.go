package pgtypes

import (
	"bytes"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// The boxed fallback: each value of a column becomes a Go value that
// pgtype.Map encodes for the column's OID. It covers every Arrow type the
// engine returns, and is what the columnar encoders are tested against.

// columnReader returns a function that yields row i of arr as a Go value
// the pgx type map encodes for the column's OID (nil for NULL).
func columnReader(arr arrow.Array, oid uint32, loc *time.Location) (func(i int) any, error) {
	get, err := valueReader(arr, oid, loc)
	if err != nil {
		return nil, err
	}
	return func(i int) any {
		if arr.IsNull(i) {
			return nil
		}
		return get(i)
	}, nil
}

func valueReader(arr arrow.Array, oid uint32, loc *time.Location) (func(i int) any, error) {
	switch a := arr.(type) {
	case *array.Boolean:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Int8:
		return func(i int) any { return int16(a.Value(i)) }, nil
	case *array.Uint8:
		return func(i int) any { return int16(a.Value(i)) }, nil
	case *array.Int16:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Uint16:
		return func(i int) any { return int32(a.Value(i)) }, nil
	case *array.Int32:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Uint32:
		return func(i int) any { return int64(a.Value(i)) }, nil
	case *array.Int64:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Uint64:
		return func(i int) any {
			return pgtype.Numeric{Int: new(big.Int).SetUint64(a.Value(i)), Valid: true}
		}, nil
	case *array.Float32:
		return func(i int) any { return pgFloat4(a.Value(i)) }, nil
	case *array.Float64:
		return func(i int) any { return pgFloat8(a.Value(i)) }, nil
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) any {
			return pgtype.Numeric{Int: a.Value(i).BigInt(), Exp: -scale, Valid: true}
		}, nil
	case *array.Decimal64:
		scale := a.DataType().(*arrow.Decimal64Type).Scale
		return func(i int) any {
			return pgtype.Numeric{Int: big.NewInt(int64(a.Value(i))), Exp: -scale, Valid: true}
		}, nil
	case *array.Decimal32:
		scale := a.DataType().(*arrow.Decimal32Type).Scale
		return func(i int) any {
			return pgtype.Numeric{Int: big.NewInt(int64(a.Value(i))), Exp: -scale, Valid: true}
		}, nil
	case *array.String:
		return stringValue(oid, a.Value), nil
	case *array.LargeString:
		return stringValue(oid, a.Value), nil
	case *array.StringView:
		return stringValue(oid, a.Value), nil
	case *array.Binary:
		return func(i int) any { return a.Value(i) }, nil
	case *array.LargeBinary:
		return func(i int) any { return a.Value(i) }, nil
	case *array.BinaryView:
		return func(i int) any { return a.Value(i) }, nil
	case *array.FixedSizeBinary:
		if oid == OIDUUID && a.DataType().(*arrow.FixedSizeBinaryType).ByteWidth == 16 {
			return func(i int) any { return [16]byte(a.Value(i)) }, nil
		}
		return func(i int) any { return a.Value(i) }, nil
	case *array.Date32:
		return func(i int) any {
			switch d := int32(a.Value(i)); d {
			case math.MaxInt32:
				return pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}
			case -math.MaxInt32:
				return pgtype.Date{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
			default:
				return time.Unix(int64(d)*86400, 0).UTC()
			}
		}, nil
	case *array.Date64:
		return func(i int) any { return time.UnixMilli(int64(a.Value(i))).UTC() }, nil
	case *array.Time64:
		unit := a.DataType().(*arrow.Time64Type).Unit
		return func(i int) any {
			v := int64(a.Value(i))
			if unit == arrow.Nanosecond {
				v /= 1000
			}
			return pgTime(v)
		}, nil
	case *array.Time32:
		unit := a.DataType().(*arrow.Time32Type).Unit
		return func(i int) any {
			v := int64(a.Value(i))
			if unit == arrow.Millisecond {
				v *= 1000
			} else {
				v *= 1e6
			}
			return pgTime(v)
		}, nil
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		toTime, err := tt.GetToTimeFunc()
		if err != nil {
			return nil, err
		}
		withTZ := tt.TimeZone != ""
		return func(i int) any {
			v := a.Value(i)
			// DuckDB stores ±infinity as ±MaxInt64 in every unit.
			if v == math.MaxInt64 || v == -math.MaxInt64 {
				inf := pgtype.Infinity
				if v < 0 {
					inf = pgtype.NegativeInfinity
				}
				if withTZ {
					return pgtype.Timestamptz{InfinityModifier: inf, Valid: true}
				}
				return pgtype.Timestamp{InfinityModifier: inf, Valid: true}
			}
			t := toTime(v).Truncate(time.Microsecond)
			if withTZ {
				return pgTimestamptz{t.In(loc)}
			}
			return pgTimestamp{t.UTC()}
		}, nil
	case *array.MonthDayNanoInterval:
		return func(i int) any {
			v := a.Value(i)
			return pgInterval{Months: v.Months, Days: v.Days, Microseconds: v.Nanoseconds / 1000, Valid: true}
		}, nil
	case *array.MonthInterval:
		return func(i int) any { return pgInterval{Months: int32(a.Value(i)), Valid: true} }, nil
	case *array.DayTimeInterval:
		return func(i int) any {
			v := a.Value(i)
			return pgInterval{Days: v.Days, Microseconds: int64(v.Milliseconds) * 1000, Valid: true}
		}, nil
	case array.ListLike:
		if oid == OIDInt2Vector || oid == OIDOIDVector {
			// Postgres writes these as numbers separated by spaces
			child := a.ListValues()
			return func(i int) any {
				start, end := a.ValueOffsets(i)
				var b []byte
				for j := start; j < end; j++ {
					if j > start {
						b = append(b, ' ')
					}
					b = append(b, child.ValueStr(int(j))...)
				}
				return string(b)
			}, nil
		}
		if elemOID, ok := ElementOID(oid); ok {
			child := a.ListValues()
			get, err := columnReader(child, elemOID, loc)
			if err != nil {
				return nil, err
			}
			return func(i int) any {
				start, end := a.ValueOffsets(i)
				out := make([]any, 0, end-start)
				for j := start; j < end; j++ {
					out = append(out, get(int(j)))
				}
				return out
			}, nil
		}
	}
	// Anything else (structs, maps, nested lists) is shown as text.
	return func(i int) any { return arr.ValueStr(i) }, nil
}

func stringValue(oid uint32, value func(int) string) func(int) any {
	if oid == OIDChar {
		return func(i int) any {
			if v := value(i); v != "" {
				return pgChar(v[0])
			}
			return pgChar(0)
		}
	}
	if oid == OIDNumeric {
		return numericTextValue(value)
	}
	if oid == OIDJSONB {
		return func(i int) any {
			if t, err := JSONBText(value(i)); err == nil {
				return t
			}
			return value(i) // the engine's JSON is valid: not reached
		}
	}
	if oid == OIDUUID {
		return func(i int) any {
			u, err := uuid.Parse(value(i))
			if err != nil {
				return value(i)
			}
			return [16]byte(u)
		}
	}
	return func(i int) any { return value(i) }
}

// The types below carry a result value to psql-wire's pgtype.Map. Each one
// implements the pgtype valuer its column's codec uses for the binary
// format and pgtype.TextValuer for the text format, because pgtype's own
// text output differs from PostgreSQL's (what psql users and text-format
// drivers see): timestamptz as "...Z" instead of the session zone's
// offset, floats without exponents, time with six fixed fraction digits,
// intervals as "14 mon 3 day". pgtype.Map picks a TextValuer before
// consulting the codec in text format, in arrays too.
//
// Output formats follow PostgreSQL 15 with DateStyle ISO and IntervalStyle
// postgres: src/backend/utils/adt/datetime.c (EncodeDateTime,
// EncodeInterval) and float.c (float8out with extra_float_digits > 0).

// pgChar is a "char" value: one byte, in both formats; the empty string
// is the zero byte, which Postgres prints as nothing.
type pgChar byte

func (c pgChar) TextValue() (pgtype.Text, error) {
	if c == 0 {
		return pgtype.Text{Valid: true}, nil
	}
	return pgtype.Text{String: string([]byte{byte(c)}), Valid: true}, nil
}

// pgFloat4 is a REAL value.
type pgFloat4 float32

func (f pgFloat4) Float64Value() (pgtype.Float8, error) {
	return pgtype.Float8{Float64: float64(f), Valid: true}, nil
}

func (f pgFloat4) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: formatFloat(float64(f), 32), Valid: true}, nil
}

// pgFloat8 is a DOUBLE value.
type pgFloat8 float64

func (f pgFloat8) Float64Value() (pgtype.Float8, error) {
	return pgtype.Float8{Float64: float64(f), Valid: true}, nil
}

func (f pgFloat8) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: formatFloat(float64(f), 64), Valid: true}, nil
}

// formatFloat prints the shortest text that reads back as f, like
// PostgreSQL's float4out/float8out with extra_float_digits >= 1 (the
// default): positional notation for decimal exponents in [-4, 6) for
// float4 and [-4, 15) for float8, otherwise "1.5e+20" / "1e-05".
func formatFloat(f float64, bits int) string {
	return string(appendFloat(nil, f, bits))
}

// appendFloat appends f as formatFloat prints it.
func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'e', -1, bits)
	e := b[start+bytes.LastIndexByte(b[start:], 'e')+1:]
	exp := 0
	for _, c := range e[1:] {
		exp = exp*10 + int(c-'0')
	}
	if e[0] == '-' {
		exp = -exp
	}
	limit := 15
	if bits == 32 {
		limit = 6
	}
	if exp < -4 || exp >= limit {
		return b // Go, like PostgreSQL, prints at least two exponent digits
	}
	return strconv.AppendFloat(b[:start], f, 'f', -1, bits)
}

// pgTime is a TIME value in microseconds since midnight.
type pgTime int64

func (t pgTime) TimeValue() (pgtype.Time, error) {
	return pgtype.Time{Microseconds: int64(t), Valid: true}, nil
}

func (t pgTime) TextValue() (pgtype.Text, error) {
	us := int64(t)
	b := appendClock(nil, us/3600e6, us/60e6%60, us/1e6%60, us%1e6)
	return pgtype.Text{String: string(b), Valid: true}, nil
}

// pgTimestamp is a TIMESTAMP value (in UTC, which stands for no zone).
type pgTimestamp struct{ t time.Time }

func (t pgTimestamp) TimestampValue() (pgtype.Timestamp, error) {
	return pgtype.Timestamp{Time: t.t, Valid: true}, nil
}

func (t pgTimestamp) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: string(appendTimestamp(nil, t.t, false)), Valid: true}, nil
}

// pgTimestamptz is a TIMESTAMPTZ value in the session's time zone, which
// only the text format shows.
type pgTimestamptz struct{ t time.Time }

func (t pgTimestamptz) TimestamptzValue() (pgtype.Timestamptz, error) {
	return pgtype.Timestamptz{Time: t.t, Valid: true}, nil
}

func (t pgTimestamptz) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: string(appendTimestamp(nil, t.t, true)), Valid: true}, nil
}

// pgInterval is an INTERVAL value.
type pgInterval pgtype.Interval

func (iv pgInterval) IntervalValue() (pgtype.Interval, error) { return pgtype.Interval(iv), nil }

// TextValue prints iv in IntervalStyle postgres: "1 year 2 mons -3 days
// +04:05:06.789". A field's sign is shown with "+" only after a negative
// field, as EncodeInterval does.
func (iv pgInterval) TextValue() (pgtype.Text, error) {
	var b []byte
	zero, before := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !zero {
			b = append(b, ' ')
		}
		if before && v > 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, v, 10)
		b = append(b, ' ')
		b = append(b, unit...)
		if v != 1 {
			b = append(b, 's')
		}
		before, zero = v < 0, false
	}
	part(int64(iv.Months/12), "year")
	part(int64(iv.Months%12), "mon")
	part(int64(iv.Days), "day")
	us := iv.Microseconds
	if zero || us != 0 {
		if !zero {
			b = append(b, ' ')
		}
		if us < 0 {
			b = append(b, '-')
			us = -us
		} else if before {
			b = append(b, '+')
		}
		b = appendClock(b, us/3600e6, us/60e6%60, us/1e6%60, us%1e6)
	}
	return pgtype.Text{String: string(b), Valid: true}, nil
}
