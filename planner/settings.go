package planner

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// defaultSettings are the session parameters clients may SET and SHOW,
// with their defaults. Anything else is refused: engine settings are not
// the client's to change.
var defaultSettings = map[string]string{
	"application_name":                    "",
	"bytea_output":                        "hex",
	"client_encoding":                     "UTF8",
	"client_min_messages":                 "notice",
	"datestyle":                           "ISO, MDY",
	"default_transaction_isolation":       "read committed",
	"default_transaction_read_only":       "off",
	"extra_float_digits":                  "1",
	"idle_in_transaction_session_timeout": "0",
	"idle_session_timeout":                "0",
	"intervalstyle":                       "postgres",
	"lock_timeout":                        "0",
	"search_path":                         `"$user", public`,
	"server_encoding":                     "UTF8",
	"server_version":                      "15.0",
	"server_version_num":                  "150000",
	"in_hot_standby":                      "off",
	"default_transaction_deferrable":      "off",
	"transaction_deferrable":              "off",
	"standard_conforming_strings":         "on",
	"statement_timeout":                   "0",
	"timezone":                            "UTC",
	"transaction_isolation":               "read committed",
	"transaction_read_only":               "off",
	"integer_datetimes":                   "on",
	"max_identifier_length":               "63",
	"is_superuser":                        "off",
	"jit":                                 "off",
	"geqo":                                "on",
	"row_security":                        "on",
	"session_authorization":               "",
	"work_mem":                            "4MB",
	// psql's \password reads it to hash the new password, which it then
	// sends in ALTER USER (refused: accounts are not managed by SQL).
	"password_encryption": "scram-sha-256",
	// pg_dump sets it off; lakegate's scans start at the beginning anyway.
	"synchronize_seqscans": "on",
	// lakegate.result_cache: off runs every query, never answering from
	// kept results (resultcache.go), e.g. to time the engine.
	"lakegate.result_cache": "on",
}

// readOnlySettings may be shown but not set.
var readOnlySettings = map[string]bool{
	"server_encoding": true, "server_version": true, "server_version_num": true, "integer_datetimes": true,
	"max_identifier_length": true, "is_superuser": true, "session_authorization": true, "in_hot_standby": true,
	"password_encryption": true,
}

// ErrUnknownSetting is returned for SET/SHOW of an unknown parameter.
type ErrUnknownSetting struct{ Name string }

func (e *ErrUnknownSetting) Error() string {
	return fmt.Sprintf("unrecognized configuration parameter %q", e.Name)
}

// ErrReadOnlySetting is returned for SET of a parameter that cannot change.
type ErrReadOnlySetting struct{ Name string }

func (e *ErrReadOnlySetting) Error() string {
	return fmt.Sprintf("parameter %q cannot be changed", e.Name)
}

// showNames are the canonical spellings of settings whose name is not
// all lower case; SHOW names its column with them.
var showNames = map[string]string{"datestyle": "DateStyle", "intervalstyle": "IntervalStyle", "timezone": "TimeZone"}

// StartupSetting checks a parameter of a client's startup packet and returns
// the value the session takes. Parameters that are unknown, read-only or
// that lakegate cannot honour are refused.
func StartupSetting(name, value string) (string, error) {
	name = strings.ToLower(name)
	if _, ok := defaultSettings[name]; !ok {
		return "", &ErrUnknownSetting{Name: name}
	}
	if readOnlySettings[name] {
		return "", &ErrReadOnlySetting{Name: name}
	}
	if name == "client_encoding" {
		// libpq sends the client's locale encoding (client_encoding=auto
		// resolved client-side). lakegate sends UTF8 whatever was asked,
		// and says so in ParameterStatus, which libpq and the drivers obey.
		return "UTF8", nil
	}
	return checkSetting(name, value)
}

// checkSetting validates a value for a setting and returns it in the form
// SHOW reports. Settings that change how lakegate writes values accept only
// what lakegate writes: ISO dates, postgres intervals, UTF8, hex bytea,
// standard-conforming strings.
func checkSetting(name, value string) (string, error) {
	invalid := func() (string, error) {
		return "", &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid value for parameter \"%s\": \"%s\"", settingName(name), value)}
	}
	unsupported := func(what string) (string, error) {
		return "", fmt.Errorf("%w: %s = %s: lakegate %s", ErrNotSupported, settingName(name), value, what)
	}
	switch name {
	case "datestyle":
		order := ""
		for _, f := range strings.Split(value, ",") {
			switch strings.ToUpper(strings.TrimSpace(f)) {
			case "ISO":
			case "SQL", "POSTGRES", "GERMAN":
				return unsupported("writes dates in the ISO style only")
			case "MDY", "US", "NONEUROPEAN":
				order = "MDY"
			case "DMY", "EUROPEAN":
				order = "DMY"
			case "YMD":
				order = "YMD"
			case "DEFAULT":
				order = "MDY"
			default:
				return invalid()
			}
		}
		if order == "" {
			order = "MDY"
		}
		return "ISO, " + order, nil
	case "intervalstyle":
		switch strings.ToLower(strings.TrimSpace(value)) {
		case "postgres":
			return "postgres", nil
		case "postgres_verbose", "sql_standard", "iso_8601":
			return unsupported("writes intervals in the postgres style only")
		}
		return invalid()
	case "client_encoding":
		switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(value), "-", "")) {
		case "UTF8", "UNICODE":
			return "UTF8", nil
		}
		return unsupported("sends and reads text as UTF8 only")
	case "bytea_output":
		switch strings.ToLower(value) {
		case "hex":
			return "hex", nil
		case "escape":
			return unsupported("writes bytea in the hex format only")
		}
		return invalid()
	case "standard_conforming_strings":
		b, ok := parseBool(value)
		if !ok {
			return invalid()
		}
		if !b {
			return unsupported("reads string literals as standard-conforming only")
		}
		return "on", nil
	case "default_transaction_isolation", "transaction_isolation":
		iso, ok := isolationLevel(value)
		if !ok {
			return invalid()
		}
		return iso, nil
	case "default_transaction_read_only", "transaction_read_only", "default_transaction_deferrable", "transaction_deferrable",
		"jit", "geqo", "row_security", "synchronize_seqscans", "lakegate.result_cache":
		b, ok := parseBool(value)
		if !ok {
			return invalid()
		}
		if b {
			return "on", nil
		}
		return "off", nil
	case "timezone":
		if !validTimeZone(value) {
			return invalid()
		}
	case "statement_timeout", "idle_session_timeout", "idle_in_transaction_session_timeout":
		if value != "0" && parseTimeout(value) == 0 {
			return invalid()
		}
	}
	return value, nil
}

// IdleTimeouts returns the session's idle_session_timeout and
// idle_in_transaction_session_timeout (0: off). The server enforces them
// while it waits for the client's next message.
func (s *Session) IdleTimeouts() (idle, inTransaction time.Duration) {
	return parseTimeout(s.settings["idle_session_timeout"]), parseTimeout(s.settings["idle_in_transaction_session_timeout"])
}

func settingName(name string) string {
	if n, ok := showNames[name]; ok {
		return n
	}
	return name
}

// parseBool reads a Postgres boolean setting value.
func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return true, true
	case "off", "false", "no", "0", "f", "n":
		return false, true
	}
	return false, false
}

// isolationLevel reads an isolation level as SET and SHOW spell it.
func isolationLevel(v string) (string, bool) {
	v = strings.Join(strings.Fields(strings.ToLower(v)), " ")
	switch v {
	case "read uncommitted", "read committed", "repeatable read", "serializable":
		return v, true
	case "default":
		return defaultSettings["default_transaction_isolation"], true
	}
	return "", false
}

func validTimeZone(tz string) bool {
	_, err := time.LoadLocation(tz)
	return err == nil
}

func isUTC(tz string) bool {
	switch strings.ToUpper(tz) {
	case "UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z", "ZULU", "UCT", "UNIVERSAL":
		return true
	}
	return false
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
			return nil, fmt.Errorf("%w: SET TRANSACTION SNAPSHOT", ErrNotSupported)
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
		return nil, fmt.Errorf("%w: changing the session's role: lakegate decides access by the authenticated caller", ErrNotSupported)
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
		if err := settable(name); err != nil {
			return nil, err
		}
		value = s.resetValue(name)
	} else {
		v, err := settingValue(name, value)
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

// settable checks that SET may change a setting: a known one, or a custom
// (dotted) name, and not read-only.
func settable(name string) error {
	if _, ok := defaultSettings[name]; !ok && !strings.Contains(name, ".") {
		return &ErrUnknownSetting{Name: name}
	}
	if readOnlySettings[name] {
		return &ErrReadOnlySetting{Name: name}
	}
	return nil
}

// settingValue checks SET name = value and returns the value as SHOW
// reports it.
func settingValue(name, value string) (string, error) {
	if err := settable(name); err != nil {
		return "", err
	}
	if _, ok := defaultSettings[name]; !ok {
		return value, nil
	}
	return checkSetting(name, value)
}

// prepareSetConfig: SELECT set_config('name', 'value', is_local) is SET
// [LOCAL] name = 'value' that returns the new value (pgcatalog.SetConfig).
func (s *Session) prepareSetConfig(st *Stmt, sc pgcatalog.SetConfig) (*Stmt, error) {
	value, err := settingValue(sc.Name, sc.Value)
	if err != nil {
		return nil, err
	}
	st.Kind, st.Tag = KindSetConfig, "SELECT 1"
	st.cmd = &cmdStmt{assign: [][2]string{{sc.Name, value}}, local: sc.Local}
	st.Columns = []Column{{Name: "set_config", Type: Type{ID: TypeText}}}
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
			e.tz = ""
			if err := e.exec("SET TimeZone = " + sqlparse.QuoteLiteral(value)); err != nil {
				return classify(err)
			}
			e.tz = value
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
		return nil, &EngineError{Kind: KindSyntax, Msg: "syntax error at end of input"}
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
		st.Columns = []Column{{Name: "name", Type: Type{ID: TypeText}}, {Name: "setting", Type: Type{ID: TypeText}}, {Name: "description", Type: Type{ID: TypeText}}}
	} else {
		st.Columns = []Column{{Name: settingName(name), Type: Type{ID: TypeText}}}
	}
	return st, nil
}

func (s *Session) execShow(st *Stmt, sink RowSink) (Result, error) {
	var rows [][]string
	if st.setName == "all" {
		for _, k := range slices.Sorted(maps.Keys(defaultSettings)) {
			rows = append(rows, []string{settingName(k), s.settings[k], ""})
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
func sendTextRows(cols []Column, rows [][]string, sink RowSink) error {
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
