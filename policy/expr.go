package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/lakegate/lakegate/auth"
)

// Expr is a row filter or mask expression from the policy file: SQL text
// with placeholders for the caller.
//
//	{{user}}    the caller's name, as a string literal: 'bob'
//	{{domain}}  the caller's domain as a string literal, NULL::VARCHAR if none
//	            (so "x = {{domain}}" matches nothing for domain-less callers)
//	{{groups}}  the caller's groups as a list literal: ['a', 'b'],
//	            []::VARCHAR[] if none; e.g. list_contains({{groups}}, team)
//
// Values are quoted as SQL standard string literals (a single quote is
// doubled; DuckDB gives backslashes no meaning there), so whatever a name
// contains stays inside its literal. To make sure the literal is a literal,
// parseExpr checks the text lexically: placeholders may not stand inside a
// string, quoted identifier or next to a word character or quote (E'…',
// x'…' prefixes), and comments, ';', '$' (dollar quotes, parameters) and
// unbalanced parentheses are refused, so an expression cannot escape the
// parentheses the planner puts around it.
type Expr struct {
	Source string
	parts  []exprPart
}

type exprPart struct {
	text        string
	placeholder string // "user", "domain", "groups" or "" for text
}

var placeholderRE = regexp.MustCompile(`^\{\{\s*([A-Za-z_]*)\s*\}\}`)

func parseExpr(src string) (*Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, errors.New("empty expression")
	}
	e := &Expr{Source: src}
	depth := 0
	start := 0 // start of the pending text part
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\'':
			if i > 0 && isWordByte(src[i-1]) {
				return nil, fmt.Errorf("prefixed string literal (%s'…') at offset %d is not allowed", src[i-1:i], i-1)
			}
			j, err := skipQuoted(src, i, '\'')
			if err != nil {
				return nil, err
			}
			i = j
		case c == '"':
			j, err := skipQuoted(src, i, '"')
			if err != nil {
				return nil, err
			}
			i = j
		case c == '-' && strings.HasPrefix(src[i:], "--"), c == '/' && strings.HasPrefix(src[i:], "/*"):
			return nil, fmt.Errorf("comment at offset %d is not allowed", i)
		case c == ';':
			return nil, fmt.Errorf("';' at offset %d is not allowed", i)
		case c == '$':
			return nil, fmt.Errorf("'$' at offset %d is not allowed (no dollar quoting or parameters)", i)
		case c == '(':
			depth++
			i++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ')' at offset %d", i)
			}
			i++
		case c == '{' && strings.HasPrefix(src[i:], "{{"):
			m := placeholderRE.FindStringSubmatch(src[i:])
			if m == nil {
				return nil, fmt.Errorf("unterminated placeholder at offset %d", i)
			}
			name := m[1]
			if name != "user" && name != "domain" && name != "groups" {
				return nil, fmt.Errorf("unknown placeholder %q at offset %d (want {{user}}, {{domain}} or {{groups}})", m[0], i)
			}
			end := i + len(m[0])
			if (i > 0 && !placeholderNeighbour(src[i-1])) || (end < len(src) && !placeholderNeighbour(src[end])) {
				return nil, fmt.Errorf("placeholder %s at offset %d must be separated from the text around it by a space or an operator", m[0], i)
			}
			if i > start {
				e.parts = append(e.parts, exprPart{text: src[start:i]})
			}
			e.parts = append(e.parts, exprPart{placeholder: name})
			i = end
			start = end
		default:
			i++
		}
	}
	if depth != 0 {
		return nil, errors.New("unbalanced '('")
	}
	if start < len(src) {
		e.parts = append(e.parts, exprPart{text: src[start:]})
	}
	return e, nil
}

// skipQuoted returns the offset just past the quoted text starting at i,
// where a doubled quote stands for itself.
func skipQuoted(src string, i int, q byte) (int, error) {
	for j := i + 1; j < len(src); j++ {
		if src[j] != q {
			if src[j] == '{' && strings.HasPrefix(src[j:], "{{") && placeholderRE.MatchString(src[j:]) {
				return 0, fmt.Errorf("placeholder inside a quoted string or identifier at offset %d: write it bare, it becomes a literal", j)
			}
			continue
		}
		if j+1 < len(src) && src[j+1] == q {
			j++
			continue
		}
		return j + 1, nil
	}
	return 0, fmt.Errorf("unterminated %c at offset %d", q, i)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func placeholderNeighbour(c byte) bool {
	return strings.IndexByte(" \t\r\n(),[]=<>!+-*/%|&~^:", c) >= 0
}

// Render returns the expression with the caller's values substituted.
func (e *Expr) Render(pr auth.Principal) string {
	var b strings.Builder
	for _, p := range e.parts {
		switch p.placeholder {
		case "":
			b.WriteString(p.text)
		case "user":
			b.WriteString(QuoteLiteral(pr.Name))
		case "domain":
			if pr.Domain == "" {
				b.WriteString("NULL::VARCHAR")
			} else {
				b.WriteString(QuoteLiteral(pr.Domain))
			}
		case "groups":
			if len(pr.Groups) == 0 {
				b.WriteString("[]::VARCHAR[]")
				break
			}
			b.WriteByte('[')
			for i, g := range pr.Groups {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(QuoteLiteral(g))
			}
			b.WriteByte(']')
		}
	}
	return b.String()
}

// QuoteLiteral returns s as a SQL standard string literal. NUL bytes, which
// cannot appear in query text, become chr(0).
func QuoteLiteral(s string) string {
	if !strings.ContainsRune(s, 0) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	parts := strings.Split(s, "\x00")
	for i, p := range parts {
		parts[i] = "'" + strings.ReplaceAll(p, "'", "''") + "'"
	}
	return "(" + strings.Join(parts, " || chr(0) || ") + ")"
}
