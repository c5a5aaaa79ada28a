package write

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/lakegate/lakegate/catalog"
)

// The write parser keeps expressions, conditions and queries as text: each
// case checks the shape read and the text slices kept.
func TestParse(t *testing.T) {
	t.Parallel()
	comment := "it's"
	day := 24 * time.Hour
	two := 2
	cases := []struct {
		sql  string
		want Stmt
	}{
		{"insert into payments.w (id, v) values (1, 'a'), (2, default)", Stmt{kind: Insert, verb: "INSERT",
			target: Name{Schema: "payments", Table: "w"}, columns: []string{"id", "v"}, source: "values (1, 'a'), (2, default)"}},
		{`INSERT INTO "W" AS x DEFAULT VALUES`, Stmt{kind: Insert, verb: "INSERT", target: Name{Table: "W"}, alias: "x", defaultValues: true}},
		{"with s as (select 1 as a) insert into t select a from s", Stmt{kind: Insert, verb: "INSERT",
			ctes: "s as (select 1 as a)", target: Name{Table: "t"}, source: "select a from s"}},
		{"update only s.t * as u set a = a + 1, b = default where a is not distinct from 3", Stmt{kind: Update, verb: "UPDATE",
			target: Name{Schema: "s", Table: "t"}, alias: "u", sets: []SetClause{{"a", "a + 1"}, {"b", "NULL"}}, where: "a is not distinct from 3"}},
		{"delete from db.s.t using u where u.id = t.id", Stmt{kind: Delete, verb: "DELETE",
			target: Name{Schema: "s", Table: "t"}, from: "u", where: "u.id = t.id"}},
		{"truncate table t restart identity cascade", Stmt{kind: Truncate, verb: "TRUNCATE", target: Name{Table: "t"}}},
		{"create table if not exists s.t (a bigint not null, b numeric(12,2), c text[]) with (partitioning = 'day(c)')",
			Stmt{kind: Create, verb: "CREATE", target: Name{Schema: "s", Table: "t"}, ifNotExists: true, partitioning: "day(c)",
				defs: []ColumnDef{
					{name: "a", typ: "bigint", words: []string{"bigint"}, required: true},
					{name: "b", typ: "numeric(12,2)", words: []string{"numeric"}, args: []int{12, 2}},
					{name: "c", typ: "text[]", words: []string{"text"}, array: true},
				}}},
		{"create table t (x, y) as select 1, 2 with no data", Stmt{kind: CreateAs, verb: "CREATE", target: Name{Table: "t"},
			columns: []string{"x", "y"}, source: "select 1, 2", noData: true}},
		{"drop table if exists t cascade", Stmt{kind: Drop, verb: "DROP", target: Name{Table: "t"}, ifExists: true}},
		{"alter table t add column if not exists d int, drop column e, alter column b type bigint", Stmt{kind: Alter, verb: "ALTER",
			target: Name{Table: "t"}, alters: []AlterAction{
				{kind: catalog.AddColumn, column: "d", def: ColumnDef{name: "d", typ: "int", words: []string{"int"}}, ifNotExists: true},
				{kind: catalog.DropColumn, column: "e"},
				{kind: catalog.SetColumnType, column: "b", def: ColumnDef{name: "b", typ: "bigint", words: []string{"bigint"}}},
			}}},
		{"alter table t rename column a to b", Stmt{kind: Alter, verb: "ALTER", target: Name{Table: "t"},
			alters: []AlterAction{{kind: catalog.RenameColumn, column: "a", newName: "b"}}}},
		{"comment on column s.t.c is 'it''s'", Stmt{kind: Comment, verb: "COMMENT", target: Name{Schema: "s", Table: "t"},
			commentColumn: "c", comment: &comment}},
		{"call lakegate.expire_snapshots('payments.w', older_than => interval '1 day', retain_last := 2)", Stmt{kind: Call, verb: "CALL",
			target: Name{Schema: "payments", Table: "w"}, proc: &Procedure{name: "expire_snapshots",
				expiry: catalog.Expiry{OlderThan: &day, RetainLast: &two}}}},
		{"insert into t as x values (1, 'a') on conflict (id) do update set v = excluded.v, n = default where x.v <> excluded.v",
			Stmt{kind: Insert, verb: "INSERT", target: Name{Table: "t"}, alias: "x", source: "values (1, 'a')",
				conflict: &conflictSpec{columns: []string{"id"}, update: true,
					sets: []SetClause{{"v", "excluded.v"}, {"n", "NULL"}}, where: "x.v <> excluded.v"}}},
		{"insert into t select a.x from a join b on a.id = b.id on conflict do nothing", Stmt{kind: Insert, verb: "INSERT",
			target: Name{Table: "t"}, source: "select a.x from a join b on a.id = b.id", conflict: &conflictSpec{}}},
		{"insert into t default values on conflict on constraint t_pkey do nothing", Stmt{kind: Insert, verb: "INSERT",
			target: Name{Table: "t"}, defaultValues: true, conflict: &conflictSpec{constraint: "t_pkey"}}},
		{"create table t (a bigint constraint t_pkey primary key, b text)", Stmt{kind: Create, verb: "CREATE", target: Name{Table: "t"},
			primaryKey: []string{"a"}, defs: []ColumnDef{
				{name: "a", typ: "bigint", words: []string{"bigint"}, required: true, primary: true},
				{name: "b", typ: "text", words: []string{"text"}},
			}}},
		{"create table t (a bigint, b text, primary key (b, a))", Stmt{kind: Create, verb: "CREATE", target: Name{Table: "t"},
			primaryKey: []string{"b", "a"}, defs: []ColumnDef{
				{name: "a", typ: "bigint", words: []string{"bigint"}},
				{name: "b", typ: "text", words: []string{"text"}},
			}}},
		{"call lakegate.compact('w', min_input_files => 2, target_file_size_bytes => 8388608)", Stmt{kind: Call, verb: "CALL",
			target: Name{Table: "w"}, proc: &Procedure{name: "compact",
				compact: catalog.CompactOptions{TargetFileSize: 8 << 20, MinInputFiles: 2}}}},
	}
	for _, c := range cases {
		got, err := Parse(c.sql)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.sql, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("Parse(%q)\n got %+v\nwant %+v", c.sql, *got, c.want)
		}
	}
}

// Statements lakegate does not run are refused as not supported (0A000);
// malformed ones are syntax errors (42601), and unknown procedures
// undefined functions (42883).
func TestParseRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		sql  string
		kind ErrorKind // 0: ErrNotSupported
	}{
		{"merge into t using u on true when not matched by source then delete", 0},
		{"merge into t using u on true when matched then delete returning *", 0},
		{"merge into t using u on true", KindSyntax},
		{"merge into t using u on true when matched then insert values (1)", KindSyntax},
		{"insert into t values (1) returning *", 0},
		{"insert into t values (1) on conflict do update set a = 1", KindSyntax},
		{"insert into t values (1) on conflict ((a + 1)) do nothing", 0},
		{"insert into t values (1) on conflict (a) where a > 0 do nothing", 0},
		{"insert into t values (1) on conflict (a) do update set a = 1 returning *", 0},
		{"update t set (a, b) = (1, 2)", 0},
		{"delete from t where current of c", 0},
		{"create temp table t (a int)", 0},
		{"create table t (a int default 1)", 0},
		{"create table t (a int, unique (a))", 0},
		{"create table t (a int primary key, b int, primary key (b))", KindInvalidTableDefinition},
		{"create table t (a int constraint k primary key)", 0},
		{"drop table a, b", 0},
		{"alter table t rename to u", 0},
		{"insert into", KindSyntax},
		{"update t set a = ", KindSyntax},
		{"delete t", KindSyntax},
		{`create table "" (a int)`, KindSyntax},
		{"create table a.b.c.d (x int)", KindSyntax},
		{"call lakegate.vacuum('t')", KindUndefinedFunction},
		{"call lakegate.expire_snapshots('t', keep => 1)", KindUndefinedFunction},
		{"call lakegate.expire_snapshots('t', older_than => '1 month')", KindConversion},
		{"call lakegate.expire_snapshots('t', retain_last => 0)", KindInvalidInput},
		{"call lakegate.compact('t', min_input_files => 0)", KindInvalidInput},
		{"call lakegate.compact('t', target_file_size_bytes => 100)", KindInvalidInput},
		{"call lakegate.compact('t', older_than => '1 day')", KindUndefinedFunction},
		{"call lakegate.remove_orphan_files('t', older_than => '59 minutes')", KindInvalidInput},
	}
	for _, c := range cases {
		_, err := Parse(c.sql)
		var ee *EngineError
		switch {
		case c.kind == 0 && !errors.Is(err, ErrNotSupported):
			t.Errorf("Parse(%q) = %v, want not supported", c.sql, err)
		case c.kind != 0 && (!errors.As(err, &ee) || ee.Kind != c.kind):
			t.Errorf("Parse(%q) = %v, want an error of kind %d", c.sql, err, c.kind)
		}
	}
}

// WithDML finds data-changing statements behind a WITH list, in its
// final statement or in a CTE body.
func TestWithDML(t *testing.T) {
	t.Parallel()
	for sql, want := range map[string]bool{
		"with a as (select 1) select * from a":                  false,
		"with a as (select 1) insert into t select * from a":    true,
		"with d as (delete from t returning *) select * from d": true,
		"with recursive r(n) as (select 1) update t set n = 1":  true,
		"with a as (select 'delete from t') select * from a":    false,
		"select 1": false,
	} {
		if got := WithDML(sql); got != want {
			t.Errorf("WithDML(%q) = %v, want %v", sql, got, want)
		}
	}
	if got := NestedDML("with d as (delete from t where x = 1 returning *) insert into u select * from d"); !reflect.DeepEqual(got, []string{"delete from t where x = 1 returning *"}) {
		t.Errorf("NestedDML: %q", got)
	}
}
