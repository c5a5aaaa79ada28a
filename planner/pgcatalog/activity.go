package pgcatalog

import (
	"strconv"
	"strings"
	"time"
)

// pg_stat_activity: the sessions the caller may see (its own; every
// session for an admin), as the server lists them, installed before each
// statement that reads the catalogs (so a query sees the sessions as they
// were when it started). pg_backend_pid() is the session's own pid.
// See https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW

// Backend is one session as pg_stat_activity shows it. Zero times are
// NULL.
type Backend struct {
	PID                                              int32
	User, Application                                string
	ClientAddr                                       string // "" for a Unix socket
	ClientPort                                       int
	BackendStart, XactStart, QueryStart, StateChange time.Time
	State                                            string // active, idle, idle in transaction, ...
	Query                                            string // as the audit log redacts it
}

// Activity is what a session's pg_stat_activity holds: its own pid and
// the sessions its caller may see.
type Activity struct {
	Self     int32
	Backends []Backend
}

// SignalShape is the error of a pg_cancel_backend or pg_terminate_backend
// call in a statement the server does not run itself.
const SignalShape = "pg_cancel_backend and pg_terminate_backend are supported only as SELECT pg_cancel_backend(pid)"

// SQL fills pg_stat_activity and defines pg_backend_pid() in an engine
// where FixedSQL ran.
func (a Activity) SQL(caller string) string {
	var b strings.Builder
	rel := pgRelations["pg_stat_activity"]
	rows := make([][]any, 0, len(a.Backends))
	for _, s := range a.Backends {
		role := catalogOID("role", s.User)
		if s.User == caller {
			role = callerRoleOID
		}
		var addr, port any
		if s.ClientAddr != "" {
			addr, port = s.ClientAddr, s.ClientPort
		} else {
			port = -1
		}
		rows = append(rows, rel.row(map[string]any{
			"datid": int64(databaseOID), "datname": databaseName, "pid": int64(s.PID), "leader_pid": nil,
			"usesysid": role, "usename": s.User, "application_name": s.Application, "client_addr": addr,
			"client_port": port, "backend_start": timeLiteral(s.BackendStart), "xact_start": timeLiteral(s.XactStart),
			"query_start": timeLiteral(s.QueryStart), "state_change": timeLiteral(s.StateChange),
			"wait_event_type": nil, "wait_event": nil, "state": s.State, "backend_xid": nil, "backend_xmin": nil,
			"query_id": nil, "query": s.Query, "backend_type": "client backend",
		}))
	}
	sqlRows{&b}.insert(pgSchema, "pg_stat_activity", "", rows)
	createMacros(&b, []string{"pg_backend_pid() AS " + strconv.Itoa(int(a.Self)) + "::INTEGER"})
	return b.String()
}

// timeLiteral is a timestamptz as text the engine casts on insert, or nil.
func timeLiteral(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
}
