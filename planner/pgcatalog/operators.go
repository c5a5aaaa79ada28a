package pgcatalog

import "strings"

// Postgres' regular expression match operators find the pattern anywhere
// in the string ('pg_catalog' ~ '^pg_' is true); the engine parses ~ and
// !~ as a match of the whole string, and has no ~* or !~*. Client catalog
// queries depend on the Postgres reading (pgjdbc tells system tables from
// user tables with nspname ~ '^pg_'), and so do users' WHERE clauses.
//
// The rewrite (in RewriteSQL, which every query passes through)
// replaces each binary match operator by an operator of the engine's
// generic kind, which the engine resolves to a function of that name: the
// macros below, created in every session engine. A generic operator has
// the same precedence as ~ in both grammars, so the parse tree is the one
// Postgres builds.
//
// Postgres' bitwise exclusive or, #, is missing from the engine's grammar:
// it becomes another generic operator, xorOperator (missing.go), which
// binds as tightly as # does in Postgres.
var regexOperators = map[string]string{
	"~":   "~^",
	"!~":  "!~^",
	"~*":  "~*",
	"!~*": "!~*",
	"#":   xorOperator,
}

// regexOperatorMacros creates the functions the rewritten match
// operators call (part of EngineMacros).
const regexOperatorMacros = `CREATE OR REPLACE MACRO "~^"(s, p) AS regexp_matches(s, p);
CREATE OR REPLACE MACRO "!~^"(s, p) AS NOT regexp_matches(s, p);
CREATE OR REPLACE MACRO "~*"(s, p) AS regexp_matches(s, p, 'i');
CREATE OR REPLACE MACRO "!~*"(s, p) AS NOT regexp_matches(s, p, 'i');
`

// operandKeywords are keywords that stand for a value, so an operator after
// them is binary.
var operandKeywords = map[string]bool{
	"null": true, "true": true, "false": true, "user": true, "current_user": true, "session_user": true,
	"current_role": true, "current_schema": true, "current_catalog": true, "current_date": true,
	"current_time": true, "current_timestamp": true, "localtime": true, "localtimestamp": true,
}

// regexOperatorAt reads the operator starting at piece i: the adjacent
// punctuation pieces that make up one Postgres operator token. It returns
// the engine operator to emit and the index of the operator's last piece
// when the token is a binary regular expression match.
func regexOperatorAt(in []piece, i int, prev *piece) (string, int, bool) {
	const opChars = "~!@#^&|`?+-*/%<>="
	var op strings.Builder
	j := i
	for j < len(in) && in[j].kind == 'p' && len(in[j].text) == 1 && strings.Contains(opChars, in[j].text) {
		if j > i && in[j].start != in[j-1].start+1 {
			break
		}
		op.WriteString(in[j].text)
		j++
	}
	repl, ok := regexOperators[op.String()]
	if !ok || !isOperand(prev) {
		return "", 0, false
	}
	return repl, j - 1, true
}

// isOperand reports whether the piece before an operator ends an operand
// (so the operator is binary, not a prefix ~).
func isOperand(p *piece) bool {
	if p == nil {
		return false
	}
	switch p.kind {
	case 'q', 's', 'n':
		return true
	case 'p':
		return p.text == ")" || p.text == "]"
	case 'w':
		w := strings.ToLower(p.text)
		if operandKeywords[w] {
			return true
		}
		return !reservedKeyword(w)
	}
	return false
}

var reservedKeywords = func() map[string]bool {
	m := map[string]bool{"between": true}
	for _, kw := range strings.Fields(pgKeywords) {
		if word, code, _ := strings.Cut(kw, ":"); code[0] == 'R' || code[0] == 'T' {
			m[word] = true
		}
	}
	return m
}()

func reservedKeyword(w string) bool { return reservedKeywords[w] }
