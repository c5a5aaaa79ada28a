package metrics

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is the process's registry with the server's own metrics. A nil
// *Metrics does nothing.
type Metrics struct {
	reg *prometheus.Registry

	connsOpen    prometheus.Gauge
	connsTotal   prometheus.Counter
	connsRefused *prometheus.CounterVec // reason
	auths        *prometheus.CounterVec // method, outcome
	statements   *prometheus.CounterVec // kind, class
	duration     *prometheus.HistogramVec
	rowsSent     prometheus.Counter
	bytesSent    prometheus.Counter
}

// Reasons a connection is refused before it has a session.
const (
	RefusedUnauthenticated = "unauthenticated_limit" // limits.max_unauthenticated_*
	RefusedMaxConnections  = "max_connections"       // limits.max_connections
	RefusedShuttingDown    = "shutting_down"         // draining (57P03)
)

// Authentication outcomes.
const (
	AuthOK     = "ok"
	AuthFailed = "failed"
)

// statementKinds are the values of the kind label: a statement's first
// keyword when it is one of these, else "other".
var statementKinds = map[string]bool{
	"select": true, "insert": true, "update": true, "delete": true, "create": true, "drop": true, "alter": true,
	"truncate": true, "comment": true, "call": true, "copy": true, "explain": true, "with": true, "values": true,
	"table": true, "show": true, "set": true, "reset": true, "begin": true, "start": true, "commit": true, "end": true,
	"rollback": true, "savepoint": true, "release": true, "prepare": true, "execute": true, "deallocate": true,
	"declare": true, "fetch": true, "move": true, "close": true, "discard": true,
}

// New returns a registry with the server's metrics and Go's runtime and
// process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		connsOpen: prometheus.NewGauge(prometheus.GaugeOpts{Name: "lakegate_connections_open",
			Help: "Client connections open now (accepted, not yet closed)."}),
		connsTotal: prometheus.NewCounter(prometheus.CounterOpts{Name: "lakegate_connections_total",
			Help: "Client connections accepted."}),
		connsRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lakegate_connections_refused_total",
			Help: "Connections refused before a session, by reason."}, []string{"reason"}),
		auths: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lakegate_authentications_total",
			Help: "Authentication attempts by method and outcome."}, []string{"method", "outcome"}),
		statements: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lakegate_statements_total",
			Help: "Statements run, by kind (first keyword) and SQLSTATE class (00 for success)."}, []string{"kind", "class"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "lakegate_statement_duration_seconds",
			Help:    "Time from a statement's start to its last row or error, by kind.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}}, []string{"kind"}),
		rowsSent: prometheus.NewCounter(prometheus.CounterOpts{Name: "lakegate_rows_sent_total",
			Help: "Result rows sent to clients."}),
		bytesSent: prometheus.NewCounter(prometheus.CounterOpts{Name: "lakegate_bytes_sent_total",
			Help: "Bytes written to client sockets (protocol messages, TLS records included)."}),
	}
	reg.MustRegister(m.connsOpen, m.connsTotal, m.connsRefused, m.auths, m.statements, m.duration, m.rowsSent, m.bytesSent,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every refusal reason and outcome is a series from the start, so a
	// rate over it is defined before the first event.
	for _, r := range []string{RefusedUnauthenticated, RefusedMaxConnections, RefusedShuttingDown} {
		m.connsRefused.WithLabelValues(r)
	}
	return m
}

// ConnOpened counts an accepted connection.
func (m *Metrics) ConnOpened() {
	if m == nil {
		return
	}
	m.connsTotal.Inc()
	m.connsOpen.Inc()
}

// ConnClosed counts the end of a connection ConnOpened counted.
func (m *Metrics) ConnClosed() {
	if m == nil {
		return
	}
	m.connsOpen.Dec()
}

// ConnRefused counts a connection refused for reason (Refused*).
func (m *Metrics) ConnRefused(reason string) {
	if m == nil {
		return
	}
	m.connsRefused.WithLabelValues(reason).Inc()
}

// Auth counts an authentication attempt by method (auth.Method*, or
// "none" when the attempt was refused before a method was chosen) and
// outcome (AuthOK, AuthFailed).
func (m *Metrics) Auth(method, outcome string) {
	if m == nil {
		return
	}
	m.auths.WithLabelValues(method, outcome).Inc()
}

// Statement counts a finished statement: its text (for its kind), its
// SQLSTATE ("00000" on success), how long it ran and the rows it sent.
func (m *Metrics) Statement(sql, sqlstate string, d time.Duration, rows int64) {
	if m == nil {
		return
	}
	kind := StatementKind(sql)
	class := "XX"
	if len(sqlstate) == 5 {
		class = sqlstate[:2]
	}
	m.statements.WithLabelValues(kind, class).Inc()
	m.duration.WithLabelValues(kind).Observe(d.Seconds())
	if rows > 0 {
		m.rowsSent.Add(float64(rows))
	}
}

// BytesSent counts bytes written to a client socket.
func (m *Metrics) BytesSent(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.bytesSent.Add(float64(n))
}

// CounterFunc registers a counter whose value fn reads at each scrape;
// labels are constant labels of this series (several series may share a
// name with different label values).
func (m *Metrics) CounterFunc(name, help string, labels map[string]string, fn func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, fn))
}

// GaugeFunc registers a gauge whose value fn reads at each scrape.
func (m *Metrics) GaugeFunc(name, help string, labels map[string]string, fn func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, fn))
}

// StatementKind is the kind label of a statement: its first keyword,
// lower-cased, when it is a known one, else "other" ("empty" for none).
// Leading blanks, comments and parentheses are skipped.
func StatementKind(sql string) string {
	i := 0
	for i < len(sql) {
		switch c := sql[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '(':
			i++
		case strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				return "empty"
			}
			i += j + 1
		case strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return "empty"
			}
			i += j + 4
		default:
			j := i
			for j < len(sql) && (sql[j] >= 'a' && sql[j] <= 'z' || sql[j] >= 'A' && sql[j] <= 'Z') {
				j++
			}
			if j == i {
				return "other"
			}
			w := strings.ToLower(sql[i:j])
			if statementKinds[w] {
				return w
			}
			return "other"
		}
	}
	return "empty"
}
