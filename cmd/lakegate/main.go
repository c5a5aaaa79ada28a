// Command lakegate serves Iceberg tables to Postgres clients.
//
//	lakegate demo [--listen ADDR] [--data DIR]     embedded warehouse with demo domains
//	lakegate serve --config FILE                   serve from a config file
//	lakegate check-config --config FILE [--connect] check a config as serve would
//	lakegate table register NS.TABLE METADATA_JSON [--map-prefix FROM=TO]... [--config FILE | --data DIR]
//	lakegate relocate [--data DIR | --config FILE]   rewrite a copied or moved data dir to where it is now
//	lakegate compact|expire-snapshots|remove-orphan-files NS.TABLE --user U ...  table maintenance (maintenance.go)
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/membudget"
	"github.com/lakegate/lakegate/internal/metrics"
	"github.com/lakegate/lakegate/internal/tlsutil"
	"github.com/lakegate/lakegate/planner/session"
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
	case "seed":
		err = runSeed(os.Args[2:])
	case "check-config":
		err = runCheckConfig(os.Args[2:], os.Stdout)
	case "table":
		err = runTable(os.Args[2:])
	case "relocate":
		err = runRelocate(os.Args[2:], os.Stdout)
	case "user":
		err = runUser(os.Args[2:], os.Stdin, os.Stdout)
	case "explain-access":
		err = runExplainAccess(os.Args[2:], os.Stdout)
	case "compact", "expire-snapshots", "remove-orphan-files":
		err = runMaintenance(os.Args[1], os.Args[2:], os.Stdout)
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
                [--metrics-listen ADDR] [--shutdown-grace 30s] [--admin-group GROUP]
  lakegate serve --config FILE
  lakegate seed --config FILE [--seed-sizes C,P,B] [--wait 1m]
  lakegate check-config --config FILE [--connect]
  lakegate table register NAMESPACE.TABLE METADATA_JSON [--map-prefix FROM=TO]... [--config FILE | --data DIR]
  lakegate relocate [--data DIR | --config FILE]
  lakegate user add NAME [--domain D] [--group G]... [--password-stdin]
  lakegate explain-access --user U [--group G]... [--domain D] [--config FILE | --data DIR] NAMESPACE.TABLE
  lakegate compact NAMESPACE.TABLE --user U [--domain D] [--group G]... [--config FILE | --data DIR]
                [--target-file-size-bytes N] [--min-input-files N]
  lakegate expire-snapshots NAMESPACE.TABLE --user U [--domain D] [--group G]... [--config FILE | --data DIR]
                [--older-than AGE] [--retain-last N]
  lakegate remove-orphan-files NAMESPACE.TABLE --user U [--domain D] [--group G]... [--config FILE | --data DIR]
                [--older-than AGE]
`)
}

func runDemo(args []string) error {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:5433", "address to listen on")
	data := fs.String("data", defaultDataDir(), "data directory (catalog + warehouse)")
	sizes := fs.String("seed-sizes", "", "rows to seed as customers,charges,bounces (default 100000,2000000,50000)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	budget := fs.String("memory-budget", "", "memory of the whole process (limits.memory_budget; default half the RAM)")
	metricsListen := fs.String("metrics-listen", "", "address of /metrics, /healthz and /readyz (metrics_listen; default off)")
	grace := fs.String("shutdown-grace", "", "how long running statements may go on after SIGTERM (shutdown_grace; default 30s)")
	adminGroup := fs.String("admin-group", "", "group whose members see and may end every session (admin_group)")
	allowRemote := fs.Bool("allow-remote", false, "accept non-loopback clients (no authentication yet: only on a network you control, e.g. a container port bound to the host's loopback)")
	_ = fs.Parse(args)
	if err := os.MkdirAll(filepath.Join(*data, "warehouse"), 0o755); err != nil {
		return err
	}
	cfg := Config{Listen: *listen, DataDir: *data, LogLevel: *logLevel, AllowRemote: *allowRemote,
		AllowPlaintextLoopback: true, TLSSelfSignedDir: filepath.Join(*data, "tls")}
	cfg.Limits.MemoryBudget = *budget
	cfg.MetricsListen, cfg.ShutdownGrace, cfg.AdminGroup = *metricsListen, *grace, *adminGroup
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
	sz, err := seedSizes(*sizes)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.LogLevel, cfg.LogFormat)
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
	path := fs.String("config", "", "config file (JSON); LAKEGATE_* variables override it")
	_ = fs.Parse(args)
	if *path == "" && !envConfigured() {
		return errors.New("serve: --config is required (or LAKEGATE_* variables)")
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	if err := cfg.checkFiles(); err != nil {
		return &configError{path: *path, problems: err.(Problems)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg.LogLevel, cfg.LogFormat)
	files, err := cfg.fileCache(log)
	if err != nil {
		return err
	}
	cat, err := catalog.Open(ctx, cfg.Catalogs, catalog.Options{Logger: log, MetadataCacheBytes: cfg.Limits.MetadataCacheBytes, FileCache: files,
		FetchParallelism: cfg.Limits.FileFetches})
	if err != nil {
		return relocateHint(err, "--config "+*path)
	}
	defer cat.Close()
	return serve(ctx, *cfg, cat, log, func(addr string) { log.Info("listening", "addr", addr) })
}

func serve(ctx context.Context, cfg Config, cat *catalog.Catalog, log *slog.Logger, ready func(string)) (err error) {
	raiseOpenFileLimit(log)
	pcfg := session.Config{Logger: log, Engine: cfg.engineConfig()}
	var store *policy.Store
	if cfg.PolicyFile != "" {
		store, err = policy.NewStore(cfg.PolicyFile, log)
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
	pl := session.New(cat, pcfg)
	mp := pl.MemoryPlan()
	goLimit, fromPlan := setGoMemoryLimit(mp, goMemLimitEnv())
	log.Info("memory budget", "budget", membudget.FormatBytes(mp.Budget), "reserved", membudget.FormatBytes(mp.Reserved),
		"engine_memory_limit", membudget.FormatBytes(mp.EngineLimit), "grant", membudget.FormatBytes(mp.Grant),
		"sessions_at_once", mp.Busy, "max_row_bytes", mp.MaxRowBytes, "max_value_bytes", mp.MaxValueBytes,
		"engine_temp_limit", membudget.FormatBytes(mp.TempLimit), "go_memory_limit", membudget.FormatBytes(goLimit),
		"go_memory_limit_from_budget", fromPlan)
	if mp.Adjusted != "" {
		log.Warn("memory budget: " + mp.Adjusted)
	}
	defer pl.Close()
	// The first client's first statement finds an engine opened while
	// the server starts and the client connects and authenticates.
	pl.OpenSpare()
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
	var m *metrics.Metrics
	if cfg.MetricsListen != "" {
		m = metrics.New()
	}
	scfg.Metrics = m
	scfg.AdminGroup = cfg.AdminGroup
	srv, err := server.New(pl, scfg)
	if err != nil {
		return err
	}
	grace, err := cfg.shutdownGrace()
	if err != nil {
		return err
	}
	if cfg.MetricsListen != "" {
		registerSources(m, cat, pl, store, srv)
		ml, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			return fmt.Errorf("metrics_listen: %w", err)
		}
		hs := &http.Server{Handler: m.Handler(readinessChecks(cat, store, srv)), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = hs.Serve(ml) }()
		defer hs.Close()
		log.Info("operations listener", "addr", ml.Addr().String(), "paths", "/metrics /healthz /readyz")
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
		// SIGTERM or SIGINT: refuse new connections (57P03), let running
		// statements finish within the grace, cancel the rest (57P01).
		log.Info("shutting down: draining sessions", "shutdown_grace", grace)
		srv.Drain(context.Background(), grace)
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Close(sctx)
		log.Info("shut down")
		return nil
	}
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
