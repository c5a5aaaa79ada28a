package server_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
	"github.com/lakegate/lakegate/server"
)

// cursorScript runs on PostgreSQL 15 and lakegate over the same query (a
// series both can produce): tags, rows, SQLSTATEs and status must agree.
var cursorScript = []string{
	"DECLARE outside CURSOR FOR SELECT i FROM generate_series(1, 10) AS g(i)",
	"BEGIN",
	"DECLARE c NO SCROLL CURSOR FOR SELECT i, i * 10 AS ten FROM generate_series(1, 10) AS g(i)",
	"FETCH 3 FROM c",
	"FETCH NEXT FROM c",
	"FETCH c",
	"MOVE 2 IN c",
	"FETCH FORWARD 2 c",
	"FETCH ABSOLUTE 10 FROM c",
	"FETCH ALL FROM c",
	"FETCH NEXT FROM c",
	"MOVE ALL IN c",
	"FETCH PRIOR FROM c",
	"ROLLBACK",
	"BEGIN",
	"DECLARE c NO SCROLL CURSOR FOR SELECT i FROM generate_series(1, 10) AS g(i)",
	"FETCH RELATIVE 3 FROM c",
	"FETCH FORWARD ALL FROM c",
	"DECLARE c CURSOR FOR SELECT 1",
	"ROLLBACK",
	"BEGIN",
	"DECLARE c1 CURSOR WITHOUT HOLD FOR SELECT i FROM generate_series(1, 5) AS g(i)",
	"DECLARE h1 CURSOR WITH HOLD FOR SELECT i FROM generate_series(1, 5) AS g(i)",
	"FETCH 1 FROM h1",
	"COMMIT",
	"FETCH 1 FROM c1",
	"FETCH 2 FROM h1",
	"CLOSE h1",
	"CLOSE h1",
	"FETCH 1 FROM missing",
	"MOVE 1 IN missing",
	"BEGIN",
	"DECLARE h2 CURSOR WITH HOLD FOR SELECT i FROM generate_series(1, 5) AS g(i)",
	"ROLLBACK",
	"FETCH 1 FROM h2",
	"BEGIN",
	"SAVEPOINT s",
	"DECLARE c3 CURSOR FOR SELECT i FROM generate_series(1, 5) AS g(i)",
	"ROLLBACK TO SAVEPOINT s",
	"FETCH 1 FROM c3",
	"ROLLBACK",
	"DECLARE h3 CURSOR WITH HOLD FOR SELECT i FROM generate_series(1, 3) AS g(i)",
	"DECLARE h4 CURSOR WITH HOLD FOR SELECT i FROM generate_series(1, 3) AS g(i)",
	"CLOSE ALL",
	"FETCH 1 FROM h3",
	// psqlODBC's UseDeclareFetch sends the declaration and the first fetch
	// in one Query.
	"BEGIN; DECLARE \"SQL_CUR0x1\" CURSOR WITH HOLD FOR SELECT i FROM generate_series(1, 7) AS g(i); FETCH 4 IN \"SQL_CUR0x1\"",
	"FETCH 4 IN \"SQL_CUR0x1\"",
	"COMMIT",
	"FETCH 4 IN \"SQL_CUR0x1\"",
	"CLOSE \"SQL_CUR0x1\"",
	"BEGIN",
	"DECLARE e CURSOR FOR SELECT * FROM no_such_table",
	"ROLLBACK",
	"BEGIN",
	"DECLARE d CURSOR FOR SELECT i FROM generate_series(1, 3) AS g(i)",
	"DECLARE d CURSOR FOR SELECT i FROM generate_series(1, 3) AS g(i)",
	"ROLLBACK",
}

func TestCursorsLikePostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc := openScriptConn(t, pg.DSN)
	lc := openScriptConn(t, g.dsn(""))
	compareScripts(t, pc, lc, cursorScript)
}

// TestCursorStreamsInPortions reads a large table through a cursor in
// portions of 1000 rows, interleaved with other statements on the same
// session, and checks every row arrives once, in order. 30,000 rows make
// 30 portions across 15 of the engine's 2048-row vectors (the boundaries
// do not line up), with three interleaved statements.
func TestCursorStreamsInPortions(t *testing.T) {
	t.Parallel()
	const n = 30_000
	g := startGateway(t, demo.Sizes{Customers: 100, Charges: n, Bounces: 5})
	lc := openScriptConn(t, g.dsn(""))
	ctx := context.Background()
	if out := lc.run("BEGIN; DECLARE big CURSOR FOR SELECT id FROM payments.charges ORDER BY id"); !strings.Contains(out, "DECLARE CURSOR") {
		t.Fatal(out)
	}
	var next int64 = -1
	total := 0
	for portion := 0; ; portion++ {
		// Other statements on the session (which replace the engine's
		// views of the tables) do not disturb the cursor, also before its
		// first FETCH.
		if portion%10 == 0 {
			if out := lc.run("SELECT count(*) FROM users.customers"); !strings.Contains(out, "(100)") {
				t.Fatal(out)
			}
		}
		res, err := lc.c.Exec(ctx, "FETCH 1000 FROM big").ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		r := res[0]
		if got, want := r.CommandTag.String(), fmt.Sprintf("FETCH %d", len(r.Rows)); got != want {
			t.Fatalf("tag %q, want %q", got, want)
		}
		if len(r.Rows) > 1000 {
			t.Fatalf("portion of %d rows", len(r.Rows))
		}
		if len(r.Rows) == 0 {
			break
		}
		for _, row := range r.Rows {
			var id int64
			fmt.Sscan(string(row[0]), &id)
			if next >= 0 && id <= next {
				t.Fatalf("row %d after %d", id, next)
			}
			next = id
			total++
		}
	}
	if total != n {
		t.Fatalf("cursor returned %d rows, want %d", total, n)
	}
	if out := lc.run("COMMIT"); !strings.Contains(out, "COMMIT") {
		t.Fatal(out)
	}
}

// TestCursorBinaryAndCancel: a BINARY cursor sends binary rows over the
// simple protocol; a FETCH can be canceled and the session goes on.
func TestCursorBinaryAndCancel(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 5})
	lc := openScriptConn(t, g.dsn(""))
	ctx := context.Background()
	lc.run("BEGIN")
	lc.run("DECLARE b BINARY CURSOR FOR SELECT 258::int4 AS v")
	res, err := lc.c.Exec(ctx, "FETCH 1 FROM b").ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fd := res[0].FieldDescriptions
	if len(fd) != 1 || fd[0].Format != 1 || string(res[0].Rows[0][0]) != "\x00\x00\x01\x02" {
		t.Fatalf("binary fetch: %+v %q", fd, res[0].Rows)
	}
	lc.run("ROLLBACK")

	// A slow cursor query, canceled during FETCH.
	lc.run("BEGIN")
	if out := lc.run("DECLARE slow CURSOR FOR SELECT count(*) FROM range(3000000000) a"); !strings.Contains(out, "DECLARE CURSOR") {
		t.Fatal(out)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = lc.c.CancelRequest(context.Background())
	}()
	start := time.Now()
	_, err = lc.c.Exec(ctx, "FETCH 1 FROM slow").ReadAll()
	if sqlState(err) != "57014" {
		t.Fatalf("canceled fetch: %v after %v", err, time.Since(start))
	}
	if out := lc.run("ROLLBACK; SELECT 1 AS ok"); !strings.Contains(out, "(1)") {
		t.Fatal(out)
	}
}

// TestCursorExtendedProtocol declares a cursor with a parameter and fetches
// from it with pgx's extended protocol (binary results).
func TestCursorExtendedProtocol(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 20, Charges: 5, Bounces: 5})
	c := g.connect(t)
	ctx := context.Background()
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := tx.Exec(ctx, "declare p cursor for select id from users.customers where id > $1 order by id", 15); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for {
		rows, err := tx.Query(ctx, "fetch 2 from p")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
			n++
		}
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
		if rows.CommandTag().String() != fmt.Sprintf("FETCH %d", n) {
			t.Fatalf("tag %q after %d rows", rows.CommandTag(), n)
		}
		if n == 0 {
			break
		}
	}
	if fmt.Sprint(ids) != "[16 17 18 19 20]" {
		t.Fatalf("ids %v", ids)
	}
	if _, err := tx.Exec(ctx, "close p"); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, "fetch 1 from p")
	if sqlState(err) != "34000" {
		t.Fatalf("fetch after close: %v", err)
	}
}

// TestPsqlFetchCount: psql with FETCH_COUNT reads a query through a cursor
// (BEGIN; DECLARE _psql_cursor NO SCROLL CURSOR ...; FETCH FORWARD n ...).
func TestPsqlFetchCount(t *testing.T) {
	t.Parallel()
	audit := &syncBuffer{}
	g := startGatewayWith(t, demo.Sizes{Customers: 1234, Charges: 5, Bounces: 5},
		server.Config{Audit: server.AuditConfig{Writer: audit, Redact: "none"}})
	host, port, _ := net.SplitHostPort(g.addr)
	out, err := exec.Command("psql", "-X", "-A", "-t", "-v", "FETCH_COUNT=500", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port,
		"-U", "analyst", "lakegate", "-c", "select id from users.customers order by id").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1234 || lines[0] != "1" || lines[1233] != "1234" {
		t.Fatalf("psql returned %d lines", len(lines))
	}
	if log := audit.String(); !strings.Contains(log, "_psql_cursor") || strings.Count(log, "FETCH FORWARD 500") != 3 {
		t.Fatalf("psql did not read through a cursor:\n%s", log)
	}
}
