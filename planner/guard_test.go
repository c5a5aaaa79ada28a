package planner

import "testing"

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
		verb, schema, name, ok := writeTarget(c.sql)
		if !ok || verb != c.verb || schema != c.schema || name != c.name {
			t.Errorf("%s: got %q %q %q %v", c.sql, verb, schema, name, ok)
		}
	}
	if _, _, _, ok := writeTarget("drop view v"); ok {
		t.Error("drop view has no table target")
	}
}
