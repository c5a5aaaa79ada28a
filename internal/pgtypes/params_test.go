package pgtypes

import (
	"errors"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

// Parameters reach the engine as Go scalars or as text it casts; where
// DuckDB reads PostgreSQL's text differently the decoder rewrites it.
func TestDecodeParams(t *testing.T) {
	t.Parallel()
	text := func(s string) Param { return Param{Format: pgtype.TextFormatCode, Value: []byte(s)} }
	bin := func(b ...byte) Param { return Param{Format: pgtype.BinaryFormatCode, Value: b} }
	for _, tc := range []struct {
		name string
		oid  uint32
		p    Param
		want any
	}{
		{"null", OIDInt4, Param{}, nil},
		{"text passes", OIDInt4, text("42"), "42"},
		{"bytea hex", OIDBytea, text(`\xdead`), []byte{0xde, 0xad}},
		{"date BC", OIDDate, text("0044-03-15 BC"), "-0043-03-15"},
		{"timestamp BC", OIDTimestamp, text("0001-01-01 10:00:00 BC"), "-0000-01-01 10:00:00"},
		{"interval plus", OIDInterval, text("-1 days +02:00:00"), "-1 days 02:00:00"},
		{"int4[] text", 1007, text("{1,NULL,3}"), `["1", NULL, "3"]`},
		{"text[] quotes", 1009, text(`{"a \"b\"","NULL",NULL}`), `["a \"b\"", "NULL", NULL]`},
		{"int8 binary", OIDInt8, bin(0, 0, 0, 0, 0, 0, 0, 7), int64(7)},
		{"bool binary", OIDBool, bin(1), true},
		{"numeric binary", OIDNumeric, bin(0, 2, 0, 0, 0, 0, 0, 4, 0, 12, 13, 128), "12.3456"},
		{"uuid binary", OIDUUID, bin(0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{"date binary", OIDDate, bin(0, 0, 0, 1), "2000-01-02"},
		{"json binary", OIDJSON, bin('{', '}'), "{}"},
		{"jsonb binary", oidJSONB, bin(1, '[', ']'), "[]"},
		{"int4[] binary", 1007, bin(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 5, 255, 255, 255, 255), "[5, NULL]"},
	} {
		got, err := DecodeParams([]Param{tc.p}, []uint32{tc.oid})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got[0], tc.want) {
			t.Errorf("%s: %#v, want %#v", tc.name, got[0], tc.want)
		}
	}
}

// A value that does not decode names its parameter, counting from $1.
func TestDecodeParamsError(t *testing.T) {
	t.Parallel()
	_, err := DecodeParams([]Param{{Value: []byte("1")}, {Format: pgtype.BinaryFormatCode, Value: []byte{1, 2}}}, []uint32{OIDInt4, OIDInt8})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Index != 1 || err.Error()[:4] != "$2: " {
		t.Fatalf("%v, want a ParamError of $2", err)
	}
	_, err = DecodeParams([]Param{{Format: pgtype.BinaryFormatCode, Value: []byte{2, '{', '}'}}}, []uint32{oidJSONB})
	if !errors.As(err, &pe) {
		t.Fatalf("jsonb version 2: %v", err)
	}
}

// FuzzDecodeParams decodes any bytes as a parameter of any type lakegate
// announces, in both formats: an error is fine, a panic is not.
func FuzzDecodeParams(f *testing.F) {
	oids := []uint32{OIDBool, OIDBytea, OIDChar, OIDName, OIDInt8, OIDInt2, OIDInt4, OIDText, OIDOID, OIDJSON,
		OIDFloat4, OIDFloat8, OIDDate, OIDTime, OIDTimestamp, OIDTimestamptz, OIDInterval, OIDNumeric, OIDUUID, oidJSONB,
		1000, 1001, 1005, 1007, 1009, 1016, 1021, 1022, 1115, 1182, 1183, 1185, 1187, 1231, 2951, 199}
	f.Add(uint8(0), false, []byte("t"))
	f.Add(uint8(6), true, []byte{0, 0, 0, 7})
	f.Add(uint8(17), true, []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Add(uint8(23), true, []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 9})
	f.Add(uint8(24), false, []byte(`{"a","b",NULL}`))
	f.Add(uint8(12), false, []byte("0044-03-15 BC"))
	f.Fuzz(func(t *testing.T, sel uint8, binary bool, value []byte) {
		format := int16(pgtype.TextFormatCode)
		if binary {
			format = pgtype.BinaryFormatCode
		}
		_, _ = DecodeParams([]Param{{Format: format, Value: value}}, []uint32{oids[int(sel)%len(oids)]})
	})
}

func TestParamFits(t *testing.T) {
	dec := Type{ID: TypeNumeric, Precision: 12, Scale: 2, Engine: "DECIMAL"}
	i32 := Type{ID: TypeInt32}
	for _, c := range []struct {
		t    Type
		v    string
		want bool
	}{
		{i32, "42", true}, {i32, "-7", true}, {i32, " +5 ", true}, {i32, "1.5", false}, {i32, "1e3", false}, {i32, "", false},
		{i32, "--1", false}, {dec, "10.25", true}, {dec, "0.10", true}, {dec, "0.100000", true}, {dec, "-0.01", true},
		{dec, "0.101", false}, {dec, "0.005", false}, {dec, "1234567890.12", true}, {dec, "12345678901", false},
		{dec, "NaN", false}, {dec, ".", false}, {Type{ID: TypeText}, "anything", true},
		{Type{ID: TypeNumeric, Engine: "HUGEINT"}, "123", true},
	} {
		if got := ParamFits(c.t, c.v); got != c.want {
			t.Errorf("ParamFits(%v, %q) = %v, want %v", c.t.ID, c.v, got, c.want)
		}
	}
}

// TestNumericParam: a numeric parameter's text keeps Postgres' display
// scale (SELECT $1::numeric answers these in PostgreSQL 15).
func TestNumericParam(t *testing.T) {
	for _, c := range []struct {
		v    string
		text string
		p, s int
		err  error
	}{
		{"1.5", "1.5", 2, 1, nil}, {"1.50", "1.50", 3, 2, nil}, {" -0012.3400 ", "-12.3400", 6, 4, nil},
		{"+7", "7", 1, 0, nil}, {"0", "0", 1, 0, nil}, {"-0.00", "0.00", 2, 2, nil}, {".5", "0.5", 1, 1, nil},
		{"5.", "5", 1, 0, nil}, {"1.5e-3", "0.0015", 4, 4, nil}, {"1.50e1", "15.0", 3, 1, nil},
		{"1e3", "1000", 4, 0, nil}, {"2.5E+2", "250", 3, 0, nil}, {"0.000123", "0.000123", 6, 6, nil},
		{"12345678901234567890.123456789012345678", "12345678901234567890.123456789012345678", 38, 18, nil},
		{"0.12345678901234567890123456789012345678", "0.12345678901234567890123456789012345678", 38, 38, nil},
		{"123456789012345678901234567890123456789", "", 0, 0, ErrNumericWide},
		{"1e38", "", 0, 0, ErrNumericWide}, {"1e-39", "", 0, 0, ErrNumericWide}, {"1e-38", "0.00000000000000000000000000000000000001", 38, 38, nil},
		{"NaN", "", 0, 0, ErrNumericSpecial}, {"-Infinity", "", 0, 0, ErrNumericSpecial},
		{"", "", 0, 0, ErrNumericSyntax}, {".", "", 0, 0, ErrNumericSyntax}, {"1.2.3", "", 0, 0, ErrNumericSyntax},
		{"1e", "", 0, 0, ErrNumericSyntax}, {"abc", "", 0, 0, ErrNumericSyntax}, {"--1", "", 0, 0, ErrNumericSyntax},
		{"1e99999", "", 0, 0, ErrNumericSyntax}, {"1 000", "", 0, 0, ErrNumericSyntax},
	} {
		text, p, s, err := NumericParam(c.v)
		if !errors.Is(err, c.err) || text != c.text || p != c.p || s != c.s {
			t.Errorf("NumericParam(%q) = %q (%d,%d) %v, want %q (%d,%d) %v", c.v, text, p, s, err, c.text, c.p, c.s, c.err)
		}
	}
}
