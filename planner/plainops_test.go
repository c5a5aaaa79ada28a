package planner

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/tpch"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// TestPlainOperators: in a float-free statement the products, and the
// differences that cannot be of dates, are written as the engine's own
// operators; the text parses to the same tree (those calls aside) and
// gives the answers the macros give, errors included.
func TestPlainOperators(t *testing.T) {
	e := testParser(t).(*eng.Conn)
	for _, f := range pgcatalog.EngineFunctions {
		if err := e.RegisterTextFunction(f.Name, f.Args, f.Fn); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Exec(pgcatalog.TimeZoneSQL("UTC") + pgcatalog.EngineMacros + `; create table t (q decimal(15,2), n bigint, i integer, s varchar, d date, d2 date);
		insert into t values (1.50, 2, 3, 'a', date '1998-01-01', date '1997-12-01'), (0.05, -7, 40000, 'b', date '1995-06-30', date '1995-06-01'),
		(99999999999.99, 9000000000000000000, 2, 'c', date '1992-01-01', date '1991-01-01')`); err != nil {
		t.Fatal(err)
	}
	answer := func(sql string) string {
		var b strings.Builder
		err := e.Query(sql, func(rec arrow.RecordBatch) error {
			for r := range int(rec.NumRows()) {
				for c := range int(rec.NumCols()) {
					fmt.Fprintf(&b, "%v|", rec.Column(c).ValueStr(r))
				}
				b.WriteString("\n")
			}
			return nil
		})
		if err != nil {
			return "error: " + err.Error()
		}
		return b.String()
	}
	for _, c := range []struct {
		sql   string
		calls int // system.main."*" and "-" written
	}{
		{"select sum(q * (1 - q) * (1 + q)), count(*) from t where d <= date '1998-12-01' - interval '90' day group by s order by s", 3},
		{"select q*n*i, i * 2, (q) * (n), -q * 2, q * -2 from t order by 1", 6},
		{"select n * n from t order by 1", 1}, // an overflow: the same error
		{"select d - d2, d - 1, d - d2 - 1, q - n from t order by 1", 2},
		{"select sum(q) - 1, count(*) - sum(n), 1 - sum(i) from t", 3},
		{"select i*2 as x, case when s = 'a' then q*2 else 0 end from t where q * 2 > 1 order by x", 3},
		{"select s from t where n - 1 in (select n * 2 - 1 from t) order by s", 3},
		{"select count(*) from t where s like '%a%'", 0},
	} {
		sql := pgcatalog.WithoutFloatSums(pgcatalog.RewriteSQL(rewritePGLiterals(c.sql), nil).SQL)
		nodes, err := parseSQL(e, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		out := pgcatalog.PlainOperators(nodes[0], sql)
		if got := strings.Count(out, `system.main."`); got != c.calls {
			t.Errorf("%s: %d engine operators, want %d: %s", c.sql, got, c.calls, out)
		}
		if c.calls == 0 {
			continue
		}
		again, err := parseSQL(e, out)
		if err != nil {
			t.Errorf("%s: %s does not parse: %v", c.sql, out, err)
			continue
		}
		if !pgcatalog.PlainOperatorsMatch(nodes[0], again[0]) {
			t.Errorf("%s: %s is another statement", c.sql, out)
		}
		if want, got := answer(sql), answer(out); got != want {
			t.Errorf("%s:\n%s gives\n%s\nthe macros\n%s", c.sql, out, got, want)
		}
	}
	// Where floatFree refuses the statement, the sums and products whose
	// operands are known no floats lose their checks, the others keep them.
	if err := e.Exec(`create table f (f1 double, q decimal(15,2)); insert into f values (1e308, 2.00), (0.5, 1.00)`); err != nil {
		t.Fatal(err)
	}
	schemas := []*iceberg.Schema{iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "q", Type: iceberg.DecimalTypeOf(15, 2)},
		iceberg.NestedField{ID: 2, Name: "n", Type: iceberg.PrimitiveTypes.Int64},
		iceberg.NestedField{ID: 3, Name: "i", Type: iceberg.PrimitiveTypes.Int32},
		iceberg.NestedField{ID: 4, Name: "s", Type: iceberg.PrimitiveTypes.String},
		iceberg.NestedField{ID: 5, Name: "d", Type: iceberg.PrimitiveTypes.Date},
		iceberg.NestedField{ID: 6, Name: "d2", Type: iceberg.PrimitiveTypes.Date})}
	withF := append(slices.Clone(schemas), iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "f1", Type: iceberg.PrimitiveTypes.Float64},
		iceberg.NestedField{ID: 2, Name: "q", Type: iceberg.DecimalTypeOf(15, 2)}))
	for _, c := range []struct {
		sql             string
		floats          bool // the table f is read
		operators, sums int  // written as the engine's, checks left
	}{
		{"select 100.00 * sum(case when s like 'a%' then q * (1 - q) else 0 end) / sum(q * (1 - q)) from t", false, 5, 0},
		{"select extract(year from d) as y, sum(q * n * 2) from t group by y order by y", false, 2, 0},
		{"select sum(t.q * 2), sum(f1 * 2), sum(n * f1) from t, f order by 1", true, 1, 2},
		{"select sum(f.q * 2) from t, f where t.q = f.q", true, 1, 0}, // q is no float in either table
		{"select sum(q * 2) / 3 from (select n * 1.5e0 as q from t) x", false, 0, 1},
		{"with c(q) as (select f1 from f) select sum(q * 2) / 2 from c", true, 0, 1},
		{"select sum(a * 2) / 2 from (select q * 1 as a from t) x", false, 1, 1}, // a is an alias
		{"select sum(n - 1 + i) / 2, sum(f1 + 1 + 2) from t, f", true, 2, 1},
		{"select sum(d - d2 + 1) / 2, max(d - d2) * 2 from t", false, 2, 0},                            // date - date stays the macro's (int4)
		{"select sum(q * 2) / 2 from t where d < date '1995-09-01' + interval '1 month'", false, 1, 0}, // the products alone
	} {
		sql := pgcatalog.RewriteSQL(rewritePGLiterals(c.sql), nil).SQL
		nodes, err := parseSQL(e, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		ss := schemas
		if c.floats {
			ss = withF
		}
		if floatFree(nodes[0], ss) {
			t.Fatalf("%s: float-free", c.sql)
		}
		plan := &Plan{SQL: sql, Tree: nodes[0]}
		knownNoFloats(e, plan, ss)
		if got := strings.Count(plan.SQL, `system.main."`); got != c.operators {
			t.Errorf("%s: %d engine operators, want %d: %s", c.sql, got, c.operators, plan.SQL)
		}
		if got := strings.Count(plan.SQL, "lakegate_float_sum("); got != c.sums {
			t.Errorf("%s: %d sum checks, want %d: %s", c.sql, got, c.sums, plan.SQL)
		}
		if plan.SQL != sql && plan.Unplain != sql {
			t.Errorf("%s: Unplain %q", c.sql, plan.Unplain)
		}
		if want, got := answer(sql), answer(plan.SQL); got != want {
			t.Errorf("%s:\n%s gives\n%s\nthe macros\n%s", c.sql, plan.SQL, got, want)
		}
	}
	// Another statement is refused.
	a, _ := parseSQL(e, "select q * n from t")
	b, _ := parseSQL(e, `select system.main."*"(n, q) from t`)
	if pgcatalog.PlainOperatorsMatch(a[0], b[0]) {
		t.Error("q * n matches n * q")
	}
	// The TPC-H queries the planner finds float-free keep their tree.
	for n := 1; n <= 22; n++ {
		sql := pgcatalog.WithoutFloatSums(pgcatalog.RewriteSQL(rewritePGLiterals(tpch.Query(n, 1)), nil).SQL)
		nodes, err := parseSQL(e, sql)
		if err != nil {
			t.Fatal(err)
		}
		out := pgcatalog.PlainOperators(nodes[0], sql)
		if out == sql {
			if n == 1 {
				t.Error("Q1's products are not written as the engine's")
			}
			continue
		}
		again, err := parseSQL(e, out)
		if err != nil || !pgcatalog.PlainOperatorsMatch(nodes[0], again[0]) {
			t.Errorf("Q%d: %s: another statement (%v)", n, out, err)
		}
	}
}

// TestPlainMatchKept: whether a text with the engine's own operators
// parses to the statement's tree is asked once per pair of texts, then
// answered from the match cache, a mismatch as well as a match.
func TestPlainMatchKept(t *testing.T) {
	e := testParser(t)
	c := newMatchCache(matchCacheBytes)
	for _, tc := range []struct {
		sql, out string
		want     bool
	}{
		{"select a * b from t", `select system.main."*"(a, b) from t`, true},
		{"select a * b from t", `select system.main."*"(a, c) from t`, false},
		{"select a - b * c from t", `select system.main."-"(a, b) * c from t`, false}, // another grouping
	} {
		root, err := parseSQL(e, tc.sql)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseSQL(e, tc.out)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			before := c.Stats()
			if m := plainMatchIn(c, tc.sql, tc.out, root[0], got[0]); m != tc.want {
				t.Errorf("%s / %s (call %d): match %v, want %v", tc.sql, tc.out, i+1, m, tc.want)
			}
			after := c.Stats()
			if hit := after.Hits > before.Hits; hit != (i == 1) {
				t.Errorf("%s / %s (call %d): answered from the cache %v", tc.sql, tc.out, i+1, hit)
			}
		}
	}
}
