package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lakegate/lakegate/internal/demo"
)

// check-config over broken configs: each is refused, naming the key at
// fault; serve refuses the same config with the same problems.
func TestCheckConfigNamesTheKey(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(good, demo.Policy, 0o644); err != nil {
		t.Fatal(err)
	}
	badPolicy := filepath.Join(dir, "bad-policy.yaml")
	if err := os.WriteFile(badPolicy, []byte("grants: [not a grant\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := `"data_dir": "` + dir + `"`
	for _, tc := range []struct {
		name, body, key string
	}{
		{"unknown key", `{` + base + `, "lisen": "127.0.0.1:5433"}`, "lisen"},
		{"unknown nested key", `{` + base + `, "limits": {"max_conections": 5}}`, "limits.max_conections"},
		{"unknown catalog key", `{"catalogs": [{"urii": "sqlite:///x.db"}]}`, "catalogs[0].urii"},
		{"wrong type", `{` + base + `, "limits": {"threads": "two"}}`, "limits.threads"},
		{"wrong type bool", `{` + base + `, "allow_remote": "yes"}`, "allow_remote"},
		{"no catalog", `{}`, "data_dir"},
		{"listen", `{` + base + `, "listen": "5433"}`, "listen"},
		{"metrics_listen", `{` + base + `, "metrics_listen": "localhost"}`, "metrics_listen"},
		{"metrics_listen same as listen", `{` + base + `, "listen": "127.0.0.1:5433", "metrics_listen": "127.0.0.1:5433"}`, "metrics_listen"},
		{"catalog type", `{"catalogs": [{"type": "hive", "uri": "thrift://x"}]}`, "catalogs[0]"},
		{"audit_redact", `{` + base + `, "audit_redact": "some"}`, "audit_redact"},
		{"tls pair", `{` + base + `, "tls_cert_file": "` + notPEM + `"}`, "tls_key_file"},
		{"tls files", `{` + base + `, "tls_cert_file": "` + notPEM + `", "tls_key_file": "` + notPEM + `"}`, "tls_cert_file"},
		{"token_users regexp", `{` + base + `, "token_users": "(["}`, "token_users"},
		{"policy file missing", `{` + base + `, "policy_file": "` + filepath.Join(dir, "nope.yaml") + `"}`, "policy_file"},
		{"policy file invalid", `{` + base + `, "policy_file": "` + badPolicy + `"}`, "policy_file"},
		{"duration", `{` + base + `, "authentication_timeout": "10"}`, "authentication_timeout"},
		{"negative limit", `{` + base + `, "limits": {"max_connections": -1}}`, "limits.max_connections"},
		{"memory budget", `{` + base + `, "limits": {"memory_budget": "lots"}}`, "limits.memory_budget"},
		{"log_level", `{` + base + `, "log_level": "verbose"}`, "log_level"},
		{"log_format", `{` + base + `, "log_format": "xml"}`, "log_format"},
		{"shutdown_grace", `{` + base + `, "shutdown_grace": "soon"}`, "shutdown_grace"},
		{"audit log dir", `{` + base + `, "audit_log": "` + filepath.Join(dir, "no", "such", "audit.log") + `"}`, "audit_log"},
		{"temp dir", `{` + base + `, "limits": {"temp_dir": "` + filepath.Join(dir, "missing") + `"}}`, "limits.temp_dir"},
		{"auth account", `{` + base + `, "auth": {"accounts": [{"name": "bob"}]}}`, "auth"},
		{"not JSON", `{"listen": `, "(file)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lakegate.json")
			if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			err := runCheckConfig([]string{"--config", path}, &out)
			assertProblem(t, err, tc.key)
			// serve refuses it the same way, before opening anything
			serr := runServe([]string{"--config", path})
			assertProblem(t, serr, tc.key)
			if err.Error() != serr.Error() {
				t.Fatalf("check-config and serve differ:\n%v\n%v", err, serr)
			}
		})
	}
	// Several problems are reported together.
	path := filepath.Join(dir, "many.json")
	if err := os.WriteFile(path, []byte(`{`+base+`, "log_level": "x", "log_format": "y", "lisen": ""}`), 0o644); err != nil {
		t.Fatal(err)
	}
	err := runCheckConfig([]string{"--config", path}, &strings.Builder{})
	for _, k := range []string{"log_level", "log_format", "lisen"} {
		assertProblem(t, err, k)
	}
	// A good config passes.
	path = filepath.Join(dir, "good.json")
	if err := os.WriteFile(path, []byte(`{`+base+`, "policy_file": "`+good+`", "metrics_listen": "127.0.0.1:9187", "log_format": "json"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := runCheckConfig([]string{"--config", path, "--connect"}, &out); err != nil || !strings.Contains(out.String(), "OK") {
		t.Fatalf("a good config: %v %q", err, out.String())
	}
}

func assertProblem(t *testing.T, err error, key string) {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want problems naming %s, got %v", key, err)
	}
	for _, p := range ps {
		if p.Key == key {
			return
		}
	}
	t.Fatalf("no problem names %s:\n%v", key, err)
}

// Every key can come from a LAKEGATE_ variable, which overrides the file.
func TestConfigFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lakegate.json")
	if err := os.WriteFile(path, []byte(`{"data_dir": "`+dir+`", "listen": "127.0.0.1:1111", "limits": {"threads": 2}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LAKEGATE_LISTEN", "127.0.0.1:2222")
	t.Setenv("LAKEGATE_LIMITS_MAX_CONNECTIONS", "7")
	t.Setenv("LAKEGATE_LIMITS_IDLE_ENGINE_TIMEOUT", "45s")
	t.Setenv("LAKEGATE_ALLOW_REMOTE", "true")
	t.Setenv("LAKEGATE_LOG_FORMAT", "json")
	t.Setenv("LAKEGATE_AUTH", `{"accounts": []}`)
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:2222" || cfg.Limits.MaxConnections != 7 || cfg.Limits.Threads != 2 || !cfg.AllowRemote ||
		cfg.LogFormat != "json" || time.Duration(cfg.Limits.IdleEngineTimeout) != 45*time.Second || cfg.Auth == nil {
		t.Fatalf("config from the environment: %+v", cfg)
	}
	t.Setenv("LAKEGATE_LIMITS_THREADS", "many")
	_, err = loadConfig(path)
	assertProblem(t, err, "limits.threads")
}

// The README's configuration table names every key's variable.
func TestEveryEnvVariableDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	keys := envKeys()
	if len(keys) < 40 {
		t.Fatalf("only %d keys", len(keys))
	}
	for _, k := range keys {
		if !strings.Contains(string(b), "`"+k.Env+"`") {
			t.Errorf("README.md does not document %s (%s)", k.Env, k.Key)
		}
	}
}
