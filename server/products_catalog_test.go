package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
)

// productViewsDDL creates in PostgreSQL views of the same names, column
// types and descriptions as lakegate's own (lakegate.tables), so that
// tests comparing catalog answers with PostgreSQL's see them on both
// sides.
func productViewsDDL() string {
	var b strings.Builder
	done := map[string]bool{}
	for _, v := range planner.ProductViews() {
		if !done[v.Schema] {
			fmt.Fprintf(&b, "CREATE SCHEMA %s;\n", sqlparse.QuoteIdent(v.Schema))
			done[v.Schema] = true
		}
		name := sqlparse.QuoteIdent(v.Schema) + "." + sqlparse.QuoteIdent(v.Name)
		var cols []string
		for _, c := range v.Columns {
			cols = append(cols, fmt.Sprintf("NULL::%s AS %s", c.Type, sqlparse.QuoteIdent(c.Name)))
		}
		fmt.Fprintf(&b, "CREATE VIEW %s AS SELECT %s;\n", name, strings.Join(cols, ", "))
		fmt.Fprintf(&b, "COMMENT ON VIEW %s IS %s;\n", name, sqlparse.QuoteLiteral(v.Doc))
		for _, c := range v.Columns {
			fmt.Fprintf(&b, "COMMENT ON COLUMN %s.%s IS %s;\n", name, sqlparse.QuoteIdent(c.Name), sqlparse.QuoteLiteral(c.Doc))
		}
	}
	return b.String()
}

// TestLakegateSchemaInCatalogs: the lakegate schema and lakegate.tables
// are in the catalogs for every caller, as a view with the types its
// rows have: psql's \dn, \dv and \d, information_schema and pg_attribute
// list them as PostgreSQL lists a view of the same columns.
func TestLakegateSchemaInCatalogs(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	pg := startDemoPostgres(t, "")
	pc, err := pgx.Connect(context.Background(), pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close(context.Background()) })
	for _, user := range []string{"users_svc", "analyst"} {
		for _, tc := range []struct{ cmd, want string }{
			{`\dn`, "lakegate"},
			{`\dv lakegate.*`, "lakegate | tables | view"},
			{`\d lakegate.tables`, `View "lakegate.tables"`},
			{`\d lakegate.tables`, "freshness_slo     | interval"},
			{`\d lakegate.tables`, "last_commit_at    | timestamp with time zone"},
			{`\d+ lakegate.tables`, "whether the last commit is within the freshness SLO"},
			{`\df lakegate.*`, `lakegate | table_changes | SETOF record     | table_name text, from_version "any", to_version "any" DEFAULT NULL | func`},
			{`\df+ lakegate.*`, "| invoker  |                   | internal | table_changes |"},
			{`\dx`, "lakegate | 1.0     | pg_catalog | lakegate's own schema, relations and functions"},
			{`\dx+ lakegate`, " function lakegate.table_changes(text,\"any\",\"any\")\n schema lakegate\n view lakegate.tables\n(3 rows)"},
		} {
			if out := g.psql(t, user, "-c", tc.cmd); !strings.Contains(out, tc.want) {
				t.Errorf("%s as %s: output lacks %q:\n%s", tc.cmd, user, tc.want, out)
			}
		}
	}
	lc := g.as(t, "users_svc")
	for _, q := range []string{
		`SELECT table_schema, table_name, table_type, is_insertable_into FROM information_schema.tables
		 WHERE table_schema = 'lakegate' ORDER BY 1, 2`,
		`SELECT table_name, column_name, ordinal_position, is_nullable, data_type, numeric_precision, numeric_scale,
		   datetime_precision, udt_name, is_updatable FROM information_schema.columns WHERE table_schema = 'lakegate' ORDER BY 1, 3`,
		`SELECT c.relname, c.relkind, c.relnatts, c.relam, c.relhasindex, a.attnum, a.attname,
		   pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_catalog.col_description(c.oid, a.attnum)
		 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		   JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
		 WHERE n.nspname = 'lakegate' AND a.attnum > 0 ORDER BY a.attnum`,
		`SELECT schemaname, viewname FROM pg_catalog.pg_views WHERE schemaname = 'lakegate'`,
		`SELECT table_schema, table_name, is_updatable FROM information_schema.views WHERE table_schema = 'lakegate'`,
		`SELECT obj_description('lakegate.tables'::regclass, 'pg_class') IS NOT NULL`,
	} {
		want := rowsText(t, pc, q)
		got := rowsText(t, lc, q)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s\npostgres: %q\nlakegate: %q", q, want, got)
		}
	}
	// The view reads as it is described: in the session that has just
	// read the catalogs, through the extended and the simple protocol,
	// each column's type in RowDescription is the one pg_attribute gives.
	// (pgx reuses the slice FieldDescriptions returns for the next
	// result, so the OIDs are copied before the catalog is asked: an
	// earlier version of this check read them afterwards and saw the
	// next query's oid column in the first place.)
	want := rowsText(t, lc, `select a.atttypid from pg_attribute a where a.attrelid = 'lakegate.tables'::regclass and a.attnum > 0 order by a.attnum`)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		if got := resultTypeOIDs(t, lc, "select * from lakegate.tables", mode); !slices.Equal(got, want) {
			t.Errorf("lakegate.tables result types %v (%v), catalog %v", got, mode, want)
		}
	}
}

// resultTypeOIDs runs sql on c in mode and returns the type OIDs of its
// RowDescription.
func resultTypeOIDs(t *testing.T, c *pgx.Conn, sql string, mode pgx.QueryExecMode) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), sql, mode)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var oids []string
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, fmt.Sprint(f.DataTypeOID))
	}
	return oids
}

// TestMetadataTablesTrinoColumns: $files has Trino's per-file metrics
// and $partitions each column's min, max and null count, and they agree
// with the table's rows.
func TestMetadataTablesTrinoColumns(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	c := g.as(t, "payments_svc")
	same := func(what, q, want string) {
		t.Helper()
		got, exp := rowsText(t, c, q), rowsText(t, c, want)
		if len(got) == 0 || !slices.Equal(got, exp) {
			t.Errorf("%s: %q, want %q", what, got, exp)
		}
	}
	same("data files with metrics",
		`select count(*) from payments."charges$files" where content = 0 and value_counts is not null
		   and column_sizes is not null and readable_metrics is not null`,
		`select count(*) from payments."charges$files" where content = 0`)
	same("value counts of id",
		`select sum(json_extract_string(value_counts, '$.id')::bigint)::text from payments."charges$files" where content = 0`,
		`select count(*)::text from payments.charges`)
	same("readable metrics",
		`select sum(json_extract_string(readable_metrics, '$.amount.value_count')::bigint)::text,
		   min(json_extract_string(readable_metrics, '$.id.lower_bound')::bigint)
		 from payments."charges$files" where content = 0`,
		`select count(*)::text, min(id) from payments.charges`)
	same("partition data: bounds",
		`select min(json_extract_string(data, '$.id.min')::bigint), max(json_extract_string(data, '$.id.max')::bigint)
		 from payments."charges$partitions"`,
		`select min(id), max(id) from payments.charges`)
	same("partition data: counts",
		`select sum(json_extract_string(data, '$.customer_id.null_count')::bigint)::bigint, sum(record_count)::bigint
		 from payments."charges$partitions"`,
		`select count(*) filter (where customer_id is null), count(*) from payments.charges`)
	same("partition file counts",
		`select sum(file_count)::text from payments."charges$partitions"`,
		`select count(*)::text from payments."charges$files" where content = 0`)
	// the Postgres types of the new columns
	rows, err := c.Query(context.Background(), `select key_metadata, split_offsets, equality_ids, sort_order_id from payments."charges$files"`)
	if err != nil {
		t.Fatal(err)
	}
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	rows.Close()
	if want := []uint32{17, 1016, 1007, 23}; !slices.Equal(oids, want) {
		t.Errorf("types %v, want %v", oids, want)
	}
}
