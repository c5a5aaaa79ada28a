package planner

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/iceberg-go"
	"github.com/google/uuid"
)

func TestSQLLiteral(t *testing.T) {
	tests := []struct {
		v     any
		typ   iceberg.Type
		duckT string
		want  string
	}{
		{int64(math.MinInt64), iceberg.PrimitiveTypes.Int64, "BIGINT", "CAST('-9223372036854775808' AS BIGINT)"},
		{int32(-5), iceberg.PrimitiveTypes.Int32, "INTEGER", "CAST('-5' AS INTEGER)"},
		{float32(1.23), iceberg.PrimitiveTypes.Float32, "FLOAT", "CAST('1.23' AS FLOAT)"},
		{math.Inf(-1), iceberg.PrimitiveTypes.Float64, "DOUBLE", "CAST('-inf' AS DOUBLE)"},
		{iceberg.DecimalLiteral{Val: decimal128.FromI64(-123), Scale: 2}, iceberg.DecimalTypeOf(9, 2), "DECIMAL(9,2)", "CAST('-1.23' AS DECIMAL(9,2))"},
		{[]byte{0xff, 0x85}, iceberg.DecimalTypeOf(9, 2), "DECIMAL(9,2)", "CAST('-1.23' AS DECIMAL(9,2))"},
		{iceberg.Date(19725), iceberg.PrimitiveTypes.Date, "DATE", "CAST('2024-01-03' AS DATE)"},
		{iceberg.Time(45296000000), iceberg.PrimitiveTypes.Time, "TIME", "CAST('12:34:56.000000' AS TIME)"},
		{iceberg.Timestamp(1684161045000000), iceberg.PrimitiveTypes.TimestampTz, "TIMESTAMPTZ", "CAST('2023-05-15 14:30:45+00' AS TIMESTAMPTZ)"},
		{int64(1684161045000000), iceberg.PrimitiveTypes.Timestamp, "TIMESTAMP", "CAST('2023-05-15 14:30:45' AS TIMESTAMP)"},
		{"it's", iceberg.PrimitiveTypes.String, "VARCHAR", "CAST('it''s' AS VARCHAR)"},
		{uuid.MustParse("8dc314d8-3fd4-4b3a-8bf5-c008f363c2e4"), iceberg.PrimitiveTypes.UUID, "UUID", "CAST('8dc314d8-3fd4-4b3a-8bf5-c008f363c2e4' AS UUID)"},
		{[]byte{1, 2, 3}, iceberg.PrimitiveTypes.Binary, "BLOB", "from_hex('010203')"},
		{true, iceberg.PrimitiveTypes.Bool, "BOOLEAN", "true"},
		{nil, iceberg.PrimitiveTypes.Int32, "INTEGER", "NULL::INTEGER"},
	}
	for _, tc := range tests {
		got, err := sqlLiteral(tc.v, tc.typ, tc.duckT)
		if err != nil || got != tc.want {
			t.Errorf("sqlLiteral(%v, %s) = %q, %v; want %q", tc.v, tc.typ, got, err, tc.want)
		}
	}
	if _, err := sqlLiteral("x", iceberg.PrimitiveTypes.Int32, "INTEGER"); err == nil {
		t.Error("a string for an int column must be an error")
	}
}

func TestViewColumnNames(t *testing.T) {
	fields := []iceberg.NestedField{{ID: 1, Name: "user_id"}, {ID: 2, Name: "uSeR_Id"}, {ID: 3, Name: "USER_ID_1"}, {ID: 4, Name: "b"}}
	got := viewColumnNames(fields)
	want := []string{"user_id", "uSeR_Id_2", "USER_ID_1", "b"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestTimestamptzPruneLiteral(t *testing.T) {
	for _, c := range []struct {
		typ, val string
		utc      bool
		want     string // "" = no literal
	}{
		{"TIMESTAMP WITH TIME ZONE", "2024-03-01 02:00:00+02", false, "2024-03-01 00:00:00"},
		{"TIMESTAMP WITH TIME ZONE", "2024-03-01 00:00:00", true, "2024-03-01 00:00:00"},
		{"TIMESTAMP WITH TIME ZONE", "2024-03-01 00:00:00", false, ""},
		{"VARCHAR", "2024-03-01", true, "2024-03-01 00:00:00"},
		{"VARCHAR", "2024-03-01 10:30:00-05:00", false, "2024-03-01 15:30:00"},
		{"VARCHAR", "yesterday", true, ""},
	} {
		lit, ok := icebergLiteral(typedConst{typ: c.typ, val: c.val}, iceberg.PrimitiveTypes.TimestampTz, c.utc)
		if c.want == "" {
			if ok {
				t.Errorf("%v: got %v, want no literal", c, lit)
			}
			continue
		}
		if !ok {
			t.Errorf("%v: no literal", c)
			continue
		}
		got := time.UnixMicro(int64(lit.(iceberg.TypedLiteral[iceberg.Timestamp]).Value())).UTC().Format("2006-01-02 15:04:05")
		if got != c.want {
			t.Errorf("%v: got %s", c, got)
		}
	}
}
