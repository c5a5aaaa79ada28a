// Command lakegate serves Iceberg tables to Postgres clients.
//
//	lakegate demo [--listen ADDR] [--data DIR]     embedded warehouse with demo domains
//	lakegate serve --config FILE                   serve from a config file
//	lakegate table register NS.TABLE METADATA_JSON [--map-prefix FROM=TO]... [--config FILE | --data DIR]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/planner"
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
  lakegate demo [--listen 127.0.0.1:5433] [--data DIR] [--seed-sizes C,P,B]
  lakegate serve --config FILE
  lakegate table register NAMESPACE.TABLE METADATA_JSON [--map-prefix FROM=TO]... [--config FILE | --data DIR]
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
	// AllowRemote accepts non-loopback clients (only once authentication is
	// configured; until then keep it false).
	AllowRemote bool `json:"allow_remote"`
	// Limits bound each session's engine.
	Limits struct {
		Threads            int    `json:"threads"`
		MemoryLimit        string `json:"memory_limit"`
		TempDir            string `json:"temp_dir"`
		MetadataCacheBytes int64  `json:"metadata_cache_bytes"`
	} `json:"limits"`
	LogLevel string `json:"log_level"`
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
	for _, cc := range c.Catalogs {
		if err := cc.Validate(); err != nil {
			return err
		}
	}
	return nil
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
	allowRemote := fs.Bool("allow-remote", false, "accept non-loopback clients (no authentication yet: only on a network you control, e.g. a container port bound to the host's loopback)")
	_ = fs.Parse(args)
	if err := os.MkdirAll(filepath.Join(*data, "warehouse"), 0o755); err != nil {
		return err
	}
	cfg := Config{Listen: *listen, DataDir: *data, LogLevel: *logLevel, AllowRemote: *allowRemote}
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
		return err
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
		fmt.Printf("\nlakegate is listening on %s\nconnect with:\n  psql -h %s -p %s -U analyst lakegate\ntry:\n  select status, count(*), sum(amount) from payments.charges join users.customers c on c.id = customer_id group by 1;\n\n", addr, host, port)
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
		return err
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

func serve(ctx context.Context, cfg Config, cat *catalog.Catalog, log *slog.Logger, ready func(string)) error {
	pl := planner.New(cat, planner.Config{Logger: log, Engine: planner.EngineConfig{
		Threads: cfg.Limits.Threads, MemoryLimit: cfg.Limits.MemoryLimit, TempDir: cfg.Limits.TempDir}})
	srv, err := server.New(pl, server.Config{AllowRemote: cfg.AllowRemote, Logger: log})
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
	if *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		cfgs = cfg.Catalogs
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
		return err
	}
	defer cat.Close()
	if err := cat.Register(ctx, catalog.Ident{Schema: ns, Name: name}, meta, pm); err != nil {
		return err
	}
	fmt.Printf("registered %s.%s -> %s\n", ns, name, meta)
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
