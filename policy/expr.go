package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/internal/sqlparse"
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
// parseExpr checks the text's tokens (internal/sqlparse, the lexer every
// reader of SQL text in lakegate shares): placeholders may not stand inside a
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
	start := 0              // start of the pending text part
	var prev sqlparse.Token // the token before, Space included
	for i := 0; i < len(src); {
		if strings.HasPrefix(src[i:], "{{") {
			end, name, err := placeholderAt(src, i)
			if err != nil {
				return nil, err
			}
			if i > start {
				e.parts = append(e.parts, exprPart{text: src[start:i]})
			}
			e.parts = append(e.parts, exprPart{placeholder: name})
			prev = sqlparse.Token{Kind: sqlparse.Punct, Text: src[i:end], Pos: i, End: end}
			i, start = end, end
			continue
		}
		t := sqlparse.Scan(src, i)
		switch t.Kind {
		case sqlparse.String:
			switch {
			case t.Text[0] == '$':
				return nil, fmt.Errorf("'$' at offset %d is not allowed (no dollar quoting or parameters)", i)
			case t.Text[0] != '\'':
				return nil, fmt.Errorf("prefixed string literal (%c'…') at offset %d is not allowed", t.Text[0], i)
			case (prev.Kind == sqlparse.Word || prev.Kind == sqlparse.Number) && prev.End == i:
				return nil, fmt.Errorf("prefixed string literal (%s'…') at offset %d is not allowed", prev.Text[len(prev.Text)-1:], i-1)
			}
			if err := checkQuoted(t); err != nil {
				return nil, err
			}
		case sqlparse.QuotedIdent:
			if err := checkQuoted(t); err != nil {
				return nil, err
			}
		case sqlparse.Comment:
			return nil, fmt.Errorf("comment at offset %d is not allowed", i)
		case sqlparse.Param:
			return nil, fmt.Errorf("'$' at offset %d is not allowed (no dollar quoting or parameters)", i)
		case sqlparse.Word, sqlparse.Punct:
			if j := strings.IndexByte(t.Text, '$'); j >= 0 {
				return nil, fmt.Errorf("'$' at offset %d is not allowed (no dollar quoting or parameters)", i+j)
			}
			switch t.Text {
			case ";":
				return nil, fmt.Errorf("';' at offset %d is not allowed", i)
			case "(":
				depth++
			case ")":
				if depth--; depth < 0 {
					return nil, fmt.Errorf("unbalanced ')' at offset %d", i)
				}
			}
		}
		prev = t
		i = t.End
	}
	if depth != 0 {
		return nil, errors.New("unbalanced '('")
	}
	if start < len(src) {
		e.parts = append(e.parts, exprPart{text: src[start:]})
	}
	return e, nil
}

// placeholderAt reads the placeholder at src[i:] ("{{"): its end and name.
// It must stand apart from the text around it, so that what it becomes
// is a literal of its own.
func placeholderAt(src string, i int) (end int, name string, err error) {
	m := placeholderRE.FindStringSubmatch(src[i:])
	if m == nil {
		return 0, "", fmt.Errorf("unterminated placeholder at offset %d", i)
	}
	name = m[1]
	if name != "user" && name != "domain" && name != "groups" {
		return 0, "", fmt.Errorf("unknown placeholder %q at offset %d (want {{user}}, {{domain}} or {{groups}})", m[0], i)
	}
	end = i + len(m[0])
	if (i > 0 && !placeholderNeighbour(src[i-1])) || (end < len(src) && !placeholderNeighbour(src[end])) {
		return 0, "", fmt.Errorf("placeholder %s at offset %d must be separated from the text around it by a space or an operator", m[0], i)
	}
	return end, name, nil
}

// checkQuoted refuses a quoted string or identifier that does not end
// (the lexer runs it to the end of the text) or holds a placeholder.
func checkQuoted(t sqlparse.Token) error {
	q := t.Text[0]
	closed := len(t.Text) >= 2 && t.Text[len(t.Text)-1] == q
	body := ""
	if closed {
		body = t.Text[1 : len(t.Text)-1]
	}
	if !closed || strings.IndexByte(strings.ReplaceAll(body, string([]byte{q, q}), ""), q) >= 0 {
		return fmt.Errorf("unterminated %c at offset %d", q, t.Pos)
	}
	for j := 0; j < len(body); j++ {
		if strings.HasPrefix(body[j:], "{{") && placeholderRE.MatchString(body[j:]) {
			return fmt.Errorf("placeholder inside a quoted string or identifier at offset %d: write it bare, it becomes a literal", t.Pos+1+j)
		}
	}
	return nil
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
