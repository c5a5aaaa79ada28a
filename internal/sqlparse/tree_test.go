package sqlparse

import (
	"encoding/json"
	"testing"
)

func TestTreeFields(t *testing.T) {
	n := map[string]any{"type": "SELECT_NODE", "a": json.Number("42"), "b": float64(7), "c": true}
	if Str(n, "type") != "SELECT_NODE" || Str(n, "a") != "" || Str(n, "none") != "" {
		t.Errorf("Str: %q %q", Str(n, "type"), Str(n, "a"))
	}
	if Num(n, "a") != 42 || Num(n, "b") != 7 || Num(n, "c") != -1 || Num(n, "none") != -1 {
		t.Errorf("Num: %d %d %d", Num(n, "a"), Num(n, "b"), Num(n, "c"))
	}
}
