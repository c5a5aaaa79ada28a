package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// jsonb #- path deletes what the path names: an object's key, an array's
// element by index (negative from the end; out of range: nothing). The
// engine has no #- (a syntax error); the rewrite writes it as the
// operator macro |@~| (the engine reads no - or # in an
// operator of its own), which keeps #-'s precedence among the other
// operators, with a constant path ('{a}') as the list of its steps. As in
// Postgres a scalar fails first (22023), an empty object or array and an
// empty path give the value itself, and an array's step must be an
// integer (22P02). A path of more than one step is refused (0A000).

// jsonbDeletePathMacros are the engine macros of #-.
var jsonbDeletePathMacros = []string{
	`lakegate_jsonb_path_steps(p) AS CASE WHEN typeof(p) NOT LIKE '%[]' OR len(p) > 1 THEN error('` + JSONBDeletePath + `') ELSE p END`,
	`lakegate_jsonb_drop_at(a, n) AS to_json(list_filter(a, (e, i) -> i - 1 <> CASE WHEN n < 0 THEN len(a) + n ELSE n END))`,
	`lakegate_jsonb_delete_path(j, ps) AS CASE WHEN json_type(j) NOT IN ('OBJECT', 'ARRAY') THEN error('` + JSONBDeletePathScalar + `') ` +
		`WHEN json_type(j) = 'ARRAY' AND json_array_length(j) = 0 OR json_type(j) = 'OBJECT' AND json_keys(j) = [] OR len(ps) = 0 THEN j ` +
		`WHEN json_type(j) = 'OBJECT' THEN json_merge_patch(j, json_object(ps[1], NULL)) ` +
		`ELSE lakegate_jsonb_drop_at(CAST(j AS JSON[]), coalesce(TRY_CAST(ps[1] AS INTEGER), error('` + JSONBSetIndex + `'))) END`,
	`"|@~|"(j, p) AS CASE WHEN j IS NULL OR p IS NULL THEN NULL ` +
		`ELSE lakegate_jsonb(lakegate_jsonb_delete_path(CAST(j AS JSON), lakegate_jsonb_path_steps(p))) END`,
}

// Errors of #-.
const (
	JSONBDeletePathScalar = "cannot delete path in scalar"
	JSONBDeletePath       = "jsonb #- is supported with a text array path of one key or index only (a path like {a} or {0})"
)

// jsonbDeletePath reads #- at in[i] (the # piece): it returns the
// operator macro and, where the path is a string constant that is a text
// array, the list of its steps, and the index of the last piece it read.
func jsonbDeletePath(in []piece, i int, next func(int) int) (string, int, bool) {
	m := i + 1
	if m >= len(in) || in[m].text != "-" || in[m].start != in[i].start+1 {
		return "", 0, false
	}
	if m+1 < len(in) && in[m+1].kind == 'p' && in[m+1].start == in[m].start+1 && strings.Contains("*/<>=~!@#%^&|`?+-", in[m+1].text) {
		return "", 0, false // a longer operator
	}
	p := next(m + 1)
	if p >= len(in) {
		return "", 0, false
	}
	if in[p].kind == 's' {
		if c := next(p + 1); c < len(in) && in[c].text == "::" {
			return " |@~| ", m, true // a cast path: the engine reads it
		}
		v, ok := sqlparse.StringValue(in[p].text)
		if !ok {
			return "", 0, false
		}
		steps, ok := textArray(v)
		if !ok {
			return " |@~| ", m, true // refused by the macro
		}
		lits := make([]string, len(steps))
		for k, s := range steps {
			lits[k] = sqlparse.QuoteLiteral(s)
		}
		return "|@~| CAST([" + strings.Join(lits, ", ") + "] AS VARCHAR[])", p, true
	}
	return " |@~| ", m, true
}
