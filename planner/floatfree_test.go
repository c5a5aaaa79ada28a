package planner

import (
	"strings"
	"testing"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/tpch"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// TestFloatFree: the float checks of sum, + and - are left out only where
// no float can reach them; anything unknown keeps them.
func TestFloatFree(t *testing.T) {
	e := testParser(t)
	exact := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "q", Type: iceberg.DecimalTypeOf(15, 2)},
		iceberg.NestedField{ID: 2, Name: "n", Type: iceberg.PrimitiveTypes.Int64},
		iceberg.NestedField{ID: 3, Name: "s", Type: iceberg.PrimitiveTypes.String},
		iceberg.NestedField{ID: 4, Name: "d", Type: iceberg.PrimitiveTypes.Date})
	floats := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "q", Type: iceberg.DecimalTypeOf(15, 2)},
		iceberg.NestedField{ID: 2, Name: "f", Type: iceberg.PrimitiveTypes.Float64})
	free := func(sql string, s *iceberg.Schema) bool {
		t.Helper()
		sql = pgcatalog.RewriteSQL(rewritePGLiterals(sql), nil).SQL
		nodes, err := parseSQL(e, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return floatFree(nodes[0], []*iceberg.Schema{s})
	}
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{"select sum(q * (1 - q)), count(*), min(s) from t where d <= date '1998-12-01' group by s", true},
		{"select sum(q) + sum(n) from t where s like '%x' and s in ('a', 'b') having sum(q) > 10", true},
		{"with c as (select n, sum(q) as v from t group by n) select sum(v) - 1 from c", true},
		{"select avg(q), sum(q) from t", true},                                 // a result column: no check applies
		{"select avg(q) * 2 from t", false},                                    // the engine's avg is a float
		{"select avg(q) as a from t order by a + 1", false},                    // ... named
		{"select sum(a) from (select avg(q) as a from t group by n) x", false}, // ... in a subquery
		{"select sum(q * 1.5e0) from t", false},
		{"select sum(q::float8) from t", false},
		{"select sum(cast(q as real)) from t", false},
		{"select sum(q / 2) from t", false},
		{"select sum(lakegate_float(q)) from t", false},
		{"select lakegate_float_sum(sum(q * 1e0), true) from t", false},
		{"select sum(q) from t where q > $1", false},
		{"select sum(q + '1') from t", false},
		{"select sum(q + coalesce('1', null)) from t", false},
		{"select sum(case when s = 'a' then q else 0 end) from t where s in ('a', 'b') and d between '1994-01-01' and '1995-01-01'", true},
		{"select sum(sqrt(n)) from t", false},
		{"select sum(q) over (order by n) from t", false},
		{"select sum(column1) from (values (1.5::double)) v", false},
		{"select sum(n) from t union all select 1", false},
	} {
		if got := free(c.sql, exact); got != c.want {
			t.Errorf("%s: floatFree %v, want %v", c.sql, got, c.want)
		}
	}
	if free("select sum(q) from t", floats) {
		t.Error("a table with a float column: floatFree")
	}
	// TPC-H: the queries without a division, a float cast or a function
	// beyond the allowed ones go without the checks.
	var got []string
	for n := 1; n <= 22; n++ {
		if free(tpch.Query(n, 1), exact) {
			got = append(got, "Q"+string(rune('0'+n/10))+string(rune('0'+n%10)))
		}
	}
	t.Logf("float-free TPC-H queries: %s", strings.Join(got, " "))
	if len(got) == 0 || got[0] != "Q01" {
		t.Errorf("TPC-H Q1 keeps its float checks (float-free: %v)", got)
	}
}

// TestWithoutFloatSums: the rewrite of each sum is undone in place.
func TestWithoutFloatSums(t *testing.T) {
	for _, sql := range []string{
		"select sum(q * (1 - q)) as s, sum(n) filter (where n > 0), sum(q) over (partition by n) from t",
		"select 'lakegate_float_sum(' from t",
	} {
		rw := pgcatalog.RewriteSQL(sql, nil).SQL
		out := pgcatalog.WithoutFloatSums(rw)
		if len(out) != len(rw) {
			t.Errorf("%s: length %d, was %d", sql, len(out), len(rw))
		}
		if strings.Contains(out, "lakegate_float_sum") != strings.Contains(sql, "lakegate_float_sum") || strings.Contains(out, "bool_or") {
			t.Errorf("%s: %s", sql, out)
		}
		if flat := strings.Join(strings.Fields(out), " "); strings.Count(flat, "sum(") != strings.Count(sql, "sum(") {
			t.Errorf("%s: %s", sql, flat)
		}
	}
}
