package pgcatalog

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

// Postgres' json keeps the text it was given, and its ->, ->>, #> and
// #>> give the part of that text they select, as written ('{"a": [1,
// 2]}'::json -> 'a' is [1, 2]); the engine's operators write the part
// compact ([1,2]). The engine's JSON keeps its text too, so the rewrite
// makes j -> k, j ->> k (k a string or integer constant) and j #> p,
// j #>> p (p a constant path) the operator macros |->|, |->>|, |~>| and
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
	`"|~>|"(j, p) AS CAST(lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), CAST(p AS VARCHAR), 'p', 'j')) AS JSON)`,
	`"|~>>|"(j, p) AS lakegate_json_answer(lakegate_json_field(CAST(j AS VARCHAR), CAST(p AS VARCHAR), 'p', 't'))`,
}

// jsonOperatorMacros name the macros of the operators, for the rewrite.
var jsonOperatorMacros = map[string]string{"->": "|->|", "->>": "|->>|", "#>": "|~>|", "#>>": "|~>>|"}

// jsonField is lakegate_json_field(doc, selector, how, as): the part of
// the JSON text doc that selector picks (how: "k" a key, "i" an index,
// "p" a path constant like {a,0}), as JSON text (as "j") or as Postgres'
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

// jsonArrow reads -> or ->> at in[i] ("-", after an operand) followed by
// a string or integer constant (a negative one too); it returns the
// operator macro that replaces it and the index of its last piece. A
// lambda (x -> x + 1, the engine's syntax) has no constant body and
// stays.
func jsonArrow(in []piece, i int, next func(int) int) (string, int, bool) {
	j := i + 1
	for j < len(in) && j-i <= 2 && in[j].text == ">" && in[j].start == in[j-1].start+1 {
		j++
	}
	if j == i+1 {
		return "", 0, false
	}
	k := next(j)
	if k < len(in) && in[k].text == "-" {
		k = next(k + 1)
	}
	if k >= len(in) || !(in[k].kind == 's' || in[k].kind == 'n' && strings.Trim(in[k].text, "0123456789") == "") {
		return "", 0, false
	}
	return " " + jsonOperatorMacros["-"+strings.Repeat(">", j-i-1)] + " ", j - 1, true
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
