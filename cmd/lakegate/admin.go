package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lakegate/lakegate/catalog"
)

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
