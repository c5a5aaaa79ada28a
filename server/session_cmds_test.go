package server_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// sessionScript is run against PostgreSQL 15 and lakegate; every step must
// look the same to the client: tags, rows, SQLSTATEs, notices and the
// transaction status (I, T, E) in ReadyForQuery.
var sessionScript = []string{
	// transaction status and the aborted block
	"BEGIN",
	"SELECT 1 AS one",
	"SELECT * FROM no_such_table",
	"SELECT 1 AS one",
	"SHOW TimeZone",
	"SAVEPOINT late",
	"COMMIT",
	"SELECT 2 AS two",
	"START TRANSACTION",
	"SELECT * FROM no_such_table",
	"ROLLBACK",
	// savepoints
	"BEGIN",
	"SAVEPOINT a",
	"SELECT * FROM no_such_table",
	"SELECT 1",
	"ROLLBACK TO SAVEPOINT a",
	"SELECT 3 AS three",
	"SAVEPOINT b",
	"RELEASE SAVEPOINT b",
	"ROLLBACK TO b",
	"ROLLBACK TO a",
	"RELEASE a",
	"COMMIT",
	"SAVEPOINT outside",
	"RELEASE outside",
	"ROLLBACK TO outside",
	// warnings for misplaced BEGIN / COMMIT / ROLLBACK
	"COMMIT",
	"ROLLBACK",
	"BEGIN",
	"BEGIN",
	"END",
	"ABORT",
	// isolation levels and transaction characteristics
	"SHOW TRANSACTION ISOLATION LEVEL",
	"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
	"SHOW default_transaction_isolation",
	"SHOW transaction_isolation",
	"BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY",
	"SHOW transaction_isolation",
	"SHOW transaction_read_only",
	"COMMIT",
	"SHOW transaction_isolation",
	"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
	"SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
	"BEGIN",
	"SET TRANSACTION READ ONLY",
	"SHOW transaction_read_only",
	"COMMIT AND CHAIN",
	"SHOW transaction_read_only",
	"COMMIT",
	"SET default_transaction_read_only = on",
	"CREATE TABLE ro_test (a int)",
	"SET default_transaction_read_only = off",
	// settings follow the block
	"SET application_name = 'start'",
	"BEGIN",
	"SET application_name = 'in_block'",
	"ROLLBACK",
	"SHOW application_name",
	"BEGIN",
	"SET application_name = 'kept'",
	"SAVEPOINT s",
	"SET application_name = 'undone'",
	"ROLLBACK TO SAVEPOINT s",
	"SHOW application_name",
	"SET LOCAL application_name = 'local'",
	"SHOW application_name",
	"COMMIT",
	"SHOW application_name",
	"SET LOCAL application_name = 'nowhere'",
	"SHOW application_name",
	"RESET application_name",
	"SHOW application_name",
	// DISCARD, DEALLOCATE, PREPARE / EXECUTE
	"PREPARE p AS SELECT $1::int + 1 AS n",
	"EXECUTE p(41)",
	"PREPARE p AS SELECT 1",
	"PREPARE q(int, text) AS SELECT $1 * 2 AS d, $2 AS t",
	"EXECUTE q(21, 'x')",
	"EXECUTE q(1)",
	"DEALLOCATE p",
	"EXECUTE p(1)",
	"DEALLOCATE PREPARE p",
	"DEALLOCATE ALL",
	"EXECUTE q(1, 'y')",
	"BEGIN",
	"DISCARD ALL",
	"ROLLBACK",
	"SET application_name = 'before_discard'",
	"DISCARD ALL",
	"SHOW application_name",
	"DISCARD PLANS",
	// empty and comment-only queries, several statements in one Query
	"-- nothing but a comment",
	"/* block */ ;",
	";",
	"SELECT 1 AS a; SELECT 2 AS b",
	"SELECT 1 AS a; SELECT * FROM no_such_table; SELECT 3 AS c",
	"BEGIN; SELECT 1 AS a; COMMIT",
	"SET search_path = pg_catalog; SHOW search_path",
	"RESET search_path",
	"BEGIN; SELECT * FROM no_such_table; SELECT 1",
	"ROLLBACK",
}

// TestSessionCommandsLikePostgres runs sessionScript on both servers.
func TestSessionCommandsLikePostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc := openScriptConn(t, pg.DSN)
	lc := openScriptConn(t, g.dsn(""))
	for _, c := range []*scriptConn{pc, lc} {
		c.run("SET TimeZone = 'UTC'")
	}
	compareScripts(t, pc, lc, sessionScript)
}

// TestTransactionStatusExtended checks the status byte with the extended
// protocol (pgx's default): Parse/Bind/Execute/Sync in a failed block.
func TestTransactionStatusExtended(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	c := g.connect(t)
	ctx := context.Background()
	pc := c.PgConn()
	step := func(sql string, wantCode string, wantStatus byte) {
		t.Helper()
		_, err := c.Exec(ctx, sql)
		if got := sqlState(err); got != wantCode {
			t.Fatalf("%s: SQLSTATE %q (%v), want %q", sql, got, err, wantCode)
		}
		if s := pc.TxStatus(); s != wantStatus {
			t.Fatalf("%s: status %c, want %c", sql, s, wantStatus)
		}
	}
	step("begin", "", 'T')
	step("select count(*) from users.customers where id = 1", "", 'T')
	step("select * from users.nope", "42P01", 'E')
	step("select count(*) from users.customers", "25P02", 'E')
	step("rollback", "", 'I')
	step("begin", "", 'T')
	step("savepoint s1", "", 'T')
	step("select * from users.nope", "42P01", 'E')
	step("rollback to savepoint s1", "", 'T')
	step("select count(*) from users.customers", "", 'T')
	step("commit", "", 'I')
	step("savepoint x", "25P01", 'I')
	// pgx's prepared-statement cache and DEALLOCATE share a namespace with
	// Parse'd statements.
	if _, err := pc.Prepare(ctx, "named_one", "select 1", nil); err != nil {
		t.Fatal(err)
	}
	step("deallocate named_one", "", 'I')
	if _, err := pc.Prepare(ctx, "named_two", "select 2", nil); err != nil {
		t.Fatal(err)
	}
	step("discard all", "", 'I')
	res := pc.ExecPrepared(ctx, "named_two", nil, nil, nil).Read()
	if sqlState(res.Err) != "26000" {
		t.Fatalf("statement survived DISCARD ALL: %v", res.Err)
	}
}

// TestMultiStatementDependsOnEarlier: statements of one Query are planned in
// turn, so later ones see what earlier ones did.
func TestMultiStatementDependsOnEarlier(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 7, Charges: 5, Bounces: 5})
	lc := openScriptConn(t, g.dsn(""))
	for sql, want := range map[string]string{
		"SET search_path = users; SELECT count(*) AS n FROM customers": "  SET\n  SELECT 1 [n] (7)\n  status I\n",
		"RESET search_path": "  RESET\n  status I\n",
		"BEGIN; DECLARE c CURSOR FOR SELECT id FROM users.customers ORDER BY id; FETCH 2 FROM c; FETCH 2 FROM c; COMMIT": "  BEGIN\n  DECLARE CURSOR\n  FETCH 2 [id] (1) (2)\n  FETCH 2 [id] (3) (4)\n  COMMIT\n  status I\n",
	} {
		if got := lc.run(sql); got != want {
			t.Errorf("%s:\n%swant:\n%s", sql, got, want)
		}
	}
}

// TestJDBCSession runs pgjdbc through transactions with errors (autocommit
// off), savepoints, its isolation calls and CopyManager.copyOut, and reads
// the server version it reports.
func TestJDBCSession(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 12, Charges: 5, Bounces: 5})
	dir := javaClasses(t)
	host, port, _ := net.SplitHostPort(g.addr)
	out, err := exec.Command("java", "-cp", dir+":"+pgjdbcJar, "JdbcSession",
		fmt.Sprintf("jdbc:postgresql://%s:%s/lakegate", host, port), "analyst").CombinedOutput()
	if err != nil {
		t.Fatalf("java: %v\n%s", err, out)
	}
	want := `version 15.0 major 15 minor 0
isolation 2
in txn 12
error SQLSTATE 42P01
aborted SQLSTATE 25P02
after rollback 2
error SQLSTATE 42P01
after savepoint rollback 3
copy 3
id,email
1,customer1@example.com
2,customer2@example.com
3,customer3@example.com
after copy 4`
	if got := strings.TrimSpace(string(out)); got != want {
		t.Fatalf("pgjdbc:\n%s\nwant:\n%s", got, want)
	}
}
