package server

import (
	"context"
	"strings"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/lakegate/lakegate/planner/session"
)

// Server identity. At startup PostgreSQL reports the settings marked
// GUC_REPORT in ParameterStatus messages, and reports them again whenever
// one changes (SET, RESET, the end of a transaction that changed one):
// https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-ASYNC.
// Drivers keep these values: libpq derives PQserverVersion from
// server_version, pgjdbc refuses a client_encoding other than UTF8 and a
// DateStyle other than ISO, node-postgres and pgx read TimeZone and
// integer_datetimes.
//
// psql-wire writes a fixed set itself (its server_version is always
// "150000", which libpq reads as version 150000.0.0 and pgjdbc as
// "150000"). lakegate writes the session's own values after those, before
// the first ReadyForQuery; a client keeps the last value it received for a
// parameter. The values come from the planner session, so they agree with
// SHOW, current_setting() and version().

// reportedSettings are PostgreSQL 15's GUC_REPORT parameters: the name on
// the wire and the session setting that holds the value.
var reportedSettings = []struct{ wire, setting string }{
	{"application_name", "application_name"},
	{"client_encoding", "client_encoding"},
	{"DateStyle", "datestyle"},
	{"default_transaction_read_only", "default_transaction_read_only"},
	{"in_hot_standby", "in_hot_standby"},
	{"integer_datetimes", "integer_datetimes"},
	{"IntervalStyle", "intervalstyle"},
	{"is_superuser", "is_superuser"},
	{"server_encoding", "server_encoding"},
	{"server_version", "server_version"},
	{"session_authorization", "session_authorization"},
	{"standard_conforming_strings", "standard_conforming_strings"},
	{"TimeZone", "timezone"},
}

// sessionSettings turns the startup packet's parameters into the session's
// initial settings. Parameters the client may not choose (server_version,
// is_superuser, ...) are ignored, as are values lakegate cannot honour; the
// session then keeps the default, and reports it.
func (s *Server) sessionSettings(c *conn, params wire.Parameters) map[string]string {
	settings := map[string]string{}
	// The configured idle timeouts are the defaults a client may override.
	if d := s.cfg.Limits.IdleSessionTimeout; d > 0 {
		settings["idle_session_timeout"] = formatTimeout(d)
	}
	if d := s.cfg.Limits.IdleInTransactionSessionTimeout; d > 0 {
		settings["idle_in_transaction_session_timeout"] = formatTimeout(d)
	}
	set := func(name, value string) {
		nv, err := session.StartupSetting(name, value)
		if err != nil {
			s.log.Debug("startup parameter ignored", "name", name, "err", err)
			return
		}
		settings[name] = nv
	}
	for k, v := range params {
		switch name := strings.ToLower(string(k)); name {
		case "user", "database", "replication", "options":
		default:
			set(name, v)
		}
	}
	// "-c name=value" and "--name=value" switches, as libpq passes them in
	// the options parameter; they win over plain parameters.
	for name, value := range parseStartupOptions(params["options"]) {
		set(name, value)
	}
	settings["session_authorization"] = c.principal.Name
	return settings
}

// parseStartupOptions reads the startup packet's "options" parameter:
// command-line switches separated by spaces, "\ " escaping a space.
func parseStartupOptions(v string) map[string]string {
	var args []string
	var cur strings.Builder
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && i+1 < len(v):
			i++
			cur.WriteByte(v[i])
		case v[i] == ' ' || v[i] == '\t':
			if cur.Len() > 0 {
				args = append(args, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteByte(v[i])
		}
	}
	if cur.Len() > 0 {
		args = append(args, cur.String())
	}
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		var kv string
		switch {
		case args[i] == "-c" && i+1 < len(args):
			i++
			kv = args[i]
		case strings.HasPrefix(args[i], "-c"):
			kv = args[i][2:]
		case strings.HasPrefix(args[i], "--"):
			kv = args[i][2:]
		default:
			continue
		}
		name, value, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		out[strings.ToLower(strings.ReplaceAll(name, "-", "_"))] = value
	}
	return out
}

// reportParameters sends a ParameterStatus for every reported setting whose
// value differs from what the client last received (all of them at
// startup).
func (c *conn) reportParameters() error {
	if c.out == nil || c.sess == nil {
		return nil
	}
	if c.reported == nil {
		c.reported = map[string]string{}
	}
	for _, p := range reportedSettings {
		v := c.sess.Setting(p.setting)
		if old, ok := c.reported[p.wire]; ok && old == v {
			continue
		}
		c.out.Start(types.ServerParameterStatus)
		c.out.AddString(p.wire)
		c.out.AddNullTerminate()
		c.out.AddString(v)
		c.out.AddNullTerminate()
		if err := c.out.End(); err != nil {
			return err
		}
		c.reported[p.wire] = v
	}
	return nil
}

// writeNotices sends the notices a statement raised (NoticeResponse), such
// as "there is already a transaction in progress".
func (c *conn) writeNotices() error {
	if c.out == nil || c.sess == nil {
		return nil
	}
	for _, n := range c.sess.TakeNotices() {
		c.out.Start(types.ServerNoticeResponse)
		for _, f := range [][2]string{
			{"S", n.Severity}, {"V", n.Severity}, {"C", string(sqlState(n.Err))}, {"M", n.Err.Error()},
		} {
			c.out.AddByte(f[0][0])
			c.out.AddString(f[1])
			c.out.AddNullTerminate()
		}
		c.out.AddByte(0)
		if err := c.out.End(); err != nil {
			return err
		}
	}
	return nil
}

// newRawWriter returns a protocol writer on the client connection, for the
// messages psql-wire has no API for (ParameterStatus after startup,
// NoticeResponse, EmptyQueryResponse, COPY TO STDOUT, row descriptions of
// statements planned while a simple query runs). psql-wire writes each
// message to the connection when it is complete (its row batches are
// flushed before the handler regains control), so messages written here
// between psql-wire's never interleave with them. This holds because
// psql-wire's ParallelPipeline is off: with it, Execute results are
// buffered and written later, and these messages would overtake them.
func (s *Server) newRawWriter(ctx context.Context) *buffer.Writer {
	_, sc := clientOf(ctx)
	if sc == nil {
		return nil
	}
	w := buffer.NewWriter(s.log, sc)
	w.ErrorSanitizer = sanitizeError
	return w
}
