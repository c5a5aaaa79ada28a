package pgcatalog

import (
	"strings"
)

// How Postgres writes and computes values where the engine's built-ins
// answer otherwise, as engine macros next to builtins.go's (same rules:
// a macro of a built-in's name shadows it and calls it qualified; an
// error is raised in Postgres' words or, where lakegate cannot give
// Postgres' answer, as a refusal the server sends as 0A000):
//   - text of a float (x::text, format's %s): Postgres writes the
//     shortest digits that read back, without ".0" and with an exponent
//     from 1e+15 (float4: 1e+06) and below 1e-04; the engine writes 1.0
//     and 1000000000000000.0;
//   - upper and lower: lakegate's database has the C locale
//     (lc_ctype), where Postgres changes the case of ASCII letters only;
//   - format(): its template is taken apart by the rewrite (format.go)
//     into these value writers and quoting functions;
//   - a set-returning generate_series in a select list
//     (lakegate_series): one row per value, typed as Postgres types it
//     (int4 from int4 bounds, timestamptz from dates);
//   - numeric results whose scale Postgres chooses per value: avg,
//     stddev and variance of integers and numerics. The engine's decimal
//     has one scale per column, so these are refused (README,
//     differences) rather than answered with another scale or as float8.
//     Division with a numeric operand is still the engine's float8
//     (refusing it broke too much: x / 8.0 inside a cast, clients'
//     scripts); README lists it.
var valueMacros = []string{
	`lakegate_float_exp(g, i, f) AS g || left(rtrim(i || f, '0'), 1) || ` +
		`CASE WHEN length(rtrim(i || f, '0')) > 1 THEN '.' || substr(rtrim(i || f, '0'), 2) ELSE '' END || ` +
		`'e+' || lpad(CAST(length(i) - 1 AS VARCHAR), 2, '0')`,
	`lakegate_float_fixed(t, p) AS CASE WHEN length(regexp_extract(t, '^-?([0-9]+)', 1)) > p ` +
		`THEN lakegate_float_exp(CASE WHEN starts_with(t, '-') THEN '-' ELSE '' END, regexp_extract(t, '^-?([0-9]+)', 1), regexp_extract(t, '\.([0-9]+)$', 1)) ` +
		`ELSE t END`,
	// s is the engine's text of a float, p the largest decimal exponent
	// Postgres writes without an exponent plus one (15 for float8, 6 for float4)
	`lakegate_float_text(s, p) AS CASE WHEN s = 'inf' THEN 'Infinity' WHEN s = '-inf' THEN '-Infinity' ` +
		`WHEN s IN ('nan', '-nan') THEN 'NaN' WHEN contains(s, 'e') THEN s ELSE lakegate_float_fixed(regexp_replace(s, '\.0$', ''), p) END`,
	// x::text
	// (an array, a row or a map: refused, their engine text is not
	// Postgres'; ARRAY[...]::text is lakegate_array_text's)
	`lakegate_text(x) AS CASE typeof(x) WHEN 'DOUBLE' THEN lakegate_float_text(CAST(x AS VARCHAR), 15) ` +
		`WHEN 'FLOAT' THEN lakegate_float_text(CAST(x AS VARCHAR), 6) ELSE CASE WHEN typeof(x) LIKE '%[]' OR typeof(x) LIKE 'STRUCT%' OR typeof(x) LIKE 'MAP%' ` +
		`THEN error('` + ArrayText + `') ELSE CAST(x AS VARCHAR) END END`,
	// x::varchar, CAST(x AS varchar): the same text, typed varchar
	// (CharacterColumns)
	`lakegate_varchar_text(x) AS lakegate_text(x)`,
	// a value as its type's output function writes it (format's %s and %L)
	`lakegate_out(x) AS CASE WHEN typeof(x) = 'BOOLEAN' THEN left(CAST(x AS VARCHAR), 1) ` +
		`WHEN typeof(x) LIKE '%[]' OR typeof(x) LIKE 'STRUCT%' OR typeof(x) LIKE 'MAP%' THEN error('` + FormatValue + `') ELSE lakegate_text(x) END`,
	// an array's text as Postgres writes it: {a,"b c",NULL}; an element
	// quoted where it is empty, NULL or holds a blank, a brace, a comma,
	// a quote or a backslash (those two escaped)
	`lakegate_array_elem(s) AS CASE WHEN s IS NULL THEN 'NULL' WHEN s = '' OR upper(s) = 'NULL' OR regexp_matches(s, '[{}",\\\s]') ` +
		`THEN '"' || replace(replace(s, '\', '\\'), '"', '\"') || '"' ELSE s END`,
	`lakegate_array_text(x) AS CASE WHEN x IS NULL THEN NULL ELSE '{' || coalesce(array_to_string(list_transform(x, lambda e: lakegate_array_elem(lakegate_out(e))), ','), '') || '}' END`,
	`upper(s) AS translate(CAST(s AS VARCHAR), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')`,
	`lower(s) AS translate(CAST(s AS VARCHAR), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`,
	`lakegate_ident_text(s) AS CASE WHEN regexp_full_match(s, '[a-z_][a-z0-9_$]*') AND s NOT IN (` + quotedKeywords() + `) ` +
		`THEN s ELSE '"' || replace(s, '"', '""') || '"' END`,
	`lakegate_literal_text(s) AS CASE WHEN contains(s, '\') THEN 'E''' || replace(replace(s, '\', '\\'), '''', '''''') || '''' ` +
		`ELSE '''' || replace(s, '''', '''''') || '''' END`,
	`quote_ident(s) AS CAST(lakegate_ident_text(CAST(s AS VARCHAR)) AS VARCHAR)`,
	`quote_literal(s) AS CAST(lakegate_literal_text(lakegate_out(s)) AS VARCHAR)`,
	`quote_nullable(s) AS coalesce(lakegate_literal_text(lakegate_out(s)), 'NULL')`,
	// format's %I and %L
	`lakegate_format_ident(s) AS CASE WHEN s IS NULL THEN error('` + FormatNullIdent + `') ELSE lakegate_ident_text(lakegate_out(s)) END`,
	`lakegate_format_literal(s) AS coalesce(lakegate_literal_text(lakegate_out(s)), 'NULL')`,
	`lakegate_format(s) AS s`,
	`lakegate_numeric_constant(x) AS x`,
	`lakegate_format_refused() AS CAST(CASE WHEN random() >= 0 THEN error('` + FormatUnsupported + `') END AS VARCHAR)`,
	`lakegate_bit_refused() AS CAST(CASE WHEN random() >= 0 THEN error('` + BitStrings + `') END AS VARCHAR)`,
	`lakegate_format_args() AS CAST(CASE WHEN random() >= 0 THEN error('` + FormatTooFewArgs + `') END AS VARCHAR)`,
	// a %ns (right-aligned) or %-ns (left-aligned) field: padded, never cut
	`lakegate_format_width(s, n) AS CASE WHEN s IS NULL OR length(s) >= abs(n) THEN s WHEN n < 0 THEN rpad(s, -n, ' ') ELSE lpad(s, n, ' ') END`,
	// generate_series(...) in a select list
	`lakegate_series(a DATE, b DATE, c INTERVAL) AS unnest(generate_series(CAST(a AS TIMESTAMPTZ), CAST(b AS TIMESTAMPTZ), c)), ` +
		`(a TIMESTAMP, b TIMESTAMP, c INTERVAL) AS unnest(generate_series(a, b, c)), ` +
		`(a TIMESTAMPTZ, b TIMESTAMPTZ, c INTERVAL) AS unnest(generate_series(a, b, c)), ` +
		`(a, b) AS cast_to_type(unnest(generate_series(a, b)), CASE WHEN false THEN a ELSE b END), ` +
		`(a, b, c) AS cast_to_type(unnest(generate_series(a, b, c)), CASE WHEN false THEN a ELSE b END)`,
	corrMacro(),
	// the argument of avg, stddev and variance: refused if an integer or numeric
	`lakegate_float_arg(x) AS CASE WHEN typeof(x) LIKE 'DECIMAL%' OR typeof(x) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', ` +
		`'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT') THEN error('` + NumericAggregate + `') ELSE x END`,
}

// floatArgAggregates are the aggregates Postgres computes in numeric, to
// a scale that depends on the values, for integer and numeric arguments.
var floatArgAggregates = map[string]bool{
	"avg": true, "stddev": true, "stddev_samp": true, "stddev_pop": true,
	"variance": true, "var_samp": true, "var_pop": true,
}

// quotedKeywords are the keywords quote_ident quotes (all but the
// unreserved ones), as SQL string literals.
func quotedKeywords() string {
	var kws []string
	for _, kw := range strings.Fields(pgKeywords) {
		word, cat, _ := strings.Cut(kw, ":")
		if cat != "" && cat[0] != 'U' {
			kws = append(kws, "'"+word+"'")
		}
	}
	return strings.Join(kws, ", ")
}

// Errors the macros above raise.
const (
	FormatValue       = "format() of an array, row or map value is not supported"
	BitStrings        = "bit strings (the types bit(n) and bit varying, and bit string constants) are not supported: use integers and their bitwise operators"
	ArrayText         = "the text of an array, row or map value is supported for ARRAY[...] and the results of array functions only: write the array with ARRAY[...]"
	FormatNullIdent   = "null values cannot be formatted as an SQL identifier"
	FormatUnsupported = "format() is supported with a constant template of %s, %I, %L, %%, argument positions (n$) and constant widths only"
	FormatTooFewArgs  = "too few arguments for format()"
	NumericAggregate  = "avg, stddev and variance of integer or numeric values are not supported (Postgres computes them in numeric, to a scale that depends on the values): cast the argument to float8"
	ArraySubscript    = `syntax error at or near "["`
	NumericConstant   = "numeric constants of more than 38 digits are not supported"
	TimestampCarry    = "a timestamp constant whose fraction of a second rounds up to the next second is not supported"
)
