package server_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/demo"
)

// A result column Postgres types narrower than the engine (sum of int4 is
// int8, ntile int4) is labelled so and its values converted, in binary
// format too (pgx reads these in binary).
func TestNarrowedIntegerColumnsBinary(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	c := g.connect(t)
	rows, err := c.Query(context.Background(),
		"select sum(x), sum(x) over (), ntile(2) over (order by x), sum(y) from (values (1, 10000000000), (2, 1)) t(x, y) group by x order by x",
		pgx.QueryResultFormats{pgx.BinaryFormatCode})
	if err != nil {
		t.Fatal(err)
	}
	var got [][4]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, [4]any{v[0], v[1], v[2], v[3]})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	oids := []uint32{20, 20, 23, 1700}
	for i, f := range rows.FieldDescriptions() {
		if f.DataTypeOID != oids[i] {
			t.Errorf("column %d (%s): type %d, want %d", i, f.Name, f.DataTypeOID, oids[i])
		}
	}
	if len(got) != 2 || got[0][0] != int64(1) || got[1][1] != int64(3) || got[1][2] != int32(2) {
		t.Errorf("rows %v, want sums as int64 and ntile as int32", got)
	}
}
