package pgcatalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

// Postgres' json keeps the text it was given, and its ->, ->>, #> and
// #>> give the part of that text they select, as written ('{"a": [1,
// 2]}'::json -> 'a' is [1, 2]); the engine's operators write the part
// compact ([1,2]). The engine's JSON keeps its text too, so the rewrite
// makes j -> k, j ->> k (k any expression: a string or an integer, a
// constant, a column, a parameter) and j #> p, j #>> p (p a constant
// path, or a text array) the operator macros |->|, |->>|, |~>| and
// |~>>|, which hand the text to lakegate_json_field (computed in Go,
// EngineFunctions): it finds the part and returns it as written. A jsonb
// value is the engine's JSON holding the text Postgres writes of it
// (lakegate_jsonb normalizes it: lakegate_jsonb_text), so the same
// parts are jsonb's text. The selector follows Postgres: a key of an
// object (of duplicate keys the last), an index of an array (negative
// counts from the end), a path's steps each read by what they meet;
// anything else is NULL, and so is a JSON null read as text (->>, #>>).

// jsonTextMacros are the json operators' macros.
var jsonTextMacros = []string{
	`lakegate_json_how(k) AS CASE WHEN typeof(k) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', ` +
		`'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT') THEN 'i' ELSE 'k' END`,
	// the function's answer: "n" for NULL, else "v" and the text
	`lakegate_json_answer(r) AS substr(nullif(r, 'n'), 2)`,
	`"|->|"(j, k) AS CAST(lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), CAST(k AS VARCHAR), lakegate_json_how(k), 'j')) AS JSON)`,
	`"|->>|"(j, k) AS lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), CAST(k AS VARCHAR), lakegate_json_how(k), 't'))`,
	// -> and ->> of a jsonb (JSONBComparisons renames them): an index
	// ("I") of a scalar reads it as an array of one element
	`"|@->|"(j, k) AS CAST(lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), CAST(k AS VARCHAR), upper(lakegate_json_how(k)), 'j')) AS JSON)`,
	`"|@->>|"(j, k) AS lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), CAST(k AS VARCHAR), upper(lakegate_json_how(k)), 't'))`,
	// a path: a text array's literal ('{a,0}', how "p") or a list (a
	// column, an ARRAY[...]: its JSON, how "l")
	`lakegate_json_path(p) AS CASE WHEN typeof(p) LIKE '%[]' THEN CAST(to_json(p) AS VARCHAR) ELSE CAST(p AS VARCHAR) END`,
	`lakegate_json_path_how(p) AS CASE WHEN typeof(p) LIKE '%[]' THEN 'l' ELSE 'p' END`,
	`"|~>|"(j, p) AS CAST(lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), lakegate_json_path(p), lakegate_json_path_how(p), 'j')) AS JSON)`,
	`"|~>>|"(j, p) AS lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), lakegate_json_path(p), lakegate_json_path_how(p), 't'))`,
}

// jsonOperatorMacros name the macros of the operators, for the rewrite.
var jsonOperatorMacros = map[string]string{"->": "|->|", "->>": "|->>|", "#>": "|~>|", "#>>": "|~>>|"}

// jsonbArrowMacros are the macros of -> and ->> of a jsonb, by those of
// json: Postgres stores a jsonb scalar as an array of one element, so
// its index 0 or -1 is the scalar ('1'::jsonb -> 0 is 1; of a json,
// NULL). #> and #>> read no such element (a path of '{0}' is NULL).
var jsonbArrowMacros = map[string]string{"|->|": "|@->|", "|->>|": "|@->>|"}

// JSONPathType is the error of a #> or #>> path that is a list of
// something else than text.
const JSONPathType = "the path of #> and #>> must be a text array"

// jsonField is lakegate_json_field(doc, selector, how, as): the part of
// the JSON text doc that selector picks (how: "k" a key, "i" an index,
// "K", "I" the same of a jsonb (its scalar's index 0 or -1 is itself),
// "p" a path constant like {a,0}, "l" a path as a JSON array of strings), as JSON text (as "j") or as Postgres'
// ->> gives it (as "t": a string's value, NULL for null). The answer is
// "n" for NULL or "v" followed by the text.
func jsonField(args []string) (string, error) {
	doc, sel, how, as := args[0], args[1], args[2], args[3]
	if !json.Valid([]byte(doc)) {
		return "", errors.New("invalid input syntax for type json")
	}
	v := strings.TrimSpace(doc)
	var steps []string
	switch how {
	case "p":
		var ok bool
		if steps, ok = textArray(sel); !ok {
			return "", errors.New("malformed array literal: \"" + sel + "\"")
		}
	case "l":
		var list []*string
		if err := json.Unmarshal([]byte(sel), &list); err != nil {
			return "", errors.New(JSONPathType)
		}
		for _, s := range list {
			if s == nil {
				return "n", nil // Postgres: a NULL step selects nothing
			}
			steps = append(steps, *s)
		}
		how = "p"
	case "I":
		if !strings.HasPrefix(v, "[") && !strings.HasPrefix(v, "{") {
			// a jsonb scalar: an array of one element
			v = "[" + v + "]"
		}
		how = "i"
		steps = []string{sel}
	case "K":
		how = "k"
		steps = []string{sel}
	default:
		steps = []string{sel}
	}
	for _, s := range steps {
		var ok bool
		switch {
		case how == "k":
			v, ok = jsonMember(v, s)
		case how == "i":
			v, ok = jsonElement(v, s)
		case strings.HasPrefix(v, "{"):
			v, ok = jsonMember(v, s)
		default:
			v, ok = jsonElement(v, s)
		}
		if !ok {
			return "n", nil
		}
	}
	if as == "t" {
		switch {
		case v == "null":
			return "n", nil
		case strings.HasPrefix(v, `"`):
			var s string
			if err := json.Unmarshal([]byte(v), &s); err != nil {
				return "", err
			}
			return "v" + s, nil
		}
	}
	return "v" + v, nil
}

// jsonParts is lakegate_json_parts(doc, kind): the elements of the JSON
// array doc (kind "a") or the keys and values of the object doc (kind
// "o", duplicates included, in the text's order) as written, as a JSON
// array of strings (of [key, value] pairs for an object): json's
// json_array_elements and json_each give them so.
func jsonParts(args []string) (string, error) {
	doc, kind := strings.TrimSpace(args[0]), args[1]
	if !json.Valid([]byte(doc)) {
		return "", errors.New("invalid input syntax for type json")
	}
	var parts []any
	switch {
	case kind == "a" && strings.HasPrefix(doc, "["):
		for i := jsonBlank(doc, 1); i < len(doc) && doc[i] != ']'; {
			end := jsonEnd(doc, i)
			parts = append(parts, doc[i:end])
			i = jsonBlank(doc, jsonBlank(doc, end)+1) // past ','
		}
	case kind == "o" && strings.HasPrefix(doc, "{"):
		for i := jsonBlank(doc, 1); i < len(doc) && doc[i] == '"'; {
			end := jsonEnd(doc, i)
			var k string
			if err := json.Unmarshal([]byte(doc[i:end]), &k); err != nil {
				return "", err
			}
			start := jsonBlank(doc, jsonBlank(doc, end)+1) // past ':'
			end = jsonEnd(doc, start)
			parts = append(parts, []string{k, doc[start:end]})
			i = jsonBlank(doc, jsonBlank(doc, end)+1) // past ','
		}
	default:
		return "", fmt.Errorf("pgcatalog: json parts of kind %q of %.20s", kind, doc)
	}
	b, err := json.Marshal(parts)
	if parts == nil {
		b = []byte("[]")
	}
	return string(b), err
}

// jsonbText is lakegate_jsonb_text(doc): doc as Postgres writes jsonb.
func jsonbText(args []string) (string, error) { return pgtypes.JSONBText(args[0]) }

// jsonMember is the text of the value of key in the object v (valid
// JSON, without surrounding blanks); of duplicate keys the last.
func jsonMember(v, key string) (string, bool) {
	if !strings.HasPrefix(v, "{") {
		return "", false
	}
	found, ok := "", false
	i := jsonBlank(v, 1)
	for i < len(v) && v[i] == '"' {
		end := jsonEnd(v, i)
		var k string
		if json.Unmarshal([]byte(v[i:end]), &k) != nil {
			return "", false
		}
		start := jsonBlank(v, jsonBlank(v, end)+1) // past ':'
		end = jsonEnd(v, start)
		if k == key {
			found, ok = v[start:end], true
		}
		i = jsonBlank(v, jsonBlank(v, end)+1) // past ','
	}
	return found, ok
}

// jsonElement is the text of the element at index (negative: from the
// end) of the array v.
func jsonElement(v, index string) (string, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(index))
	if err != nil || !strings.HasPrefix(v, "[") {
		return "", false
	}
	var elems []string
	for i := jsonBlank(v, 1); i < len(v) && v[i] != ']'; {
		end := jsonEnd(v, i)
		elems = append(elems, v[i:end])
		i = jsonBlank(v, jsonBlank(v, end)+1) // past ','
	}
	if n < 0 {
		n += len(elems)
	}
	if n < 0 || n >= len(elems) {
		return "", false
	}
	return elems[n], true
}

// jsonBlank is the index of the first byte at or after i of v that is
// not JSON white space.
func jsonBlank(v string, i int) int {
	for i < len(v) && strings.IndexByte(" \t\n\r", v[i]) >= 0 {
		i++
	}
	return i
}

// jsonEnd is the index just past the JSON value starting at v[i].
func jsonEnd(v string, i int) int {
	depth, str := 0, false
	for j := i; j < len(v); j++ {
		c := v[j]
		switch {
		case str:
			if c == '\\' {
				j++
			} else if c == '"' {
				str = false
				if depth == 0 {
					return j + 1
				}
			}
		case c == '"':
			str = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return j // a scalar ends at its container's close
			}
			depth--
			if depth == 0 {
				return j + 1
			}
		case depth == 0 && strings.IndexByte(", \t\n\r:", c) >= 0:
			return j
		}
	}
	return len(v)
}

// jsonArrow reads -> or ->> at in[i] ("-", after an operand); it returns
// the operator macro that replaces it and the index of its last piece.
// The key or index after it may be any expression (a constant, a
// column, a parameter): the macro reads its type. A lambda (x -> x + 1,
// the engine's syntax: a name, or names in parentheses, as an argument
// of one of the engine's lambda functions) stays.
func jsonArrow(in []piece, i int, next func(int) int) (string, int, bool) {
	j := i + 1
	for j < len(in) && j-i <= 2 && in[j].text == ">" && in[j].start == in[j-1].start+1 {
		j++
	}
	if j == i+1 || j < len(in) && in[j].kind == 'p' && in[j].start == in[j-1].start+1 && strings.Contains("*/<>=~!@#%^&|`?", in[j].text) {
		return "", 0, false // not the operator, or a longer one
	}
	if k := next(j); k >= len(in) || j-i == 2 && lambdaArrow(in, i) {
		return "", 0, false
	}
	return " " + jsonOperatorMacros["-"+strings.Repeat(">", j-i-1)] + " ", j - 1, true
}

// lambdaFunctions are the engine's functions that take a lambda.
var lambdaFunctions = map[string]bool{
	"list_transform": true, "array_transform": true, "apply": true, "list_apply": true, "array_apply": true,
	"list_filter": true, "array_filter": true, "filter": true, "list_reduce": true, "array_reduce": true, "reduce": true,
}

// lambdaArrow reports whether the -> at in[i] is a lambda's: its left
// side is a name, or names in parentheses, that is a whole argument of
// one of lambdaFunctions.
func lambdaArrow(in []piece, i int) bool {
	k := prevNonSpace(in, i)
	if k < 0 {
		return false
	}
	if in[k].text == ")" {
		// (a, b) -> ...: names and commas back to the parenthesis
		for k = prevNonSpace(in, k); k >= 0 && in[k].text != "("; k = prevNonSpace(in, k) {
			if !in[k].isIdent() && in[k].text != "," {
				return false
			}
		}
	} else if !in[k].isIdent() {
		return false
	}
	b := prevNonSpace(in, k)
	if b < 0 || in[b].text != "(" && in[b].text != "," {
		return false
	}
	depth := 0
	for o := b; o >= 0; o-- {
		switch in[o].text {
		case ")", "]":
			depth++
		case "(", "[":
			if depth > 0 {
				depth--
				continue
			}
			f := prevNonSpace(in, o)
			return in[o].text == "(" && f >= 0 && lambdaFunctions[in[f].identName()]
		}
	}
	return false
}

// jsonDash reads what starts with - after an operand at in[i]: -> or ->>
// (jsonArrow, an operator) or jsonb's - (jsonbMinus, a call); it returns
// the replacement, its piece kind and the index of its last piece.
func jsonDash(in []piece, i int, out *[]piece, next func(int) int) (string, byte, int, bool) {
	if op, end, ok := jsonArrow(in, i, next); ok {
		return op, 'p', end, true
	}
	text, last, ok := jsonbMinus(in, i, out, next)
	return text, 'w', last, ok
}
