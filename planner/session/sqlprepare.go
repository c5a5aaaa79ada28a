package session

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	eng "github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/write"
)

// SQL-level prepared statements: PREPARE name [(types)] AS statement and
// EXECUTE name [(arguments)] (https://www.postgresql.org/docs/15/sql-prepare.html).
// PREPARE checks and plans the statement once; EXECUTE puts each argument,
// cast to its declared type, in place of its $n and runs the result as a
// statement of its own, planned against the current snapshots like any
// other.

func (s *Session) prepareSQLPrepare(ctx context.Context, st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	if t.accept("TRANSACTION") {
		return fmt.Errorf("%w: two-phase commit", planner.ErrNotSupported)
	}
	name, err := t.ident()
	if err != nil {
		return err
	}
	var types []string
	if t.peekRaw() == "(" {
		list, err := t.parenList()
		if err != nil {
			return err
		}
		types = list
	}
	if err := t.expect("AS"); err != nil {
		return err
	}
	text := t.rest()
	switch sqlparse.LeadingKeywords(text, 1)[0] {
	case "SELECT", "WITH", "VALUES", "TABLE", "(", "INSERT", "UPDATE", "DELETE", "MERGE":
	default:
		return syntaxErrAt(t.peekRaw())
	}
	// Plan it once now, as PostgreSQL does, so errors show at PREPARE;
	// declared types are applied to the parameters, and those Postgres
	// types numeric (declared so, or by their context: 10.25 * $1) are
	// found, to be given their values' scales at EXECUTE.
	oids := make([]uint32, len(types))
	declared := map[int]string{}
	for i, typ := range types {
		if numericTypeName(typ) {
			oids[i] = pgtypes.OIDNumeric
		} else if typ != "" {
			declared[i+1] = "CAST($" + strconv.Itoa(i+1) + " AS " + typ + ")"
		}
	}
	probe, err := s.PrepareParams(ctx, substituteParams(text, declared), oids)
	if err != nil {
		return err
	}
	st.Kind, st.Tag = KindPrepare, "PREPARE"
	st.cmd = &cmdStmt{name: name, inner: &Stmt{SQL: text, Params: probe.Params, numParams: probe.numParams}, types: types}
	return nil
}

// numericTypeName reports whether a type PREPARE declares is numeric
// (numeric, decimal, pg_catalog.numeric, with a typmod or not: Postgres
// drops a parameter's typmod), not an array of it.
func numericTypeName(typ string) bool {
	toks := sqlparse.Tokens(typ, 0)
	if i := slices.IndexFunc(toks, func(t sqlparse.Token) bool { return t.Text == "(" }); i > 0 && toks[len(toks)-1].Text == ")" {
		toks = toks[:i] // numeric(p, s)
	}
	end, ok := bareNumericType(toks, 0)
	return ok && end == len(toks)
}

func (s *Session) execSQLPrepare(st *Stmt) (Result, error) {
	if _, ok := s.cmd.prepared[st.cmd.name]; ok {
		return Result{}, stateErr(StateDuplicatePrepared, "prepared statement %q already exists", st.cmd.name)
	}
	maxN, maxBytes := s.maxPrepared, s.maxPreparedBytes
	if maxN <= 0 {
		maxN = 1000
	}
	if maxBytes <= 0 {
		maxBytes = 64 << 20
	}
	if len(s.cmd.prepared) >= maxN {
		return Result{}, stateErr(StateLimitExceeded, "too many prepared statements in this session (limits.max_prepared_statements is %d); DEALLOCATE some", maxN)
	}
	held := len(st.cmd.inner.SQL)
	for _, p := range s.cmd.prepared {
		held += len(p.SQL)
	}
	if held > maxBytes {
		return Result{}, stateErr(StateLimitExceeded, "prepared statements of this session would hold %d bytes (limits.max_prepared_bytes is %d); DEALLOCATE some", held, maxBytes)
	}
	if s.cmd.prepared == nil {
		s.cmd.prepared = map[string]*Stmt{}
	}
	s.cmd.prepared[st.cmd.name] = &Stmt{SQL: st.cmd.inner.SQL, Params: st.cmd.inner.Params, numParams: st.cmd.inner.numParams, cmd: &cmdStmt{types: st.cmd.types}}
	return Result{Tag: "PREPARE"}, nil
}

// prepareSQLExecute returns the prepared statement with its arguments in
// place, prepared as a statement of its own: EXECUTE reports that
// statement's columns and command tag.
func (s *Session) prepareSQLExecute(ctx context.Context, st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	name, err := t.ident()
	if err != nil {
		return err
	}
	var args []string
	if t.peekRaw() == "(" {
		if args, err = t.parenList(); err != nil {
			return err
		}
	}
	if err := t.end(); err != nil {
		return err
	}
	p, ok := s.cmd.prepared[name]
	if !ok {
		return stateErr(StateNoSuchPrepared, "prepared statement %q does not exist", name)
	}
	types := p.cmd.types
	if n := maxParam(p.SQL); len(args) != max(n, len(types)) {
		return &planner.EngineError{Kind: planner.KindSyntax, Msg: fmt.Sprintf("wrong number of parameters for prepared statement %q: expected %d parameters but got %d",
			name, max(n, len(types)), len(args))}
	}
	// Numeric parameters take their arguments' values, each with its own
	// scale, as a protocol-level Bind's do (numparams.go); the others
	// their arguments cast to the declared types, or to those PREPARE
	// gave them (select $1 is text, $1 + 1 an integer, as in Postgres).
	types = slices.Clone(types)
	for i, t := range p.Params {
		if i >= len(types) {
			types = append(types, "")
		}
		name := eng.SQLName(t)
		if name == "VARCHAR" {
			name = "text" // the engine's string is Postgres' unknown resolved: text
		}
		// an array too: x = any($1) is x's type's array, which a string
		// argument is read as ('{1,3}'); a numeric one, numeric[]
		if types[i] == "" && name != "" && (!strings.HasPrefix(name, "DECIMAL") || strings.HasSuffix(name, "]")) {
			types[i] = name
		}
	}
	with := typedParams(types, args)
	values := make([]any, len(args))
	for _, n := range p.numParams {
		v, err := s.numericArgument(ctx, n, args[n-1])
		if err != nil {
			return err
		}
		values[n-1] = v
		delete(with, n)
	}
	text, _, err := withNumericLiterals(substituteParams(p.SQL, with), p.numParams, values)
	if err != nil {
		return err
	}
	prepare := s.Prepare
	if kw := sqlparse.LeadingKeywords(p.SQL, 1); len(kw) == 1 && write.Verbs[kw[0]] {
		prepare = s.checkedWrite // checked at PREPARE, and again as it runs
	}
	inner, err := prepare(ctx, text)
	if err != nil {
		return err
	}
	if inner.Kind == KindQuery {
		s.nameAsWritten(inner, p.SQL) // select $1 is ?column?, whatever stands for $1
	}
	*st = *inner
	return nil
}

// numericArgument is the value of EXECUTE's argument arg for the numeric
// parameter $n, as Postgres coerces it: a number or an integer keeps its
// digits and scale, a string constant is read as numeric input, a float
// becomes numeric with 15 significant digits (6 for a real), NULL is nil
// (nil). Any other type is 42804, a subquery 0A000, as in Postgres.
func (s *Session) numericArgument(ctx context.Context, n int, arg string) (any, error) {
	toks := sqlparse.Tokens(arg, 0)
	switch {
	case len(toks) == 1 && toks[0].Kind == sqlparse.Word && strings.EqualFold(toks[0].Text, "NULL"):
		return nil, nil
	case len(toks) == 1 && toks[0].Kind == sqlparse.Number,
		len(toks) == 2 && (toks[0].Text == "-" || toks[0].Text == "+") && toks[1].Kind == sqlparse.Number:
		return arg, nil
	case len(toks) == 1 && toks[0].Kind == sqlparse.String:
		if v, ok := sqlparse.StringValue(toks[0].Text); ok {
			return v, nil
		}
	}
	for _, t := range toks {
		if t.Kind == sqlparse.Word && strings.EqualFold(t.Text, "SELECT") {
			return nil, fmt.Errorf("%w: a subquery in an EXECUTE parameter", planner.ErrNotSupported)
		}
	}
	q, err := s.Prepare(ctx, "SELECT ("+arg+")")
	if err != nil {
		return nil, err
	}
	if q.Kind != KindQuery || len(q.Columns) != 1 {
		return nil, syntaxErrAt(arg)
	}
	typ := q.Columns[0].Type
	switch typ.ID {
	case pgtypes.TypeNumeric, pgtypes.TypeInt16, pgtypes.TypeInt32, pgtypes.TypeInt64, pgtypes.TypeFloat32, pgtypes.TypeFloat64:
	case pgtypes.TypeUnknown:
		return nil, nil // NULL of no type
	default:
		return nil, &planner.EngineError{Kind: planner.KindDatatypeMismatch,
			Msg: fmt.Sprintf("parameter $%d of type %s cannot be coerced to the expected type numeric", n, pgTypeWord(typ))}
	}
	var text []byte
	null := true
	enc := pgtypes.NewRowEncoder(q.Columns, nil, pgtypes.EncodeOptions{Buffered: true})
	_, err = s.execQuery(ctx, q, nil, func(rec arrow.RecordBatch) error {
		if rec.NumRows() == 0 {
			return nil
		}
		if err := enc.Encode(rec, 0, 1); err != nil {
			return err
		}
		if v := enc.NextValue(0); v != nil {
			text, null = slices.Clone(v), false
		}
		return nil
	})
	if err != nil || null {
		return nil, err
	}
	if typ.ID == pgtypes.TypeFloat32 || typ.ID == pgtypes.TypeFloat64 {
		// Postgres' float8_numeric: %.15g (float4: %.6g)
		digits, bits := 15, 64
		if typ.ID == pgtypes.TypeFloat32 {
			digits, bits = 6, 32
		}
		f, err := strconv.ParseFloat(string(text), bits)
		if err != nil {
			return string(text), nil // NaN, Infinity: refused as numeric values are
		}
		return strconv.FormatFloat(f, 'g', digits, bits), nil
	}
	return string(text), nil
}

// pgTypeWord names a value type as Postgres' errors do.
func pgTypeWord(t pgtypes.Type) string {
	switch t.ID {
	case pgtypes.TypeBool:
		return "boolean"
	case pgtypes.TypeText:
		return "text"
	case pgtypes.TypeBytes:
		return "bytea"
	case pgtypes.TypeDate:
		return "date"
	case pgtypes.TypeTime:
		return "time without time zone"
	case pgtypes.TypeTimestamp:
		return "timestamp without time zone"
	case pgtypes.TypeTimestampTZ:
		return "timestamp with time zone"
	case pgtypes.TypeInterval:
		return "interval"
	case pgtypes.TypeUUID:
		return "uuid"
	case pgtypes.TypeJSON:
		return "json"
	case pgtypes.TypeList:
		return pgTypeWord(*t.Elem) + "[]"
	}
	return strings.ToLower(t.Engine)
}

// typedParams returns the text for each $n: the argument (or the parameter
// itself when args is nil) cast to its declared type.
func typedParams(types, args []string) map[int]string {
	out := map[int]string{}
	n := max(len(types), len(args))
	for i := 0; i < n; i++ {
		v := "$" + strconv.Itoa(i+1)
		if args != nil {
			v = "(" + args[i] + ")"
			if toks := sqlparse.Tokens(args[i], 0); len(toks) == 1 && toks[0].Kind == sqlparse.String {
				// a string constant as written: CAST('{1,3}' AS
				// INTEGER[]) is read as Postgres' input (pgliterals.go)
				v = args[i]
			}
		}
		if i < len(types) && types[i] != "" {
			v = "CAST(" + v + " AS " + types[i] + ")"
		}
		out[i+1] = v
	}
	return out
}

// substituteParams replaces $n parameters (outside literals, identifiers
// and comments) with the given texts.
func substituteParams(sql string, with map[int]string) string {
	var b strings.Builder
	for _, t := range sqlparse.Lex(sql) {
		if n, ok := paramNumber(t); ok {
			if v, ok := with[n]; ok {
				b.WriteString(v)
				continue
			}
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// maxParam returns the highest $n in sql.
func maxParam(sql string) int {
	m := 0
	for _, t := range sqlparse.Tokens(sql, 0) {
		if n, ok := paramNumber(t); ok {
			m = max(m, n)
		}
	}
	return m
}

// paramNumber is n of a $n parameter token.
func paramNumber(t sqlparse.Token) (int, bool) {
	if t.Kind != sqlparse.Param {
		return 0, false
	}
	n, err := strconv.Atoi(t.Text[1:])
	return n, err == nil
}

// parenList consumes "( item, item )" and returns the items' text,
// split at top-level commas.
func (t *tokScan) parenList() ([]string, error) {
	if err := t.expect("("); err != nil {
		return nil, err
	}
	var out []string
	depth, from := 0, t.Index()
	for ; !t.done(); t.Next() {
		switch tok := t.peekRaw(); tok {
		case "(", "[":
			depth++
		case ")", "]":
			if depth == 0 && tok == ")" {
				if t.Index() == from {
					return nil, syntaxErrAt(")")
				}
				out = append(out, strings.TrimSpace(t.Src()[t.At(from).Pos:t.Pos()]))
				t.Next()
				return out, nil
			}
			depth--
		case ",":
			if depth == 0 {
				if t.Index() == from {
					return nil, syntaxErrAt(",")
				}
				out = append(out, strings.TrimSpace(t.Src()[t.At(from).Pos:t.Pos()]))
				from = t.Index() + 1
			}
		}
	}
	return nil, syntaxErrAt("")
}
