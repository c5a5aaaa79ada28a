package sqlparse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what a token is.
type Kind uint8

const (
	Space       Kind = iota // a run of white space
	Comment                 // -- to the end of the line, or a nested /* */
	Word                    // a keyword or unquoted identifier, as written
	QuotedIdent             // "..." with "" escapes, quotes kept
	String                  // '...', E'...' (backslash escapes), $tag$...$tag$
	Number                  // 1, 1.5e-3, 0x1F, 1_000 (anything a number runs into)
	Param                   // $1
	Operator                // one operator character, or :: (a cast)
	Punct                   // ( ) [ ] , ; . : and any other single byte
)

var kindNames = [...]string{"space", "comment", "word", "quoted identifier", "string", "number", "parameter", "operator", "punctuation"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Token is one lexical element of SQL text: Text is s[Pos:End].
type Token struct {
	Kind     Kind
	Text     string
	Pos, End int
}

// Significant reports a token that is neither white space nor a comment.
func (t Token) Significant() bool { return t.Kind != Space && t.Kind != Comment }

// Upper is the token's text upper-cased (how keywords are compared).
func (t Token) Upper() string { return strings.ToUpper(t.Text) }

// The operator characters of Postgres. An operator is returned one
// character a token (the readers above put "<>" or "!~" together where they
// care); :: is the one operator returned whole, since it is a cast and not
// an operator in Postgres' grammar either.
const opChars = "+-*/<>=~!@#%^&|`?"

// Scan returns the token that starts at byte i of s (i < len(s)). Every
// reader of SQL text in lakegate tokenizes through it, so they agree on
// where each token ends. Lex and the Cursor are built on it.
//
// Rules (https://www.postgresql.org/docs/15/sql-syntax-lexical.html), with
// lakegate's choices: white space is any Unicode space between tokens; a
// word runs over identifier bytes (every non-ASCII byte is one) and $; a number starts at a digit and runs over anything
// that can continue one (so no digit is left behind: .5 is "." and "5");
// $n is a parameter only when nothing of a word stands right before or
// after it;
// unterminated strings, identifiers and comments run to the end of s.
func Scan(s string, i int) Token {
	end, kind := scanEnd(s, i)
	return Token{Kind: kind, Text: s[i:end], Pos: i, End: end}
}

func scanEnd(s string, i int) (int, Kind) {
	c := s[i]
	r, w := utf8.DecodeRuneInString(s[i:])
	switch {
	case unicode.IsSpace(r):
		j := i + w
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(r) {
				break
			}
			j += w
		}
		return j, Space
	case c == '-' && i+1 < len(s) && s[i+1] == '-', c == '/' && i+1 < len(s) && s[i+1] == '*':
		return SkipToken(s, i), Comment
	case (c == 'E' || c == 'e') && i+1 < len(s) && s[i+1] == '\'' && (i == 0 || !IsIdentByte(s[i-1])):
		return skipQuoted(s, i+1, '\'', true), String
	case c >= '0' && c <= '9':
		return skipNumber(s, i), Number
	case IsIdentByte(c):
		j := i
		for j < len(s) && (IsIdentByte(s[j]) || s[j] == '$') {
			j++
		}
		return j, Word
	case c == '"':
		return SkipToken(s, i), QuotedIdent
	case c == '\'':
		return SkipToken(s, i), String
	case c == '$':
		if _, ok := DollarTag(s, i); ok {
			return SkipToken(s, i), String
		}
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j > i+1 && (j == len(s) || !IsIdentByte(s[j]) && s[j] != '$') && (i == 0 || !IsIdentByte(s[i-1])) {
			return j, Param
		}
		return i + 1, Punct
	case c == ':' && i+1 < len(s) && s[i+1] == ':':
		return i + 2, Operator
	case strings.IndexByte(opChars, c) >= 0:
		return i + 1, Operator
	default:
		return i + 1, Punct
	}
}

// skipNumber returns the end of the number at i, taking in anything that
// can continue one (1.5e-3, 0x1F, 1_000) so that no digit is left behind.
func skipNumber(s string, i int) int {
	j := i
	for j < len(s) && (IsIdentByte(s[j]) || s[j] == '.' ||
		(s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
		j++
	}
	return j
}

// Lex returns every token of s, white space and comments included: their
// texts, in order, are s.
func Lex(s string) []Token {
	var out []Token
	for i := 0; i < len(s); {
		t := Scan(s, i)
		out = append(out, t)
		i = t.End
	}
	return out
}

// Tokens returns up to max significant tokens of s (max <= 0: all).
func Tokens(s string, max int) []Token {
	var out []Token
	for i := 0; i < len(s) && (max <= 0 || len(out) < max); {
		t := Scan(s, i)
		if t.Significant() {
			out = append(out, t)
		}
		i = t.End
	}
	return out
}

// Blank reports text that holds only white space and comments.
func Blank(s string) bool { return len(Tokens(s, 1)) == 0 }

// ClosingParen is the index in toks of the ")" that closes the "(" at
// toks[open], -1 where it is not closed (or toks[open] is not "(").
func ClosingParen(toks []Token, open int) int {
	if open < 0 || open >= len(toks) || toks[open].Text != "(" {
		return -1
	}
	depth := 0
	for k := open; k < len(toks); k++ {
		switch toks[k].Text {
		case "(":
			depth++
		case ")":
			if depth--; depth == 0 {
				return k
			}
		}
	}
	return -1
}
