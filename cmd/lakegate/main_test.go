package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/server"
)

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := loadConfig(filepath.Join("..", "..", "testdata", "config", "lakegate.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:5433" || len(cfg.Catalogs) != 1 || cfg.Catalogs[0].Type != "sql" || cfg.Limits.Threads != 2 {
		t.Fatalf("unexpected config: %+v", cfg)
	}
}

func TestConfigDefaultsToEmbeddedCatalog(t *testing.T) {
	cfg := Config{DataDir: t.TempDir()}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:5433" || len(cfg.Catalogs) != 1 {
		t.Fatalf("defaults not applied: %+v", cfg)
	}
	if err := (&Config{}).Validate(); err == nil {
		t.Fatal("a config without data_dir or catalogs must be rejected")
	}
}

func TestUserAddPrintsVerifierNotPassword(t *testing.T) {
	var out strings.Builder
	if err := runUser([]string{"add", "bob", "--domain", "payments", "--group", "services", "--password-stdin"},
		strings.NewReader("correct horse battery\n"), &out); err != nil {
		t.Fatal(err)
	}
	var acct auth.Account
	if err := json.Unmarshal([]byte(out.String()), &acct); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if acct.Name != "bob" || acct.Domain != "payments" || len(acct.Groups) != 1 || !strings.HasPrefix(acct.SCRAM, "SCRAM-SHA-256$4096:") {
		t.Fatalf("account %+v", acct)
	}
	if strings.Contains(out.String(), "correct horse") {
		t.Fatal("the password leaked into the output")
	}
	a, err := auth.New(auth.Config{Accounts: []auth.Account{acct}})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := a.VerifyPassword(context.Background(), "bob", "correct horse battery"); err != nil || p.Domain != "payments" {
		t.Fatalf("verifier does not accept the password: %v %+v", err, p)
	}
	if err := runUser([]string{"add", "eve", "--password-stdin"}, strings.NewReader("short\n"), &out); err == nil {
		t.Fatal("a 5-character password was accepted")
	}
}

func TestDemoAccountsPersist(t *testing.T) {
	dir := t.TempDir()
	a1, p1, err := demoAccounts(dir)
	if err != nil {
		t.Fatal(err)
	}
	a2, p2, err := demoAccounts(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(a1) != 4 || len(a2) != 4 || a1[1].SCRAM != a2[1].SCRAM || p1["analyst"] != p2["analyst"] || p1["analyst"] == "" {
		t.Fatalf("accounts not reused: %v %v", p1, p2)
	}
	st, err := os.Stat(filepath.Join(dir, "demo-passwords.txt"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("password file mode: %v %v", st.Mode(), err)
	}
}

// The audit key is created once with mode 0600 and read back the same; a
// key file others can read is refused.
func TestAuditKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.key")
	k1, err := loadOrCreateAuditKey(path)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %x %v", k1, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v", st.Mode(), err)
	}
	k2, err := loadOrCreateAuditKey(path)
	if err != nil || string(k1) != string(k2) {
		t.Fatalf("reload: %x vs %x %v", k2, k1, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreateAuditKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key accepted: %v", err)
	}
}

func TestConnectionLimitsConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	write := func(body string) {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"data_dir": "d", "authentication_timeout": "30s", "idle_session_timeout": "5m",
		"idle_in_transaction_session_timeout": "90s",
		"limits": {"max_connections": 20, "max_unauthenticated_connections": 50, "max_unauthenticated_per_address": 5}}`)
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := cfg.serverLimits()
	if err != nil {
		t.Fatal(err)
	}
	want := server.Limits{MaxConnections: 20, MaxUnauthenticated: 50, MaxUnauthenticatedPerAddress: 5,
		AuthenticationTimeout: 30 * time.Second, IdleSessionTimeout: 5 * time.Minute, IdleInTransactionSessionTimeout: 90 * time.Second}
	if l != want {
		t.Fatalf("limits %+v, want %+v", l, want)
	}
	// Absent keys leave the zero value: the server's defaults.
	write(`{"data_dir": "d"}`)
	if cfg, err = loadConfig(path); err != nil {
		t.Fatal(err)
	}
	if l, err := cfg.serverLimits(); err != nil || l != (server.Limits{}) {
		t.Fatalf("limits %+v %v, want the zero value", l, err)
	}
	for _, bad := range []string{`"authentication_timeout": "10"`, `"idle_session_timeout": "-1s"`, `"limits": {"max_connections": -1}`} {
		write(`{"data_dir": "d", ` + bad + `}`)
		if _, err := loadConfig(path); err == nil {
			t.Fatalf("%s was accepted", bad)
		}
	}
}

func TestConfigIdleEngines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lakegate.json")
	if err := os.WriteFile(path, []byte(`{"data_dir": "`+dir+`", "limits": {"idle_engines": 3, "idle_engine_timeout": "30s"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Limits.IdleEngines != 3 || time.Duration(cfg.Limits.IdleEngineTimeout) != 30*time.Second {
		t.Fatalf("limits: %+v", cfg.Limits)
	}
}
