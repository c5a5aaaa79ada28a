package pgcatalog

import (
	"strings"
	"testing"
)

// The families made on demand are found in a statement's text in any
// case, and nothing an engine gets without asking (EngineMacros, the
// catalog emulation's fixed part and a caller's part) calls them: a
// macro calling one would fail to bind in an engine that lacks it.
func TestDemandMacros(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{"select json_build_object('a', 1)", true},
		{`SELECT "JSONB_Build_Array"(1, 2)`, true},
		{"select x from t where j = json_build_array()", true},
		{"select json_object('a', 1), to_jsonb(1), jsonb_agg(x) from t", false},
		{"select 1", false},
		{"", false},
	} {
		got := DemandedMacros(c.sql)
		if (got != 0) != c.want {
			t.Errorf("DemandedMacros(%q) = %b, want families: %v", c.sql, got, c.want)
		}
		if got != 0 && !strings.Contains(DemandMacrosSQL(got), "CREATE OR REPLACE MACRO main.json_build_object(") {
			t.Errorf("DemandMacrosSQL(%b) does not create json_build_object", got)
		}
	}
	always := EngineMacros + FixedSchemaSQL() + FixedSQL() + NewContent(nil, Caller{}).SQL() + Activity{}.SQL("")
	for _, f := range demandFamilies {
		for _, name := range f.calls {
			if containsFold(always, name) {
				t.Errorf("%s is made on demand, but what every engine gets names it", name)
			}
		}
		for _, def := range f.defs {
			if !strings.Contains(strings.Join(EngineMacroNames(), " "), macroName(def)) {
				t.Errorf("EngineMacroNames lacks %s, which an engine keeps once made", macroName(def))
			}
		}
	}
	for _, def := range demandDefs() {
		if !DeterministicMacro(macroName(def)) {
			t.Errorf("%s: not deterministic, so no kept result answers a statement calling it", macroName(def))
		}
	}
}
