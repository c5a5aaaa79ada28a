package server_test

import (
	"context"
	"fmt"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// goldenTablesDDL creates in PostgreSQL the tables analyst sees through
// lakegate in the catalog golden test: the demo's three and the two the
// captured client SQL names.
const goldenTablesDDL = demoTablesDDL + `
CREATE SCHEMA comms;
CREATE TABLE comms.bounces (id bigint NOT NULL, customer_id bigint, channel text, reason text, bounced_at timestamptz);
CREATE SCHEMA sales;
CREATE TABLE sales.lineitem (l_orderkey bigint NOT NULL, l_comment text, l_price numeric(12,2), l_shipdate date);
CREATE TABLE public.clubs (id integer NOT NULL, name text);`

// catalogResult is what a client learns from one statement: the result's
// column names and type OIDs, its rows as text, or the SQLSTATE.
type catalogResult struct {
	cols []string // name:oid
	rows []string
	err  string
}

func (r catalogResult) shape() string {
	if r.err != "" {
		return "ERROR " + r.err
	}
	return strings.Join(r.cols, " ")
}

// runCatalogStatement runs one statement through the extended protocol
// (so that a result describes itself even when it has no rows), binding
// "1" to $1 where the captured statement has a parameter.
func runCatalogStatement(c *pgconn.PgConn, sql string) catalogResult {
	var params [][]byte
	if strings.Contains(sql, "$1") {
		params = [][]byte{[]byte("1")}
	}
	rr := c.ExecParams(context.Background(), sql, params, nil, nil, nil)
	var r catalogResult
	for rr.NextRow() {
		cells := make([]string, len(rr.Values()))
		for i, v := range rr.Values() {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = string(v)
			}
		}
		r.rows = append(r.rows, strings.Join(cells, "|"))
	}
	// the description arrives before the rows, also when there are none
	for _, f := range rr.FieldDescriptions() {
		r.cols = append(r.cols, fmt.Sprintf("%s:%d", f.Name, f.DataTypeOID))
	}
	if _, err := rr.Close(); err != nil {
		r = catalogResult{err: sqlState(err)}
		if r.err == "" {
			r.err = err.Error()
		}
	}
	return r
}

// TestCatalogGoldenPostgres runs the catalog SQL real clients send (every
// statement of shared/clients) against PostgreSQL 15 holding tables of the
// same names and types as the ones analyst sees through lakegate, and
// compares the column names and type OIDs of every result.
func TestCatalogGoldenPostgres(t *testing.T) {
	t.Parallel()
	dir := clientsDir(t)
	pg := startDemoPostgres(t, goldenTablesDDL)
	g := startPolicyGW(t)
	g.createClientTables(t)
	pc := openScriptConn(t, pg.DSN)
	host, port, _ := net.SplitHostPort(g.addr)
	lc := openScriptConn(t, fmt.Sprintf("postgres://analyst:pw-analyst@%s:%s/lakegate?sslmode=disable", host, port))

	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captured client SQL in %s (%v)", dir, err)
	}
	var same, differ, pgErr int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range sqlparse.Split(string(b)) {
			want := runCatalogStatement(pc.c, stmt)
			if want.err != "" {
				pgErr++
				t.Logf("%s: PostgreSQL: %s\n%s", filepath.Base(f), want.err, stmt)
				continue
			}
			got := runCatalogStatement(lc.c, stmt)
			if strings.Contains(stmt, "db.*") {
				// lakegate's pg_database has PostgreSQL 16's and 17's
				// daticurules and datlocale too (psql 16+ selects them)
				got.cols = slices.DeleteFunc(got.cols, func(c string) bool {
					return c == "daticurules:25" || c == "datlocale:25"
				})
			}
			if want.shape() != got.shape() {
				differ++
				t.Errorf("%s:\n%s\npostgres: %s\nlakegate: %s", filepath.Base(f), stmt, want.shape(), got.shape())
				continue
			}
			same++
		}
	}
	t.Logf("%d statements with the same result columns, %d differ, %d refused by PostgreSQL", same, differ, pgErr)

	// The rows too, where lakegate's answer should be PostgreSQL's: the
	// attributes of the equivalent tables, format_type, the emulated
	// pg_type and pg_proc rows (by the OIDs lakegate has), the catalog
	// relations' own columns, information_schema.columns.
	oids := func(sql string) string {
		r := runCatalogStatement(lc.c, sql)
		if r.err != "" || len(r.rows) == 0 {
			t.Fatalf("%s: %s %v", sql, r.err, r.rows)
		}
		return strings.Join(r.rows, ", ")
	}
	typeOIDs := oids("SELECT oid FROM pg_catalog.pg_type ORDER BY oid")
	// (Postgres' built-ins: lakegate's own functions, lakegate.table_changes,
	// have no counterpart there)
	procOIDs := oids("SELECT oid FROM pg_catalog.pg_proc WHERE oid < 16384 ORDER BY oid")
	catalogRels := oids("SELECT oid FROM pg_catalog.pg_class WHERE relnamespace IN (11, 13207) AND relname <> 'pg_database' ORDER BY oid")
	for _, q := range []string{
		`SELECT n.nspname, c.relname, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attlen, a.attbyval,
		   a.attalign, a.attstorage, a.attndims, a.attcollation, a.attisdropped, a.atthasdef, a.attidentity, a.attgenerated,
		   pg_catalog.format_type(a.atttypid, a.atttypmod)
		 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname IN ('users', 'payments', 'comms', 'sales', 'public') AND a.attnum > 0
		 ORDER BY 1, 2, 3`,
		// (not pg_table_is_visible: lakegate counts every table the
		// caller may read as visible, so that \dt lists the domains'
		// tables, which are not on the search path)
		`SELECT n.nspname, c.relname, c.relkind, c.relnatts, c.relpersistence, c.relhasindex, c.relam,
		   c.relispartition, c.relchecks
		 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname IN ('users', 'payments', 'comms', 'sales', 'public') ORDER BY 1, 2`,
		`SELECT table_schema, table_name, column_name, ordinal_position, column_default, is_nullable, data_type,
		   character_maximum_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision,
		   udt_catalog IS NOT NULL, udt_schema, udt_name, is_identity, is_generated
		 FROM information_schema.columns WHERE table_schema IN ('users', 'payments', 'comms', 'sales', 'public')
		 ORDER BY 1, 2, 4`,
		`SELECT table_schema, table_name, table_type FROM information_schema.tables
		 WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
		`SELECT t, m, pg_catalog.format_type(t, m) FROM (VALUES (16, -1), (20, -1), (21, -1), (23, -1), (25, -1),
		   (700, -1), (701, -1), (1700, -1), (1700, 786438), (1700, 655364), (1043, -1), (1043, 14), (1042, 5),
		   (1082, -1), (1083, -1), (1114, -1), (1114, 3), (1184, -1), (1184, 0), (1186, -1), (17, -1), (2950, -1),
		   (114, -1), (3802, -1), (1007, -1), (1009, -1), (1231, 786438), (1016, -1), (1115, -1), (1185, -1),
		   (18, -1), (19, -1), (26, -1), (2205, -1), (0, -1)) v(t, m) ORDER BY 1, 2`,
		`SELECT oid, typname, typnamespace, typlen, typbyval, typtype, typcategory, typispreferred, typdelim, typrelid,
		   typelem, typarray, typinput, typoutput, typreceive, typsend, typmodin, typmodout, typalign, typstorage,
		   typnotnull, typbasetype, typtypmod, typndims, typcollation, pg_catalog.format_type(oid, NULL)
		 FROM pg_catalog.pg_type WHERE oid IN (` + typeOIDs + `) ORDER BY oid`,
		`SELECT oid, proname, pronamespace, prokind, proretset, provolatile, pronargs, prorettype, proargtypes
		 FROM pg_catalog.pg_proc WHERE oid IN (` + procOIDs + `) ORDER BY oid`,
		`SELECT c.relname, a.attnum, a.attname, a.atttypid, pg_catalog.format_type(a.atttypid, a.atttypmod)
		 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		 WHERE c.oid IN (` + catalogRels + `) AND a.attnum > 0 ORDER BY 1, 2`,
		`SELECT nspname, oid < 16384 FROM pg_catalog.pg_namespace
		 WHERE nspname IN ('pg_catalog', 'information_schema', 'public', 'users', 'payments', 'comms', 'sales') ORDER BY 1`,
		`SELECT catcode, barelabel, count(*) FROM pg_catalog.pg_get_keywords() GROUP BY 1, 2 ORDER BY 1, 2`,
		`SELECT 'payments.charges'::regclass::text AS rel, 'numeric'::regtype::oid, 'int4'::regtype,
		   'users'::regnamespace::text AS nsp, 'pg_catalog.pg_class'::regclass`,
		`SELECT pg_catalog.quote_ident('Mixed'), pg_catalog.quote_ident('select'), pg_catalog.quote_ident('plain'),
		   pg_catalog.current_schema(), pg_catalog.current_schemas(false), pg_catalog.pg_encoding_to_char(6)`,
	} {
		want, got := runCatalogStatement(pc.c, q), runCatalogStatement(lc.c, q)
		if want.err != "" {
			t.Fatalf("PostgreSQL refuses %s: %s", q, want.err)
		}
		w, g := want.shape()+"\n"+strings.Join(want.rows, "\n"), got.shape()+"\n"+strings.Join(got.rows, "\n")
		if w != g {
			t.Errorf("%s\npostgres:\n%s\nlakegate:\n%s", q, w, g)
		}
	}
}

// TestCatalogSystemTypesPgx reads catalog columns of the system types
// with pgx, which asks for the binary format of every type it knows
// (name, oid, "char", name[], aclitem[]), and through the simple
// protocol (text).
func TestCatalogSystemTypesPgx(t *testing.T) {
	t.Parallel()
	g := sharedPolicyGW(t)
	c := g.as(t, "payments_svc")
	ctx := context.Background()
	const q = `SELECT c.oid, c.relname, c.relkind, c.relacl, a.attidentity, t.typinput, t.typname,
		  current_user, (SELECT array_agg(nspname ORDER BY nspname) FROM pg_catalog.pg_namespace), i.indkey
		FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = 3
		  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
		  LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid
		WHERE c.relname = 'charges'`
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var (
			oid                              uint32
			relname, typinput, typname, user string
			relkind, identity                byte
			acl, schemas                     []string
			indkey                           *string
		)
		err := c.QueryRow(ctx, q, mode).Scan(&oid, &relname, &relkind, &acl, &identity, &typinput, &typname, &user, &schemas, &indkey)
		if err != nil {
			t.Fatalf("mode %v: %v", mode, err)
		}
		if oid < 16384 || relname != "charges" || relkind != 'r' || identity != 0 || typinput != "numeric_in" ||
			typname != "numeric" || user != "payments_svc" || indkey != nil ||
			!slices.Equal(schemas, []string{"information_schema", "lakegate", "payments", "pg_catalog", "public", "users"}) ||
			len(acl) != 1 || !strings.HasPrefix(acl[0], "payments_svc=arwdD/") {
			t.Errorf("mode %v: %d %q %c %v %d %q %q %q %v %v", mode, oid, relname, relkind, acl, identity, typinput, typname, user, schemas, indkey)
		}
	}
}
