package server_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// reported are the parameters PostgreSQL 15 reports in ParameterStatus.
var reported = []string{
	"application_name", "client_encoding", "DateStyle", "default_transaction_read_only", "in_hot_standby",
	"integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding", "server_version",
	"session_authorization", "standard_conforming_strings", "TimeZone",
}

// connectPG opens a raw pgconn connection (closed at the end of the test).
func connectPG(t testing.TB, dsn string) *pgconn.PgConn {
	t.Helper()
	c, err := pgconn.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func (g *gateway) dsn(extra string) string {
	host, port, _ := net.SplitHostPort(g.addr)
	return fmt.Sprintf("postgres://analyst@%s:%s/lakegate?sslmode=disable%s", host, port, extra)
}

// execText runs one simple-protocol statement and returns its single value.
func execText(t *testing.T, c *pgconn.PgConn, sql string) string {
	t.Helper()
	res, err := c.Exec(context.Background(), sql).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if len(res) != 1 || len(res[0].Rows) != 1 || len(res[0].Rows[0]) != 1 {
		t.Fatalf("%s: want one value, got %d results", sql, len(res))
	}
	return string(res[0].Rows[0][0])
}

// TestServerIdentity checks the startup ParameterStatus values: the set
// PostgreSQL 15 reports, with the values SHOW and current_setting give.
func TestServerIdentity(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	c := connectPG(t, g.dsn("&application_name=idtest"))
	want := map[string]string{
		"application_name": "idtest", "client_encoding": "UTF8", "DateStyle": "ISO, MDY",
		"default_transaction_read_only": "off", "in_hot_standby": "off", "integer_datetimes": "on",
		"IntervalStyle": "postgres", "is_superuser": "off", "server_encoding": "UTF8", "server_version": "15.0",
		"session_authorization": "analyst", "standard_conforming_strings": "on", "TimeZone": "UTC",
	}
	for k, v := range want {
		if got := c.ParameterStatus(k); got != v {
			t.Errorf("ParameterStatus %s = %q, want %q", k, got, v)
		}
	}
	for _, k := range reported {
		if got := execText(t, c, "SHOW "+k); got != c.ParameterStatus(k) {
			t.Errorf("SHOW %s = %q, ParameterStatus says %q", k, got, c.ParameterStatus(k))
		}
		if got := execText(t, c, "SELECT current_setting('"+k+"')"); got != c.ParameterStatus(k) {
			t.Errorf("current_setting(%s) = %q, ParameterStatus says %q", k, got, c.ParameterStatus(k))
		}
	}
	if got := execText(t, c, "SHOW server_version_num"); got != "150000" {
		t.Errorf("server_version_num = %q", got)
	}
	if got := execText(t, c, "SELECT current_setting('server_version_num')"); got != "150000" {
		t.Errorf("current_setting(server_version_num) = %q", got)
	}
	if got := execText(t, c, "SELECT version()"); !strings.HasPrefix(got, "PostgreSQL 15.0 ") {
		t.Errorf("version() = %q", got)
	}
	// The column of SHOW carries the parameter's own spelling.
	res, err := c.Exec(context.Background(), "SHOW timezone").ReadAll()
	if err != nil || res[0].FieldDescriptions[0].Name != "TimeZone" {
		t.Errorf("SHOW timezone column: %v %+v", err, res)
	}
}

// TestParameterStatusFollowsSettings: startup parameters and SET change what
// the client is told, as PostgreSQL reports a GUC_REPORT change.
func TestParameterStatusFollowsSettings(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	// pgjdbc's startup: DateStyle=ISO and the JVM's zone; a client asking
	// for another encoding still gets UTF8; server_version cannot be chosen.
	c := connectPG(t, g.dsn("&DateStyle=ISO&TimeZone=Europe/Berlin&client_encoding=LATIN1&server_version=9.6&is_superuser=on"))
	for k, v := range map[string]string{"DateStyle": "ISO, MDY", "TimeZone": "Europe/Berlin", "client_encoding": "UTF8",
		"server_version": "15.0", "is_superuser": "off"} {
		if got := c.ParameterStatus(k); got != v {
			t.Errorf("startup: ParameterStatus %s = %q, want %q", k, got, v)
		}
	}
	if got := execText(t, c, "SELECT '2024-01-01 12:00:00+00'::timestamptz::text"); got != "2024-01-01 13:00:00+01" {
		t.Errorf("timestamptz in the startup zone: %q", got)
	}
	ctx := context.Background()
	for _, tc := range []struct{ sql, param, want string }{
		{"SET TimeZone = 'America/New_York'", "TimeZone", "America/New_York"},
		{"SET application_name = 'renamed'", "application_name", "renamed"},
		{"SET datestyle TO 'iso, dmy'", "DateStyle", "ISO, DMY"},
		{"RESET TimeZone", "TimeZone", "Europe/Berlin"},
		{"SET client_encoding = 'utf-8'", "client_encoding", "UTF8"},
	} {
		if _, err := c.Exec(ctx, tc.sql).ReadAll(); err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		if got := c.ParameterStatus(tc.param); got != tc.want {
			t.Errorf("after %s: ParameterStatus %s = %q, want %q", tc.sql, tc.param, got, tc.want)
		}
	}
	// Values lakegate cannot honour are refused, and the session goes on.
	for _, sql := range []string{"SET DateStyle = 'German'", "SET IntervalStyle = iso_8601", "SET client_encoding = 'LATIN1'",
		"SET standard_conforming_strings = off", "SET server_version = '16'"} {
		_, err := c.Exec(ctx, sql).ReadAll()
		if code := sqlState(err); code != "0A000" && code != "55P02" {
			t.Errorf("%s: SQLSTATE %q (%v)", sql, code, err)
		}
	}
	if got := execText(t, c, "SHOW DateStyle"); got != "ISO, DMY" {
		t.Errorf("DateStyle after refused SETs: %q", got)
	}
}

// TestServerIdentityLikePostgres compares the startup parameters with a
// real PostgreSQL 15: the same names, and the same values for everything
// that is not lakegate's own (version, user).
func TestServerIdentityLikePostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc := connectPG(t, pg.DSN)
	lc := connectPG(t, g.dsn(""))
	for _, k := range reported {
		pv, lv := pc.ParameterStatus(k), lc.ParameterStatus(k)
		switch k {
		case "server_version":
			if !strings.HasPrefix(pv, "15.") || lv != "15.0" {
				t.Errorf("server_version: postgres %q, lakegate %q", pv, lv)
			}
		case "session_authorization":
			if pv != "postgres" || lv != "analyst" {
				t.Errorf("session_authorization: postgres %q, lakegate %q", pv, lv)
			}
		case "is_superuser":
			if lv != "off" {
				t.Errorf("is_superuser: lakegate %q", lv)
			}
		case "TimeZone":
			if lv != "UTC" || pv == "" {
				t.Errorf("TimeZone: postgres %q, lakegate %q", pv, lv)
			}
		default:
			if pv != lv {
				t.Errorf("%s: postgres %q, lakegate %q", k, pv, lv)
			}
		}
	}
	// SHOW's column names agree too.
	for _, k := range []string{"datestyle", "intervalstyle", "timezone", "server_version", "transaction isolation level", "time zone"} {
		pr, err := pc.Exec(context.Background(), "SHOW "+k).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		lr, err := lc.Exec(context.Background(), "SHOW "+k).ReadAll()
		if err != nil {
			t.Fatalf("SHOW %s: %v", k, err)
		}
		if pn, ln := pr[0].FieldDescriptions[0].Name, lr[0].FieldDescriptions[0].Name; pn != ln {
			t.Errorf("SHOW %s column: postgres %q, lakegate %q", k, pn, ln)
		}
	}
}

// TestPsqlServerVersion: libpq derives the server version from
// server_version; psql shows it in its variables.
func TestPsqlServerVersion(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	host, port, _ := net.SplitHostPort(g.addr)
	out, err := exec.Command("psql", "-X", "-A", "-t", "-h", host, "-p", port, "-U", "analyst", "lakegate",
		"-c", `\echo :SERVER_VERSION_NUM :SERVER_VERSION_NAME`, "-c", "select version()").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || lines[0] != "150000 15.0" || !strings.HasPrefix(lines[1], "PostgreSQL 15.0") {
		t.Fatalf("psql: %q", lines)
	}
	if slices.Contains(lines, "WARNING") {
		t.Fatal(lines)
	}
}
