package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// auditSecrets are statements carrying a value that must not reach the
// audit log under audit_redact=literals or all: most fail with an error
// that quotes the value (bad casts, string-to-number conversions, a
// duplicate-key-like conversion in an insert, an unterminated string, JSON
// that echoes its input unquoted, a value written in double quotes that
// comes back as an unknown column).
var auditSecrets = []struct {
	sql, secret string
	ident       bool // the secret is a quoted identifier: kept in the statement under "literals"
}{
	{`select 'SSN-123-45-6789'::int`, "SSN-123-45-6789", false},
	{`select cast('4111-1111-1111-1111' as date)`, "4111-1111-1111-1111", false},
	{`select count(*) from users.customers where id = 'O''Brien-777'`, "Brien-777", false},
	{`select 99999999999::int`, "99999999999", false},
	{`select E'esc\'aped-secret'::bigint`, "aped-secret", false},
	{`select $$dollar-secret-5$$::int`, "dollar-secret-5", false},
	{`select 'not json: pin 8731'::json->>'x'`, "8731", false},
	{`select strptime('SECRET-DAY-31', '%Y-%m-%d')`, "SECRET-DAY-31", false},
	{`select 'unterminated-secret-6`, "unterminated-secret-6", false},
	{`insert into users.customers (id) values ('row-secret-7')`, "row-secret-7", false},
	{`select 1 /* comment-secret-8 */`, "comment-secret-8", false},
	{`select 123456789 + 1`, "123456789", false},
	{`select 'uuid-secret-11'::uuid`, "uuid-secret-11", false},
	{`select * from users.customers where email = "mail-secret-9"`, "mail-secret-9", true},
}

func TestAuditRedactsStatementsAndErrors(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"literals", "all"} {
		t.Run(mode, func(t *testing.T) {
			audit := &syncBuffer{}
			g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10},
				server.Config{Audit: server.AuditConfig{Writer: audit, Redact: mode}})
			c := g.connect(t)
			failed := 0
			for _, s := range auditSecrets {
				if _, err := c.Exec(context.Background(), s.sql, pgx.QueryExecModeSimpleProtocol); err != nil {
					failed++
				}
			}
			// The same value as a parameter of the extended protocol.
			if _, err := c.Exec(context.Background(), `select $1::int`, "param-secret-10"); err == nil {
				t.Fatal("a bad int parameter did not fail")
			}
			if failed < 10 {
				t.Fatalf("only %d of the statements failed: the test lost its teeth\n%s", failed, audit.String())
			}
			lines := strings.Split(strings.TrimSpace(audit.String()), "\n")
			errs := 0
			for _, line := range lines {
				var rec struct {
					Statement *string `json:"statement"`
					Error     string  `json:"error"`
					HMAC      string  `json:"statement_hmac"`
				}
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("audit line is not JSON: %v: %s", err, line)
				}
				if len(rec.HMAC) != 64 {
					t.Errorf("no fingerprint: %s", line)
				}
				if mode == "all" && rec.Statement != nil {
					t.Errorf("statement under all: %s", line)
				}
				if rec.Error != "" {
					errs++
				}
				for _, s := range auditSecrets {
					if strings.Contains(rec.Error, s.secret) {
						t.Errorf("error keeps %q: %s", s.secret, line)
					}
					if !s.ident && strings.Contains(withoutNumbers(line), s.secret) {
						t.Errorf("line keeps %q: %s", s.secret, line)
					}
				}
				if strings.Contains(line, "param-secret-10") {
					t.Errorf("line keeps a parameter value: %s", line)
				}
			}
			if errs < failed {
				t.Errorf("%d errors audited, %d statements failed", errs, failed)
			}
			t.Logf("%s:\n%s", mode, audit.String())
		})
	}
}

// The fingerprint is HMAC-SHA256(key, statement with literals redacted):
// the same for statements that differ only in their values, different
// under another key, and not the unkeyed SHA-256 of the statement.
func TestAuditFingerprintIsKeyed(t *testing.T) {
	t.Parallel()
	const stmt = `select 'SSN-123-45-6789'::int`
	fingerprints := map[string][]string{}
	for _, key := range []string{"key-one-0123456789abcdef", "key-two-0123456789abcdef"} {
		audit := &syncBuffer{}
		g := startGatewayWith(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10},
			server.Config{Audit: server.AuditConfig{Writer: audit, Redact: "all", Key: []byte(key)}})
		c := g.connect(t)
		for _, s := range []string{stmt, `select 'other value'::int`} {
			_, _ = c.Exec(context.Background(), s, pgx.QueryExecModeSimpleProtocol)
		}
		for _, line := range strings.Split(strings.TrimSpace(audit.String()), "\n") {
			var rec struct {
				HMAC string `json:"statement_hmac"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			fingerprints[key] = append(fingerprints[key], rec.HMAC)
		}
		mac := hmac.New(sha256.New, []byte(key))
		mac.Write([]byte(`select ?::int`))
		if want := hex.EncodeToString(mac.Sum(nil)); fingerprints[key][0] != want {
			t.Errorf("fingerprint %s, want HMAC(key, redacted) %s", fingerprints[key][0], want)
		}
	}
	one, two := fingerprints["key-one-0123456789abcdef"], fingerprints["key-two-0123456789abcdef"]
	if len(one) != 2 || len(two) != 2 || one[0] != one[1] || two[0] != two[1] {
		t.Fatalf("statements of one shape differ: %v %v", one, two)
	}
	if one[0] == two[0] {
		t.Fatal("the fingerprint does not depend on the key")
	}
	raw := sha256.Sum256([]byte(stmt))
	if one[0] == hex.EncodeToString(raw[:]) {
		t.Fatal("the fingerprint is the unkeyed hash of the statement")
	}
}

// withoutNumbers is an audit line without the fields whose digits are
// the audit's own (time, client port, duration, the fingerprint's hex):
// they may hold a secret's digits by chance (an HMAC with "8731" in it
// failed the literals case once).
func withoutNumbers(line string) string {
	var rec map[string]any
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		return line
	}
	for _, k := range []string{"time", "client", "duration_ms", "statement_hmac"} {
		delete(rec, k)
	}
	b, _ := json.Marshal(rec)
	return string(b)
}
