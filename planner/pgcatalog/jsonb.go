package pgcatalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// jsonb: the engine has one JSON type. A value becomes jsonb by a cast
// (x::jsonb, jsonb '...': lakegate_jsonb(x), the engine's JSON), or from
// to_jsonb, jsonb_build_object, jsonb_build_array and jsonb_agg (the
// json functions' macros); JSONBColumns finds the result columns that
// are jsonb, which the planner labels jsonb (3802) and the encoder writes
// normalized (internal/pgtypes.JSONBText). The operators:
//   - -> and ->> with a key or index, and #> and #>> with a path
//     ('{a,0}', a text array), constant or not, become operator macros
//     that give the part of the value's text as written (jsontext.go;
//     -> of a jsonb is jsonb); a jsonb's text is jsonb's (the functions
//     that build one normalize it: lakegate_jsonb), so its parts are
//     too, and so are the values of jsonb_each and
//     jsonb_array_elements; json_each and json_array_elements give
//     json's parts as written (lakegate_json_parts);
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
	`lakegate_jsonb(x) AS CAST(lakegate_jsonb_text(CAST(CAST(x AS JSON) AS VARCHAR)) AS JSON)`,
	`to_jsonb(x) AS lakegate_jsonb(lakegate_to_json(x))`,
	`lakegate_jsonb_contains(a, b) AS json_contains(CAST(a AS JSON), CAST(b AS JSON))`,
	`jsonb_agg(x) AS lakegate_jsonb(json_agg(x))`,
	// a NULL operand gives NULL, as the operators are strict
	`"|~|"(j, k) AS CASE WHEN j IS NULL OR k IS NULL THEN NULL ELSE CASE json_type(CAST(j AS JSON)) WHEN 'OBJECT' THEN list_contains(json_keys(CAST(j AS JSON)), k) ` +
		`WHEN 'ARRAY' THEN list_contains(list_transform(CAST(CAST(j AS JSON) AS JSON[]), e -> CASE WHEN json_type(e) = 'VARCHAR' THEN json_extract_string(e, '$') END), k) ` +
		`WHEN 'VARCHAR' THEN json_extract_string(CAST(j AS JSON), '$') = k ELSE false END END`,
	// ?| and ?& (the rewrite's operators): any, all of the keys
	`"|~!|"(j, ks) AS CASE WHEN j IS NULL OR ks IS NULL THEN NULL ELSE len(list_filter(ks, k -> "|~|"(j, k))) > 0 END`,
	`"|~&|"(j, ks) AS CASE WHEN j IS NULL OR ks IS NULL THEN NULL ELSE len(list_filter(ks, k -> "|~|"(j, k))) = len(ks) END`,
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
	// the set-returning functions of json and jsonb values: the planner
	// labels their value columns jsonb (JSONBColumns' table functions)
	// (a JSON null element is an SQL NULL to the engine's JSON[]: Postgres' null)
	// json's elements and members as written (lakegate_json_parts)
	`json_array_elements(j) AS TABLE SELECT CAST(e AS JSON) AS value FROM (SELECT unnest(CAST(CAST(lakegate_json_parts(` +
		`CAST(lakegate_json_kind(j, 'ARRAY', 'json_array_elements') AS VARCHAR), 'a') AS JSON) AS VARCHAR[])) AS e)`,
	`json_each(j) AS TABLE SELECT p[1] AS key, CAST(p[2] AS JSON) AS value FROM (SELECT unnest(CAST(CAST(lakegate_json_parts(` +
		`CAST(lakegate_json_kind(j, 'OBJECT', 'json_each') AS VARCHAR), 'o') AS JSON) AS VARCHAR[][])) AS p)`,
	`jsonb_array_elements(j) AS TABLE SELECT lakegate_jsonb(coalesce(e, CAST('null' AS JSON))) AS value FROM (SELECT unnest(CAST(lakegate_json_kind(j, 'ARRAY', 'jsonb_array_elements') AS JSON[])) AS e)`,
	`jsonb_each(j) AS TABLE SELECT key, lakegate_jsonb(coalesce(value, CAST('null' AS JSON))) AS value FROM json_each(lakegate_json_kind(j, 'OBJECT', 'jsonb_each')) ORDER BY strlen(key), key`,
	// jsonb_pretty as Postgres writes it where the engine's json_pretty
	// writes the same: keys in jsonb's order (one per object), integers,
	// ASCII text, no empty arrays (Postgres "[\n]"); other values fail
	`jsonb_pretty(j) AS CASE WHEN EXISTS (SELECT 1 FROM json_tree(CAST(j AS JSON)) t WHERE (t.type = 'OBJECT' AND len(json_keys(t.value)) <> 1) ` +
		`OR (t.type = 'ARRAY' AND json_array_length(t.value) = 0) OR t.type = 'DOUBLE' ` +
		`OR (t.type = 'VARCHAR' AND NOT regexp_full_match(CAST(t.value AS VARCHAR), '[\x20-\x5b\x5d-\x7e]*')) ` +
		`OR (t.key IS NOT NULL AND NOT regexp_full_match(t.key, '[\x20-\x21\x23-\x5b\x5d-\x7e]*'))) ` +
		`THEN error('` + JSONBPretty + `') ELSE json_pretty(CAST(j AS JSON)) END`,
	// j - key, j - index (the rewrite's calls, jsonbMinus)
	`lakegate_jsonb_scalar(j) AS CASE json_type(CAST(j AS JSON)) WHEN 'OBJECT' THEN CAST(j AS JSON) WHEN 'ARRAY' THEN CAST(j AS JSON) ` +
		`ELSE error('` + JSONBDeleteScalar + `') END`,
	`lakegate_jsonb_delete(j, k) AS lakegate_jsonb(CASE json_type(lakegate_jsonb_scalar(j)) WHEN 'OBJECT' THEN json_merge_patch(CAST(j AS JSON), json_object(CAST(k AS VARCHAR), NULL)) ` +
		`ELSE to_json(list_filter(CAST(CAST(j AS JSON) AS JSON[]), e -> json_type(e) <> 'VARCHAR' OR json_extract_string(e, '$') <> k)) END)`,
	`lakegate_jsonb_delete_keys(j, ks) AS lakegate_jsonb(CASE json_type(lakegate_jsonb_scalar(j)) WHEN 'OBJECT' THEN ` +
		`to_json(map_from_entries(list_transform(list_filter(json_keys(CAST(j AS JSON)), x -> NOT list_contains(ks, x)), ` +
		`x -> {'k': x, 'v': json_extract(CAST(j AS JSON), lakegate_json_step(x))}))) ` +
		`ELSE to_json(list_filter(CAST(CAST(j AS JSON) AS JSON[]), e -> json_type(e) <> 'VARCHAR' OR NOT list_contains(ks, json_extract_string(e, '$')))) END)`,
	`lakegate_jsonb_delete_index(j, n) AS lakegate_jsonb(CASE json_type(lakegate_jsonb_scalar(j)) WHEN 'OBJECT' THEN error('` + JSONBDeleteIndex + `') ` +
		`ELSE to_json(list_filter(CAST(CAST(j AS JSON) AS JSON[]), (e, i) -> i - 1 <> CASE WHEN n < 0 THEN json_array_length(CAST(j AS JSON)) + n ELSE n END)) END)`,
	// jsonb_set(target, path, value [, create_missing]) with a path of
	// one step: a key of an object, an index of an array (negative from
	// the end; out of range: added first or last)
	`lakegate_jsonb_step1(p) AS CASE WHEN regexp_full_match(CAST(p AS VARCHAR), '\{\s*[^,{}"\\\s]+\s*\}') THEN trim(trim(CAST(p AS VARCHAR), '{}')) ` +
		`ELSE error('` + JSONBSetPath + `') END`,
	`lakegate_jsonb_put(t, k, v) AS to_json(map_from_entries(list_append(list_transform(list_filter(json_keys(t), x -> x <> k), ` +
		`x -> {'k': x, 'v': json_extract(t, lakegate_json_step(x))}), {'k': k, 'v': v})))`,
	`lakegate_jsonb_set_at(a, i, v, c) AS CASE WHEN i >= 0 AND i < len(a) THEN to_json(list_transform(a, (e, n) -> CASE WHEN n - 1 = i THEN v ELSE e END)) ` +
		`WHEN NOT c THEN to_json(a) WHEN i < 0 THEN to_json(list_prepend(v, a)) ELSE to_json(list_append(a, v)) END`,
	`lakegate_jsonb_set(t, k, v, c) AS CASE json_type(t) ` +
		`WHEN 'OBJECT' THEN CASE WHEN c OR list_contains(json_keys(t), k) THEN lakegate_jsonb_put(t, k, v) ELSE t END ` +
		`WHEN 'ARRAY' THEN lakegate_jsonb_set_at(CAST(t AS JSON[]), coalesce(CASE WHEN TRY_CAST(k AS INTEGER) < 0 THEN json_array_length(t) + TRY_CAST(k AS INTEGER) ` +
		`ELSE TRY_CAST(k AS INTEGER) END, error('` + JSONBSetIndex + `')), v, c) ` +
		`ELSE error('` + JSONBSetScalar + `') END`,
	`jsonb_set(t, p, v) AS lakegate_jsonb(lakegate_jsonb_set(CAST(t AS JSON), lakegate_jsonb_step1(p), CAST(v AS JSON), true)), ` +
		`(t, p, v, c) AS lakegate_jsonb(lakegate_jsonb_set(CAST(t AS JSON), lakegate_jsonb_step1(p), CAST(v AS JSON), c))`,
}

// Errors of the jsonb macros, in Postgres' words where Postgres fails too.
const (
	JSONBDeleteScalar = "cannot delete from scalar"
	JSONBDeleteIndex  = "cannot delete from object using integer index"
	JSONBSetScalar    = "cannot set path in scalar"
	JSONBSetIndex     = "path element at position 1 is not an integer"
	JSONBPretty       = "jsonb_pretty is supported for values whose objects have one key, without empty arrays, with ASCII text, integers, true, false and null only"
	JSONBSetPath      = "jsonb_set is supported with a constant path of one key or index only (a path like {a} or {0})"
)

// JSONValueText is the error of a *_text function meeting a value whose
// Postgres text lakegate cannot give.
const JSONValueText = "json and jsonb *_text functions of a nested value or a number with a fraction or exponent are not supported"

// JSONTableFunctions are the set-returning json functions of the macros
// above, which callers may use as table functions.
var JSONTableFunctions = []string{
	"json_array_elements", "jsonb_array_elements", "jsonb_each", "json_each_text", "jsonb_each_text", "json_array_elements_text", "jsonb_array_elements_text", "json_object_keys", "jsonb_object_keys",
}

// jsonbFunctions are the calls whose value is jsonb.
var jsonbFunctions = map[string]bool{
	"lakegate_jsonb": true, "to_jsonb": true, "jsonb_build_object": true, "jsonb_build_array": true, "jsonb_agg": true,
	"jsonb_set": true, "lakegate_jsonb_nullif": true, "lakegate_jsonb_delete": true, "lakegate_jsonb_delete_index": true, "lakegate_jsonb_delete_keys": true,
	"lakegate_jsonb_guard": true, "lakegate_jsonb_concat": true, "|@~|": true,
}

// isJSONB reports whether e's value is jsonb; from are the jsonb value
// columns in scope (nil for none).
func isJSONB(e tree.Expr, from *jsonbFrom) bool {
	switch e := e.(type) {
	case *tree.ColumnRef:
		return from.column(e)
	case *tree.Function:
		if jsonbFunctions[strings.ToLower(e.FunctionName)] {
			return true
		}
		if (e.FunctionName == "->" || e.FunctionName == "|->|" || e.FunctionName == "|@->|" || e.FunctionName == "|~>|" ||
			strings.EqualFold(e.FunctionName, "nullif")) && len(e.Children) > 0 {
			return isJSONB(e.Children[0], from)
		}
	case *tree.Lambda:
		// j -> k: the engine's parser reads the operator as a lambda
		return isJSONB(e.Lhs, from)
	case *tree.Window:
		// a window function giving its argument's values
		switch strings.ToLower(e.FunctionName) {
		case "first_value", "last_value", "nth_value", "lag", "lead":
			return e.Schema == "" && len(e.Children) > 0 && isJSONB(e.Children[0], from)
		}
	case *tree.Case, *tree.Operator:
		// nullif(j, x) is j's type
		if o, ok := e.(*tree.Operator); ok && o.Type == "OPERATOR_NULLIF" && len(o.Children) > 0 {
			return isJSONB(o.Children[0], from)
		}
		// CASE and coalesce (jsonbflow.go)
		if branches, ok := CaseBranches(e); ok {
			return jsonbBranchKind(branches, from) == jsonbYes
		}
	case *tree.Subquery:
		// a scalar subquery of a jsonb column (jsonbflow.go)
		if e.SubqueryType == "SCALAR" && e.Subquery != nil {
			kinds := queryJSONBKinds(e.Subquery.Node, from)
			return len(kinds) == 1 && kinds[0] == jsonbYes
		}
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
	if in[i].text == "#" {
		if op, end, ok := jsonbDeletePath(in, i, next); ok {
			return op, end, true // jsonbdeletepath.go
		}
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
		// the operator macro (jsontext.go) reads the path: a constant
		// ('{a,0}'), or any expression of a text array
		if j < len(in) && in[j].kind == 'p' && in[j].start == in[j-1].start+1 && strings.Contains("*/<>=~!@#%^&|`?", in[j].text) {
			return "", 0, false // a longer operator
		}
		p := next(j)
		if p >= len(in) {
			return "", 0, false
		}
		if in[p].kind != 's' {
			return " " + jsonOperatorMacros[op.String()] + " ", j - 1, true
		}
		if v, ok := sqlparse.StringValue(in[p].text); !ok {
			return "", 0, false
		} else if _, ok := textArray(v); !ok {
			return "", 0, false
		}
		return jsonOperatorMacros[op.String()] + " " + in[p].text, p, true
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

// jsonbMinus reads j - k at in[i] ("-"), j ending out: where j is a jsonb
// cast (lakegate_jsonb(...)) and k a string constant (a key) or an
// integer constant (an index), it takes j from out and returns the call that replaces them and
// the index of k's last piece. Another - is the engine's.
func jsonbMinus(in []piece, i int, out *[]piece, next func(int) int) (string, int, bool) {
	r := next(i + 1)
	if r >= len(in) {
		return "", 0, false
	}
	var call, arg string
	last := r
	switch {
	case in[r].kind == 'n' || in[r].text == "-" && next(r+1) < len(in) && in[next(r+1)].kind == 'n':
		if in[r].text == "-" {
			last = next(r + 1)
			arg = "-"
		}
		if strings.Trim(in[last].text, "0123456789") != "" {
			return "", 0, false
		}
		call, arg = "lakegate_jsonb_delete_index", arg+in[last].text
	case in[r].kind == 's':
		call, arg = "lakegate_jsonb_delete", in[r].text
		if c := next(r + 1); c < len(in) && in[c].text == "::" {
			return "", 0, false // a cast: left to the engine
		}
	case in[r].text == "[":
		// j - '{a,b}'::text[] after the literal rewrite: ['a', 'b']::text[]
		b := matchBracket(in, r)
		if b < 0 {
			return "", 0, false
		}
		c := next(b + 1)
		t := next(c + 1)
		o := next(t + 1)
		e := next(o + 1)
		if e >= len(in) || in[c].text != "::" || in[t].identName() != "text" || in[o].text != "[" || in[e].text != "]" {
			return "", 0, false
		}
		var list strings.Builder
		for _, p := range in[r : b+1] {
			list.WriteString(p.text)
		}
		call, arg, last = "lakegate_jsonb_delete_keys", "CAST("+list.String()+" AS VARCHAR[])", e
	default:
		return "", 0, false
	}
	if c := next(last + 1); c < len(in) && (in[c].text == "::" || in[c].text == "[" || in[c].text == "^") {
		return "", 0, false // the operand goes on: left to the engine
	}
	saved := slices.Clone(*out)
	left, _ := popOperand(out)
	if !strings.HasPrefix(left, "lakegate_jsonb(") {
		*out = saved
		return "", 0, false
	}
	return call + "(" + left + ", " + arg + ")", last, true
}

// jsonbFrom are the value columns of the jsonb table functions a SELECT
// reads in FROM (jsonb_array_elements, jsonb_each; alone or in joins):
// the engine's JSON there holds jsonb's text (the macros write it so).
// star is what * gives where the FROM is one such call.
type jsonbFrom struct {
	star []uint32
	// starNames are the names of star's columns
	starNames []string
	// names are the value columns: "value", and qualified "e.value"
	names map[string]bool
	// arrays are the jsonb[] columns (of a subquery or CTE), named so
	arrays map[string]bool
	// outer is the scope of the query a subquery is in (nil for none)
	outer *jsonbFrom
}

// jsonbFromColumns reads the FROM of a SELECT; nil where it holds no
// jsonb table function.
func jsonbFromColumns(root tree.QueryNode) *jsonbFrom {
	sel, ok := root.(*tree.SelectNode)
	if !ok {
		return nil
	}
	from := &jsonbFrom{names: map[string]bool{}, arrays: map[string]bool{}}
	var walk func(r tree.TableRef)
	walk = func(r tree.TableRef) {
		switch r := r.(type) {
		case *tree.Join:
			walk(r.Left)
			walk(r.Right)
		case *tree.TableFunction:
			f, ok := r.Function.(*tree.Function)
			if !ok || f.Schema != "" {
				return
			}
			name := strings.ToLower(f.FunctionName)
			var cols []string
			var star []uint32
			switch name {
			case "jsonb_array_elements":
				cols, star = []string{"value"}, []uint32{pgtypes.OIDJSONB}
			case "jsonb_each":
				cols, star = []string{"key", "value"}, []uint32{0, pgtypes.OIDJSONB}
			default:
				return
			}
			copy(cols, r.ColumnNameAlias)
			col := strings.ToLower(cols[len(cols)-1])
			table := name
			if r.Alias != "" {
				table = strings.ToLower(r.Alias)
			}
			from.names[col], from.names[table+"."+col] = true, true
			if sel.FromTable == tree.TableRef(r) {
				from.star, from.starNames = star, cols
			}
		case *tree.SubqueryRef:
			// a subquery's (or VALUES') jsonb columns, by the names
			// the alias gives them
			if r.Subquery != nil && r.Alias != "" {
				from.add(r.Alias, jsonbQueryColumns(r.Subquery.Node), r.ColumnNameAlias, from.names)
				from.add(r.Alias, queryColumnsOfKind(r.Subquery.Node, jsonbArrayYes), r.ColumnNameAlias, from.arrays)
			}
		case *tree.BaseTable:
			// a CTE of this SELECT
			if r.SchemaName != "" || r.CatalogName != "" {
				return
			}
			for _, c := range sel.CTEMap.Map {
				if c.Value == nil || c.Value.Query == nil || !strings.EqualFold(c.Key, r.TableName) {
					continue
				}
				aliases := c.Value.Aliases
				if len(r.ColumnNameAlias) > 0 {
					aliases = r.ColumnNameAlias
				}
				from.add(cmp.Or(r.Alias, r.TableName), jsonbQueryColumns(c.Value.Query.Node), aliases, from.names)
				from.add(cmp.Or(r.Alias, r.TableName), queryColumnsOfKind(c.Value.Query.Node, jsonbArrayYes), aliases, from.arrays)
			}
		}
	}
	walk(sel.FromTable)
	if len(from.names) == 0 && len(from.arrays) == 0 {
		return nil
	}
	return from
}

// add names the jsonb (or jsonb[]) columns of a FROM item (table) in
// set: cols as jsonbQueryColumns gives them, renamed by aliases.
func (f *jsonbFrom) add(table string, cols, aliases []string, set map[string]bool) {
	for i, name := range cols {
		if name == "" {
			continue
		}
		if i < len(aliases) {
			name = aliases[i]
		}
		if name = strings.ToLower(name); name != "?" {
			set[name], set[strings.ToLower(table)+"."+name] = true, true
		}
	}
}

// jsonbQueryColumns gives, for each result column of q (a SELECT or a
// set operation, named by its first SELECT), its name where it is jsonb
// ("?" where it has none), "" where it is not.
func jsonbQueryColumns(q tree.QueryNode) []string { return queryColumnsOfKind(q, jsonbYes) }

// queryColumnsOfKind is jsonbQueryColumns for the columns of kind.
func queryColumnsOfKind(q tree.QueryNode, kind jsonbKind) []string {
	kinds := queryJSONBKinds(q, nil)
	sel := leftmostSelect(q)
	if sel == nil {
		return nil
	}
	list := selectItems(sel)
	var starNames []string
	if plainStar(list) {
		starNames = starColumnNames(sel)
	}
	out := make([]string, len(kinds))
	for i, k := range kinds {
		switch {
		case k != kind:
		case i < len(starNames):
			out[i] = starNames[i]
		case i < len(list):
			out[i] = queryColumnName(list[i])
		default:
			out[i] = "?"
		}
	}
	return out
}

// column reports whether c is one of the value columns.
func (f *jsonbFrom) column(c *tree.ColumnRef) bool {
	if f == nil {
		return false
	}
	return named(f.names, c) || f.outer.column(c)
}

// arrayColumn reports whether c is one of the jsonb[] columns.
func (f *jsonbFrom) arrayColumn(c *tree.ColumnRef) bool {
	if f == nil {
		return false
	}
	return named(f.arrays, c) || f.outer.arrayColumn(c)
}

// named reports whether set holds c's name (qualified, if c is).
func named(set map[string]bool, c *tree.ColumnRef) bool {
	n := len(c.ColumnNames)
	if n == 0 {
		return false
	}
	name := strings.ToLower(c.ColumnNames[n-1])
	if n == 1 {
		return set[name]
	}
	return set[strings.ToLower(c.ColumnNames[n-2])+"."+name]
}

// jsonbTypeofs renames pg_typeof(x) to lakegate_pg_typeof_jsonb(x) in
// out where x is a jsonb value: a jsonb cast or constant (the rewrite's
// lakegate_jsonb(...)) or a call of a jsonb function, or a chain of ||
// of such values and string constants (jsonb's ||, JSONBConcats). The
// engine's type of both is its JSON, which pg_typeof names json.
func jsonbTypeofs(out []piece) []piece {
	for i := range out {
		if out[i].kind != 'w' || out[i].identName() != "pg_typeof" {
			continue
		}
		o := nextSig(out, i+1)
		if o >= len(out) || out[o].text != "(" {
			continue
		}
		if c := matchParenIn(out, o); c > 0 && jsonbChain(out[o+1:c]) {
			out[i].text = "lakegate_pg_typeof_jsonb"
		}
	}
	return out
}

// jsonbChain reports whether the pieces are one jsonb value, or jsonb
// values and string constants joined by ||, with a jsonb value among them.
func jsonbChain(in []piece) bool {
	jsonb, want := false, true // want: an operand comes next
	for k := nextSig(in, 0); k < len(in); k = nextSig(in, k+1) {
		p := in[k]
		switch {
		case !want && p.text == "|" && k+1 < len(in) && in[k+1].text == "|":
			k++
			want = true
		case !want && p.text == "||":
			want = true
		case want && p.kind == 's':
			want = false
		case want && p.kind == 'w':
			name, _, _ := strings.Cut(p.text, "(")
			if !jsonbFunctions[strings.ToLower(name)] {
				return false
			}
			if !strings.HasSuffix(p.text, ")") {
				a := nextSig(in, k+1)
				if a >= len(in) || in[a].text != "(" {
					return false
				}
				if k = matchParenIn(in, a); k < 0 {
					return false
				}
			}
			jsonb, want = true, false
		default:
			return false
		}
	}
	return jsonb && !want
}
