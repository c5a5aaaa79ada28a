package server

import (
	"context"
	"fmt"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	wire "github.com/jeroenrinzema/psql-wire"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/session"
)

// Sessions as PostgreSQL shows them (pg_stat_activity) and ends them
// (pg_cancel_backend, pg_terminate_backend).
//
// Each connection keeps what pg_stat_activity shows of it (activity): a
// statement's start sets it active with the statement's text, the
// ReadyForQuery after it idle (or idle in transaction). The text is
// redacted only when someone lists it, as the audit log redacts
// (audit_redact), so the hot path stores a string and two times.
//
// Who sees and ends what: a caller sees and may cancel or terminate its
// own sessions (same user name); a member of Config.AdminGroup, every
// session. Others get 42501, as PostgreSQL answers a role without
// pg_signal_backend. A pid that is no session gives false.
//
// pg_cancel_backend(pid) cancels the session's running statement (57014
// there, as a CancelRequest does); pg_terminate_backend(pid) ends the
// session (FATAL 57P01, as the drain does: drain.go). The server runs the
// statement SELECT [pg_catalog.]pg_cancel_backend(N | $1) itself, which
// is what psql users, pgAdmin and DBeaver send; the call anywhere else
// fails with 0A000 (pgcatalog.SignalShape).

// activity is what pg_stat_activity shows of one connection.
type activity struct {
	mu          sync.Mutex
	app         string // application_name: the startup packet's, then the session's
	state       string
	query       string
	queryStart  time.Time
	stateChange time.Time
	xactStart   time.Time
}

// active marks a statement running.
func (c *conn) active(sql string) {
	now := time.Now()
	a := &c.act
	a.mu.Lock()
	a.state, a.query, a.queryStart, a.stateChange = "active", sql, now, now
	if a.xactStart.IsZero() {
		a.xactStart = now
	}
	a.mu.Unlock()
}

// idle marks the connection waiting for its client, and takes the
// session's application_name (a SET changes it, as in PostgreSQL).
func (c *conn) idle(inTxn, failed bool, app string) {
	state := "idle"
	switch {
	case failed:
		state = "idle in transaction (aborted)"
	case inTxn:
		state = "idle in transaction"
	}
	a := &c.act
	a.mu.Lock()
	a.app = app
	if a.state == "active" && c.sess != nil {
		c.sess.ClearCancel()
	}
	if a.state != state {
		a.state, a.stateChange = state, time.Now()
	}
	if !inTxn {
		a.xactStart = time.Time{}
	}
	a.mu.Unlock()
}

// cancel asks the session to stop its statement, when one runs: a cancel
// that comes while the connection is idle is ignored, as in PostgreSQL,
// and one that found no engine query yet is forgotten when the statement
// ends (idle).
func (c *conn) cancel() {
	a := &c.act
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.state == "active" && c.sess != nil {
		c.sess.Cancel()
	}
}

// isAdmin reports whether p may see and end every session.
func (s *Server) isAdmin(p auth.Principal) bool {
	return s.cfg.AdminGroup != "" && slices.Contains(p.Groups, s.cfg.AdminGroup)
}

// mayManage reports whether viewer may see and end target's sessions.
func (s *Server) mayManage(viewer, target auth.Principal) bool {
	return viewer.Name == target.Name || s.isAdmin(viewer)
}

// activityFor lists the sessions c's caller may see.
func (s *Server) activityFor(c *conn) pgcatalog.Activity {
	out := pgcatalog.Activity{Self: c.id}
	for _, o := range s.openConns() {
		if !s.mayManage(c.principal, o.principal) {
			continue
		}
		b := pgcatalog.Backend{PID: o.id, User: o.principal.Name, BackendStart: o.started}
		if host, port, err := net.SplitHostPort(o.addr); err == nil {
			b.ClientAddr = host
			b.ClientPort, _ = strconv.Atoi(port)
		}
		o.act.mu.Lock()
		b.Application, b.State, b.Query, b.QueryStart, b.StateChange, b.XactStart = o.act.app, o.act.state, o.act.query, o.act.queryStart, o.act.stateChange, o.act.xactStart
		o.act.mu.Unlock()
		switch s.cfg.Audit.Redact {
		case "none":
		case "all":
			b.Query = ""
		default:
			b.Query = sqlparse.RedactLiterals(b.Query)
		}
		out.Backends = append(out.Backends, b)
	}
	slices.SortFunc(out.Backends, func(a, b pgcatalog.Backend) int { return int(a.PID) - int(b.PID) })
	return out
}

// signalCall is a statement the server runs itself: SELECT
// [pg_catalog.]pg_cancel_backend(N) or pg_terminate_backend(N), N an
// integer or $1, with an optional alias.
type signalCall struct {
	fn    string // pg_cancel_backend or pg_terminate_backend
	name  string // the result column's name
	pid   int32
	param bool // the pid is parameter $1
}

var signalRE = regexp.MustCompile(`(?is)^\s*select\s+(?:pg_catalog\s*\.\s*)?(pg_cancel_backend|pg_terminate_backend)\s*\(\s*(\$1|[0-9]+)\s*(?:::\s*(?:int4|integer|int|int8|bigint)\s*)?\)\s*(?:(?:as\s+)?([a-z_][a-z0-9_]*))?\s*;?\s*$`)

func parseSignal(sql string) (signalCall, bool) {
	m := signalRE.FindStringSubmatch(sql)
	if m == nil {
		return signalCall{}, false
	}
	sc := signalCall{fn: strings.ToLower(m[1]), name: strings.ToLower(m[1])}
	if m[3] != "" && !strings.EqualFold(m[3], "from") {
		sc.name = strings.ToLower(m[3])
	}
	if m[2] == "$1" {
		sc.param = true
	} else {
		n, err := strconv.ParseInt(m[2], 10, 32)
		if err != nil {
			return signalCall{}, false
		}
		sc.pid = int32(n)
	}
	return sc, true
}

// errSignalDenied is a cancel or terminate of another user's session by a
// caller who is no admin.
type errSignalDenied struct{ terminate bool }

func (e *errSignalDenied) Error() string {
	if e.terminate {
		return "permission denied to terminate process"
	}
	return "permission denied to cancel query"
}

// signalStatement is the prepared statement of a signalCall.
func (s *Server) signalStatement(c *conn, sig signalCall, text string, clientOIDs []uint32) *wire.PreparedStatement {
	cols := wire.Columns{{Name: sig.name, Oid: pgtypes.OIDBool, Width: pgtypes.TypeSize(pgtypes.OIDBool), TypeModifier: -1}}
	var params []uint32
	if sig.param {
		oid := uint32(pgtypes.OIDInt4)
		if len(clientOIDs) > 0 && clientOIDs[0] != 0 {
			oid = clientOIDs[0]
		}
		params = []uint32{oid}
	}
	fn := func(ctx context.Context, w wire.DataWriter, args []wire.Parameter) error {
		c.busy()
		start := time.Now()
		c.active(text)
		ok, err := s.runSignal(c, sig, params, args)
		res := session.Result{Rows: 1, Tag: "SELECT 1"}
		if err != nil {
			res = session.Result{}
		}
		s.recordStatement(c, text, start, res, err)
		if err != nil {
			return withSQLState(err)
		}
		if err := w.Row([]any{ok}); err != nil {
			return err
		}
		return w.Complete("SELECT 1")
	}
	return s.newStatement(fn, wire.WithColumns(cols), wire.WithParameters(params))
}

func (s *Server) runSignal(c *conn, sig signalCall, oids []uint32, args []wire.Parameter) (bool, error) {
	pid := sig.pid
	if sig.param {
		vals, err := decodeParams(args, oids)
		if err != nil {
			return false, err
		}
		if len(vals) != 1 || vals[0] == nil {
			return false, nil // NULL in, NULL out in Postgres; false here
		}
		n, err := strconv.ParseInt(fmt.Sprint(vals[0]), 10, 32)
		if err != nil {
			return false, fmt.Errorf("%w: pid %v", session.ErrBadParameter, vals[0])
		}
		pid = int32(n)
	}
	s.mu.Lock()
	t := s.conns[pid]
	s.mu.Unlock()
	if t == nil {
		return false, nil
	}
	terminate := sig.fn == "pg_terminate_backend"
	if !s.mayManage(c.principal, t.principal) {
		return false, &errSignalDenied{terminate: terminate}
	}
	c.log.Info(sig.fn, "pid", pid, "target_user", t.principal.Name)
	if terminate {
		t.kill()
	} else {
		t.cancel()
	}
	return true, nil
}
