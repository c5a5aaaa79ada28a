package server_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pgjdbc is Debian's libpostgresql-jdbc-java; the test script installs it.
const pgjdbcJar = "/usr/share/java/postgresql.jar"

// jdbcQuery runs testdata/jdbc/JdbcQuery.java (javaClasses).
func jdbcQuery(t *testing.T) func(url, user, password, sql string) (string, error) {
	t.Helper()
	dir := javaClasses(t)
	return func(url, user, password, sql string) (string, error) {
		out, err := exec.Command("java", "-cp", dir+":"+pgjdbcJar, "JdbcQuery", url, user, password, sql).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
}

// javaSources are the Java programs the tests run against pgjdbc.
var javaSources = []string{"testdata/jdbc/JdbcQuery.java", "testdata/jdbc/JdbcSession.java", "testdata/clients/jdbc/DriverCheck.java"}

var javaBuild struct {
	once sync.Once
	dir  string
	out  []byte
	err  error
}

// javaClasses compiles every one of javaSources, once per test binary in
// one javac run (a JVM start per file costs more than the compile), and
// returns the class directory. TestMain removes it.
func javaClasses(t *testing.T) string {
	t.Helper()
	javaBuild.once.Do(func() {
		if javaBuild.dir, javaBuild.err = os.MkdirTemp("", "lakegate-java-"); javaBuild.err != nil {
			return
		}
		// javac's own JVM with the C1 compiler only and the serial
		// collector: the same classes for about half the CPU (a
		// three-file compile is over before C2 or parallel GC pays off).
		args := []string{"-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-cp", pgjdbcJar, "-d", javaBuild.dir}
		for _, s := range javaSources {
			abs, _ := filepath.Abs(filepath.Join("..", s))
			args = append(args, abs)
		}
		javaBuild.out, javaBuild.err = exec.Command("javac", args...).CombinedOutput()
	})
	if javaBuild.err != nil {
		t.Fatalf("javac: %v\n%s", javaBuild.err, javaBuild.out)
	}
	return javaBuild.dir
}

// removeJavaClasses removes javaClasses' directory (TestMain).
func removeJavaClasses() {
	if javaBuild.dir != "" {
		os.RemoveAll(javaBuild.dir)
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
