package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lakegate/lakegate/auth"
)

func loadDemo(t *testing.T) *Policy {
	t.Helper()
	p, err := Load(filepath.Join(testdataDir, "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	p := loadDemo(t)
	charges := Table{Schema: "payments", Name: "charges", Owner: "payments"}
	for _, tc := range []struct {
		pr   auth.Principal
		t    Table
		want error
		msg  string
	}{
		{commsSvc, charges, ErrExternalWrite, "table payments.charges is owned by domain payments and is read-only for domain comms"},
		{auth.Principal{Name: "payments_svc", Domain: "payments"}, charges, nil, ""},
		{auth.Principal{Name: "payments_svc", Domain: "payments"}, Table{Schema: "payments", Name: "charges", Foreign: true}, ErrDenied, "permission denied for table payments.charges"},
		{auth.Principal{Name: "analyst", Groups: []string{"analysts"}}, Table{Schema: "ext", Name: "t", Foreign: true}, ErrExternalWrite, "table ext.t is in a catalog lakegate does not own and is read-only for user analyst, who has no domain"},
		{auth.Principal{Name: "m", Domain: "marketing"}, Table{Schema: "marketing", Name: "c", Owner: "marketing"}, ErrDenied, "table marketing.c is owned by domain marketing, but user m has no write grant on it"},
	} {
		err := p.Decide(tc.pr, tc.t).WriteError(tc.pr, tc.t)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s on %s: %v, want allowed", tc.pr.Name, tc.t, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) || err.Error() != tc.msg {
			t.Errorf("%s on %s: %v, want %q wrapping %v", tc.pr.Name, tc.t, err, tc.msg, tc.want)
		}
	}
}

// A foreign table is external to everyone, whoever its owner is, and a
// write grant never applies to it.
func TestForeignExternalToAll(t *testing.T) {
	t.Parallel()
	p, err := Parse([]byte(`
grants:
  - subjects: ["*"]
    objects: ["*"]
    privileges: [read, write]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range []auth.Principal{
		{Name: "a", Domain: "payments"}, {Name: "b", Domain: "comms"}, {Name: "c"},
	} {
		ft := Table{Schema: "payments", Name: "charges", Owner: "payments", Foreign: true}
		d := p.Decide(pr, ft)
		if !d.Visible || d.Native || d.Write || !errors.Is(d.WriteError(pr, ft), ErrExternalWrite) {
			t.Errorf("%+v: %+v, want visible external read-only", pr, d)
		}
		nt := ft
		nt.Foreign = false
		d = p.Decide(pr, nt)
		if native := pr.Domain == "payments"; d.Native != native || d.Write != native {
			t.Errorf("%+v on native catalog: %+v", pr, d)
		}
	}
}

// The empty policy (nil): owners read their own tables, nothing else.
func TestNilPolicy(t *testing.T) {
	t.Parallel()
	var p *Policy
	tab := Table{Schema: "users", Name: "customers", Owner: "users"}
	if d := p.Decide(auth.Principal{Name: "u", Domain: "users"}, tab); !d.Native || !d.Read || d.Write {
		t.Errorf("owner: %+v", d)
	}
	if d := p.Decide(commsSvc, tab); d.Visible || d.Rule != "default deny" {
		t.Errorf("other domain: %+v", d)
	}
	if !strings.Contains(Explain(p, commsSvc, tab), "grants naming users.customers: none") {
		t.Error(Explain(p, commsSvc, tab))
	}
}

func TestQuoteLiteral(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"bob":                "'bob'",
		"":                   "''",
		"x' or '1'='1":       "'x'' or ''1''=''1'",
		`back\slash\'`:       `'back\slash\'''`,
		"a\x00b":             "('a' || chr(0) || 'b')",
		"'; DROP TABLE t --": "'''; DROP TABLE t --'",
	} {
		if got := QuoteLiteral(in); got != want {
			t.Errorf("QuoteLiteral(%q) = %s, want %s", in, got, want)
		}
	}
}

// skeleton replaces the content of every string literal with nothing, so
// that whatever a caller's values contain, the SQL around them is the same.
func skeleton(t *testing.T, sql string) string {
	var b strings.Builder
	for i := 0; i < len(sql); i++ {
		q := sql[i]
		if q != '\'' && q != '"' {
			b.WriteByte(q)
			continue
		}
		j := i + 1
		for ; j < len(sql); j++ {
			if sql[j] == q {
				if j+1 < len(sql) && sql[j+1] == q {
					j++
					continue
				}
				break
			}
		}
		if j == len(sql) {
			t.Fatalf("unterminated %c in %s", q, sql)
		}
		if q == '"' {
			b.WriteString(sql[i : j+1]) // identifiers are part of the shape
		} else {
			b.WriteString("''")
		}
		i = j
	}
	return b.String()
}

func FuzzRenderStaysLiteral(f *testing.F) {
	f.Add("x' or '1'='1", "d", "g1", "g2")
	f.Add("'", "''", "'--", "/*")
	f.Add("a\x00b", "", "", "]")
	e, err := parseExpr("a = {{user}} AND (b = {{domain}} OR list_contains({{groups}}, c))")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, user, domain, g1, g2 string) {
		if strings.ContainsRune(user+domain+g1+g2, 0) {
			t.Skip("NUL becomes chr(0), a different shape")
		}
		pr := auth.Principal{Name: user, Domain: domain, Groups: []string{g1, g2}}
		want := "a = '' AND (b = '' OR list_contains(['', ''], c))"
		if domain == "" {
			want = "a = '' AND (b = NULL::VARCHAR OR list_contains(['', ''], c))"
		}
		if got := skeleton(t, e.Render(pr)); got != want {
			t.Errorf("values escaped their literals: %s", e.Render(pr))
		}
	})
}

// Parse never panics, and what it accepts can be decided and explained.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"demo.yaml", "parse.txt", "decisions.txt"} {
		data, err := os.ReadFile(filepath.Join(testdataDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		for _, pr := range []auth.Principal{commsSvc, {Name: "a", Groups: []string{"analysts"}}} {
			for _, tab := range []Table{customers, {Schema: "x", Name: "y", Columns: []string{"email"}, Foreign: true}} {
				_ = Explain(p, pr, tab)
			}
		}
	})
}

// Whatever expression the parser accepts, the caller's values cannot change
// its shape: rendered with hostile values, it has the same SQL outside its
// string literals as with harmless ones.
func FuzzExprShape(f *testing.F) {
	f.Add("a = {{user}}", "x' or '1'='1")
	f.Add(`"it's" = {{user}} AND x IN {{groups}}`, "'")
	f.Add("list_contains({{groups}}, team) OR d = {{domain}}", "')--")
	f.Fuzz(func(t *testing.T, src, value string) {
		if strings.ContainsRune(value, 0) {
			return
		}
		e, err := parseExpr(src)
		if err != nil {
			return
		}
		benign := auth.Principal{Name: "a", Domain: "a", Groups: []string{"a"}}
		hostile := auth.Principal{Name: value, Domain: value + "x", Groups: []string{value}}
		if got, want := skeleton(t, e.Render(hostile)), skeleton(t, e.Render(benign)); got != want {
			t.Errorf("template %q: value %q changed the shape:\n%s\n%s", src, value, got, want)
		}
	})
}
