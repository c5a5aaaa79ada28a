// Package pgtest starts a throwaway PostgreSQL 15 server (Debian's
// postgresql-15 package) for tests that need a real one: the SQL catalog on
// PostgreSQL, and golden comparisons with Postgres behaviour.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// BinDir is where Debian installs the PostgreSQL 15 server binaries.
const BinDir = "/usr/lib/postgresql/15/bin"

// Server is a running PostgreSQL instance owned by one test.
type Server struct {
	Port int
	DSN  string // postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
}

// Start initialises a cluster in a temporary directory, starts it on a free
// loopback port and stops it when the test ends. It fails the test when
// PostgreSQL 15 is not installed (the test script installs it).
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := os.Stat(filepath.Join(BinDir, "initdb")); err != nil {
		t.Fatalf("PostgreSQL 15 server not installed (%v): apt-get install postgresql-15", err)
	}
	dir, err := os.MkdirTemp("", "lakegate-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	data := filepath.Join(dir, "data")
	// initdb refuses to run as root; use the postgres system account then.
	asUser := func(name string, args ...string) *exec.Cmd {
		if os.Geteuid() == 0 {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
		}
		return exec.Command(name, args...)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres account: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := asUser(filepath.Join(BinDir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := freePort(t)
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", port, dir)
	if out, err := asUser(filepath.Join(BinDir, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	t.Cleanup(func() {
		_ = asUser(filepath.Join(BinDir, "pg_ctl"), "-D", data, "-m", "immediate", "stop").Run()
	})
	s := &Server{Port: port, DSN: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	db, err := sql.Open("pgx", s.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		if err := db.PingContext(ctx); err == nil {
			return s
		} else if ctx.Err() != nil {
			t.Fatalf("postgres did not come up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CreateDatabase creates a database and returns its DSN.
func (s *Server) CreateDatabase(t testing.TB, name string) string {
	t.Helper()
	db, err := sql.Open("pgx", s.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, name)
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
