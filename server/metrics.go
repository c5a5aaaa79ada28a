package server

import (
	"strings"
	"time"

	"github.com/lakegate/lakegate/internal/metrics"
	"github.com/lakegate/lakegate/planner/session"
)

// The server's events for the operations room (internal/metrics): a
// connection accepted, refused or closed (limits.go), an authentication
// (authn.go), a statement's end and the bytes written to a client socket
// (watch.go). With metrics off s.metrics is nil and each is a nil check.

// recordStatement is the end of a statement: its audit log line and its
// metrics.
func (s *Server) recordStatement(c *conn, sql string, start time.Time, res session.Result, err error) {
	s.audit.record(c, sql, start, res, err)
	if s.metrics == nil {
		return
	}
	state := "00000"
	if err != nil {
		state = string(sqlState(err))
	}
	var rows int64 // result rows: a write's tag counts rows written, not sent
	if strings.HasPrefix(res.Tag, "SELECT ") || strings.HasPrefix(res.Tag, "FETCH ") {
		rows = res.Rows
	}
	s.metrics.Statement(sql, state, time.Since(start), rows)
}

// refusedMetric is the refusal reason of a connection-ending error.
func refusedMetric(err error) string {
	if err == errShuttingDown {
		return metrics.RefusedShuttingDown
	}
	return metrics.RefusedMaxConnections
}
