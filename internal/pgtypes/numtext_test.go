package pgtypes

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgtype"
)

// PostgreSQL 15's answers (select ...) for the operands the engine
// computes.
func TestNumericText(t *testing.T) {
	cases := []struct{ in, want, pg string }{
		{"1/3", "0.33333333333333333333", "1::numeric / 3"},
		{"5/2.0", "2.5000000000000000", "5 / 2.0"},
		{"10/4", "2.5000000000000000", "10::numeric / 4"},
		{"-7.5/2", "-3.7500000000000000", "-7.5 / 2"},
		{"1/7.0", "0.14285714285714285714", "1 / 7.0"},
		{"0/3.0", "0.00000000000000000000", "0 / 3.0"},
		{"1/3.000000", "0.33333333333333333333", "1 / 3.000000"},
		{"123456789.12/0.0003", "411522630400.00000000", "123456789.12 / 0.0003"},
		{"0.001/3", "0.00033333333333333333", "0.001 / 3"},
		{"5/3", "1.6666666666666667", "avg of 1, 2, 2"},
		{"3.750/2", "1.8750000000000000", "avg of 1.5, 2.25"},
		{"v:var_samp:3:7:21", "2.3333333333333333", "variance of 1, 2, 4"},
		{"v:stddev_samp:3:7:21", "1.5275252316519467", "stddev of 1, 2, 4"},
		{"v:var_samp:2:6:18", "0", "variance of 3, 3"},
		{"v:stddev_samp:3:1000000000010:1000000000000000000000058", "577350269187", "stddev of 1e12, 3, 7"},
		{"12.50", "12.50", "a decimal"},
		{"5/3@r2", "1.67", "round(avg of 1, 2, 2, 2)"},
		{"-5/3@r0", "-2", "round(-5 / 3.0)"},
		{"1234.5@r-2", "1200", "round(1234.5, -2)"},
		{"1250/1@r-2", "1300", "round(1250 / 1.0, -2)"},
		{"1.5@r3", "1.500", "round(1.5, 3)"},
		{"1.2300@t", "1.23", "trim_scale(1.2300)"},
		{"10.00@t", "10", "trim_scale(10.00)"},
		{"0.000@t", "0", "trim_scale(0.000)"},
	}
	for _, c := range cases {
		got, err := NumericText(c.in)
		if err != nil || got != c.want {
			t.Errorf("NumericText(%s) (%s) = %s, %v; want %s", c.in, c.pg, got, err, c.want)
		}
	}
	for _, bad := range []string{"1/0", "x/2", "v:var_samp:2:1"} {
		if got, err := NumericText(bad); err == nil {
			t.Errorf("NumericText(%s) = %s, want an error", bad, got)
		}
	}
}

// A numeric column the engine computed as text goes out as Postgres'
// numeric in both formats: the binary value has the text's digits and
// display scale.
func TestNumericTextColumn(t *testing.T) {
	tm := pgtype.NewMap()
	RegisterTypes(tm)
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	b := array.NewStringBuilder(mem)
	b.Append("5/2.0")
	b.AppendNull()
	b.Append("v:var_samp:3:7:21")
	arr := b.NewArray()
	b.Release()
	rec := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{{Name: "q", Type: arr.DataType(), Nullable: true}}, nil), []arrow.Array{arr}, 3)
	arr.Release()
	defer rec.Release()
	cols := []Column{{Name: "q", Type: Type{ID: TypeText, OID: OIDNumeric}}}
	want := []string{"2.5000000000000000", "", "2.3333333333333333"}
	for _, format := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
		enc := NewRowEncoder(cols, []int16{format}, EncodeOptions{TypeMap: tm})
		fields := fieldsOf(t, encodeRows(t, enc, rec, 0, 3))
		for i := 0; i < 3; i++ {
			n := int(int32(uint32(fields[0])<<24 | uint32(fields[1])<<16 | uint32(fields[2])<<8 | uint32(fields[3])))
			fields = fields[4:]
			if n < 0 {
				if want[i] != "" {
					t.Errorf("format %d row %d: NULL, want %s", format, i, want[i])
				}
				continue
			}
			v := fields[:n]
			fields = fields[n:]
			got := string(v)
			if format == pgtype.BinaryFormatCode {
				var num pgtype.Numeric
				if err := tm.Scan(OIDNumeric, format, v, &num); err != nil {
					t.Fatal(err)
				}
				tv, err := num.Value()
				if err != nil {
					t.Fatal(err)
				}
				got = tv.(string)
			}
			if got != want[i] {
				t.Errorf("format %d row %d: %s, want %s", format, i, got, want[i])
			}
		}
	}
}
