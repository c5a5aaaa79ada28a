package server_test

import (
	"context"
	"slices"
	"testing"
)

// TestReadOnlyBlockPinsJoin: in a BEGIN READ ONLY block (at READ
// COMMITTED) and in a REPEATABLE READ block, a join of two domains'
// tables reads each at its snapshot of the block's first read while
// another session commits to both; a write in the READ ONLY block is
// 25006; after the block the commits show.
func TestReadOnlyBlockPinsJoin(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	ctx := context.Background()
	reader, pay, users := g.as(t, "analyst"), g.as(t, "payments_svc"), g.as(t, "users_svc")
	const join = `select c.country, count(*), sum(ch.amount)::text from payments.charges ch
		join users.customers c on c.id = ch.customer_id group by 1 order by 1`
	commit := func(n int) {
		t.Helper()
		id := 700000 + n
		if _, err := users.Exec(ctx, `insert into users.customers (id, name, email, country, created_at)
			values ($1, 'late', 'late@example.com', 'ZZ', now())`, id); err != nil {
			t.Fatal(err)
		}
		if _, err := pay.Exec(ctx, `insert into payments.charges (id, customer_id, amount, currency, status, created_at)
			values ($1, $1, 7.00, 'EUR', 'paid', now())`, id); err != nil {
			t.Fatal(err)
		}
	}
	for i, begin := range []string{"begin read only", "begin isolation level repeatable read", "start transaction read only, isolation level read committed"} {
		before := rowsText(t, reader, join)
		const late = `select count(*) from users.customers where country = 'ZZ'`
		lateBefore := rowsText(t, reader, late)
		if _, err := reader.Exec(ctx, begin); err != nil {
			t.Fatal(err)
		}
		first := rowsText(t, reader, join)
		if !slices.Equal(first, before) {
			t.Fatalf("%s: first read %q, want %q", begin, first, before)
		}
		commit(2 * i)
		if got := rowsText(t, reader, join); !slices.Equal(got, before) {
			t.Errorf("%s: join after other sessions committed: %q, want %q", begin, got, before)
		}
		commit(2*i + 1)
		if got := rowsText(t, reader, late); !slices.Equal(got, lateBefore) {
			t.Errorf("%s: customers committed after the first read show: %q", begin, got)
		}
		if got := rowsText(t, reader, join); !slices.Equal(got, before) {
			t.Errorf("%s: join after more commits: %q, want %q", begin, got, before)
		}
		if begin != "begin isolation level repeatable read" {
			wantState(t, reader, `insert into payments.charges (id, customer_id, amount, currency, status, created_at)
				values (1, 1, 1, 'EUR', 'paid', now())`, "25006")
		}
		if _, err := reader.Exec(ctx, "rollback"); err != nil {
			t.Fatal(err)
		}
		after := rowsText(t, reader, join)
		if slices.Equal(after, before) {
			t.Errorf("%s: after the block the join still reads the old snapshots: %q", begin, after)
		}
	}
	// READ COMMITTED without READ ONLY still sees each commit.
	if _, err := reader.Exec(ctx, "begin"); err != nil {
		t.Fatal(err)
	}
	before := rowsText(t, reader, join)
	commit(10)
	if got := rowsText(t, reader, join); slices.Equal(got, before) {
		t.Errorf("READ COMMITTED block: the join does not see a commit: %q", got)
	}
	if _, err := reader.Exec(ctx, "rollback"); err != nil {
		t.Fatal(err)
	}
}
