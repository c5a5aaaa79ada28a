package main

import "testing"

func TestParseAutogroupNice(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"/autogroup-1540 nice 0\n", 0, true},
		{"/autogroup-1540 nice -15\n", -15, true},
		{"/autogroup-7 nice 19", 19, true},
		{"", 0, false},
		{"/autogroup-1540 nice\n", 0, false},
		{"/autogroup-1540 nice x\n", 0, false},
		{"/autogroup-1540 weight -15\n", 0, false},
	} {
		got, err := parseAutogroupNice(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseAutogroupNice(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
