package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakegate/lakegate/catalog"
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

func (s *Session) timeTravel(e *engine, sql string, base int, r *tableRef, t *catalog.Table) (textEdit, *catalog.Table, error) {
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
		rows, err := e.queryStrings("SELECT CAST((" + expr + ") AS BIGINT)::VARCHAR")
		if err != nil {
			return textEdit{}, nil, classify(err)
		}
		id, err := strconv.ParseInt(rows[0][0], 10, 64)
		if err != nil {
			return textEdit{}, nil, &EngineError{Kind: KindInvalidInput, Msg: "AT (VERSION => ...) needs a snapshot id"}
		}
		if tt, err = t.AtSnapshot(id); err != nil {
			return textEdit{}, nil, &EngineError{Kind: KindInvalidInput, Msg: err.Error()}
		}
	case "TIMESTAMP":
		rows, err := e.queryStrings("SELECT epoch_us(CAST((" + expr + ") AS TIMESTAMPTZ))::VARCHAR")
		if err != nil {
			return textEdit{}, nil, classify(err)
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
	repl := quoteIdent(t.Ident.Schema) + "." + quoteIdent(view)
	if r.Alias == "" {
		repl += " AS " + quoteIdent(r.Name)
	}
	// Two edits in one: the name becomes the view and the AT clause goes.
	text := repl + sql[nameEnd:atStart]
	return textEdit{start: start, end: atEnd, text: text, view: view}, tt, nil
}

// atClauseSpan scans from a table name at start: it returns where the
// dotted name ends, where "AT" starts, where the closing parenthesis ends,
// and the text inside the parentheses.
func atClauseSpan(sql string, start int) (nameEnd, atStart, atEnd int, body string, ok bool) {
	i := start
	expectName := true
	for i < len(sql) {
		j := skipSpace(sql, i)
		if j >= len(sql) {
			return 0, 0, 0, "", false
		}
		if expectName {
			k := skipToken(sql, j)
			if sql[j] != '"' {
				k = j
				for k < len(sql) && isIdentByte(sql[k]) {
					k++
				}
			}
			i, nameEnd, expectName = k, k, false
			continue
		}
		if sql[j] == '.' {
			i, expectName = j+1, true
			continue
		}
		break
	}
	// After the name: optional alias, then AT (.
	i = nameEnd
	for i < len(sql) {
		j := skipSpace(sql, i)
		if j >= len(sql) {
			return 0, 0, 0, "", false
		}
		k := j
		for k < len(sql) && isIdentByte(sql[k]) {
			k++
		}
		if k == j {
			k = skipToken(sql, j)
		}
		word := sql[j:k]
		if strings.EqualFold(word, "AT") {
			p := skipSpace(sql, k)
			if p < len(sql) && sql[p] == '(' {
				depth := 0
				q := p
				for q < len(sql) {
					switch sql[q] {
					case '(':
						depth++
					case ')':
						depth--
						if depth == 0 {
							return nameEnd, j, q + 1, sql[p+1 : q], true
						}
					}
					q = skipToken(sql, q)
				}
				return 0, 0, 0, "", false
			}
		}
		i = k
		if k-j > 64 || slices.Contains([]string{",", ")", ";"}, word) {
			return 0, 0, 0, "", false
		}
	}
	return 0, 0, 0, "", false
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "--") || strings.HasPrefix(s[i:], "/*"):
			i = skipToken(s, i)
		default:
			return i
		}
	}
	return i
}

func applyEdits(sql string, edits []textEdit) string {
	slices.SortFunc(edits, func(a, b textEdit) int { return b.start - a.start })
	for _, e := range edits {
		sql = sql[:e.start] + e.text + sql[e.end:]
	}
	return sql
}
