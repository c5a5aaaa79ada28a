package session

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/policy"
)

// hasEngine reports whether the session holds an engine (its own or the
// spare it parses with).
func (s *Session) hasEngine() bool {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	return s.eng != nil || s.unconfined != nil
}

// A new session's "select <columns> from <table>" (pgx's CopyFrom
// prepares one) is described from the catalog without an engine, with
// the shape the engine gives the same statement, every mapped type
// included; running it plans it then. Anything else is planned as usual.
func TestCatalogDescribeIsTheEngines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	var fields []iceberg.NestedField
	for i, tc := range []struct {
		name string
		typ  iceberg.Type
	}{
		{"b", iceberg.PrimitiveTypes.Bool}, {"i", iceberg.PrimitiveTypes.Int32}, {"l", iceberg.PrimitiveTypes.Int64},
		{"f", iceberg.PrimitiveTypes.Float32}, {"d", iceberg.PrimitiveTypes.Float64}, {"n", iceberg.DecimalTypeOf(12, 2)},
		{"n38", iceberg.DecimalTypeOf(38, 10)}, {"dt", iceberg.PrimitiveTypes.Date}, {"ts", iceberg.PrimitiveTypes.Timestamp},
		{"tz", iceberg.PrimitiveTypes.TimestampTz}, {"s", iceberg.PrimitiveTypes.String}, {"u", iceberg.PrimitiveTypes.UUID},
		{"bin", iceberg.PrimitiveTypes.Binary}, {"Mixed", iceberg.PrimitiveTypes.Int64}, {"tm", iceberg.PrimitiveTypes.Time},
		{"arr", &iceberg.ListType{ElementID: 100, Element: iceberg.PrimitiveTypes.Int64}},
	} {
		fields = append(fields, iceberg.NestedField{ID: i + 1, Name: tc.name, Type: tc.typ, Required: tc.name == "l"})
	}
	if err := cat.CreateTable(ctx, catalog.Ident{Schema: "s", Name: "types"}, catalog.TableSpec{Schema: iceberg.NewSchema(0, fields...)}); err != nil {
		t.Fatal(err)
	}
	pol := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pol, []byte("grants:\n  - subjects: [user:alice]\n    objects: [\"s.types\"]\n    privileges: [read]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store, err := policy.NewStore(pol, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := New(cat, Config{Policy: store, Engine: EngineConfig{Threads: 1}, Logger: testLogger(t)})
	defer p.Close()

	const q = `select "b", "i", "l", "f", "d", "n", "n38", "dt", "ts", "tz", "s", "u", "bin", "Mixed", l from "s"."types"`
	fresh := userSession(p, "alice")
	defer fresh.Close()
	st, err := fresh.Prepare(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.hasEngine() || st.prepared != nil {
		t.Fatal("the statement was planned: the session opened an engine to describe it")
	}
	warm := userSession(p, "alice")
	defer warm.Close()
	sql(t, warm, "select count(*) from s.types")
	want, err := warm.Prepare(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if want.prepared == nil {
		t.Fatal("a session with an engine described the statement from the catalog")
	}
	if !reflect.DeepEqual(st.Columns, want.Columns) {
		t.Fatalf("catalog's shape\n%+v\nengine's\n%+v", st.Columns, want.Columns)
	}
	res, err := fresh.Execute(ctx, st, nil, func(arrow.RecordBatch) error { return nil })
	if err != nil || res.Tag != "SELECT 0" {
		t.Fatalf("running the described statement: %+v, %v", res, err)
	}

	for _, other := range []string{
		`select "tm" from "s"."types"`,        // a type not mapped
		`select "arr" from "s"."types"`,       // nor a nested one
		`select "b" from "s"."types" where b`, // more than columns and a table
		`select "b", count(*) from "s"."types"`,
		`select "nope" from "s"."types"`, // the planner's error
		`select "b" from "s"."missing"`,
		`select "mixed" from "s"."types"`, // names are exact once quoted
	} {
		s := userSession(p, "alice")
		st, _ := s.Prepare(ctx, other)
		if !s.hasEngine() || st != nil && st.prepared == nil {
			t.Errorf("%s: described from the catalog", other)
		}
		s.Close()
	}
}
