package pgcatalog

import (
	"fmt"
	"slices"
	"strings"
)

// Engine built-ins whose answers differ from Postgres', given Postgres'
// answers by macros of the same name in every session engine's main
// schema, where they shadow the built-in; each macro calls the built-in by
// its qualified name (system.main.f). Where Postgres fails, the macro
// raises an error with Postgres' message (the constants below; the server
// gives each its SQLSTATE); where Postgres answers with another type
// (int4 where the engine has BIGINT), the macro casts.
//
// Division: the engine answers NULL for x / 0, x % 0 and mod(x, 0), floats
// included (its parser turns / into // under integer_division).
var builtinMacros = []string{
	// first: the macros below call it
	`lakegate_is_numeric(x) AS typeof(x) LIKE 'DECIMAL%'`,
	// Postgres has mod, div, % and round and trunc with a scale for
	// integers and numeric only: a float argument fails (42883, in its
	// words) where the engine answers. A NULL of no type is unknown. (Not
	// % and round(x, n): the engine's round_even, round(x) of a float,
	// calls both.)
	`lakegate_is_float(x) AS typeof(x) IN ('DOUBLE', 'FLOAT')`,
	// (not LIKE, whose macro's escape check calls "%")
	`lakegate_arg_type(x) AS CASE WHEN starts_with(typeof(x), 'DECIMAL') THEN 'numeric' ELSE CASE typeof(x) WHEN 'DOUBLE' THEN 'double precision' ` +
		`WHEN 'FLOAT' THEN 'real' WHEN 'INTEGER' THEN 'integer' WHEN 'BIGINT' THEN 'bigint' WHEN 'SMALLINT' THEN 'smallint' ` +
		`WHEN '"NULL"' THEN 'unknown' ELSE lower(typeof(x)) END END`,
	`lakegate_float_call(f, a, b) AS error('function ' || f || '(' || lakegate_arg_type(a) || ', ' || lakegate_arg_type(b) || ') does not exist')`,
	// r, in the type the engine gives r, a and b together: the engine
	// folds mod(2.5, NULL::int) to a NULL of no type, Postgres answers a
	// numeric NULL (a NULL of each argument's type, coalesced after r,
	// never changes r's value, nor r's type where the engine gave it one).
	`lakegate_numeric_null(r, a, b) AS coalesce(r, CASE WHEN false THEN a END, CASE WHEN false THEN b END)`,
	// A float product or quotient out of float8's (float4's) range is
	// infinity or zero to the engine, an error to Postgres (float.c,
	// float_overflow_error, float_underflow_error), unless an operand
	// already was. The type test folds away for other types; a float
	// result in the normal range takes the first test only (the checks
	// still cost float products about five times their time alone).
	`lakegate_float(x) AS try_cast(x AS DOUBLE)`,
	`lakegate_float_normal(r) AS abs(lakegate_float(r)) BETWEEN 2.2250738585072014e-308 AND 1.7976931348623157e308`,
	`lakegate_float_mul(r, a, b) AS CASE WHEN typeof(r) NOT IN ('DOUBLE', 'FLOAT') THEN r WHEN lakegate_float_normal(r) THEN r ` +
		`WHEN isinf(lakegate_float(r)) AND NOT isinf(lakegate_float(a)) AND NOT isinf(lakegate_float(b)) THEN error('` + FloatOverflow + `') ` +
		`WHEN lakegate_float(r) = 0 AND lakegate_float(a) <> 0 AND lakegate_float(b) <> 0 THEN error('` + FloatUnderflow + `') ELSE r END`,
	`lakegate_float_div(r, a, b) AS CASE WHEN typeof(r) NOT IN ('DOUBLE', 'FLOAT') THEN r WHEN lakegate_float_normal(r) THEN r ` +
		`WHEN isinf(lakegate_float(r)) AND NOT isinf(lakegate_float(a)) THEN error('` + FloatOverflow + `') ` +
		`WHEN lakegate_float(r) = 0 AND lakegate_float(a) <> 0 AND NOT isinf(lakegate_float(b)) THEN error('` + FloatUnderflow + `') ELSE r END`,
	// sum of floats: infinity while no value was (the rewrite's call,
	// floatSum, gives whether one was); NULL over no values or only NULLs,
	// as Postgres. The engine expands a macro by copying its arguments and
	// binds every copy, on each execution of a prepared statement too: s
	// (the sum and its argument, with the "*" macro's own copies of a
	// product's operands) appears three times, not five as before, which
	// cut TPC-H Q1's binding by a third (BENCHMARKS.md, Q). For a sum of
	// anything but a float the type test folds the CASE to s, and the
	// engine drops the unused bool_or.
	`lakegate_float_sum(s, inf) AS CASE WHEN typeof(s) NOT IN ('DOUBLE', 'FLOAT') OR coalesce(NOT isinf(lakegate_float(s)), true) OR inf ` +
		`THEN s ELSE error('` + FloatOverflow + `') END`,
	`"*"(a, b) AS lakegate_float_mul(system.main."*"(a, b), a, b)`,
	`"//"(a, b) AS CASE WHEN b = 0 THEN error('` + DivisionByZero + `') ELSE lakegate_float_div(system.main."//"(a, b), a, b) END`,
	`"%"(a, b) AS CASE WHEN b = 0 THEN error('` + DivisionByZero + `') ELSE system.main."%"(a, b) END`,
	`mod(a, b) AS lakegate_numeric_null(CASE WHEN lakegate_is_float(a) OR lakegate_is_float(b) THEN lakegate_float_call('mod', a, b) ` +
		`WHEN b = 0 THEN error('` + DivisionByZero + `') ELSE system.main.mod(a, b) END, a, b)`,
	// The engine answers -inf, NaN or NULL.
	// Postgres computes exp, ln, log, power, ^ and sqrt of a numeric in
	// numeric, to a scale that depends on the value; the engine in
	// float8. As a result column by itself such a call is computed
	// exactly (nummath.go); elsewhere a numeric argument is refused
	// (README, differences). Integers and floats are float8 in both.
	`ln(x) AS CASE WHEN x = 0 THEN error('` + LogOfZero + `') WHEN x < 0 THEN error('` + LogOfNegative + `') ` +
		`WHEN lakegate_is_numeric(x) THEN error('` + NumericMath + `') ELSE system.main.ln(x) END`,
	`sqrt(x) AS CASE WHEN x < 0 THEN error('` + SqrtOfNegative + `') WHEN lakegate_is_numeric(x) THEN error('` + NumericMath + `') ELSE system.main.sqrt(x) END`,
	`power(a, b) AS CASE WHEN a = 0 AND b < 0 THEN error('` + ZeroToNegativePower + `') ` +
		`WHEN a < 0 AND b <> floor(b) THEN error('` + NegativeToFractionalPower + `') ` +
		`WHEN lakegate_is_numeric(a) OR lakegate_is_numeric(b) THEN error('` + NumericMath + `') ELSE system.main.power(a, b) END`,
	`pow(a, b) AS power(a, b)`,
	`"^"(a, b) AS power(a, b)`,
	`exp(x) AS CASE WHEN lakegate_is_numeric(x) THEN error('` + NumericMath + `') ELSE system.main.exp(x) END`,
	`log(x) AS CASE WHEN lakegate_is_numeric(x) THEN error('` + NumericMath + `') ELSE system.main.log(x) END, (b, x) AS CAST(error('` + NumericLog + `') AS DOUBLE)`,
	`log10(x) AS CASE WHEN lakegate_is_numeric(x) THEN error('` + NumericMath + `') ELSE system.main.log10(x) END`,
	// round of a float rounds half to even (rint), of a numeric half away
	// from zero; the engine rounds both away. cast_to_type(1e-40, x) is
	// zero for every type but a float. round(x, n) of an integer or a
	// numeric is numeric with n decimals (round(5, 2) is 5.00, round(2.5,
	// 3) 2.500); the engine keeps x's type.
	// round(x) and trunc(x) of an integer are float8 (Postgres has them for
	// float8 and numeric only, and an integer takes the preferred float8);
	// the engine keeps the integer type.
	`round(x) AS cast_to_type(CASE WHEN cast_to_type(1e-40::DOUBLE, x) <> 0 THEN cast_to_type(round_even(x, 0), system.main.round(x)) ` +
		`ELSE system.main.round(x) END, ` + integerAsFloat8("x", "system.main.round(x)") + `), (x, n) AS cast_to_type(system.main.round(x, n), ` + roundedType("x", "n") + `)`,
	// trunc(x, n) is numeric with n decimals too (trunc(2.5, 3) is 2.500,
	// trunc(NULL, 1) a numeric NULL); the engine keeps x's type and scale.
	`trunc(x) AS cast_to_type(system.main.trunc(x), ` + integerAsFloat8("x", "system.main.trunc(x)") + `), (x, n) AS cast_to_type(` + noFloatScale("trunc") + `, ` + roundedType("x", "n") + `)`,
	// The engine answers '' for a negative length.
	`substring(s, f) AS system.main.substring(s, f), (s, f, n) AS CASE WHEN n < 0 THEN error('` + NegativeSubstringLength + `') ELSE system.main.substring(s, f, n) END`,
	`substr(s, f) AS system.main.substr(s, f), (s, f, n) AS CASE WHEN n < 0 THEN error('` + NegativeSubstringLength + `') ELSE system.main.substr(s, f, n) END`,
	// The engine returns the NUL character.
	`chr(x) AS CASE WHEN x = 0 THEN error('` + NullCharacter + `') ELSE system.main.chr(x) END`,
	// Postgres writes hex digits in lower case.
	`to_hex(x) AS lower(system.main.to_hex(x))`,
	// Postgres' integer answers are int4; the engine's BIGINT.
	`length(x) AS CAST(system.main.length(x) AS INTEGER)`,
	`char_length(x) AS CAST(system.main.char_length(x) AS INTEGER)`,
	`character_length(x) AS CAST(system.main.character_length(x) AS INTEGER)`,
	`strpos(s, t) AS CAST(system.main.strpos(s, t) AS INTEGER)`,
	`position(t, s) AS CAST(system.main.position(t, s) AS INTEGER)`,
	`array_length(a) AS CAST(system.main.array_length(a) AS INTEGER), (a, d) AS CAST(system.main.array_length(a, d) AS INTEGER)`,
	`json_array_length(j) AS CAST(system.main.json_array_length(j) AS INTEGER), (j, p) AS CAST(system.main.json_array_length(j, p) AS INTEGER)`,
	// gcd and lcm of int4 are int4 (int2 arguments too); the engine's BIGINT.
	`gcd(a INTEGER, b INTEGER) AS CAST(system.main.gcd(a, b) AS INTEGER), (a, b) AS system.main.gcd(a, b)`,
	`lcm(a INTEGER, b INTEGER) AS CAST(system.main.lcm(a, b) AS INTEGER), (a, b) AS system.main.lcm(a, b)`,
	// sign of an integer or a float is float8, of a numeric numeric (with
	// no decimals): the types ceil has; the engine's TINYINT. ceil of a
	// NULL decimal constant folds to a NULL of no type, which cast_to_type
	// refuses: the planner writes such a constant as a subquery first
	// (planner/pgnulls.go).
	`sign(x) AS cast_to_type(system.main.sign(x), ceil(x))`,
	// date - date is a number of days in int4; the engine's BIGINT. Not
	// a typed overload (a DATE, b DATE): the engine binds a macro before
	// the aggregates in its arguments, so max(x) - min(x) took that
	// overload whatever x was (an error for numbers, a silently wrong
	// answer for timestamps). The result's type is chosen from the
	// operands' types instead, once they are bound (typeof folds to a
	// constant, and so does the struct field it picks). A NULL constant
	// operand beside a decimal folds the difference to a NULL of no type,
	// which cast_to_type refuses: the planner types such NULLs first
	// (planner/pgnulls.go); a copy of a and b here would cost every
	// subtraction's binding.
	`"-"(a, b) AS cast_to_type(system.main."-"(a, b), struct_extract({'d': NULL::INTEGER, 'o': system.main."-"(a, b)}, ` +
		`CASE WHEN typeof(a) = 'DATE' AND typeof(b) = 'DATE' THEN 'd' ELSE 'o' END)), (a) AS system.main."-"(a)`,
	// decode(text, format) is bytea; the engine's decode(blob) is text.
	`decode(b) AS system.main.decode(b), (s, f) AS CASE lower(f) WHEN 'hex' THEN from_hex(s) WHEN 'base64' THEN from_base64(s) ` +
		`ELSE error('` + UnsupportedDecodeFormat + `') END`,
	// date_part is float8, with the fraction of a second; the engine's
	// BIGINT, whole seconds. extract is numeric (pgexpr.go).
	`date_part(f VARCHAR, x) AS CAST(CASE lower(f) ` +
		`WHEN 'second' THEN system.main.date_part('microseconds', x) * 0.000001 WHEN 'seconds' THEN system.main.date_part('microseconds', x) * 0.000001 ` +
		`WHEN 'millisecond' THEN system.main.date_part('microseconds', x) * 0.001 WHEN 'milliseconds' THEN system.main.date_part('microseconds', x) * 0.001 ` +
		`WHEN 'epoch' THEN system.main.epoch(x) ELSE system.main.date_part(f, x) END AS DOUBLE), (f, x) AS system.main.date_part(f, x)`,
	// LIKE, ILIKE and their negations (the engine binds the operators,
	// and ~~ and friends, to these names) escape with a backslash in
	// Postgres unless ESCAPE says otherwise; the engine has no default
	// escape. A pattern without a backslash keeps the built-in, whose
	// prefix and suffix optimizations a constant pattern still gets (the
	// CASE folds away).
	// a pattern ending in an odd number of backslashes: Postgres' error
	`lakegate_like_pattern(p) AS CASE WHEN length(regexp_extract(p, '\\+$')) % 2 = 1 THEN error('` + LikeEscapeEnd + `') ELSE p END`,
	`"~~"(s, p) AS CASE WHEN contains(p, '\') THEN like_escape(s, lakegate_like_pattern(p), '\') ELSE system.main."~~"(s, p) END`,
	`"!~~"(s, p) AS CASE WHEN contains(p, '\') THEN not_like_escape(s, lakegate_like_pattern(p), '\') ELSE system.main."!~~"(s, p) END`,
	`"~~*"(s, p) AS CASE WHEN contains(p, '\') THEN ilike_escape(s, lakegate_like_pattern(p), '\') ELSE system.main."~~*"(s, p) END`,
	`"!~~*"(s, p) AS CASE WHEN contains(p, '\') THEN not_ilike_escape(s, lakegate_like_pattern(p), '\') ELSE system.main."!~~*"(s, p) END`,
	// date_trunc of a date truncates the date as a timestamptz (Postgres'
	// implicit cast), in the session's time zone; the engine's answer is a
	// timestamp.
	// (Truncating the date's midnight and reading it in the session's
	// zone is the same; the struct picks the type, as "-" does below.)
	`date_trunc(f, x) AS cast_to_type(system.main.date_trunc(f, x), struct_extract({'d': NULL::TIMESTAMPTZ, 'o': system.main.date_trunc(f, x)}, ` +
		`CASE WHEN typeof(x) = 'DATE' THEN 'd' ELSE 'o' END))`,
	// sha256 of bytea is bytea; the engine's is hex text. The engine lacks
	// sha224, sha384 and sha512.
	`sha256(x) AS unhex(system.main.sha256(x))`,
	`sha224(x) AS CAST(error('` + ShaRefused + `') AS BLOB)`,
	`sha384(x) AS CAST(error('` + ShaRefused + `') AS BLOB)`,
	`sha512(x) AS CAST(error('` + ShaRefused + `') AS BLOB)`,
	// pg_typeof names Postgres' type (the planner labels the column
	// regtype, resulttypes.go); the engine's names its own. A string
	// constant is unknown in Postgres: the rewrite passes NULL for it,
	// whose engine type is "NULL" too (jsonb values: the rewrite's
	// lakegate_pg_typeof_jsonb).
	`lakegate_pg_typeof_jsonb(x) AS 'jsonb'`,
	`lakegate_pg_scalar_type_name(t) AS CASE WHEN t LIKE 'DECIMAL%' THEN 'numeric' ELSE CASE t ` +
		`WHEN 'INTEGER' THEN 'integer' WHEN 'BIGINT' THEN 'bigint' WHEN 'SMALLINT' THEN 'smallint' WHEN 'TINYINT' THEN 'smallint' ` +
		`WHEN 'DOUBLE' THEN 'double precision' WHEN 'FLOAT' THEN 'real' WHEN 'VARCHAR' THEN 'text' WHEN 'BOOLEAN' THEN 'boolean' ` +
		`WHEN 'DATE' THEN 'date' WHEN 'TIMESTAMP' THEN 'timestamp without time zone' WHEN 'TIMESTAMP WITH TIME ZONE' THEN 'timestamp with time zone' ` +
		`WHEN 'TIME' THEN 'time without time zone' WHEN 'TIME WITH TIME ZONE' THEN 'time with time zone' WHEN 'INTERVAL' THEN 'interval' ` +
		`WHEN 'BLOB' THEN 'bytea' WHEN 'UUID' THEN 'uuid' WHEN 'JSON' THEN 'json' WHEN 'UINTEGER' THEN 'oid' WHEN '"NULL"' THEN 'unknown' ` +
		`ELSE error('` + TypeofRefused + `') END END`,
	`lakegate_pg_type_name(t) AS CASE WHEN t LIKE '%[]' THEN lakegate_pg_scalar_type_name(t[:-3]) || '[]' ELSE lakegate_pg_scalar_type_name(t) END`,
	`pg_typeof(x) AS lakegate_pg_type_name(typeof(x))`,
	`lakegate_extract(f, x) AS CAST(system.main.date_part(f, x) AS DECIMAL(38,0))`,
	// (the outer casts keep the type where the engine folds the product
	// of a NULL to a NULL of no type: extract(second FROM NULL::timestamp))
	`lakegate_extract_second(x) AS CAST(CAST(system.main.date_part('microseconds', x) AS DECIMAL(38,0)) * 0.000001 AS DECIMAL(38,6))`,
	`lakegate_extract_millisecond(x) AS CAST(CAST(system.main.date_part('microseconds', x) AS DECIMAL(38,0)) * 0.001 AS DECIMAL(38,3))`,
	`lakegate_extract_epoch(x DATE) AS CAST(system.main.epoch(x) AS DECIMAL(38,0)), (x) AS CAST(CAST(system.main.epoch_us(x) AS DECIMAL(38,0)) * 0.000001 AS DECIMAL(38,6))`,
}

// jsonBuildArgs is how many values json_build_object (key, value pairs)
// and json_build_array take at most.
const jsonBuildArgs = 24

// jsonBuildMacros are json_build_object and json_build_array with
// Postgres' text: {"a" : 1, "b" : "x"} and [1, "a", null]. The engine's
// json_object and json_array write compact JSON. A value is written as
// to_json writes it, NULL as null; a key as a JSON string of its text.
func jsonBuildMacros() []string {
	var obj, arr, objb, arrb []string
	for n := 0; n <= jsonBuildArgs; n++ {
		params, items := make([]string, n), make([]string, n)
		for i := range params {
			params[i] = fmt.Sprintf("a%d", i)
			items[i] = "lakegate_json_value(" + params[i] + ")"
		}
		arr = append(arr, fmt.Sprintf("(%s) AS CAST('[' || %s || ']' AS JSON)", strings.Join(params, ", "), concatWith(items, "', '")))
		arrb = append(arrb, fmt.Sprintf("(%s) AS lakegate_jsonb('[' || %s || ']')", strings.Join(params, ", "), concatWith(items, "', '")))
		if n%2 == 0 {
			pairs := make([]string, 0, n/2)
			for i := 0; i < n; i += 2 {
				pairs = append(pairs, "lakegate_json_key("+params[i]+") || ' : ' || "+items[i+1])
			}
			obj = append(obj, fmt.Sprintf("(%s) AS CAST('{' || %s || '}' AS JSON)", strings.Join(params, ", "), concatWith(pairs, "', '")))
			objb = append(objb, fmt.Sprintf("(%s) AS lakegate_jsonb('{' || %s || '}')", strings.Join(params, ", "), concatWith(pairs, "', '")))
		}
	}
	return []string{
		`lakegate_json_value(v) AS coalesce(lakegate_json_number(v), 'null')`,
		`lakegate_json_key(k) AS CASE WHEN k IS NULL THEN error('` + NullJSONKey + `') ELSE CAST(to_json(CAST(k AS VARCHAR)) AS VARCHAR) END`,
		"json_build_object" + strings.Join(obj, ", "),
		"json_build_array" + strings.Join(arr, ", "),
		// jsonb's: the same values in jsonb's text (jsonb.go), which
		// ->> and #>> then give as Postgres does
		"jsonb_build_object" + strings.Join(objb, ", "),
		"jsonb_build_array" + strings.Join(arrb, ", "),
	}
}

// concatWith is the SQL concatenation of items with sep between them
// (” for none).
func concatWith(items []string, sep string) string {
	if len(items) == 0 {
		return "''"
	}
	return strings.Join(items, " || "+sep+" || ")
}

// Errors the macros raise, in Postgres' words (server/errors.go gives
// each its SQLSTATE).
const (
	DivisionByZero            = "division by zero"
	FloatOverflow             = "value out of range: overflow"
	FloatUnderflow            = "value out of range: underflow"
	LogOfZero                 = "cannot take logarithm of zero"
	LogOfNegative             = "cannot take logarithm of a negative number"
	SqrtOfNegative            = "cannot take square root of a negative number"
	ZeroToNegativePower       = "zero raised to a negative power is undefined"
	NegativeToFractionalPower = "a negative number raised to a non-integer power yields a complex result"
	NullCharacter             = "null character not permitted"
	NegativeSubstringLength   = "negative substring length not allowed"
	UnsupportedDecodeFormat   = "decode() supports the formats hex and base64 only"
	NullJSONKey               = "null value not allowed for object key"
	NumericMath               = "exp, ln, log, power, ^ and sqrt of a numeric value inside an expression are not supported (Postgres computes them in numeric, with a scale per value): make the call a result column by itself, or cast it to float8"
	NumericLog                = "log(b, x) inside an expression is not supported (Postgres computes it in numeric, with a scale per value): make the call a result column by itself"
	LikeEscapeEnd             = "LIKE pattern must not end with escape character"
	ShaRefused                = "sha224, sha384 and sha512 are not supported: use sha256 or md5"
	TypeofRefused             = "pg_typeof of a value of this type is not supported"
	SimilarPattern            = "SIMILAR TO is supported with a constant pattern without ESCAPE only (the engine reads other patterns as regular expressions)"
)

// EngineMacros creates, in a new session engine, the match operators'
// functions (operators.go), the built-ins' Postgres versions above and
// the built-ins the engine lacks (missing.go), but for the families made
// on demand (demandmacros.go).
var EngineMacros = func() string {
	var b strings.Builder
	b.WriteString(regexOperatorMacros)
	for _, m := range engineMacroDefs() {
		b.WriteString("CREATE OR REPLACE MACRO " + m + ";\n")
	}
	return b.String()
}()

// engineMacroDefs are the definitions EngineMacros creates with the
// operators.
func engineMacroDefs() []string {
	return slices.Concat(jsonNumberMacros, builtinMacros, missingMacros, valueMacros, characterMacros, jsonbMacros, jsonbDeletePathMacros, characterTypeofMacros, jsonbConcatMacros, arrayConcatMacros, jsonbCompareMacros, jsonbGroupMacros, jsonTextMacros, numericMacros, caseValueMacros, extremeValueMacros, scaleGuardMacros, numericMathMacros, nestedDivisionMacros, floatCheckMacros)
}

// EngineMacroNames are the names EngineMacros and the demand families
// (DemandMacrosSQL) create: an engine handed to another session keeps
// them.
func EngineMacroNames() []string {
	names := []string{"~^", "!~^", "~*", "!~*", tzAbbrevMacro}
	for _, m := range slices.Concat(engineMacroDefs(), demandDefs()) {
		names = append(names, macroName(m))
	}
	return names
}

// LambdaMacro reports whether name is a macro that takes an argument
// into a lambda, where the engine refuses a subquery: a caller must pass
// it none.
func LambdaMacro(name string) bool { return lambdaMacros[name] }

var lambdaMacros = func() map[string]bool {
	m := map[string]bool{}
	for _, def := range slices.Concat(engineMacroDefs(), demandDefs()) {
		if strings.Contains(def, "lambda ") || strings.Contains(def, " -> ") {
			m[macroName(def)] = true
		}
	}
	return m
}()

// DeterministicMacro reports whether name is one of the macros above
// (EngineMacros) whose result depends on its arguments only: a statement
// calling it may be answered from a kept result, as one calling the
// built-in it shadows may.
func DeterministicMacro(name string) bool { return deterministicMacros[name] }

var deterministicMacros = func() map[string]bool {
	m := map[string]bool{}
	for _, def := range slices.Concat(engineMacroDefs(), demandDefs()) {
		if !strings.Contains(def, "random()") {
			m[macroName(def)] = true
		}
	}
	return m
}()

// integerAsFloat8 is an expression of r's type (r is the engine's
// answer for x), or of DOUBLE where x is an integer or a NULL of no type:
// the type Postgres gives a function it has for float8 and numeric only.
// As in roundedType, typeof folds to a constant key once x is bound.
func integerAsFloat8(x, r string) string {
	return fmt.Sprintf("struct_extract({'f': NULL::DOUBLE, 'r': %s}, CASE WHEN typeof(%s) IN "+
		"('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', '\"NULL\"') "+
		"THEN 'f' ELSE 'r' END)", r, x)
}

// noFloatScale is the engine's f(x, n), or Postgres' error where x is a
// float (trunc with a scale is numeric's only).
func noFloatScale(f string) string {
	return "CASE WHEN lakegate_is_float(x) THEN lakegate_float_call('" + f + "', x, n) ELSE system.main." + f + "(x, n) END"
}

// roundedType is an expression of the type Postgres gives round(x, n)
// for a constant n: float8 for a float x, else numeric with n decimals
// (none for a negative n), the engine's DECIMAL(38, n). The engine's
// types cannot follow a value, so a struct of one NULL per scale is
// indexed by n: typeof and the CASE fold to a constant key once x and n
// are bound, and a non-constant n fails to bind (an error, not another
// scale). A NULL n takes scale 0: the answer is a numeric NULL.
func roundedType(x, n string) string {
	var b strings.Builder
	b.WriteString("struct_extract({'f': NULL::DOUBLE")
	for s := 0; s <= 38; s++ {
		fmt.Fprintf(&b, ", '%d': NULL::DECIMAL(38, %d)", s, s)
	}
	fmt.Fprintf(&b, "}, CASE WHEN typeof(%s) IN ('DOUBLE', 'FLOAT') THEN 'f' WHEN %s < 0 THEN '0' ELSE coalesce(CAST(%s AS VARCHAR), '0') END)", x, n, n)
	return b.String()
}
