package planner

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
	"intervalstyle":                       "postgres",
	"lock_timeout":                        "0",
	"search_path":                         `"$user", public`,
	"server_encoding":                     "UTF8",
	"server_version":                      "15.0",
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
}

// readOnlySettings may be shown but not set.
var readOnlySettings = map[string]bool{
	"server_encoding": true, "server_version": true, "integer_datetimes": true,
	"max_identifier_length": true, "is_superuser": true, "transaction_read_only": true,
	"session_authorization": true,
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
	toks := tokens(sql, 0)
	i := 1
	if i < len(toks) && (strings.EqualFold(toks[i], "SESSION") || strings.EqualFold(toks[i], "LOCAL")) {
		if i+1 < len(toks) && strings.EqualFold(toks[i+1], "CHARACTERISTICS") {
			st.Kind, st.Tag = KindNoop, "SET"
			return st, nil
		}
		i++
	}
	if i >= len(toks) {
		return nil, &EngineError{Kind: KindSyntax, Msg: "syntax error at end of input"}
	}
	name := strings.ToLower(strings.Trim(toks[i], `"`))
	i++
	switch {
	case name == "time" && i < len(toks) && strings.EqualFold(toks[i], "ZONE"):
		name = "timezone"
		i++
	case name == "transaction":
		st.Kind, st.Tag = KindNoop, "SET"
		return st, nil
	case name == "names":
		name = "client_encoding"
	default:
		// dotted custom names (a.b) are accepted like Postgres placeholders
		for i+1 < len(toks) && toks[i] == "." {
			name += "." + strings.ToLower(toks[i+1])
			i += 2
		}
		if i < len(toks) && (strings.EqualFold(toks[i], "TO") || toks[i] == "=") {
			i++
		} else {
			return nil, &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("syntax error at or near %q", strings.Join(toks[i:min(i+1, len(toks))], ""))}
		}
	}
	if i >= len(toks) {
		return nil, &EngineError{Kind: KindSyntax, Msg: "syntax error at end of input"}
	}
	var vals []string
	for _, t := range toks[i:] {
		if t == "," {
			continue
		}
		vals = append(vals, unquoteValue(t))
	}
	value := strings.Join(vals, ", ")
	if name != "search_path" && len(vals) == 1 {
		value = vals[0]
	}
	if strings.EqualFold(value, "DEFAULT") || strings.EqualFold(value, "LOCAL") && name == "timezone" {
		value = defaultSettings[name]
	}
	if _, ok := defaultSettings[name]; !ok && !strings.Contains(name, ".") {
		return nil, &ErrUnknownSetting{Name: name}
	}
	if readOnlySettings[name] {
		return nil, &ErrReadOnlySetting{Name: name}
	}
	if name == "statement_timeout" && value != "0" && parseTimeout(value) == 0 {
		return nil, &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid value for parameter \"statement_timeout\": %q", value)}
	}
	if name == "timezone" && !validTimeZone(value) {
		return nil, &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid value for parameter \"TimeZone\": %q", value)}
	}
	st.Kind, st.Tag, st.setName, st.setValue = KindSet, "SET", name, value
	return st, nil
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
	if err := s.applySetting(st.setName, st.setValue); err != nil {
		return Result{}, err
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
			if err := e.exec("SET TimeZone = " + sqlString(value)); err != nil {
				return classify(err)
			}
		}
	}
	return nil
}

func (s *Session) execReset(st *Stmt) (Result, error) {
	if st.setName == "all" {
		for k, v := range defaultSettings {
			if err := s.applySetting(k, v); err != nil {
				return Result{}, err
			}
		}
		return Result{Tag: "RESET"}, nil
	}
	name := st.setName
	if _, ok := defaultSettings[name]; !ok {
		return Result{}, &ErrUnknownSetting{Name: name}
	}
	return Result{Tag: "RESET"}, s.applySetting(name, defaultSettings[name])
}

func (s *Session) prepareShow(st *Stmt, kw []string) (*Stmt, error) {
	if len(kw) < 2 {
		return nil, &EngineError{Kind: KindSyntax, Msg: "syntax error at end of input"}
	}
	name := strings.ToLower(strings.Trim(kw[1], `"`))
	switch {
	case name == "time" && len(kw) > 2 && kw[2] == "ZONE":
		name = "timezone"
	case name == "transaction" && len(kw) > 3:
		name = "transaction_isolation"
	}
	if _, ok := defaultSettings[name]; !ok && name != "all" {
		return nil, &ErrUnknownSetting{Name: name}
	}
	st.Kind, st.setName = KindShow, name
	if name == "all" {
		st.Columns = []Column{{Name: "name", Type: Type{ID: TypeText}}, {Name: "setting", Type: Type{ID: TypeText}}, {Name: "description", Type: Type{ID: TypeText}}}
	} else {
		st.Columns = []Column{{Name: name, Type: Type{ID: TypeText}}}
	}
	return st, nil
}

func (s *Session) execShow(st *Stmt, sink RowSink) (Result, error) {
	var rows [][]string
	if st.setName == "all" {
		for k := range defaultSettings {
			rows = append(rows, []string{k, s.settings[k], ""})
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
