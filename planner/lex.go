package planner

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Statement splitting and keyword classification. DuckDB must never see
// more than one statement at a time (preparing "a; b" executes a), so the
// text is split here with the Postgres lexical rules that matter for finding
// statement boundaries: quoted strings ('...', E'...' with backslash escapes),
// quoted identifiers, dollar-quoted strings, -- and nested /* */ comments.
// See https://www.postgresql.org/docs/15/sql-syntax-lexical.html

// SplitStatements splits sql at top-level semicolons. Statements that hold
// nothing but whitespace and comments are dropped. The returned texts keep
// their comments and exclude the terminating semicolon.
func SplitStatements(sql string) []string {
	var out []string
	start := 0
	i := 0
	for i < len(sql) {
		switch c := sql[i]; {
		case c == ';':
			if s := sql[start:i]; !blankSQL(s) {
				out = append(out, strings.TrimSpace(s))
			}
			i++
			start = i
		default:
			i = skipToken(sql, i)
		}
	}
	if s := sql[start:]; !blankSQL(s) {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// The token rules are internal/sqlparse's, shared with the pg catalog
// emulation; these are the planner's names for them.
func skipToken(s string, i int) int            { return sqlparse.SkipToken(s, i) }
func dollarTag(s string, i int) (string, bool) { return sqlparse.DollarTag(s, i) }
func isIdentByte(c byte) bool                  { return sqlparse.IsIdentByte(c) }

// blankSQL reports text that holds only whitespace and comments.
func blankSQL(s string) bool {
	return len(tokens(s, 1)) == 0
}

// tokens returns up to max significant tokens (comments and whitespace
// removed). Words are returned as written; quoted identifiers keep quotes.
func tokens(s string, max int) []string {
	var out []string
	i := 0
	for i < len(s) && (max <= 0 || len(out) < max) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += w
		case strings.HasPrefix(s[i:], "--") || strings.HasPrefix(s[i:], "/*"):
			i = skipToken(s, i)
		case isIdentByte(s[i]):
			j := i
			for j < len(s) && (isIdentByte(s[j]) || s[j] == '$') {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			j := skipToken(s, i)
			out = append(out, s[i:j])
			i = j
		}
	}
	return out
}

// leadingKeywords returns the first n tokens upper-cased.
func leadingKeywords(s string, n int) []string {
	t := tokens(s, n)
	for i := range t {
		t[i] = strings.ToUpper(t[i])
	}
	return t
}

// RedactLiterals replaces string, numeric and dollar-quoted literals with
// '?' so statements can be logged without the values they carry. Comment
// bodies go too (they can hold anything); quoted identifiers stay.
func RedactLiterals(sql string) string {
	var b strings.Builder
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == '\'' || (c == '$' && func() bool { _, ok := dollarTag(sql, i); return ok }()):
			b.WriteString("?")
			i = skipToken(sql, i)
		case isNumberStart(sql, i):
			b.WriteString("?")
			i = skipNumber(sql, i)
		case strings.HasPrefix(sql[i:], "--"):
			b.WriteString("--?\n")
			i = skipToken(sql, i)
		case strings.HasPrefix(sql[i:], "/*"):
			b.WriteString("/*?*/")
			i = skipToken(sql, i)
		case c == '"':
			j := skipToken(sql, i)
			b.WriteString(sql[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// RedactMessage is RedactLiterals for an error message about a statement:
// DuckDB and lakegate quote the values they complain about in '...' or
// "..." without escaping quotes inside, so both kinds of quoted text go
// (identifiers too: a value written in double quotes comes back as a
// column name), a quote ends only before a non-word byte ("string 'O'Brien'
// to INT32"), an apostrophe inside a word ("can't") is text, and numbers
// go. Each of literals (the statement's literal values, see Literals) of
// three bytes or more is removed wherever it appears, quoted or not.
func RedactMessage(msg string, literals ...string) string {
	for _, l := range literals {
		if len(l) >= 3 {
			msg = strings.ReplaceAll(msg, l, "?")
		}
	}
	var b strings.Builder
	i := 0
	for i < len(msg) {
		c := msg[i]
		switch {
		case (c == '\'' || c == '"') && !(i > 0 && isIdentByte(msg[i-1]) && i+1 < len(msg) && isIdentByte(msg[i+1])):
			j := i + 1
			for j < len(msg) && !(msg[j] == c && (j+1 == len(msg) || !isIdentByte(msg[j+1]))) {
				j++
			}
			b.WriteString("?")
			i = min(j+1, len(msg))
		case isNumberStart(msg, i):
			b.WriteString("?")
			i = skipNumber(msg, i)
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// Literals returns the values of the string, dollar-quoted and numeric
// literals in sql, as an error message would show them (quotes removed,
// doubled quotes and backslash escapes undone).
func Literals(sql string) []string {
	var out []string
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == '\'':
			j := skipToken(sql, i)
			body := sql[i+1 : max(i+1, j-1)]
			if j == len(sql) && !strings.HasSuffix(sql, "'") {
				body = sql[i+1:]
			}
			out = append(out, strings.ReplaceAll(body, "''", "'"))
			if strings.Contains(body, "\\") {
				out = append(out, strings.NewReplacer("\\'", "'", "\\\\", "\\").Replace(body))
			}
			i = j
		case c == '$' && func() bool { _, ok := dollarTag(sql, i); return ok }():
			tag, _ := dollarTag(sql, i)
			j := skipToken(sql, i)
			out = append(out, strings.TrimSuffix(sql[i+len(tag):j], tag))
			i = j
		case isNumberStart(sql, i):
			j := skipNumber(sql, i)
			out = append(out, sql[i:j])
			i = j
		case c == '"' || strings.HasPrefix(sql[i:], "--") || strings.HasPrefix(sql[i:], "/*"):
			i = skipToken(sql, i)
		default:
			i++
		}
	}
	return out
}

// isNumberStart: a digit that does not continue a word or a $n parameter.
func isNumberStart(s string, i int) bool {
	return s[i] >= '0' && s[i] <= '9' && (i == 0 || !isIdentByte(s[i-1]) && s[i-1] != '$')
}

// skipNumber returns the end of the number at i, taking in anything that
// can continue one (1.5e-3, 0x1F, 1_000) so that no digit is left behind.
func skipNumber(s string, i int) int {
	j := i
	for j < len(s) && (isIdentByte(s[j]) || s[j] == '.' ||
		(s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
		j++
	}
	return j
}
