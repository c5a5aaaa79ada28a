package pgcatalog

import "strings"

// floatSum rewrites sum(x) [FILTER (...)] [OVER ...], whose "(" is
// in[open], as lakegate_float_sum(sum(x) ..., bool_or(isinf(x)) ...):
// Postgres' float sum fails with 22003 when it overflows (float8pl),
// the engine's is infinity, and which of the two a sum is depends on
// whether one of its values was infinite already. The second aggregate
// has the first's FILTER and OVER; for a sum of anything but a float
// the macro folds to the sum and the engine drops the unused aggregate.
// A call whose argument or clauses this reader cannot delimit is left
// alone; so is one whose argument holds a string or a parameter (the
// copy of the argument is not rewritten, and a parameter would be used
// twice).
func floatSum(in []piece, i, open int, next func(int) int, before map[int]string) (string, int, bool) {
	_, arg, _, closing, ok := aggregateArg(in, open, next)
	if !ok || arg == "" || arg == "*" {
		return "", 0, false
	}
	if o := prevNonSpace(in, i); o >= 0 && in[o].text == "(" {
		if f := prevNonSpace(in, o); f >= 0 && in[f].identName() == "lakegate_float_sum" {
			return "", 0, false // rewritten already
		}
	}
	for _, p := range in[open:closing] {
		if p.kind == 's' || strings.HasPrefix(p.text, "$") || p.text == "?" {
			return "", 0, false
		}
	}
	end := closing
	if k := next(end + 1); k < len(in) && in[k].kind == 'w' && in[k].identName() == "filter" {
		o := next(k + 1)
		if o >= len(in) || in[o].text != "(" {
			return "", 0, false
		}
		if end = matchParenIn(in, o); end < 0 {
			return "", 0, false
		}
	}
	if k := next(end + 1); k < len(in) && in[k].kind == 'w' && in[k].identName() == "over" {
		o := next(k + 1)
		switch {
		case o < len(in) && in[o].text == "(":
			if end = matchParenIn(in, o); end < 0 {
				return "", 0, false
			}
		case o < len(in) && in[o].isIdent():
			end = o
		default:
			return "", 0, false
		}
	}
	var clauses strings.Builder
	for _, p := range in[closing+1 : end+1] {
		clauses.WriteString(p.text)
	}
	before[end+1] += ", bool_or(isinf(lakegate_float(" + arg + ")))" + clauses.String() + ")"
	return "lakegate_float_sum(" + in[i].text, i, true
}

// textCastCall reads CAST(x AS text) or CAST(x AS varchar),
// whose CAST is in[i]: the index of its AS and of the type's last piece.
// The call is written lakegate_text(x) (lakegate_varchar_text(x)), which
// writes a float as Postgres does (x::text's textCast). An operand that is a string constant or a
// parameter alone is left as it is, as textCast leaves it.
func textCastCall(in []piece, i int, next func(int) int) (as, typEnd int, ok bool) {
	o := next(i + 1)
	if o >= len(in) || in[o].text != "(" {
		return 0, 0, false
	}
	closing := matchParenIn(in, o)
	if closing < 0 {
		return 0, 0, false
	}
	as, depth := -1, 0
	for k := o; k < closing; k++ {
		switch {
		case in[k].text == "(" || in[k].text == "[":
			depth++
		case in[k].text == ")" || in[k].text == "]":
			depth--
		case depth == 1 && in[k].kind == 'w' && in[k].identName() == "as":
			as = k
		}
	}
	if as < 0 {
		return 0, 0, false
	}
	t := next(as + 1)
	if t >= len(in) || in[t].kind != 'w' || (in[t].identName() != "text" && in[t].identName() != "varchar") || next(t+1) != closing {
		return 0, 0, false
	}
	if first := next(o + 1); next(first+1) == as && (in[first].kind == 's' || strings.HasPrefix(in[first].text, "$")) {
		return 0, 0, false
	}
	return as, t, true
}

// textMacro is the macro of a cast to text or varchar (typ) that writes
// a float as Postgres does.
func textMacro(typ string) string {
	if typ == "varchar" {
		return "lakegate_varchar_text"
	}
	return "lakegate_text"
}

// WithoutFloatSums undoes floatSum's rewrites in sql for a statement in
// which no sum can be of floats (the planner's floatFree): each
// lakegate_float_sum(s, inf) becomes (s), padded with blanks to the same
// length, so that the byte offsets of everything else stay. The check
// folds to s for such sums anyway, but the engine binds its copies of s
// on every execution first (BENCHMARKS.md, Q).
func WithoutFloatSums(sql string) string { return WithoutFloatSumsAt(sql, nil) }

// WithoutFloatSumsAt is WithoutFloatSums for the sums whose call starts
// at a position where at holds (every one for a nil at): those the
// planner knows to be of no float.
func WithoutFloatSumsAt(sql string, at func(pos int) bool) string {
	if !strings.Contains(sql, "lakegate_float_sum") {
		return sql
	}
	in := lexPieces(sql)
	blank := map[int]bool{}
	for i, p := range in {
		if p.kind != 'w' || p.identName() != "lakegate_float_sum" || i+1 >= len(in) || in[i+1].text != "(" || (at != nil && !at(p.start)) {
			continue
		}
		closing := matchParenIn(in, i+1)
		if closing < 0 {
			continue
		}
		comma, depth := -1, 0
		for k := i + 1; k < closing && comma < 0; k++ {
			switch in[k].text {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
			case ",":
				if depth == 1 {
					comma = k
				}
			}
		}
		if comma < 0 {
			continue
		}
		blank[i] = true
		for k := comma; k < closing; k++ {
			blank[k] = true
		}
	}
	var b strings.Builder
	for i, p := range in {
		if blank[i] {
			b.WriteString(strings.Repeat(" ", len(p.text)))
			continue
		}
		b.WriteString(p.text)
	}
	return b.String()
}
