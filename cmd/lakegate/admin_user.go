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

	"golang.org/x/term"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/policy"
)

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
