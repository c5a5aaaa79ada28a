package catalog

import (
	"math/bits"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// iceberg-go's Parquet writer dictionary-encodes every column and, before
// a column chunk's first data page, drops the dictionary when the
// dictionary and its indices are not smaller than the plain values (the
// cost fallback it turns on for every column). A file of a few tens of
// thousands of rows is one page, so every value of a column whose values
// are all distinct (ids, timestamps) goes through the dictionary's hash
// table first, growing it the whole way, only for the dictionary to be
// thrown away: for a copy-on-write MERGE rewriting 2M charges that was the
// writer's largest cost (BENCHMARKS.md). Stage therefore looks at the
// first rows of a write and turns the dictionary off, for this write only,
// for the fixed-width columns where those rows already fail the same cost
// test. A table that names its dictionary choice (parquet.enable.dictionary
// or a column's own property) keeps it.

const (
	dictEnabledKey      = "parquet.enable.dictionary"
	dictColumnKeyPrefix = "write.parquet.dict-encoding-enabled.column."
	// dictSampleMinRows is the fewest first rows the choice is made on:
	// below it the dictionary's cost does not matter.
	dictSampleMinRows = 4096
)

// noDictionaryColumns returns the top-level fixed-width columns of head
// (the first batches of a write, conformed to the table's write schema)
// whose values would not pay for a dictionary: the dictionary (each
// distinct value once) plus the bit-packed indices are at least the plain
// values' size, arrow-go's cost test.
func noDictionaryColumns(sc *arrow.Schema, head []arrow.RecordBatch) []string {
	var rows int64
	for _, r := range head {
		rows += r.NumRows()
	}
	if rows < dictSampleMinRows {
		return nil
	}
	var out []string
	for i, f := range sc.Fields() {
		width := fixedWidth(f.Type)
		if width == 0 {
			continue
		}
		seen := make(map[uint64]struct{}, rows)
		var n int64
		for _, r := range head {
			n += distinctValues(r.Column(i), width, seen)
		}
		if n == 0 {
			continue
		}
		d := int64(len(seen))
		dict := d * int64(width)
		indices := n * int64(bits.Len64(uint64(d-1))) / 8
		if dict+indices >= n*int64(width) {
			out = append(out, f.Name)
		}
	}
	return out
}

// fixedWidth is the byte width of the Parquet INT32 or INT64 values of a
// column of type dt, or 0 for the types this choice leaves alone.
func fixedWidth(dt arrow.DataType) int {
	switch dt.ID() {
	case arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.UINT32:
		return 4
	case arrow.INT64, arrow.TIMESTAMP, arrow.TIME64, arrow.DATE64, arrow.UINT64:
		return 8
	}
	return 0
}

// distinctValues adds col's non-null values (width bytes each) to seen and
// returns how many there were.
func distinctValues(col arrow.Array, width int, seen map[uint64]struct{}) int64 {
	data := col.Data()
	if len(data.Buffers()) < 2 || data.Buffers()[1] == nil {
		return 0
	}
	buf := data.Buffers()[1].Bytes()
	off := data.Offset()
	var n int64
	for i := range col.Len() {
		if col.IsNull(i) {
			continue
		}
		p := (off + i) * width
		var v uint64
		if width == 4 {
			v = uint64(uint32(buf[p]) | uint32(buf[p+1])<<8 | uint32(buf[p+2])<<16 | uint32(buf[p+3])<<24)
		} else {
			v = uint64(buf[p]) | uint64(buf[p+1])<<8 | uint64(buf[p+2])<<16 | uint64(buf[p+3])<<24 |
				uint64(buf[p+4])<<32 | uint64(buf[p+5])<<40 | uint64(buf[p+6])<<48 | uint64(buf[p+7])<<56
		}
		seen[v] = struct{}{}
		n++
	}
	return n
}

// withoutDictionary returns tbl for writing with the dictionary off for
// cols, those of them the table does not decide itself; tbl when none is
// left or the copy cannot be made (the write then just costs more).
func withoutDictionary(tbl *table.Table, cols []string) *table.Table {
	props := tbl.Properties()
	if len(cols) == 0 {
		return tbl
	}
	if _, ok := props[dictEnabledKey]; ok {
		return tbl
	}
	set := iceberg.Properties{}
	for _, c := range cols {
		if strings.Contains(c, ".") {
			continue // a Parquet path, not the plain column name
		}
		if _, ok := props[dictColumnKeyPrefix+c]; !ok {
			set[dictColumnKeyPrefix+c] = "false"
		}
	}
	if len(set) == 0 {
		return tbl
	}
	b, err := table.MetadataBuilderFromBase(tbl.Metadata(), tbl.MetadataLocation())
	if err != nil {
		return tbl
	}
	if err := b.SetProperties(set); err != nil {
		return tbl
	}
	meta, err := b.Build()
	if err != nil {
		return tbl
	}
	return table.New(tbl.Identifier(), meta, tbl.MetadataLocation(), tbl.FS, nil)
}
