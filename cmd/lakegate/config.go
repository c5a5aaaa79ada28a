package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/membudget"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/planner/session"
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
	LogLevel                        string `json:"log_level"`
}

// Validate checks the config and fills defaults.
func (c *Config) Validate() error {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:5433"
	}
	if len(c.Catalogs) == 0 {
		if c.DataDir == "" {
			return errors.New("config: set data_dir or catalogs")
		}
		c.Catalogs = []catalog.Config{embeddedCatalog(c.DataDir)}
	}
	switch c.AuditRedact {
	case "", "none", "literals", "all":
	default:
		return fmt.Errorf("config: audit_redact %q: want none, literals or all", c.AuditRedact)
	}
	for _, cc := range c.Catalogs {
		if err := cc.Validate(); err != nil {
			return err
		}
	}
	if c.Auth != nil {
		if err := c.Auth.Validate(); err != nil {
			return fmt.Errorf("config auth: %w", err)
		}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return errors.New("config: tls_cert_file and tls_key_file go together")
	}
	if c.TokenUsers != "" {
		if _, err := regexp.Compile(c.TokenUsers); err != nil {
			return fmt.Errorf("config token_users: %w", err)
		}
	}
	if _, err := c.serverLimits(); err != nil {
		return err
	}
	if err := c.engineConfig().Validate(); err != nil {
		return fmt.Errorf("config limits: %w", err)
	}
	return nil
}

// serverLimits reads the connection limits and timeouts.
func (c *Config) serverLimits() (server.Limits, error) {
	l := server.Limits{MaxConnections: c.Limits.MaxConnections, MaxUnauthenticated: c.Limits.MaxUnauthenticated,
		MaxUnauthenticatedPerAddress: c.Limits.MaxUnauthenticatedPerAddress}
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
			return l, fmt.Errorf("config %s: %q is not a duration like \"10s\"", d.key, d.v)
		}
		*d.to = v
	}
	if c.Limits.MaxConnections < 0 || c.Limits.MaxUnauthenticated < 0 || c.Limits.MaxUnauthenticatedPerAddress < 0 {
		return l, errors.New("config limits: connection limits cannot be negative")
	}
	return l, nil
}

// engineConfig is the planner's view of the limits.
func (c *Config) engineConfig() session.EngineConfig {
	l := c.Limits
	return session.EngineConfig{
		Threads: l.Threads, MemoryBudget: l.MemoryBudget, MemoryLimit: l.MemoryLimit, TempDir: l.TempDir, TempDirLimit: l.TempDirLimit,
		MaxValueBytes: l.MaxValueBytes, MaxRowBytes: l.MaxRowBytes, MetadataCacheBytes: l.MetadataCacheBytes,
		CachedScanCells: l.CachedScanCells, CachedScanBudget: l.CachedScanBudget,
		ShortSlots: l.ShortSlots, ResultCacheBytes: l.ResultCacheBytes,
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

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
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
