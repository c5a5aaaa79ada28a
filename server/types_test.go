package server_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/lakegate/lakegate/internal/demo"
)

// typeCase is one value selected through the gateway. want is what pgx
// decodes (rows.Values) in either format, text is what PostgreSQL 15 prints
// for it in text format (psql shows this), and typ, when set, is the DuckDB
// type the value is sent back as in `select $1::typ`.
type typeCase struct {
	name string
	expr string
	oid  uint32
	want any
	text string // ignored when want is nil
	typ  string
	arg  any // parameter value; want when nil
}

func us(h, m, s, micro int64) int64 {
	return ((h*60+m)*60+s)*1e6 + micro
}

func ptr[T any](v T) *T { return &v }

var (
	uuidBytes = [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}
	leapNoon  = time.Date(2024, 2, 29, 12, 34, 56, 123456000, time.UTC)
)

func numeric(s string) pgtype.Numeric {
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil {
		panic(err)
	}
	return n
}

var typeCases = []typeCase{
	{name: "bool/true", expr: "true", oid: 16, want: true, text: "t", typ: "BOOLEAN"},
	{name: "bool/false", expr: "false", oid: 16, want: false, text: "f", typ: "BOOLEAN"},
	{name: "int2", expr: "(-32768)::SMALLINT", oid: 21, want: int16(-32768), text: "-32768", typ: "SMALLINT"},
	{name: "int4", expr: "2147483647::INTEGER", oid: 23, want: int32(2147483647), text: "2147483647", typ: "INTEGER"},
	{name: "int8", expr: "(-9223372036854775808)::BIGINT", oid: 20, want: int64(math.MinInt64), text: "-9223372036854775808", typ: "BIGINT"},
	{name: "float4", expr: "1.5::REAL", oid: 700, want: float32(1.5), text: "1.5", typ: "REAL"},
	{name: "float4/shortest", expr: "0.1::REAL", oid: 700, want: float32(0.1), text: "0.1", typ: "REAL"},
	{name: "float4/exp", expr: "3.4028235e38::REAL", oid: 700, want: float32(math.MaxFloat32), text: "3.4028235e+38", typ: "REAL"},
	{name: "float4/1e6", expr: "1000000::REAL", oid: 700, want: float32(1e6), text: "1e+06", typ: "REAL"},
	{name: "float8/shortest", expr: "0.1::DOUBLE", oid: 701, want: 0.1, text: "0.1", typ: "DOUBLE"},
	{name: "float8/third", expr: "1::DOUBLE/3", oid: 701, want: 1.0 / 3, text: "0.3333333333333333", typ: "DOUBLE"},
	{name: "float8/large", expr: "1e20::DOUBLE", oid: 701, want: 1e20, text: "1e+20", typ: "DOUBLE"},
	{name: "float8/fixed", expr: "123456789012345.6::DOUBLE", oid: 701, want: 123456789012345.6, text: "123456789012345.6", typ: "DOUBLE"},
	{name: "float8/small", expr: "0.000015::DOUBLE", oid: 701, want: 1.5e-5, text: "1.5e-05", typ: "DOUBLE"},
	{name: "float8/negative", expr: "(-2.5)::DOUBLE", oid: 701, want: -2.5, text: "-2.5", typ: "DOUBLE"},
	{name: "float8/nan", expr: "'NaN'::DOUBLE", oid: 701, want: math.NaN(), text: "NaN", typ: "DOUBLE"},
	{name: "float8/-inf", expr: "'-Infinity'::DOUBLE", oid: 701, want: math.Inf(-1), text: "-Infinity", typ: "DOUBLE"},
	{name: "numeric/scale", expr: "12345678901234.5678::DECIMAL(18,4)", oid: 1700, want: numeric("12345678901234.5678"), text: "12345678901234.5678", typ: "DECIMAL(18,4)"},
	{name: "numeric/negative", expr: "(-0.0010)::DECIMAL(5,4)", oid: 1700, want: numeric("-0.0010"), text: "-0.0010", typ: "DECIMAL(5,4)"},
	{name: "numeric/trailing-zero", expr: "1.50::DECIMAL(4,2)", oid: 1700, want: numeric("1.50"), text: "1.50", typ: "DECIMAL(4,2)"},
	{name: "numeric/small-width", expr: "(-12.5)::DECIMAL(4,1)", oid: 1700, want: numeric("-12.5"), text: "-12.5", typ: "DECIMAL(4,1)"},
	{name: "numeric/precision38", expr: "(-12345678901234567890123456789.123456789)::DECIMAL(38,9)", oid: 1700,
		want: numeric("-12345678901234567890123456789.123456789"), text: "-12345678901234567890123456789.123456789", typ: "DECIMAL(38,9)"},
	{name: "numeric/hugeint", expr: "170141183460469231731687303715884105727::HUGEINT", oid: 1700,
		want: numeric("170141183460469231731687303715884105727"), text: "170141183460469231731687303715884105727", typ: "HUGEINT"},
	{name: "numeric/ubigint", expr: "18446744073709551615::UBIGINT", oid: 1700, want: numeric("18446744073709551615"), text: "18446744073709551615", typ: "UBIGINT"},
	{name: "text", expr: `'héllo, "world"'::VARCHAR`, oid: 1043, want: `héllo, "world"`, text: `héllo, "world"`, typ: "VARCHAR"},
	{name: "text/empty", expr: "''::VARCHAR", oid: 1043, want: "", text: "", typ: "VARCHAR"},
	{name: "bytea", expr: `'\xDE\xAD\xBE\xEF'::BLOB`, oid: 17, want: []byte{0xde, 0xad, 0xbe, 0xef}, text: `\xdeadbeef`, typ: "BLOB"},
	{name: "bytea/empty", expr: `''::BLOB`, oid: 17, want: []byte{}, text: `\x`, typ: "BLOB"},
	{name: "date", expr: "DATE '2024-02-29'", oid: 1082, want: time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), text: "2024-02-29", typ: "DATE"},
	{name: "date/bc", expr: "DATE '0044-03-15 (BC)'", oid: 1082, want: time.Date(-43, 3, 15, 0, 0, 0, 0, time.UTC), text: "0044-03-15 BC", typ: "DATE"},
	{name: "date/infinity", expr: "'infinity'::DATE", oid: 1082, want: pgtype.Infinity, text: "infinity", typ: "DATE", arg: pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}},
	{name: "date/-infinity", expr: "'-infinity'::DATE", oid: 1082, want: pgtype.NegativeInfinity, text: "-infinity", typ: "DATE", arg: pgtype.Date{InfinityModifier: pgtype.NegativeInfinity, Valid: true}},
	{name: "time", expr: "TIME '12:34:56.123456'", oid: 1083, want: pgtype.Time{Microseconds: us(12, 34, 56, 123456), Valid: true}, text: "12:34:56.123456", typ: "TIME"},
	{name: "time/whole", expr: "TIME '12:34:56'", oid: 1083, want: pgtype.Time{Microseconds: us(12, 34, 56, 0), Valid: true}, text: "12:34:56", typ: "TIME"},
	{name: "time/half", expr: "TIME '00:00:01.5'", oid: 1083, want: pgtype.Time{Microseconds: us(0, 0, 1, 500000), Valid: true}, text: "00:00:01.5", typ: "TIME"},
	{name: "timestamp", expr: "TIMESTAMP '2024-02-29 12:34:56.123456'", oid: 1114, want: leapNoon, text: "2024-02-29 12:34:56.123456", typ: "TIMESTAMP"},
	{name: "timestamp/whole", expr: "TIMESTAMP '1999-12-31 23:59:59'", oid: 1114, want: time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), text: "1999-12-31 23:59:59", typ: "TIMESTAMP"},
	{name: "timestamp/infinity", expr: "'infinity'::TIMESTAMP", oid: 1114, want: pgtype.Infinity, text: "infinity", typ: "TIMESTAMP", arg: pgtype.Timestamp{InfinityModifier: pgtype.Infinity, Valid: true}},
	{name: "timestamp/bc", expr: "TIMESTAMP '0044-03-15 (BC) 10:00:00'", oid: 1114, want: time.Date(-43, 3, 15, 10, 0, 0, 0, time.UTC),
		text: "0044-03-15 10:00:00 BC", typ: "TIMESTAMP"},
	{name: "timestamptz/-infinity", expr: "'-infinity'::TIMESTAMPTZ", oid: 1184, want: pgtype.NegativeInfinity, text: "-infinity", typ: "TIMESTAMPTZ", arg: pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}},
	{name: "timestamptz", expr: "TIMESTAMPTZ '2024-02-29 12:34:56.123456+00'", oid: 1184, want: leapNoon, text: "2024-02-29 12:34:56.123456+00", typ: "TIMESTAMPTZ"},
	{name: "timestamptz/offset", expr: "TIMESTAMPTZ '2024-07-01 12:00:00.5+02'", oid: 1184, want: time.Date(2024, 7, 1, 10, 0, 0, 5e8, time.UTC), text: "2024-07-01 10:00:00.5+00", typ: "TIMESTAMPTZ"},
	{name: "interval", expr: "INTERVAL '1 day 2 hours'", oid: 1186, want: pgtype.Interval{Days: 1, Microseconds: us(2, 0, 0, 0), Valid: true}, text: "1 day 02:00:00", typ: "INTERVAL"},
	{name: "interval/full", expr: "INTERVAL '1 year 2 months 3 days 04:05:06.789'", oid: 1186,
		want: pgtype.Interval{Months: 14, Days: 3, Microseconds: us(4, 5, 6, 789000), Valid: true}, text: "1 year 2 mons 3 days 04:05:06.789", typ: "INTERVAL"},
	{name: "interval/negative", expr: "INTERVAL '-2 days -00:00:01'", oid: 1186,
		want: pgtype.Interval{Days: -2, Microseconds: -1e6, Valid: true}, text: "-2 days -00:00:01", typ: "INTERVAL"},
	{name: "interval/mixed-signs", expr: "INTERVAL '-1 day 2 hours'", oid: 1186,
		want: pgtype.Interval{Days: -1, Microseconds: us(2, 0, 0, 0), Valid: true}, text: "-1 days +02:00:00", typ: "INTERVAL"},
	{name: "interval/month", expr: "INTERVAL '1 month'", oid: 1186, want: pgtype.Interval{Months: 1, Valid: true}, text: "1 mon", typ: "INTERVAL"},
	{name: "interval/zero", expr: "INTERVAL '0 seconds'", oid: 1186, want: pgtype.Interval{Valid: true}, text: "00:00:00", typ: "INTERVAL"},
	{name: "uuid", expr: "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID", oid: 2950, want: uuidBytes, text: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		typ: "UUID", arg: pgtype.UUID{Bytes: uuidBytes, Valid: true}},
	{name: "json", expr: `'{"a":1}'::JSON`, oid: 114, want: map[string]any{"a": float64(1)}, text: `{"a":1}`, typ: "JSON", arg: `{"a":1}`},
	{name: "list/int4", expr: "[1,NULL,3]::INTEGER[]", oid: 1007, want: []any{int32(1), nil, int32(3)}, text: "{1,NULL,3}",
		typ: "INTEGER[]", arg: []*int32{ptr(int32(1)), nil, ptr(int32(3))}},
	{name: "list/int8", expr: "[9223372036854775807]::BIGINT[]", oid: 1016, want: []any{int64(math.MaxInt64)}, text: "{9223372036854775807}",
		typ: "BIGINT[]", arg: []int64{math.MaxInt64}},
	{name: "list/empty", expr: "[]::INTEGER[]", oid: 1007, want: []any{}, text: "{}", typ: "INTEGER[]", arg: []int32{}},
	{name: "list/text", expr: `['a', NULL, 'b c', '', 'x"y']::VARCHAR[]`, oid: 1009, want: []any{"a", nil, "b c", "", `x"y`},
		text: `{a,NULL,"b c","","x\"y"}`, typ: "VARCHAR[]", arg: []*string{ptr("a"), nil, ptr("b c"), ptr(""), ptr(`x"y`)}},
	{name: "list/bool", expr: "[true, NULL, false]", oid: 1000, want: []any{true, nil, false}, text: "{t,NULL,f}",
		typ: "BOOLEAN[]", arg: []*bool{ptr(true), nil, ptr(false)}},
	{name: "list/float8", expr: "[0.1, NULL, 1e20]::DOUBLE[]", oid: 1022, want: []any{0.1, nil, 1e20}, text: "{0.1,NULL,1e+20}",
		typ: "DOUBLE[]", arg: []*float64{ptr(0.1), nil, ptr(1e20)}},
	{name: "list/numeric", expr: "[1.50, NULL]::DECIMAL(4,2)[]", oid: 1231, want: []any{numeric("1.50"), nil}, text: "{1.50,NULL}",
		typ: "DECIMAL(4,2)[]", arg: []pgtype.Numeric{numeric("1.50"), {}}},
	{name: "list/timestamptz", expr: "[TIMESTAMPTZ '2024-02-29 12:34:56.123456+00', NULL]", oid: 1185, want: []any{leapNoon, nil},
		text: `{"2024-02-29 12:34:56.123456+00",NULL}`, typ: "TIMESTAMPTZ[]", arg: []*time.Time{ptr(leapNoon), nil}},
	{name: "list/date", expr: "[DATE '2024-02-29']", oid: 1182, want: []any{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}, text: "{2024-02-29}",
		typ: "DATE[]", arg: []time.Time{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}},
	{name: "list/uuid", expr: "['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID, NULL]", oid: 2951, want: []any{uuidBytes, nil},
		text: "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}", typ: "UUID[]", arg: []pgtype.UUID{{Bytes: uuidBytes, Valid: true}, {}}},
	{name: "list/bytea", expr: `['\xDE\xAD'::BLOB, NULL]`, oid: 1001, want: []any{[]byte{0xde, 0xad}, nil}, text: `{"\\xdead",NULL}`,
		typ: "BLOB[]", arg: [][]byte{{0xde, 0xad}, nil}},
}

// nullTypes are DuckDB types whose NULL must keep its Postgres type.
var nullTypes = []struct {
	typ string
	oid uint32
}{
	{"BOOLEAN", 16}, {"SMALLINT", 21}, {"INTEGER", 23}, {"BIGINT", 20}, {"REAL", 700}, {"DOUBLE", 701},
	{"DECIMAL(18,4)", 1700}, {"DECIMAL(38,9)", 1700}, {"HUGEINT", 1700}, {"VARCHAR", 1043}, {"BLOB", 17}, {"DATE", 1082},
	{"TIME", 1083}, {"TIMESTAMP", 1114}, {"TIMESTAMPTZ", 1184}, {"INTERVAL", 1186}, {"UUID", 2950}, {"JSON", 114},
	{"INTEGER[]", 1007}, {"VARCHAR[]", 1009}, {"TIMESTAMPTZ[]", 1185},
}

func allTypeCases() []typeCase {
	cases := append([]typeCase(nil), typeCases...)
	for _, n := range nullTypes {
		cases = append(cases, typeCase{name: "null/" + n.typ, expr: "NULL::" + n.typ, oid: n.oid, typ: n.typ})
	}
	return cases
}

var execModes = []struct {
	name   string
	mode   pgx.QueryExecMode
	binary bool // results (and parameters) travel in binary format
}{
	{"binary", pgx.QueryExecModeCacheStatement, true},
	{"extended-text", pgx.QueryExecModeExec, false},
	{"simple", pgx.QueryExecModeSimpleProtocol, false},
}

// TestTypesRoundTrip selects a literal of every supported type and checks
// the RowDescription OID, the value pgx decodes in binary and text format,
// and the text PostgreSQL itself would send.
func TestTypesRoundTrip(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	for _, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			c := g.connect(t)
			for _, tc := range allTypeCases() {
				t.Run(tc.name, func(t *testing.T) {
					checkSelect(t, c, m.mode, m.binary, "select "+tc.expr, nil, tc)
				})
			}
		})
	}
}

// TestTypesParameters sends each value back as a $1 parameter, in binary
// (described statement), text (unnamed statement, OID left to the server)
// and interpolated by the client (simple protocol).
func TestTypesParameters(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	for _, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			c := g.connect(t)
			for _, tc := range allTypeCases() {
				if tc.typ == "" {
					continue
				}
				t.Run(tc.name, func(t *testing.T) {
					arg := tc.arg
					if arg == nil {
						arg = tc.want
					}
					if tc.want == nil {
						arg = nil
					}
					if tc.typ == "VARCHAR" && m.mode != pgx.QueryExecModeSimpleProtocol {
						// a parameter cast to varchar is described as
						// text (README, differences; Postgres: varchar)
						tc.oid = 25
					}
					checkSelect(t, c, m.mode, m.binary, "select $1::"+tc.typ, []any{arg}, tc)
				})
			}
		})
	}
}

// TestTimestamptzSessionTimeZone checks that timestamptz text follows the
// session TimeZone like PostgreSQL, including daylight saving time.
func TestTimestamptzSessionTimeZone(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	cases := []typeCase{
		{name: "winter", expr: "TIMESTAMPTZ '2024-02-29 12:34:56.123456+00'", oid: 1184, want: leapNoon, text: "2024-02-29 13:34:56.123456+01"},
		{name: "summer", expr: "TIMESTAMPTZ '2024-07-01 12:00:00+00'", oid: 1184, want: time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC), text: "2024-07-01 14:00:00+02"},
		{name: "list", expr: "[TIMESTAMPTZ '2024-07-01 12:00:00+00']", oid: 1185, want: []any{time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC)}, text: `{"2024-07-01 14:00:00+02"}`},
		{name: "lmt", expr: "TIMESTAMPTZ '1850-01-01 00:00:00+00'", oid: 1184, want: time.Date(1850, 1, 1, 0, 0, 0, 0, time.UTC), text: "1850-01-01 00:53:28+00:53:28"},
	}
	for _, m := range execModes {
		t.Run(m.name, func(t *testing.T) {
			c := g.connect(t)
			if _, err := c.Exec(context.Background(), "SET TimeZone = 'Europe/Berlin'"); err != nil {
				t.Fatal(err)
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					checkSelect(t, c, m.mode, m.binary, "select "+tc.expr, nil, tc)
				})
			}
			var tz string
			if err := c.QueryRow(context.Background(), "show timezone").Scan(&tz); err != nil || tz != "Europe/Berlin" {
				t.Fatalf("show timezone = %q, %v", tz, err)
			}
		})
	}
}

func checkSelect(t *testing.T, c *pgx.Conn, mode pgx.QueryExecMode, binary bool, sql string, args []any, tc typeCase) {
	t.Helper()
	rows, err := c.Query(context.Background(), sql, append([]any{mode}, args...)...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("%s: no row (err %v)", sql, rows.Err())
	}
	fd := rows.FieldDescriptions()
	if len(fd) != 1 {
		t.Fatalf("%s: %d columns", sql, len(fd))
	}
	if fd[0].DataTypeOID != tc.oid {
		t.Errorf("%s: OID %d, want %d", sql, fd[0].DataTypeOID, tc.oid)
	}
	wantFormat := int16(pgtype.TextFormatCode)
	if binary && c.TypeMap().FormatCodeForOID(tc.oid) == pgtype.BinaryFormatCode {
		wantFormat = pgtype.BinaryFormatCode
	}
	if fd[0].Format != wantFormat {
		t.Errorf("%s: format %d, want %d", sql, fd[0].Format, wantFormat)
	}
	raw := rows.RawValues()[0]
	if tc.want == nil {
		if raw != nil {
			t.Errorf("%s: got %q, want NULL", sql, raw)
		}
	} else if fd[0].Format == pgtype.TextFormatCode && string(raw) != tc.text {
		t.Errorf("%s: text %q, want %q", sql, raw, tc.text)
	}
	vals, err := rows.Values()
	if err != nil {
		t.Fatalf("%s: decode: %v", sql, err)
	}
	if !sameValue(vals[0], tc.want) {
		t.Errorf("%s: decoded %#v, want %#v", sql, vals[0], tc.want)
	}
	if rows.Next() {
		t.Errorf("%s: more than one row", sql)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Errorf("%s: %v", sql, err)
	}
}

// sameValue compares decoded values exactly: numerics by their decimal
// text (so the scale counts), times as instants, floats bit for bit.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case pgtype.Numeric:
		g, ok := got.(pgtype.Numeric)
		return ok && numericText(g) == numericText(w)
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w)
	case float64:
		g, ok := got.(float64)
		return ok && (math.Float64bits(g) == math.Float64bits(w) || math.IsNaN(g) && math.IsNaN(w))
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameValue(g[i], w[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(got, want)
}

func numericText(n pgtype.Numeric) string {
	if !n.Valid {
		return "NULL"
	}
	v, err := n.Value()
	if err != nil {
		return err.Error()
	}
	return fmt.Sprint(v)
}

// TestUntypedParameters: parameters the statement alone does not type get
// PostgreSQL's types, in every pgx mode: text alone in the select list, an
// array for = ANY($1), integer beside a literal; the column keeps the
// name Postgres gives it. (pgx's simple protocol sends the values as
// quoted literals instead, which the engine types differently: issue 14.)
func TestUntypedParameters(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	ctx := context.Background()
	for _, m := range execModes {
		if m.mode == pgx.QueryExecModeSimpleProtocol {
			continue
		}
		t.Run(m.name, func(t *testing.T) {
			c := g.connect(t)
			var s string
			var one int32
			rows, err := c.Query(ctx, "select $1, 1", m.mode, "x")
			if err != nil {
				t.Fatal(err)
			}
			if names := rows.FieldDescriptions(); len(names) != 2 || names[0].Name != "?column?" {
				t.Errorf("select $1, 1 described %+v", names)
			}
			rows.Close()
			if err := c.QueryRow(ctx, "select $1, 1", m.mode, "x").Scan(&s, &one); err != nil || s != "x" || one != 1 {
				t.Errorf("select $1, 1 = %q, %d, %v", s, one, err)
			}
			var n int64
			if err := c.QueryRow(ctx, "select count(*) from payments.charges where id = any($1)", m.mode, []int64{1, 2, 99}).Scan(&n); err != nil || n != 2 {
				t.Errorf("id = any(int8 array): %d, %v", n, err)
			}
			var in bool
			if err := c.QueryRow(ctx, "select 'b' = any($1)", m.mode, []string{"a", "b"}).Scan(&in); err != nil || !in {
				t.Errorf("'b' = any(text array): %v, %v", in, err)
			}
			var sum int64
			if err := c.QueryRow(ctx, "select $1 + 1", m.mode, 41).Scan(&sum); err != nil || sum != 42 {
				t.Errorf("$1 + 1 = %d, %v", sum, err)
			}
		})
	}
}

// TestParameterTypesFromContext: a parameter the engine leaves untyped is
// described with the type PostgreSQL gives it from the text around it: a
// cast right after it (asyncpg's copy_from_query sends
// $1::"pg_catalog"."int8"::text), or, as the operand of ANY/ALL, an array
// of the compared value's type.
func TestParameterTypesFromContext(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	ctx := context.Background()
	c := g.connect(t)
	for _, tc := range []struct {
		sql  string
		want []uint32
	}{
		{`select quote_literal($1::"pg_catalog"."int8"::text)`, []uint32{20}},
		{`select quote_literal($1::"pg_catalog"."_text"::text)`, []uint32{1009}},
		{`select $1::int4::text, $2::date::text`, []uint32{23, 1082}},
		{`select 1 = any($1), 'x' <> all($2)`, []uint32{1007, 1009}},
		{`select count(*) from payments.charges where id = any($1)`, []uint32{1016}},
		{`select $1::varchar, $2::varchar(5), $3::pg_catalog.varchar, $4::text`, []uint32{1043, 1043, 1043, 25}},
	} {
		sd, err := c.PgConn().Prepare(ctx, "", tc.sql, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.sql, err)
			continue
		}
		if !slices.Equal(sd.ParamOIDs, tc.want) {
			t.Errorf("%s: parameters %v, want %v", tc.sql, sd.ParamOIDs, tc.want)
		}
	}
	// a varchar parameter is read as text is
	var s string
	if err := c.QueryRow(ctx, `select $1::varchar || 'y'`, "x").Scan(&s); err != nil || s != "xy" {
		t.Errorf("$1::varchar || 'y' = %q, %v", s, err)
	}
}

// TestNumericParametersExact: a numeric parameter (typed by the
// numeric(12,2) column beside it, by a bare numeric cast, by round's
// argument, by sum(amount) / $1 or declared numeric by the client) keeps
// its own scale, as in PostgreSQL 15: every answer, type OID and SQLSTATE
// over the same rows is PostgreSQL's, for values of 0 to 20 decimals sent
// as text of no type (lib/pq), declared numeric (psycopg 3) and in binary
// (asyncpg). An integer parameter stays an integer.
func TestNumericParametersExact(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	ctx := context.Background()
	c := g.connect(t)
	rows, err := c.Query(ctx, "select id, amount::text from payments.charges order by id")
	if err != nil {
		t.Fatal(err)
	}
	var charges []string
	var amount1 string
	for rows.Next() {
		var id int64
		var amount string
		if err := rows.Scan(&id, &amount); err != nil {
			t.Fatal(err)
		}
		if id == 1 {
			amount1 = amount
		}
		charges = append(charges, fmt.Sprintf("(%d, %s)", id, amount))
	}
	if rows.Err() != nil || amount1 == "" {
		t.Fatalf("charges: %v %v", charges, rows.Err())
	}
	pg := startDemoPostgres(t, "CREATE SCHEMA payments; CREATE TABLE payments.charges (id bigint, amount numeric(12,2));\n"+
		"INSERT INTO payments.charges VALUES "+strings.Join(charges, ", "))
	pc, err := pgx.Connect(ctx, pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close(ctx)

	values := []string{"-2.50", amount1 + "000", "1.5e-3", "12345678901234567890.123456789"}
	for k := 0; k <= 20; k++ {
		values = append(values, strings.TrimSuffix("3."+"14159265358979323846"[:k], "."))
	}
	statements := []string{
		"select amount * $1 from payments.charges where id = 1",
		"select amount + $1, amount - $1 from payments.charges where id = 1",
		"select count(*) from payments.charges where amount = $1",
		"select count(*) from payments.charges where amount < $1",
		"select $1::numeric, $1::numeric * 2",
		"select round($1, 2), round($1)",
		"select sum(amount) / $1 from payments.charges",
		"select amount / $1 from payments.charges where id = 1",
	}
	m := pgtype.NewMap()
	run := func(conn *pgx.Conn, sql, v string, how string) string {
		val, oids, formats := []byte(v), []uint32(nil), []int16(nil)
		switch how {
		case "declared":
			oids = []uint32{pgtype.NumericOID}
		case "binary":
			var n pgtype.Numeric
			if err := n.Scan(v); err != nil {
				t.Fatalf("%s: %v", v, err)
			}
			if val, err = m.Encode(pgtype.NumericOID, pgtype.BinaryFormatCode, n, nil); err != nil {
				t.Fatalf("%s: %v", v, err)
			}
			oids, formats = []uint32{pgtype.NumericOID}, []int16{pgtype.BinaryFormatCode}
		}
		r := conn.PgConn().ExecParams(ctx, sql, [][]byte{val}, oids, formats, nil).Read()
		if r.Err != nil {
			return "error " + sqlState(r.Err)
		}
		var b strings.Builder
		for _, f := range r.FieldDescriptions {
			fmt.Fprintf(&b, "%d ", f.DataTypeOID)
		}
		for _, row := range r.Rows {
			for _, x := range row {
				fmt.Fprintf(&b, "[%s]", x)
			}
		}
		return b.String()
	}
	for _, sql := range statements {
		for _, how := range []string{"untyped", "declared", "binary"} {
			for _, v := range values {
				if how == "binary" && strings.Contains(v, "e") {
					continue // the binary form has no exponent
				}
				want, got := run(pc, sql, v, how), run(c, sql, v, how)
				if got != want {
					t.Errorf("%s with %s (%s): %s, PostgreSQL %s", sql, v, how, got, want)
				}
			}
		}
	}
	// Errors: Postgres' where Postgres has one; 0A000 naming the fix for
	// what the engine's numeric cannot hold.
	for _, tc := range []struct{ sql, v, state string }{
		{"select $1 + 1", "1.5", "22P02"},
		{"select amount * $1 from payments.charges where id = 1", "abc", "22P02"},
		{"select $1::numeric", "123456789012345678901234567890123456789", "0A000"},
		{"select amount = $1 from payments.charges where id = 1", "NaN", "0A000"},
	} {
		err := c.QueryRow(ctx, tc.sql, tc.v).Scan(new(any))
		if sqlState(err) != tc.state {
			t.Errorf("%s with %s: %v, want %s", tc.sql, tc.v, err, tc.state)
		}
	}
	err = c.QueryRow(ctx, "select $1::numeric", "1e40").Scan(new(any))
	if msg := fmt.Sprint(err); !strings.Contains(msg, "at most") || !strings.Contains(msg, "$1::float8") {
		t.Errorf("a value of 41 digits: %v, want an error naming the fix", err)
	}
}
