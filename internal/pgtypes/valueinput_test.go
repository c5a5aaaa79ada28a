package pgtypes

import (
	"encoding/binary"
	"testing"
)

// The fast paths of numeric input agree with the general one.
func TestDecimalInputPaths(t *testing.T) {
	for _, s := range []string{"0", "1.5", "-2.345", "2.355", "-0.004", "0.005", "99.995", "1234567890.12",
		"123456789012345678", "+7", "0.0000001", "12345678901.235", "9999999999.995"} {
		for _, ps := range [][2]int32{{12, 2}, {38, 10}, {5, 0}, {18, 4}} {
			want, werr := parseLongDecimal([]byte(s), ps[0], ps[1])
			got, ok := parseShortDecimal([]byte(s), ps[0], ps[1])
			if ok && (werr != nil || got != want) {
				t.Errorf("%s as numeric(%d,%d): fast %v, general %v %v", s, ps[0], ps[1], got, want, werr)
			}
			if !ok && werr == nil && len(s) < 15 {
				t.Errorf("%s as numeric(%d,%d): fast path refused a value the general one reads", s, ps[0], ps[1])
			}
		}
	}
	// binary: base-10000 digits with a weight, fast (<= 4 digits) and general
	for _, c := range []struct {
		digits []uint16
		weight int16
		neg    bool
		want   string
	}{
		{[]uint16{1234, 5650}, 0, false, "1234.57"},
		{[]uint16{1, 2345}, -1, true, "0.00"},
		{[]uint16{12, 3456, 7890, 1234}, 2, false, "1234567890.12"},
		{[]uint16{5}, -1, false, "0.00"},
		{[]uint16{50}, -1, false, "0.01"},
	} {
		b := make([]byte, 8+2*len(c.digits))
		binary.BigEndian.PutUint16(b, uint16(len(c.digits)))
		binary.BigEndian.PutUint16(b[2:], uint16(c.weight))
		if c.neg {
			binary.BigEndian.PutUint16(b[4:], 0x4000)
		}
		for i, d := range c.digits {
			binary.BigEndian.PutUint16(b[8+2*i:], d)
		}
		n, err := numericRecv(b, 12, 2)
		if err != nil || n.ToString(2) != c.want {
			t.Errorf("%v weight %d: %s %v, want %s", c.digits, c.weight, n.ToString(2), err, c.want)
		}
	}
}
