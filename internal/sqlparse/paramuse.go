package sqlparse

import (
	"strconv"
	"strings"
)

// ParamUse is what the text right around a $n parameter tells of its type,
// where the engine infers none: Postgres types $1::int8::text as int8 and
// the $1 of x = ANY($1) as an array of x's type.
type ParamUse struct {
	// CastTo is the type a cast right after the parameter names, as
	// written ($1::int8 -> "int8", $1::"pg_catalog"."_text" ->
	// `"pg_catalog"."_text"`, $1::numeric(20,6)); "" when none.
	CastTo string
	// InAny: the parameter is the whole operand of ANY or ALL.
	InAny bool
	// Rounded: the parameter is the first of two arguments of round
	// (round($1, 2)), which Postgres has for numeric only.
	Rounded bool
}

// ParamUses returns, for each $n the text uses in one of those ways, the
// first such use.
func ParamUses(sql string) map[int]ParamUse {
	toks := Tokens(sql, 0)
	out := map[int]ParamUse{}
	for i, t := range toks {
		if t.Kind != Param {
			continue
		}
		n, err := strconv.Atoi(t.Text[1:])
		if err != nil {
			continue
		}
		u := out[n]
		if i >= 2 && i+1 < len(toks) && toks[i-1].Text == "(" && toks[i+1].Text == ")" {
			switch toks[i-2].Upper() {
			case "ANY", "ALL", "SOME":
				u.InAny = true
			}
		}
		if i >= 2 && i+1 < len(toks) && toks[i-1].Text == "(" && toks[i+1].Text == "," && toks[i-2].Kind == Word &&
			strings.EqualFold(toks[i-2].Text, "round") && (i < 3 || toks[i-3].Text != ".") {
			u.Rounded = true
		}
		if u.CastTo == "" && i+2 < len(toks) && toks[i+1].Text == "::" {
			u.CastTo = castType(sql, toks[i+2:])
		}
		if u != (ParamUse{}) {
			out[n] = u
		}
	}
	return out
}

// castType is the text of the type name toks start with: an optionally
// schema-qualified name, a type modifier in parentheses and [] suffixes.
// Multi-word names (double precision, timestamp with time zone) are left
// out: "" then.
func castType(sql string, toks []Token) string {
	name := func(t Token) bool { return t.Kind == Word || t.Kind == QuotedIdent }
	if len(toks) == 0 || !name(toks[0]) {
		return ""
	}
	end := 0
	if len(toks) > 2 && toks[1].Text == "." && name(toks[2]) {
		end = 2
	}
	switch strings.ToLower(UnquoteIdent(toks[end].Text)) {
	case "double", "timestamp", "time", "character", "char", "bit", "interval":
		if end+1 < len(toks) && toks[end+1].Kind == Word {
			return ""
		}
	}
	if end+1 < len(toks) && toks[end+1].Text == "(" {
		for k := end + 2; k < len(toks); k++ {
			if toks[k].Text == ")" {
				end = k
				break
			}
		}
	}
	for end+2 < len(toks) && toks[end+1].Text == "[" && toks[end+2].Text == "]" {
		end += 2
	}
	return sql[toks[0].Pos:toks[end].End]
}

// AnyOperandsAsScalars returns sql with ANY($n), ALL($n) and SOME($n)
// turned into $n for the given parameters: x = $n, whose type the
// engine infers from x, where x = ANY($n) compares with elements of that
// type.
func AnyOperandsAsScalars(sql string, ns map[int]bool) string {
	lex := Lex(sql)
	var b strings.Builder
	sig := func(from, step int) int {
		for k := from; k >= 0 && k < len(lex); k += step {
			if lex[k].Significant() {
				return k
			}
		}
		return -1
	}
	skip := map[int]bool{}
	for i, t := range lex {
		if t.Kind != Param {
			continue
		}
		n, err := strconv.Atoi(t.Text[1:])
		if err != nil || !ns[n] {
			continue
		}
		open, kw, cl := sig(i-1, -1), -1, sig(i+1, 1)
		if open >= 0 {
			kw = sig(open-1, -1)
		}
		if kw < 0 || cl < 0 || lex[open].Text != "(" || lex[cl].Text != ")" {
			continue
		}
		switch lex[kw].Upper() {
		case "ANY", "ALL", "SOME":
			for k := kw; k <= cl; k++ {
				if k != i {
					skip[k] = true
				}
			}
		}
	}
	for i, t := range lex {
		if !skip[i] {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// ArithmeticAsComparison returns sql with the arithmetic operator right
// beside $n (x + $n, $n * x) turned into =: the engine infers the type of
// $n from x = $n, as Postgres types the $n of x + $n as x's type. ok is
// false when no such operator is next to it.
func ArithmeticAsComparison(sql string, n int) (string, bool) {
	return arithmeticProbe(sql, n, false)
}

// ArithmeticAsGuardedComparison is ArithmeticAsComparison for an
// arithmetic that is itself an operand of a comparison (a * $1 > $2,
// where a = $1 > $2 compares a boolean): the comparison is closed by
// AND NULL beside $n (a = $1 AND NULL > $2, NULL AND $1 = a), so the
// engine still infers $n's type from x = $n.
func ArithmeticAsGuardedComparison(sql string, n int) (string, bool) {
	return arithmeticProbe(sql, n, true)
}

// ArithmeticOperator returns the arithmetic operator right beside $n, as
// ArithmeticAsComparison finds it (x - $n: "-"), and whether $n is its
// left operand ($n - x); ok is false when no such operator is next to it.
func ArithmeticOperator(sql string, n int) (op string, left, ok bool) {
	lex := Lex(sql)
	i, k := arithmeticBeside(lex, n)
	if k < 0 {
		return "", false, false
	}
	return lex[k].Text, i < k, true
}

func arithmeticProbe(sql string, n int, guard bool) (string, bool) {
	lex := Lex(sql)
	i, op := arithmeticBeside(lex, n)
	if op < 0 {
		return sql, false
	}
	var b strings.Builder
	for k, x := range lex {
		switch {
		case k == op:
			b.WriteString("=")
		case k == i && guard && op < i:
			b.WriteString(x.Text + " AND NULL")
		case k == i && guard:
			b.WriteString("NULL AND " + x.Text)
		default:
			b.WriteString(x.Text)
		}
	}
	return b.String(), true
}

// arithmeticBeside returns the index in lex of the first $n with an
// arithmetic operator right beside it (x + $n, $n * x) and that
// operator's; -1, -1 when there is none.
func arithmeticBeside(lex []Token, n int) (param, op int) {
	sig := func(from, step int) int {
		for k := from; k >= 0 && k < len(lex); k += step {
			if lex[k].Significant() {
				return k
			}
		}
		return -1
	}
	arith := func(k int) bool {
		return k >= 0 && lex[k].Kind == Operator && len(lex[k].Text) == 1 && strings.Contains("+-*/%", lex[k].Text)
	}
	operand := func(k int) bool {
		if k < 0 {
			return false
		}
		switch t := lex[k]; t.Kind {
		case Number, String, QuotedIdent, Param:
			return true
		case Word:
			switch t.Upper() {
			case "SELECT", "WHERE", "AND", "OR", "NOT", "ON", "WHEN", "THEN", "ELSE", "BY", "HAVING", "RETURN", "IS", "IN", "LIKE":
				return false
			}
			return true
		default:
			return t.Text == ")" || t.Text == "]"
		}
	}
	for i, t := range lex {
		if t.Kind != Param || t.Text != "$"+strconv.Itoa(n) {
			continue
		}
		if p := sig(i-1, -1); arith(p) && operand(sig(p-1, -1)) {
			return i, p
		}
		if q := sig(i+1, 1); arith(q) {
			return i, q
		}
	}
	return -1, -1
}
