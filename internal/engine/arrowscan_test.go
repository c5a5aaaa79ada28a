package engine

import (
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// InsertArrow appends batches to a table in a sandboxed database (no file
// is read), typed by the table's columns, NULLs and lists included; the
// batches stay usable, the temporary view goes, and a batch the table
// cannot take fails without leaving anything behind.
func TestInsertArrow(t *testing.T) {
	_, c := open(t)
	if err := c.Sandbox([]string{t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(`CREATE SCHEMA s; CREATE TABLE s.t (id UINTEGER, name VARCHAR, tags VARCHAR[])`); err != nil {
		t.Fatal(err)
	}
	sc := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.Uint32Builder).AppendValues([]uint32{1, 4000000000}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"a", ""}, []bool{true, false})
	tags := b.Field(2).(*array.ListBuilder)
	tags.Append(true)
	tags.ValueBuilder().(*array.StringBuilder).AppendValues([]string{"x", "y"}, nil)
	tags.Append(true)
	rec := b.NewRecordBatch()
	defer rec.Release()
	for range 2 {
		if err := c.InsertArrow("s.t", sc, []arrow.RecordBatch{rec}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := strings1(t, c, `SELECT id || '|' || coalesce(name, 'NULL') || '|' || tags::VARCHAR FROM s.t ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1|a|[x, y]", "1|a|[x, y]", "4000000000|NULL|[]", "4000000000|NULL|[]"}
	if !slices.Equal(got, want) {
		t.Fatalf("rows: %q, want %q", got, want)
	}

	if err := c.Exec(`CREATE TABLE s.narrow (id UINTEGER)`); err != nil {
		t.Fatal(err)
	}
	if err := c.InsertArrow("s.narrow", sc, []arrow.RecordBatch{rec}); err == nil {
		t.Fatal("three columns into a table of one: no error")
	}
	views, err := strings1(t, c, `SELECT view_name FROM duckdb_views() WHERE NOT internal`)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 0 {
		t.Fatalf("views left: %q", views)
	}
}
