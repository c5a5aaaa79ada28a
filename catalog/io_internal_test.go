package catalog

import (
	"bytes"
	"fmt"
	"strings"
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

// A table's metadata after 800 commits (~1 MB of JSON, snapshot ids in the
// int64 range): what every commit and every cold read passes through
// wrapUnsignedSnapshotIDs.
func BenchmarkWrapUnsignedSnapshotIDs(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"format-version":2,"current-snapshot-id":1234567890123456789,"snapshots":[`)
	for i := range 800 {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"snapshot-id":%d,"parent-snapshot-id":%d,"timestamp-ms":1733450000000,"manifest-list":"file:///wh/payments.db/t/metadata/snap-%d-1-0b8f7d3e-5a61-4c0e-9d1f-2f1c6a7e9b%02d.avro","summary":{"operation":"append","added-data-files":"1","added-records":"10","total-records":"%d","total-files-size":"123456"},"schema-id":0}`,
			1234567890123456789+i, 1234567890123456788+i, 1234567890123456789+i, i%100, 10*i)
	}
	buf.WriteString(`]}`)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		wrapUnsignedSnapshotIDs(data)
	}
}

func TestPathMapAliases(t *testing.T) {
	m := PathMap{{From: "/test-warehouse", To: "/fx/tw"}, {From: "hdfs://nn:20500/test-warehouse", To: "/fx/tw"}, {From: "s3://b/x", To: "/other"}}
	got := m.Aliases("/test-warehouse/t/data/f.parquet")
	if strings.Join(got, ",") != "hdfs://nn:20500/test-warehouse/t/data/f.parquet" {
		t.Fatalf("aliases %v", got)
	}
	if got := m.Aliases("hdfs://nn:20500/test-warehouse/t/f.parquet"); strings.Join(got, ",") != "/test-warehouse/t/f.parquet" {
		t.Fatalf("aliases of the hdfs spelling %v", got)
	}
	if got := m.Aliases("/elsewhere/f.parquet"); got != nil {
		t.Fatalf("aliases of an unmapped path %v", got)
	}
	if got := (PathMap{}).Aliases("/a"); got != nil {
		t.Fatalf("aliases without mappings %v", got)
	}
}
