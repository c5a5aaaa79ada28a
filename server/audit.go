package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/lakegate/lakegate/planner"
)

// AuditConfig configures the audit log: one JSON object per line for every
// statement, allowed or denied.
type AuditConfig struct {
	// Writer receives the lines; nil disables the audit log.
	Writer io.Writer
	// Redact is "none" (statements as sent), "literals" (string and number
	// literals replaced by ?; the default) or "all" (only a hash).
	Redact string
}

type auditRecord struct {
	Time       string                `json:"time"`
	User       string                `json:"user"`
	Method     string                `json:"auth_method"`
	Domain     string                `json:"domain,omitempty"`
	Groups     []string              `json:"groups,omitempty"`
	Client     string                `json:"client"`
	Statement  string                `json:"statement,omitempty"`
	StmtHash   string                `json:"statement_sha256"`
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

func (a *auditLog) record(c *conn, stmt string, start time.Time, res planner.Result, err error) {
	if a == nil || a.cfg.Writer == nil {
		return
	}
	sum := sha256.Sum256([]byte(stmt))
	rec := auditRecord{
		Time:       start.UTC().Format(time.RFC3339Nano),
		User:       c.principal.Name,
		Method:     c.principal.Method,
		Domain:     c.principal.Domain,
		Groups:     c.principal.Groups,
		Client:     c.addr,
		StmtHash:   hex.EncodeToString(sum[:]),
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
		rec.Statement = planner.RedactLiterals(stmt)
	}
	if err != nil {
		rec.SQLState = string(sqlState(err))
		rec.Error = err.Error()
	}
	line, jerr := json.Marshal(rec)
	if jerr != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.cfg.Writer.Write(append(line, '\n'))
}
