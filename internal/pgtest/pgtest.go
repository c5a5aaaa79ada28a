// Package pgtest starts a throwaway PostgreSQL 15 server (Debian's
// postgresql-15 package) for tests that need a real one: the SQL catalog on
// PostgreSQL, and golden comparisons with Postgres behaviour. Each test
// gets a cluster of its own; the clusters are copies of one initdb, made
// once per machine and kept in the temporary directory.
package pgtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/lakegate/lakegate/internal/testport"
)

// BinDir is where Debian installs the PostgreSQL 15 server binaries.
const BinDir = "/usr/lib/postgresql/15/bin"

// Server is a running PostgreSQL instance owned by one test.
type Server struct {
	Port int
	DSN  string // postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
}

// Start starts a cluster of its own in a temporary directory, on a free
// loopback port, and stops it when the test ends. The cluster is a copy of
// one initdb made once and kept (Template), so a test pays for a directory
// copy and a server start, not for initdb. It fails the test when
// PostgreSQL 15 is not installed (the test script installs it).
func Start(t testing.TB) *Server {
	t.Helper()
	tmpl, err := Template()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "lakegate-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	data := filepath.Join(dir, "data")
	if err := chownToPostgres(dir); err != nil {
		t.Fatal(err)
	}
	// cp -a keeps the owner (postgres when running as root) and the 0700
	// mode the server insists on.
	if out, err := exec.Command("cp", "-a", tmpl, data).CombinedOutput(); err != nil {
		t.Fatalf("copy the initdb template: %v\n%s", err, out)
	}
	// A port free when picked can be taken before the server binds it
	// (another test's listener): the server then fails to start, and a
	// second try on another port is the fix.
	var port int
	for attempt := 1; ; attempt++ {
		ports, err := testport.Free(1)
		if err != nil {
			t.Fatal(err)
		}
		port = ports[0]
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", port, dir)
		out, err := asPostgres(filepath.Join(BinDir, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start").CombinedOutput()
		if err == nil {
			break
		}
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		if attempt == 3 || !strings.Contains(string(log), "could not bind") {
			t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
		}
	}
	t.Cleanup(func() {
		_ = asPostgres(filepath.Join(BinDir, "pg_ctl"), "-D", data, "-m", "immediate", "stop").Run()
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

// initdbArgs are the cluster settings every test cluster has.
var initdbArgs = []string{"-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"}

var template struct {
	once sync.Once
	dir  string
	err  error
}

// Template is the data directory of a cluster initdb made for these
// tests, which Start copies. It is made once and cached outside the
// repository ($TMPDIR/lakegate-pg-template-<key>), keyed by the
// server version and initdb's arguments, and shared by every test process
// (test binaries run in parallel: each makes its own and the first rename
// wins). Nothing ever starts a server on the template itself.
func Template() (string, error) {
	template.once.Do(func() { template.dir, template.err = makeTemplate() })
	return template.dir, template.err
}

func makeTemplate() (string, error) {
	initdb := filepath.Join(BinDir, "initdb")
	if _, err := os.Stat(initdb); err != nil {
		return "", fmt.Errorf("PostgreSQL 15 server not installed (%v): apt-get install postgresql-15", err)
	}
	version, err := exec.Command(filepath.Join(BinDir, "postgres"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("postgres --version: %w", err)
	}
	sum := sha256.Sum256([]byte(strings.Join(append([]string{string(version), strconv.Itoa(os.Geteuid())}, initdbArgs...), "\x00")))
	// Under the temporary directory, not the user's cache: the postgres
	// account (when running as root) must reach it, and a rename from
	// the work directory must stay on one file system.
	cache := os.TempDir()
	final := filepath.Join(cache, "lakegate-pg-template-"+hex.EncodeToString(sum[:8]))
	if _, err := os.Stat(filepath.Join(final, "PG_VERSION")); err == nil {
		return final, nil
	}
	work, err := os.MkdirTemp(cache, "lakegate-pg-initdb-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	if err := chownToPostgres(work); err != nil {
		return "", err
	}
	data := filepath.Join(work, "data")
	if out, err := asPostgres(initdb, append([]string{"-D", data}, initdbArgs...)...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if err := os.Rename(data, final); err != nil {
		// Another test process made it first (a non-empty directory is
		// not replaced); use that one.
		if _, serr := os.Stat(filepath.Join(final, "PG_VERSION")); serr == nil {
			return final, nil
		}
		return "", err
	}
	return final, nil
}

// asPostgres runs a server binary as the postgres system account when
// running as root (initdb and the server refuse root), else as is.
func asPostgres(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// chownToPostgres gives dir to the postgres account when running as root,
// so the server can write its socket and log there.
func chownToPostgres(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the postgres account: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(dir, uid, gid)
}
