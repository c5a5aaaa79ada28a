package catalog

import (
	"bytes"
	"testing"
)

// Snapshot ids above the int64 range become the signed long with the same
// bits; metadata without them comes back as it is, not copied.
func TestWrapUnsignedSnapshotIDs(t *testing.T) {
	in := []byte(`{"current-snapshot-id": 9876543210123456789, "snapshots": [{"snapshot-id":1234567890123456789,` +
		`"parent-snapshot-id" : 18446744073709551615}]}`)
	want := `{"current-snapshot-id": -8570200863586094827, "snapshots": [{"snapshot-id":1234567890123456789,` +
		`"parent-snapshot-id" : -1}]}`
	if got := string(wrapUnsignedSnapshotIDs(in)); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	plain := []byte(`{"current-snapshot-id": 1234567890123456789, "snapshots": []}`)
	if got := wrapUnsignedSnapshotIDs(plain); &got[0] != &plain[0] || !bytes.Equal(got, plain) {
		t.Fatalf("metadata without unsigned ids was copied or changed: %s", got)
	}
}
