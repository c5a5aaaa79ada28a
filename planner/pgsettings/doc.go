// Package pgsettings owns the session parameters a client may SET and
// SHOW: their names and defaults (Defaults), which ones only show
// (ReadOnly), the values each accepts, spelled as SHOW reports them
// (Check, Value), startup-packet parameters (Startup), and the readers of
// setting values the session acts on (ParseBool, ParseTimeout,
// IsolationLevel, time zones).
//
// The session (planner) keeps the values, applies them and undoes them
// with its transaction blocks; this package only knows what a setting may
// be. Its errors are the planner's (ErrUnknown, ErrReadOnly, and
// planner/write's EngineError and ErrNotSupported), which the server maps
// to SQLSTATEs.
//
// Must never: hold a session's state, or accept a setting that changes
// how lakegate writes values (date style, bytea output, encodings) to
// something lakegate does not write.
// https://www.postgresql.org/docs/15/runtime-config-client.html
package pgsettings
