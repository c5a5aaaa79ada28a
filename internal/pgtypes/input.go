package pgtypes

import (
	"regexp"
	"strings"
)

// ParseBool reads Postgres' text input of a boolean: after white space
// is trimmed, in any case, 1 and 0 or a prefix of true, false, yes or no,
// or of on or off at least two letters long. ok is false for other text,
// which Postgres refuses (the engine reads fewer spellings).
func ParseBool(s string) (v, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return false, false
	}
	prefix := func(word string, min int) bool { return len(s) >= min && strings.HasPrefix(word, s) }
	switch {
	case s == "1", prefix("true", 1), prefix("yes", 1), prefix("on", 2):
		return true, true
	case s == "0", prefix("false", 1), prefix("no", 1), prefix("off", 2):
		return false, true
	}
	return false, false
}

// zonedTimestamp is a timestamp with a time zone offset or Z: date, time
// to the minute, seconds, offset.
var zonedTimestamp = regexp.MustCompile(`^\s*(\d{4,}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2})(:\d{2}(?:\.\d+)?)?\s*(?:([+-]\d{1,2})(?::?(\d{2}))?|([zZ]))\s*$`)

// TimestampInput spells a timestamp's text as the engine reads it where
// the engine refuses what Postgres accepts before a time zone offset: a
// time without seconds ('2024-03-15 10:00+00' is 10:00:00), a space
// ('10:00:00 +02'), an offset without a colon ('+0230'). ok is false when
// the text needs no change.
func TimestampInput(s string) (string, bool) {
	m := zonedTimestamp.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	out := m[1] + m[2]
	if m[2] == "" {
		out += ":00"
	}
	switch {
	case m[5] != "":
		out += m[5]
	case m[4] != "":
		out += m[3] + ":" + m[4]
	default:
		out += m[3]
	}
	return out, out != s
}
