package pgcatalog

import (
	"testing"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// TestJSONBGroupGuards: the jsonb a grouping reads is guarded where its
// values are seen (a GROUP BY term beside it, a DISTINCT or set
// operation's result column wrapped under its name, a DISTINCT
// aggregate's argument); a constant is read at once; in an engine the
// guard is the value, or fails on a number with trailing fraction zeros.
func TestJSONBGroupGuards(t *testing.T) {
	t.Parallel()
	conn := testEngine(t)
	for _, tc := range []struct{ sql, want string }{
		{`select count(*) from (values ('1'::jsonb)) t(j) group by j`,
			`select count(*) from (values (lakegate_jsonb('1'))) t(j) group by j, lakegate_jsonb_guard(j)`},
		{`select j::jsonb as k, count(*) from (values ('[1]')) t(j) group by k`,
			`select lakegate_jsonb(j) as k, count(*) from (values ('[1]')) t(j) group by k, lakegate_jsonb_guard(lakegate_jsonb(j))`},
		{`select x.j from (select distinct (j) from (values ('[1]'::jsonb)) t(j)) x`,
			`select x.j from (select distinct lakegate_jsonb_guard((j)) AS j from (values (lakegate_jsonb('[1]'))) t(j)) x`},
		{`select count(distinct j) from (values ('1'::jsonb)) t(j)`,
			`select count(distinct lakegate_jsonb_guard(j)) from (values (lakegate_jsonb('1'))) t(j)`},
		{`select j from (values ('2'::jsonb)) t(j) except select '1'::jsonb`,
			`select lakegate_jsonb_guard(j) AS j from (values (lakegate_jsonb('2'))) t(j) except select lakegate_jsonb('1')`},
		{`select rank() over (partition by j, 1 order by j) from (values ('1'::jsonb)) t(j)`,
			`select rank() over (partition by lakegate_jsonb_guard(j), 1 order by lakegate_jsonb_key(j)) from (values (lakegate_jsonb('1'))) t(j)`},
		{`select '1'::jsonb union select '1.0'`, JSONBGroupRefused},
		{`select distinct on (j) j from (values ('1'::jsonb)) t(j)`, JSONBGroupRefused},
		{`select distinct * from (values ('1'::jsonb)) t(j)`, JSONBGroupRefused},
		// not grouped: unchanged
		{`select j from (values ('1.0'::jsonb)) t(j) union all select '1'::jsonb`,
			`select j from (values (lakegate_jsonb('1.0'))) t(j) union all select lakegate_jsonb('1')`},
	} {
		sql := RewriteSQL(tc.sql, nil).SQL
		stmts, err := tree.Parse(conn, sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		got, why := JSONBComparisons(stmts[0].Node, sql)
		if why != "" {
			got = why
		}
		if got != tc.want {
			t.Errorf("%s\n got  %s\n want %s", tc.sql, got, tc.want)
		}
	}
	for _, tc := range []struct {
		doc   string
		zeros bool
	}{
		{`1`, false}, {`1.5`, false}, {`1e2`, false}, {`-0`, false}, {`"1.0"`, false}, {`{"1.0": [1, 2.25]}`, false},
		{`1.0`, true}, {`[1, 2.50]`, true}, {`{"a": {"b": 0.0}}`, true}, {`1.50e1`, true},
	} {
		if got := jsonbTrailingZeros(tc.doc); got != tc.zeros {
			t.Errorf("jsonbTrailingZeros(%s) = %v, want %v", tc.doc, got, tc.zeros)
		}
		_, err := jsonbExact([]string{tc.doc})
		if (err != nil) != tc.zeros {
			t.Errorf("jsonbExact(%s): %v", tc.doc, err)
		}
	}
}
