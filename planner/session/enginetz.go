package session

import "github.com/lakegate/lakegate/planner/pgcatalog"

// A session's TimeZone is its engine connection's, and to_char's zone
// abbreviations come from a macro made for that zone
// (pgcatalog.TimeZoneSQL). The macro is the database's: a reset's new
// connection keeps it. Defining it is a CREATE, which would mark the engine
// as holding a session's objects (engine.exec) and make every reset look
// for objects and compare settings (enginepool.go) — the most of a
// short-lived client's server time (BENCHMARKS.md, Connect). It is
// lakegate's own, of a fixed name, replaced rather than added, so it runs
// outside exec, and a reset defines it again only after a session changed
// the zone.

// setTimeZone sets the connection's TimeZone to tz, a zone
// pgsettings.ValidTimeZone accepts, with its abbreviation macro. The macro
// is then not taken as known (tzMacro ""): a session's statements may run
// in an engine transaction, whose rollback would take the macro back.
func (e *engine) setTimeZone(tz string) error {
	e.tz, e.tzMacro = "", ""
	if err := e.conn.Exec(pgcatalog.TimeZoneSQL(tz)); err != nil {
		return err
	}
	e.tz = tz
	return nil
}

// resetTimeZoneMacro makes the abbreviation macro answer for connSetup's
// zone again, unless it is known to.
func (e *engine) resetTimeZoneMacro() error {
	if e.tzMacro == connTimeZone {
		return nil
	}
	if err := e.conn.Exec(pgcatalog.TimeZoneMacroSQL(connTimeZone)); err != nil {
		return err
	}
	e.tzMacro = connTimeZone
	return nil
}
