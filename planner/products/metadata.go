package products

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/catalog"
)

// The columns of $files and $partitions, as Trino's Iceberg connector
// names them (https://trino.io/docs/current/connector/iceberg.html,
// "Metadata tables"). Where Trino has a map keyed by field id or a row
// type, lakegate has JSON text keyed by column name, which any Postgres
// client reads.

var filesColumns = []column{
	{"content", "INTEGER"}, {"file_path", "VARCHAR"}, {"file_format", "VARCHAR"}, {"spec_id", "INTEGER"},
	{"partition", "VARCHAR"}, {"record_count", "BIGINT"}, {"file_size_in_bytes", "BIGINT"},
	{"column_sizes", "VARCHAR"}, {"value_counts", "VARCHAR"}, {"null_value_counts", "VARCHAR"},
	{"nan_value_counts", "VARCHAR"}, {"lower_bounds", "VARCHAR"}, {"upper_bounds", "VARCHAR"},
	{"key_metadata", "BLOB"}, {"split_offsets", "BIGINT[]"}, {"equality_ids", "INTEGER[]"},
	{"sort_order_id", "INTEGER"}, {"readable_metrics", "VARCHAR"},
}

var partitionsColumns = []column{
	{"partition", "VARCHAR"}, {"record_count", "BIGINT"}, {"file_count", "BIGINT"}, {"total_size", "BIGINT"}, {"data", "VARCHAR"},
}

// optJSON is v as JSON text, nil for an empty map.
func optJSON[V any](m map[string]V) *string {
	if len(m) == 0 {
		return nil
	}
	return jsonText(m)
}

// listText renders a list as an engine list literal ("[1, 2]").
func listText[T int | int64](xs []T) *string {
	if xs == nil {
		return nil
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatInt(int64(x), 10)
	}
	return str("[" + strings.Join(parts, ", ") + "]")
}

// blobText renders bytes as the engine reads a BLOB's text (\xNN each).
func blobText(b []byte) *string {
	if b == nil {
		return nil
	}
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, "\\x%02X", c)
	}
	return str(sb.String())
}

// metrics is one column's entry of readable_metrics.
type metrics struct {
	ColumnSize     *int64  `json:"column_size"`
	ValueCount     *int64  `json:"value_count"`
	NullValueCount *int64  `json:"null_value_count"`
	NaNValueCount  *int64  `json:"nan_value_count"`
	LowerBound     *string `json:"lower_bound"`
	UpperBound     *string `json:"upper_bound"`
}

func readableMetrics(f catalog.FileInfo) *string {
	out := map[string]*metrics{}
	get := func(name string) *metrics {
		if out[name] == nil {
			out[name] = &metrics{}
		}
		return out[name]
	}
	for _, c := range []struct {
		m   map[string]int64
		set func(*metrics, *int64)
	}{
		{f.ColumnSizes, func(m *metrics, v *int64) { m.ColumnSize = v }},
		{f.ValueCounts, func(m *metrics, v *int64) { m.ValueCount = v }},
		{f.NullCounts, func(m *metrics, v *int64) { m.NullValueCount = v }},
		{f.NaNCounts, func(m *metrics, v *int64) { m.NaNValueCount = v }},
	} {
		for name, v := range c.m {
			c.set(get(name), &v)
		}
	}
	for name, v := range f.Lower {
		get(name).LowerBound = &v
	}
	for name, v := range f.Upper {
		get(name).UpperBound = &v
	}
	return optJSON(out)
}

func filesRows(files []catalog.FileInfo) [][]*string {
	var rows [][]*string
	for _, f := range files {
		var sortOrder *string
		if f.SortOrderID != nil {
			sortOrder = num(int64(*f.SortOrderID))
		}
		rows = append(rows, []*string{num(int64(f.Content)), str(f.Path), str(f.Format), num(int64(f.SpecID)),
			optJSON(f.Partition), num(f.Records), num(f.Bytes),
			optJSON(f.ColumnSizes), optJSON(f.ValueCounts), optJSON(f.NullCounts), optJSON(f.NaNCounts),
			optJSON(f.Lower), optJSON(f.Upper), blobText(f.KeyMetadata), listText(f.SplitOffsets), listText(f.EqualityIDs),
			sortOrder, readableMetrics(f)})
	}
	return rows
}

// columnData is one column's entry of $partitions' data.
type columnData struct {
	Min       *string `json:"min"`
	Max       *string `json:"max"`
	NullCount *int64  `json:"null_count"`
	NaNCount  *int64  `json:"nan_count"`
}

func partitionsRows(parts []catalog.PartitionSummary) [][]*string {
	var rows [][]*string
	for _, p := range parts {
		data := map[string]columnData{}
		for name, c := range p.Columns {
			data[name] = columnData{Min: c.Min, Max: c.Max, NullCount: c.NullCount, NaNCount: c.NaNCount}
		}
		var part *string
		if p.Partition != nil {
			part = jsonText(p.Partition)
		}
		rows = append(rows, []*string{part, num(p.Records), num(p.FileCount), num(p.Bytes), optJSON(data)})
	}
	return rows
}
