package sqlparse

import (
	"reflect"
	"testing"
)

func TestParamUses(t *testing.T) {
	got := ParamUses(`select quote_literal($1::"pg_catalog"."_text"::text), $2::numeric(20,6), $3::double precision, ` +
		`x = any($4), y <> ALL ( $5 ), $6, '$7::int', $8::int[][], round($9, 2), s.round($10, 2), round($11)`)
	want := map[int]ParamUse{
		1: {CastTo: `"pg_catalog"."_text"`}, 2: {CastTo: "numeric(20,6)"}, 4: {InAny: true}, 5: {InAny: true},
		8: {CastTo: "int[][]"}, 9: {Rounded: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestParamProbes(t *testing.T) {
	if got := AnyOperandsAsScalars("select x = any($1), y <> all( $2 ), z = any($3)", map[int]bool{1: true, 2: true}); got != "select x = $1, y <> $2, z = any($3)" {
		t.Errorf("AnyOperandsAsScalars: %q", got)
	}
	for _, c := range []struct {
		sql, n, want string
		ok           bool
	}{
		{"select amount * $1 from t", "1", "select amount = $1 from t", true},
		{"select $1 + 1", "1", "select $1 = 1", true},
		{"select -$1", "1", "select -$1", false},
		{"select f($1) from t", "1", "select f($1) from t", false},
		{"select 2 - $2", "2", "select 2 = $2", true},
	} {
		n := int(c.n[0] - '0')
		if got, ok := ArithmeticAsComparison(c.sql, n); got != c.want || ok != c.ok {
			t.Errorf("ArithmeticAsComparison(%q) = %q, %v", c.sql, got, ok)
		}
	}
	for _, c := range []struct{ sql, want string }{
		{"delete from t where a * $1 > $2", "delete from t where a = $1 AND NULL > $2"},
		{"select 1 where $1 * a + 1 < 0", "select 1 where NULL AND $1 = a + 1 < 0"},
		{"select f($1) from t", "select f($1) from t"},
	} {
		if got, _ := ArithmeticAsGuardedComparison(c.sql, 1); got != c.want {
			t.Errorf("ArithmeticAsGuardedComparison(%q) = %q, want %q", c.sql, got, c.want)
		}
	}
}

func TestArithmeticOperator(t *testing.T) {
	for _, c := range []struct {
		sql, op  string
		left, ok bool
	}{
		{"update t set d = d - $1", "-", false, true},
		{"select $1 + ts from t", "+", true, true},
		{"select 2 * $1", "*", false, true},
		{"select -$1", "", false, false},
		{"select f($1) from t", "", false, false},
	} {
		if op, left, ok := ArithmeticOperator(c.sql, 1); op != c.op || left != c.left || ok != c.ok {
			t.Errorf("ArithmeticOperator(%q) = %q, %v, %v; want %q, %v, %v", c.sql, op, left, ok, c.op, c.left, c.ok)
		}
	}
}
