package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestCopyFromPgxNewConnection: pgx's CopyFrom on a new connection, whose
// first statement is pgx's "select <columns> from <table>" probe (which
// lakegate describes from the catalog, without the session's engine:
// planner/session's catalogDescribe), loads the rows PostgreSQL loads
// from the same call, every column type of the table included.
func TestCopyFromPgxNewConnection(t *testing.T) {
	t.Parallel()
	b := startCopyBoth(t)
	day := time.Date(2026, 5, 17, 0, 0, 0, 0, time.UTC)
	rows := [][]any{
		{int64(1), "first", "99.995", 0.25, int32(7), true, day, day.Add(time.Minute), day.Add(time.Hour),
			[16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, []byte{7}},
		{int64(2), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
	cols := []string{"id", "name", "amount", "ratio", "n", "ok", "day", "at", "ts", "u", "raw"}
	for name, c := range map[string]*pgx.Conn{"postgres": b.pg, "lakegate": b.g.as(t, "payments_svc")} {
		n, err := c.CopyFrom(context.Background(), pgx.Identifier{"payments", "loads"}, cols, pgx.CopyFromRows(rows))
		if err != nil || n != 2 {
			t.Fatalf("%s: CopyFrom on a new connection: %d, %v", name, n, err)
		}
	}
	if got := b.same(t); len(got) != 2 {
		t.Fatalf("%d rows: %v", len(got), got)
	}
}
