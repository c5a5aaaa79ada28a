package server

import (
	"bufio"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jeroenrinzema/psql-wire/codes"
	psqlerr "github.com/jeroenrinzema/psql-wire/errors"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner/session"
)

// pg15SQLStates reads testdata/pg15-sqlstates.txt, PostgreSQL 15's list.
func pg15SQLStates(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("testdata/pg15-sqlstates.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	known := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && line[0] != '#' {
			known[strings.Fields(line)[0]] = true
		}
	}
	if len(known) < 200 {
		t.Fatalf("only %d SQLSTATEs in the list", len(known))
	}
	return known
}

// wireCodes maps the names of psql-wire's code variables to their values,
// read from its codes/codes.go.
func wireCodes(t *testing.T, dir string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, "codes", "codes.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST && gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
						out[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	return out
}

// codeUses returns the psql-wire code constants named in the Go files
// (tests excluded) under root.
func codeUses(t *testing.T, root string) map[string][]string {
	t.Helper()
	re := regexp.MustCompile(`\bcodes\.([A-Z][A-Za-z0-9]*)\b`)
	uses := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "examples" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, filepath.Join("codes", "codes.go")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if m[1] == "Code" { // the type
				continue
			}
			uses[m[1]] = append(uses[m[1]], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses
}

// TestEverySQLStateIsPostgres walks every SQLSTATE the server can send:
// each psql-wire code constant named in lakegate's code (server/ maps the
// planner's, catalog's and policy's typed errors there) or in psql-wire's
// own, each planner state code, and an error with no code at all, as they
// leave through sanitizeError; each must be in PostgreSQL 15's list.
func TestEverySQLStateIsPostgres(t *testing.T) {
	t.Parallel()
	known := pg15SQLStates(t)
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/jeroenrinzema/psql-wire").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	wireDir := strings.TrimSpace(string(out))
	values := wireCodes(t, wireDir)
	sent := func(code codes.Code) string {
		return string(psqlerr.GetCode(sanitizeError(psqlerr.WithCode(errors.New("x"), code))))
	}
	checked := 0
	for root, what := range map[string]string{"..": "lakegate", wireDir: "psql-wire"} {
		for name, paths := range codeUses(t, root) {
			v, ok := values[name]
			if !ok {
				t.Errorf("%s: codes.%s (in %s) is no constant of psql-wire's codes", what, name, paths[0])
				continue
			}
			checked++
			if got := sent(codes.Code(v)); !known[got] {
				t.Errorf("%s: codes.%s = %q (in %s) goes out as %q, not a PostgreSQL 15 SQLSTATE", what, name, v, paths[0], got)
			}
		}
	}
	for sc, code := range stateCodes {
		checked++
		if got := string(psqlerr.GetCode(sanitizeError(withSQLState(&session.StateError{Code: sc, Msg: "x"})))); got != string(code) || !known[got] {
			t.Errorf("planner state %d goes out as %q", sc, got)
		}
	}
	for _, err := range []error{
		errors.New("no code at all"),
		errors.New("unknown statement"), errors.New("unknown portal"),
		psqlerr.WithCode(errors.New("client aborted copy: stop"), codes.Uncategorized),
		buffer.NewMissingNulTerminator(), buffer.NewInsufficientData(3),
		psqlerr.WithCode(errors.New("unimplemented client message type: 120"), codes.ConnectionDoesNotExist),
	} {
		checked++
		if got := string(psqlerr.GetCode(sanitizeError(err))); !known[got] {
			t.Errorf("%q goes out as %q, not a PostgreSQL 15 SQLSTATE", err, got)
		}
	}
	t.Logf("%d codes checked against %d PostgreSQL 15 SQLSTATEs", checked, len(known))
}

// TestSanitizedSQLStates pins what the psql-wire defaults become.
func TestSanitizedSQLStates(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want codes.Code
	}{
		{errors.New("no code"), codes.Internal},
		{errors.New("unknown statement"), codes.InvalidSQLStatementName},
		{errors.New("unknown portal"), codes.InvalidCursorName},
		{psqlerr.WithCode(errors.New("client aborted copy: stop"), codes.Uncategorized), codes.QueryCanceled},
		{psqlerr.WithCode(errors.New("unimplemented client message type: 120"), codes.ConnectionDoesNotExist), codes.ProtocolViolation},
		{buffer.NewInsufficientData(3), codes.ProtocolViolation},
		{errors.Join(errors.New("wrapped"), session.ErrCanceled), codes.QueryCanceled},
		{fmt.Errorf("send: %w", &pgtypes.ResultTooLargeError{Row: true, Size: 2, Limit: 1}), codes.ProgramLimitExceeded},
	} {
		if got := psqlerr.GetCode(sanitizeError(c.err)); got != c.want {
			t.Errorf("%q: %s, want %s", c.err, got, c.want)
		}
	}
}
