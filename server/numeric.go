package server

import (
	"encoding/binary"

	"github.com/jackc/pgx/v5/pgtype"
)

// PostgreSQL sends a numeric in binary with no leading or trailing zero
// base-10000 digits (numeric.c, make_result); pgtype keeps trailing zero
// digits ("5.00" as 5, 0000 with dscale 2). Both decode to the same value,
// but lakegate's binary output, in DataRow and in COPY BINARY, is
// PostgreSQL's own: canonicalNumeric trims the digits pgtype writes.

type canonicalNumeric struct{ pgtype.NumericCodec }

func (c canonicalNumeric) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	p := c.NumericCodec.PlanEncode(m, oid, format, value)
	if p == nil || format != pgtype.BinaryFormatCode {
		return p
	}
	return trimmedNumeric{p}
}

type trimmedNumeric struct{ next pgtype.EncodePlan }

func (p trimmedNumeric) Encode(value any, buf []byte) ([]byte, error) {
	start := len(buf)
	out, err := p.next.Encode(value, buf)
	if err != nil || out == nil || len(out)-start < 8 {
		return out, err
	}
	b := out[start:]
	nd := int(binary.BigEndian.Uint16(b[0:2]))
	weight := int16(binary.BigEndian.Uint16(b[2:4]))
	sign := binary.BigEndian.Uint16(b[4:6])
	if sign >= 0xC000 || len(b) < 8+2*nd {
		return out, nil // NaN, infinities
	}
	digits := b[8 : 8+2*nd]
	lead := 0
	for lead < nd && digits[2*lead] == 0 && digits[2*lead+1] == 0 {
		lead++
	}
	end := nd
	for end > lead && digits[2*end-2] == 0 && digits[2*end-1] == 0 {
		end--
	}
	if lead == 0 && end == nd {
		return out, nil
	}
	n := end - lead
	weight -= int16(lead)
	if n == 0 {
		weight, sign = 0, 0
	}
	binary.BigEndian.PutUint16(b[0:2], uint16(n))
	binary.BigEndian.PutUint16(b[2:4], uint16(weight))
	binary.BigEndian.PutUint16(b[4:6], sign)
	copy(b[8:], digits[2*lead:2*end])
	return out[:start+8+2*n], nil
}

// registerTypes adjusts a connection's type map for output.
func registerTypes(m *pgtype.Map) {
	num := &pgtype.Type{Name: "numeric", OID: oidNumeric, Codec: canonicalNumeric{}}
	m.RegisterType(num)
	m.RegisterType(&pgtype.Type{Name: "_numeric", OID: arrayOIDs[oidNumeric], Codec: &pgtype.ArrayCodec{ElementType: num}})
}
