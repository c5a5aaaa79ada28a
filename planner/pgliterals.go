package planner

import (
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// PostgreSQL literal syntax that DuckDB reads differently. Clients send
// these in typed literals, and pgx/psycopg2/JDBC interpolate parameters this
// way under the simple protocol:
//
//   - bytea input ('\xdeadbeef' hex format, 'a\000b' escape format): DuckDB
//     reads backslash escapes in BLOB literals its own way, so the bytes are
//     decoded here and handed over as from_hex('...').
//   - array literals '{1,NULL,"a b"}'::int[]: DuckDB casts '[...]' strings to
//     lists, not '{...}'; they become list expressions of string elements,
//     which the cast converts element by element.
//   - BC dates and timestamps ('0044-03-15 BC', '0044-03-15 10:00:00 BC'):
//     DuckDB writes the era as '(BC)' after the date; a time without
//     seconds before a zone ('2024-03-15 10:00+00') gets them.
//   - booleans: Postgres' spellings ('off', 'y', ' TRUE ') become true or
//     false; other text fails as in Postgres (22P02).
//
// Only a string literal with a cast to such a type is touched
// ('...'::type, CAST('...' AS type), type '...'); everything else passes
// through byte for byte.

// literalType is the kind of target type that needs a rewrite.
type literalType int

const (
	litOther literalType = iota
	litBytea
	litDate // date, timestamp, timestamptz
	litArray
	litBool
)

// castType reads a type name starting at toks[i] and returns its kind and
// the index after it.
func castType(toks []sqlparse.Token, i int) (literalType, int) {
	k, _, j := castTypeElem(toks, i)
	return k, j
}

// castTypeElem is castType that also returns the element kind of an array.
func castTypeElem(toks []sqlparse.Token, i int) (literalType, literalType, int) {
	if i >= len(toks) {
		return litOther, litOther, i
	}
	name := strings.ToLower(strings.Trim(toks[i].Text, `"`))
	if dot := i + 2; dot < len(toks) && toks[i+1].Text == "." && name == "pg_catalog" {
		name, i = strings.ToLower(strings.Trim(toks[dot].Text, `"`)), dot
	}
	j := i + 1
	kind := litOther
	switch name {
	case "bytea", "blob":
		kind = litBytea
	case "date", "timestamptz":
		kind = litDate
	case "bool", "boolean":
		kind = litBool
	case "timestamp":
		kind = litDate
		// timestamp [(p)] [with|without time zone]
		if j+2 < len(toks) && toks[j].Text == "(" && toks[j+2].Text == ")" {
			j += 3
		}
		if j+2 < len(toks) && (strings.EqualFold(toks[j].Text, "with") || strings.EqualFold(toks[j].Text, "without")) &&
			strings.EqualFold(toks[j+1].Text, "time") && strings.EqualFold(toks[j+2].Text, "zone") {
			j += 3
		}
	default:
		// other (possibly multi-word or parameterized) names: skip words
		// and a (...) modifier to reach a [] suffix
		for j < len(toks) && isWord(toks[j].Text) && !isKeywordAfterType(toks[j].Text) {
			j++
		}
		if j < len(toks) && toks[j].Text == "(" {
			for j < len(toks) && toks[j].Text != ")" {
				j++
			}
			j++
		}
	}
	if j+1 < len(toks) && toks[j].Text == "[" && toks[j+1].Text == "]" {
		for j+1 < len(toks) && toks[j].Text == "[" && toks[j+1].Text == "]" {
			j += 2
		}
		return litArray, kind, j
	}
	return kind, litOther, j
}

func isWord(s string) bool { return s != "" && sqlparse.IsIdentByte(s[0]) }

func isKeywordAfterType(s string) bool {
	switch strings.ToUpper(s) {
	case "AS", "FROM", "WHERE", "AND", "OR", "IS", "NOT", "IN", "ON", "LIMIT", "ORDER", "GROUP", "UNION",
		"COLLATE", "AT", "BETWEEN", "LIKE", "ILIKE", "THEN", "ELSE", "END", "WHEN", "HAVING", "OFFSET":
		return true
	}
	return false
}

// rewritePGLiterals returns sql with the literals described above rewritten.
func rewritePGLiterals(sql string) string {
	upper := strings.ToUpper(sql)
	numeric := strings.Contains(upper, "NUMERIC") || strings.Contains(upper, "DECIMAL")
	intCast := strings.Contains(sql, "::") && strings.Contains(upper, "INT")
	nulls := strings.Contains(upper, "NULL")
	anyArray := strings.Contains(upper, "ANY") || strings.Contains(upper, "ALL") || strings.Contains(upper, "SOME")
	if !strings.ContainsAny(sql, `\{`) && !strings.Contains(upper, " BC") && !numeric && !intCast && !nulls && !anyArray &&
		!strings.Contains(upper, "BOOL") && !strings.Contains(upper, "TIMESTAMP") {
		return sql
	}
	toks := sqlparse.Tokens(sql, 0)
	var edits []litEdit
	if numeric {
		edits = numericEdits(toks)
	}
	if nulls {
		edits = append(edits, nullOperandEdits(sql, toks)...)
	}
	if intCast {
		edits = append(edits, integerEdits(toks)...)
	}
	if anyArray {
		edits = append(edits, anyArrayEdits(toks)...)
	}
	for i, t := range toks {
		val, ok := sqlparse.StringValue(t.Text)
		if !ok {
			continue
		}
		kind, elem := litOther, litOther
		switch {
		case i+1 < len(toks) && toks[i+1].Text == "::":
			kind, elem, _ = castTypeElem(toks, i+2)
		case i >= 2 && strings.EqualFold(toks[i-2].Text, "CAST") && toks[i-1].Text == "(" && i+1 < len(toks) && strings.EqualFold(toks[i+1].Text, "AS"):
			kind, elem, _ = castTypeElem(toks, i+2)
		case i >= 1:
			// type 'literal': find the start of the type name
			for s := i - 1; s >= 0 && s >= i-5; s-- {
				if k, end := castType(toks, s); end == i && k != litOther && k != litArray {
					if s > 0 && (toks[s-1].Text == "::" || strings.EqualFold(toks[s-1].Text, "AS")) {
						break
					}
					kind = k
					if repl, ok := rewriteLiteral(kind, litOther, val); ok {
						edits = append(edits, litEdit{toks[s].Pos, t.End, castFor(kind, sql[toks[s].Pos:toks[i-1].End], repl)})
					}
					kind = litOther
					break
				}
			}
			continue
		}
		if kind == litOther {
			continue
		}
		if repl, ok := rewriteLiteral(kind, elem, val); ok {
			edits = append(edits, litEdit{t.Pos, t.End, repl})
		}
	}
	if len(edits) == 0 {
		return sql
	}
	slices.SortStableFunc(edits, func(a, b litEdit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return (a.end - a.start) - (b.end - b.start) // an insertion before what replaces the text after it
	})
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(sql[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(sql[last:])
	return b.String()
}

// litEdit replaces sql[start:end] with text.
type litEdit struct {
	start, end int
	text       string
}

// castFor turns "type 'lit'" into an expression of the same type.
func castFor(kind literalType, typ, repl string) string {
	if kind == litBytea {
		return repl
	}
	return "CAST(" + repl + " AS " + typ + ")"
}

// rewriteLiteral returns the engine spelling of a literal's value for the
// target kind, or false to leave it as written.
func rewriteLiteral(kind, elem literalType, val string) (string, bool) {
	switch kind {
	case litBytea:
		if !strings.Contains(val, `\`) {
			return "", false
		}
		b, ok := decodeBytea(val)
		if !ok {
			return "", false
		}
		return "from_hex('" + hex.EncodeToString(b) + "')", true
	case litDate:
		if bc, ok := bcLiteral(val); ok {
			return bc, true
		}
		if ts, ok := pgtypes.TimestampInput(val); ok {
			return sqlparse.QuoteLiteral(ts), true
		}
		return "", false
	case litBool:
		v, ok := pgtypes.ParseBool(val)
		switch {
		case !ok:
			msg := IntInputError + `boolean: "` + val + `"`
			return "CAST(error(" + sqlparse.QuoteLiteral(msg) + ") AS BOOLEAN)", true
		case v:
			return "true", true
		}
		return "false", true
	case litArray:
		if !strings.HasPrefix(strings.TrimSpace(val), "{") {
			return "", false
		}
		list, rest, ok := parseArrayLiteral(strings.TrimSpace(val), elem)
		if !ok || strings.TrimSpace(rest) != "" {
			return "", false
		}
		return list, true
	}
	return "", false
}

// decodeBytea reads PostgreSQL's bytea input: hex format (\x...) or escape
// format (\\ and \ooo octal).
func decodeBytea(s string) ([]byte, bool) {
	if strings.HasPrefix(s, `\x`) {
		h := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s[2:])
		b, err := hex.DecodeString(h)
		return b, err == nil
	}
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) && s[i+1] <= '3':
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
		default:
			return nil, false
		}
	}
	return out, true
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

var bcDate = regexp.MustCompile(`(?i)^\s*(\d{1,}-\d{1,2}-\d{1,2})(?:[ T]([0-9:.]+))?\s*(Z|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)?\s+BC\s*$`)

// bcLiteral turns '0044-03-15 10:00:00+02 BC' into DuckDB's
// '0044-03-15 (BC) 10:00:00+02'.
func bcLiteral(val string) (string, bool) {
	m := bcDate.FindStringSubmatch(val)
	if m == nil {
		return "", false
	}
	out := m[1] + " (BC)"
	if m[2] != "" {
		out += " " + m[2]
	}
	if m[3] == "Z" || m[3] == "z" {
		m[3] = "+00"
	}
	out += m[3]
	return "'" + out + "'", true
}

// parseArrayLiteral converts a PostgreSQL array literal ({a,"b c",NULL,{..}})
// into a list expression of literals of the element kind.
func parseArrayLiteral(s string, elem literalType) (string, string, bool) {
	return sqlparse.ArrayLiteral(s, func(v string) (string, bool) {
		if r, ok := rewriteLiteral(elem, litOther, v); ok {
			return r, true
		}
		if elem == litBytea && strings.Contains(v, `\`) {
			return "", false // not valid bytea input
		}
		return sqlparse.QuoteLiteral(v), true
	})
}
