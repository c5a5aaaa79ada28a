package sqlparse

import "strings"

// The lexical rules of Postgres' SQL text that every reader of it shares:
// where a token ends (quoted strings, E'...' with backslash escapes, quoted
// identifiers, dollar-quoted bodies, -- and nested /* */ comments), how an
// identifier folds, how a string or identifier is quoted.
// See https://www.postgresql.org/docs/15/sql-syntax-lexical.html

// SkipToken returns the index after the lexical element at i: a whole
// quoted string, identifier, comment or dollar-quoted body, or one byte.
func SkipToken(s string, i int) int {
	c := s[i]
	switch {
	case c == '\'':
		escapes := i > 0 && (s[i-1] == 'E' || s[i-1] == 'e') && (i < 2 || !IsIdentByte(s[i-2]))
		return skipQuoted(s, i, '\'', escapes)
	case c == '"':
		return skipQuoted(s, i, '"', false)
	case c == '-' && i+1 < len(s) && s[i+1] == '-':
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return len(s)
		}
		return i + j + 1
	case c == '/' && i+1 < len(s) && s[i+1] == '*':
		depth := 0
		j := i
		for j < len(s) {
			if j+1 < len(s) && s[j] == '/' && s[j+1] == '*' {
				depth++
				j += 2
				continue
			}
			if j+1 < len(s) && s[j] == '*' && s[j+1] == '/' {
				depth--
				j += 2
				if depth == 0 {
					return j
				}
				continue
			}
			j++
		}
		return len(s)
	case c == '$':
		if tag, ok := DollarTag(s, i); ok {
			end := strings.Index(s[i+len(tag):], tag)
			if end < 0 {
				return len(s)
			}
			return i + len(tag) + end + len(tag)
		}
		return i + 1
	default:
		return i + 1
	}
}

func skipQuoted(s string, i int, q byte, backslash bool) int {
	j := i + 1
	for j < len(s) {
		switch s[j] {
		case '\\':
			if backslash {
				j += 2
				continue
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j += 2
				continue
			}
			return j + 1
		}
		j++
	}
	return len(s)
}

// DollarTag recognises $tag$ at i ($1 parameters are not tags).
func DollarTag(s string, i int) (string, bool) {
	if i > 0 && IsIdentByte(s[i-1]) {
		return "", false
	}
	j := i + 1
	for j < len(s) && s[j] != '$' {
		if !IsIdentByte(s[j]) || (j == i+1 && s[j] >= '0' && s[j] <= '9') {
			return "", false
		}
		j++
	}
	if j >= len(s) {
		return "", false
	}
	return s[i : j+1], true
}

func IsIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// UnquoteIdent folds an unquoted identifier to lower case (Postgres rules)
// and strips the quotes of a quoted one.
func UnquoteIdent(t string) string {
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		return strings.ReplaceAll(t[1:len(t)-1], `""`, `"`)
	}
	return strings.ToLower(t)
}

// QuoteLiteral quotes s as a SQL string literal.
func QuoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteIdent quotes s as a SQL identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// StringValue returns the value of a plain '...' literal (not E'...', whose
// escapes we leave to the engine).
func StringValue(tok string) (string, bool) {
	if len(tok) < 2 || tok[0] != '\'' || tok[len(tok)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(tok[1:len(tok)-1], "''", "'"), true
}
