package policy

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/auth"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output in testdata files")

// testdataDir holds the policy fixtures shared with the rest of lakegate.
const testdataDir = "../testdata/policy"

// ddCase is one case of a datadriven file:
//
//	command key=value key="quoted value" flag
//	optional input lines
//	----
//	expected output lines (up to a blank line)
//
// Lines starting with '#' and blank lines between cases are comments.
type ddCase struct {
	pos   string // file:line of the command
	cmd   string
	args  map[string]string
	input string
}

func (c *ddCase) arg(t *testing.T, key string) string {
	t.Helper()
	v, ok := c.args[key]
	if !ok {
		t.Fatalf("%s: %s needs %s=", c.pos, c.cmd, key)
	}
	return v
}

// runDataDriven runs fn on every case of path and compares its output with
// the expected output, or with -rewrite replaces the expected output.
func runDataDriven(t *testing.T, path string, fn func(t *testing.T, c *ddCase) string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var out []string
	for i := 0; i < len(lines); {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			out = append(out, l)
			i++
			continue
		}
		c := &ddCase{pos: fmt.Sprintf("%s:%d", filepath.Base(path), i+1)}
		fields, err := splitFields(l)
		if err != nil {
			t.Fatalf("%s: %v", c.pos, err)
		}
		c.cmd, c.args = fields[0], map[string]string{}
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(f, "=")
			c.args[k] = v
		}
		out = append(out, l)
		i++
		var input []string
		for ; i < len(lines) && lines[i] != "----"; i++ {
			input = append(input, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("%s: missing ----", c.pos)
		}
		out = append(out, input...)
		out = append(out, "----")
		i++
		c.input = strings.Join(input, "\n")
		var expected []string
		for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			expected = append(expected, lines[i])
		}
		var actual string
		t.Run(c.pos, func(t *testing.T) { actual = strings.TrimRight(fn(t, c), "\n") })
		if strings.Contains(actual, "\n\n") {
			t.Errorf("%s: output contains a blank line, which this format cannot hold:\n%s", c.pos, actual)
		}
		if *rewrite {
			if actual != "" {
				out = append(out, strings.Split(actual, "\n")...)
			}
			continue
		}
		out = append(out, expected...)
		if want := strings.Join(expected, "\n"); actual != want {
			t.Errorf("%s: %s\ngot:\n%s\nwant:\n%s", c.pos, l, actual, want)
		}
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// splitFields splits a command line at spaces; a value may be a Go quoted
// string: user="x' or '1'='1".
func splitFields(l string) ([]string, error) {
	var fields []string
	for l = strings.TrimSpace(l); l != ""; l = strings.TrimSpace(l) {
		k, rest, hasEq := strings.Cut(l, "=")
		if hasEq && strings.HasPrefix(rest, `"`) && !strings.ContainsAny(k, " \t") {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("bad quoted value in %q: %v", l, err)
			}
			v, _ := strconv.Unquote(q)
			fields = append(fields, k+"="+v)
			l = rest[len(q):]
			continue
		}
		f, rest, _ := strings.Cut(l, " ")
		fields = append(fields, f)
		l = rest
	}
	if len(fields) == 0 {
		return nil, errors.New("empty command")
	}
	return fields, nil
}

// principalAndTable reads user= groups= domain= table= owner= columns= foreign.
func principalAndTable(t *testing.T, c *ddCase) (auth.Principal, Table) {
	pr := auth.Principal{Name: c.arg(t, "user"), Domain: c.args["domain"]}
	if g := c.args["groups"]; g != "" {
		pr.Groups = strings.Split(g, ",")
	}
	schema, name, ok := strings.Cut(c.arg(t, "table"), ".")
	if !ok {
		t.Fatalf("%s: table= wants ns.table", c.pos)
	}
	tab := Table{Schema: schema, Name: name, Owner: c.args["owner"]}
	if cols, ok := c.args["columns"]; ok {
		tab.Columns = strings.Split(cols, ",")
	}
	_, tab.Foreign = c.args["foreign"]
	return pr, tab
}

func formatDecision(pr auth.Principal, tab Table, d Decision) string {
	var b strings.Builder
	owner := d.Owner
	if owner == "" {
		owner = "(none)"
	}
	fmt.Fprintf(&b, "access=%s owner=%s read=%s write=%s\n", d.Access(), owner, yesNo(d.Read), yesNo(d.Write))
	fmt.Fprintf(&b, "rule: %s\n", d.Rule)
	if d.RowFilter != "" {
		fmt.Fprintf(&b, "row filter: %s\n", d.RowFilter)
	}
	cols := make([]string, 0, len(d.Masks))
	for c := range d.Masks {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		fmt.Fprintf(&b, "mask %s: %s\n", c, d.Masks[c])
	}
	if err := d.WriteError(pr, tab); err != nil {
		kind := "?"
		switch {
		case errors.Is(err, ErrExternalWrite):
			kind = "ErrExternalWrite"
		case errors.Is(err, ErrDenied):
			kind = "ErrDenied"
		}
		fmt.Fprintf(&b, "write error (%s): %s\n", kind, err)
	}
	return b.String()
}

// TestDecisions runs testdata/policy/decisions.txt:
//
//	policy file=demo.yaml      load a file from testdata/policy
//	policy                     or parse the inline YAML below
//	decide user=U [groups=a,b] [domain=D] table=ns.t [owner=O] [columns=a,b] [foreign]
//	explain (same arguments)   Explain's text
func TestDecisions(t *testing.T) {
	var p *Policy
	runDataDriven(t, filepath.Join(testdataDir, "decisions.txt"), func(t *testing.T, c *ddCase) string {
		switch c.cmd {
		case "policy":
			var err error
			if f, ok := c.args["file"]; ok {
				p, err = Load(filepath.Join(testdataDir, f))
			} else {
				p, err = Parse([]byte(c.input))
			}
			if err != nil {
				p = nil
				return "error: " + err.Error()
			}
			return fmt.Sprintf("ok: %d grants", p.Grants())
		case "decide":
			pr, tab := principalAndTable(t, c)
			return formatDecision(pr, tab, p.Decide(pr, tab))
		case "explain":
			pr, tab := principalAndTable(t, c)
			return Explain(p, pr, tab)
		}
		t.Fatalf("%s: unknown command %q", c.pos, c.cmd)
		return ""
	})
}

// TestParse runs testdata/policy/parse.txt: "parse" with an inline YAML
// policy, expecting "ok" or the error.
func TestParse(t *testing.T) {
	runDataDriven(t, filepath.Join(testdataDir, "parse.txt"), func(t *testing.T, c *ddCase) string {
		if c.cmd != "parse" {
			t.Fatalf("%s: unknown command %q", c.pos, c.cmd)
		}
		p, err := Parse([]byte(c.input))
		if err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprintf("ok: %d grants", p.Grants())
	})
}
