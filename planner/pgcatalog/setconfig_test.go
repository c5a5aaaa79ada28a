package pgcatalog

import "testing"

func TestSetConfigCall(t *testing.T) {
	cases := []struct {
		sql  string
		want SetConfig
		ok   bool
	}{
		{"SELECT pg_catalog.set_config('search_path', '', false);", SetConfig{Name: "search_path"}, true},
		{"select set_config('Search_Path', 'a, \"B\"', TRUE)", SetConfig{Name: "search_path", Value: `a, "B"`, Local: true}, true},
		{"select set_config('x.y', 'it''s', false)", SetConfig{Name: "x.y", Value: "it's"}, true},
		{"select set_config(name, 'x', false) from pg_settings", SetConfig{}, false},
		{"select set_config('a', 'b', false), 1", SetConfig{}, false},
		{"select set_config($1, $2, false)", SetConfig{}, false},
		{"select set_config('a', 'b', 1 = 1)", SetConfig{}, false},
		{"select other.set_config('a', 'b', false)", SetConfig{}, false},
	}
	for _, c := range cases {
		got, ok := SetConfigCall(c.sql)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v, %v", c.sql, got, ok, c.want, c.ok)
		}
	}
}

// pg_dump's shapes: the system column tableoid, pg_options_to_table.
func TestRewriteForPgDump(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT x.tableoid, x.oid FROM pg_extension x JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace",
			"SELECT x.tableoid, x.oid FROM pg_extension x JOIN lakegate_pgsys.pg_namespace n ON n.oid = x.extnamespace"},
		{"SELECT x.oid FROM pg_catalog.pg_extension x", "SELECT x.oid FROM lakegate_pg.pg_extension x"},
		{"SELECT ARRAY(SELECT option_name FROM pg_catalog.pg_options_to_table(f(o)) ORDER BY option_name) FROM t",
			"SELECT ARRAY(SELECT option_name FROM (SELECT split_part(lakegate_o, '=', 1) AS option_name, substr(lakegate_o, strpos(lakegate_o, '=') + 1) AS option_value " +
				"FROM unnest(f(o)) AS lakegate_t(lakegate_o)) ORDER BY option_name) FROM t"},
	}
	for _, c := range cases {
		if got := RewriteSQL(c.in, nil).SQL; got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	// the unqualified reference, found by the parse tree, reads the view too
	in := "SELECT x.tableoid FROM pg_extension x"
	if got := RewriteSQL(in, map[int]bool{23: true}).SQL; got != "SELECT x.tableoid FROM lakegate_pgsys.pg_extension x" {
		t.Errorf("%s: got %s", in, got)
	}
}
