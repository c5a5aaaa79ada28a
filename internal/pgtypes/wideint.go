package pgtypes

import (
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Integers wider than a signed 128 bits reach the encoder in Arrow types
// that do not say what they hold, so the encoder is told the engine type
// (Type.Engine) of such columns:
//   - UHUGEINT arrives as decimal(38,0) holding the value's 128 bits: read
//     as a signed decimal, 2^128-1 would read -1;
//   - BIGNUM (VARINT) arrives as opaque bytes in DuckDB's encoding: a
//     3-byte header whose top bit is set for a value >= 0 and whose other
//     23 bits count the magnitude's bytes, then the magnitude big-endian;
//     a negative value has every byte (header included) inverted.
// Both are sent as numeric (https://www.postgresql.org/docs/15/datatype-numeric.html).

// wideIntEncoder returns the encoder of a UHUGEINT or BIGNUM column sent as
// numeric, or nil.
func wideIntEncoder(engine string, arr arrow.Array, oid uint32, bin bool) fieldEncoder {
	if oid != OIDNumeric {
		return nil
	}
	var value func(arr arrow.Array, i int) (*big.Int, error)
	switch a := arr.(type) {
	case *array.Decimal128:
		if engine != "UHUGEINT" {
			return nil
		}
		value = func(_ arrow.Array, i int) (*big.Int, error) {
			v := a.Value(i)
			n := new(big.Int).SetUint64(uint64(v.HighBits()))
			n.Lsh(n, 64)
			return n.Or(n, new(big.Int).SetUint64(v.LowBits())), nil
		}
	case *array.Binary:
		if engine != "BIGNUM" {
			return nil
		}
		value = func(_ arrow.Array, i int) (*big.Int, error) { return decodeBignum(a.Value(i)) }
	default:
		return nil
	}
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		for i := lo; i < hi; i++ {
			if arr.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			n, err := value(arr, i)
			if err != nil {
				return nil, err
			}
			dst = appendBigNumeric(dst, n, bin)
		}
		return dst, nil
	}
}

// decodeBignum reads DuckDB's BIGNUM encoding.
func decodeBignum(b []byte) (*big.Int, error) {
	if len(b) < 3 {
		return nil, fmt.Errorf("pgtypes: BIGNUM value of %d bytes", len(b))
	}
	neg := b[0]&0x80 == 0
	mag := make([]byte, len(b)-3)
	copy(mag, b[3:])
	if neg {
		for i := range mag {
			mag[i] = ^mag[i]
		}
	}
	n := new(big.Int).SetBytes(mag)
	if neg {
		n.Neg(n)
	}
	return n, nil
}

// appendBigNumeric appends the length-prefixed numeric (scale 0) of n, in
// text or binary (numeric_send: ndigits, weight, sign, dscale, then
// base-10000 digits, most significant first, without trailing zero digits).
func appendBigNumeric(dst []byte, n *big.Int, bin bool) []byte {
	if !bin {
		s := n.String()
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
		return append(dst, s...)
	}
	abs := new(big.Int).Abs(n)
	var digits []uint16 // least significant first
	base := big.NewInt(10000)
	rem := new(big.Int)
	for abs.Sign() > 0 {
		abs.QuoRem(abs, base, rem)
		digits = append(digits, uint16(rem.Uint64()))
	}
	low := 0
	for low < len(digits) && digits[low] == 0 {
		low++
	}
	nd := len(digits) - low
	weight, sign := len(digits)-1, uint16(0)
	if nd == 0 {
		weight = 0
	} else if n.Sign() < 0 {
		sign = 0x4000
	}
	dst, out := numericField(dst, nd, weight, sign, 0)
	for i := len(digits) - 1; i >= low; i-- {
		binary.BigEndian.PutUint16(out, digits[i])
		out = out[2:]
	}
	return dst
}
