package session

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/pgsettings"
)

// The session parameters, their defaults and their validation are
// planner/pgsettings'; these names keep them at hand.
var (
	defaultSettings  = pgsettings.Defaults
	readOnlySettings = pgsettings.ReadOnly
)

// ErrUnknownSetting is returned for SET/SHOW of an unknown parameter.
type ErrUnknownSetting = pgsettings.ErrUnknown

// ErrReadOnlySetting is returned for SET of a parameter that cannot change.
type ErrReadOnlySetting = pgsettings.ErrReadOnly

// StartupSetting checks a parameter of a client's startup packet and
// returns the value the session takes (pgsettings.Startup).
func StartupSetting(name, value string) (string, error) { return pgsettings.Startup(name, value) }

// IdleTimeouts returns the session's idle_session_timeout and
// idle_in_transaction_session_timeout (0: off). The server enforces them
// while it waits for the client's next message.
func (s *Session) IdleTimeouts() (idle, inTransaction time.Duration) {
	return pgsettings.ParseTimeout(s.settings["idle_session_timeout"]), pgsettings.ParseTimeout(s.settings["idle_in_transaction_session_timeout"])
}

func (s *Session) prepareSet(st *Stmt, sql string, kw []string) (*Stmt, error) {
	t := newTokScan(sql)
	t.next()
	c := &cmdStmt{}
	if t.accept("SESSION", "CHARACTERISTICS") {
		// SET SESSION CHARACTERISTICS AS TRANSACTION modes: the defaults of
		// later transactions.
		if err := t.expect("AS", "TRANSACTION"); err != nil {
			return nil, err
		}
		modes, err := parseTxnModes(t)
		if err != nil {
			return nil, err
		}
		if len(modes) == 0 {
			return nil, syntaxErrAt("")
		}
		for _, m := range modes {
			c.assign = append(c.assign, [2]string{"default_" + m[0], m[1]})
		}
		st.Kind, st.Tag, st.cmd = KindSet, "SET", c
		return st, nil
	}
	if t.accept("LOCAL") {
		c.local = true
	} else {
		_ = t.accept("SESSION")
	}
	if t.done() {
		return nil, syntaxErrAt("")
	}
	switch {
	case t.accept("TRANSACTION"):
		if t.accept("SNAPSHOT") {
			return nil, fmt.Errorf("%w: SET TRANSACTION SNAPSHOT", planner.ErrNotSupported)
		}
		modes, err := parseTxnModes(t)
		if err != nil {
			return nil, err
		}
		if len(modes) == 0 {
			return nil, syntaxErrAt("")
		}
		c.assign, c.local, c.txnOnly = modes, true, true
		st.Kind, st.Tag, st.cmd = KindSet, "SET", c
		return st, nil
	case t.accept("SESSION", "AUTHORIZATION"), t.accept("ROLE"):
		return nil, fmt.Errorf("%w: changing the session's role: lakegate decides access by the authenticated caller", planner.ErrNotSupported)
	}
	var toks []string
	for k := t.Index(); k < t.Len(); k++ {
		toks = append(toks, t.At(k).Text)
	}
	i := 0
	name := strings.ToLower(strings.Trim(toks[i], `"`))
	i++
	switch {
	case name == "time" && i < len(toks) && strings.EqualFold(toks[i], "ZONE"):
		name = "timezone"
		i++
	case name == "names":
		name = "client_encoding"
	case name == "schema":
		name = "search_path"
	default:
		// dotted custom names (a.b) are accepted like Postgres placeholders
		for i+1 < len(toks) && toks[i] == "." {
			name += "." + strings.ToLower(toks[i+1])
			i += 2
		}
		if i < len(toks) && (strings.EqualFold(toks[i], "TO") || toks[i] == "=") {
			i++
		} else {
			return nil, syntaxErrAt(strings.Join(toks[i:min(i+1, len(toks))], ""))
		}
	}
	if i >= len(toks) {
		return nil, syntaxErrAt("")
	}
	var vals []string
	for _, t := range toks[i:] {
		if t == "," {
			continue
		}
		vals = append(vals, unquoteValue(t))
	}
	if name != "search_path" {
		// a quoted identifier is a value like any other (SET TIME ZONE
		// "Asia/Shanghai"); search_path keeps the quotes it shows
		for k, v := range vals {
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				vals[k] = strings.ReplaceAll(v[1:len(v)-1], `""`, `"`)
			}
		}
	}
	value := strings.Join(vals, ", ")
	if name != "search_path" && len(vals) == 1 {
		value = vals[0]
	}
	if strings.EqualFold(value, "DEFAULT") || strings.EqualFold(value, "LOCAL") && name == "timezone" {
		if err := pgsettings.Settable(name); err != nil {
			return nil, err
		}
		value = s.resetValue(name)
	} else {
		v, err := pgsettings.Value(name, value)
		if err != nil {
			return nil, err
		}
		value = v
	}
	switch name {
	case "transaction_isolation", "transaction_read_only", "transaction_deferrable":
		// SET transaction_isolation = ... is SET TRANSACTION ...
		c.local, c.txnOnly = true, true
	}
	c.assign = [][2]string{{name, value}}
	st.Kind, st.Tag, st.cmd = KindSet, "SET", c
	return st, nil
}

// prepareSetConfig: SELECT set_config('name', 'value', is_local) is SET
// [LOCAL] name = 'value' that returns the new value (pgcatalog.SetConfig).
func (s *Session) prepareSetConfig(st *Stmt, sc pgcatalog.SetConfig) (*Stmt, error) {
	value, err := pgsettings.Value(sc.Name, sc.Value)
	if err != nil {
		return nil, err
	}
	st.Kind, st.Tag = KindSetConfig, "SELECT 1"
	st.cmd = &cmdStmt{assign: [][2]string{{sc.Name, value}}, local: sc.Local}
	st.Columns = []pgtypes.Column{{Name: "set_config", Type: pgtypes.Type{ID: pgtypes.TypeText}}}
	return st, nil
}

// execSetConfig: is_local outside a block changes nothing (the statement
// is its own transaction) and, unlike SET LOCAL, warns of nothing.
func (s *Session) execSetConfig(st *Stmt, sink RowSink) (Result, error) {
	a := st.cmd.assign[0]
	if s.inTxn || !st.cmd.local {
		if err := s.setSetting(a[0], a[1], st.cmd.local, false); err != nil {
			return Result{}, err
		}
	}
	if err := sendTextRows(st.Columns, [][]string{{a[1]}}, sink); err != nil {
		return Result{}, err
	}
	return Result{Tag: st.Tag, Rows: 1}, nil
}

// resetValue is what RESET gives a setting: its value when the session
// started (a startup parameter or the default).
func (s *Session) resetValue(name string) string {
	if v, ok := s.cmd.reset[name]; ok {
		return v
	}
	return defaultSettings[name]
}

func unquoteValue(t string) string {
	if len(t) >= 2 && t[0] == '\'' && t[len(t)-1] == '\'' {
		return strings.ReplaceAll(t[1:len(t)-1], "''", "'")
	}
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		return t // identifiers keep their quotes (search_path)
	}
	return t
}

func (s *Session) execSet(st *Stmt) (Result, error) {
	for _, a := range st.cmd.assign {
		if err := s.setSetting(a[0], a[1], st.cmd.local, st.cmd.txnOnly); err != nil {
			return Result{}, err
		}
	}
	return Result{Tag: "SET"}, nil
}

func (s *Session) applySetting(name, value string) error {
	s.settings[name] = value
	if name == "timezone" {
		s.engMu.Lock()
		e := s.eng
		s.engMu.Unlock()
		if e != nil {
			s.bumpEngine() // statements bound under the old zone are stale
			if err := e.setTimeZone(value); err != nil {
				return planner.Classify(err)
			}
		}
	}
	return nil
}

func (s *Session) prepareReset(st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	var name string
	switch {
	case t.accept("ALL"):
		name = "all"
	case t.accept("TIME", "ZONE"):
		name = "timezone"
	case t.accept("SESSION", "AUTHORIZATION"), t.accept("ROLE"):
		// lakegate has no SET ROLE: the session always is its caller.
		st.Kind, st.Tag = KindNoop, "RESET"
		return t.end()
	case t.accept("TRANSACTION", "ISOLATION", "LEVEL"):
		name = "transaction_isolation"
	default:
		n, err := t.ident()
		if err != nil {
			return err
		}
		name = n
		for t.accept(".") {
			part, err := t.ident()
			if err != nil {
				return err
			}
			name += "." + part
		}
	}
	if err := t.end(); err != nil {
		return err
	}
	if _, ok := defaultSettings[name]; !ok && name != "all" && !strings.Contains(name, ".") {
		return &ErrUnknownSetting{Name: name}
	}
	if readOnlySettings[name] {
		return &ErrReadOnlySetting{Name: name}
	}
	st.Kind, st.setName, st.Tag = KindReset, name, "RESET"
	return nil
}

func (s *Session) execReset(st *Stmt) (Result, error) {
	if st.setName == "all" {
		for k := range defaultSettings {
			if readOnlySettings[k] || strings.HasPrefix(k, "transaction_") {
				continue
			}
			if err := s.setSetting(k, s.resetValue(k), false, false); err != nil {
				return Result{}, err
			}
		}
		return Result{Tag: "RESET"}, nil
	}
	name := st.setName
	return Result{Tag: "RESET"}, s.setSetting(name, s.resetValue(name), false, strings.HasPrefix(name, "transaction_"))
}

func (s *Session) prepareShow(st *Stmt, kw []string) (*Stmt, error) {
	if len(kw) < 2 {
		return nil, &planner.EngineError{Kind: planner.KindSyntax, Msg: "syntax error at end of input"}
	}
	name := strings.ToLower(strings.Trim(kw[1], `"`))
	switch {
	case name == "time" && len(kw) > 2 && kw[2] == "ZONE":
		name = "timezone"
	case name == "transaction" && len(kw) > 3 && kw[2] == "ISOLATION" && kw[3] == "LEVEL":
		name = "transaction_isolation"
	case name == "session" && len(kw) > 2 && kw[2] == "AUTHORIZATION":
		name = "session_authorization"
	case len(kw) > 3 && kw[2] == ".": // a custom (prefixed) setting
		name += "." + strings.ToLower(strings.Trim(kw[3], `"`))
	}
	if _, ok := defaultSettings[name]; !ok && name != "all" {
		return nil, &ErrUnknownSetting{Name: name}
	}
	st.Kind, st.setName = KindShow, name
	if name == "all" {
		st.Columns = []pgtypes.Column{{Name: "name", Type: pgtypes.Type{ID: pgtypes.TypeText}}, {Name: "setting", Type: pgtypes.Type{ID: pgtypes.TypeText}}, {Name: "description", Type: pgtypes.Type{ID: pgtypes.TypeText}}}
	} else {
		st.Columns = []pgtypes.Column{{Name: pgsettings.ShowName(name), Type: pgtypes.Type{ID: pgtypes.TypeText}}}
	}
	return st, nil
}

func (s *Session) execShow(st *Stmt, sink RowSink) (Result, error) {
	var rows [][]string
	if st.setName == "all" {
		for _, k := range slices.Sorted(maps.Keys(defaultSettings)) {
			rows = append(rows, []string{pgsettings.ShowName(k), s.settings[k], ""})
		}
	} else {
		v := s.settings[st.setName]
		if st.setName == "timezone" {
			// Postgres reports the name as set.
			v = s.settings["timezone"]
		}
		rows = [][]string{{v}}
	}
	if err := sendTextRows(st.Columns, rows, sink); err != nil {
		return Result{}, err
	}
	return Result{Tag: "SHOW", Rows: int64(len(rows))}, nil
}

// sendTextRows sends rows of text values as one record batch.
func sendTextRows(cols []pgtypes.Column, rows [][]string, sink RowSink) error {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	for _, r := range rows {
		for i, v := range r {
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return sink(rec)
}
