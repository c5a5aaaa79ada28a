package server

import (
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/jeroenrinzema/psql-wire/codes"
	psqlerr "github.com/jeroenrinzema/psql-wire/errors"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
)

// withSQLState is the one place where lakegate errors become SQLSTATEs.
// One kind of failure has one code, whichever path met it: a catalog or
// storage failure, a read-only catalog or storage included, is HV000
// (catalog.ErrUpstream); a damaged data file is XX001 (planner.KindCorrupt,
// whether the engine says "Invalid Input" or "IO"); a file that cannot be
// read is 58030 (the store refusing lakegate's keys, or lakegate having
// none: catalog.ErrNoCredentials, wrapped in ErrStorage); a catalog refusing lakegate's credentials is 08004; a
// per-session bound is 53400.
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

// inputStates are the codes of values PostgreSQL's input functions refuse
// (COPY FROM).
var inputStates = map[pgtypes.InputErrorKind]codes.Code{
	pgtypes.InputSyntax:         codes.InvalidTextRepresentation,
	pgtypes.InputOutOfRange:     codes.NumericValueOutOfRange,
	pgtypes.InputDatetimeFormat: codes.InvalidDatetimeFormat,
	pgtypes.InputDatetimeRange:  codes.DatetimeFieldOverflow,
	pgtypes.InputBinary:         codes.InvalidBinaryRepresentation,
	pgtypes.InputEncoding:       codes.CharacterNotInRepertoire,
	pgtypes.InputParameter:      codes.InvalidParameterValue,
	pgtypes.InputShort:          codes.ProtocolViolation,
}

var stateCodes = map[session.StateErrorCode]codes.Code{
	session.StateNoActiveTransaction: codes.NoActiveSQLTransaction,
	session.StateActiveTransaction:   codes.ActiveSQLTransaction,
	session.StateReadOnlyTransaction: codes.ReadOnlySQLTransaction,
	session.StateNoSuchCursor:        codes.InvalidCursorName,
	session.StateDuplicateCursor:     codes.DuplicateCursor,
	session.StateCursorForwardOnly:   codes.ObjectNotInPrerequisiteState,
	session.StateNoSuchSavepoint:     codes.InvalidSavepointSpecification,
	session.StateNoSuchPrepared:      codes.InvalidSQLStatementName,
	session.StateDuplicatePrepared:   codes.DuplicatePreparedStatement,
	session.StateLimitExceeded:       codes.ConfigurationLimitExceeded,
}

func sqlState(err error) codes.Code {
	var ut *planner.UndefinedTableError
	var ee *planner.EngineError
	var us *session.ErrUnknownSetting
	var ro *session.ErrReadOnlySetting
	var nv *catalog.NullViolationError
	var se *session.StateError
	var mm *malformedMessageError
	var tl *pgtypes.ResultTooLargeError
	var sd *errSignalDenied
	var ie *pgtypes.InputError
	var cd *session.CopyDataError
	var cf *session.CopyFailedError
	switch {
	case errors.Is(err, errAdminShutdown):
		return codes.AdminShutdown // the audit log's code of a statement the drain ended
	case errors.As(err, &mm):
		return codes.ProtocolViolation
	case errors.As(err, &tl):
		return codes.ProgramLimitExceeded
	case errors.As(err, &ie):
		return inputStates[ie.Kind]
	case errors.As(err, &cd):
		return codes.BadCopyFileFormat
	case errors.As(err, &cf):
		return codes.QueryCanceled
	case errors.As(err, &se):
		if c, ok := stateCodes[se.Code]; ok {
			return c
		}
		return codes.Internal
	case errors.Is(err, policy.ErrExternalWrite), errors.Is(err, policy.ErrDenied), errors.As(err, &sd):
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
	case errors.Is(err, session.ErrCanceled), errors.Is(err, session.ErrStatementTimeout):
		return codes.QueryCanceled
	case errors.Is(err, planner.ErrNotSupported), errors.Is(err, catalog.ErrUnsupported), errors.Is(err, session.ErrPlanChanged):
		return codes.FeatureNotSupported
	case errors.Is(err, session.ErrBadParameter):
		return codes.ProtocolViolation
	case errors.Is(err, session.ErrInFailedTransaction):
		return codes.InFailedSQLTransaction
	case errors.As(err, &us):
		return codes.UndefinedObject
	case errors.As(err, &ro):
		return codes.CantChangeRuntimeParam
	case errors.Is(err, catalog.ErrStorage):
		return codes.Io // a table's file in object storage could not be read (its store's refusal of the keys included)
	case errors.Is(err, catalog.ErrAccessDenied):
		// the catalog service refused lakegate's credentials: it rejected
		// the connection, as a remote server refusing a login does
		return codes.SQLserverRejectedEstablishmentOfSQLconnection
	case errors.Is(err, catalog.ErrUpstream) && unreachable(err):
		// the catalog service is down or unreachable: connection trouble
		return codes.SQLclientUnableToEstablishSQLconnection
	case errors.Is(err, catalog.ErrUpstream):
		return codes.FdwError
	case errors.As(err, &ee):
		if code, ok := engineMessageState(ee); ok {
			return code
		}
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
		case planner.KindResources:
			return codes.InsufficientResources
		case planner.KindCardinality:
			return codes.CardinalityViolation
		case planner.KindInvalidColumnReference:
			return codes.InvalidColumnReference
		case planner.KindUndefinedObject:
			return codes.UndefinedObject
		case planner.KindInvalidTableDefinition:
			return codes.InvalidTableDefinition
		case planner.KindDuplicateColumn:
			return codes.DuplicateColumn
		case planner.KindDatatypeMismatch:
			return codes.DatatypeMismatch
		case planner.KindAmbiguousFunction:
			return codes.AmbiguousFunction // - NULL, trunc(NULL): Postgres cannot choose
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
	// errShuttingDown refuses a new connection while the server drains
	// (drain.go); errAdminShutdown ends a session the drain or
	// pg_terminate_backend ends, as PostgreSQL words both.
	errShuttingDown  = errors.New("the database system is shutting down")
	errAdminShutdown = errors.New("terminating connection due to administrator command")
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
	errShuttingDown:             codes.CannotConnectNow,
	errAdminShutdown:            codes.AdminShutdown,
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
	pgcatalog.FloatOverflow:             codes.NumericValueOutOfRange,
	pgcatalog.FloatUnderflow:            codes.NumericValueOutOfRange,
	pgcatalog.ConcatText:                codes.FeatureNotSupported,
	pgcatalog.ConcatFloat:               codes.FeatureNotSupported,
	pgcatalog.FloatChainOpen:            codes.FeatureNotSupported,
	pgcatalog.JSONValueText:             codes.FeatureNotSupported,
	pgcatalog.TrimScaleRefused:          codes.FeatureNotSupported,
	pgcatalog.LogOfZero:                 codes.InvalidArgumentForLogarithm,
	pgcatalog.NumericLogFloat:           codes.UndefinedFunction,
	pgtypes.NumericOverflow.Error():     codes.NumericValueOutOfRange,
	pgcatalog.LogOfNegative:             codes.InvalidArgumentForLogarithm,
	pgcatalog.SqrtOfNegative:            codes.InvalidArgumentForPowerFunction,
	pgcatalog.ZeroToNegativePower:       codes.InvalidArgumentForPowerFunction,
	pgcatalog.NegativeToFractionalPower: codes.InvalidArgumentForPowerFunction,
	pgcatalog.NullCharacter:             codes.ProgramLimitExceeded,
	pgcatalog.NegativeSubstringLength:   codes.Substring,

	pgcatalog.ToNumberNoDigits:            codes.InvalidTextRepresentation,
	pgcatalog.ToNumberRefused:             codes.FeatureNotSupported,
	pgcatalog.WidthBucketCount:            codes.InvalidArgumentForWidthBucketFunction,
	pgcatalog.WidthBucketBounds:           codes.InvalidArgumentForWidthBucketFunction,
	pgcatalog.EncodeEscape:                codes.FeatureNotSupported,
	pgcatalog.MultidimensionalCardinality: codes.FeatureNotSupported,
	pgcatalog.DateBinMonths:               codes.FeatureNotSupported,
	pgcatalog.DateBinStride:               codes.DatetimeFieldOverflow,
	pgcatalog.OverlapsTypes:               codes.UndefinedFunction,
	pgcatalog.DatetimeFormat:              codes.FeatureNotSupported,
	pgcatalog.DateFormat:                  codes.FeatureNotSupported,
	pgcatalog.TimeZoneAbbrev:              codes.FeatureNotSupported,
	pgcatalog.DatetimeFormatArg:           codes.FeatureNotSupported,
	pgcatalog.DatetimeFormatGap:           codes.FeatureNotSupported,
	pgcatalog.RegexpMatchGroups:           codes.FeatureNotSupported,
	pgcatalog.RegexpMatchGlobal:           codes.InvalidParameterValue,
	pgcatalog.NullFieldName:               codes.InvalidParameterValue,
	pgcatalog.UnsupportedDecodeFormat:     codes.FeatureNotSupported,
	pgcatalog.NullJSONKey:                 codes.NullValueNotAllowed,
	pgcatalog.NumericMath:                 codes.FeatureNotSupported,
	pgcatalog.NumericLog:                  codes.FeatureNotSupported,
	pgcatalog.SimilarPattern:              codes.FeatureNotSupported,
	pgcatalog.LikeEscapeEnd:               codes.InvalidEscapeSequence,
	pgcatalog.ShaRefused:                  codes.FeatureNotSupported,
	pgcatalog.ArrayText:                   codes.FeatureNotSupported,
	pgcatalog.BitStrings:                  codes.FeatureNotSupported,
	pgcatalog.TypeofRefused:               codes.FeatureNotSupported,
	pgcatalog.SignalShape:                 codes.FeatureNotSupported,
	pgcatalog.FormatValue:                 codes.FeatureNotSupported,
	pgcatalog.FormatNullIdent:             codes.NullValueNotAllowed,
	pgcatalog.FormatUnsupported:           codes.FeatureNotSupported,
	pgcatalog.FormatTooFewArgs:            codes.InvalidParameterValue,
	pgcatalog.NumericAggregate:            codes.FeatureNotSupported,
	pgcatalog.ArraySubscript:              codes.Syntax,
	pgcatalog.NumericConstant:             codes.FeatureNotSupported,
	pgcatalog.TimestampCarry:              codes.FeatureNotSupported,
	pgcatalog.JSONBDeleteScalar:           codes.InvalidParameterValue,
	pgcatalog.JSONBDeleteIndex:            codes.InvalidParameterValue,
	pgcatalog.JSONBSetScalar:              codes.InvalidParameterValue,
	pgcatalog.JSONBSetIndex:               codes.InvalidTextRepresentation,
	pgcatalog.JSONBSetPath:                codes.FeatureNotSupported,
	pgcatalog.JSONBPretty:                 codes.FeatureNotSupported,
	pgcatalog.JSONBDeletePathScalar:       codes.InvalidParameterValue,
	pgcatalog.JSONBDeletePath:             codes.FeatureNotSupported,
	pgcatalog.NestedDivision:              codes.FeatureNotSupported,
	pgcatalog.CaseScalesRefused:           codes.FeatureNotSupported,
	pgcatalog.ValuesScalesRefused:         codes.FeatureNotSupported,
	pgcatalog.ExtremeScalesRefused:        codes.FeatureNotSupported,
	pgcatalog.JSONBGroupRefused:           codes.FeatureNotSupported,
}

// engineMessageState gives the engine errors whose kind spans several of
// Postgres' SQLSTATEs the one Postgres gives the same failure, read from
// the engine's message: a value that does not fit its type (22003) is a
// conversion error to the engine, as is a date that does not exist
// (22008); a type that does not exist (42704) is a catalog error, as a
// table is.
func engineMessageState(ee *planner.EngineError) (codes.Code, bool) {
	msg := ee.Msg
	switch ee.Kind {
	case planner.KindConversion, planner.KindOutOfRange:
		switch {
		case strings.Contains(msg, "field value out of range"), strings.HasPrefix(msg, "Date out of range"):
			return codes.DatetimeFieldOverflow, true // '2024-02-30'::date, make_date(2024, 2, 30)
		case numericSpecial(msg):
			return codes.FeatureNotSupported, true // 'NaN'::numeric: the engine's DECIMAL has no NaN or infinity
		case bareNumericTooWide(msg):
			return codes.FeatureNotSupported, true // $1::numeric * 3 with more digits than the engine's numeric(18,3)
		case strings.Contains(msg, "out of range"), integerTooWide(msg):
			return codes.NumericValueOutOfRange, true // 40000::int2, 12345.678::numeric(5, 2)
		case strings.HasPrefix(msg, "Could not convert string ") && strings.HasSuffix(msg, " to INTERVAL"),
			strings.HasPrefix(msg, "invalid date field format"), strings.HasPrefix(msg, "invalid timestamp field format"):
			return codes.InvalidDatetimeFormat, true // interval 'x', 'x'::date
		}
	case planner.KindUndefinedTable:
		if strings.HasPrefix(msg, "Type with name ") || strings.HasPrefix(msg, "Collation with name ") {
			return codes.UndefinedObject, true // 'a' collate "no_such_collation"
		}
	case planner.KindBinder, planner.KindUndefinedFunction, planner.KindInvalidInput:
		switch {
		case strings.Contains(msg, "must appear in the GROUP BY clause"):
			return codes.Grouping, true
		case strings.Contains(msg, "Could not choose a best candidate function") && strings.Contains(msg, "STRING_LITERAL"):
			// 'a' + 1: Postgres reads the literal as the other operand's
			// type, and fails on its text
			return codes.InvalidTextRepresentation, true
		case strings.HasPrefix(msg, "function ") && strings.HasSuffix(msg, ") does not exist"):
			return codes.UndefinedFunction, true // scale(1.5::float8): the macros' argument check
		case strings.Contains(msg, "does not exist on left side of join"), strings.Contains(msg, "does not exist on right side of join"):
			return codes.UndefinedColumn, true // USING (no_such_column)
		case strings.HasPrefix(msg, "LIMIT/OFFSET cannot be negative"):
			return codes.InvalidRowCountInLimitClause, true
		case strings.HasPrefix(msg, "More than one row returned by a subquery"):
			return codes.CardinalityViolation, true
		}
	}
	return "", false
}

// numericSpecial reports whether msg is the engine's failure to read NaN
// or an infinity as a DECIMAL, which Postgres' numeric holds.
func numericSpecial(msg string) bool {
	rest, ok := strings.CutPrefix(msg, "Could not convert string ")
	if !ok || !strings.Contains(rest, " to DECIMAL") {
		return false
	}
	val, _, _ := strings.Cut(rest, " to DECIMAL")
	switch strings.ToLower(strings.Trim(strings.TrimSpace(val), `"'`)) {
	case "nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf":
		return true
	}
	return false
}

// bareNumericTooWide reports whether msg is the engine's failure to read
// a decimal number as a bare numeric (its DECIMAL(18,3)), which Postgres'
// numeric holds: refused, as a value it cannot keep (README).
func bareNumericTooWide(msg string) bool {
	rest, ok := strings.CutPrefix(msg, "Could not convert string ")
	if !ok || !strings.HasSuffix(rest, " to DECIMAL(18,3)") {
		return false
	}
	val := strings.Trim(strings.TrimSuffix(rest, " to DECIMAL(18,3)"), `"'`)
	ip, fp, _ := strings.Cut(strings.TrimLeft(val, "+-"), ".")
	return ip+fp != "" && strings.Trim(ip+fp, "0123456789") == ""
}

// integerTooWide reports whether msg is the engine's failure to read a
// string as an integer type whose text is an integer: one too wide for the
// type ('99999999999'::int). Other text fails as Postgres' 22P02 does.
func integerTooWide(msg string) bool {
	rest, ok := strings.CutPrefix(msg, "Could not convert string '")
	if !ok {
		return false
	}
	i := strings.LastIndex(rest, "' to ")
	if i < 0 {
		return false
	}
	val, typ := strings.TrimSpace(rest[:i]), strings.TrimPrefix(rest[i+len("' to "):], "U")
	switch typ {
	case "INT8", "INT16", "INT32", "INT64", "INT128":
	default:
		return false
	}
	val = strings.TrimLeft(val, "+-")
	if val == "" {
		return false
	}
	for _, c := range val {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// unreachable reports a failure to reach a service over the network (refused,
// reset, timed out), as opposed to an answer it gave.
func unreachable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}
