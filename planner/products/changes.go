package products

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/write"
)

// ChangesCall is one call of lakegate.table_changes(table, from [, to])
// in a statement: the table's name and the bounds as written (a snapshot
// id or a timestamptz literal; "" for an omitted TO).
type ChangesCall struct {
	// View is the relation the call became in the statement's text
	// (lakegate."table_changes$N").
	View     string
	Table    string
	From, To Bound
}

// Bound is one end of a change range: a snapshot id, or a time (the
// snapshot current then), as a literal the engine casts to timestamptz.
type Bound struct {
	ID       int64
	Time     string // a timestamptz literal's text
	IsID, Ok bool
}

// changesWords are what may follow a table function call in FROM other
// than its alias.
var changesWords = map[string]bool{"WHERE": true, "JOIN": true, "LEFT": true, "RIGHT": true, "INNER": true, "FULL": true,
	"CROSS": true, "NATURAL": true, "ON": true, "USING": true, "GROUP": true, "ORDER": true, "LIMIT": true, "OFFSET": true,
	"FETCH": true, "UNION": true, "EXCEPT": true, "INTERSECT": true, "HAVING": true, "WINDOW": true, "QUALIFY": true, "AS": true}

// ExtractChanges replaces each lakegate.table_changes(...) call in sql by
// a reference to a relation of its own (lakegate."table_changes$N", named
// table_changes unless the call has an alias) and returns the calls. The
// arguments must be literals: the table's name as a string, and snapshot
// ids or timestamptz strings (a subquery could read what the planner
// never resolved).
func ExtractChanges(sql string) (string, []ChangesCall, error) {
	toks := sqlparse.Tokens(sql, 0)
	var calls []ChangesCall
	var out strings.Builder
	last := 0
	for i := 0; i+3 < len(toks); i++ {
		if !identIs(toks[i], Schema) || toks[i+1].Text != "." || !identIs(toks[i+2], ChangesName) || toks[i+3].Text != "(" {
			continue
		}
		// the arguments, split at top-level commas
		depth, j := 0, i+3
		var args [][]sqlparse.Token
		var cur []sqlparse.Token
		for ; j < len(toks); j++ {
			t := toks[j]
			switch {
			case t.Text == "(":
				depth++
				if depth == 1 {
					continue
				}
			case t.Text == ")":
				depth--
				if depth == 0 {
					args = append(args, cur)
				}
			case t.Text == "," && depth == 1:
				args = append(args, cur)
				cur = nil
				continue
			}
			if depth == 0 {
				break
			}
			cur = append(cur, t)
		}
		if j >= len(toks) {
			return "", nil, &write.EngineError{Kind: write.KindSyntax, Msg: "unterminated call of lakegate.table_changes"}
		}
		call, err := changesArgs(args)
		if err != nil {
			return "", nil, err
		}
		call.View = fmt.Sprintf("%s$%d", ChangesName, len(calls)+1)
		repl := sqlparse.QuoteIdent(Schema) + "." + sqlparse.QuoteIdent(call.View)
		if j+1 >= len(toks) || !aliasToken(toks[j+1]) {
			repl += " AS " + ChangesName
		}
		out.WriteString(sql[last:toks[i].Pos])
		out.WriteString(repl)
		last = toks[j].End
		calls = append(calls, call)
		i = j
	}
	if len(calls) == 0 {
		return sql, nil, nil
	}
	out.WriteString(sql[last:])
	return out.String(), calls, nil
}

func identIs(t sqlparse.Token, name string) bool {
	switch t.Kind {
	case sqlparse.Word:
		return strings.EqualFold(t.Text, name)
	case sqlparse.QuotedIdent:
		return sqlparse.UnquoteIdent(t.Text) == name
	}
	return false
}

func aliasToken(t sqlparse.Token) bool {
	if t.Kind == sqlparse.QuotedIdent {
		return true
	}
	return t.Kind == sqlparse.Word && !changesWords[t.Upper()] || t.Upper() == "AS"
}

func changesArgs(args [][]sqlparse.Token) (ChangesCall, error) {
	bad := func(msg string) (ChangesCall, error) {
		return ChangesCall{}, &write.EngineError{Kind: write.KindInvalidInput,
			Msg: "lakegate.table_changes(table, from [, to]): " + msg}
	}
	if len(args) < 2 || len(args) > 3 {
		return bad("takes 2 or 3 arguments")
	}
	if len(args[0]) != 1 || args[0][0].Kind != sqlparse.String {
		return bad("the table is a string literal such as 'payments.charges'")
	}
	name, _ := sqlparse.StringValue(args[0][0].Text)
	call := ChangesCall{Table: name}
	var err error
	if call.From, err = bound(args[1]); err != nil {
		return bad(err.Error())
	}
	if len(args) == 3 {
		if call.To, err = bound(args[2]); err != nil {
			return bad(err.Error())
		}
	}
	return call, nil
}

// bound reads a snapshot id (a number), a timestamptz string (optionally
// cast: '...'::timestamptz, TIMESTAMPTZ '...'), or NULL (no bound).
func bound(toks []sqlparse.Token) (Bound, error) {
	if len(toks) == 1 && toks[0].Upper() == "NULL" {
		return Bound{}, nil
	}
	if len(toks) == 1 && toks[0].Kind == sqlparse.Number {
		id, err := strconv.ParseInt(toks[0].Text, 10, 64)
		if err != nil {
			return Bound{}, fmt.Errorf("bad snapshot id %s", toks[0].Text)
		}
		return Bound{ID: id, IsID: true, Ok: true}, nil
	}
	var lit *sqlparse.Token
	for k, t := range toks {
		switch {
		case t.Kind == sqlparse.String && lit == nil:
			lit = &toks[k]
		case t.Kind == sqlparse.Word && (t.Upper() == "TIMESTAMPTZ" || t.Upper() == "TIMESTAMP" || t.Upper() == "WITH" ||
			t.Upper() == "TIME" || t.Upper() == "ZONE"):
		case t.Text == "::":
		default:
			return Bound{}, fmt.Errorf("a bound is a snapshot id or a timestamptz literal, not %q", t.Text)
		}
	}
	if lit == nil {
		return Bound{}, fmt.Errorf("a bound is a snapshot id or a timestamptz literal")
	}
	v, _ := sqlparse.StringValue(lit.Text)
	return Bound{Time: v, Ok: true}, nil
}
