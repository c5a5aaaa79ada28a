package server_test

import (
	"context"
	"testing"
)

// TestStatementTablesPinnedInABlock: outside a transaction block a
// statement's tables are loaded at once (planner.ConcurrentTables), each
// at its latest snapshot; inside a REPEATABLE READ block every table of a
// statement over several still reads the snapshot of its first read in
// the block, whatever commits meanwhile.
func TestStatementTablesPinnedInABlock(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	ctx := context.Background()
	reader, writer := g.as(t, "payments_svc"), g.as(t, "payments_svc")
	const both = "select (select count(*) from payments.charges) * 1000000 + (select count(*) from users.customers)"
	insert := func() {
		t.Helper()
		if _, err := writer.Exec(ctx, "insert into payments.charges select * from payments.charges limit 1"); err != nil {
			t.Fatal(err)
		}
	}
	n0, err := count(t, reader, both)
	if err != nil {
		t.Fatal(err)
	}
	insert()
	if n, err := count(t, reader, both); err != nil || n != n0+1000000 {
		t.Fatalf("after a commit, outside a block: %d (%v), want %d", n, err, n0+1000000)
	}
	if _, err := reader.Exec(ctx, "begin isolation level repeatable read"); err != nil {
		t.Fatal(err)
	}
	if n, err := count(t, reader, both); err != nil || n != n0+1000000 {
		t.Fatalf("first read in the block: %d (%v), want %d", n, err, n0+1000000)
	}
	insert()
	if n, err := count(t, reader, both); err != nil || n != n0+1000000 {
		t.Fatalf("in the block after another commit: %d (%v), want %d (the pinned snapshots)", n, err, n0+1000000)
	}
	if _, err := reader.Exec(ctx, "commit"); err != nil {
		t.Fatal(err)
	}
	if n, err := count(t, reader, both); err != nil || n != n0+2000000 {
		t.Fatalf("after the block: %d (%v), want %d", n, err, n0+2000000)
	}
}
