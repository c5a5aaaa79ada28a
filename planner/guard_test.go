package planner

import (
	"errors"
	"testing"
)

func TestWriteTarget(t *testing.T) {
	cases := []struct{ sql, verb, schema, name string }{
		{"insert into payments.charges values (1)", "INSERT", "payments", "charges"},
		{"INSERT INTO \"Payments\".\"Charges\" SELECT 1", "INSERT", "Payments", "Charges"},
		{"update payments.charges set x = 1", "UPDATE", "payments", "charges"},
		{"delete from comms.bounces where id = 1", "DELETE", "comms", "bounces"},
		{"merge into users.customers t using x on true when matched then delete", "MERGE", "users", "customers"},
		{"truncate table payments.charges", "TRUNCATE", "payments", "charges"},
		{"truncate payments.charges", "TRUNCATE", "payments", "charges"},
		{"drop table if exists payments.charges", "DROP", "payments", "charges"},
		{"alter table payments.charges add column y int", "ALTER", "payments", "charges"},
		{"create table if not exists payments.t2 (a int)", "CREATE", "payments", "t2"},
		{"create or replace table payments.t2 as select 1", "CREATE", "payments", "t2"},
		{"comment on table payments.charges is 'x'", "COMMENT", "payments", "charges"},
		{"comment on column payments.charges.amount is 'x'", "COMMENT", "payments", "charges"},
		{"with x as (select 1) insert into payments.charges select * from x", "INSERT", "payments", "charges"},
		{"/* c */ insert into lakegate.payments.charges values (1)", "INSERT", "payments", "charges"},
		{"insert into charges values (1)", "INSERT", "", "charges"},
	}
	for _, c := range cases {
		verb, schema, name, ok := WriteTarget(c.sql)
		if !ok || verb != c.verb || schema != c.schema || name != c.name {
			t.Errorf("%s: got %q %q %q %v", c.sql, verb, schema, name, ok)
		}
	}
	if _, _, _, ok := WriteTarget("drop view v"); ok {
		t.Error("drop view has no table target")
	}
}

func TestDeniedRelation(t *testing.T) {
	for _, c := range []struct {
		schema, name string
		denied       bool
	}{
		{"", "sqlite_master", true}, {"main", "SQLITE_SCHEMA", true}, {"pg_catalog", "sqlite_temp_master", true},
		{"", "duckdb_views", true}, {"pg_catalog", "duckdb_settings", true}, {"", "pragma_database_list", true},
		{"information_schema", "views", true}, {"INFORMATION_SCHEMA", "Routines", true},
		{"pg_catalog", "pg_views", true}, {"", "pg_settings", true}, {"pg_catalog", "pg_indexes", true},
		{"", "pg_prepared_statements", true}, {"pg_catalog", "pg_proc", true},
		{"pg_catalog", "pg_class", false}, {"information_schema", "tables", false}, {"users", "customers", false},
	} {
		if got := deniedRelation(c.schema, c.name); got != c.denied {
			t.Errorf("deniedRelation(%q, %q) = %v", c.schema, c.name, got)
		}
	}
	// A CTE of the same name elsewhere in the statement does not make a
	// denied relation reachable.
	a := &analysis{refs: []*tableRef{{Name: "sqlite_master", CTE: true}, {Name: "sqlite_master"}}}
	var ut *UndefinedTableError
	if err := checkFunctions(a); !errors.As(err, &ut) || ut.Name != "sqlite_master" {
		t.Errorf("checkFunctions: %v, want relation sqlite_master does not exist", err)
	}
	if err := checkFunctions(&analysis{refs: []*tableRef{{Schema: "pg_catalog", Name: "pg_class"}}}); err != nil {
		t.Errorf("pg_catalog.pg_class: %v", err)
	}
}
