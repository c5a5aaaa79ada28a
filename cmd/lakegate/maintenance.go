package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
)

// Table maintenance from the command line:
//
//	lakegate compact NS.TABLE [--target-file-size-bytes N] [--min-input-files N]
//	lakegate expire-snapshots NS.TABLE [--older-than AGE] [--retain-last N]
//	lakegate remove-orphan-files NS.TABLE [--older-than AGE]
//
// with --config FILE (or --data DIR for the demo's directory) and the
// identity the policy decides for (--user, --domain, --group). Each
// command runs the procedure of the same name (CALL lakegate.compact(...)
// and so on) in a session of its own, so it is the procedure's one
// implementation: the same argument checks, the same policy decision as
// for a client with that identity, one optimistic commit.

// maintenanceParams are each command's flags, in the procedure's
// parameter names; ages are intervals ("5 days") and sizes integers.
var maintenanceParams = map[string][]string{
	"compact":             {"target_file_size_bytes", "min_input_files"},
	"expire-snapshots":    {"older_than", "retain_last"},
	"remove-orphan-files": {"older_than"},
}

func runMaintenance(cmd string, args []string, stdout io.Writer) error {
	usageErr := fmt.Errorf("usage: lakegate %s NAMESPACE.TABLE --user U [--domain D] [--group G]... [--config FILE | --data DIR]%s", cmd, paramUsage(cmd))
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	cfgPath := fs.String("config", "", "config file (JSON)")
	data := fs.String("data", defaultDataDir(), "data directory of the demo (its policy.yaml and catalog)")
	user := fs.String("user", "", "the identity the policy decides for (it must be allowed to write the table)")
	domain := fs.String("domain", "", "the identity's domain")
	var groups multiFlag
	fs.Var(&groups, "group", "the identity's group (repeatable)")
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	vals := map[string]*string{}
	for _, p := range maintenanceParams[cmd] {
		vals[p] = fs.String(strings.ReplaceAll(p, "_", "-"), "", strings.ReplaceAll(p, "_", " "))
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *user == "" {
		return usageErr
	}
	ns, name, ok := strings.Cut(pos[0], ".")
	if !ok || ns == "" || name == "" {
		return fmt.Errorf("table %q must be NAMESPACE.TABLE", pos[0])
	}
	log := newLogger(*logLevel, "text")
	var (
		cfgs       []catalog.Config
		policyFile = filepath.Join(*data, "policy.yaml")
		where      = "--data " + *data
		engineCfg  session.EngineConfig
		opts       = catalog.Options{Logger: log}
	)
	if *cfgPath != "" {
		cfg, err := loadConfig(*cfgPath)
		if err != nil {
			return err
		}
		if opts.FileCache, err = cfg.fileCache(log); err != nil {
			return err
		}
		cfgs, policyFile, where, engineCfg = cfg.Catalogs, cfg.PolicyFile, "--config "+*cfgPath, cfg.engineConfig()
	} else {
		if _, err := os.Stat(filepath.Join(*data, "catalog.db")); err != nil {
			return fmt.Errorf("%s: %s is not a data directory: %w", cmd, *data, err)
		}
		cfgs = []catalog.Config{embeddedCatalog(*data)}
	}
	if policyFile == "" {
		return fmt.Errorf("%s: the config has no policy_file, and without a policy no table is writable", cmd)
	}
	store, err := policy.NewStore(policyFile, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cat, err := catalog.Open(ctx, cfgs, opts)
	if err != nil {
		return relocateHint(err, where)
	}
	defer cat.Close()
	pl := session.New(cat, session.Config{Logger: log, Engine: engineCfg, Policy: store})
	defer pl.Close()
	s := pl.NewSession(session.Options{Principal: auth.Principal{Name: *user, Domain: *domain, Groups: groups, Method: "cli"},
		Settings: map[string]string{"application_name": "lakegate " + cmd}})
	defer s.Close()
	call := procedureCall(cmd, ns, name, vals)
	st, err := s.Prepare(ctx, call)
	if err != nil {
		return fmt.Errorf("%s %s.%s: %w", cmd, ns, name, err)
	}
	before, _ := currentState(ctx, cat, ns, name)
	if _, err := s.Execute(ctx, st, nil, func(arrow.RecordBatch) error { return nil }); err != nil {
		return fmt.Errorf("%s %s.%s: %w", cmd, ns, name, err)
	}
	after, snap := currentState(ctx, cat, ns, name)
	switch {
	case cmd == "remove-orphan-files":
		fmt.Fprintf(stdout, "%s %s.%s: done\n", cmd, ns, name)
	case before == after:
		fmt.Fprintf(stdout, "%s %s.%s: nothing to commit\n", cmd, ns, name)
	default:
		fmt.Fprintf(stdout, "%s %s.%s: committed, current snapshot %d\n", cmd, ns, name, snap)
	}
	return nil
}

// procedureCall is the CALL statement a maintenance command runs.
func procedureCall(cmd, ns, name string, vals map[string]*string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CALL lakegate.%s(%s", strings.ReplaceAll(cmd, "-", "_"), quoteLiteral(quoteIdent(ns)+"."+quoteIdent(name)))
	for _, p := range maintenanceParams[cmd] {
		v := strings.TrimSpace(*vals[p])
		if v == "" {
			continue
		}
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			fmt.Fprintf(&b, ", %s => %s", p, v)
		} else {
			fmt.Fprintf(&b, ", %s => %s", p, quoteLiteral(v))
		}
	}
	b.WriteString(")")
	return b.String()
}

// currentState names a table's metadata file and current snapshot: a
// commit changes the first, not always the second (expiry keeps it).
func currentState(ctx context.Context, cat *catalog.Catalog, ns, name string) (meta string, snapshot int64) {
	t, err := cat.LoadTable(ctx, catalog.Ident{Schema: ns, Name: name})
	if err != nil {
		return "", 0
	}
	return t.MetadataLocation, t.SnapshotID()
}

func paramUsage(cmd string) string {
	var b strings.Builder
	for _, p := range maintenanceParams[cmd] {
		fmt.Fprintf(&b, " [--%s V]", strings.ReplaceAll(p, "_", "-"))
	}
	return b.String()
}

// parseInterleaved parses flags given before or after the positional
// arguments, which it returns.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if len(rest) > 0 {
			pos = append(pos, rest[0])
			rest = rest[1:]
		}
	}
	return pos, nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
