package pgcatalog

import (
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// jsonb: the engine has one JSON type. A value becomes jsonb by a cast
// (x::jsonb, jsonb '...': lakegate_jsonb(x), the engine's JSON), or from
// to_jsonb, jsonb_build_object, jsonb_build_array and jsonb_agg (the
// json functions' macros); JSONBColumns finds the result columns that
// are jsonb, which the planner labels jsonb (3802) and the encoder writes
// normalized (internal/pgtypes.JSONBText). The operators:
//   - -> and ->> are the engine's (-> of a jsonb is jsonb);
//   - #> and #>> with a constant path ('{a,0}') become -> and ->> with
//     the JSON pointer of the path ('/a/0': a key or an array index, as
//     Postgres reads each step by what it meets);
//   - ? (a key of an object, a string of an array) becomes the operator
//     macro |~| (the engine reads ? as a parameter);
//   - a @> b and a <@ b where an operand is a jsonb cast or constant
//     become lakegate_jsonb_contains (the engine's json_contains); the
//     engine's @> of lists stays;
//   - ?| and ?& (any, all of a text array's keys) become |~!| and |~&|.
//     - is not translated: it fails where the engine has no operator for
//     JSON (README, differences).

// jsonbMacros are the engine macros of jsonb.
var jsonbMacros = []string{
	`lakegate_jsonb(x) AS CAST(x AS JSON)`,
	`to_jsonb(x) AS to_json(x)`,
	`lakegate_jsonb_contains(a, b) AS json_contains(CAST(a AS JSON), CAST(b AS JSON))`,
	`jsonb_agg(x) AS json_agg(x)`,
	`"|~|"(j, k) AS CASE json_type(CAST(j AS JSON)) WHEN 'OBJECT' THEN list_contains(json_keys(CAST(j AS JSON)), k) ` +
		`WHEN 'ARRAY' THEN list_contains(list_transform(CAST(CAST(j AS JSON) AS JSON[]), e -> CASE WHEN json_type(e) = 'VARCHAR' THEN json_extract_string(e, '$') END), k) ` +
		`WHEN 'VARCHAR' THEN json_extract_string(CAST(j AS JSON), '$') = k ELSE false END`,
	// ?| and ?& (the rewrite's operators): any, all of the keys
	`"|~!|"(j, ks) AS len(list_filter(ks, k -> "|~|"(j, k))) > 0`,
	`"|~&|"(j, ks) AS len(list_filter(ks, k -> "|~|"(j, k))) = len(ks)`,
	`jsonb_typeof(j) AS json_typeof(j)`,
	// a value's text as the *_text functions give it: a string's
	// characters, NULL for null; the engine writes numbers anew (1.50 as
	// 1.5), so only integers are given, and nested values (written
	// without Postgres' spacing) are refused
	`lakegate_json_text(v) AS CASE WHEN v IS NULL THEN NULL ELSE CASE json_type(v) WHEN 'VARCHAR' THEN json_extract_string(v, '$') WHEN 'NULL' THEN NULL ` +
		`WHEN 'BOOLEAN' THEN CAST(v AS VARCHAR) WHEN 'BIGINT' THEN CAST(v AS VARCHAR) WHEN 'UBIGINT' THEN CAST(v AS VARCHAR) ` +
		`ELSE error('` + JSONValueText + `') END END`,
	// json_extract_path_text(j, a, b...): ->> with the JSON pointer of the
	// path (a key or an array index, as #>> reads it)
	`lakegate_json_step(s) AS '/' || replace(replace(CAST(s AS VARCHAR), '~', '~0'), '/', '~1')`,
	`json_extract_path_text(j, a) AS CAST(j AS JSON) ->> lakegate_json_step(a), ` +
		`(j, a, b) AS CAST(j AS JSON) ->> (lakegate_json_step(a) || lakegate_json_step(b)), ` +
		`(j, a, b, c) AS CAST(j AS JSON) ->> (lakegate_json_step(a) || lakegate_json_step(b) || lakegate_json_step(c))`,
	`jsonb_extract_path_text(j, a) AS json_extract_path_text(j, a), (j, a, b) AS json_extract_path_text(j, a, b), ` +
		`(j, a, b, c) AS json_extract_path_text(j, a, b, c)`,
	// the set-returning *_text functions and the keys of an object
	`lakegate_json_kind(j, kind, fn) AS CASE WHEN json_type(CAST(j AS JSON)) <> kind ` +
		`THEN error('cannot call ' || fn || ' on ' || CASE json_type(CAST(j AS JSON)) WHEN 'ARRAY' THEN 'an array' WHEN 'OBJECT' THEN 'an object' ELSE 'a scalar' END) ` +
		`ELSE CAST(j AS JSON) END`,
	`json_each_text(j) AS TABLE SELECT key, lakegate_json_text(value) AS value FROM json_each(lakegate_json_kind(j, 'OBJECT', 'json_each_text'))`,
	`jsonb_each_text(j) AS TABLE SELECT key, lakegate_json_text(value) AS value FROM json_each(lakegate_json_kind(j, 'OBJECT', 'jsonb_each_text')) ` +
		`ORDER BY strlen(key), key`,
	`json_array_elements_text(j) AS TABLE SELECT lakegate_json_text(e) AS value FROM (SELECT unnest(CAST(lakegate_json_kind(j, 'ARRAY', 'json_array_elements_text') AS JSON[])) AS e)`,
	`jsonb_array_elements_text(j) AS TABLE SELECT lakegate_json_text(e) AS value FROM (SELECT unnest(CAST(lakegate_json_kind(j, 'ARRAY', 'jsonb_array_elements_text') AS JSON[])) AS e)`,
	`json_object_keys(j) AS TABLE SELECT unnest(json_keys(lakegate_json_kind(j, 'OBJECT', 'json_object_keys'))) AS json_object_keys`,
	// jsonb's keys are unique, shorter ones first (jsonb_each_text too)
	`jsonb_object_keys(j) AS TABLE SELECT DISTINCT k AS jsonb_object_keys FROM (SELECT unnest(json_keys(lakegate_json_kind(j, 'OBJECT', 'jsonb_object_keys'))) AS k) ` +
		`ORDER BY strlen(k), k`,
}

// JSONValueText is the error of a *_text function meeting a value whose
// Postgres text lakegate cannot give.
const JSONValueText = "json and jsonb *_text functions of a nested value or a number with a fraction or exponent are not supported"

// JSONTableFunctions are the set-returning json functions of the macros
// above, which callers may use as table functions.
var JSONTableFunctions = []string{
	"json_each_text", "jsonb_each_text", "json_array_elements_text", "jsonb_array_elements_text", "json_object_keys", "jsonb_object_keys",
}

// jsonbFunctions are the calls whose value is jsonb.
var jsonbFunctions = map[string]bool{
	"lakegate_jsonb": true, "to_jsonb": true, "jsonb_build_object": true, "jsonb_build_array": true, "jsonb_agg": true,
}

// isJSONB reports whether e's value is jsonb.
func isJSONB(e tree.Expr) bool {
	switch e := e.(type) {
	case *tree.Function:
		if jsonbFunctions[strings.ToLower(e.FunctionName)] {
			return true
		}
		if e.FunctionName == "->" && len(e.Children) > 0 {
			return isJSONB(e.Children[0])
		}
	case *tree.Lambda:
		// j -> k: the engine's parser reads the operator as a lambda
		return isJSONB(e.Lhs)
	}
	return false
}

// jsonbOperator reads a ? or #> / #>> operator at in[i] (prev is the
// piece before it); it returns its replacement and the index of its last
// piece (the path's, for #>).
func jsonbOperator(in []piece, i int, prev *piece, next func(int) int) (string, int, bool) {
	if !isOperand(prev) {
		return "", 0, false
	}
	j := i
	var op strings.Builder
	for j < len(in) && in[j].kind == 'p' && len(in[j].text) == 1 && strings.Contains("#>?|&", in[j].text) {
		if j > i && in[j].start != in[j-1].start+1 {
			break
		}
		op.WriteString(in[j].text)
		j++
	}
	switch op.String() {
	case "?":
		return "|~|", i, true
	case "?|", "?&":
		name := map[string]string{"?|": "|~!|", "?&": "|~&|"}[op.String()]
		// a text array constant: '{a,b}'
		if p := next(j); p < len(in) && in[p].kind == 's' {
			if v, ok := sqlparse.StringValue(in[p].text); ok {
				if keys, ok := textArray(v); ok {
					lits := make([]string, len(keys))
					for k, key := range keys {
						lits[k] = sqlparse.QuoteLiteral(key)
					}
					return name + " [" + strings.Join(lits, ", ") + "]", p, true
				}
			}
		}
		return name, j - 1, true
	case "#>", "#>>":
		p := next(j)
		if p >= len(in) || in[p].kind != 's' {
			return "", 0, false
		}
		v, ok := sqlparse.StringValue(in[p].text)
		if !ok {
			return "", 0, false
		}
		steps, ok := textArray(v)
		if !ok {
			return "", 0, false
		}
		var ptr strings.Builder
		for _, s := range steps {
			ptr.WriteString("/" + strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1"))
		}
		return "-" + op.String()[1:] + " " + sqlparse.QuoteLiteral(ptr.String()), p, true
	}
	return "", 0, false
}

// textArray reads a text array constant without quotes or NULLs: {a,b}.
func textArray(v string) ([]string, bool) {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "{") || !strings.HasSuffix(v, "}") || strings.ContainsAny(v[1:len(v)-1], `{}"\`) {
		return nil, false
	}
	if strings.TrimSpace(v[1:len(v)-1]) == "" {
		return nil, true
	}
	steps := strings.Split(v[1:len(v)-1], ",")
	for i, s := range steps {
		steps[i] = strings.TrimSpace(s)
		if strings.EqualFold(steps[i], "null") {
			return nil, false
		}
	}
	return steps, true
}

// jsonbContains reads a @> b or a <@ b at in[i] ("@" or "<"), a ending
// out: where a is a jsonb cast (lakegate_jsonb(...)) and b a string
// constant or one, it takes a from out and returns the call that
// replaces them and the index of b's last piece.
func jsonbContains(in []piece, i int, out *[]piece, next func(int) int) (string, int, bool) {
	if i+1 >= len(in) || in[i+1].start != in[i].start+1 {
		return "", 0, false
	}
	op := in[i].text + in[i+1].text
	if op != "@>" && op != "<@" {
		return "", 0, false
	}
	if i+2 < len(in) && in[i+2].kind == 'p' && in[i+2].start == in[i+1].start+1 {
		return "", 0, false // a longer operator
	}
	r := next(i + 2)
	if r >= len(in) {
		return "", 0, false
	}
	right, last := in[r].text, r
	switch {
	case in[r].kind == 's':
	case in[r].identName() == "lakegate_jsonb" || in[r].identName() == "jsonb":
		o := next(r + 1)
		if in[r].identName() == "jsonb" {
			if o >= len(in) || in[o].kind != 's' {
				return "", 0, false
			}
			right, last = "lakegate_jsonb("+in[o].text+")", o
			break
		}
		c := matchParenIn(in, o)
		if o >= len(in) || in[o].text != "(" || c < 0 {
			return "", 0, false
		}
		var b strings.Builder
		for _, p := range in[r : c+1] {
			b.WriteString(p.text)
		}
		right, last = b.String(), c
	default:
		return "", 0, false
	}
	if c := next(last + 1); c < len(in) && in[c].text == "::" {
		if t := next(c + 1); t < len(in) && in[t].identName() == "jsonb" {
			right, last = "lakegate_jsonb("+right+")", t
		} else {
			return "", 0, false
		}
	}
	saved := slices.Clone(*out)
	left, _ := popOperand(out)
	if !strings.HasPrefix(left, "lakegate_jsonb(") && !strings.HasPrefix(right, "lakegate_jsonb(") {
		*out = saved
		return "", 0, false
	}
	if op == "<@" {
		left, right = right, left
	}
	return "lakegate_jsonb_contains(" + left + ", " + right + ")", last, true
}
