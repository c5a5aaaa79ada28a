package planner

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// Postgres' numeric without a precision keeps every digit of its input:
// '1.23456'::numeric is 1.23456, 0.000123::numeric is 0.000123. The
// engine reads a bare NUMERIC or DECIMAL as DECIMAL(18,3) and rounds to
// three places, silently. A constant cast to a bare numeric
// ('...'::numeric, 1.5::numeric, CAST(... AS numeric), numeric '...') is
// given the precision and scale its digits need instead, as Postgres
// would keep them; past the engine's 38 digits the cast fails rather than
// round (DECIMAL(38, scale)). Casts of other expressions keep the engine's
// reading (README, differences).

// bareNumericAt reports whether toks[i:] starts with the type name
// numeric or decimal (pg_catalog-qualified or not) without a precision or
// an array suffix, and returns the index after it.
func bareNumericAt(toks []sqlparse.Token, i int) (int, bool) {
	if i+2 < len(toks) && strings.EqualFold(strings.Trim(toks[i].Text, `"`), "pg_catalog") && toks[i+1].Text == "." {
		i += 2
	}
	if i >= len(toks) {
		return i, false
	}
	switch strings.ToLower(strings.Trim(toks[i].Text, `"`)) {
	case "numeric", "decimal":
	default:
		return i, false
	}
	if i+1 < len(toks) && (toks[i+1].Text == "(" || toks[i+1].Text == "[") {
		return i, false
	}
	return i + 1, true
}

// numericEdits are the edits that give each constant cast to a bare
// numeric in toks its own precision and scale.
func numericEdits(toks []sqlparse.Token) []litEdit {
	var edits []litEdit
	for i, t := range toks {
		val := t.Text
		if t.Kind == sqlparse.String {
			v, ok := sqlparse.StringValue(t.Text)
			if !ok {
				continue
			}
			val = v
		} else if t.Kind != sqlparse.Number {
			continue
		}
		typ, ok := pgcatalog.NumericType(val)
		if !ok {
			continue
		}
		switch {
		case i+1 < len(toks) && toks[i+1].Text == "::":
			if end, ok := bareNumericAt(toks, i+2); ok {
				edits = append(edits, litEdit{toks[i+2].Pos, toks[end-1].End, typ})
			}
		case i >= 2 && strings.EqualFold(toks[i-2].Text, "CAST") && toks[i-1].Text == "(" && i+1 < len(toks) && strings.EqualFold(toks[i+1].Text, "AS"):
			if end, ok := bareNumericAt(toks, i+2); ok && end < len(toks) && toks[end].Text == ")" {
				edits = append(edits, litEdit{toks[i+2].Pos, toks[end-1].End, typ})
			}
		case t.Kind == sqlparse.String && i >= 1:
			// numeric '...', pg_catalog.numeric '...'
			for s := i - 1; s >= 0 && s >= i-3; s-- {
				end, ok := bareNumericAt(toks, s)
				if !ok || end != i || s > 0 && toks[s-1].Text == "." {
					continue // pg_catalog.numeric: its first word is further back
				}
				if s == 0 || toks[s-1].Text != "::" && !strings.EqualFold(toks[s-1].Text, "AS") {
					edits = append(edits, litEdit{toks[s].Pos, t.End, "CAST(" + t.Text + " AS " + typ + ")"})
				}
				break
			}
		}
	}
	return edits
}

// Postgres reads an integer's text as optional white space, a sign and
// decimal digits; the engine also takes '12.7' (rounding it to 13), '1e3'
// and '0x1A', silently. A string constant cast to an integer type that is
// not such text fails as in Postgres (22P02, intInputError's message).

// integerTypes are the integer type names a cast may spell, with the name
// Postgres' error message gives each.
var integerTypes = map[string]string{
	"int": "integer", "integer": "integer", "int4": "integer",
	"smallint": "smallint", "int2": "smallint",
	"bigint": "bigint", "int8": "bigint",
}

// integerAt reports whether toks[i:] starts with an integer type name
// (pg_catalog-qualified or not, no array suffix), its name in Postgres'
// messages and the index after it.
func integerAt(toks []sqlparse.Token, i int) (string, int, bool) {
	if i+2 < len(toks) && strings.EqualFold(strings.Trim(toks[i].Text, `"`), "pg_catalog") && toks[i+1].Text == "." {
		i += 2
	}
	if i >= len(toks) {
		return "", i, false
	}
	name, ok := integerTypes[strings.ToLower(strings.Trim(toks[i].Text, `"`))]
	if !ok || i+1 < len(toks) && toks[i+1].Text == "[" {
		return "", i, false
	}
	return name, i + 1, true
}

// IntInputError is the beginning of the error a bad integer constant
// or boolean raises (the server gives it 22P02).
const IntInputError = "invalid input syntax for type "

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func pgInteger(val string) bool {
	s := strings.TrimSpace(val)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && allDigits(s)
}

// integerEdits are the edits that make each string constant cast to an
// integer type that Postgres would refuse fail as Postgres does.
func integerEdits(toks []sqlparse.Token) []litEdit {
	var edits []litEdit
	for i, t := range toks {
		if t.Kind != sqlparse.String || i+1 >= len(toks) || toks[i+1].Text != "::" {
			continue
		}
		val, ok := sqlparse.StringValue(t.Text)
		if !ok || pgInteger(val) {
			continue
		}
		name, end, ok := integerAt(toks, i+2)
		if !ok {
			continue
		}
		msg := IntInputError + name + `: "` + val + `"`
		edits = append(edits, litEdit{t.Pos, toks[end-1].End,
			"CAST(error(" + sqlparse.QuoteLiteral(msg) + ") AS " + strings.ToUpper(name) + ")"})
	}
	return edits
}
