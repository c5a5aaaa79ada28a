package server_test

// INSERT ... ON CONFLICT through the wire: a sequence of upserts run on
// PostgreSQL 15 and lakegate leaves the same tables, tags and SQLSTATEs.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestUpsertMatchesPostgres: PRIMARY KEY sets the identifier fields, and
// ON CONFLICT on them behaves as PostgreSQL's on its primary key.
func TestUpsertMatchesPostgres(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	setup := []string{
		"create table payments.accts (id bigint primary key, name text, bal numeric(12,2))",
		"create table payments.regional (region text, id bigint, v text, constraint regional_pkey primary key (region, id))",
		"create table payments.nokey (id bigint, v text)",
		"create table payments.src (id bigint not null, name text, delta numeric(12,2))",
		"insert into payments.accts values (1, 'a', 10), (2, 'b', 20), (3, 'c', 30), (4, 'd', 40)",
		"insert into payments.regional values ('eu', 1, 'a'), ('us', 1, 'b')",
		"insert into payments.src values (2, 'B', 5), (3, 'C', -30), (5, 'E', 50), (6, 'F', 60)",
	}
	pg, lg := postgresAndLakegate(t, g, setup)
	steps := []string{
		// DO NOTHING: existing keys and keys proposed twice are skipped
		`insert into payments.accts values (1, 'A', 1), (5, 'e', 50) on conflict (id) do nothing`,
		`insert into payments.accts values (5, 'x', 0), (6, 'f', 60), (6, 'g', 61) on conflict do nothing`,
		// DO UPDATE with EXCLUDED and the target's alias
		`insert into payments.accts as a values (2, 'B', 5), (7, 'G', 70)
		   on conflict (id) do update set bal = a.bal + excluded.bal, name = excluded.name`,
		// WHERE on DO UPDATE, by the table's name and EXCLUDED
		`insert into payments.accts values (3, 'C', 300), (4, 'D', 400)
		   on conflict (id) do update set name = excluded.name where accts.bal > 35`,
		`insert into payments.accts values (1, 'one', 1), (2, 'two', 100)
		   on conflict (id) do update set bal = excluded.bal where excluded.bal > accts.bal`,
		// INSERT ... SELECT, with a column list, twice
		`insert into payments.accts (id, name) select id + 10, name from payments.src
		   on conflict (id) do update set name = excluded.name || '!'`,
		`insert into payments.accts (id, name) select id + 10, name from payments.src
		   on conflict (id) do update set name = excluded.name || '!'`,
		// a query with a join's ON before ON CONFLICT
		`insert into payments.accts select s.id + 20, s.name, s.delta from payments.src s join payments.accts a on a.id = s.id
		   on conflict do nothing`,
		// the statement's own WITH list
		`with s as (select 2 as id) insert into payments.accts (id, name) select id, 'cte' from s
		   on conflict (id) do update set name = excluded.name`,
		// ON CONSTRAINT
		`insert into payments.accts values (1, 'z', 0) on conflict on constraint accts_pkey do update set bal = excluded.bal`,
		`insert into payments.accts values (1, 'z', 0) on conflict on constraint nope do nothing`,
		// a key proposed twice: 21000, whether it exists or not
		`insert into payments.accts values (1, 'z', 0), (1, 'y', 0) on conflict (id) do update set name = excluded.name`,
		`insert into payments.accts values (100, 'z', 0), (100, 'y', 0) on conflict (id) do update set name = excluded.name`,
		// columns that are not the key: 42P10
		`insert into payments.accts values (1, 'z', 0) on conflict (name) do nothing`,
		`insert into payments.accts values (1, 'z', 0) on conflict (id, name) do update set name = 'q'`,
		`insert into payments.nokey values (1, 'a') on conflict (id) do nothing`,
		// without a key, DO NOTHING without a target is a plain INSERT
		`insert into payments.nokey values (1, 'a'), (1, 'a') on conflict do nothing`,
		// DO UPDATE needs a target
		`insert into payments.accts values (1, 'z', 0) on conflict do update set name = 'q'`,
		// a composite key, named in another order
		`insert into payments.regional values ('eu', 1, 'A'), ('eu', 2, 'c'), ('us', 2, 'd')
		   on conflict (id, region) do update set v = excluded.v || regional.v`,
		`insert into payments.regional (id, region, v) values (1, 'us', 'B'), (3, 'us', 'e')
		   on conflict (region, id) do nothing`,
		`insert into payments.regional values ('eu', 9, 'A'), ('eu', 9, 'c') on conflict (region, id) do update set v = 'x'`,
		// a NULL key
		`insert into payments.accts (name) values ('nokey') on conflict (id) do nothing`,
	}
	postgresSteps(t, pg, lg, steps, "payments.accts", "payments.regional", "payments.nokey")
	sameRows(t, g, lg, "payments", "accts", "id", "name", "bal")
	// a prepared upsert with parameters
	for _, c := range []*pgx.Conn{pg, lg} {
		exec1(t, c, `insert into payments.accts values ($1, $2, $3) on conflict (id) do update set bal = excluded.bal`, 1, "p", "9.5")
	}
	q := "select * from payments.accts"
	if w, gr := rowsOf(t, pg, q), rowsOf(t, lg, q); strings.Join(w, "\n") != strings.Join(gr, "\n") {
		t.Fatalf("after a prepared upsert\npostgres:\n%s\nlakegate:\n%s", strings.Join(w, "\n"), strings.Join(gr, "\n"))
	}
}

// TestConcurrentUpserts: four sessions on two gateways over one catalog
// upsert the same 50 keys twice each; every upsert counts: no key lost,
// no update lost to a conflict.
func TestConcurrentUpserts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gws := []*writeGW{startWriteGW(t, dir, nil), startWriteGW(t, dir, nil)}
	exec1(t, gws[0].as(t, "payments_svc"), "create table payments.counters (id bigint primary key, n bigint)")
	const sessions, rounds = 4, 2
	var wg sync.WaitGroup
	errs := make(chan error, sessions*rounds)
	for i := 0; i < sessions; i++ {
		c := gws[i%2].as(t, "payments_svc")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < rounds; round++ {
				if _, err := c.Exec(context.Background(), `insert into payments.counters as t select g, 1 from range(50) r(g)
					on conflict (id) do update set n = t.n + excluded.n`); err != nil {
					errs <- fmt.Errorf("session %d round %d: %w", i, round, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := rowsOf(t, gws[0].as(t, "payments_svc"), "select count(*), count(distinct id), min(n), max(n) from payments.counters")
	if want := fmt.Sprintf("50|50|%d|%d", sessions*rounds, sessions*rounds); got[0] != want {
		t.Fatalf("after %d concurrent upserts: %v, want %s", sessions*rounds, got, want)
	}
}
