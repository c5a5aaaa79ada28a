package pgcatalog

import (
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
)

// TestContentHoldsOnlyWhatItIsGiven checks the room's contract: the
// caller's rows, names and lookups come from the tables it is handed and
// nothing else.
func TestContentHoldsOnlyWhatItIsGiven(t *testing.T) {
	tables := []Table{{
		Schema: "sales", Name: "orders", Owner: "alice", Doc: "the orders",
		Fields: []iceberg.NestedField{
			{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
			{ID: 2, Name: "amount", Type: iceberg.DecimalTypeOf(12, 2), Doc: "in EUR"},
		},
	}}
	c := NewContent(tables, Caller{
		Name:       "bob",
		Settings:   map[string]string{"search_path": "sales", "server_version": "15.4"},
		Defaults:   map[string]string{"search_path": `"$user", public`},
		SearchPath: []string{"sales"},
	})
	for _, name := range []string{"sales.orders", "orders", `"sales"."orders"`, "pg_class", "pg_catalog.pg_class", "information_schema.tables"} {
		if !c.HasRelation(name) {
			t.Errorf("HasRelation(%q) = false", name)
		}
	}
	for _, name := range []string{"sales.secret", "secret", "public.orders", "tables"} {
		if c.HasRelation(name) {
			t.Errorf("HasRelation(%q) = true", name)
		}
	}
	sql := c.SQL()
	for _, want := range []string{"'orders'", "'the orders'", "'in EUR'", "'alice'", "current_user() AS 'bob'", "'150004'",
		// numeric(12,2): typmod (12 << 16 | 2) + 4
		"786438"} {
		if !strings.Contains(sql, want) {
			t.Errorf("content SQL lacks %s", want)
		}
	}
	if other := NewContent(nil, Caller{Name: "bob"}); strings.Contains(other.SQL(), "orders") || other.HasRelation("sales.orders") {
		t.Error("content without tables still shows one")
	}
	if NewContent(tables, Caller{Name: "bob"}).SQL() == NewContent(tables, Caller{Name: "carol"}).SQL() {
		t.Error("content does not depend on the caller")
	}
}
