package server

import (
	"errors"

	"github.com/jeroenrinzema/psql-wire/codes"
	psqlerr "github.com/jeroenrinzema/psql-wire/errors"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/policy"
)

// withSQLState is the one place where lakegate errors become SQLSTATEs.
func withSQLState(err error) error {
	if err == nil {
		return nil
	}
	return psqlerr.WithSeverity(psqlerr.WithCode(err, sqlState(err)), psqlerr.LevelError)
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
}

func sqlState(err error) codes.Code {
	var ut *planner.UndefinedTableError
	var ee *planner.EngineError
	var us *planner.ErrUnknownSetting
	var ro *planner.ErrReadOnlySetting
	var nv *catalog.NullViolationError
	var se *planner.StateError
	var tl *ResultTooLargeError
	switch {
	case errors.As(err, &tl):
		return codes.ProgramLimitExceeded
	case errors.As(err, &se):
		return stateCodes[se.Code]
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
