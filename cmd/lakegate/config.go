package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/membudget"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/internal/tlsutil"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
	"github.com/lakegate/lakegate/server"
)

// Config is the file `lakegate serve --config` reads (JSON).
type Config struct {
	// Listen is the address to accept Postgres connections on.
	Listen string `json:"listen"`
	// DataDir holds the embedded catalog and warehouse when Catalogs is empty.
	DataDir string `json:"data_dir"`
	// Catalogs to serve; empty means the embedded SQLite catalog in DataDir.
	Catalogs []catalog.Config `json:"catalogs"`
	// AllowRemote accepts non-loopback clients. Without auth accounts or
	// issuers nobody remote can log in anyway.
	AllowRemote bool `json:"allow_remote"`
	// Auth holds service accounts (SCRAM verifiers, never passwords) and
	// OIDC issuers whose access tokens are accepted as passwords.
	Auth *auth.Config `json:"auth,omitempty"`
	// TokenUsers is a regular expression over startup user names that log
	// in with OIDC tokens instead of SCRAM (default: names containing "@").
	TokenUsers string `json:"token_users,omitempty"`
	// AllowPlaintextLoopback lets loopback clients authenticate without TLS.
	AllowPlaintextLoopback bool `json:"allow_plaintext_loopback"`
	// TLS certificate and key (PEM). With neither, TLS is off unless
	// TLSSelfSignedDir names a directory for a generated self-signed pair.
	TLSCertFile      string `json:"tls_cert_file,omitempty"`
	TLSKeyFile       string `json:"tls_key_file,omitempty"`
	TLSSelfSignedDir string `json:"tls_self_signed_dir,omitempty"`
	// PolicyFile is the access policy (YAML, see policy/doc.go). It is
	// reloaded on change and on SIGHUP. Without one every caller reads every
	// table as external and nothing can be written.
	PolicyFile string `json:"policy_file,omitempty"`
	// AuditLog is where the per-statement audit log goes: a file path,
	// "stderr", or "" for none. AuditRedact: none, literals (default), all.
	AuditLog    string `json:"audit_log,omitempty"`
	AuditRedact string `json:"audit_redact,omitempty"`
	// AuditKeyFile holds the per-deployment key of the audit log's
	// statement fingerprint (HMAC-SHA256, hex). "" means DataDir/audit.key;
	// either is created (32 random bytes, mode 0600) on first start. Without
	// both, the key is random per process.
	AuditKeyFile string `json:"audit_key_file,omitempty"`
	// Limits bound each session's engine and the process's memory
	// (planner/session/memory.go).
	Limits struct {
		Threads            int    `json:"threads"`
		MemoryBudget       string `json:"memory_budget"`
		MemoryLimit        string `json:"memory_limit"`
		TempDir            string `json:"temp_dir"`
		TempDirLimit       string `json:"temp_dir_limit"`
		MaxValueBytes      int64  `json:"max_value_bytes"`
		MaxRowBytes        int64  `json:"max_row_bytes"`
		MetadataCacheBytes int64  `json:"metadata_cache_bytes"`
		// FileCacheDir / FileCacheBytes: local copies of data and delete
		// files in object storage (catalog/filecache.go); default
		// ~/.cache/lakegate/files and half the free space there.
		FileCacheDir     string `json:"file_cache_dir"`
		FileCacheBytes   string `json:"file_cache_bytes"`
		MaxMessageBytes  int    `json:"max_message_bytes"`
		CachedScanCells  int    `json:"cached_scan_cells"`
		CachedScanBudget int    `json:"cached_scan_budget"`
		ShortSlots       int    `json:"short_slots"`
		ResultCacheBytes int    `json:"result_cache_bytes"`
		// ResultCacheIdle: a kept result nobody asked for this long is
		// dropped (planner/session/resultcache.go; "-1s": kept until
		// evicted).
		ResultCacheIdle auth.Duration `json:"result_cache_idle"`

		// FileFetches: objects one statement downloads into the file
		// cache at once (catalog/fetchbatch.go; 0: 16).
		FileFetches int `json:"file_fetches"`
		// Per session: prepared statements, open portals, and the bytes of
		// their texts and parameters (0: 1000, 1000, 64 MiB).
		MaxPreparedStatements int `json:"max_prepared_statements"`
		MaxPortals            int `json:"max_portals"`
		MaxPreparedBytes      int `json:"max_prepared_bytes"`
		// MaxConnections bounds authenticated sessions (default 100);
		// MaxUnauthenticated* bound connections before their first
		// ReadyForQuery, in all and per client address (256, 128).
		MaxConnections               int `json:"max_connections"`
		MaxUnauthenticated           int `json:"max_unauthenticated_connections"`
		MaxUnauthenticatedPerAddress int `json:"max_unauthenticated_per_address"`
		// IdleEngines / IdleEngineTimeout: session engines kept, reset, for
		// the next sessions with the same sandbox (planner/session/enginepool.go).
		IdleEngines       int           `json:"idle_engines"`
		IdleEngineTimeout auth.Duration `json:"idle_engine_timeout"`
		// EngineLifetime / EngineMaxStatements: an engine that has served
		// this long or run this many query plans is replaced
		// (planner/session/recycle.go); "-1s" / -1 turn the bound off.
		EngineLifetime      auth.Duration `json:"engine_lifetime"`
		EngineMaxStatements int           `json:"engine_max_statements"`
	} `json:"limits"`
	// AuthenticationTimeout bounds accept to the first ReadyForQuery
	// (default "10s"). IdleSessionTimeout and
	// IdleInTransactionSessionTimeout are the sessions' defaults for the
	// settings of the same names ("" or "0": off). Go durations: "90s", "5m".
	AuthenticationTimeout           string `json:"authentication_timeout,omitempty"`
	IdleSessionTimeout              string `json:"idle_session_timeout,omitempty"`
	IdleInTransactionSessionTimeout string `json:"idle_in_transaction_session_timeout,omitempty"`
	// LogLevel: debug, info (default), warn, error. LogFormat: text
	// (default) or json, for the process log on stderr.
	LogLevel  string `json:"log_level"`
	LogFormat string `json:"log_format,omitempty"`
	// MetricsListen is the address of the operations listener (/metrics,
	// /healthz, /readyz); "" turns it off.
	MetricsListen string `json:"metrics_listen,omitempty"`
	// ShutdownGrace is how long running statements may go on after SIGTERM
	// before they are canceled (default "30s").
	ShutdownGrace string `json:"shutdown_grace,omitempty"`
	// AdminGroup names the group whose members see every session in
	// pg_stat_activity and may cancel or terminate any of them; "" means
	// nobody.
	AdminGroup string `json:"admin_group,omitempty"`
}

// Validate checks the config and fills defaults. It reports every
// problem it finds (Problems), each with the key at fault; the files the
// config names are checked by checkFiles.
func (c *Config) Validate() error {
	var ps Problems
	if c.Listen == "" {
		c.Listen = "127.0.0.1:5433"
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		ps.add("listen", "%q is not host:port", c.Listen)
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			ps.add("metrics_listen", "%q is not host:port", c.MetricsListen)
		} else if c.MetricsListen == c.Listen {
			ps.add("metrics_listen", "%q is the Postgres listen address too", c.MetricsListen)
		}
	}
	if len(c.Catalogs) == 0 {
		if c.DataDir == "" {
			ps.add("data_dir", "set data_dir or catalogs")
		} else {
			c.Catalogs = []catalog.Config{embeddedCatalog(c.DataDir)}
		}
	}
	switch c.AuditRedact {
	case "", "none", "literals", "all":
	default:
		ps.add("audit_redact", "%q: want none, literals or all", c.AuditRedact)
	}
	for i, cc := range c.Catalogs {
		if err := cc.Validate(); err != nil {
			ps.add(fmt.Sprintf("catalogs[%d]", i), "%v", err)
		}
	}
	if c.Auth != nil {
		if err := c.Auth.Validate(); err != nil {
			ps.add("auth", "%s", strings.TrimPrefix(err.Error(), "auth: "))
		}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		key := "tls_key_file"
		if c.TLSCertFile == "" {
			key = "tls_cert_file"
		}
		ps.add(key, "tls_cert_file and tls_key_file go together")
	}
	if c.TokenUsers != "" {
		if _, err := regexp.Compile(c.TokenUsers); err != nil {
			ps.add("token_users", "%v", err)
		}
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		ps.add("log_level", "%q: want debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		ps.add("log_format", "%q: want text or json", c.LogFormat)
	}
	if _, err := c.shutdownGrace(); err != nil {
		ps.add("shutdown_grace", "%v", err)
	}
	if c.AdminGroup != "" && strings.TrimSpace(c.AdminGroup) != c.AdminGroup {
		ps.add("admin_group", "%q has leading or trailing blanks", c.AdminGroup)
	}
	if c.Limits.FileFetches < 0 {
		ps.add("limits.file_fetches", "%d: want a positive number (0: 16)", c.Limits.FileFetches)
	}
	if _, err := c.serverLimits(); err != nil {
		var lp Problems
		if errors.As(err, &lp) {
			ps = append(ps, lp...)
		}
	}
	if err := c.engineConfig().Validate(); err != nil {
		key, msg := "limits", err.Error()
		if k, rest, ok := strings.Cut(msg, ": "); ok && !strings.ContainsAny(k, " \"") {
			key, msg = "limits."+k, rest
		}
		ps.add(key, "%s", msg)
	}
	return ps.err()
}

// checkFiles checks what the config names on disk as serve would use it:
// the TLS pair loads, the policy file parses, the directories of the audit
// log and spill files exist. check-config and serve run it after Validate.
func (c *Config) checkFiles() error {
	var ps Problems
	if c.TLSCertFile != "" && c.TLSKeyFile != "" {
		if _, err := tlsutil.Load(c.TLSCertFile, c.TLSKeyFile); err != nil {
			ps.add("tls_cert_file", "%v", err)
		}
	}
	if c.PolicyFile != "" {
		if _, err := policy.NewStore(c.PolicyFile, nil); err != nil {
			ps.add("policy_file", "%v", err)
		}
	}
	if c.AuditLog != "" && c.AuditLog != "stderr" {
		if err := dirExists(filepath.Dir(c.AuditLog)); err != nil {
			ps.add("audit_log", "%v", err)
		}
	}
	if c.Limits.TempDir != "" {
		if err := dirExists(c.Limits.TempDir); err != nil {
			ps.add("limits.temp_dir", "%v", err)
		}
	}
	if c.TLSSelfSignedDir != "" {
		if err := dirExists(filepath.Dir(filepath.Clean(c.TLSSelfSignedDir))); err != nil {
			ps.add("tls_self_signed_dir", "%v", err)
		}
	}
	return ps.err()
}

func dirExists(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// Problem is one thing wrong with a config: the key at fault and why.
type Problem struct {
	Key, Msg string
}

// Problems are every problem found in a config; as an error, one line each.
type Problems []Problem

func (ps *Problems) add(key, format string, args ...any) {
	*ps = append(*ps, Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Key + ": " + p.Msg
	}
	return strings.Join(lines, "\n")
}

// shutdownGrace is shutdown_grace, default 30 s.
func (c *Config) shutdownGrace() (time.Duration, error) {
	if c.ShutdownGrace == "" {
		return 30 * time.Second, nil
	}
	d, err := time.ParseDuration(c.ShutdownGrace)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration like \"30s\"", c.ShutdownGrace)
	}
	return d, nil
}

// serverLimits reads the connection limits and timeouts.
func (c *Config) serverLimits() (server.Limits, error) {
	l := server.Limits{MaxConnections: c.Limits.MaxConnections, MaxUnauthenticated: c.Limits.MaxUnauthenticated,
		MaxUnauthenticatedPerAddress: c.Limits.MaxUnauthenticatedPerAddress}
	var ps Problems
	for _, d := range []struct {
		key string
		v   string
		to  *time.Duration
	}{
		{"authentication_timeout", c.AuthenticationTimeout, &l.AuthenticationTimeout},
		{"idle_session_timeout", c.IdleSessionTimeout, &l.IdleSessionTimeout},
		{"idle_in_transaction_session_timeout", c.IdleInTransactionSessionTimeout, &l.IdleInTransactionSessionTimeout},
	} {
		if d.v == "" || d.v == "0" {
			continue
		}
		v, err := time.ParseDuration(d.v)
		if err != nil || v < 0 {
			ps.add(d.key, "%q is not a duration like \"10s\"", d.v)
			continue
		}
		*d.to = v
	}
	for _, n := range []struct {
		key string
		v   int
	}{
		{"limits.max_connections", c.Limits.MaxConnections},
		{"limits.max_unauthenticated_connections", c.Limits.MaxUnauthenticated},
		{"limits.max_unauthenticated_per_address", c.Limits.MaxUnauthenticatedPerAddress},
	} {
		if n.v < 0 {
			ps.add(n.key, "%d: a connection limit cannot be negative", n.v)
		}
	}
	return l, ps.err()
}

// engineConfig is the planner's view of the limits.
func (c *Config) engineConfig() session.EngineConfig {
	l := c.Limits
	return session.EngineConfig{
		Threads: l.Threads, MemoryBudget: l.MemoryBudget, MemoryLimit: l.MemoryLimit, TempDir: l.TempDir, TempDirLimit: l.TempDirLimit,
		MaxValueBytes: l.MaxValueBytes, MaxRowBytes: l.MaxRowBytes, MetadataCacheBytes: l.MetadataCacheBytes,
		CachedScanCells: l.CachedScanCells, CachedScanBudget: l.CachedScanBudget,
		ShortSlots: l.ShortSlots, ResultCacheBytes: l.ResultCacheBytes, ResultCacheIdle: time.Duration(l.ResultCacheIdle),
		IdleEngines: l.IdleEngines, IdleEngineTimeout: time.Duration(l.IdleEngineTimeout),
		EngineLifetime: time.Duration(l.EngineLifetime), EngineMaxStatements: l.EngineMaxStatements}
}

func embeddedCatalog(dir string) catalog.Config {
	abs, _ := filepath.Abs(dir)
	return catalog.Config{Name: "lakegate", Type: "sql", URI: "sqlite://" + filepath.Join(abs, "catalog.db"),
		Warehouse: "file://" + filepath.Join(abs, "warehouse")}
}

func defaultDataDir() string {
	if d := os.Getenv("LAKEGATE_DATA"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "lakegate-data"
	}
	return filepath.Join(home, ".local", "share", "lakegate", "demo")
}

// newLogger is the process log on stderr: level debug, info, warn or
// error; format text (key=value) or json (one object per line).
func newLogger(level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// fileCache opens the cache of local copies of files in object storage
// (limits.file_cache_dir, limits.file_cache_bytes).
func (c *Config) fileCache(log *slog.Logger) (*objcache.Cache, error) {
	dir := c.Limits.FileCacheDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "lakegate", "files")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("config limits.file_cache_dir: %w", err)
	}
	budget := membudget.FreeDisk(dir) / 2
	if c.Limits.FileCacheBytes != "" {
		n, err := membudget.ParseBytes(c.Limits.FileCacheBytes)
		if err != nil {
			return nil, fmt.Errorf("config limits.file_cache_bytes: %w", err)
		}
		budget = n
	}
	if budget <= 0 {
		budget = 1 << 30
	}
	fc, err := objcache.Open(dir, budget, log)
	if err != nil {
		return nil, err
	}
	log.Info("file cache", "dir", dir, "budget", membudget.FormatBytes(budget))
	return fc, nil
}
