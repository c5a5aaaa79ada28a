package session

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
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
	switch planner.LeadingKeywords(text, 1)[0] {
	case "SELECT", "WITH", "VALUES", "TABLE", "(", "INSERT", "UPDATE", "DELETE", "MERGE":
	default:
		return syntaxErrAt(t.peekRaw())
	}
	// Plan it once now, as PostgreSQL does, so errors show at PREPARE;
	// declared types are applied to the parameters.
	if _, err := s.Prepare(ctx, substituteParams(text, typedParams(types, nil))); err != nil {
		return err
	}
	st.Kind, st.Tag = KindPrepare, "PREPARE"
	st.cmd = &cmdStmt{name: name, inner: &Stmt{SQL: text}, types: types}
	return nil
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
	s.cmd.prepared[st.cmd.name] = &Stmt{SQL: st.cmd.inner.SQL, cmd: &cmdStmt{types: st.cmd.types}}
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
	inner, err := s.Prepare(ctx, substituteParams(p.SQL, typedParams(types, args)))
	if err != nil {
		return err
	}
	*st = *inner
	return nil
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
