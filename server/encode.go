package server

import (
	"fmt"
	"math/big"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/lakegate/lakegate/planner"
)

// Postgres type OIDs (pg_type.oid) for the types lakegate returns.
const (
	oidBool        = 16
	oidBytea       = 17
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidJSON        = 114
	oidFloat4      = 700
	oidFloat8      = 701
	oidDate        = 1082
	oidTime        = 1083
	oidTimestamp   = 1114
	oidTimestamptz = 1184
	oidInterval    = 1186
	oidNumeric     = 1700
	oidUUID        = 2950
)

var arrayOIDs = map[uint32]uint32{
	oidBool: 1000, oidBytea: 1001, oidInt2: 1005, oidInt4: 1007, oidText: 1009, oidInt8: 1016,
	oidFloat4: 1021, oidFloat8: 1022, oidTimestamp: 1115, oidDate: 1182, oidTime: 1183,
	oidTimestamptz: 1185, oidInterval: 1187, oidNumeric: 1231, oidUUID: 2951, oidJSON: 199,
}

// pgOID maps a result type to the Postgres type clients see.
func pgOID(t planner.Type) uint32 {
	switch t.ID {
	case planner.TypeBool:
		return oidBool
	case planner.TypeInt16:
		return oidInt2
	case planner.TypeInt32:
		return oidInt4
	case planner.TypeInt64:
		return oidInt8
	case planner.TypeFloat32:
		return oidFloat4
	case planner.TypeFloat64:
		return oidFloat8
	case planner.TypeNumeric:
		return oidNumeric
	case planner.TypeBytes:
		return oidBytea
	case planner.TypeDate:
		return oidDate
	case planner.TypeTime:
		return oidTime
	case planner.TypeTimestamp:
		return oidTimestamp
	case planner.TypeTimestampTZ:
		return oidTimestamptz
	case planner.TypeInterval:
		return oidInterval
	case planner.TypeUUID:
		return oidUUID
	case planner.TypeJSON:
		return oidJSON
	case planner.TypeList:
		if a, ok := arrayOIDs[pgOID(*t.Elem)]; ok {
			return a
		}
	}
	return oidText
}

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
		return func(i int) any { return a.Value(i) }, nil
	case *array.Float64:
		return func(i int) any { return a.Value(i) }, nil
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
		if oid == oidUUID && a.DataType().(*arrow.FixedSizeBinaryType).ByteWidth == 16 {
			return func(i int) any { return [16]byte(a.Value(i)) }, nil
		}
		return func(i int) any { return a.Value(i) }, nil
	case *array.Date32:
		return func(i int) any { return time.Unix(int64(a.Value(i))*86400, 0).UTC() }, nil
	case *array.Date64:
		return func(i int) any { return time.UnixMilli(int64(a.Value(i))).UTC() }, nil
	case *array.Time64:
		unit := a.DataType().(*arrow.Time64Type).Unit
		return func(i int) any {
			v := int64(a.Value(i))
			if unit == arrow.Nanosecond {
				v /= 1000
			}
			return pgtype.Time{Microseconds: v, Valid: true}
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
			return pgtype.Time{Microseconds: v, Valid: true}
		}, nil
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		toTime, err := tt.GetToTimeFunc()
		if err != nil {
			return nil, err
		}
		if tt.TimeZone != "" {
			return func(i int) any { return toTime(a.Value(i)).In(loc) }, nil
		}
		return func(i int) any { return toTime(a.Value(i)).UTC() }, nil
	case *array.MonthDayNanoInterval:
		return func(i int) any {
			v := a.Value(i)
			return pgtype.Interval{Months: v.Months, Days: v.Days, Microseconds: v.Nanoseconds / 1000, Valid: true}
		}, nil
	case *array.MonthInterval:
		return func(i int) any { return pgtype.Interval{Months: int32(a.Value(i)), Valid: true} }, nil
	case *array.DayTimeInterval:
		return func(i int) any {
			v := a.Value(i)
			return pgtype.Interval{Days: v.Days, Microseconds: int64(v.Milliseconds) * 1000, Valid: true}
		}, nil
	case array.ListLike:
		if elemOID, ok := elementOID(oid); ok {
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
	if oid == oidUUID {
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

func elementOID(arrayOID uint32) (uint32, bool) {
	for e, a := range arrayOIDs {
		if a == arrayOID {
			return e, true
		}
	}
	return 0, false
}

// batchRows converts a record batch to rows of Go values.
func batchRows(rec arrow.RecordBatch, oids []uint32, loc *time.Location, buf [][]any) ([][]any, error) {
	n := int(rec.NumRows())
	cols := int(rec.NumCols())
	if cols != len(oids) {
		return nil, fmt.Errorf("server: result has %d columns, described %d", cols, len(oids))
	}
	readers := make([]func(int) any, cols)
	for c := 0; c < cols; c++ {
		r, err := columnReader(rec.Column(c), oids[c], loc)
		if err != nil {
			return nil, err
		}
		readers[c] = r
	}
	rows := buf[:0]
	cells := make([]any, n*cols)
	for i := 0; i < n; i++ {
		row := cells[i*cols : (i+1)*cols : (i+1)*cols]
		for c := 0; c < cols; c++ {
			row[c] = readers[c](i)
		}
		rows = append(rows, row)
	}
	return rows, nil
}
