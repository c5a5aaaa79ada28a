package server_test

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pgjdbc is Debian's libpostgresql-jdbc-java; the test script installs it.
const pgjdbcJar = "/usr/share/java/postgresql.jar"

// jdbcQuery compiles testdata/jdbc/JdbcQuery.java once per test and runs it.
func jdbcQuery(t *testing.T) func(url, user, password, sql string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	src, _ := filepath.Abs(filepath.Join("..", "testdata", "jdbc", "JdbcQuery.java"))
	if out, err := exec.Command("javac", "-cp", pgjdbcJar, "-d", dir, src).CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	return func(url, user, password, sql string) (string, error) {
		out, err := exec.Command("java", "-cp", dir+":"+pgjdbcJar, "JdbcQuery", url, user, password, sql).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
}

func TestAuthJDBC(t *testing.T) {
	t.Parallel()
	f := startAuthGateway(t, false)
	run := jdbcQuery(t)
	_, port, _ := net.SplitHostPort(f.g.addr)
	url := fmt.Sprintf("jdbc:postgresql://localhost:%s/lakegate?sslmode=verify-full&sslrootcert=%s", port, f.certPath)
	if out, err := run(url, "payments_svc", "s3cret-pw", "select count(*) from users.customers"); err != nil || out != "10" {
		t.Fatalf("pgjdbc SCRAM: %v %s", err, out)
	}
	if out, err := run(url, "payments_svc", "wrong", "select 1"); err == nil || !strings.Contains(out, "SQLSTATE 28P01") {
		t.Fatalf("pgjdbc wrong password: %v %s", err, out)
	}
	if out, err := run(url, "ana@example.com", f.token(t, "ana@example.com", nil), "select count(*) from comms.bounces"); err != nil || out != "10" {
		t.Fatalf("pgjdbc token: %v %s", err, out)
	}
}
