package engine

import (
	"fmt"
	"strings"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// Error is an error DuckDB reported, with the class it gave it. Its text is
// DuckDB's own ("Binder Error: ..."); what the class means to a client is
// for the caller to decide.
type Error struct {
	Type ErrorType
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// ErrorType is DuckDB's class of an error (duckdb_error_type).
type ErrorType int

// The classes of DuckDB errors.
const (
	ErrorInvalid              = ErrorType(duck.ErrorTypeInvalid)
	ErrorOutOfRange           = ErrorType(duck.ErrorTypeOutOfRange)
	ErrorConversion           = ErrorType(duck.ErrorTypeConversion)
	ErrorUnknownType          = ErrorType(duck.ErrorTypeUnknownType)
	ErrorDecimal              = ErrorType(duck.ErrorTypeDecimal)
	ErrorMismatchType         = ErrorType(duck.ErrorTypeMismatchType)
	ErrorDivideByZero         = ErrorType(duck.ErrorTypeDivideByZero)
	ErrorObjectSize           = ErrorType(duck.ErrorTypeObjectSize)
	ErrorInvalidType          = ErrorType(duck.ErrorTypeInvalidType)
	ErrorSerialization        = ErrorType(duck.ErrorTypeSerialization)
	ErrorTransaction          = ErrorType(duck.ErrorTypeTransaction)
	ErrorNotImplemented       = ErrorType(duck.ErrorTypeNotImplemented)
	ErrorExpression           = ErrorType(duck.ErrorTypeExpression)
	ErrorCatalog              = ErrorType(duck.ErrorTypeCatalog)
	ErrorParser               = ErrorType(duck.ErrorTypeParser)
	ErrorPlanner              = ErrorType(duck.ErrorTypePlanner)
	ErrorScheduler            = ErrorType(duck.ErrorTypeScheduler)
	ErrorExecutor             = ErrorType(duck.ErrorTypeExecutor)
	ErrorConstraint           = ErrorType(duck.ErrorTypeConstraint)
	ErrorIndex                = ErrorType(duck.ErrorTypeIndex)
	ErrorStat                 = ErrorType(duck.ErrorTypeStat)
	ErrorConnection           = ErrorType(duck.ErrorTypeConnection)
	ErrorSyntax               = ErrorType(duck.ErrorTypeSyntax)
	ErrorSettings             = ErrorType(duck.ErrorTypeSettings)
	ErrorBinder               = ErrorType(duck.ErrorTypeBinder)
	ErrorNetwork              = ErrorType(duck.ErrorTypeNetwork)
	ErrorOptimizer            = ErrorType(duck.ErrorTypeOptimizer)
	ErrorNullPointer          = ErrorType(duck.ErrorTypeNullPointer)
	ErrorIO                   = ErrorType(duck.ErrorTypeErrorIO)
	ErrorInterrupt            = ErrorType(duck.ErrorTypeInterrupt)
	ErrorFatal                = ErrorType(duck.ErrorTypeFatal)
	ErrorInternal             = ErrorType(duck.ErrorTypeInternal)
	ErrorInvalidInput         = ErrorType(duck.ErrorTypeInvalidInput)
	ErrorOutOfMemory          = ErrorType(duck.ErrorTypeOutOfMemory)
	ErrorPermission           = ErrorType(duck.ErrorTypePermission)
	ErrorParameterNotResolved = ErrorType(duck.ErrorTypeParameterNotResolved)
	ErrorParameterNotAllowed  = ErrorType(duck.ErrorTypeParameterNotAllowed)
	ErrorDependency           = ErrorType(duck.ErrorTypeDependency)
	// ErrorResources is lakegate's, not DuckDB's: Open refused to start a
	// database the process lacks the file descriptors for.
	ErrorResources            = ErrorType(-1)
	ErrorHTTP                 = ErrorType(duck.ErrorTypeHTTP)
	ErrorMissingExtension     = ErrorType(duck.ErrorTypeMissingExtension)
	ErrorAutoload             = ErrorType(duck.ErrorTypeAutoload)
	ErrorSequence             = ErrorType(duck.ErrorTypeSequence)
	ErrorInvalidConfiguration = ErrorType(duck.ErrorTypeInvalidConfiguration)
)

// ParamError is an argument list a prepared statement cannot take: the
// wrong number of values, a Go type with no binding, or a value DuckDB
// refused. Its text names the parameter ($n), not the engine.
type ParamError struct{ Msg string }

func (e *ParamError) Error() string { return e.Msg }

func paramErrorf(format string, a ...any) error {
	return &ParamError{Msg: fmt.Sprintf(format, a...)}
}

func resultError(res *duck.Result) *Error {
	return &Error{Type: ErrorType(duck.ResultErrorType(res)), Msg: duck.ResultError(res)}
}

func errorData(ed duck.ErrorData) *Error {
	return &Error{Type: ErrorType(duck.ErrorDataErrorType(ed)), Msg: duck.ErrorDataMessage(ed)}
}

// prepareErrorType recovers the error class from a prepare error message
// (the C API reports prepare errors as text only).
func prepareErrorType(msg string) ErrorType {
	prefixes := []struct {
		p string
		t ErrorType
	}{
		{"Parser Error", ErrorParser}, {"Syntax Error", ErrorSyntax},
		{"Catalog Error", ErrorCatalog}, {"Binder Error", ErrorBinder},
		{"Conversion Error", ErrorConversion}, {"Out of Range Error", ErrorOutOfRange},
		{"Invalid Input Error", ErrorInvalidInput}, {"Permission Error", ErrorPermission},
		{"Not implemented Error", ErrorNotImplemented}, {"IO Error", ErrorIO},
		{"Invalid Error", ErrorInvalid}, {"Interrupt Error", ErrorInterrupt},
		{"INTERRUPT Error", ErrorInterrupt}, {"Dependency Error", ErrorDependency},
	}
	for _, x := range prefixes {
		if strings.HasPrefix(msg, x.p) {
			return x.t
		}
	}
	return ErrorInvalid
}
