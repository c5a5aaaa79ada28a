package pgcatalog

import "testing"

// TestJSONField: the part of a json text an operator selects, as written.
func TestJSONField(t *testing.T) {
	for _, tc := range []struct{ doc, sel, how, as, want string }{
		{`{"a": [1,  2], "b": "x\"y"}`, "a", "k", "j", "v[1,  2]"},
		{`{"a": [1,  2], "b": "x\"y"}`, "b", "k", "t", `vx"y`},
		{`{"a": [1,  2], "b": "x\"y"}`, "b", "k", "j", `v"x\"y"`},
		{` {"a" : 1 , "a" : {"c" : "}"} } `, "a", "k", "j", `v{"c" : "}"}`},
		{`{"a": null}`, "a", "k", "t", "n"},
		{`{"a": null}`, "a", "k", "j", "vnull"},
		{`{"a": 1}`, "b", "k", "j", "n"},
		{`{"a": 1}`, "0", "i", "j", "n"},
		{`[1, [2,  3], "s"]`, "1", "i", "j", "v[2,  3]"},
		{`[1, [2,  3], "s"]`, "-1", "i", "t", "vs"},
		{`[1, [2,  3], "s"]`, "-4", "i", "j", "n"},
		{`[]`, "0", "i", "j", "n"},
		{`"x"`, "0", "i", "j", "n"},
		{`{"a": {"b": [5, 6]}}`, "{a,b,1}", "p", "j", "v6"},
		{`{"a": {"b": [5, 6]}}`, "{a, b}", "p", "t", "v[5, 6]"},
		{`{"a": {"b": [5, 6]}}`, "{}", "p", "j", `v{"a": {"b": [5, 6]}}`},
		{`{"a": {"b": [5, 6]}}`, "{a,x}", "p", "j", "n"},
		// a path given as a list (its JSON)
		{`{"a": {"b": [5, 6]}}`, `["a","b","-1"]`, "l", "j", "v6"},
		{`{"a": {"b": [5, 6]}}`, `["a","b"]`, "l", "t", "v[5, 6]"},
		{`{"a": {"b": [5, 6]}}`, `["a",null]`, "l", "j", "n"},
		{`{"a": {"b": [5, 6]}}`, `[]`, "l", "j", `v{"a": {"b": [5, 6]}}`},
	} {
		got, err := jsonField([]string{tc.doc, tc.sel, tc.how, tc.as})
		if err != nil || got != tc.want {
			t.Errorf("%s %s %s %s: %q, %v; want %q", tc.doc, tc.how, tc.sel, tc.as, got, err, tc.want)
		}
	}
	if _, err := jsonField([]string{`{"a": `, "a", "k", "j"}); err == nil {
		t.Error("malformed json: no error")
	}
	if _, err := jsonField([]string{`{"a": 1}`, `[1]`, "l", "j"}); err == nil || err.Error() != JSONPathType {
		t.Errorf("a path of integers: %v, want %q", err, JSONPathType)
	}
}

// TestJSONParts: json_array_elements' and json_each's parts as written.
func TestJSONParts(t *testing.T) {
	for _, tc := range []struct{ doc, kind, want string }{
		{`[1, [2,  3], "s" ,null]`, "a", `["1","[2,  3]","\"s\"","null"]`},
		{` [ ] `, "a", `[]`},
		{`{"a" : [1,  2], "a": {"b" : "}"}}`, "o", `[["a","[1,  2]"],["a","{\"b\" : \"}\"}"]]`},
		{`{}`, "o", `[]`},
	} {
		got, err := jsonParts([]string{tc.doc, tc.kind})
		if err != nil || got != tc.want {
			t.Errorf("%s %s: %s, %v; want %s", tc.doc, tc.kind, got, err, tc.want)
		}
	}
	for _, bad := range [][]string{{`[1,`, "a"}, {`{"a": 1}`, "a"}, {`[1]`, "o"}} {
		if _, err := jsonParts(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
