// Command lakegate serves Iceberg tables to Postgres clients.
//
//	lakegate demo [--listen ADDR] [--data DIR]     embedded warehouse with demo domains
//	lakegate serve --config FILE                   serve from a config file
//	lakegate table register NS.TABLE METADATA_JSON [--map-prefix FROM=TO]... [--config FILE | --data DIR]
//	lakegate relocate [--data DIR | --config FILE]   rewrite a copied or moved data dir to where it is now
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/tlsutil"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/policy"
	"github.com/lakegate/lakegate/server"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "demo":
		err = runDemo(os.Args[2:])
	case "serve":
		err = runServe(os.Args[2:])
	case "table":
		err = runTable(os.Args[2:])
	case "relocate":
		err = runRelocate(os.Args[2:], os.Stdout)
	case "user":
		err = runUser(os.Args[2:], os.Stdin, os.Stdout)
	case "explain-access":
		err = runExplainAccess(os.Args[2:], os.Stdout)
	case "-h", "--help", "help":
		usage()
		return
	default:
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "lakegate:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  lakegate demo [--listen 127.0.0.1:5433] [--data DIR] [--seed-sizes C,P,B] [--memory-budget SIZE]
  lakegate serve --config FILE
  lakegate table register NAMESPACE.TABLE METADATA_JSON [--map-prefix FROM=TO]... [--config FILE | --data DIR]
  lakegate relocate [--data DIR | --config FILE]
  lakegate user add NAME [--domain D] [--group G]... [--password-stdin]
  lakegate explain-access --user U [--group G]... [--domain D] [--config FILE | --data DIR] NAMESPACE.TABLE
`)
}

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
	// (planner/memory.go).
	Limits struct {
		Threads            int    `json:"threads"`
		MemoryBudget       string `json:"memory_budget"`
		MemoryLimit        string `json:"memory_limit"`
		TempDir            string `json:"temp_dir"`
		TempDirLimit       string `json:"temp_dir_limit"`
		MaxValueBytes      int64  `json:"max_value_bytes"`
		MaxRowBytes        int64  `json:"max_row_bytes"`
		MetadataCacheBytes int64  `json:"metadata_cache_bytes"`
		MaxMessageBytes    int    `json:"max_message_bytes"`
		CachedScanCells    int    `json:"cached_scan_cells"`
		CachedScanBudget   int    `json:"cached_scan_budget"`
		ShortSlots         int    `json:"short_slots"`
		ResultCacheBytes   int    `json:"result_cache_bytes"`
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
		// the next sessions with the same sandbox (planner/enginepool.go).
		IdleEngines       int           `json:"idle_engines"`
		IdleEngineTimeout auth.Duration `json:"idle_engine_timeout"`
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
func (c *Config) engineConfig() planner.EngineConfig {
	l := c.Limits
	return planner.EngineConfig{
		Threads: l.Threads, MemoryBudget: l.MemoryBudget, MemoryLimit: l.MemoryLimit, TempDir: l.TempDir, TempDirLimit: l.TempDirLimit,
		MaxValueBytes: l.MaxValueBytes, MaxRowBytes: l.MaxRowBytes, MetadataCacheBytes: l.MetadataCacheBytes,
		CachedScanCells: l.CachedScanCells, CachedScanBudget: l.CachedScanBudget,
		ShortSlots: l.ShortSlots, ResultCacheBytes: l.ResultCacheBytes,
		IdleEngines: l.IdleEngines, IdleEngineTimeout: time.Duration(l.IdleEngineTimeout)}
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

func runDemo(args []string) error {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:5433", "address to listen on")
	data := fs.String("data", defaultDataDir(), "data directory (catalog + warehouse)")
	sizes := fs.String("seed-sizes", "", "rows to seed as customers,charges,bounces (default 100000,2000000,50000)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	budget := fs.String("memory-budget", "", "memory of the whole process (limits.memory_budget; default half the RAM)")
	allowRemote := fs.Bool("allow-remote", false, "accept non-loopback clients (no authentication yet: only on a network you control, e.g. a container port bound to the host's loopback)")
	_ = fs.Parse(args)
	if err := os.MkdirAll(filepath.Join(*data, "warehouse"), 0o755); err != nil {
		return err
	}
	cfg := Config{Listen: *listen, DataDir: *data, LogLevel: *logLevel, AllowRemote: *allowRemote,
		AllowPlaintextLoopback: true, TLSSelfSignedDir: filepath.Join(*data, "tls")}
	cfg.Limits.MemoryBudget = *budget
	accounts, passwords, err := demoAccounts(*data)
	if err != nil {
		return err
	}
	cfg.Auth = &auth.Config{Accounts: accounts}
	cfg.PolicyFile = filepath.Join(*data, "policy.yaml")
	if _, err := os.Stat(cfg.PolicyFile); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(cfg.PolicyFile, demo.Policy, 0o644); err != nil {
			return err
		}
	}
	cfg.AuditLog = filepath.Join(*data, "audit.log")
	if err := cfg.Validate(); err != nil {
		return err
	}
	sz := demo.DefaultSizes
	if *sizes != "" {
		if _, err := fmt.Sscanf(*sizes, "%d,%d,%d", &sz.Customers, &sz.Charges, &sz.Bounces); err != nil {
			return fmt.Errorf("--seed-sizes: %w", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.LogLevel)
	cat, err := catalog.Open(ctx, cfg.Catalogs, catalog.Options{Logger: log})
	if err != nil {
		return relocateHint(err, "--data "+*data)
	}
	defer cat.Close()
	if !demo.Seeded(ctx, cat) {
		fmt.Printf("seeding demo warehouse in %s\n", *data)
		start := time.Now()
		if err := demo.Seed(ctx, cat, sz, func(s string) { fmt.Println("  " + s) }); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		fmt.Printf("seeded in %s\n", time.Since(start).Round(time.Millisecond))
	} else {
		fmt.Printf("using the demo warehouse in %s\n", *data)
	}
	return serve(ctx, cfg, cat, log, func(addr string) {
		host, port, _ := net.SplitHostPort(addr)
		fmt.Printf("\nlakegate is listening on %s (TLS with a self-signed certificate in %s)\n\ndemo accounts (passwords are kept in %s):\n",
			addr, filepath.Join(*data, "tls"), filepath.Join(*data, "demo-passwords.txt"))
		for _, a := range accounts {
			fmt.Printf("  %-13s domain=%-9s groups=%-9s password=%s\n", a.Name, orDash(a.Domain), orDash(strings.Join(a.Groups, ",")), passwords[a.Name])
		}
		fmt.Printf("\naccess policy: %s (edit it: changes apply within seconds)\naudit log:     %s\n", cfg.PolicyFile, cfg.AuditLog)
		fmt.Printf("\nconnect with:\n  PGPASSWORD=%s psql -h %s -p %s -U analyst lakegate\ntry:\n  select status, count(*), sum(amount) from payments.charges join users.customers c on c.id = customer_id group by 1;\n\n",
			passwords["analyst"], host, port)
	})
}

func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	path := fs.String("config", "", "config file (JSON)")
	_ = fs.Parse(args)
	if *path == "" {
		return errors.New("serve: --config is required")
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.LogLevel)
	cat, err := catalog.Open(ctx, cfg.Catalogs, catalog.Options{Logger: log, MetadataCacheBytes: cfg.Limits.MetadataCacheBytes})
	if err != nil {
		return relocateHint(err, "--config "+*path)
	}
	defer cat.Close()
	return serve(ctx, *cfg, cat, log, func(addr string) { log.Info("listening", "addr", addr) })
}

func loadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg Config
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if cfg.DataDir != "" && !filepath.IsAbs(cfg.DataDir) {
		cfg.DataDir = filepath.Join(filepath.Dir(path), cfg.DataDir)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &cfg, nil
}

func serve(ctx context.Context, cfg Config, cat *catalog.Catalog, log *slog.Logger, ready func(string)) (err error) {
	raiseOpenFileLimit(log)
	pcfg := planner.Config{Logger: log, Engine: cfg.engineConfig()}
	if cfg.PolicyFile != "" {
		store, err := policy.NewStore(cfg.PolicyFile, log)
		if err != nil {
			return err
		}
		go store.Watch(ctx, 2*time.Second)
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-hup:
					if err := store.Reload(); err != nil {
						log.Error("policy reload on SIGHUP failed", "err", err)
					}
				}
			}
		}()
		pcfg.Policy = store
	}
	pl := planner.New(cat, pcfg)
	mp := pl.MemoryPlan()
	log.Info("memory budget", "budget", planner.FormatBytes(mp.Budget), "reserved", planner.FormatBytes(mp.Reserved),
		"engine_memory_limit", planner.FormatBytes(mp.EngineLimit), "grant", planner.FormatBytes(mp.Grant),
		"sessions_at_once", mp.Busy, "max_row_bytes", mp.MaxRowBytes, "max_value_bytes", mp.MaxValueBytes,
		"engine_temp_limit", planner.FormatBytes(mp.TempLimit))
	if mp.Adjusted != "" {
		log.Warn("memory budget: " + mp.Adjusted)
	}
	defer pl.Close()
	limits, err := cfg.serverLimits()
	if err != nil {
		return err
	}
	scfg := server.Config{AllowRemote: cfg.AllowRemote, Logger: log, MaxMessageBytes: cfg.Limits.MaxMessageBytes, Limits: limits,
		MaxPreparedStatements: cfg.Limits.MaxPreparedStatements, MaxPortals: cfg.Limits.MaxPortals, MaxPreparedBytes: cfg.Limits.MaxPreparedBytes}
	if cfg.AuditLog != "" {
		keyFile := cfg.AuditKeyFile
		if keyFile == "" && cfg.DataDir != "" {
			keyFile = filepath.Join(cfg.DataDir, "audit.key")
		}
		scfg.Audit.Redact = cfg.AuditRedact
		if keyFile == "" {
			log.Warn("audit log: no audit_key_file or data_dir; statement fingerprints use a key random per process")
		} else if scfg.Audit.Key, err = loadOrCreateAuditKey(keyFile); err != nil {
			return err
		}
	}
	switch cfg.AuditLog {
	case "":
	case "stderr":
		scfg.Audit.Writer = os.Stderr
	default:
		f, err := os.OpenFile(cfg.AuditLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
		if err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		defer f.Close()
		scfg.Audit.Writer = f
	}
	switch {
	case cfg.TLSCertFile != "":
		if scfg.TLS, err = tlsutil.Load(cfg.TLSCertFile, cfg.TLSKeyFile); err != nil {
			return err
		}
	case cfg.TLSSelfSignedDir != "":
		if err := os.MkdirAll(cfg.TLSSelfSignedDir, 0o700); err != nil {
			return err
		}
		if scfg.TLS, _, err = tlsutil.LoadOrCreate(cfg.TLSSelfSignedDir); err != nil {
			return err
		}
	}
	if cfg.Auth != nil && (len(cfg.Auth.Accounts) > 0 || len(cfg.Auth.OIDC) > 0) {
		a, err := auth.New(*cfg.Auth)
		if err != nil {
			return err
		}
		scfg.Auth = server.AuthConfig{Authenticator: a, AllowPlaintextLoopback: cfg.AllowPlaintextLoopback,
			Limiter: auth.NewLimiter(cfg.Auth.Limiter)}
		if cfg.TokenUsers != "" {
			scfg.Auth.TokenUsers = regexp.MustCompile(cfg.TokenUsers)
		}
	}
	srv, err := server.New(pl, scfg)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	ready(l.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Close(sctx)
		return nil
	}
}

func runTable(args []string) error {
	if len(args) < 1 || args[0] != "register" {
		return errors.New("usage: lakegate table register NAMESPACE.TABLE METADATA_JSON [--map-prefix FROM=TO]...")
	}
	fs := flag.NewFlagSet("table register", flag.ExitOnError)
	var maps multiFlag
	fs.Var(&maps, "map-prefix", "FROM=TO path prefix mapping (repeatable)")
	cfgPath := fs.String("config", "", "config file (JSON)")
	data := fs.String("data", defaultDataDir(), "data directory of the embedded catalog")
	// Accept flags before or after the positional arguments.
	var pos []string
	rest := args[1:]
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		rest = fs.Args()
		if len(rest) > 0 {
			pos = append(pos, rest[0])
			rest = rest[1:]
		}
	}
	if len(pos) != 2 {
		return errors.New("usage: lakegate table register NAMESPACE.TABLE METADATA_JSON [--map-prefix FROM=TO]...")
	}
	ns, name, ok := strings.Cut(pos[0], ".")
	if !ok {
		return fmt.Errorf("table name %q must be NAMESPACE.TABLE", pos[0])
	}
	var cfgs []catalog.Config
	where := "--data " + *data
	if *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		cfgs, where = cfg.Catalogs, "--config "+*cfgPath
	} else {
		if err := os.MkdirAll(filepath.Join(*data, "warehouse"), 0o755); err != nil {
			return err
		}
		cfgs = []catalog.Config{embeddedCatalog(*data)}
	}
	var pm catalog.PathMap
	for _, m := range maps {
		from, to, ok := strings.Cut(m, "=")
		if !ok {
			return fmt.Errorf("--map-prefix %q: want FROM=TO", m)
		}
		pm = append(pm, catalog.PathMapping{From: from, To: to})
	}
	meta := pos[1]
	if !strings.Contains(meta, "://") {
		if abs, err := filepath.Abs(meta); err == nil {
			meta = abs
		}
	}
	ctx := context.Background()
	cat, err := catalog.Open(ctx, cfgs, catalog.Options{})
	if err != nil {
		return relocateHint(err, where)
	}
	defer cat.Close()
	if err := cat.Register(ctx, catalog.Ident{Schema: ns, Name: name}, meta, pm); err != nil {
		return err
	}
	fmt.Printf("registered %s.%s -> %s\n", ns, name, meta)
	return nil
}

// relocateHint adds the command that fixes a copied or moved data
// directory to the error catalog.Open refuses it with.
func relocateHint(err error, where string) error {
	if errors.Is(err, catalog.ErrRelocated) {
		return fmt.Errorf("%w\nto serve it where it is now, run: lakegate relocate %s", err, where)
	}
	return err
}

// runRelocate rewrites the tables of a copied or moved data directory (or
// of a config's SQLite catalogs) to the warehouse they are in now. The
// original directory is never read or written.
func runRelocate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("relocate", flag.ContinueOnError)
	data := fs.String("data", defaultDataDir(), "data directory of the embedded catalog")
	cfgPath := fs.String("config", "", "config file (JSON): relocate its sqlite catalogs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: lakegate relocate [--data DIR | --config FILE]")
	}
	var cfgs []catalog.Config
	if *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		for _, cc := range cfg.Catalogs {
			if strings.HasPrefix(cc.URI, "sqlite://") {
				cfgs = append(cfgs, cc)
			}
		}
		if len(cfgs) == 0 {
			return fmt.Errorf("relocate: %s has no sqlite catalog (other catalogs do not move with a directory)", *cfgPath)
		}
	} else {
		if _, err := os.Stat(filepath.Join(*data, "catalog.db")); err != nil {
			return fmt.Errorf("relocate: %s is not a data directory: %w", *data, err)
		}
		cfgs = []catalog.Config{embeddedCatalog(*data)}
	}
	ctx := context.Background()
	for _, cc := range cfgs {
		rep, err := catalog.Relocate(ctx, cc)
		if err != nil {
			return err
		}
		name := cc.Name
		if name == "" {
			name = "lakegate"
		}
		if !rep.Changed {
			fmt.Fprintf(stdout, "catalog %s: already at %s, nothing to do\n", name, rep.To)
			continue
		}
		fmt.Fprintf(stdout, "catalog %s: relocated %d tables from %s to %s\n", name, len(rep.Tables), rep.From, rep.To)
		for _, id := range rep.Tables {
			fmt.Fprintf(stdout, "  %s\n", id)
		}
		for _, id := range rep.Kept {
			fmt.Fprintf(stdout, "  %s kept as it is (stored outside %s)\n", id, rep.From)
		}
	}
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// demoAccounts loads (or creates on first start) the demo's service
// accounts: their SCRAM verifiers in DIR/accounts.json and, for the person
// trying the demo, their passwords in DIR/demo-passwords.txt (mode 0600).
func demoAccounts(dir string) ([]auth.Account, map[string]string, error) {
	accPath, pwPath := filepath.Join(dir, "accounts.json"), filepath.Join(dir, "demo-passwords.txt")
	passwords := map[string]string{}
	if b, err := os.ReadFile(pwPath); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, pw, ok := strings.Cut(line, "="); ok {
				passwords[name] = pw
			}
		}
	}
	var accounts []auth.Account
	if b, err := os.ReadFile(accPath); err == nil {
		if err := json.Unmarshal(b, &accounts); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", accPath, err)
		}
		return accounts, passwords, nil
	}
	specs := []struct {
		name, domain string
		groups       []string
	}{
		{"analyst", "", []string{"analysts"}},
		{"payments_svc", "payments", []string{"services"}},
		{"users_svc", "users", []string{"services"}},
		{"comms_svc", "comms", []string{"services"}},
	}
	var pwLines []string
	for _, sp := range specs {
		pw := randomPassword()
		a, err := auth.NewAccount(sp.name, sp.domain, sp.groups, pw, 0)
		if err != nil {
			return nil, nil, err
		}
		accounts = append(accounts, a)
		passwords[sp.name] = pw
		pwLines = append(pwLines, sp.name+"="+pw)
	}
	b, err := json.MarshalIndent(accounts, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(pwPath, []byte(strings.Join(pwLines, "\n")+"\n"), 0o600); err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(accPath, b, 0o600); err != nil {
		return nil, nil, err
	}
	return accounts, passwords, nil
}

func randomPassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// runUser implements `lakegate user add`: it prints the account entry (a
// SCRAM verifier, never the password) to paste into the config's
// auth.accounts.
func runUser(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "add" {
		return errors.New("usage: lakegate user add NAME [--domain D] [--group G]... [--password-stdin]")
	}
	name := args[1]
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	domain := fs.String("domain", "", "data domain the account belongs to")
	var groups multiFlag
	fs.Var(&groups, "group", "group (repeatable)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of prompting")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	var pw string
	if *fromStdin || !term.IsTerminal(int(os.Stdin.Fd())) {
		b, err := io.ReadAll(io.LimitReader(stdin, 4096))
		if err != nil {
			return err
		}
		pw = strings.TrimRight(string(b), "\r\n")
	} else {
		fmt.Fprint(os.Stderr, "password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return err
		}
		fmt.Fprint(os.Stderr, "again: ")
		b2, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return err
		}
		if string(b) != string(b2) {
			return errors.New("passwords do not match")
		}
		pw = string(b)
	}
	if len(pw) < 8 {
		return errors.New("password must have at least 8 characters")
	}
	out, err := auth.AccountJSON(name, *domain, groups, pw)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, string(out))
	return err
}

// runExplainAccess prints what a caller may do with a table and why.
func runExplainAccess(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("explain-access", flag.ContinueOnError)
	user := fs.String("user", "", "caller's user name")
	domain := fs.String("domain", "", "caller's domain")
	var groups multiFlag
	fs.Var(&groups, "group", "caller's group (repeatable)")
	cfgPath := fs.String("config", "", "config file (JSON)")
	data := fs.String("data", defaultDataDir(), "data directory of the demo (its policy.yaml and catalog)")
	policyPath := fs.String("policy", "", "policy file (default: the config's policy_file, or DIR/policy.yaml)")
	var pos []string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		rest = fs.Args()
		if len(rest) > 0 {
			pos = append(pos, rest[0])
			rest = rest[1:]
		}
	}
	if *user == "" || len(pos) != 1 {
		return errors.New("usage: lakegate explain-access --user U [--group G]... [--domain D] NAMESPACE.TABLE")
	}
	ns, name, ok := strings.Cut(pos[0], ".")
	if !ok {
		return fmt.Errorf("table %q must be NAMESPACE.TABLE", pos[0])
	}
	cfgs := []catalog.Config{embeddedCatalog(*data)}
	pf := filepath.Join(*data, "policy.yaml")
	where := "--data " + *data
	if *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		cfgs, pf, where = cfg.Catalogs, cfg.PolicyFile, "--config "+*cfgPath
	}
	if *policyPath != "" {
		pf = *policyPath
	}
	pol, err := policy.Load(pf)
	if err != nil {
		return err
	}
	ctx := context.Background()
	cat, err := catalog.Open(ctx, cfgs, catalog.Options{})
	if err != nil {
		return relocateHint(err, where)
	}
	defer cat.Close()
	pt := policy.Table{Schema: ns, Name: name}
	if t, err := cat.LoadTable(ctx, catalog.Ident{Schema: ns, Name: name}); err == nil {
		pt.Owner = t.Properties()["owner-domain"]
		if pt.Owner == "" {
			if props, err := cat.SchemaProperties(ctx, ns); err == nil {
				pt.Owner = props["owner-domain"]
			}
		}
		pt.Foreign = t.Foreign()
		for _, f := range t.Schema().Fields() {
			pt.Columns = append(pt.Columns, f.Name)
		}
	} else if !errors.Is(err, catalog.ErrNoSuchTable) {
		return err
	} else {
		fmt.Fprintf(stdout, "note: %s.%s is not in the catalog; deciding by name only\n", ns, name)
	}
	pr := auth.Principal{Name: *user, Domain: *domain, Groups: groups}
	_, err = fmt.Fprint(stdout, policy.Explain(pol, pr, pt))
	return err
}

// loadOrCreateAuditKey reads the audit fingerprint key (hex) from path, or
// creates it there (32 random bytes, mode 0600). A key file others can read
// is refused: with the key, anyone holding the log can confirm guessed
// statement shapes.
func loadOrCreateAuditKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit key: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if st, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	} else if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit key %s: mode %v lets others read it; chmod 600 it", path, st.Mode().Perm())
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("audit key %s: want at least 16 bytes in hex", path)
	}
	return key, nil
}
