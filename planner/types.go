package planner

import (
	"errors"
	"fmt"
	"strings"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/pgsettings"
	"github.com/lakegate/lakegate/planner/write"
)

// The type model is the Postgres type room's (internal/pgtypes); these
// names keep it at hand for the planner and its callers.
type (
	TypeID = pgtypes.TypeID
	Type   = pgtypes.Type
	Column = pgtypes.Column
)

// Column types a result can have.
const (
	TypeUnknown     = pgtypes.TypeUnknown
	TypeBool        = pgtypes.TypeBool
	TypeInt16       = pgtypes.TypeInt16
	TypeInt32       = pgtypes.TypeInt32
	TypeInt64       = pgtypes.TypeInt64
	TypeFloat32     = pgtypes.TypeFloat32
	TypeFloat64     = pgtypes.TypeFloat64
	TypeNumeric     = pgtypes.TypeNumeric
	TypeText        = pgtypes.TypeText
	TypeBytes       = pgtypes.TypeBytes
	TypeDate        = pgtypes.TypeDate
	TypeTime        = pgtypes.TypeTime
	TypeTimestamp   = pgtypes.TypeTimestamp
	TypeTimestampTZ = pgtypes.TypeTimestampTZ
	TypeInterval    = pgtypes.TypeInterval
	TypeUUID        = pgtypes.TypeUUID
	TypeJSON        = pgtypes.TypeJSON
	TypeList        = pgtypes.TypeList
	TypeOther       = pgtypes.TypeOther
)

// The error types of planning and running a statement are the write
// room's (planner/write), which raises them too; these names keep them at
// hand for the planner and the server.
type (
	ErrorKind   = write.ErrorKind
	EngineError = write.EngineError
)

// Kinds of engine errors.
const (
	KindInternal          = write.KindInternal
	KindSyntax            = write.KindSyntax
	KindUndefinedTable    = write.KindUndefinedTable
	KindUndefinedColumn   = write.KindUndefinedColumn
	KindUndefinedFunction = write.KindUndefinedFunction
	KindBinder            = write.KindBinder
	KindConversion        = write.KindConversion
	KindOutOfRange        = write.KindOutOfRange
	KindDivisionByZero    = write.KindDivisionByZero
	KindInvalidInput      = write.KindInvalidInput
	KindInterrupted       = write.KindInterrupted
	KindPermission        = write.KindPermission
	KindOutOfMemory       = write.KindOutOfMemory
	KindIO                = write.KindIO
	KindNotImplemented    = write.KindNotImplemented
	KindConstraint        = write.KindConstraint
	KindParameter         = write.KindParameter
	KindCorrupt           = write.KindCorrupt
	KindDiskFull          = write.KindDiskFull
	KindCardinality       = write.KindCardinality
	KindResources         = write.KindResources

	KindInvalidColumnReference = write.KindInvalidColumnReference
	KindUndefinedObject        = write.KindUndefinedObject
	KindDatatypeMismatch       = write.KindDatatypeMismatch
	KindAmbiguousFunction      = write.KindAmbiguousFunction
	KindInvalidTableDefinition = write.KindInvalidTableDefinition
	KindDuplicateColumn        = write.KindDuplicateColumn
)

// ErrNotSupported is returned for statements and features lakegate does
// not support.
var ErrNotSupported = write.ErrNotSupported

// UndefinedTableError is returned for a table name that does not resolve.
type UndefinedTableError = write.UndefinedTableError

// Classify turns an engine error into an EngineError.
func Classify(err error) error {
	var ee *eng.Error
	if !errors.As(err, &ee) {
		var pe *tree.ParseError
		if errors.As(err, &pe) {
			return &EngineError{Kind: KindSyntax, Msg: cleanMsg(pe.Msg)}
		}
		return err
	}
	msg := cleanMsg(ee.Msg)
	if strings.HasPrefix(msg, pgcatalog.SetConfigInQuery) {
		return fmt.Errorf("%w: %s", ErrNotSupported, msg)
	}
	k := KindInternal
	switch ee.Type {
	case eng.ErrorParser, eng.ErrorSyntax:
		k = KindSyntax
	case eng.ErrorCatalog:
		k = KindUndefinedTable
		if strings.Contains(msg, "Function") || strings.Contains(msg, "function") || strings.Contains(msg, "Macro") {
			k = KindUndefinedFunction
		}
	case eng.ErrorBinder:
		k = KindBinder
		switch {
		case strings.Contains(msg, "Referenced column") || strings.Contains(msg, "not found in FROM clause") ||
			strings.Contains(msg, "Values list") && strings.Contains(msg, "does not have a column"):
			k = KindUndefinedColumn
		case strings.Contains(msg, "No function matches") || strings.Contains(msg, "function"):
			k = KindUndefinedFunction
		}
	case eng.ErrorConversion, eng.ErrorMismatchType, eng.ErrorInvalidType:
		k = KindConversion
	case eng.ErrorOutOfRange, eng.ErrorDecimal:
		k = KindOutOfRange
	case eng.ErrorDivideByZero:
		k = KindDivisionByZero
	case eng.ErrorInvalidInput:
		k = KindInvalidInput
		if corruptFile(msg) {
			k = KindCorrupt
		}
		if name, ok := strings.CutPrefix(msg, "unrecognized configuration parameter "); ok {
			return &pgsettings.ErrUnknown{Name: strings.Trim(name, `"`)}
		}
	case eng.ErrorInterrupt:
		k = KindInterrupted
	case eng.ErrorPermission:
		k = KindPermission
	case eng.ErrorResources:
		k = KindResources
	case eng.ErrorOutOfMemory:
		k = KindOutOfMemory
		if spillFull(msg) {
			k = KindDiskFull
		}
	case eng.ErrorIO:
		k = KindIO
		if corruptFile(msg) {
			k = KindCorrupt
		}
		if spillFull(msg) {
			k = KindDiskFull
		}
	case eng.ErrorNotImplemented:
		k = KindNotImplemented
	case eng.ErrorConstraint:
		k = KindConstraint
	case eng.ErrorParameterNotResolved, eng.ErrorParameterNotAllowed:
		k = KindParameter
	}
	return &EngineError{Kind: k, Msg: msg}
}

// corruptFile reports whether an engine message says a data file is
// damaged (as opposed to missing or unreadable, an I/O error): one kind of
// failure, one SQLSTATE (XX001 data_corrupted), whichever check found it.
func corruptFile(msg string) bool {
	low := strings.ToLower(msg)
	for _, s := range []string{"no magic bytes found", "too small to be a parquet file", "corrupt", "invalid parquet", "failed to read parquet metadata", "thrift", "snappy", "zstd", "decompress"} {
		if strings.Contains(low, s) {
			return true
		}
	}
	return false
}

// cleanMsg drops DuckDB's "Xxx Error: " prefix and the caret diagram.
func cleanMsg(m string) string {
	if i := strings.Index(m, " Error: "); i >= 0 && i < 32 {
		m = m[i+len(" Error: "):]
	}
	if i := strings.Index(m, "\n\nLINE "); i >= 0 {
		m = m[:i]
	}
	return strings.TrimSpace(m)
}

// spillFull reports whether an engine error says its spill space is used
// up: max_temp_directory_size reached, or the disk itself full.
func spillFull(msg string) bool {
	return strings.Contains(msg, "max_temp_directory_size") || strings.Contains(msg, "failed to offload") ||
		strings.Contains(msg, "during the spilling process") ||
		strings.Contains(msg, "No space left on device")
}
