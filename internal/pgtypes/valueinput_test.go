package pgtypes

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
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

// The fast paths of integer and timestamp input agree with the general
// ones, and leave what they do not read to them.
func TestIntTimestampInputPaths(t *testing.T) {
	for _, s := range []string{"0", "-0", "+7", "-9", "123456789012345678", "-123456789012345678", "2147483647",
		"2147483648", "-2147483648", "-2147483649", "", "-", "+", "1a", " 5", "+-1", "0x10", "9223372036854775807"} {
		for _, bits := range []int{32, 64} {
			x, ok := parseShortInt([]byte(s), bits)
			want, err := parseInt([]byte(s+" "), bits, "t") // the space takes the general path
			if ok && (err != nil || x != want) {
				t.Errorf("%q as int%d: fast %d, general %d %v", s, bits, x, want, err)
			}
		}
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"2026-01-01 00:00:00", "2026-01-01 00:00:00+00", "2026-01-01T12:34:56Z",
		"2024-02-29 23:59:59.999999-08", "2023-02-29 00:00:00", "1999-12-31 23:59:59.5+05:30", "2000-03-01 01:02:03+0130",
		"0001-01-01 00:00:00", "9999-12-31 23:59:59", "1970-01-01 00:00:00.1234567", "2026-13-01 00:00:00",
		"2026-06-30 24:00:00", "2026-06-30 12:00:60", "2026-06-31 00:00:00", "2026-01-01 00:00:00+16",
		"2026-01-01 00:00:00 UTC", "2026-01-01 00:00:00.", "2026-07-01 10:00:00-03:7"} {
		_, _, _, ok := parseShortTimestamp([]byte(s))
		for _, zoned := range []bool{false, true} {
			for _, l := range []*time.Location{time.UTC, loc} {
				got, gerr := parseTimestamp([]byte(s), zoned, l)
				want, werr := parseTimestamp([]byte(" "+s), zoned, l) // the space takes the general path
				if ok && (gerr != nil || werr != nil || got != want) {
					t.Errorf("%q (zoned %v, %s): fast %d %v, general %d %v", s, zoned, l, got, gerr, want, werr)
				}
			}
		}
	}
}

// rescale agrees with decimal128's scaling on both sides of its 64-bit
// fast path.
func TestRescale(t *testing.T) {
	for _, x := range []uint64{0, 1, 4, 5, 15, 25, 49, 50, 99, 12345, 999999999999999999, 1<<64 - 1} {
		for by := int32(-25); by <= 25; by++ {
			if float64(x)*math.Pow10(int(by)) > 1e38 {
				continue // beyond 128 bits: decimal128 panics
			}
			want := decimal128.FromU64(x)
			if by >= 0 {
				want = want.IncreaseScaleBy(by)
			} else {
				want = want.ReduceScaleBy(-by, true)
			}
			if got := rescale(x, by); got != want {
				t.Errorf("rescale(%d, %d) = %s, want %s", x, by, got.ToString(0), want.ToString(0))
			}
		}
	}
}
