package write

import (
	"errors"
	"fmt"
)

// The errors of planning and running a statement, reads and writes alike
// (the planner names them too): the server maps each to its SQLSTATE.

// ErrNotSupported is a statement, clause or type lakegate does not run.
var ErrNotSupported = errors.New("not supported")

// ErrorKind classifies an engine error; the server turns it into a SQLSTATE.
type ErrorKind int

// Kinds of engine errors.
const (
	KindInternal ErrorKind = iota
	KindSyntax
	KindUndefinedTable
	KindUndefinedColumn
	KindUndefinedFunction
	KindBinder // other semantic errors
	KindConversion
	KindOutOfRange
	KindDivisionByZero
	KindInvalidInput
	KindInterrupted
	KindPermission
	KindOutOfMemory
	KindIO
	KindNotImplemented
	KindConstraint
	KindParameter
	KindCorrupt     // a data file that is not what it claims (XX001)
	KindDiskFull    // the engine's spill space is used up (planner/session/memory.go)
	KindCardinality // a MERGE would change a target row twice (21000)
	KindResources   // out of file descriptors (53000)
	// ON CONFLICT names columns that are not the table's key (42P10)
	KindInvalidColumnReference
	KindUndefinedObject        // ON CONFLICT ON CONSTRAINT of no key (42704)
	KindInvalidTableDefinition // two primary keys (42P16)
	KindDuplicateColumn        // a column twice in a primary key (42701)
	KindDatatypeMismatch       // a value of a type that cannot become the one expected (42804)
	KindAmbiguousFunction      // a call or operator Postgres cannot choose a candidate for (42725)
)

// EngineError is an error raised while planning or running a statement.
type EngineError struct {
	Kind ErrorKind
	Msg  string
}

func (e *EngineError) Error() string { return e.Msg }

// UndefinedTableError is returned for a table name that does not resolve.
type UndefinedTableError struct{ Name string }

func (e *UndefinedTableError) Error() string {
	return fmt.Sprintf("relation %q does not exist", e.Name)
}

// TableAccess records how a statement used a table, for the audit log.
type TableAccess struct {
	Table  string `json:"table"`
	Native bool   `json:"native"`
	Rule   string `json:"rule"`
}
