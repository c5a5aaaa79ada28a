package session

import (
	"slices"
	"testing"

	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// TestCatalogResultTypes types the result columns of parse trees the
// engine makes (pgcatalog.ResultTypes).
func TestCatalogResultTypes(t *testing.T) {
	e, err := openEngine(EngineConfig{Threads: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	cases := []struct {
		sql  string
		want []uint32 // nil: not derivable
	}{
		{"select c.oid, c.relname, c.relkind, n.nspacl, 1, c.relnatts from lakegate_pg.pg_class c join lakegate_pg.pg_namespace n on n.oid = c.relnamespace",
			[]uint32{26, 19, 18, 1034, 0, 0}},
		{"select * from (select t.typname as x, null as y from lakegate_pg.pg_type t) s", []uint32{19, 25}},
		{"with r as (select rolname from lakegate_pg.pg_roles) select max(rolname), array(select rolname from r) from r",
			[]uint32{19, 1003}},
		{"select current_user, session_user, current_schema(), coalesce(a.attname, 'x'), nullif(a.attidentity, ''), a.attnum from lakegate_pg.pg_attribute a",
			[]uint32{19, 19, 19, 19, 18, 0}},
		{"select lakegate_varchar(x.indkey), x.indkey, x.indclass, x.indrelid::regclass::oid from lakegate_pg.pg_index x",
			[]uint32{1043, 22, 30, 0}},
		{"select relname from lakegate_pg.pg_class union all select 'x'", []uint32{19}},
		{"select relname from lakegate_pg.pg_class union all select proname::text from lakegate_pg.pg_proc", []uint32{0}},
		{"select * from users.customers, lakegate_pg.pg_class", nil},
		{"select c.*, u.id from lakegate_pg.pg_am c, users.customers u", []uint32{26, 19, 24, 18, 0}},
		{"select case when c.relkind = 'r' then c.relname else 'x' end, case when true then c.relname else c.relkind end from lakegate_pg.pg_class c",
			[]uint32{19, 0}},
		{"select n, g.n from generate_series(1, 3) g(n)", []uint32{23, 23}},
		{"select table_name, ordinal_position, is_nullable from lakegate_information_schema.columns", []uint32{19, 0, 1043}},
		{"select k.catcode, (select nspname from lakegate_pg.pg_namespace limit 1) from lakegate_pg.pg_get_keywords k",
			[]uint32{18, 19}},
		{"select unnest(lakegate_current_schemas(true)), lakegate_regclass_name(c.oid) from lakegate_pg.pg_class c",
			[]uint32{19, 2205}},
		// asyncpg's type introspection: a recursive CTE over the catalog
		{"with recursive r(oid, name, kind, depth) as (select t.oid, t.typname, t.typtype, 0 from lakegate_pg.pg_type t " +
			"union all select t.oid, t.typname, t.typtype, r.depth + 1 from lakegate_pg.pg_type t, r where t.oid = r.oid and r.depth < 1) " +
			"select distinct *, oid as o from r", []uint32{26, 19, 18, 0, 26}},
	}
	for _, c := range cases {
		nodes, err := planner.Parse(e.conn, c.sql)
		if err != nil || len(nodes) != 1 {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if got := pgcatalog.ResultTypes(nodes[0]); !slices.Equal(got, c.want) {
			t.Errorf("%s\n got %v\nwant %v", c.sql, got, c.want)
		}
	}
}
