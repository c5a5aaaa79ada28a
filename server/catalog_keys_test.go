package server_test

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// keyTablesDDL are tables with primary keys (Iceberg identifier fields in
// lakegate), created as payments_svc in lakegate and in PostgreSQL 15.
var keyTablesDDL = []string{
	"create table payments.accts (id bigint primary key, name text, bal numeric(12,2))",
	"create table payments.regional (region text, id bigint, v text, constraint regional_pkey primary key (region, id))",
}

// TestCatalogGoldenPrimaryKeys: a table created with PRIMARY KEY shows
// its key as PostgreSQL 15 shows the same table's: pg_constraint,
// pg_index and the index's pg_class and pg_attribute rows, pg_indexes,
// information_schema's constraint relations, pg_get_indexdef and
// pg_get_constraintdef; psql's \d prints it under Indexes: and pg_dump
// writes its ADD CONSTRAINT as pg_dump of PostgreSQL does.
func TestCatalogGoldenPrimaryKeys(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+";\n"+strings.Join(keyTablesDDL, ";\n"))
	lc := g.as(t, "payments_svc")
	for _, ddl := range keyTablesDDL {
		exec1(t, lc, ddl)
	}
	pc, err := pgx.Connect(context.Background(), pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close(context.Background()) })

	const keyed = `c.relname IN ('accts', 'regional', 'charges')`
	for _, q := range []string{
		`SELECT c.relname, c.relhasindex FROM pg_catalog.pg_class c WHERE ` + keyed + ` ORDER BY 1`,
		`SELECT c.relname, k.conname, k.contype, k.conkey, k.condeferrable, k.condeferred, k.convalidated, k.conislocal,
		   k.connoinherit, k.conindid = i.oid, i.relname, pg_catalog.pg_get_constraintdef(k.oid),
		   pg_catalog.pg_get_constraintdef(k.oid, true), k.connamespace = c.relnamespace
		 FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
		   JOIN pg_catalog.pg_class i ON i.oid = k.conindid
		 WHERE ` + keyed + ` ORDER BY 1`,
		`SELECT c.relname, i.relname, i.relkind, i.relam, i.relnatts, x.indnatts, x.indnkeyatts, x.indisunique,
		   x.indisprimary, x.indisexclusion, x.indimmediate, x.indisclustered, x.indisvalid, x.indisready, x.indislive,
		   x.indisreplident, x.indkey, x.indcollation, x.indclass, x.indoption,
		   pg_catalog.pg_get_indexdef(x.indexrelid), pg_catalog.pg_get_indexdef(x.indexrelid, 0, true),
		   pg_catalog.pg_get_indexdef(x.indexrelid, 2, true)
		 FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
		   JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
		 WHERE ` + keyed + ` ORDER BY 1`,
		`SELECT i.relname, a.attnum, a.attname, a.atttypid, pg_catalog.format_type(a.atttypid, a.atttypmod)
		 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class i ON i.oid = a.attrelid
		 WHERE i.relname IN ('accts_pkey', 'regional_pkey') ORDER BY 1, 2`,
		`SELECT schemaname, tablename, indexname, indexdef FROM pg_catalog.pg_indexes WHERE schemaname = 'payments' ORDER BY 3`,
		// (not the CHECK rows PostgreSQL lists for NOT NULL columns, named
		// after OIDs; lakegate lists none)
		`SELECT constraint_schema, constraint_name, table_schema, table_name, constraint_type, is_deferrable,
		   initially_deferred, enforced, nulls_distinct
		 FROM information_schema.table_constraints WHERE table_schema = 'payments' AND constraint_type = 'PRIMARY KEY' ORDER BY 2`,
		`SELECT constraint_schema, constraint_name, table_schema, table_name, column_name, ordinal_position,
		   position_in_unique_constraint
		 FROM information_schema.key_column_usage WHERE table_schema = 'payments' ORDER BY 2, 6`,
		`SELECT table_schema, table_name, column_name, constraint_schema, constraint_name
		 FROM information_schema.constraint_column_usage WHERE table_schema = 'payments' ORDER BY 2, 3`,
		// pgjdbc's getPrimaryKeys
		`SELECT result.TABLE_SCHEM, result.TABLE_NAME, result.COLUMN_NAME, result.KEY_SEQ, result.PK_NAME FROM
		   (SELECT n.nspname AS TABLE_SCHEM, ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,
		     (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,
		     information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM
		   FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)
		     JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)
		     JOIN pg_catalog.pg_index i ON (a.attrelid = i.indrelid)
		     JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)
		   WHERE true AND n.nspname = E'payments' AND i.indisprimary) result
		 WHERE result.A_ATTNUM = (result.KEYS).x ORDER BY result.table_name, result.pk_name, result.key_seq`,
	} {
		want, got := rowsText(t, pc, q), rowsText(t, lc, q)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s\npostgres:\n%s\nlakegate:\n%s", q, strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
	}

	// psql's \d, on both
	host, port, _ := net.SplitHostPort(g.addr)
	for _, tc := range []struct{ table, want string }{
		{"payments.accts", `"accts_pkey" PRIMARY KEY, btree (id)`},
		{"payments.regional", `"regional_pkey" PRIMARY KEY, btree (region, id)`},
	} {
		if out := g.psql(t, "payments_svc", "-c", `\d `+tc.table); !strings.Contains(out, "Indexes:\n    "+tc.want) {
			t.Errorf(`\d %s lacks %q:\n%s`, tc.table, tc.want, out)
		}
	}

	// pg_dump writes the same ADD CONSTRAINT for both
	ours := pgDumpSchema(t, []string{"-h", host, "-p", port, "-U", "payments_svc", "lakegate"}, "PGPASSWORD=pw-payments_svc")
	theirs := pgDumpSchema(t, []string{"-h", "127.0.0.1", "-p", strconv.Itoa(pg.Port), "-U", "postgres", "postgres"})
	for _, want := range []string{
		"ALTER TABLE ONLY payments.accts\n    ADD CONSTRAINT accts_pkey PRIMARY KEY (id);",
		"ALTER TABLE ONLY payments.regional\n    ADD CONSTRAINT regional_pkey PRIMARY KEY (region, id);",
	} {
		if !strings.Contains(theirs, want) {
			t.Fatalf("PostgreSQL's dump lacks %q:\n%s", want, theirs)
		}
		if !strings.Contains(ours, want) {
			t.Errorf("lakegate's dump lacks %q:\n%s", want, ours)
		}
	}
}
