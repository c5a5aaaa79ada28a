package pgcatalog

// A numeric value in json and jsonb is written as Postgres writes the
// numeric, its scale's trailing zeros kept (to_jsonb(1.50) is 1.50); the
// engine's to_json writes a decimal as a double would (1.5). to_json and
// to_jsonb of a value, the json(b)_build_* values and json_agg's and
// json_object_agg's are written by lakegate_json_number: a decimal's text,
// another value's to_json. A decimal in a row (row_to_json) is still
// the engine's (README, differences). to_json is the engine's own
// function, which the macros call: a client's call is renamed
// lakegate_to_json (renamedFunctions).

// jsonNumberMacros write a value's json text.
var jsonNumberMacros = []string{
	`lakegate_json_number(v) AS CASE WHEN typeof(v) LIKE 'DECIMAL%' THEN CAST(v AS VARCHAR) ELSE CAST(to_json(v) AS VARCHAR) END`,
	`lakegate_to_json(v) AS CAST(lakegate_json_number(v) AS JSON)`,
}
