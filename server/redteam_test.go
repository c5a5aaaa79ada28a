package server_test

// Red-team suite for the access-control requirement: caller SQL reaches data
// only through the tables resolved for the caller. Every attempt below must
// fail, or return only what the caller may see; whatever it returns (rows,
// column names, error text) is scanned for secrets: the warehouse location,
// Parquet/metadata file names, sandbox settings, the hidden table's name,
// columns and values, unmasked e-mail addresses and the policy's mask text.
//
// Attempts naming comms.bounces as payments_svc (which may not see it) are
// also run against a "twin" naming a table that does not exist: both must
// produce the same outcome (SQLSTATE, message, rows) modulo the name, so
// nothing distinguishes a hidden table from a missing one.
//
// Every attempt runs over the simple and the extended query protocol.
//
// Cases marked ENGINE-SIDE GAP assert the secure behaviour but fail until a
// fix outside planner/guard.go lands (see the gap field).

import (
	"context"
	"errors"
	"fmt"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"io/fs"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
)

var rtSizes = demo.Sizes{Customers: 20, Charges: 40, Bounces: 15}

type rtGateway struct {
	*gateway // its dir holds the catalog and the warehouse: never to be revealed
	// one Parquet data file of each demo table, absolute paths
	customersFile, bouncesFile string
	customersSnapshot          int64
}

func startRedteamGW(t *testing.T) *rtGateway {
	t.Helper()
	return startRedteamGWWith(t, demo.Policy)
}

// startRedteamGWWith is startRedteamGW serving policy pol.
func startRedteamGWWith(t *testing.T, pol []byte) *rtGateway {
	t.Helper()
	ctx := context.Background()
	g := &rtGateway{gateway: startGW(t, gwOptions{sizes: rtSizes, policy: pol, threads: 1})}
	dir, cat := g.dir, g.cat
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		switch {
		case strings.Contains(p, "customers") && g.customersFile == "":
			g.customersFile = p
		case strings.Contains(p, "bounces") && g.bouncesFile == "":
			g.bouncesFile = p
		}
		return nil
	})
	if g.customersFile == "" || g.bouncesFile == "" {
		t.Fatalf("no data files found under %s", dir)
	}
	tbl, err := cat.LoadTable(ctx, catalog.Ident{Schema: "users", Name: "customers"})
	if err != nil {
		t.Fatal(err)
	}
	g.customersSnapshot = tbl.SnapshotID()
	return g
}

func (g *rtGateway) conn(t *testing.T, user string) *pgconn.PgConn {
	t.Helper()
	host, port, _ := net.SplitHostPort(g.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, err := pgconn.Connect(ctx, fmt.Sprintf("postgres://%s:pw-%s@%s:%s/lakegate?sslmode=disable", user, user, host, port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// rtOutcome is everything a caller learns from one attempt.
type rtOutcome struct {
	states []string   // SQLSTATE of each failed statement ("" for success)
	errs   []string   // every field of every error
	cols   []string   // result column names
	rows   [][]string // result values, text format
}

func (o rtOutcome) failed() bool {
	for _, s := range o.states {
		if s != "" {
			return true
		}
	}
	return false
}

// text is all the outcome reveals, as one string.
func (o rtOutcome) text() string {
	var b strings.Builder
	fmt.Fprintln(&b, strings.Join(o.states, "|"))
	fmt.Fprintln(&b, strings.Join(o.errs, "\n"))
	fmt.Fprintln(&b, strings.Join(o.cols, ","))
	for _, r := range o.rows {
		fmt.Fprintln(&b, strings.Join(r, "\t"))
	}
	return b.String()
}

func (o *rtOutcome) add(r *pgconn.Result) {
	state := ""
	if r.Err != nil {
		var pe *pgconn.PgError
		if errors.As(r.Err, &pe) {
			state = pe.Code
			o.errs = append(o.errs, strings.Join([]string{pe.Severity, pe.Message, pe.Detail, pe.Hint, pe.Where,
				pe.SchemaName, pe.TableName, pe.ColumnName, pe.DataTypeName, pe.ConstraintName, pe.InternalQuery}, " / "))
		} else {
			state = "client"
			o.errs = append(o.errs, r.Err.Error())
		}
	}
	o.states = append(o.states, state)
	for _, f := range r.FieldDescriptions {
		o.cols = append(o.cols, f.Name)
	}
	for _, row := range r.Rows {
		vals := make([]string, len(row))
		for i, v := range row {
			vals[i] = string(v)
		}
		o.rows = append(o.rows, vals)
	}
}

func rtRun(c *pgconn.PgConn, sql string, extended bool) rtOutcome {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var o rtOutcome
	if extended {
		r := c.ExecParams(ctx, sql, nil, nil, nil, nil).Read()
		o.add(r)
		return o
	}
	results, err := c.Exec(ctx, sql).ReadAll()
	reported := false
	for _, r := range results {
		o.add(r)
		reported = reported || r.Err != nil
	}
	if err != nil && !reported {
		o.add(&pgconn.Result{Err: err})
	}
	return o
}

type rtAttack struct {
	name, user, sql string
	// deny: the attempt must fail (some statement errors).
	deny bool
	// want: the attempt must succeed and its first value be this.
	want string
	// gap: an ENGINE-SIDE GAP this case exposes (the fix is outside
	// planner/guard.go); the case still asserts the secure behaviour.
	gap string
}

var (
	rtUnmaskedEmail = regexp.MustCompile(`customer\d+@`)
	rtLiteral       = regexp.MustCompile(`'(?:[^']|'')*'|"(?:[^"]|"")*"|\$\$.*?\$\$`)
	rtHidden        = regexp.MustCompile(`(?i)bounces`)
	rtTwinName      = regexp.MustCompile(`(?i)nonexistent_zz`)
	rtDebox         = strings.NewReplacer("│", "", "┌", "", "┐", "", "└", "", "┘", "", "─", "", "┬", "", "┴", "", " ", "", "\n", "", "\t", "")
)

// secrets returns what the outcome of sql, run by user, must not contain.
func (g *rtGateway) leaks(user, sql string, o rtOutcome) []string {
	out := o.text()
	// The caller's own literals echoed back (relation "/x.parquet" does not
	// exist) reveal nothing.
	for _, lit := range rtLiteral.FindAllString(sql, -1) {
		if len(lit) > 2 {
			out = strings.ReplaceAll(out, lit[1:len(lit)-1], "<lit>")
		}
	}
	lower, lsql := strings.ToLower(out), strings.ToLower(sql)
	var found []string
	// EXPLAIN boxes wrap long values over lines: look for the directory
	// with the box drawing and white space taken out as well.
	if strings.Contains(out, g.dir) || strings.Contains(rtDebox.Replace(out), rtDebox.Replace(g.dir)) {
		found = append(found, "warehouse directory")
	}
	words := []string{".parquet", "metadata.json", "/warehouse", "catalog.db", "policy.yaml", "allowed_directories",
		"enable_external_access", "lakegate_base", "lakegate-spill", "temp_directory", "read_parquet", "iceberg", "owner-domain", "create view"}
	if user == "analyst" {
		words = append(words, "regexp_replace", "[^@]")
		if m := rtUnmaskedEmail.FindString(out); m != "" {
			found = append(found, "unmasked e-mail "+m)
		}
	}
	if user == "payments_svc" {
		words = append(words, "bounces", "bounced_at", "mailbox_full", "unknown_user", "invalid_number", "comms")
	}
	for _, w := range words {
		if strings.Contains(lower, w) && !strings.Contains(lsql, w) {
			found = append(found, w)
		}
	}
	return found
}

func (g *rtGateway) attacks() []rtAttack {
	P, A, C := "payments_svc", "analyst", "comms_svc"
	cust, bnc := g.customersFile, g.bouncesFile
	custDir, bncDir := filepath.Dir(cust), filepath.Dir(bnc)
	rel, _ := filepath.Rel(g.dir, cust)
	n := fmt.Sprint(rtSizes.Customers)
	return []rtAttack{
		// --- file functions, absolute / relative / file:// / globs ---
		{name: "read_parquet_abs", user: A, sql: fmt.Sprintf("select email from read_parquet('%s')", cust), deny: true},
		{name: "read_parquet_glob", user: A, sql: fmt.Sprintf("select email from read_parquet('%s/*.parquet')", custDir), deny: true},
		{name: "read_parquet_relative", user: A, sql: fmt.Sprintf("select * from read_parquet('%s')", rel), deny: true},
		{name: "read_parquet_file_url", user: A, sql: "select * from read_parquet('file://" + cust + "')", deny: true},
		{name: "read_parquet_list", user: P, sql: fmt.Sprintf("select * from read_parquet(['%s', '%s'])", cust, bnc), deny: true},
		{name: "read_parquet_qualified", user: A, sql: fmt.Sprintf("select * from main.read_parquet('%s')", cust), deny: true},
		{name: "read_parquet_in_subquery", user: A, sql: fmt.Sprintf("select (select max(email) from read_parquet('%s'))", cust), deny: true},
		{name: "read_parquet_lateral", user: A, sql: fmt.Sprintf("select * from users.customers c, lateral (select email from read_parquet('%s') r where r.id = c.id)", cust), deny: true},
		{name: "parquet_scan_alias", user: P, sql: fmt.Sprintf("select * from parquet_scan('%s')", bnc), deny: true},
		{name: "read_csv", user: A, sql: "select * from read_csv('/etc/passwd')", deny: true},
		{name: "read_csv_auto_relative", user: A, sql: "select * from read_csv_auto('x.csv')", deny: true},
		{name: "read_json", user: A, sql: "select * from read_json_auto('/etc/hostname')", deny: true},
		{name: "read_text", user: P, sql: fmt.Sprintf("select content from read_text('%s')", bnc), deny: true},
		{name: "read_blob", user: A, sql: fmt.Sprintf("select content from read_blob('%s')", cust), deny: true},
		{name: "glob", user: P, sql: "select * from glob('" + g.dir + "/**')", deny: true},
		{name: "glob_relative", user: P, sql: "select * from glob('**/*.parquet')", deny: true},
		{name: "parquet_metadata", user: P, sql: fmt.Sprintf("select * from parquet_metadata('%s')", bnc), deny: true},
		{name: "parquet_schema", user: P, sql: fmt.Sprintf("select * from parquet_schema('%s')", bnc), deny: true},
		{name: "parquet_kv_metadata", user: A, sql: fmt.Sprintf("select * from parquet_kv_metadata('%s')", cust), deny: true},
		{name: "iceberg_scan", user: A, sql: "select * from iceberg_scan('" + g.dir + "/warehouse/users.db/customers')", deny: true},
		{name: "sniff_csv", user: A, sql: "select * from sniff_csv('/etc/passwd')", deny: true},
		{name: "read_text_scalar_context", user: A, sql: "select length((select content from read_text('/etc/passwd')))", deny: true},
		{name: "table_fn_in_at_clause", user: A, sql: fmt.Sprintf("select * from users.customers at (timestamp => (select max(email) from read_parquet('%s')))", cust), deny: true},
		// --- replacement scans ---
		{name: "replacement_scan_abs", user: P, sql: fmt.Sprintf("select * from '%s'", bnc), deny: true},
		{name: "replacement_scan_relative_csv", user: A, sql: "select * from 'x.csv'", deny: true},
		{name: "replacement_scan_quoted_ident", user: A, sql: fmt.Sprintf(`select * from "%s"`, cust), deny: true},
		{name: "replacement_scan_from_first", user: A, sql: fmt.Sprintf("from '%s/*.parquet'", custDir), deny: true},
		{name: "replacement_scan_bounces_dir", user: P, sql: fmt.Sprintf("select count(*) from '%s/*.parquet'", bncDir), deny: true},
		// --- engine statements ---
		{name: "attach_memory", user: P, sql: "attach ':memory:' as m", deny: true},
		{name: "attach_catalog_file", user: P, sql: "attach '" + g.dir + "/catalog.db' as c (type sqlite)", deny: true},
		{name: "detach", user: P, sql: "detach memory", deny: true},
		{name: "install_httpfs", user: A, sql: "install httpfs", deny: true},
		{name: "load_httpfs", user: A, sql: "load httpfs", deny: true},
		{name: "copy_to_file", user: A, sql: "copy (select * from users.customers) to '/tmp/lakegate-redteam.csv'", deny: true},
		// COPY ... TO STDOUT is lakegate's own (the engine never sees it):
		// it reads through the planner, so hidden stays hidden (the data and
		// masks are checked in copy_test.go).
		{name: "copy_hidden_to_stdout", user: P, sql: "copy comms.bounces to stdout", deny: true},
		{name: "copy_hidden_query_to_stdout", user: P, sql: "copy (select * from comms.bounces) to stdout", deny: true},
		{name: "copy_from_file", user: A, sql: "copy users.customers from '/etc/passwd'", deny: true},
		{name: "export_database", user: A, sql: "export database '/tmp/lakegate-redteam-export'", deny: true},
		{name: "import_database", user: A, sql: "import database '/tmp'", deny: true},
		{name: "pragma_database_list", user: P, sql: "pragma database_list", deny: true},
		{name: "pragma_table_info", user: P, sql: "pragma table_info('comms.bounces')", deny: true},
		{name: "pragma_table_fn", user: P, sql: "select * from pragma_table_info('comms.bounces')", deny: true},
		{name: "call_pragma", user: P, sql: "call pragma_table_info('comms.bounces')", deny: true},
		{name: "use_schema", user: P, sql: "use comms", deny: true},
		{name: "describe_hidden", user: P, sql: "describe comms.bounces", deny: true},
		{name: "summarize_hidden", user: P, sql: "summarize comms.bounces", deny: true},
		{name: "checkpoint", user: P, sql: "checkpoint", deny: true},
		{name: "sql_prepare", user: P, sql: "prepare q as select * from comms.bounces", deny: true},
		// --- settings ---
		// (current_setting, current_schemas and the pg_catalog views below may
		// be served from the session's own settings and a per-caller catalog
		// emulation: they need not fail, but must not show engine state.)
		{name: "set_external_access", user: A, sql: "set enable_external_access = true", deny: true},
		{name: "set_allowed_directories", user: A, sql: "set allowed_directories = ['/']", deny: true},
		{name: "set_global_threads", user: A, sql: "set global threads = 1000", deny: true},
		{name: "set_memory_limit", user: A, sql: "set memory_limit = '1TB'", deny: true},
		{name: "set_lock_configuration", user: A, sql: "set lock_configuration = false", deny: true},
		{name: "set_search_path_then_hidden", user: P, sql: "set search_path = comms; select count(*) from bounces", deny: true},
		{name: "set_search_path_system", user: P, sql: "set search_path = 'pg_catalog,information_schema'; select * from views", deny: true},
		{name: "reset_all_then_file", user: A, sql: "reset all; select * from read_csv('/etc/passwd')", deny: true},
		{name: "set_custom_then_read", user: A, sql: "set lakegate.x = '/etc'; select current_setting('lakegate.x')"},
		{name: "current_setting_allowed_dirs", user: A, sql: "select current_setting('allowed_directories')"},
		{name: "current_setting_method_call", user: A, sql: "select 'allowed_directories'.current_setting()", deny: true},
		{name: "current_setting_in_lambda", user: A, sql: "select list_transform(['allowed_directories'], x -> current_setting(x))", deny: true},
		{name: "current_setting_qualified", user: A, sql: "select pg_catalog.current_setting('temp_directory')"},
		{name: "current_setting_system_catalog", user: A, sql: "select system.main.current_setting('temp_directory')", deny: true},
		{name: "getvariable", user: A, sql: "select getvariable('x')", deny: true},
		{name: "getenv", user: A, sql: "select getenv('HOME')", deny: true},
		{name: "current_schemas", user: P, sql: "select current_schemas(true)"},
		// the emulated pg_get_viewdef: no engine view text (paths, policy)
		{name: "pg_get_viewdef", user: A, sql: "select pg_get_viewdef(oid) from pg_catalog.pg_class, users.customers limit 1"},
		{name: "pg_get_viewdef_engine_view", user: A, sql: "select pg_get_viewdef('users.customers'::regclass)"},
		{name: "duckdb_settings_scalar_prefix", user: A, sql: "select * from duckdb_settings()", deny: true},
		// --- any CREATE ---
		{name: "create_secret", user: A, sql: "create secret s (type s3, key_id 'x', secret 'y')", deny: true},
		{name: "create_macro", user: A, sql: "create macro m() as table select * from read_parquet('" + cust + "')", deny: true},
		{name: "create_view_read_parquet", user: A, sql: "create view v as select * from read_parquet('" + cust + "')", deny: true},
		{name: "create_temp_view", user: P, sql: "create temp view v as select * from comms.bounces", deny: true},
		{name: "create_table_as", user: A, sql: "create table t as select * from read_parquet('" + cust + "')", deny: true},
		{name: "create_temp_table_as", user: A, sql: "create temp table t as select * from users.customers", deny: true},
		{name: "create_schema", user: P, sql: "create schema comms", deny: true},
		{name: "create_or_replace_view_hijack", user: A, sql: `create or replace view "users"."customers" as select * from read_parquet('` + cust + `')`, deny: true},
		{name: "create_sequence", user: A, sql: "create sequence s", deny: true},
		{name: "create_type", user: A, sql: "create type t as enum ('a')", deny: true},
		// --- multi-statement smuggling ---
		{name: "multi_plain", user: P, sql: "select 1; select * from comms.bounces", deny: true},
		{name: "multi_comment", user: P, sql: "select 1 /* ; */ ; select count(*) from comms.bounces", deny: true},
		{name: "multi_line_comment", user: P, sql: "select 1 -- ;\n; select count(*) from comms.bounces", deny: true},
		{name: "multi_string_semicolon", user: P, sql: "select ';' ; select count(*) from comms.bounces", deny: true},
		{name: "multi_escape_string", user: P, sql: `select E'\';' ; select count(*) from comms.bounces`, deny: true},
		{name: "multi_dollar", user: P, sql: "select $$;$$; select count(*) from comms.bounces", deny: true},
		{name: "multi_nested_comment", user: P, sql: "select 1 /* /* */ ; */ ; select count(*) from comms.bounces", deny: true},
		{name: "multi_quoted_ident", user: A, sql: `select 1 as ";"; select * from read_csv('/etc/passwd')`, deny: true},
		{name: "multi_attach", user: A, sql: "select 1; attach ':memory:' as m; select 1", deny: true},
		// --- identifier tricks ---
		{name: "quoted_upper", user: P, sql: `select * from "COMMS"."BOUNCES"`, deny: true},
		{name: "quoted_name_only", user: P, sql: `select * from comms."bounces"`, deny: true},
		{name: "mixed_case", user: P, sql: `select * from Comms.BOUNCES`, deny: true},
		{name: "dotted_quoted", user: P, sql: `select * from "comms.bounces"`, deny: true},
		{name: "spaced_commented_dot", user: P, sql: `select * from comms /* x */ . bounces`, deny: true},
		{name: "zero_width_space", user: P, sql: "select * from comms.\"bounces\u200b\"", deny: true},
		{name: "unicode_escape_ident", user: P, sql: `select * from comms.U&"bounce\0073"`, deny: true},
		{name: "homoglyph", user: P, sql: "select * from comms.b\u043eunces", deny: true},
		{name: "three_part_memory", user: P, sql: "select * from memory.comms.bounces", deny: true},
		{name: "three_part_lakegate", user: P, sql: "select * from lakegate.comms.bounces", deny: true},
		{name: "three_part_system", user: A, sql: "select * from system.main.duckdb_views", deny: true},
		{name: "three_part_temp", user: A, sql: "select * from temp.main.sqlite_master", deny: true},
		{name: "three_part_visible", user: A, sql: "select email from memory.users.customers", deny: true},
		{name: "search_path_unqualified", user: P, sql: "select * from bounces", deny: true},
		// --- CTE and alias tricks ---
		{name: "cte_shadow_qualified", user: P, sql: "with bounces as (select 1 as id) select * from comms.bounces", deny: true},
		{name: "cte_named_hidden", user: P, sql: "with bounces as (select 1 as id) select count(*) from bounces", want: "1"},
		{name: "alias_visible_as_hidden", user: P, sql: "select count(*) from users.customers as bounces", want: n},
		{name: "cte_alias_visible_as_hidden", user: P, sql: "with x as (select * from users.customers) select count(*) from x as bounces", want: n},
		// A CTE defined in a subquery must not hide a system relation of
		// the same name elsewhere in the statement (the engine would resolve
		// it: sqlite_master holds the session views' SQL).
		{name: "cte_scope_sqlite_master", user: A, sql: "select s.sql from (with sqlite_master as (select 1 as a) select * from sqlite_master) x, sqlite_master s, (select 1 from users.customers limit 1) c", deny: true},
		{name: "cte_scope_duckdb_views", user: A, sql: "select v.sql from (with duckdb_views as (select 1 as a) select * from duckdb_views) x, duckdb_views v, (select 1 from users.customers limit 1) c", deny: true},
		{name: "cte_scope_pg_views", user: A, sql: "select v.definition from (with pg_views as (select 1 as a) select * from pg_views) x, pg_views v, (select 1 from users.customers limit 1) c", deny: true},
		{name: "cte_scope_hidden", user: P, sql: "select * from (with bounces as (select 1 as a) select * from bounces) x, bounces", deny: true},
		{name: "cte_in_at_clause_sqlite_master", user: A, sql: "select * from users.customers at (timestamp => (select max(sql) from sqlite_master))", deny: true},
		// --- masks wherever the table is read (analyst) ---
		{name: "mask_subquery", user: A, sql: "select email from (select * from users.customers) s where id = 1", want: "***@example.com"},
		{name: "mask_cte_max", user: A, sql: "with c as (select * from users.customers) select max(email) from c", want: "***@example.com"},
		{name: "mask_filter_on_real_value", user: A, sql: "select count(*) from users.customers where email = 'customer1@example.com'", want: "0"},
		{name: "mask_filter_like", user: A, sql: "select count(*) from users.customers where email like 'customer%'", want: "0"},
		{name: "mask_filter_in_list", user: A, sql: "select count(*) from users.customers where email in ('customer1@example.com', 'customer2@example.com')", want: "0"},
		{name: "mask_filter_between", user: A, sql: "select count(*) from users.customers where email between 'customer1' and 'customer9~'", want: "0"},
		{name: "mask_filter_on_masked_value", user: A, sql: "select count(*) from users.customers where email = '***@example.com'", want: n},
		{name: "mask_filter_range_probe", user: A, sql: "select count(*) from users.customers where email < 'customer1'", want: n},
		{name: "mask_exists", user: A, sql: "select count(*) from users.customers where exists (select 1 from users.customers c2 where c2.email = 'customer1@example.com')", want: "0"},
		{name: "mask_join_on_email", user: A, sql: "select count(*) from users.customers a join users.customers b on a.email = b.email", want: fmt.Sprint(rtSizes.Customers * rtSizes.Customers)},
		{name: "mask_join_charges", user: A, sql: "select max(c.email) from payments.charges p join users.customers c on c.id = p.customer_id", want: "***@example.com"},
		{name: "mask_window", user: A, sql: "select first_value(email) over (order by id) from users.customers limit 1", want: "***@example.com"},
		{name: "mask_string_agg", user: A, sql: "select string_agg(email, ',') from users.customers"},
		{name: "mask_list_agg", user: A, sql: "select list(email)::varchar from users.customers"},
		{name: "mask_json_object", user: A, sql: "select json_object('e', email) from users.customers"},
		{name: "mask_row_to_text", user: A, sql: "select c::text from users.customers c"},
		{name: "mask_row_value", user: A, sql: "select c from users.customers c"},
		{name: "mask_to_json_row", user: A, sql: "select to_json(c) from users.customers c"},
		{name: "mask_star_exclude", user: A, sql: "select * exclude (name) from users.customers"},
		{name: "mask_columns_star", user: A, sql: "select columns(*) from users.customers"},
		{name: "mask_columns_regex", user: A, sql: "select columns('e.*') from users.customers"},
		{name: "mask_union", user: A, sql: "select email from users.customers union select email from users.customers"},
		{name: "mask_group_by", user: A, sql: "select email, count(*) from users.customers group by all"},
		{name: "mask_cte_named_like_table", user: A, sql: "with customers as (select * from users.customers) select email from customers where id = 1", want: "***@example.com"},
		{name: "mask_time_travel", user: A, sql: fmt.Sprintf("select email from users.customers at (version => %d) where id = 1", g.customersSnapshot), want: "***@example.com"},
		{name: "mask_error_cast", user: A, sql: "select email::int from users.customers", deny: true},
		{name: "mask_error_function", user: A, sql: "select error(email) from users.customers where id = 1", deny: true},
		{name: "mask_length_side_channel", user: A, sql: "select max(length(email)) from users.customers", want: "15"},
		// --- catalog probing ---
		{name: "information_schema_tables", user: P, sql: "select table_schema, table_name, table_type from information_schema.tables, (select 1 from users.customers limit 1) x"},
		{name: "information_schema_columns", user: P, sql: "select table_schema, table_name, column_name from information_schema.columns"},
		{name: "information_schema_views", user: A, sql: "select view_definition from information_schema.views, (select 1 from users.customers limit 1) x"},
		{name: "information_schema_schemata", user: P, sql: "select schema_name from information_schema.schemata"},
		{name: "pg_class", user: P, sql: "select relname, relkind from pg_catalog.pg_class"},
		{name: "pg_class_unqualified", user: A, sql: "select relname from pg_class, (select 1 from users.customers limit 1) x"},
		{name: "pg_namespace", user: P, sql: "select nspname from pg_catalog.pg_namespace"},
		{name: "pg_tables", user: P, sql: "select schemaname, tablename from pg_catalog.pg_tables"},
		{name: "pg_views", user: A, sql: "select definition from pg_catalog.pg_views, users.customers"},
		{name: "pg_views_unqualified", user: A, sql: "select definition from pg_views"},
		{name: "pg_attribute", user: P, sql: "select attname from pg_catalog.pg_attribute"},
		{name: "pg_description", user: A, sql: "select * from pg_catalog.pg_description, (select 1 from users.customers limit 1) x"},
		{name: "pg_settings", user: A, sql: "select name, setting from pg_catalog.pg_settings"},
		{name: "pg_proc", user: A, sql: "select proname from pg_catalog.pg_proc"},
		{name: "psql_describe_hidden", user: P, sql: `SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(bounces)$' AND n.nspname OPERATOR(pg_catalog.~) '^(comms)$' ORDER BY 2, 3`},
		{name: "duckdb_tables_fn", user: P, sql: "select * from duckdb_tables()", deny: true},
		{name: "duckdb_views_fn", user: A, sql: "select sql from duckdb_views(), users.customers", deny: true},
		{name: "duckdb_databases_fn", user: A, sql: "select path from duckdb_databases()", deny: true},
		{name: "duckdb_functions_fn", user: A, sql: "select * from duckdb_functions()", deny: true},
		{name: "duckdb_views_relation", user: A, sql: "select sql from duckdb_views, users.customers", deny: true},
		{name: "duckdb_views_main", user: A, sql: "select sql from main.duckdb_views", deny: true},
		{name: "duckdb_views_pg_catalog", user: A, sql: "select sql from pg_catalog.duckdb_views", deny: true},
		{name: "sqlite_master", user: A, sql: "select sql from sqlite_master, users.customers", deny: true},
		{name: "sqlite_master_main", user: A, sql: "select sql from main.sqlite_master, users.customers", deny: true},
		{name: "sqlite_master_pg_catalog", user: A, sql: "select sql from pg_catalog.sqlite_master, users.customers", deny: true},
		{name: "sqlite_schema_information_schema", user: A, sql: "select sql from information_schema.sqlite_schema, users.customers", deny: true},
		{name: "query_fn", user: P, sql: "select * from query('select * from comms.bounces')", deny: true},
		{name: "query_table_fn", user: P, sql: "select * from query_table('comms.bounces')", deny: true},
		{name: "query_fn_file", user: A, sql: "from query('select * from read_csv(''/etc/passwd'')')", deny: true},
		{name: "json_execute_serialized_sql", user: A, sql: "select * from json_execute_serialized_sql(json_serialize_sql('select 1'))", deny: true},
		{name: "sql_auto_complete", user: P, sql: "select * from sql_auto_complete('select * from comms.b')", deny: true},
		{name: "version_functions", user: P, sql: "select version(), current_database(), current_schema(), current_user"},
		// --- hidden table through every query shape (payments_svc) ---
		{name: "hidden_count", user: P, sql: "select count(*) from comms.bounces", deny: true},
		{name: "hidden_table_stmt", user: P, sql: "table comms.bounces", deny: true},
		{name: "hidden_from_first", user: P, sql: "from comms.bounces select count(*)", deny: true},
		{name: "hidden_parenthesized", user: P, sql: "(select * from comms.bounces)", deny: true},
		{name: "hidden_join", user: P, sql: "select * from users.customers c join comms.bounces b on b.customer_id = c.id", deny: true},
		{name: "hidden_exists", user: P, sql: "select exists (select 1 from comms.bounces)", deny: true},
		{name: "hidden_cte", user: P, sql: "with x as (select * from comms.bounces) select count(*) from x", deny: true},
		{name: "hidden_union", user: P, sql: "select id from users.customers union all select id from comms.bounces", deny: true},
		{name: "hidden_in_subquery", user: P, sql: "select count(*) from users.customers where id in (select customer_id from comms.bounces)", deny: true},
		{name: "hidden_scalar_subquery_in_order", user: P, sql: "select id from users.customers order by (select count(*) from comms.bounces)", deny: true},
		{name: "hidden_time_travel_version", user: P, sql: "select * from comms.bounces at (version => 1)", deny: true},
		{name: "hidden_time_travel_timestamp", user: P, sql: "select * from comms.bounces at (timestamp => now())", deny: true},
		{name: "hidden_explain", user: P, sql: "explain select * from comms.bounces", deny: true},
		{name: "hidden_explain_analyze", user: P, sql: "explain analyze select count(*) from comms.bounces", deny: true},
		{name: "hidden_column_probe", user: P, sql: "select reason from comms.bounces", deny: true},
		{name: "hidden_write", user: P, sql: "delete from comms.bounces where id = 1", deny: true},
		{name: "hidden_insert_select", user: P, sql: "insert into payments.charges select * from comms.bounces", deny: true},
		// --- error-message probing ---
		{name: "error_column_candidates", user: P, sql: "select nosuchcolumn from users.customers", deny: true},
		{name: "error_table_suggestion", user: P, sql: "select * from comms.bounce", deny: true},
		{name: "error_function_suggestion", user: A, sql: "select read_parque('x')", deny: true},
		{name: "error_view_internals", user: A, sql: "select lakegate_base.email from users.customers", deny: true},
		// --- EXPLAIN of visible tables shows the scan (file list, masks) ---
		{name: "explain_visible", user: A, sql: "explain select * from users.customers"},
		{name: "explain_analyze_visible", user: A, sql: "explain analyze select email from users.customers"},
		{name: "explain_visible_comms", user: C, sql: "explain select * from comms.bounces"},
	}
}

func TestRedTeam(t *testing.T) {
	t.Parallel()
	g := startRedteamGW(t)
	users := map[string]*pgconn.PgConn{}
	for _, u := range []string{"analyst", "payments_svc", "comms_svc"} {
		users[u] = g.conn(t, u)
	}
	attacks := g.attacks()
	seen := map[string]bool{}
	for _, a := range attacks {
		if seen[a.name] {
			t.Fatalf("duplicate attack name %s", a.name)
		}
		seen[a.name] = true
	}
	if len(attacks) < 45 {
		t.Fatalf("only %d attacks", len(attacks))
	}
	runRedTeam(t, g, users, attacks)
}

// runRedTeam runs each attack as its user over both protocols: no leak,
// denied or answered as the case says, and (as payments_svc) a hidden
// table indistinguishable from a missing one.
func runRedTeam(t *testing.T, g *rtGateway, users map[string]*pgconn.PgConn, attacks []rtAttack) {
	for _, a := range attacks {
		for _, extended := range []bool{false, true} {
			mode := "simple"
			if extended {
				mode = "extended"
			}
			t.Run(a.name+"/"+mode, func(t *testing.T) {
				if a.gap != "" {
					// ENGINE-SIDE GAP: asserts the secure behaviour; see the
					// gap field and the report for the fix needed.
					t.Logf("engine-side gap: %s", a.gap)
				}
				c := users[a.user]
				// a fresh session: nothing left over from other attempts
				// (search_path) other than the engine state they built
				if strings.Contains(strings.ToLower(a.sql), "set ") || strings.Contains(strings.ToLower(a.sql), "reset ") {
					c = g.conn(t, a.user)
				}
				multi := len(sqlparse.Split(a.sql)) > 1
				o := rtRun(c, a.sql, extended)
				t.Logf("%s as %s: states=%v", a.sql, a.user, o.states)
				if leaks := g.leaks(a.user, a.sql, o); len(leaks) > 0 {
					t.Errorf("LEAK %v:\n%s", leaks, o.text())
				}
				switch {
				case a.deny || (extended && multi):
					if !o.failed() {
						t.Errorf("not denied:\n%s", o.text())
					}
				case a.want != "":
					if o.failed() || len(o.rows) == 0 || len(o.rows[0]) == 0 || o.rows[0][0] != a.want {
						t.Errorf("want %q:\n%s", a.want, o.text())
					}
				}
				if a.user == "payments_svc" && rtHidden.MatchString(a.sql) {
					// invisible == nonexistent, modulo the name
					twinSQL := rtHidden.ReplaceAllString(a.sql, "nonexistent_zz")
					if strings.Contains(strings.ToLower(a.sql), "set ") {
						c = g.conn(t, a.user)
					}
					twin := rtRun(c, twinSQL, extended)
					got := rtHidden.ReplaceAllString(o.text(), "X")
					want := rtTwinName.ReplaceAllString(twin.text(), "X")
					if got != want {
						t.Errorf("hidden and missing tables differ:\nhidden:\n%s\nmissing:\n%s", got, want)
					}
				}
			})
		}
	}
}

// TestRedTeamOtherSessions: one session's engine objects are out of reach
// of every other session, whatever it reads.
func TestRedTeamOtherSessions(t *testing.T) {
	t.Parallel()
	g := startRedteamGW(t)
	comms := g.conn(t, "comms_svc")
	payments := g.conn(t, "payments_svc")
	// comms_svc's engine now holds views of its tables, including bounces.
	for _, q := range []string{"select count(*) from comms.bounces", "begin", "select count(*) from comms.bounces b join users.customers c on c.id = b.customer_id"} {
		if o := rtRun(comms, q, false); o.failed() {
			t.Fatalf("comms_svc %s: %s", q, o.text())
		}
	}
	for _, q := range []string{
		"select count(*) from comms.bounces",
		"select table_schema, table_name from information_schema.tables",
		"select table_schema, table_name, column_name from information_schema.columns, (select 1 from users.customers limit 1) x",
		"select schema_name from information_schema.schemata",
		"select relname from pg_catalog.pg_class",
		"select nspname from pg_catalog.pg_namespace",
		"select * from pg_catalog.pg_prepared_statements",
		"select database_name from duckdb_databases()",
		"attach ':memory:' as other",
		"select * from comms.bounces at (version => 1)",
	} {
		for _, extended := range []bool{false, true} {
			o := rtRun(payments, q, extended)
			if leaks := g.leaks("payments_svc", q, o); len(leaks) > 0 {
				t.Errorf("%s: LEAK %v:\n%s", q, leaks, o.text())
			}
			if strings.Contains(q, "bounces") && !o.failed() {
				t.Errorf("%s: not denied:\n%s", q, o.text())
			}
		}
	}
	// The analyst reading bounces in its own session does not widen what
	// payments_svc sees either, and payments_svc reading customers does not
	// unmask the analyst's view.
	analyst := g.conn(t, "analyst")
	if o := rtRun(payments, "select email from users.customers where id = 1", false); o.failed() || o.rows[0][0] != "customer1@example.com" {
		t.Fatalf("payments_svc customers: %s", o.text())
	}
	for _, extended := range []bool{false, true} {
		o := rtRun(analyst, "select email from users.customers where id = 1", extended)
		if o.failed() || o.rows[0][0] != "***@example.com" {
			t.Fatalf("analyst after payments_svc: %s", o.text())
		}
	}
}

// TestRedTeamDataProducts: metadata tables, lakegate.tables and
// lakegate.table_changes under the same attacks: a hidden table has none
// of them (and they fail as for a missing table), a filtered or masked
// reader learns nothing its row filter or masks hide.
func TestRedTeamDataProducts(t *testing.T) {
	t.Parallel()
	g := startRedteamGWWith(t, changesPolicy())
	users := map[string]*pgconn.PgConn{}
	for _, u := range []string{"analyst", "payments_svc", "comms_svc"} {
		users[u] = g.conn(t, u)
	}
	P, A := "payments_svc", "analyst"
	var attacks []rtAttack
	for _, kind := range []string{"snapshots", "history", "files", "partitions"} {
		attacks = append(attacks,
			rtAttack{name: "hidden_meta_" + kind, user: P, sql: `select * from comms."bounces$` + kind + `"`, deny: true},
			rtAttack{name: "hidden_meta_unqualified_" + kind, user: P, sql: `set search_path = comms; select * from "bounces$` + kind + `"`, deny: true})
	}
	attacks = append(attacks, []rtAttack{
		// invisible
		{name: "hidden_meta_upper", user: P, sql: `select * from comms."BOUNCES$FILES"`, deny: true},
		{name: "hidden_meta_join", user: P, sql: `select * from users.customers c, comms."bounces$snapshots" s`, deny: true},
		{name: "hidden_changes", user: P, sql: `select * from lakegate.table_changes('comms.bounces', 0)`, deny: true},
		{name: "hidden_changes_unqualified", user: P, sql: `set search_path = comms; select * from lakegate.table_changes('bounces', 0)`, deny: true},
		{name: "hidden_changes_in_cte", user: P, sql: `with x as (select * from lakegate.table_changes('comms.bounces', 0)) select count(*) from x`, deny: true},
		{name: "hidden_changes_subquery_bound", user: P, sql: `select * from lakegate.table_changes('users.customers', (select max(id) from comms.bounces))`, deny: true},
		{name: "hidden_lakegate_tables", user: P, sql: `select count(*) from lakegate.tables where table_name = 'bounces'`, want: "0"},
		{name: "hidden_changes_view_name", user: P, sql: `select * from lakegate."table_changes$1"`, deny: true},
		// filtered (channel = 'email') and masked (reason) on comms.bounces
		{name: "filtered_meta_files", user: A, sql: `select * from comms."bounces$files"`, deny: true},
		{name: "filtered_meta_partitions", user: A, sql: `select * from comms."bounces$partitions"`, deny: true},
		{name: "filtered_meta_summary", user: A, sql: `select count(summary) from comms."bounces$snapshots"`, want: "0"},
		{name: "filtered_lakegate_tables_rows", user: A, sql: `select count(total_rows) from lakegate.tables where table_name = 'bounces'`, want: "0"},
		{name: "filtered_changes_other_rows", user: A, sql: `select count(*) from lakegate.table_changes('comms.bounces', 0) where channel <> 'email'`, want: "0"},
		{name: "filtered_changes_masked", user: A, sql: `select count(*) from lakegate.table_changes('comms.bounces', 0) where reason <> '***'`, want: "0"},
		// masked (email) on users.customers
		{name: "masked_meta_files", user: A, sql: `select lower_bounds from users."customers$files"`, deny: true},
		{name: "masked_meta_partitions", user: A, sql: `select * from users."customers$partitions"`, deny: true},
		{name: "masked_changes", user: A, sql: `select max(email) from lakegate.table_changes('users.customers', 0)`, want: "***@example.com"},
		{name: "masked_changes_probe", user: A, sql: `select count(*) from lakegate.table_changes('users.customers', 0) where email = 'customer1@example.com'`, want: "0"},
		{name: "masked_changes_all", user: A, sql: `select * from lakegate.table_changes('users.customers', 0)`},
	}...)
	runRedTeam(t, g, users, attacks)
}
