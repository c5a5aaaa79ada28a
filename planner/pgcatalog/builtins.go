package pgcatalog

import (
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
	`"//"(a, b) AS CASE WHEN b = 0 THEN error('` + DivisionByZero + `') ELSE system.main."//"(a, b) END`,
	`"%"(a, b) AS CASE WHEN b = 0 THEN error('` + DivisionByZero + `') ELSE system.main."%"(a, b) END`,
	`mod(a, b) AS CASE WHEN b = 0 THEN error('` + DivisionByZero + `') ELSE system.main.mod(a, b) END`,
	// The engine answers -inf, NaN or NULL.
	`ln(x) AS CASE WHEN x = 0 THEN error('` + LogOfZero + `') WHEN x < 0 THEN error('` + LogOfNegative + `') ELSE system.main.ln(x) END`,
	`sqrt(x) AS CASE WHEN x < 0 THEN error('` + SqrtOfNegative + `') ELSE system.main.sqrt(x) END`,
	`power(a, b) AS CASE WHEN a = 0 AND b < 0 THEN error('` + ZeroToNegativePower + `') ` +
		`WHEN a < 0 AND b <> floor(b) THEN error('` + NegativeToFractionalPower + `') ELSE system.main.power(a, b) END`,
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
}

// Errors the macros raise, in Postgres' words (server/errors.go gives
// each its SQLSTATE).
const (
	DivisionByZero            = "division by zero"
	LogOfZero                 = "cannot take logarithm of zero"
	LogOfNegative             = "cannot take logarithm of a negative number"
	SqrtOfNegative            = "cannot take square root of a negative number"
	ZeroToNegativePower       = "zero raised to a negative power is undefined"
	NegativeToFractionalPower = "a negative number raised to a non-integer power yields a complex result"
	NullCharacter             = "null character not permitted"
	NegativeSubstringLength   = "negative substring length not allowed"
)

// EngineMacros creates, in a new session engine, the match operators'
// functions (operators.go), the built-ins' Postgres versions above and
// the built-ins the engine lacks (missing.go).
var EngineMacros = func() string {
	var b strings.Builder
	b.WriteString(regexOperatorMacros)
	for _, m := range slices.Concat(builtinMacros, missingMacros) {
		b.WriteString("CREATE OR REPLACE MACRO " + m + ";\n")
	}
	return b.String()
}()

// EngineMacroNames are the names EngineMacros creates: an engine handed to
// another session keeps them.
func EngineMacroNames() []string {
	names := []string{"~^", "!~^", "~*", "!~*"}
	for _, m := range slices.Concat(builtinMacros, missingMacros) {
		names = append(names, macroName(m))
	}
	return names
}
