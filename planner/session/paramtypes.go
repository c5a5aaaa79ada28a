package session

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/write"
)

// Parameters take PostgreSQL's types. A client that declares a
// parameter's type in Parse (psycopg 3 does for most values) gets a
// parameter of that type: $n becomes CAST($n AS type) before the engine
// sees the statement. One that declares none gets the type the statement's
// context gives it, as the engine infers it; and where nothing types it (a
// parameter alone in the select list: "select $1, 1"), text, as in
// PostgreSQL, rather than a statement the engine can describe only once it
// has the values (it described one "unknown" column).

// PrepareParams is Prepare for a statement whose parameter types the
// client declared (oids[i] for $i+1, 0 for none), as Parse does.
func (s *Session) PrepareParams(ctx context.Context, sql string, oids []uint32) (*Stmt, error) {
	if kw := sqlparse.LeadingKeywords(sql, 1); len(kw) == 1 && kw[0] == "DECLARE" && maxParam(sql) > 0 {
		if s.failed {
			return nil, ErrInFailedTransaction
		}
		st := &Stmt{SQL: sql}
		if err := s.declare(ctx, st, sql, oids, true); err != nil {
			return nil, s.withoutPaths(err)
		}
		return st, nil
	}
	st, casts, err := s.prepareParams(ctx, sql, oids)
	if err == nil {
		describeVarcharParams(st, sql)
		numericParams(st, sql, casts)
	}
	return st, err
}

// prepareParams prepares sql with its parameters typed; casts are the
// casts it put around them.
func (s *Session) prepareParams(ctx context.Context, sql string, oids []uint32) (*Stmt, map[int]string, error) {
	n := maxParam(sql)
	if n == 0 {
		st, err := s.Prepare(ctx, sql)
		return st, nil, err
	}
	casts := map[int]string{}
	for i, oid := range oids {
		if i >= n {
			break
		}
		if oid == pgtypes.OIDNumeric {
			// numeric: the value's own precision and scale at Bind
			// (numparams.go); until then the widest the engine has
			casts[i+1] = castParam(i+1, numericParam)
		} else if t := eng.TypeName(oid); t != "" {
			casts[i+1] = castParam(i+1, t)
		}
	}
	text := sql
	if len(casts) > 0 {
		text = substituteParams(sql, casts)
	}
	st, err := s.Prepare(ctx, text)
	if kw := sqlparse.LeadingKeywords(text, 1); len(kw) == 1 && write.Verbs[kw[0]] && (err != nil || st.Kind == KindWrite) {
		typed, more, typeErr := s.typedWriteParams(ctx, text, st, err, casts)
		if typeErr != nil {
			return nil, nil, typeErr
		}
		if more != nil {
			text = substituteParams(text, more)
			maps.Copy(casts, more)
			st, err = typed, nil
		}
	}
	if err == nil && st.Kind == KindWrite {
		// a bare numeric cast of an untyped parameter ($1::numeric) is
		// the engine's DECIMAL(18,3): numeric, typed by its value when
		// the write runs (numparams.go)
		for _, k := range bareNumericCasts(sql) {
			if _, declared := casts[k]; !declared {
				casts[k] = castParam(k, numericParam)
			}
		}
	}
	if err != nil || st.Kind != KindQuery {
		return st, casts, err // a write's numeric parameters: numericParams
	}
	// The engine types the divisor of sum(amount) / $1 integer, where
	// Postgres takes the other operand's type, numeric.
	decimalOperands := map[int]string{}
	for i, p := range st.Params {
		if _, declared := casts[i+1]; declared || p.ID != pgtypes.TypeInt32 && p.ID != pgtypes.TypeInt64 {
			continue
		}
		if t := s.operandType(ctx, text, i+1, false); strings.HasPrefix(t, "DECIMAL(") {
			decimalOperands[i+1] = castParam(i+1, t)
		}
	}
	if len(decimalOperands) > 0 {
		text = substituteParams(text, decimalOperands)
		maps.Copy(casts, decimalOperands)
		if st, err = s.Prepare(ctx, text); err != nil || st.Kind != KindQuery {
			return st, nil, err
		}
	}
	var untyped []int
	for i, p := range st.Params {
		// a numeric one is typed by its value at Bind, whatever the
		// engine makes of it inside a function call
		if p.ID == pgtypes.TypeUnknown && !decimalCast(casts[i+1]) {
			untyped = append(untyped, i+1)
		}
	}
	if len(untyped) == 0 && slices.ContainsFunc(st.Columns, unknownColumn) {
		if typed, more, ok := s.typedOperands(ctx, text, st, casts); ok {
			s.nameAsWritten(typed, sql)
			return typed, more, nil
		}
	}
	if len(untyped) == 0 {
		if len(casts) > 0 {
			s.nameAsWritten(st, sql)
		}
		return st, casts, nil
	}
	// The type the text around a parameter gives it, as in PostgreSQL:
	// $1::int8::text is int8, x = ANY($1) an array of x's type.
	fromContext, err := s.contextParamTypes(ctx, text, untyped)
	if err != nil {
		return nil, nil, err
	}
	// Text where nothing else types it; where text does not fit, the
	// types PostgreSQL would most often pick from the context the engine
	// does not use: an array for = ANY($1) (text, or bigint when the other
	// side is a number), integer for arithmetic with a literal ($1 + 1).
	// If none fits, the statement stays as the engine prepared it.
	for _, t := range []string{"VARCHAR", "VARCHAR[]", "INTEGER", "BIGINT[]"} {
		more := map[int]string{}
		for _, n := range untyped {
			more[n] = castParam(n, t)
			if c, ok := fromContext[n]; ok {
				more[n] = c
			}
		}
		if typed, err := s.Prepare(ctx, substituteParams(text, more)); err == nil {
			s.nameAsWritten(typed, sql)
			maps.Copy(more, casts)
			return typed, more, nil
		}
	}
	return st, casts, nil
}

// typedWriteParams types the parameters of a write (text, prepared as st
// or failed with prepErr) that the client did not type, from the queries
// the write room composes of it (writeSources): the type of the other
// operand of their arithmetic or comparison there, as Postgres does (set
// a = a * $1 with a numeric: numeric; values ($1 * 2) into an int
// column: integer). The engine types them neither in the write's text nor
// in its source, where it leaves a * $1 unknown. It returns the write
// prepared with those parameters cast and the casts, or nil ones when
// none was found or the typed write fails to prepare; an error where
// Postgres cannot type one (date + $1: datetimeParam).
func (s *Session) typedWriteParams(ctx context.Context, text string, st *Stmt, prepErr error, casts map[int]string) (*Stmt, map[int]string, error) {
	uses := sqlparse.ParamUses(text)
	var untyped, inAny []int
	for n := 1; n <= maxParam(text); n++ {
		if _, declared := casts[n]; declared || uses[n].CastTo != "" || uses[n].Rounded {
			continue
		}
		if uses[n].InAny {
			if prepErr != nil || n > len(st.Params) || st.Params[n-1].ID == pgtypes.TypeUnknown {
				inAny = append(inAny, n)
			}
			continue
		}
		_, arith := sqlparse.ArithmeticAsComparison(text, n)
		if arith || prepErr != nil || n > len(st.Params) || st.Params[n-1].ID == pgtypes.TypeUnknown {
			untyped = append(untyped, n)
		}
	}
	if len(untyped) == 0 && len(inAny) == 0 {
		return nil, nil, nil
	}
	sources := s.writeSources(ctx, text)
	more, bare := map[int]string{}, map[int]string{}
	// x = any($1): an array of x's type, from the source the write reads
	// (delete ... where id = any($1))
	for _, src := range sources {
		if len(inAny) == 0 {
			break
		}
		arrays, err := s.contextParamTypes(ctx, src, inAny)
		if err != nil {
			return nil, nil, err
		}
		for n, c := range arrays {
			more[n], bare[n] = c, c
			inAny = slices.DeleteFunc(inAny, func(k int) bool { return k == n })
		}
	}
	// A second pass types, with those found in the first, the parameters
	// whose probe failed on another one left NULL (d - $1, ts + $2: ts +
	// NULL has no operator).
	for pass := 0; pass < 2; pass++ {
		for _, n := range untyped {
			if _, done := more[n]; done {
				continue
			}
			_, arith := sqlparse.ArithmeticAsComparison(text, n)
			t := ""
			for _, src := range sources {
				// the parameters typed so far keep their types in the
				// probe (a * $1 > $2: $2 is compared with a numeric), as
				// bare casts: the engine types no parameter compared
				// with a CASE around a multiplied one
				if t = s.operandType(ctx, substituteParams(src, bare), n, true); t != "" {
					break
				}
			}
			if dt, ok, err := datetimeParam(text, n, t); err != nil {
				return nil, nil, err
			} else if ok {
				t = dt
			}
			switch {
			case strings.HasPrefix(t, "DECIMAL("):
				// numeric: the value's own scale at Bind (numparams.go)
				t = numericParam
			case t == "" && !arith && pass == 1:
				// nothing types it ('p' || $1): text, as Postgres
				// resolves an unknown
				t = "VARCHAR"
			case t == "":
				continue
			}
			// the CASE keeps the parameter's type, which the engine
			// loses inside an operator's macro (typedOperands)
			more[n] = "(CASE WHEN true THEN " + castParam(n, t) + " END)"
			bare[n] = castParam(n, t)
		}
	}
	if len(more) == 0 {
		return nil, nil, nil
	}
	typed, err := s.Prepare(ctx, substituteParams(text, more))
	if err != nil || typed.Kind != KindWrite {
		return nil, nil, nil
	}
	return typed, more, nil
}

// typedOperands prepares text with its parameters that the engine typed
// and the client did not cast to their type: the context's (id / $1 with
// id bigint: bigint, as Postgres) or else the engine's. The engine types
// $1 in id / $1 integer but leaves the result's type unknown (the
// operator is a macro around the parameter), which the client would be
// told is text and then sent an integer in (XX000 at the encoder).
func (s *Session) typedOperands(ctx context.Context, text string, st *Stmt, casts map[int]string) (*Stmt, map[int]string, bool) {
	more := map[int]string{}
	var ns []int
	for i, p := range st.Params {
		if _, declared := casts[i+1]; declared || p.ID == pgtypes.TypeUnknown {
			continue
		}
		if t := eng.SQLName(p); t != "" {
			ns = append(ns, i+1)
			more[i+1] = castParam(i+1, t)
		}
	}
	if len(ns) == 0 {
		return nil, nil, false
	}
	fromContext, err := s.contextParamTypes(ctx, text, ns)
	if err != nil {
		return nil, nil, false // the untyped parameters' typing reports it
	}
	maps.Copy(more, fromContext)
	for n, c := range more {
		// the CASE keeps the parameter's type, which the engine loses
		// inside the operator's macro
		if !strings.HasPrefix(c, "(CASE ") {
			more[n] = "(CASE WHEN true THEN " + c + " END)"
		}
	}
	typed, err := s.Prepare(ctx, substituteParams(text, more))
	if err != nil || typed.Kind != KindQuery || slices.ContainsFunc(typed.Columns, unknownColumn) {
		return nil, nil, false
	}
	maps.Copy(more, casts)
	return typed, more, true
}

// unknownColumn reports whether the engine left c's type unknown.
func unknownColumn(c pgtypes.Column) bool { return c.Type.ID == pgtypes.TypeUnknown }

// contextParamTypes returns typed texts for the untyped parameters the
// text around them types (sqlparse.ParamUses): the type a cast right after
// the parameter names, and for the operand of ANY or ALL, an array of the
// type the engine infers for x = $n. A numeric one ($1::numeric, x + $1
// with x numeric, round($1, 2)) is typed by its value at Bind
// (numparams.go). The error is Postgres' where it cannot type one
// (datetimeParam).
func (s *Session) contextParamTypes(ctx context.Context, sql string, untyped []int) (map[int]string, error) {
	uses := sqlparse.ParamUses(sql)
	out := map[int]string{}
	inAny := map[int]bool{}
	var operands []int
	for _, n := range untyped {
		u := uses[n]
		switch {
		case u.Rounded && u.CastTo == "":
			// round($1, 2) is round(numeric, int4) in Postgres; the
			// engine would take an integer.
			out[n] = castParam(n, numericParam)
		case u.CastTo != "":
			name := strings.ToLower(u.CastTo)
			if !strings.Contains(name, "(") && (strings.Contains(name, "numeric") || strings.Contains(name, "decimal")) {
				// the engine's bare DECIMAL is (18,3): numeric, typed
				// by its value at Bind (numparams.go)
				out[n] = "(CASE WHEN true THEN " + castParam(n, numericParam) + " END)"
				continue
			}
			if st, err := s.Prepare(ctx, "SELECT NULL::"+u.CastTo); err == nil && st.Kind == KindQuery && len(st.Columns) == 1 {
				if t := eng.SQLName(st.Columns[0].Type); t != "" {
					// the engine keeps no parameter type through a cast
					// of a cast: $1::BIGINT::VARCHAR is untyped, while
					// the CASE holds it
					out[n] = "(CASE WHEN true THEN " + castParam(n, t) + " END)"
				}
			}
		case u.InAny:
			inAny[n] = true
		default:
			operands = append(operands, n)
		}
	}
	// x + $n: x's type (a DECIMAL(p,s) becomes the value's own at Bind),
	// or an interval beside a timestamp; a second pass types, with those
	// found in the first, the parameters whose probe failed on another
	// one left NULL (d - $1, ts + $2: ts + NULL has no operator)
	for pass := 0; pass < 2; pass++ {
		typed := sql
		if pass == 1 {
			typed = substituteParams(sql, out)
		}
		for _, n := range operands {
			if _, done := out[n]; done || pass == 1 && len(out) == 0 {
				continue
			}
			t := s.operandType(ctx, typed, n, true)
			dt, ok, err := datetimeParam(sql, n, t)
			if err != nil {
				return nil, err
			}
			if ok {
				t = dt
			}
			if t != "" {
				out[n] = castParam(n, t)
			}
		}
	}
	if len(inAny) == 0 {
		return out, nil
	}
	probe, err := s.Prepare(ctx, sqlparse.AnyOperandsAsScalars(sql, inAny))
	if err != nil || probe.Kind != KindQuery {
		return out, nil
	}
	for n := range inAny {
		if n <= len(probe.Params) {
			switch t := eng.SQLName(probe.Params[n-1]); {
			case strings.HasPrefix(t, "DECIMAL("):
				// numeric[] keeps each element's scale, which no engine
				// array type does (DECIMAL(p,s)[] rounds to s), and
				// another array would compare other values (bigint[]
				// truncates): refused, not answered otherwise
				return nil, fmt.Errorf("%w: an untyped array parameter compared with a numeric (x = any($%d)); "+
					"cast it ($%d::float8[]) or send its elements as parameters", planner.ErrNotSupported, n, n)
			case t != "" && !strings.HasSuffix(t, "]"):
				out[n] = castParam(n, t+"[]")
			}
		}
	}
	return out, nil
}

// operandType is the engine type of the other operand of $n's
// arithmetic in sql (x + $n: x's type, the type the engine infers for
// x = $n), or, when compared, of its comparison; "" where none is
// found.
func (s *Session) operandType(ctx context.Context, sql string, n int, compared bool) string {
	if probeSQL, ok := sqlparse.ArithmeticAsGuardedComparison(sql, n); ok {
		// a * $1 > $2: a = $1 > $2 would compare a boolean with $2
		if t := s.probeParamType(ctx, probeSQL, n); t != "" {
			return t
		}
	}
	probeSQL, ok := sqlparse.ArithmeticAsComparison(sql, n)
	if !ok && !compared {
		return ""
	}
	if !ok {
		probeSQL = sql // amount = $2 after amount * $1
	}
	return s.probeParamType(ctx, probeSQL, n)
}

// probeParamType is the engine type of $n in probeSQL prepared with the
// other parameters NULL; "" where the engine leaves it untyped or it is
// an array.
func (s *Session) probeParamType(ctx context.Context, probeSQL string, n int) string {
	// The other parameters are NULL in the probe, and $n its $1: the
	// engine types no parameter after one it could not type (amount *
	// $1, amount = $2 leaves $2 unknown).
	others := map[int]string{n: "$1"}
	for k := 1; k <= maxParam(probeSQL); k++ {
		if k != n {
			others[k] = "NULL"
		}
	}
	probe, err := s.Prepare(ctx, substituteParams(probeSQL, others))
	if err != nil || probe.Kind != KindQuery || len(probe.Params) != 1 {
		return ""
	}
	if t := eng.SQLName(probe.Params[0]); !strings.HasSuffix(t, "]") {
		return t
	}
	return ""
}

// numericParam is the engine type of a parameter Postgres types numeric
// without a typmod where lakegate must choose one: 20 digits before the
// point, 18 after.
const numericParam = "DECIMAL(38,18)"

// decimalCast reports whether c, a cast put around a parameter
// (castParam), is to a DECIMAL: the parameter is numeric (numparams.go).
func decimalCast(c string) bool { return strings.Contains(c, " AS DECIMAL(") }

// castParam is $n cast to the engine type t.
func castParam(n int, t string) string { return "CAST($" + strconv.Itoa(n) + " AS " + t + ")" }

// nameAsWritten names st's columns after the client's text: a cast put
// around a parameter must not rename its column ("select $1" is ?column?,
// not varchar).
func (s *Session) nameAsWritten(st *Stmt, sql string) {
	s.engMu.Lock()
	e := s.eng
	s.engMu.Unlock()
	if e == nil {
		return
	}
	nodes, err := planner.Parse(e.conn, sql)
	if err != nil {
		return
	}
	names := pgcatalog.ColumnNames(nodes[0], sql)
	if len(names) != len(st.Columns) {
		return
	}
	st.Columns = slices.Clone(st.Columns) // the shape cache holds the slice
	for i := range st.Columns {
		st.Columns[i].Name = names[i]
	}
}

// datetimeParam is the engine type Postgres gives an untyped $n that is
// an operand of arithmetic in sql (ArithmeticOperator) whose other
// operand has the engine type t, a date, time or timestamp; ok is false
// for another t or no arithmetic. Postgres looks first for the operator
// with both operands of t's type: d - $1 is date - date, ts - $1
// timestamp - timestamp; there is no date + date, and of the + operators
// with a timestamp or time, only the one with an interval fits, while
// date + $1 has several (integer, interval, time): 42725, as the other
// operators with a date or time are 42883
// (https://www.postgresql.org/docs/15/typeconv-oper.html).
func datetimeParam(sql string, n int, t string) (string, bool, error) {
	var word string
	switch t {
	case "DATE":
		word = "date"
	case "TIME":
		word = "time without time zone"
	case "TIMESTAMP":
		word = "timestamp without time zone"
	case "TIMESTAMPTZ":
		word = "timestamp with time zone"
	default:
		return "", false, nil
	}
	op, left, ok := sqlparse.ArithmeticOperator(sql, n)
	if !ok {
		return "", false, nil
	}
	operands := word + " " + op + " unknown"
	if left {
		operands = "unknown " + op + " " + word
	}
	switch {
	case op == "-":
		return t, true, nil
	case op == "+" && t == "DATE":
		return "", false, &planner.EngineError{Kind: planner.KindAmbiguousFunction, Msg: "operator is not unique: " + operands}
	case op == "+":
		return "INTERVAL", true, nil
	}
	return "", false, &planner.EngineError{Kind: planner.KindUndefinedFunction, Msg: "operator does not exist: " + operands}
}
