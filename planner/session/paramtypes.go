package session

import (
	"context"
	"slices"
	"strconv"
	"strings"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
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
	st, err := s.prepareParams(ctx, sql, oids)
	if err == nil {
		describeVarcharParams(st, sql)
	}
	return st, err
}

func (s *Session) prepareParams(ctx context.Context, sql string, oids []uint32) (*Stmt, error) {
	n := maxParam(sql)
	if n == 0 {
		return s.Prepare(ctx, sql)
	}
	casts := map[int]string{}
	for i, oid := range oids {
		if t := eng.TypeName(oid); t != "" && i < n {
			casts[i+1] = castParam(i+1, t)
		}
	}
	text := sql
	if len(casts) > 0 {
		text = substituteParams(sql, casts)
	}
	st, err := s.Prepare(ctx, text)
	if err != nil || st.Kind != KindQuery {
		return st, err
	}
	var untyped []int
	for i, p := range st.Params {
		if p.ID == pgtypes.TypeUnknown {
			untyped = append(untyped, i+1)
		}
	}
	if len(untyped) == 0 {
		if len(casts) > 0 {
			s.nameAsWritten(st, sql)
		}
		return st, nil
	}
	// The type the text around a parameter gives it, as in PostgreSQL:
	// $1::int8::text is int8, x = ANY($1) an array of x's type.
	fromContext := s.contextParamTypes(ctx, text, untyped)
	// Text where nothing else types it; where text does not fit, the
	// types PostgreSQL would most often pick from the context the engine
	// does not use: an array for = ANY($1) (text, or bigint when the other
	// side is a number), integer for arithmetic with a literal ($1 + 1).
	// If none fits, the statement stays as the engine prepared it.
	for _, t := range []string{"VARCHAR", "VARCHAR[]", "INTEGER", "BIGINT[]"} {
		casts := map[int]string{}
		for _, n := range untyped {
			casts[n] = castParam(n, t)
			if c, ok := fromContext[n]; ok {
				casts[n] = c
			}
		}
		if typed, err := s.Prepare(ctx, substituteParams(text, casts)); err == nil {
			s.nameAsWritten(typed, sql)
			return typed, nil
		}
	}
	return st, nil
}

// contextParamTypes returns typed texts for the untyped parameters the
// text around them types (sqlparse.ParamUses): the type a cast right after
// the parameter names, and for the operand of ANY or ALL, an array of the
// type the engine infers for x = $n. A bare numeric is left out: the
// engine's DECIMAL would round the value.
func (s *Session) contextParamTypes(ctx context.Context, sql string, untyped []int) map[int]string {
	uses := sqlparse.ParamUses(sql)
	out := map[int]string{}
	inAny := map[int]bool{}
	for _, n := range untyped {
		u := uses[n]
		switch {
		case u.Rounded && u.CastTo == "":
			// round($1, 2) is round(numeric, int4) in Postgres; the
			// engine would take an integer. A value with more decimals
			// than numericParam's is refused at Bind, not rounded.
			out[n] = castParam(n, numericParam)
		case u.CastTo != "":
			name := strings.ToLower(u.CastTo)
			if !strings.Contains(name, "(") && (strings.Contains(name, "numeric") || strings.Contains(name, "decimal")) {
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
			// x + $n: x's type; a DECIMAL(p,s) is kept, and a value
			// with more digits is refused at Bind (pgtypes.ParamFits)
			// rather than rounded
			if probeSQL, ok := sqlparse.ArithmeticAsComparison(sql, n); ok {
				if probe, err := s.Prepare(ctx, probeSQL); err == nil && probe.Kind == KindQuery && n <= len(probe.Params) {
					if t := eng.SQLName(probe.Params[n-1]); t != "" && !strings.HasSuffix(t, "]") {
						out[n] = castParam(n, t)
					}
				}
			}
		}
	}
	if len(inAny) == 0 {
		return out
	}
	probe, err := s.Prepare(ctx, sqlparse.AnyOperandsAsScalars(sql, inAny))
	if err != nil || probe.Kind != KindQuery {
		return out
	}
	for n := range inAny {
		if n <= len(probe.Params) {
			// not DECIMAL(p,s)[]: the elements would be rounded to s
			if t := eng.SQLName(probe.Params[n-1]); t != "" && !strings.HasSuffix(t, "]") && !strings.HasPrefix(t, "DECIMAL") {
				out[n] = castParam(n, t+"[]")
			}
		}
	}
	return out
}

// numericParam is the engine type of a parameter Postgres types numeric
// without a typmod where lakegate must choose one: 20 digits before the
// point, 18 after.
const numericParam = "DECIMAL(38,18)"

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
