package server_test

// MERGE through the wire: a sequence of MERGE statements run on
// PostgreSQL 15 and lakegate leaves the same tables and tags, and
// concurrent MERGEs lose nothing.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestMergeMatchesPostgres(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	setup := []string{
		"create table payments.accts (id bigint not null, name text, bal numeric(12,2))",
		"create table payments.src (id bigint not null, name text, delta numeric(12,2))",
		"create table payments.fresh (id bigint not null, v text)",
		"insert into payments.accts values (1, 'a', 10), (2, 'b', 20), (3, 'c', 30), (4, 'd', 40)",
		"insert into payments.src values (2, 'B', 5), (3, 'C', -30), (5, 'E', 50), (6, 'F', 60)",
	}
	pg, lg := postgresAndLakegate(t, g, setup)
	steps := []string{
		`merge into payments.accts a using payments.src s on a.id = s.id
		   when matched and s.delta < 0 then delete
		   when matched then update set bal = a.bal + s.delta, name = s.name
		   when not matched then insert values (s.id, s.name, s.delta)`,
		`merge into payments.accts a using (select id, 'x' || id as name from payments.src where id > 4) as s on a.id = s.id
		   when matched then update set name = s.name`,
		`merge into payments.accts as a using (values (1, 1.5), (7, 7.5), (8, 800.0)) as v(id, amt) on a.id = v.id
		   when matched then do nothing
		   when not matched and v.amt > 100 then do nothing
		   when not matched then insert (id, bal) values (v.id, v.amt)`,
		`merge into payments.accts a using (select 1 as id union all select 1) s on a.id = s.id
		   when matched then update set bal = 0`,
		`merge into payments.accts a using payments.src s on s.id = a.id and a.bal > 50
		   when matched then delete`,
		`merge into payments.accts a using payments.src s on a.id = s.id
		   when not matched and s.id > 100 then insert values (s.id, 'never', 0)`,
		`merge into payments.fresh f using payments.src s on f.id = s.id
		   when not matched then insert (id, v) values (s.id, upper(s.name))`,
		`merge into payments.fresh f using payments.src s on f.id = s.id
		   when matched and s.id = 2 then update set v = 'two' when matched then delete`,
		`merge into payments.accts a using payments.src s on a.id = s.id
		   when matched then update set nope = 1`,
		`merge into payments.accts a using payments.src on a.id = src.id
		   when matched then update set bal = bal + src.delta`,
	}
	postgresSteps(t, pg, lg, steps, "payments.accts", "payments.fresh")
	sameRows(t, g, lg, "payments", "accts", "id", "name", "bal")
}

// postgresAndLakegate runs setup (in schema payments) on a PostgreSQL 15
// started for the test and on g as payments_svc, and returns a connection
// to each.
func postgresAndLakegate(t *testing.T, g *writeGW, setup []string) (pg, lg *pgx.Conn) {
	t.Helper()
	pgSrv := startDemoPostgres(t, "CREATE SCHEMA payments;\n"+strings.Join(setup, ";\n"))
	pg, err := pgx.Connect(context.Background(), pgSrv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close(context.Background()) })
	lg = g.as(t, "payments_svc")
	for _, s := range setup {
		exec1(t, lg, s)
	}
	return pg, lg
}

// postgresSteps runs each step on PostgreSQL and lakegate: the same tag
// or the same SQLSTATE, and then the same rows in each of tables.
func postgresSteps(t *testing.T, pg, lg *pgx.Conn, steps []string, tables ...string) {
	t.Helper()
	ctx := context.Background()
	for _, step := range steps {
		want, werr := pg.Exec(ctx, step)
		got, gerr := lg.Exec(ctx, step)
		var wpe, gpe *pgconn.PgError
		switch {
		case werr != nil && errors.As(werr, &wpe):
			if !errors.As(gerr, &gpe) || gpe.Code != wpe.Code {
				t.Fatalf("%s\npostgres: %v\nlakegate: %v", step, werr, gerr)
			}
		case werr != nil:
			t.Fatalf("%s: postgres: %v", step, werr)
		case gerr != nil:
			t.Fatalf("%s\nlakegate: %v (postgres: %s)", step, gerr, want)
		case got.String() != want.String():
			t.Fatalf("%s: tag %q, postgres %q", step, got, want)
		}
		for _, tbl := range tables {
			q := "select * from " + tbl
			if w, gr := rowsOf(t, pg, q), rowsOf(t, lg, q); strings.Join(w, "\n") != strings.Join(gr, "\n") {
				t.Fatalf("after %s\n%s differs\npostgres:\n%s\nlakegate:\n%s", step, tbl, strings.Join(w, "\n"), strings.Join(gr, "\n"))
			}
		}
	}
}

// TestConcurrentMerges: four sessions on two gateways over one catalog
// each upsert their own keys twice into one table; every key is there
// once, updated once.
func TestConcurrentMerges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g1 := startWriteGW(t, dir, nil)
	g2 := startWriteGW(t, dir, nil)
	exec1(t, g1.as(t, "payments_svc"), "create table payments.upserts (id bigint not null, n bigint)")
	var conns []*pgx.Conn
	for i := 0; i < 4; i++ {
		g := g1
		if i%2 == 1 {
			g = g2
		}
		conns = append(conns, g.as(t, "payments_svc"))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 2; round++ {
				_, err := c.Exec(context.Background(), fmt.Sprintf(`merge into payments.upserts t
					using (select %d * 1000 + g as id from range(50) r(g)) s on t.id = s.id
					when matched then update set n = t.n + 1
					when not matched then insert values (s.id, 1)`, i))
				if err != nil {
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
	got := rowsOf(t, conns[0], "select count(*), count(distinct id), min(n), max(n) from payments.upserts")
	if got[0] != "200|200|2|2" {
		t.Fatalf("after 8 concurrent merges: %v, want 200|200|2|2", got)
	}
}
