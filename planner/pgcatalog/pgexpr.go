package pgcatalog

import (
	"strings"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// extract(field FROM x) is numeric in Postgres 15: whole for most fields,
// with six decimals for second and epoch (of anything but a date), three
// for millisecond. The engine reads it as date_part('field', x), a
// BIGINT, and drops the fraction of a second; date_part itself is float8
// in Postgres (builtins.go). So the call is rewritten, in its text, to
// the macro that gives the field's numeric: extract(year FROM x) ->
// lakegate_extract('year', x), extract(second FROM x) ->
// lakegate_extract_second(x). The result column keeps the name extract.

// extractMacros are the macros of the fields whose numeric has decimals,
// by Postgres' spellings of the field.
var extractMacros = map[string]string{
	"second": "lakegate_extract_second", "seconds": "lakegate_extract_second", "sec": "lakegate_extract_second",
	"secs": "lakegate_extract_second", "millisecond": "lakegate_extract_millisecond",
	"milliseconds": "lakegate_extract_millisecond", "ms": "lakegate_extract_millisecond",
	"msec": "lakegate_extract_millisecond", "msecs": "lakegate_extract_millisecond",
	"epoch": "lakegate_extract_epoch",
}

// extractCall reads "( field FROM" of an extract call whose "(" is
// in[open]; it returns the text that replaces extract up to FROM and the
// index of FROM.
func extractCall(in []piece, open int) (string, int, bool) {
	f := open + 1
	for f < len(in) && in[f].kind == ' ' {
		f++
	}
	if f >= len(in) {
		return "", 0, false
	}
	var field string
	switch in[f].kind {
	case 'w', 'q':
		field = in[f].identName()
	case 's':
		v, ok := sqlparse.StringValue(in[f].text)
		if !ok {
			return "", 0, false
		}
		field = strings.ToLower(v)
	default:
		return "", 0, false
	}
	from := f + 1
	for from < len(in) && in[from].kind == ' ' {
		from++
	}
	if from >= len(in) || in[from].identName() != "from" || field == "" {
		return "", 0, false
	}
	if m, ok := extractMacros[field]; ok {
		return m + "(", from, true
	}
	return "lakegate_extract(" + sqlparse.QuoteLiteral(field) + ",", from, true
}
