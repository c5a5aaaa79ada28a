package server

import (
	"testing"

	"github.com/jeroenrinzema/psql-wire/codes"

	"github.com/lakegate/lakegate/planner"
)

// The engine's messages that stand for one of several SQLSTATEs get the
// one Postgres gives the same failure.
func TestEngineMessageStates(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind planner.ErrorKind
		msg  string
		want codes.Code
	}{
		{planner.KindConversion, `Casting value "12345.678" to type DECIMAL(5,2) failed: value is out of range!`, codes.NumericValueOutOfRange},
		{planner.KindConversion, `Type INT32 with value 40000 can't be cast because the value is out of range for the destination type INT16`, codes.NumericValueOutOfRange},
		{planner.KindConversion, `Could not convert string '99999999999' to INT32`, codes.NumericValueOutOfRange},
		{planner.KindConversion, `Could not convert string '-9223372036854775809' to INT64`, codes.NumericValueOutOfRange},
		{planner.KindConversion, `Could not convert string 'abc' to INT32`, codes.InvalidTextRepresentation},
		{planner.KindConversion, `Could not convert string 'off' to BOOL`, codes.InvalidTextRepresentation},
		{planner.KindConversion, `Could not convert string "NaN" to DECIMAL(18,3)`, codes.FeatureNotSupported},
		{planner.KindConversion, `Could not convert string "-Infinity" to DECIMAL(10,2)`, codes.FeatureNotSupported},
		{planner.KindConversion, `Could not convert string "1x" to DECIMAL(18,3)`, codes.InvalidTextRepresentation},
		{planner.KindConversion, `date field value out of range: "2024-02-30"`, codes.DatetimeFieldOverflow},
		{planner.KindConversion, `Date out of range: 2024-2-30`, codes.DatetimeFieldOverflow},
		{planner.KindConversion, `Could not convert string 'x' to INTERVAL`, codes.InvalidDatetimeFormat},
		{planner.KindUndefinedTable, `Type with name no_such_type does not exist!`, codes.UndefinedObject},
		{planner.KindUndefinedTable, `Table with name t does not exist!`, codes.UndefinedTable},
		{planner.KindUndefinedFunction, `column "x" must appear in the GROUP BY clause or must be part of an aggregate function.`, codes.Grouping},
		{planner.KindBinder, `Column "y" does not exist on left side of join!`, codes.UndefinedColumn},
		{planner.KindBinder, `LIMIT/OFFSET cannot be negative`, codes.InvalidRowCountInLimitClause},
		{planner.KindInvalidInput, `More than one row returned by a subquery used as an expression - scalar subqueries can only return a single row.`, codes.CardinalityViolation},
	} {
		if got := sqlState(&planner.EngineError{Kind: c.kind, Msg: c.msg}); got != c.want {
			t.Errorf("%s: got %s, want %s", c.msg, got, c.want)
		}
	}
}
