package server_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// psqlODBCDriver finds Debian's odbc-postgresql (the test script installs
// it with unixodbc's isql).
func psqlODBCDriver(t *testing.T) string {
	m, _ := filepath.Glob("/usr/lib/*/odbc/psqlodbcw.so")
	if len(m) == 0 {
		t.Fatal("psqlODBC not installed: apt-get install odbc-postgresql unixodbc")
	}
	return m[0]
}

// TestPsqlODBCDeclareFetch reads a result through psqlODBC with
// UseDeclareFetch, the mode Tableau and other ODBC tools use for large
// results: the driver declares a cursor and fetches it in portions of
// Fetch rows. The audit log shows the statements it sent.
func TestPsqlODBCDeclareFetch(t *testing.T) {
	t.Parallel()
	driver := psqlODBCDriver(t)
	audit := &syncBuffer{}
	g := startGatewayWith(t, demo.Sizes{Customers: 250, Charges: 5, Bounces: 5},
		server.Config{Audit: server.AuditConfig{Writer: audit, Redact: "none"}})
	host, port, _ := net.SplitHostPort(g.addr)
	dir := t.TempDir()
	ini := fmt.Sprintf(`[lakegate]
Driver = %s
Servername = %s
Port = %s
Database = lakegate
Username = analyst
SSLMode = disable
UseDeclareFetch = 1
Fetch = 100
`, driver, host, port)
	if err := os.WriteFile(filepath.Join(dir, "odbc.ini"), []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "odbcinst.ini"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("isql", "-b", "-d|", "lakegate")
	cmd.Env = append(os.Environ(), "ODBCSYSINI="+dir, "ODBCINI="+filepath.Join(dir, "odbc.ini"))
	cmd.Stdin = strings.NewReader("select id, email from users.customers order by id\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("isql: %v\n%s\naudit:\n%s", err, out.String(), audit.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 250 || lines[0] != "1|customer1@example.com" || lines[249] != "250|customer250@example.com" {
		t.Fatalf("isql returned %d lines: %q ... \naudit:\n%s", len(lines), lines[:min(3, len(lines))], audit.String())
	}
	log := audit.String()
	if !strings.Contains(log, "declare") || strings.Count(log, "fetch 100 in") < 3 {
		t.Fatalf("psqlODBC did not read through a cursor in portions:\n%s", log)
	}
}
