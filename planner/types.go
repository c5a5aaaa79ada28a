package planner

import (
	"errors"
	"fmt"
	"strings"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/lakegate/lakegate/internal/pgtypes"
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

// typeFromLogical maps a DuckDB logical type to the result type clients
// are told.
func typeFromLogical(lt duck.LogicalType) Type {
	id := duck.GetTypeId(lt)
	switch id {
	case duck.TypeBoolean:
		return Type{ID: TypeBool, Engine: "BOOLEAN"}
	case duck.TypeTinyInt, duck.TypeSmallInt, duck.TypeUTinyInt:
		return Type{ID: TypeInt16, Engine: "SMALLINT"}
	case duck.TypeInteger, duck.TypeUSmallInt:
		return Type{ID: TypeInt32, Engine: "INTEGER"}
	case duck.TypeBigInt, duck.TypeUInteger:
		return Type{ID: TypeInt64, Engine: "BIGINT"}
	case duck.TypeUBigInt, duck.TypeHugeInt:
		return Type{ID: TypeNumeric, Engine: "HUGEINT"}
	case duck.TypeUHugeInt:
		// Arrow carries it as decimal(38,0) of its 128 bits: the server
		// reads them unsigned by this name.
		return Type{ID: TypeNumeric, Engine: "UHUGEINT"}
	case duck.TypeBigNum:
		return Type{ID: TypeNumeric, Engine: "BIGNUM"}
	case duck.TypeTimeTZ:
		return Type{ID: TypeOther, Engine: "TIMETZ"}
	case duck.TypeFloat:
		return Type{ID: TypeFloat32, Engine: "FLOAT"}
	case duck.TypeDouble:
		return Type{ID: TypeFloat64, Engine: "DOUBLE"}
	case duck.TypeDecimal:
		return Type{ID: TypeNumeric, Precision: int(duck.DecimalWidth(lt)), Scale: int(duck.DecimalScale(lt)), Engine: "DECIMAL"}
	case duck.TypeVarchar:
		if strings.EqualFold(duck.LogicalTypeGetAlias(lt), "JSON") {
			return Type{ID: TypeJSON, Engine: "JSON"}
		}
		return Type{ID: TypeText, Engine: "VARCHAR"}
	case duck.TypeEnum:
		return Type{ID: TypeText, Engine: "ENUM"}
	case duck.TypeBlob:
		return Type{ID: TypeBytes, Engine: "BLOB"}
	case duck.TypeDate:
		return Type{ID: TypeDate, Engine: "DATE"}
	case duck.TypeTime, duck.TypeTimeNS:
		return Type{ID: TypeTime, Engine: "TIME"}
	case duck.TypeTimestamp, duck.TypeTimestampS, duck.TypeTimestampMS, duck.TypeTimestampNS:
		return Type{ID: TypeTimestamp, Engine: "TIMESTAMP"}
	case duck.TypeTimestampTZ:
		return Type{ID: TypeTimestampTZ, Engine: "TIMESTAMPTZ"}
	case duck.TypeInterval:
		return Type{ID: TypeInterval, Engine: "INTERVAL"}
	case duck.TypeUUID:
		return Type{ID: TypeUUID, Engine: "UUID"}
	case duck.TypeList, duck.TypeArray:
		var child duck.LogicalType
		if id == duck.TypeList {
			child = duck.ListTypeChildType(lt)
		} else {
			child = duck.ArrayTypeChildType(lt)
		}
		defer duck.DestroyLogicalType(&child)
		e := typeFromLogical(child)
		if e.ID == TypeList || e.ID == TypeOther {
			// Postgres arrays are not nested lists; show these as text.
			return Type{ID: TypeOther, Engine: "LIST"}
		}
		return Type{ID: TypeList, Elem: &e, Engine: "LIST"}
	case duck.TypeSQLNull:
		return Type{ID: TypeText, Engine: "NULL"}
	}
	return Type{ID: TypeOther, Engine: fmt.Sprint(id)}
}

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
	KindCorrupt  // a data file that is not what it claims (XX001)
	KindDiskFull // the engine's spill space is used up (memory.go)
)

// EngineError is an error raised while planning or running a statement.
type EngineError struct {
	Kind ErrorKind
	Msg  string
}

func (e *EngineError) Error() string { return e.Msg }

// classify turns a DuckDB error into an EngineError.
func classify(err error) error {
	var ee *engineError
	if !errors.As(err, &ee) {
		var pe *parseError
		if errors.As(err, &pe) {
			return &EngineError{Kind: KindSyntax, Msg: cleanMsg(pe.msg)}
		}
		return err
	}
	msg := cleanMsg(ee.Msg)
	k := KindInternal
	switch ee.Type {
	case duck.ErrorTypeParser, duck.ErrorTypeSyntax:
		k = KindSyntax
	case duck.ErrorTypeCatalog:
		k = KindUndefinedTable
		if strings.Contains(msg, "Function") || strings.Contains(msg, "function") || strings.Contains(msg, "Macro") {
			k = KindUndefinedFunction
		}
	case duck.ErrorTypeBinder:
		k = KindBinder
		switch {
		case strings.Contains(msg, "Referenced column") || strings.Contains(msg, "not found in FROM clause") ||
			strings.Contains(msg, "Values list") && strings.Contains(msg, "does not have a column"):
			k = KindUndefinedColumn
		case strings.Contains(msg, "No function matches") || strings.Contains(msg, "function"):
			k = KindUndefinedFunction
		}
	case duck.ErrorTypeConversion, duck.ErrorTypeMismatchType, duck.ErrorTypeInvalidType:
		k = KindConversion
	case duck.ErrorTypeOutOfRange, duck.ErrorTypeDecimal:
		k = KindOutOfRange
	case duck.ErrorTypeDivideByZero:
		k = KindDivisionByZero
	case duck.ErrorTypeInvalidInput:
		k = KindInvalidInput
		if corruptFile(msg) {
			k = KindCorrupt
		}
		if name, ok := strings.CutPrefix(msg, "unrecognized configuration parameter "); ok {
			return &ErrUnknownSetting{Name: strings.Trim(name, `"`)}
		}
	case duck.ErrorTypeInterrupt:
		k = KindInterrupted
	case duck.ErrorTypePermission:
		k = KindPermission
	case duck.ErrorTypeOutOfMemory:
		k = KindOutOfMemory
		if spillFull(msg) {
			k = KindDiskFull
		}
	case duck.ErrorTypeErrorIO:
		k = KindIO
		if corruptFile(msg) {
			k = KindCorrupt
		}
		if spillFull(msg) {
			k = KindDiskFull
		}
	case duck.ErrorTypeNotImplemented:
		k = KindNotImplemented
	case duck.ErrorTypeConstraint:
		k = KindConstraint
	case duck.ErrorTypeParameterNotResolved, duck.ErrorTypeParameterNotAllowed:
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
