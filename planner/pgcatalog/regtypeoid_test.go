package pgcatalog

import (
	"strings"
	"testing"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// A regtype literal whose name is shown ('integer'::regtype::text) gets its
// OID resolved in the rewrite, by the rule of lakegate_regtype_oid: a
// number as it is, a name without a leading "pg_catalog.", lowercased.
// What the rule does not resolve keeps the macro call, and other reg types
// (whose names are the caller's) always do.
func TestRegtypeLiteralOID(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select 'character varying'::regtype::text", "lakegate_regtype_name(1043::UINTEGER)"},
		{"select 'timestamp with time zone'::regtype::oid as o, 'pg_catalog.INT8'::regtype::text as v",
			"lakegate_regtype_name(20::UINTEGER)"},
		{"select 'timestamptz'::regtype::text", "lakegate_regtype_name(1184::UINTEGER)"},
		{"select '1700'::regtype::text", "lakegate_regtype_name(1700::UINTEGER)"},
		{"select 'no_such_type'::regtype::text", "lakegate_regtype_name(lakegate_regtype_oid('no_such_type'))"},
		{"select '99999999999'::regtype::text", "lakegate_regtype_name(lakegate_regtype_oid('99999999999'))"},
		{"select 'PG_CATALOG.int8'::regtype::text", "lakegate_regtype_name(lakegate_regtype_oid('PG_CATALOG.int8'))"},
		{"select 'pg_namespace'::regclass::text", "lakegate_regclass_name(lakegate_regclass_oid("},
	}
	for _, c := range cases {
		if got := RewriteSQL(c.in, nil).SQL; !strings.Contains(got, c.want) {
			t.Errorf("%s\n got %s\nwant it to contain %s", c.in, got, c.want)
		}
	}
	// Every name the macro's map holds resolves to its OID, as written,
	// in upper case and with the schema.
	names := regtypeOIDs()
	if len(names) < 100 {
		t.Fatalf("%d type names", len(names))
	}
	for name, oid := range names {
		for _, v := range []string{name, strings.ToUpper(name), "pg_catalog." + name} {
			if got := regOIDOperand("regtype", sqlparse.QuoteLiteral(v)); got != oid+"::UINTEGER" {
				t.Errorf("%q: %s, want %s::UINTEGER", v, got, oid)
			}
		}
	}
}
