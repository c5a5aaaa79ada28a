package pgtypes

import "testing"

func TestParseBool(t *testing.T) {
	for in, want := range map[string]int{ // 1 true, 0 false, -1 refused
		"1": 1, "0": 0, "t": 1, "TRUE": 1, " tr ": 1, "yes": 1, "y": 1, "on": 1, "o": -1,
		"f": 0, "False": 0, "no": 0, "n": 0, "off": 0, "of": 0, "": -1, "2": -1, "truex": -1, "offf": -1,
	} {
		v, ok := ParseBool(in)
		got := -1
		if ok && v {
			got = 1
		} else if ok {
			got = 0
		}
		if got != want {
			t.Errorf("ParseBool(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestTimestampInput(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-15 10:00+00":       "2024-03-15 10:00:00+00",
		"2024-03-15 10:00 +02:30":   "2024-03-15 10:00:00+02:30",
		"2024-03-15 10:00:00 -0230": "2024-03-15 10:00:00-02:30",
		"2024-03-15 10:00:00.5+02":  "",
		"2024-03-15T10:00Z":         "2024-03-15T10:00:00Z",
		"2024-03-15 10:00:00+00":    "",
		"2024-03-15 10:00":          "",
		"2024-03-15":                "",
	} {
		got, ok := TimestampInput(in)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("TimestampInput(%q) = %q, want %q", in, got, want)
		}
	}
}
