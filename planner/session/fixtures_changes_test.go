package session_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/catalog"
)

// TestFixtureChangesEqualityDeletes runs lakegate.table_changes over
// tables Spark wrote with equality-delete files: each snapshot's changes
// must be exactly the diff of it and its parent, both read with time
// travel (the rows an equality delete removes are deletes; a delete
// snapshot inserts nothing).
func TestFixtureChangesEqualityDeletes(t *testing.T) {
	t.Parallel()
	env := openFixturesIn(t, persistentDir(t), func(rel string, ft fixtureTable) (string, catalog.PathMap, bool) {
		return fixtureName(rel), ft.paths, strings.HasPrefix(rel, "equality_delete")
	})
	// from: the first snapshot of the range checked ("": the first of the
	// history). mytable's metadata names manifest lists of its middle
	// snapshots that the fixture does not hold (Spark rewrote them), so
	// only its last append and the equality delete after it are read.
	for rel, from := range map[string]string{
		"equality_deletes/warehouse/mydb/mytable":             "3340507003387467420",
		"equality_deletes/warehouse/mydb/mytable_partitioned": "",
	} {
		t.Run(strings.ReplaceAll(rel, "/", "_"), func(t *testing.T) {
			tbl := "fx." + quoteName(env.names[rel])
			hist, err := env.query(t, "SELECT snapshot_id, parent_id FROM fx."+quoteName(env.names[rel]+"$history")+" ORDER BY made_current_at")
			if err != nil {
				t.Fatal(err)
			}
			for from != "" && len(hist) > 0 && hist[0][0] != from {
				hist = hist[1:]
			}
			if len(hist) < 2 {
				t.Fatalf("want a history of several snapshots from %q, got %v", from, hist)
			}
			var deletes int
			for _, h := range hist[1:] {
				snap, parent := h[0], h[1]
				diff := func(a, b string) [][]string {
					got, err := env.query(t, fmt.Sprintf("SELECT * FROM (SELECT * FROM %[1]s AT (VERSION => %[2]s) EXCEPT ALL SELECT * FROM %[1]s AT (VERSION => %[3]s)) ORDER BY ALL", tbl, a, b))
					if err != nil {
						t.Fatal(err)
					}
					return got
				}
				want := map[string][][]string{"insert": diff(snap, parent), "delete": diff(parent, snap)}
				for _, kind := range []string{"insert", "delete"} {
					got, err := env.query(t, fmt.Sprintf(`SELECT * EXCLUDE (_change_type, _change_version_id, _change_timestamp, _change_ordinal)
						FROM lakegate.table_changes('%s', %s, %s) WHERE _change_type = '%s' AND _change_version_id = %s ORDER BY ALL`,
						"fx."+env.names[rel], parent, snap, kind, snap))
					if err != nil {
						t.Fatalf("changes %s..%s: %v", parent, snap, err)
					}
					if !slices.EqualFunc(got, want[kind], slices.Equal[[]string]) {
						t.Errorf("snapshot %s %ss:\n got %v\nwant %v", snap, kind, got, want[kind])
					}
					if kind == "delete" {
						deletes += len(got)
					}
				}
			}
			if deletes == 0 {
				t.Errorf("no deletes in the changes of %s", rel)
			}
			// $files shows each equality-delete file's field ids
			eq, err := env.query(t, fmt.Sprintf(`SELECT count(*), count(equality_ids), min(len(equality_ids))
				FROM fx.%s WHERE content = 2`, quoteName(env.names[rel]+"$files")))
			if err != nil {
				t.Fatal(err)
			}
			if eq[0][0] == "0" || eq[0][0] != eq[0][1] || eq[0][2] == "0" {
				t.Errorf("equality-delete files in $files: %v (count, with equality_ids, fewest ids)", eq)
			}
		})
	}
}
