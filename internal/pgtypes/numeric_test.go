package pgtypes

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestNumericBinaryBytes: binary numerics as PostgreSQL 15's numeric_send
// writes them (ndigits, weight, sign, dscale, then base-10000 digits
// without leading or trailing zeros), for each class of scale%4 and both
// the 64-bit and the 128-bit path.
func TestNumericBinaryBytes(t *testing.T) {
	t.Parallel()
	field := func(words ...uint16) []byte {
		b := []byte{0, 0, 0, byte(2 * len(words))}
		for _, w := range words {
			b = append(b, byte(w>>8), byte(w))
		}
		return b
	}
	neg := func(v int64) (uint64, uint64) { return uint64(v >> 63), uint64(v) }
	cases := []struct {
		name   string
		hi, lo uint64
		scale  int32
		want   []byte
	}{
		{"123.45", 0, 12345, 2, field(2, 0, 0, 2, 123, 4500)},
		{"1.001", 0, 1001, 3, field(2, 0, 0, 3, 1, 10)},
		{"0.5", 0, 5, 1, field(1, 0xffff, 0, 1, 5000)},
		{"10000", 0, 10000, 0, field(1, 1, 0, 0, 1)},
		{"0.000", 0, 0, 3, field(0, 0, 0, 3)},
		{"99999999.9999", 0, 999999999999, 4, field(3, 1, 0, 4, 9999, 9999, 9999)},
		{"-0.05", 0, 0, 2, field(1, 0xffff, 0x4000, 2, 500)},
		{"-92233720368547758.08", 0, 0, 2, field(6, 4, 0x4000, 2, 9, 2233, 7203, 6854, 7758, 800)},
		// 2^64 + 1 at scale 2: 184467440737095516.17 (the 128-bit path)
		{"184467440737095516.17", 1, 1, 2, field(6, 4, 0, 2, 18, 4467, 4407, 3709, 5516, 1700)},
	}
	cases[6].hi, cases[6].lo = neg(-5)
	cases[7].hi, cases[7].lo = neg(-9223372036854775808)
	for _, c := range cases {
		if got := appendNumericBinary(nil, c.hi, c.lo, c.scale); !bytes.Equal(got, c.want) {
			t.Errorf("%s: % x, want % x", c.name, got, c.want)
		}
	}
}

// TestShortNumericBinary: the 64-bit path of appendNumericBinary writes
// the same bytes as the 128-bit one, for every scale a decimal can have,
// on values around its bound, powers of ten (trailing zero digits) and
// random magnitudes of every length.
func TestShortNumericBinary(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(13, 2))
	vals := []uint64{0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 10001, 123456789,
		maxShortNumeric, maxShortNumeric - 1, 1e16, 1e16 - 1, 1e15}
	for p := uint64(1); p < maxShortNumeric/10; p *= 10 {
		vals = append(vals, p, p-1, p+1, 5*p)
	}
	for range 2000 {
		vals = append(vals, r.Uint64N(maxShortNumeric)>>r.UintN(60))
	}
	for scale := int32(0); scale <= 38; scale++ {
		for _, m := range vals {
			for _, neg := range []bool{false, true} {
				got := appendShortNumericBinary([]byte("x"), neg, m, scale)
				want := appendLongNumericBinary([]byte("x"), neg, 0, m, scale)
				if !bytes.Equal(got, want) {
					t.Fatalf("%d scale %d neg %v: % x, want % x", m, scale, neg, got, want)
				}
			}
		}
	}
}
