package sqlparse

import (
	"strings"
)

// Statement splitting and keyword classification. DuckDB must never see
// more than one statement at a time (preparing "a; b" executes a), so the
// text is split here at the semicolon tokens of internal/sqlparse's lexer,
// which knows where quoted strings ('...', E'...' with backslash escapes),
// quoted identifiers, dollar-quoted strings, -- and nested /* */ comments
// end. See https://www.postgresql.org/docs/15/sql-syntax-lexical.html

// Split splits sql at top-level semicolons. Statements that hold
// nothing but whitespace and comments are dropped. The returned texts keep
// their comments and exclude the terminating semicolon.
func Split(sql string) []string {
	var out []string
	start := 0
	for _, t := range Lex(sql) {
		if t.Kind == Punct && t.Text == ";" {
			if s := sql[start:t.Pos]; !Blank(s) {
				out = append(out, strings.TrimSpace(s))
			}
			start = t.End
		}
	}
	if s := sql[start:]; !Blank(s) {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// Tokens returns the texts of up to max significant tokens (sqlparse's
// lexer: comments and whitespace removed, words as written, quoted
// identifiers with their quotes).
func TokenTexts(s string, max int) []string {
	toks := Tokens(s, max)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

// LeadingKeywords returns the first n tokens upper-cased.
func LeadingKeywords(s string, n int) []string {
	t := TokenTexts(s, n)
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
	for _, t := range Lex(sql) {
		switch {
		case t.Kind == String && (t.Text[0] == 'E' || t.Text[0] == 'e'):
			b.WriteString(t.Text[:1] + "?") // E'...' keeps its E, as it always has
		case t.Kind == String || t.Kind == Number:
			b.WriteString("?")
		case t.Kind == Comment && strings.HasPrefix(t.Text, "--"):
			b.WriteString("--?\n")
		case t.Kind == Comment:
			b.WriteString("/*?*/")
		default:
			b.WriteString(t.Text)
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
		case (c == '\'' || c == '"') && !(i > 0 && IsIdentByte(msg[i-1]) && i+1 < len(msg) && IsIdentByte(msg[i+1])):
			j := i + 1
			for j < len(msg) && !(msg[j] == c && (j+1 == len(msg) || !IsIdentByte(msg[j+1]))) {
				j++
			}
			b.WriteString("?")
			i = min(j+1, len(msg))
		case isNumberStart(msg, i):
			b.WriteString("?")
			i = Scan(msg, i).End
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
	for _, t := range Lex(sql) {
		switch {
		case t.Kind == String && t.Text[0] == '$':
			tag, _ := DollarTag(sql, t.Pos)
			out = append(out, strings.TrimSuffix(t.Text[len(tag):], tag))
		case t.Kind == String:
			lit := strings.TrimLeft(t.Text, "Ee")
			body := lit[1:max(1, len(lit)-1)]
			if t.End == len(sql) && (len(lit) < 2 || !strings.HasSuffix(sql, "'")) {
				body = lit[1:]
			}
			out = append(out, strings.ReplaceAll(body, "''", "'"))
			if strings.Contains(body, "\\") {
				out = append(out, strings.NewReplacer("\\'", "'", "\\\\", "\\").Replace(body))
			}
		case t.Kind == Number:
			out = append(out, t.Text)
		}
	}
	return out
}

// isNumberStart: a digit that does not continue a word or a $n parameter
// (RedactMessage reads error messages, not SQL, so it cannot use the lexer).
func isNumberStart(s string, i int) bool {
	return s[i] >= '0' && s[i] <= '9' && (i == 0 || !IsIdentByte(s[i-1]) && s[i-1] != '$')
}
