package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"io"
	"sync"
	"time"

	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/session"
)

// AuditConfig configures the audit log: one JSON object per line for every
// statement, allowed or denied.
type AuditConfig struct {
	// Writer receives the lines; nil disables the audit log.
	Writer io.Writer
	// Redact is "none" (statements and errors as sent), "literals" (string
	// and number literals and comments replaced by ?, and the values an
	// error message quotes; the default) or "all" (no statement, only its
	// fingerprint; errors redacted as with "literals").
	Redact string
	// Key is the HMAC-SHA256 key of the statement fingerprint; nil means a
	// random key per process (fingerprints then differ across restarts).
	// cmd/lakegate keeps one per deployment (audit_key_file).
	Key []byte
}

// The fingerprint, "statement_hmac", is HMAC-SHA256(Key, the statement with
// its literals redacted): one value per statement shape, so the log can be
// grouped by query whatever the values, and without the key nobody can
// confirm a guessed statement (not even its shape, under "all") by hashing
// it. The values themselves are never hashed, so even the key holder cannot
// test guesses of them.

type auditRecord struct {
	Time       string                `json:"time"`
	User       string                `json:"user"`
	Method     string                `json:"auth_method"`
	Domain     string                `json:"domain,omitempty"`
	Groups     []string              `json:"groups,omitempty"`
	Client     string                `json:"client"`
	Statement  string                `json:"statement,omitempty"`
	StmtHMAC   string                `json:"statement_hmac"`
	Tables     []planner.TableAccess `json:"tables"`
	Rows       int64                 `json:"rows"`
	DurationMS float64               `json:"duration_ms"`
	SQLState   string                `json:"sqlstate"`
	Error      string                `json:"error,omitempty"`
	// Kept: the rows came from a kept result, the engine did not run.
	Kept bool `json:"result_cache,omitempty"`
}

type auditLog struct {
	mu  sync.Mutex
	cfg AuditConfig
}

func newAuditLog(cfg AuditConfig) *auditLog {
	if cfg.Key == nil {
		cfg.Key = make([]byte, 32)
		_, _ = rand.Read(cfg.Key)
	}
	return &auditLog{cfg: cfg}
}

func (a *auditLog) record(c *conn, stmt string, start time.Time, res session.Result, err error) {
	if a == nil || a.cfg.Writer == nil {
		return
	}
	redacted := sqlparse.RedactLiterals(stmt)
	mac := hmac.New(sha256.New, a.cfg.Key)
	mac.Write([]byte(redacted))
	rec := auditRecord{
		Time:       start.UTC().Format(time.RFC3339Nano),
		User:       c.principal.Name,
		Method:     c.principal.Method,
		Domain:     c.principal.Domain,
		Groups:     c.principal.Groups,
		Client:     c.addr,
		StmtHMAC:   hex.EncodeToString(mac.Sum(nil)),
		Tables:     res.Tables,
		Rows:       res.Rows,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000,
		SQLState:   "00000",
		Kept:       res.Kept,
	}
	if rec.Tables == nil {
		rec.Tables = []planner.TableAccess{}
	}
	switch a.cfg.Redact {
	case "none":
		rec.Statement = stmt
	case "all":
	default:
		rec.Statement = redacted
	}
	if err != nil {
		rec.SQLState = string(sqlState(err))
		rec.Error = err.Error()
		if a.cfg.Redact != "none" {
			rec.Error = sqlparse.RedactMessage(rec.Error, sqlparse.Literals(stmt)...)
		}
	}
	line, jerr := json.Marshal(rec)
	if jerr != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.cfg.Writer.Write(append(line, '\n'))
}
