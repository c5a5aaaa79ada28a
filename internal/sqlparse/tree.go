package sqlparse

import "encoding/json"

// The engine's parse tree (json_serialize_sql) reaches the planner and the
// pg catalog emulation as decoded JSON objects; these read its fields.

// Str is the string field k of a parse tree node ("" when absent).
func Str(n map[string]any, k string) string {
	s, _ := n[k].(string)
	return s
}

// Num is the integer field k of a parse tree node (-1 when absent).
func Num(n map[string]any, k string) int64 {
	switch v := n[k].(type) {
	case json.Number:
		i, _ := v.Int64()
		return i
	case float64:
		return int64(v)
	}
	return -1
}
