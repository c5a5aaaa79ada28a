package pgcatalog

import (
	"slices"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Lexical rewrites of calls whose Postgres meaning the engine's function
// of the same name does not have (the macros are pgvalues.go's):
//   - format('template', args...): the engine's format reads {} fmt
//     templates, so a constant Postgres template is taken apart here into
//     the concatenation of its text and its arguments as %s (the value's
//     text, '' for NULL), %I (quoted as an identifier) and %L (as a
//     literal) write them; %% is a percent sign and %n$ names an
//     argument. Widths, a template that is not a constant and too few
//     arguments fail (0A000, and 22023 as in Postgres).
//   - avg, stddev and variance get lakegate_float_arg around their
//     argument (refused for integers and numerics).
//   - array_agg(DISTINCT x) gets ORDER BY x: Postgres sorts the distinct
//     values, the engine keeps them in the order it meets them.
//   - ARRAY[...][i] without parentheses is a syntax error in Postgres.
//   - generate_series: in a select list, one row per value
//     (lakegate_series); in FROM, the one-row-per-value subquery of it,
//     whose column the alias names as in Postgres, typed as Postgres
//     types it (int4 from int4 bounds, timestamptz from dates).

// callArgs splits the arguments of the call whose "(" is in[open] at the
// commas of its own level; it returns their texts and the index of the
// closing parenthesis.
func callArgs(in []piece, open int) ([]string, int, bool) {
	depth := 0
	var args []string
	var cur strings.Builder
	for k := open; k < len(in); k++ {
		t := in[k].text
		switch {
		case in[k].kind == 'p' && (t == "(" || t == "["):
			depth++
		case in[k].kind == 'p' && (t == ")" || t == "]"):
			depth--
			if depth == 0 {
				if s := strings.TrimSpace(cur.String()); s != "" || len(args) > 0 {
					args = append(args, s)
				}
				return args, k, true
			}
		case depth == 1 && t == ",":
			args = append(args, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		if k > open {
			cur.WriteString(t)
		}
	}
	return nil, 0, false
}

// formatCall renders format(...) whose "(" is in[open]; it returns the
// text and the index of the closing parenthesis.
func formatCall(in []piece, open int) (string, int, bool) {
	args, closing, ok := callArgs(in, open)
	if !ok || len(args) == 0 {
		return "", 0, false
	}
	tmpl, ok := sqlparse.StringValue(args[0])
	if !ok || !strings.HasPrefix(args[0], "'") && !strings.HasPrefix(strings.ToLower(args[0]), "e'") {
		return "lakegate_format(lakegate_format_refused())", closing, true
	}
	values := args[1:]
	var parts []string
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, sqlparse.QuoteLiteral(lit.String()))
			lit.Reset()
		}
	}
	next := 0
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '%' {
			lit.WriteByte(c)
			continue
		}
		i++
		if i >= len(tmpl) {
			return "lakegate_format(lakegate_format_refused())", closing, true
		}
		if tmpl[i] == '%' {
			lit.WriteByte('%')
			continue
		}
		// an argument position n$
		j := i
		for j < len(tmpl) && tmpl[j] >= '0' && tmpl[j] <= '9' {
			j++
		}
		arg := next
		if j > i && j < len(tmpl) && tmpl[j] == '$' {
			n, err := strconv.Atoi(tmpl[i:j])
			if err != nil || n < 1 {
				return "lakegate_format(lakegate_format_refused())", closing, true
			}
			arg, i = n-1, j+1
		}
		// a width: - for left-aligned, then digits
		width := ""
		if i < len(tmpl) && tmpl[i] == '-' {
			width, i = "-", i+1
		}
		for i < len(tmpl) && tmpl[i] >= '0' && tmpl[i] <= '9' {
			width += tmpl[i : i+1]
			i++
		}
		if width == "-" || i >= len(tmpl) {
			return "lakegate_format(lakegate_format_refused())", closing, true
		}
		if arg >= len(values) {
			flush()
			parts = append(parts, "lakegate_format_args()")
			continue
		}
		next = arg + 1
		flush()
		switch tmpl[i] {
		case 's':
			parts = append(parts, "coalesce(lakegate_out("+values[arg]+"), '')")
		case 'I':
			parts = append(parts, "lakegate_format_ident("+values[arg]+")")
		case 'L':
			parts = append(parts, "lakegate_format_literal("+values[arg]+")")
		default: // *, another flag or conversion
			return "lakegate_format(lakegate_format_refused())", closing, true
		}
		if width != "" {
			parts[len(parts)-1] = "lakegate_format_width(" + parts[len(parts)-1] + ", " + width + ")"
		}
	}
	flush()
	if len(parts) == 0 {
		parts = append(parts, "''")
	}
	return "lakegate_format(" + strings.Join(parts, " || ") + ")", closing, true
}

// arraySubscript reports whether the ARRAY at in[i] is an ARRAY[...]
// constructor subscripted without parentheses, and returns the index of
// the last subscript's "]".
func arraySubscript(in []piece, i int, next func(int) int) (int, bool) {
	o := next(i + 1)
	if o >= len(in) || in[o].text != "[" {
		return 0, false
	}
	c := matchBracket(in, o)
	if c < 0 {
		return 0, false
	}
	s := next(c + 1)
	if s >= len(in) || in[s].text != "[" {
		return 0, false
	}
	last := -1
	for s < len(in) && in[s].text == "[" {
		e := matchBracket(in, s)
		if e < 0 {
			return 0, false
		}
		last, s = e, next(e+1)
	}
	return last, true
}

// matchBracket returns the index of the "]" closing the "[" at o, -1 if
// none.
func matchBracket(in []piece, o int) int {
	depth := 0
	for k := o; k < len(in); k++ {
		switch in[k].text {
		case "[", "(":
			depth++
		case "]", ")":
			depth--
			if depth == 0 {
				if in[k].text != "]" {
					return -1
				}
				return k
			}
		}
	}
	return -1
}

// aggregateArg reads the call of an aggregate whose "(" is in[open]: the
// index of the first piece of its argument (after DISTINCT or ALL), the
// argument's text up to ORDER BY or the end, whether it has ORDER BY,
// and the closing parenthesis.
func aggregateArg(in []piece, open int, next func(int) int) (first int, arg string, ordered bool, closing int, ok bool) {
	first = next(open + 1)
	if first < len(in) && in[first].kind == 'w' {
		switch in[first].identName() {
		case "distinct", "all":
			first = next(first + 1)
		}
	}
	depth := 0
	var b strings.Builder
	for k := open; k < len(in); k++ {
		switch t := in[k].text; {
		case t == "(" || t == "[":
			depth++
		case t == ")" || t == "]":
			depth--
			if depth == 0 {
				return first, strings.TrimSpace(b.String()), ordered, k, first < k
			}
		case depth == 1 && in[k].kind == 'w' && in[k].identName() == "order":
			ordered = true
		case depth == 1 && t == ",":
			return 0, "", false, 0, false // several arguments
		}
		if k >= first && !ordered {
			b.WriteString(in[k].text)
		}
	}
	return 0, "", false, 0, false
}

// pgCall rewrites the call of name at in[i] (its "(" at in[open]) where
// Postgres reads it otherwise (see above); it returns the text replacing
// in[i:end+1], adding to before what goes before later pieces.
func pgCall(in []piece, i, open int, name string, next func(int) int, out []piece, before map[int]string) (string, int, bool) {
	switch {
	case name == "format":
		return formatCall(in, open)
	case floatArgAggregates[name]:
		first, _, _, closing, ok := aggregateArg(in, open, next)
		if !ok || in[first].identName() == "lakegate_float_arg" {
			return "", 0, false
		}
		var head strings.Builder
		for _, p := range in[i:first] {
			head.WriteString(p.text)
		}
		before[closing] += ")"
		return head.String() + "lakegate_float_arg(", first - 1, true
	case name == "sum":
		return floatSum(in, i, open, next, before)
	case name == "array_agg":
		_, arg, ordered, closing, ok := aggregateArg(in, open, next)
		if ok && !ordered && in[next(open+1)].identName() == "distinct" && arg != "" {
			before[closing] += " ORDER BY " + arg
		}
	case name == "generate_series" && selectItem(out):
		return "lakegate_series", i, true
	case name == "generate_series" && startsFromItem(out):
		return seriesFrom(in, open, next)
	}
	return "", 0, false
}

// textCast renders x::text, whose operand ends out, as lakegate_text(x)
// (pgvalues.go: a float's text as Postgres writes it). An operand that is
// a string constant or a parameter is left as it is (it is text already,
// and a parameter keeps the type the cast gives it), and so is one this
// reader cannot delimit. With literals, a string constant is taken too
// ('abc'::varchar is varchar, and the engine's string type is sent as text).
func textCast(out *[]piece, literals bool) (string, bool) {
	k := prevNonSpace(*out, len(*out))
	if k < 0 {
		return "", false
	}
	last := (*out)[k]
	if !(last.isIdent() || last.text == ")" || last.text == "]" || last.kind == 'n' && !strings.HasPrefix(last.text, "$") || literals && last.kind == 's') {
		return "", false
	}
	saved := slices.Clone(*out)
	operand, _ := popOperand(out)
	// x::type::text: the operand goes on through the inner casts
	for {
		d := prevNonSpace(*out, len(*out))
		if d < 0 || (*out)[d].text != "::" {
			break
		}
		*out = (*out)[:d]
		inner, _ := popOperand(out)
		operand = inner + "::" + operand
	}
	if d := prevNonSpace(*out, len(*out)); d >= 0 {
		switch p := (*out)[d]; {
		case p.kind == 's' || p.kind == 'n' || p.kind == 'q', p.kind == 'w' && !operandStopWords[p.identName()] && !sqlClauseWords[p.identName()] && p.identName() != "select":
			*out = saved // a type of several words, or an operand this reader misread
			return "", false
		}
	}
	if arrayOperand(operand) {
		return "lakegate_text(lakegate_array_text(" + operand + "))", true
	}
	return "lakegate_text(" + operand + ")", true
}

// arrayFunctions return an array.
var arrayFunctions = map[string]bool{
	"string_to_array": true, "regexp_split_to_array": true, "array_agg": true, "array_append": true, "array_prepend": true,
	"array_cat": true, "array_remove": true, "array_replace": true, "array_fill": true,
}

// arrayOperand reports whether a cast's operand, as written, is an
// array: ARRAY[...], an array type's cast, or a call of an array
// function. Its text is Postgres' {a,b} (lakegate_array_text); another
// list fails in lakegate_text, whose text would be the engine's [a, b].
func arrayOperand(operand string) bool {
	o := strings.TrimSpace(operand)
	if strings.HasSuffix(o, "]") {
		return true
	}
	name, _, ok := strings.Cut(o, "(")
	return ok && arrayFunctions[strings.ToLower(strings.TrimSpace(name))]
}

// startsFromItem reports whether what follows out is a FROM item: out ends
// with FROM or JOIN.
func startsFromItem(out []piece) bool {
	k := prevNonSpace(out, len(out))
	if k < 0 || out[k].kind != 'w' {
		return false
	}
	w := out[k].identName()
	return w == "from" || w == "join"
}

// seriesFrom renders FROM generate_series(...) [[AS] a[(c)]], whose "("
// is in[open], as (SELECT lakegate_series(...) AS c) AS a; it returns the
// index of the alias' last piece. WITH ORDINALITY is left to the engine.
func seriesFrom(in []piece, open int, next func(int) int) (string, int, bool) {
	closing := matchParenIn(in, open)
	if closing < 0 {
		return "", 0, false
	}
	var args strings.Builder
	for _, p := range in[open+1 : closing] {
		args.WriteString(p.text)
	}
	end, alias, col := closing, "generate_series", ""
	a := next(closing + 1)
	if a < len(in) && in[a].identName() == "with" {
		return "", 0, false
	}
	if a < len(in) && in[a].kind == 'w' && in[a].identName() == "as" {
		a = next(a + 1)
	}
	if a < len(in) && in[a].isIdent() && !(in[a].kind == 'w' && (operandStopWords[in[a].identName()] || sqlClauseWords[in[a].identName()] ||
		in[a].identName() == "natural" || in[a].identName() == "using")) {
		alias, end = in[a].text, a
		if o := next(a + 1); o < len(in) && in[o].text == "(" {
			c := matchParenIn(in, o)
			n := next(o + 1)
			if c < 0 || n >= len(in) || !in[n].isIdent() || next(n+1) != c {
				return "", 0, false // several column names: not one series
			}
			col, end = in[n].text, c
		}
	}
	if col == "" {
		col = alias
	}
	return "(SELECT lakegate_series(" + args.String() + ") AS " + col + ") AS " + alias, end, true
}

// matchParenIn returns the index of the ")" closing the "(" at o in in,
// -1 if none.
func matchParenIn(in []piece, o int) int {
	depth := 0
	for k := o; k < len(in); k++ {
		switch in[k].text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}
