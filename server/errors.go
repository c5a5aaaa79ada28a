package server

import (
	"errors"
	"strings"

	"github.com/jeroenrinzema/psql-wire/codes"
	psqlerr "github.com/jeroenrinzema/psql-wire/errors"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/policy"
)

// withSQLState is the one place where lakegate errors become SQLSTATEs.
// One kind of failure has one code, whichever path met it: a catalog or
// storage failure, a read-only catalog or storage included, is HV000
// (catalog.ErrUpstream); a damaged data file is XX001 (planner.KindCorrupt,
// whether the engine says "Invalid Input" or "IO"); a file that cannot be
// read is 58030; a per-session bound is 53400.
func withSQLState(err error) error {
	if err == nil {
		return nil
	}
	return psqlerr.WithSeverity(psqlerr.WithCode(err, sqlState(err)), psqlerr.LevelError)
}

// sanitizeError is the last edge before any error reaches a client
// (psql-wire's ErrorSanitizer, also set on lakegate's own writers): every
// error leaves with a SQLSTATE PostgreSQL knows.
//   - An error without a code (psql-wire's own, or one lakegate returned
//     without withSQLState) would go out as psql-wire's "XXUUU", which is
//     no SQLSTATE: it gets sqlState's code, or the code of what psql-wire
//     meant (unknown statement 26000, unknown portal 34000, CopyFail 57014
//     as in PostgreSQL, a bad Describe 08P01), or XX000.
//   - psql-wire answers a message type it does not know with 08003
//     (connection_does_not_exist) and a message that ends early with
//     XX001 (data_corrupted); PostgreSQL says 08P01 (protocol_violation).
func sanitizeError(err error) error {
	if err == nil {
		return nil
	}
	code := psqlerr.GetCode(err)
	fixed := code
	switch {
	case code == codes.ConnectionDoesNotExist,
		errors.Is(err, buffer.ErrMissingNulTerminator), errors.Is(err, buffer.ErrInsufficientData):
		fixed = codes.ProtocolViolation
	case code == codes.Uncategorized:
		fixed = uncategorizedState(err)
	}
	if fixed == code {
		return err
	}
	return psqlerr.WithCode(err, fixed)
}

// uncategorizedState is the SQLSTATE of an error that carries none.
func uncategorizedState(err error) codes.Code {
	if c := sqlState(err); c != codes.Internal {
		return c
	}
	msg := err.Error()
	switch {
	case msg == "unknown statement":
		return codes.InvalidSQLStatementName
	case msg == "unknown portal":
		return codes.InvalidCursorName
	case strings.HasPrefix(msg, "unknown describe command"):
		return codes.ProtocolViolation
	case strings.HasPrefix(msg, "client aborted copy"):
		return codes.QueryCanceled
	}
	return codes.Internal
}

var stateCodes = map[planner.StateErrorCode]codes.Code{
	planner.StateNoActiveTransaction: codes.NoActiveSQLTransaction,
	planner.StateActiveTransaction:   codes.ActiveSQLTransaction,
	planner.StateReadOnlyTransaction: codes.ReadOnlySQLTransaction,
	planner.StateNoSuchCursor:        codes.InvalidCursorName,
	planner.StateDuplicateCursor:     codes.DuplicateCursor,
	planner.StateCursorForwardOnly:   codes.ObjectNotInPrerequisiteState,
	planner.StateNoSuchSavepoint:     codes.InvalidSavepointSpecification,
	planner.StateNoSuchPrepared:      codes.InvalidSQLStatementName,
	planner.StateDuplicatePrepared:   codes.DuplicatePreparedStatement,
	planner.StateLimitExceeded:       codes.ConfigurationLimitExceeded,
}

func sqlState(err error) codes.Code {
	var ut *planner.UndefinedTableError
	var ee *planner.EngineError
	var us *planner.ErrUnknownSetting
	var ro *planner.ErrReadOnlySetting
	var nv *catalog.NullViolationError
	var se *planner.StateError
	var mm *malformedMessageError
	var tl *pgtypes.ResultTooLargeError
	switch {
	case errors.As(err, &mm):
		return codes.ProtocolViolation
	case errors.As(err, &tl):
		return codes.ProgramLimitExceeded
	case errors.As(err, &se):
		if c, ok := stateCodes[se.Code]; ok {
			return c
		}
		return codes.Internal
	case errors.Is(err, policy.ErrExternalWrite), errors.Is(err, policy.ErrDenied):
		return codes.InsufficientPrivilege
	case errors.Is(err, catalog.ErrConflict):
		return codes.SerializationFailure
	case errors.Is(err, catalog.ErrExists):
		return codes.DuplicateRelation
	case errors.Is(err, catalog.ErrColumnExists):
		return codes.DuplicateColumn
	case errors.Is(err, catalog.ErrNoSuchColumn):
		return codes.UndefinedColumn
	case errors.As(err, &nv):
		return codes.NotNullViolation
	case errors.As(err, &ut), errors.Is(err, catalog.ErrNoSuchTable):
		return codes.UndefinedTable
	case errors.Is(err, catalog.ErrNoSuchSchema):
		return codes.InvalidSchemaName
	case errors.Is(err, planner.ErrCanceled), errors.Is(err, planner.ErrStatementTimeout):
		return codes.QueryCanceled
	case errors.Is(err, planner.ErrNotSupported), errors.Is(err, catalog.ErrUnsupported), errors.Is(err, planner.ErrPlanChanged):
		return codes.FeatureNotSupported
	case errors.Is(err, planner.ErrBadParameter):
		return codes.ProtocolViolation
	case errors.Is(err, planner.ErrInFailedTransaction):
		return codes.InFailedSQLTransaction
	case errors.As(err, &us):
		return codes.UndefinedObject
	case errors.As(err, &ro):
		return codes.CantChangeRuntimeParam
	case errors.Is(err, catalog.ErrUpstream):
		return codes.FdwError
	case errors.As(err, &ee):
		switch ee.Kind {
		case planner.KindSyntax:
			return codes.Syntax
		case planner.KindUndefinedTable:
			return codes.UndefinedTable
		case planner.KindUndefinedColumn:
			return codes.UndefinedColumn
		case planner.KindUndefinedFunction:
			return codes.UndefinedFunction
		case planner.KindBinder:
			return codes.SyntaxErrorOrAccessRuleViolation
		case planner.KindConversion:
			return codes.InvalidTextRepresentation
		case planner.KindOutOfRange:
			return codes.NumericValueOutOfRange
		case planner.KindDivisionByZero:
			return codes.DivisionByZero
		case planner.KindInvalidInput:
			if code, ok := builtinErrors[ee.Msg]; ok {
				return code
			}
			if strings.HasPrefix(ee.Msg, planner.IntInputError) {
				return codes.InvalidTextRepresentation // '12.7'::int
			}
			return codes.InvalidParameterValue
		case planner.KindInterrupted:
			return codes.QueryCanceled
		case planner.KindPermission:
			return codes.InsufficientPrivilege
		case planner.KindOutOfMemory:
			return codes.OutOfMemory
		case planner.KindDiskFull:
			return codes.DiskFull
		case planner.KindIO:
			return codes.Io
		case planner.KindCorrupt:
			return codes.DataCorrupted
		case planner.KindNotImplemented:
			return codes.FeatureNotSupported
		case planner.KindConstraint:
			return codes.IntegrityConstraintViolation
		case planner.KindParameter:
			return codes.IndeterminateDatatype
		}
	}
	return codes.Internal
}

// Errors that end a connection (limits.go). They are FATAL: the server
// closes the connection after sending them.
var (
	errTooManyConnections       = errors.New("sorry, too many clients already")
	errIdleSessionTimeout       = errors.New("terminating connection due to idle-session timeout")
	errIdleInTransactionTimeout = errors.New("terminating connection due to idle-in-transaction timeout")
)

// PostgreSQL 14 codes psql-wire does not name.
const (
	codeIdleSessionTimeout              codes.Code = "57P05"
	codeIdleInTransactionSessionTimeout codes.Code = "25P03"
)

var fatalCodes = map[error]codes.Code{
	errTooManyConnections:       codes.TooManyConnections,
	errIdleSessionTimeout:       codeIdleSessionTimeout,
	errIdleInTransactionTimeout: codeIdleInTransactionSessionTimeout,
}

// fatal gives a connection-ending error its SQLSTATE and FATAL severity.
func fatal(err error) error {
	code, ok := fatalCodes[err]
	if !ok {
		code = sqlState(err)
	}
	return psqlerr.WithSeverity(psqlerr.WithCode(err, code), psqlerr.LevelFatal)
}

// builtinErrors are the SQLSTATEs of the errors the engine macros raise
// where Postgres' built-ins fail (planner/pgcatalog/builtins.go).
var builtinErrors = map[string]codes.Code{
	pgcatalog.DivisionByZero:            codes.DivisionByZero,
	pgcatalog.LogOfZero:                 codes.InvalidArgumentForLogarithm,
	pgcatalog.LogOfNegative:             codes.InvalidArgumentForLogarithm,
	pgcatalog.SqrtOfNegative:            codes.InvalidArgumentForPowerFunction,
	pgcatalog.ZeroToNegativePower:       codes.InvalidArgumentForPowerFunction,
	pgcatalog.NegativeToFractionalPower: codes.InvalidArgumentForPowerFunction,
	pgcatalog.NullCharacter:             codes.ProgramLimitExceeded,
	pgcatalog.NegativeSubstringLength:   codes.Substring,
	pgcatalog.UnsupportedDecodeFormat:   codes.FeatureNotSupported,
	pgcatalog.NullJSONKey:               codes.NullValueNotAllowed,
	pgcatalog.NumericMath:               codes.FeatureNotSupported,
	pgcatalog.NumericLog:                codes.FeatureNotSupported,
}
