package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Time travel: `FROM ns.t [AS x] AT (VERSION => id)` or
// `AT (TIMESTAMP => expr)` reads the table as of that snapshot. The AT
// clause is evaluated here; in the text handed to the engine the reference
// becomes a view of that snapshot and the clause is removed.

type textEdit struct {
	start, end int // byte span replaced in the query
	text       string
	view       string
}

func timeTravel(env Env, sql string, base int, r *tableRef, t *catalog.Table) (textEdit, *catalog.Table, error) {
	start := base + int(r.loc)
	if r.loc < 0 || start >= len(sql) {
		return textEdit{}, nil, fmt.Errorf("%w: AT clause at an unknown position", ErrNotSupported)
	}
	nameEnd, atStart, atEnd, body, ok := atClauseSpan(sql, start)
	if !ok {
		return textEdit{}, nil, &EngineError{Kind: KindSyntax, Msg: "could not locate the AT (...) clause"}
	}
	unit, expr, ok := strings.Cut(body, "=>")
	if !ok {
		return textEdit{}, nil, &EngineError{Kind: KindSyntax, Msg: "AT clause must be AT (VERSION => ...) or AT (TIMESTAMP => ...)"}
	}
	var tt *catalog.Table
	switch strings.ToUpper(strings.TrimSpace(unit)) {
	case "VERSION":
		rows, err := env.QueryStrings("SELECT CAST((" + expr + ") AS BIGINT)::VARCHAR")
		if err != nil {
			return textEdit{}, nil, Classify(err)
		}
		id, err := strconv.ParseInt(rows[0][0], 10, 64)
		if err != nil {
			return textEdit{}, nil, &EngineError{Kind: KindInvalidInput, Msg: "AT (VERSION => ...) needs a snapshot id"}
		}
		if tt, err = t.AtSnapshot(id); err != nil {
			return textEdit{}, nil, &EngineError{Kind: KindInvalidInput, Msg: err.Error()}
		}
	case "TIMESTAMP":
		rows, err := env.QueryStrings("SELECT epoch_us(CAST((" + expr + ") AS TIMESTAMPTZ))::VARCHAR")
		if err != nil {
			return textEdit{}, nil, Classify(err)
		}
		us, err := strconv.ParseInt(rows[0][0], 10, 64)
		if err != nil {
			return textEdit{}, nil, &EngineError{Kind: KindInvalidInput, Msg: "AT (TIMESTAMP => ...) needs a timestamp"}
		}
		if tt, err = t.AsOf(time.UnixMicro(us)); err != nil {
			return textEdit{}, nil, &EngineError{Kind: KindInvalidInput, Msg: err.Error()}
		}
	default:
		return textEdit{}, nil, &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("unknown AT unit %q (want VERSION or TIMESTAMP)", strings.TrimSpace(unit))}
	}
	view := fmt.Sprintf("%s@%d", t.Ident.Name, tt.SnapshotID())
	repl := sqlparse.QuoteIdent(t.Ident.Schema) + "." + sqlparse.QuoteIdent(view)
	if r.Alias == "" {
		repl += " AS " + sqlparse.QuoteIdent(r.Name)
	}
	// Two edits in one: the name becomes the view and the AT clause goes.
	text := repl + sql[nameEnd:atStart]
	return textEdit{start: start, end: atEnd, text: text, view: view}, tt, nil
}

// atClauseSpan scans from a table name at start: it returns where the
// dotted name ends, where "AT" starts, where the closing parenthesis ends,
// and the text inside the parentheses.
func atClauseSpan(sql string, start int) (nameEnd, atStart, atEnd int, body string, ok bool) {
	// next is the significant token at or after i ("" at the end).
	next := func(i int) sqlparse.Token {
		for i < len(sql) {
			t := sqlparse.Scan(sql, i)
			if t.Significant() {
				return t
			}
			i = t.End
		}
		return sqlparse.Token{Pos: len(sql), End: len(sql)}
	}
	i, expectName := start, true
	for {
		t := next(i)
		if t.Text == "" {
			return 0, 0, 0, "", false
		}
		if expectName {
			i, nameEnd, expectName = t.End, t.End, false
			continue
		}
		if t.Text != "." {
			break
		}
		i, expectName = t.End, true
	}
	// After the name: optional alias, then AT (.
	for i = nameEnd; ; {
		t := next(i)
		if t.Text == "" {
			return 0, 0, 0, "", false
		}
		if p := next(t.End); p.Text == "(" && strings.EqualFold(t.Text, "AT") {
			depth := 0
			for q := p.Pos; q < len(sql); {
				tk := sqlparse.Scan(sql, q)
				switch tk.Text {
				case "(":
					depth++
				case ")":
					depth--
					if depth == 0 {
						return nameEnd, t.Pos, tk.End, sql[p.Pos+1 : tk.Pos], true
					}
				}
				q = tk.End
			}
			return 0, 0, 0, "", false
		}
		i = t.End
		if len(t.Text) > 64 || slices.Contains([]string{",", ")", ";"}, t.Text) {
			return 0, 0, 0, "", false
		}
	}
}

func applyEdits(sql string, edits []textEdit) string {
	slices.SortFunc(edits, func(a, b textEdit) int { return b.start - a.start })
	for _, e := range edits {
		sql = sql[:e.start] + e.text + sql[e.end:]
	}
	return sql
}

// AsOfSetting is the session setting that pins every table a statement
// reads to its snapshot at one time: `SET lakegate.as_of = '2026-12-01
// 00:00:00+00'`, so that a join across domains reads one point in time.
// An AT clause on a reference wins over it.
const AsOfSetting = "lakegate.as_of"

// sessionAsOf evaluates the session's lakegate.as_of as a timestamptz in
// the session's time zone; pinned is false when it is not set.
func sessionAsOf(env Env) (at time.Time, pinned bool, err error) {
	v := strings.TrimSpace(env.Setting(AsOfSetting))
	if v == "" {
		return time.Time{}, false, nil
	}
	rows, err := env.QueryStrings("SELECT epoch_us(CAST(" + sqlparse.QuoteLiteral(v) + " AS TIMESTAMPTZ))::VARCHAR")
	if err != nil || len(rows) != 1 || len(rows[0]) != 1 {
		return time.Time{}, false, &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid value for parameter \"%s\": %q (want a timestamptz)", AsOfSetting, v)}
	}
	us, err := strconv.ParseInt(rows[0][0], 10, 64)
	if err != nil {
		return time.Time{}, false, &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid value for parameter \"%s\": %q (want a timestamptz)", AsOfSetting, v)}
	}
	return time.UnixMicro(us), true, nil
}

// pinAsOf is t at its snapshot current at time at; a table without a
// snapshot then is an error naming it.
func pinAsOf(t *catalog.Table, at time.Time) (*catalog.Table, error) {
	tt, err := t.AsOf(at)
	if err != nil {
		return nil, &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("%s: %v", AsOfSetting, err)}
	}
	return tt, nil
}
