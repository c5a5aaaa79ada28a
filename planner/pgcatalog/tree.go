package pgcatalog

import "encoding/json"

// node is a node of the engine's parse tree as json_serialize_sql gives it
// (the planner's analyzer reads the same tree).
type node = map[string]any

func str(n node, k string) string {
	s, _ := n[k].(string)
	return s
}

func num(n node, k string) int64 {
	switch v := n[k].(type) {
	case json.Number:
		i, _ := v.Int64()
		return i
	case float64:
		return int64(v)
	}
	return -1
}
