package pgtest_test

import (
	"database/sql"
	"testing"

	"github.com/lakegate/lakegate/internal/pgtest"
)

// Two servers started from the one template are separate clusters: what
// one creates, the other does not have.
func TestStartGivesEachTestItsOwnCluster(t *testing.T) {
	t.Parallel()
	a, b := pgtest.Start(t), pgtest.Start(t)
	if a.Port == b.Port {
		t.Fatalf("both servers on port %d", a.Port)
	}
	open := func(dsn string) *sql.DB {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	da, db := open(a.DSN), open(b.DSN)
	if _, err := da.Exec(`CREATE TABLE only_in_a (x int); CREATE ROLE only_in_a`); err != nil {
		t.Fatal(err)
	}
	var tables, roles int
	if err := db.QueryRow(`SELECT count(*) FROM pg_class WHERE relname = 'only_in_a'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM pg_roles WHERE rolname = 'only_in_a'`).Scan(&roles); err != nil {
		t.Fatal(err)
	}
	if tables != 0 || roles != 0 {
		t.Fatalf("the second cluster sees the first's table (%d) or role (%d)", tables, roles)
	}
	var version string
	if err := db.QueryRow(`SHOW server_version`).Scan(&version); err != nil || version[:3] != "15." {
		t.Fatalf("server_version %q, %v", version, err)
	}
	dsn := b.CreateDatabase(t, "extra")
	if err := open(dsn).Ping(); err != nil {
		t.Fatal(err)
	}
}
