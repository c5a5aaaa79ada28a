package session

import (
	"fmt"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// An engine opens with most of the emulation's macros (EngineMacros,
// engine.go); the families few statements call are created when a
// statement about to be bound in the engine names one of them
// (pgcatalog.DemandedMacros), and kept for the engine's life, through
// resets (enginepool.go): they are the same for every session. Each
// engine records the families it has (engine.macros). Every place that
// hands the engine SQL a client or a policy wrote, to prepare or to
// create objects from, asks for them first: prepare, and the views, scan
// copies and planner queries (demandMacros).

// demandMacros creates, through c (the engine's connection or a cursor's),
// the macro families sql names that the engine lacks.
func (e *engine) demandMacros(c *eng.Conn, sql string) error {
	need := pgcatalog.DemandedMacros(sql) &^ e.macros
	if need == 0 {
		return nil
	}
	if err := c.Exec(pgcatalog.DemandMacrosSQL(need)); err != nil {
		return fmt.Errorf("engine: macros: %w", err)
	}
	e.macros |= need
	return nil
}

// prepare prepares sql on the engine's connection, with the macros it
// names.
func (e *engine) prepare(sql string) (*eng.Stmt, error) {
	if err := e.demandMacros(e.conn, sql); err != nil {
		return nil, err
	}
	return e.conn.Prepare(sql)
}
