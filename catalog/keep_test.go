package catalog_test

import (
	"context"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"weak"

	"github.com/apache/iceberg-go/table"

	"github.com/lakegate/lakegate/catalog"
)

// The metadata a commit keeps for the next statement must not keep the
// versions before it reachable: once it did (through a method value holding
// a copy of the previous table, and through the committed snapshot's
// pointers into the transaction built on the previous metadata), so a
// table written often held every version since its last load from the
// file, hundreds of MiB for the soak's writers' table.
func TestKeptMetadataHoldsNoPredecessor(t *testing.T) {
	env, cat, ident := newEventsTable(t)
	ctx := context.Background()
	const commits = 8
	var kept []weak.Pointer[byte]
	for i := 1; i <= commits; i++ {
		if err := appendRows(ctx, cat, ident, batch(1, int64(i))); err != nil {
			t.Fatal(err)
		}
		m := catalog.KeptMetadata(cat, ident)
		if m == nil {
			t.Fatalf("commit %d kept no metadata", i)
		}
		// Metadata is an interface over a pointer: watch what it points to.
		kept = append(kept, weak.Make((*byte)(reflect.ValueOf(m).UnsafePointer())))
	}
	runtime.GC()
	runtime.GC()
	var alive []int
	for i, w := range kept {
		if w.Value() != nil {
			alive = append(alive, i+1)
		}
	}
	if !slices.Equal(alive, []int{commits}) {
		t.Fatalf("metadata kept after commits %v still reachable, want only the last (%d)", alive, commits)
	}

	// What is kept is the table another engine reads.
	got := catalog.KeptMetadata(cat, ident)
	other, err := env.foreign(t).LoadTable(ctx, table.Identifier{ident.Schema, ident.Name})
	if err != nil {
		t.Fatal(err)
	}
	want := other.Metadata()
	if got.CurrentSnapshot().SnapshotID != want.CurrentSnapshot().SnapshotID ||
		len(got.Snapshots()) != len(want.Snapshots()) ||
		len(slices.Collect(got.SnapshotLogs())) != len(slices.Collect(want.SnapshotLogs())) ||
		len(slices.Collect(got.PreviousFiles())) != len(slices.Collect(want.PreviousFiles())) ||
		got.LastSequenceNumber() != want.LastSequenceNumber() || !got.CurrentSchema().Equals(want.CurrentSchema()) {
		t.Fatalf("kept metadata differs from the file's: snapshot %d vs %d, %d vs %d snapshots",
			got.CurrentSnapshot().SnapshotID, want.CurrentSnapshot().SnapshotID, len(got.Snapshots()), len(want.Snapshots()))
	}
	wantSnaps := want.Snapshots()
	for i, s := range got.Snapshots() {
		w := wantSnaps[i]
		if s.SnapshotID != w.SnapshotID || s.ManifestList != w.ManifestList || *s.SchemaID != *w.SchemaID ||
			(s.ParentSnapshotID == nil) != (w.ParentSnapshotID == nil) || !maps.Equal(s.Summary.Properties, w.Summary.Properties) {
			t.Fatalf("snapshot %d: kept %+v, file %+v", i, s, w)
		}
	}
}
