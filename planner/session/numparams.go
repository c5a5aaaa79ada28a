package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
)

// Numeric parameters keep their own scale. Postgres types a parameter
// numeric, without a typmod, where its context is numeric (amount = $1,
// amount * $1, sum(amount) / $1, round($1, 2), $1::numeric) or the client
// declares it so, and the value keeps every digit it was sent with: with
// amount numeric(12,2), amount * $1 with 1.5 is 15.375 (scale 2 + 1), and
// amount = $1 with 0.101 compares exactly. The engine's DECIMAL has a
// fixed precision and scale: the one the context gives the parameter
// (the column's numeric(12,2), or numeric(18,3) for a bare cast) would
// round the value or change the result's scale.
//
// So a statement's numeric parameters are typed when their values are
// known: at Execute, each value's own scale (pgtypes.NumericParam: 1.5
// has scale 1, 1.50 scale 2) is written around it, CAST($n AS
// DECIMAL(38,s)), in place of the context's type, and that text is
// prepared, planned and run as any other; the statement prepared at
// Parse describes the parameters and the result columns, whose types do
// not depend on the values' scales. The text of
// each shape of values is kept on the statement, so repeated executions
// with the same shapes plan the same text and reuse its engine
// statement (stmtcache.go). A value of more than 38 digits, NaN or an
// infinity fails with 0A000; text that is no number with 22P02.

// maxNumericShapes bounds the shaped statements one statement keeps.
const maxNumericShapes = 16

// numericParams records which of st's parameters Postgres types numeric:
// those the engine types DECIMAL, from the context or from the client's
// declared numeric. sql is the client's text and casts the casts
// PrepareParams put around parameters in it.
func numericParams(st *Stmt, sql string, casts map[int]string) {
	if st == nil || st.Kind != KindQuery && st.Kind != KindWrite {
		return
	}
	var nums []int
	cloned := false
	for i, p := range st.Params {
		if p.ID == pgtypes.TypeNumeric && p.Engine == "DECIMAL" && p.Precision > 0 {
			nums = append(nums, i+1)
			continue
		}
		if !decimalCast(casts[i+1]) {
			continue
		}
		if st.Kind == KindWrite {
			nums = append(nums, i+1)
			continue
		}
		// cast to DECIMAL by PrepareParams, and left unknown by the
		// engine inside a function call: described as numeric, as
		// Postgres does
		if !cloned {
			st.Params, cloned = slices.Clone(st.Params), true // the shape cache holds the slice
		}
		st.Params[i] = pgtypes.Type{ID: pgtypes.TypeNumeric, Engine: "DECIMAL", Precision: 38, Scale: 18}
		nums = append(nums, i+1)
	}
	if len(nums) == 0 {
		return
	}
	others := map[int]string{}
	for n, c := range casts {
		if !slices.Contains(nums, n) {
			others[n] = c
		}
	}
	st.numParams, st.numText = nums, substituteParams(sql, others)
}

// withNumericValues returns the statement to run for st with args: st
// itself when it has no numeric parameters, else the one typed by the
// values' shapes, with args written as that statement binds them.
func (s *Session) withNumericValues(ctx context.Context, st *Stmt, args []any) (*Stmt, []any, error) {
	if len(st.numParams) > 0 && st.Kind == KindWrite {
		text, rest, err := withNumericLiterals(st.numText, st.numParams, args)
		if err != nil {
			return nil, nil, err
		}
		w, err := s.checkedWrite(ctx, text)
		if err != nil {
			return nil, nil, err
		}
		if w.Kind != KindWrite {
			return nil, nil, ErrPlanChanged
		}
		return w, rest, nil
	}
	if len(st.numParams) == 0 || st.Kind != KindQuery {
		return st, args, nil
	}
	types := make(map[int]string, len(st.numParams))
	var key strings.Builder
	cloned := false
	var nulls []int
	for _, n := range st.numParams {
		t := "DECIMAL(38,0)" // NULL: no digits to keep
		if n <= len(args) && args[n-1] == nil {
			nulls = append(nulls, n)
			key.WriteString("NULL")
		}
		if n <= len(args) && args[n-1] != nil {
			v, ok := args[n-1].(string)
			if !ok {
				return st, args, nil // decoded from binary as another type: the context's stands
			}
			text, _, sc, err := pgtypes.NumericParam(v)
			if err != nil {
				return nil, nil, numericParamError(n, v, err)
			}
			if text != v {
				if !cloned {
					args, cloned = slices.Clone(args), true
				}
				args[n-1] = text
			}
			// The value's scale, the widest precision: the engine
			// computes a DECIMAL(p,s) of p <= 18 in 64 bits, and
			// amount * 3.14159265358979 (12 + 15 digits) overflows
			// there, where Postgres answers.
			t = "DECIMAL(38," + strconv.Itoa(sc) + ")"
		}
		types[n] = t
		key.WriteString(t)
	}
	if len(nulls) > 0 {
		args = withoutArgs(args, nulls)
	}
	if sh, ok := st.shaped[key.String()]; ok {
		return sh, args, nil
	}
	sh, err := s.Prepare(ctx, withNullParams(numericValueCasts(st.numText, types), nulls))
	if err != nil {
		return nil, nil, err
	}
	if sh.Kind != KindQuery || !sameShape(sh.Columns, st.Columns) {
		return nil, nil, ErrPlanChanged
	}
	sh.Columns = st.Columns // the names and types the client was told
	if st.shaped == nil || len(st.shaped) >= maxNumericShapes {
		st.shaped = map[string]*Stmt{}
	}
	st.shaped[key.String()] = sh
	return sh, args, nil
}

// withNullParams writes (SELECT NULL) for the parameters nulls in sql
// (each inside its CAST(... AS DECIMAL(38,0))) and renumbers the others.
// A NULL bound to a parameter the engine left untyped (inside a macro:
// round($1), the "-" of amount - $1) takes the engine's NULL type, which
// the macros' cast_to_type refuses (XX000 "cannot be used to cast to
// NULL") where Postgres answers NULL; so does a NULL constant of a
// DECIMAL type, which the engine folds. A scalar subquery is not folded
// while the macros are bound.
func withNullParams(sql string, nulls []int) string {
	if len(nulls) == 0 {
		return sql
	}
	var b strings.Builder
	for _, t := range sqlparse.Lex(sql) {
		n, ok := paramNumber(t)
		switch {
		case !ok:
			b.WriteString(t.Text)
		case slices.Contains(nulls, n):
			b.WriteString("(SELECT NULL)")
		default:
			below := 0
			for _, k := range nulls {
				if k < n {
					below++
				}
			}
			b.WriteString("$" + strconv.Itoa(n-below))
		}
	}
	return b.String()
}

// withoutArgs is args without the parameters drop ($n is args[n-1]).
func withoutArgs(args []any, drop []int) []any {
	out := make([]any, 0, len(args))
	for i, a := range args {
		if !slices.Contains(drop, i+1) {
			out = append(out, a)
		}
	}
	return out
}

// numericParamError is the error for a numeric parameter's value that
// the engine cannot hold or that is no number.
func numericParamError(n int, v string, err error) error {
	switch {
	case errors.Is(err, pgtypes.ErrNumericWide):
		return fmt.Errorf("%w: numeric parameter $%d (%s) has more than %d digits, which the engine's numeric holds at most; "+
			"round it to %d significant digits in the client, or send it as float8 ($%d::float8)",
			planner.ErrNotSupported, n, v, pgtypes.MaxNumericDigits, pgtypes.MaxNumericDigits, n)
	case errors.Is(err, pgtypes.ErrNumericSpecial):
		return fmt.Errorf("%w: numeric parameter $%d is %s, which the engine's numeric cannot hold (send it as float8: $%d::float8)",
			planner.ErrNotSupported, n, strings.TrimSpace(v), n)
	}
	return &planner.EngineError{Kind: planner.KindConversion, Msg: fmt.Sprintf("invalid input syntax for type numeric: %q", v)}
}

// numericValueCasts writes CAST($n AS types[n]) for the parameters of
// types in sql. A bare numeric cast of the parameter ($n::numeric,
// CAST($n AS numeric)) gives way to the value's type: the engine reads a
// bare numeric as DECIMAL(18,3).
func numericValueCasts(sql string, types map[int]string) string {
	toks := sqlparse.Tokens(sql, 0)
	var b strings.Builder
	at := 0
	for i := 0; i < len(toks); i++ {
		n, ok := paramNumber(toks[i])
		t, typed := types[n]
		if !ok || !typed {
			continue
		}
		b.WriteString(sql[at:toks[i].Pos])
		at = toks[i].End
		// CAST($n AS numeric): the type name becomes the value's
		if i >= 2 && strings.EqualFold(toks[i-2].Text, "CAST") && toks[i-1].Text == "(" && i+1 < len(toks) && strings.EqualFold(toks[i+1].Text, "AS") {
			if end, ok := bareNumericType(toks, i+2); ok && end < len(toks) && toks[end].Text == ")" {
				b.WriteString(sql[toks[i].Pos:toks[i+2].Pos] + t)
				at = toks[end-1].End
				i = end - 1
				continue
			}
		}
		b.WriteString("CAST(" + toks[i].Text + " AS " + t + ")")
		// $n::numeric: the cast is the one just written
		if i+1 < len(toks) && toks[i+1].Text == "::" {
			if end, ok := bareNumericType(toks, i+2); ok {
				at = toks[end-1].End
				i = end - 1
			}
		}
	}
	b.WriteString(sql[at:])
	return b.String()
}

// bareNumericType reports whether toks[i:] starts with the type name
// numeric or decimal (pg_catalog's, quoted or not) without a typmod or an
// array suffix, and returns the index after it.
func bareNumericType(toks []sqlparse.Token, i int) (int, bool) {
	if i+2 < len(toks) && strings.EqualFold(sqlparse.UnquoteIdent(toks[i].Text), "pg_catalog") && toks[i+1].Text == "." {
		i += 2
	}
	if i >= len(toks) || toks[i].Kind != sqlparse.Word && toks[i].Kind != sqlparse.QuotedIdent {
		return i, false
	}
	switch name := sqlparse.UnquoteIdent(toks[i].Text); {
	case toks[i].Kind == sqlparse.QuotedIdent && name != "numeric" && name != "decimal":
		return i, false
	case !strings.EqualFold(name, "numeric") && !strings.EqualFold(name, "decimal"):
		return i, false
	}
	if i+1 < len(toks) && (toks[i+1].Text == "(" || toks[i+1].Text == "[") {
		return i, false
	}
	return i + 1, true
}

// Statements planned once per execution (a write, sent with its values
// through the protocol; a SQL-level EXECUTE, whose arguments are
// expressions) keep no shaped statements: their numeric parameters'
// values are written into the text instead, each as a constant of its
// own scale, CAST('1.0005' AS DECIMAL(38,4)), which then meets the
// column's type as Postgres' value does (UPDATE ... SET amount = amount *
// $1 rounds the product, not the parameter, to amount's scale).

// numericLiteral is the text written for numeric parameter n with value
// v (nil: NULL), and the engine type it has. A NULL is (SELECT NULL),
// which the engine neither folds nor types other than by the cast around
// it (withNullParams).
func numericLiteral(n int, v any) (lit, typ string, err error) {
	if v == nil {
		return "(SELECT NULL)", "DECIMAL(38,0)", nil
	}
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	text, _, sc, err := pgtypes.NumericParam(s)
	if err != nil {
		return "", "", numericParamError(n, s, err)
	}
	return sqlparse.QuoteLiteral(text), "DECIMAL(38," + strconv.Itoa(sc) + ")", nil
}

// withNumericLiterals writes the values of the numeric parameters nums
// (args[n-1] for $n) into sql as constants of their own scales
// (numericLiteral; a bare numeric cast of the parameter gives way to the
// value's type, as in numericValueCasts) and renumbers the other
// parameters; the args returned are those left.
func withNumericLiterals(sql string, nums []int, args []any) (string, []any, error) {
	types := make(map[int]string, len(nums))
	with := map[int]string{}
	for _, n := range nums {
		var v any
		if n <= len(args) {
			v = args[n-1]
		}
		lit, t, err := numericLiteral(n, v)
		if err != nil {
			return "", nil, err
		}
		types[n], with[n] = t, lit
	}
	for k := 1; k <= maxParam(sql); k++ {
		if _, ok := with[k]; ok {
			continue
		}
		below := 0
		for _, n := range nums {
			if n < k {
				below++
			}
		}
		with[k] = "$" + strconv.Itoa(k-below)
	}
	return substituteParams(numericValueCasts(sql, types), with), withoutArgs(args, nums), nil
}

// bareNumericCasts returns the parameters sql casts to a bare numeric:
// $n::numeric, CAST($n AS numeric).
func bareNumericCasts(sql string) []int {
	toks := sqlparse.Tokens(sql, 0)
	var out []int
	for i, t := range toks {
		n, ok := paramNumber(t)
		if !ok {
			continue
		}
		if i+1 < len(toks) && toks[i+1].Text == "::" {
			if _, ok := bareNumericType(toks, i+2); ok {
				out = append(out, n)
			}
		}
		if i >= 2 && strings.EqualFold(toks[i-2].Text, "CAST") && toks[i-1].Text == "(" && i+1 < len(toks) && strings.EqualFold(toks[i+1].Text, "AS") {
			if end, ok := bareNumericType(toks, i+2); ok && end < len(toks) && toks[end].Text == ")" {
				out = append(out, n)
			}
		}
	}
	return out
}
