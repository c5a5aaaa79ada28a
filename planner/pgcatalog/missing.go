package pgcatalog

// Postgres built-ins the engine lacks (or has only for other arguments),
// as macros of Postgres' name in every session engine's main schema, next
// to the corrected built-ins of builtins.go. Where the Postgres function
// fails, the macro raises the error in Postgres' words (the constants
// below; server/errors.go gives each its SQLSTATE). Each macro works on
// any expression, column values included. A macro is created after the
// macros it calls.
var missingMacros = []string{
	// to_number: Postgres reads the text against the template; input
	// without a digit fails as it fails there (22P02), other input is
	// refused (0A000) rather than read otherwise
	`to_number(s, f) AS CASE WHEN s IS NULL OR f IS NULL THEN CAST(NULL AS DECIMAL(38, 0)) ` +
		`WHEN NOT regexp_matches(CAST(s AS VARCHAR), '[0-9]') THEN error('` + ToNumberNoDigits + `') ` +
		`ELSE error('` + ToNumberRefused + `') END`,
	// div(a, b): a / b truncated toward zero, as numeric. a - a % b is a
	// multiple of b (the engine's % truncates too), so an integral divisor
	// divides exactly as integers; a fractional one divides as double.
	`div(a, b) AS CASE WHEN lakegate_is_float(a) OR lakegate_is_float(b) THEN lakegate_float_call('div', a, b) ` +
		`WHEN b = 0 THEN error('` + DivisionByZero + `') ` +
		`WHEN b = trunc(b) THEN CAST(system.main."//"(CAST(a - system.main."%"(a, b) AS HUGEINT), CAST(b AS HUGEINT)) AS DECIMAL(38, 0)) ` +
		`ELSE CAST(trunc(CAST(a AS DOUBLE) / CAST(b AS DOUBLE)) AS DECIMAL(38, 0)) END`,
	// width_bucket(x, low, high, count): the bucket of count equal ones
	// between low and high (either order), 0 below, count + 1 above;
	// width_bucket(x, thresholds): how many sorted thresholds are <= x.
	// A NULL argument gives NULL (the engine's comparisons would count
	// it as below or above every bucket).
	`width_bucket(x, lo, hi, n) AS CAST(CASE WHEN x IS NULL OR lo IS NULL OR hi IS NULL OR n IS NULL THEN NULL ` +
		`WHEN n <= 0 THEN error('` + WidthBucketCount + `') ` +
		`WHEN lo = hi THEN error('` + WidthBucketBounds + `') ` +
		`WHEN lo < hi THEN CASE WHEN x < lo THEN 0 WHEN x >= hi THEN n + 1 ELSE floor(CAST(x - lo AS DOUBLE) * n / CAST(hi - lo AS DOUBLE)) + 1 END ` +
		`ELSE CASE WHEN x > lo THEN 0 WHEN x <= hi THEN n + 1 ELSE floor(CAST(lo - x AS DOUBLE) * n / CAST(lo - hi AS DOUBLE)) + 1 END END AS INTEGER), ` +
		`(x, t) AS CASE WHEN x IS NULL OR t IS NULL THEN NULL ELSE CAST(len(list_filter(t, e -> e <= x)) AS INTEGER) END`,
	// every is the standard's name of bool_and.
	`every(x) AS bool_and(x)`,
	// Text: the engine's lpad and rpad need the fill, it has no btrim,
	// initcap or overlay.
	`lpad(s, n) AS system.main.lpad(s, n, ' '), (s, n, f) AS system.main.lpad(s, n, f)`,
	`rpad(s, n) AS system.main.rpad(s, n, ' '), (s, n, f) AS system.main.rpad(s, n, f)`,
	`btrim(s) AS trim(s), (s, c) AS trim(s, c)`,
	// A letter or digit after another is lower case, any other upper case.
	`initcap(s) AS array_to_string(list_transform(string_split(s, ''), (c, i) -> ` +
		`CASE WHEN i > 1 AND regexp_matches(substring(s, i - 1, 1), '^[\pL\pN]$') THEN lower(c) ELSE upper(c) END), '')`,
	// overlay(s placing r from f [for n]) replaces n characters (r's
	// length without for) from position f.
	// (text: the engine folds the || of a NULL to a NULL of no type)
	`overlay(s, r, f) AS CAST(substring(s, 1, f - 1) || r || substring(s, f + length(r)) AS VARCHAR), ` +
		`(s, r, f, n) AS CAST(CASE WHEN n < 0 THEN error('` + NegativeSubstringLength + `') ELSE substring(s, 1, f - 1) || r || substring(s, f + n) END AS VARCHAR)`,
	// repeat of a NULL of no type is text's (the engine's is bytea's)
	`repeat(s, n) AS system.main.repeat(coalesce(s, NULL::VARCHAR), n)`,
	// string_to_array splits into characters for a NULL separator, not
	// at all for an empty one, and an empty text into no elements; the
	// engine's splits into characters for an empty separator, not at all
	// for a NULL one, and an empty text into one empty element.
	`string_to_array(s, d) AS CASE WHEN CAST(s AS VARCHAR) = '' THEN CAST([] AS VARCHAR[]) WHEN d IS NULL THEN string_split(CAST(s AS VARCHAR), '') ` +
		`WHEN CAST(d AS VARCHAR) = '' THEN [CAST(s AS VARCHAR)] ELSE system.main.string_to_array(s, d) END`,
	// encode(bytes, 'hex' | 'base64'); the engine's encode(text) (text to
	// its UTF-8 bytes) keeps its one-argument form. Postgres breaks base64
	// lines after 76 characters.
	`encode(s) AS system.main.encode(s), (b, f) AS CASE lower(f) WHEN 'hex' THEN lower(hex(b)) ` +
		`WHEN 'base64' THEN regexp_replace(to_base64(b), '(.{76})', '\1' || chr(10), 'g') ` +
		`WHEN 'escape' THEN error('` + EncodeEscape + `') ` +
		`ELSE error('unrecognized encoding: "' || f || '"') END`,
	// Arrays: array_replace, array_to_string's NULL text, cardinality of a
	// one-dimensional array (the engine's is for maps; a nested list,
	// Postgres' multidimensional array, fails rather than count rows).
	// A NULL of no type as the array is an array of the element's type;
	// a NULL separator gives NULL (the engine's joins without one).
	`lakegate_null_array(a, r, e) AS struct_extract({'n': CASE WHEN false THEN [e] END, 'r': r}, CASE WHEN typeof(a) = '"NULL"' THEN 'n' ELSE 'r' END)`,
	`array_replace(a, f, t) AS lakegate_null_array(a, list_transform(a, x -> CASE WHEN x IS NOT DISTINCT FROM f THEN t ELSE x END), t)`,
	`array_to_string(a, s) AS CASE WHEN s IS NULL THEN NULL ELSE system.main.array_to_string(a, s) END, ` +
		`(a, s, n) AS CASE WHEN s IS NULL THEN NULL ELSE system.main.array_to_string(list_transform(a, x -> coalesce(CAST(x AS VARCHAR), n)), s) END`,
	`cardinality(a) AS CASE WHEN typeof(a) LIKE '%[][]' THEN error('` + MultidimensionalCardinality + `') ELSE CAST(len(a) AS INTEGER) END`,
	// Intervals: justify_hours moves whole days out of the time, and
	// justify_days whole 30-day months out of the days, borrowing one so
	// that both parts have one sign, as Postgres does.
	`pg_interval_months(i) AS datepart('year', i) * 12 + datepart('month', i)`,
	`pg_interval_micros(i) AS datepart('hour', i) * 3600000000 + datepart('minute', i) * 60000000 + datepart('microseconds', i)`,
	// pg_justified_big and pg_justified_small: a count of big units and
	// one of small units, the small one given the big one's sign by
	// borrowing one big unit of unit small ones.
	`pg_justified_big(big, small) AS CASE WHEN big > 0 AND small < 0 THEN big - 1 WHEN big < 0 AND small > 0 THEN big + 1 ELSE big END`,
	`pg_justified_small(big, small, unit) AS CASE WHEN big > 0 AND small < 0 THEN small + unit WHEN big < 0 AND small > 0 THEN small - unit ELSE small END`,
	`justify_hours(i) AS to_months(pg_interval_months(i)) + ` +
		`to_days(pg_justified_big(datepart('day', i) + pg_interval_micros(i) // 86400000000, pg_interval_micros(i) % 86400000000)) + ` +
		`to_microseconds(pg_justified_small(datepart('day', i) + pg_interval_micros(i) // 86400000000, pg_interval_micros(i) % 86400000000, 86400000000))`,
	`justify_days(i) AS to_months(pg_justified_big(pg_interval_months(i) + datepart('day', i) // 30, datepart('day', i) % 30)) + ` +
		`to_days(pg_justified_small(pg_interval_months(i) + datepart('day', i) // 30, datepart('day', i) % 30, 30)) + ` +
		`to_microseconds(pg_interval_micros(i))`,
	`make_interval(years := 0, months := 0, weeks := 0, days := 0, hours := 0, mins := 0, secs := 0.0) AS ` +
		`to_months(years * 12 + months) + to_days(weeks * 7 + days) + to_hours(hours) + to_minutes(mins) + to_microseconds(CAST(round(secs * 1000000) AS BIGINT))`,
	// date_bin(stride, t, origin): the start of t's stride-wide bin counted
	// from origin.
	`date_bin(s, t, o) AS CASE WHEN datepart('month', CAST(s AS INTERVAL)) <> 0 OR datepart('year', CAST(s AS INTERVAL)) <> 0 THEN error('` + DateBinMonths + `') ` +
		`WHEN CAST(s AS INTERVAL) <= INTERVAL 0 SECOND THEN error('` + DateBinStride + `') ELSE time_bucket(CAST(s AS INTERVAL), t, o) END`,
	// (s1, e1) OVERLAPS (s2, e2), which the engine parses as a call of
	// four arguments: half-open periods, either end first, NULL where
	// Postgres cannot tell. A period given as a start and an interval is
	// not supported (the engine refuses to compare them).
	`pg_periods_overlap(a, b, c, d) AS CASE WHEN a IS NULL OR c IS NULL THEN NULL ` +
		`WHEN a > c THEN CASE WHEN d IS NULL THEN NULL WHEN a < d THEN true WHEN b IS NULL THEN NULL ELSE false END ` +
		`WHEN a < c THEN CASE WHEN b IS NULL THEN NULL WHEN c < b THEN true WHEN d IS NULL THEN NULL ELSE false END ` +
		`ELSE true END`,
	`"overlaps"(s1, e1, s2, e2) AS CASE WHEN typeof(s1) NOT IN ('DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIME', 'TIME WITH TIME ZONE') ` +
		`THEN error('` + OverlapsTypes + `') ELSE pg_periods_overlap(` +
		`CASE WHEN e1 IS NOT NULL AND s1 > e1 THEN e1 ELSE coalesce(s1, e1) END, CASE WHEN s1 IS NULL THEN NULL WHEN e1 IS NOT NULL AND s1 > e1 THEN s1 ELSE e1 END, ` +
		`CASE WHEN e2 IS NOT NULL AND s2 > e2 THEN e2 ELSE coalesce(s2, e2) END, CASE WHEN s2 IS NULL THEN NULL WHEN e2 IS NOT NULL AND s2 > e2 THEN s2 ELSE e2 END) END`,
	// regexp_match(s, p [, flags]): the first match as a one-element text
	// array, NULL without one. A pattern with a capturing group (an
	// unescaped "(" not starting "(?") fails: the engine cannot list a
	// computed pattern's groups.
	`pg_regexp_groups(p) AS regexp_matches(p, '(^|[^\\])(\\\\)*\([^?]')`,
	`regexp_match(s, p) AS CASE WHEN pg_regexp_groups(p) THEN error('` + RegexpMatchGroups + `') ` +
		`WHEN regexp_matches(s, p) THEN [regexp_extract(s, p)] END, ` +
		`(s, p, f) AS CASE WHEN contains(f, 'g') THEN error('` + RegexpMatchGlobal + `') WHEN pg_regexp_groups(p) THEN error('` + RegexpMatchGroups + `') ` +
		`WHEN regexp_matches(s, p, f) THEN [regexp_extract(s, p, 0, f)] END`,
	// to_char(date or timestamp, format) for the common patterns (YYYY YY MM DD HH24 HH12 HH MI SS AM PM Mon Dy TZ tz OF),
	// turned into the engine's strftime format; a format with any other
	// letter, a quote or a backslash fails rather than print something
	// else. The engine's strftime takes a computed format only for a
	// timestamptz (in the session's time zone), so a date or timestamp
	// goes through one, and fails where the zone skips its wall-clock time.
	// Its strptime wants a constant format (the format macro without its
	// error branch folds to one): to_date(text, constant format) with the
	// same patterns and a four-digit year; YY (Postgres takes the year
	// nearest 2020, strptime 1969-2068), a format without YYYY (Postgres'
	// missing year is 1, strptime's 1900), time zones and other letters
	// fail. Input strptime cannot read fails too (Postgres is more lenient).
	// TZ, tz and OF (the zone's abbreviation and UTC offset) become
	// control characters strftime passes through, filled in after it:
	// the abbreviation from the session zone's macro (timezone.go); a
	// timestamp without time zone has none and offset +00, a date is the
	// timestamptz of its midnight, as in Postgres.
	`pg_strftime_format(f) AS replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(` +
		`replace(replace(replace(f, '%', '%%'), 'TZ', system.main.chr(1)), 'tz', system.main.chr(2)), 'OF', system.main.chr(3)), ` +
		`'YYYY', '%Y'), 'HH24', '%H'), 'HH12', '%I'), 'Mon', '%b'), 'YY', '%y'), 'MM', '%m'), 'DD', '%d'), 'HH', '%I'), ` +
		`'MI', '%M'), 'SS', '%S'), 'AM', '%p'), 'PM', '%p'), 'Dy', '%a')`,
	`pg_datetime_format(f) AS CASE WHEN regexp_matches(f, 'DDD|SSSS') OR regexp_matches(` +
		`regexp_replace(f, '(YYYY|HH24|HH12|Mon|YY|MM|DD|HH|MI|SS|AM|PM|Dy|TZ|tz|OF)', '', 'g'), '[A-Za-z"\\]') THEN error('` + DatetimeFormat + `') ` +
		`ELSE pg_strftime_format(f) END`,
	`to_date(s, f) AS CASE WHEN regexp_matches(f, 'DDD|SSSS|TZ|tz|OF') OR NOT contains(f, 'YYYY') OR contains(replace(f, 'YYYY', ''), 'YY') ` +
		`OR regexp_matches(regexp_replace(f, '(YYYY|HH24|HH12|Mon|MM|DD|HH|MI|SS|AM|PM|Dy)', '', 'g'), '[A-Za-z"\\]') THEN error('` + DateFormat + `') ` +
		`ELSE CAST(strptime(s, pg_strftime_format(f)) AS DATE) END`,
	tzOffsetMacro,
	`pg_tz_fill(s, t) AS replace(replace(replace(s, chr(1), CASE WHEN typeof(t) = 'TIMESTAMP' THEN '' ELSE ` + tzAbbrevMacro + `(CAST(t AS TIMESTAMPTZ)) END), ` +
		`chr(2), CASE WHEN typeof(t) = 'TIMESTAMP' THEN '' ELSE lower(` + tzAbbrevMacro + `(CAST(t AS TIMESTAMPTZ))) END), ` +
		`chr(3), CASE WHEN typeof(t) = 'TIMESTAMP' THEN '+00' ELSE pg_tz_offset(system.main.date_part('timezone', CAST(t AS TIMESTAMPTZ))) END)`,
	`to_char(t, f) AS CASE WHEN typeof(t) NOT IN ('DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE') THEN error('` + DatetimeFormatArg + `') ` +
		`WHEN typeof(t) <> 'TIMESTAMP WITH TIME ZONE' AND CAST(CAST(t AS TIMESTAMPTZ) AS TIMESTAMP) <> CAST(t AS TIMESTAMP) THEN error('` + DatetimeFormatGap + `') ` +
		`WHEN regexp_matches(f, 'TZ|tz|OF') THEN pg_tz_fill(strftime(CAST(t AS TIMESTAMPTZ), pg_datetime_format(f)), t) ` +
		`ELSE strftime(CAST(t AS TIMESTAMPTZ), pg_datetime_format(f)) END`,
	// json_agg and json_object_agg write their json as Postgres does:
	// "[1, 2]", "{ "a" : 1, "b" : 2 }", NULL values as null.
	`json_agg(x) AS CAST('[' || string_agg(coalesce(lakegate_json_number(x), 'null'), ', ') || ']' AS JSON)`,
	`json_object_agg(k, v) AS CAST('{ ' || string_agg(CASE WHEN k IS NULL THEN error('` + NullFieldName + `') ` +
		`ELSE CAST(to_json(CAST(k AS VARCHAR)) AS VARCHAR) END || ' : ' || coalesce(lakegate_json_number(v), 'null'), ', ') || ' }' AS JSON)`,
	// json: Postgres' names of a value's type.
	`json_typeof(j) AS CASE json_type(j) WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array' WHEN 'VARCHAR' THEN 'string' ` +
		`WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' WHEN 'BIGINT' THEN 'number' WHEN 'UBIGINT' THEN 'number' ` +
		`WHEN 'HUGEINT' THEN 'number' WHEN 'DOUBLE' THEN 'number' END`,
	`jsonb_array_length(j) AS CAST(json_array_length(j) AS INTEGER)`,
	// octet_length of text: its UTF-8 bytes (the engine's is of bytea only)
	`octet_length(x) AS CAST(CASE WHEN typeof(x) = 'BLOB' THEN system.main.octet_length(try_cast(x AS BLOB)) ` +
		`ELSE strlen(try_cast(x AS VARCHAR)) END AS INTEGER)`,
	// the scale of a numeric: as its type declares it, and the least that
	// keeps its value
	`lakegate_exact_arg(x, f) AS CASE WHEN typeof(x) LIKE 'DECIMAL%' OR typeof(x) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT') ` +
		`THEN CAST(x AS VARCHAR) ELSE error('function ' || f || '(' || lower(typeof(x)) || ') does not exist') END`,
	`scale(x) AS CAST(length(split_part(lakegate_exact_arg(x, 'scale'), '.', 2)) AS INTEGER)`,
	`min_scale(x) AS CAST(length(rtrim(split_part(lakegate_exact_arg(x, 'min_scale'), '.', 2), '0')) AS INTEGER)`,
	// a # b, Postgres' bitwise exclusive or (the rewrite's operator).
	`"` + xorOperator + `"(a, b) AS xor(a, b)`,
}

// xorOperator is the engine operator the rewrite puts for Postgres' #
// (operators.go), which the engine's grammar lacks.
const xorOperator = "^^"

// Errors the macros above raise, in Postgres' words.
const (
	ToNumberNoDigits            = `invalid input syntax for type numeric: " "`
	ToNumberRefused             = "to_number is not supported (the engine has no reader of Postgres number templates)"
	WidthBucketCount            = "count must be greater than zero"
	WidthBucketBounds           = "lower bound cannot equal upper bound"
	EncodeEscape                = "encode with the escape format is not supported"
	MultidimensionalCardinality = "cardinality of a multidimensional array is not supported"
	DateBinMonths               = "timestamps cannot be binned into intervals containing months or years"
	DateBinStride               = "stride must be greater than zero"
	OverlapsTypes               = "OVERLAPS compares periods of dates, times or timestamps"
	DatetimeFormat              = "this date/time format pattern is not supported (YYYY YY MM DD HH24 HH12 HH MI SS AM PM Mon Dy TZ tz OF are)"
	DateFormat                  = "this to_date format is not supported (a constant format with YYYY and MM DD HH24 HH12 HH MI SS AM PM Mon Dy is)"
	DatetimeFormatArg           = "to_char of this type is not supported (dates and timestamps are)"
	RegexpMatchGroups           = "regexp_match with capturing groups is not supported"
	RegexpMatchGlobal           = "regexp_match() does not support the \"global\" option"
	NullFieldName               = "field name must not be null"
	DatetimeFormatGap           = "to_char of a timestamp the session time zone skips is not supported"
)
