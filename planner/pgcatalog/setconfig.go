package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// set_config changes a session setting, which only the session can do:
// the call is recognised as a statement of its own (SetConfigCall), the
// form pg_dump and most clients send, and the planner runs it as SET. A
// call anywhere else in a query reaches the engine macro, which fails when
// a row evaluates it (setConfigInQuery): a query that evaluates no row
// (pg_dump's set_config over the pg_settings row of a setting lakegate does
// not have) answers as Postgres does.

// SetConfig is a statement SELECT [pg_catalog.]set_config('name',
// 'value', is_local).
type SetConfig struct {
	Name, Value string
	Local       bool
}

// SetConfigCall recognises a statement that is exactly one set_config call
// with literal arguments (an optional trailing semicolon aside).
func SetConfigCall(sql string) (SetConfig, bool) {
	c := sqlparse.NewCursor(sql)
	if !c.Accept("SELECT") {
		return SetConfig{}, false
	}
	_ = c.Accept("pg_catalog", ".")
	if !c.Accept("SET_CONFIG") || !c.Accept("(") {
		return SetConfig{}, false
	}
	var out SetConfig
	var ok bool
	if out.Name, ok = sqlparse.StringValue(c.Next().Text); !ok || !c.Accept(",") {
		return SetConfig{}, false
	}
	if out.Value, ok = sqlparse.StringValue(c.Next().Text); !ok || !c.Accept(",") {
		return SetConfig{}, false
	}
	switch strings.ToUpper(c.Next().Text) {
	case "TRUE":
		out.Local = true
	case "FALSE":
	default:
		return SetConfig{}, false
	}
	if !c.Accept(")") {
		return SetConfig{}, false
	}
	_ = c.Accept(";")
	if !c.Done() {
		return SetConfig{}, false
	}
	out.Name = strings.ToLower(out.Name)
	return out, true
}

// SetConfigInQuery is the message of a set_config call the engine
// evaluates; the planner reports it as not supported.
const SetConfigInQuery = "set_config inside a query"

// setConfigMacro fails for every row that evaluates it.
const setConfigMacro = "set_config(n, v, l) AS error('" + SetConfigInQuery +
	": lakegate runs set_config only as a statement of its own, SELECT set_config(''name'', ''value'', is_local), with literal arguments (setting ' || n || ')')"
