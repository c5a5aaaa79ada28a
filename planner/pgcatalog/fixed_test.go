package pgcatalog

import "testing"

// Every column of every emulated relation has an Arrow type (a relation
// given fixed rows later needs one), and the fixed rows build: a panic
// here would otherwise come with a session's first catalog query.
func TestFixedTablesBuild(t *testing.T) {
	for _, list := range fixedRelationLists() {
		for _, r := range list.rels {
			for _, c := range r.cols {
				et, err := engineType(c.pgType)
				if err != nil {
					t.Fatal(err)
				}
				arrowType(et)
			}
		}
	}
	rows := 0
	for _, ft := range FixedTables() {
		if ft.Rows.NumRows() == 0 || ft.Rows.NumCols() != int64(ft.Schema.NumFields()) {
			t.Errorf("%s: %d rows of %d columns", ft.Name, ft.Rows.NumRows(), ft.Rows.NumCols())
		}
		rows += int(ft.Rows.NumRows())
	}
	if rows < 1000 {
		t.Fatalf("%d fixed rows", rows)
	}
	if FixedSchemaSQL() == "" || ResetSQL() == "" {
		t.Fatal("no fixed schema or reset SQL")
	}
}
