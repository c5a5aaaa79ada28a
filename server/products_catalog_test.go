package server_test

import (
	"context"
	"slices"
	"testing"
)

// TestMetadataTablesTrinoColumns: $files has Trino's per-file metrics
// and $partitions each column's min, max and null count, and they agree
// with the table's rows.
func TestMetadataTablesTrinoColumns(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	c := g.as(t, "payments_svc")
	same := func(what, q, want string) {
		t.Helper()
		got, exp := rowsText(t, c, q), rowsText(t, c, want)
		if len(got) == 0 || !slices.Equal(got, exp) {
			t.Errorf("%s: %q, want %q", what, got, exp)
		}
	}
	same("data files with metrics",
		`select count(*) from payments."charges$files" where content = 0 and value_counts is not null
		   and column_sizes is not null and readable_metrics is not null`,
		`select count(*) from payments."charges$files" where content = 0`)
	same("value counts of id",
		`select sum(json_extract_string(value_counts, '$.id')::bigint)::text from payments."charges$files" where content = 0`,
		`select count(*)::text from payments.charges`)
	same("readable metrics",
		`select sum(json_extract_string(readable_metrics, '$.amount.value_count')::bigint)::text,
		   min(json_extract_string(readable_metrics, '$.id.lower_bound')::bigint)
		 from payments."charges$files" where content = 0`,
		`select count(*)::text, min(id) from payments.charges`)
	same("partition data: bounds",
		`select min(json_extract_string(data, '$.id.min')::bigint), max(json_extract_string(data, '$.id.max')::bigint)
		 from payments."charges$partitions"`,
		`select min(id), max(id) from payments.charges`)
	same("partition data: counts",
		`select sum(json_extract_string(data, '$.customer_id.null_count')::bigint)::bigint, sum(record_count)::bigint
		 from payments."charges$partitions"`,
		`select count(*) filter (where customer_id is null), count(*) from payments.charges`)
	same("partition file counts",
		`select sum(file_count)::text from payments."charges$partitions"`,
		`select count(*)::text from payments."charges$files" where content = 0`)
	// the Postgres types of the new columns
	rows, err := c.Query(context.Background(), `select key_metadata, split_offsets, equality_ids, sort_order_id from payments."charges$files"`)
	if err != nil {
		t.Fatal(err)
	}
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	rows.Close()
	if want := []uint32{17, 1016, 1007, 23}; !slices.Equal(oids, want) {
		t.Errorf("types %v, want %v", oids, want)
	}
}
