package server

import (
	"fmt"
	"math/big"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	wire "github.com/jeroenrinzema/psql-wire"

	"github.com/lakegate/lakegate/planner"
)

var paramTypes = pgtype.NewMap()

// decodeParams turns Bind parameter values into Go values for the planner.
// Text-format values are passed as text and converted by the engine to the
// parameter's type; binary values are decoded by their declared type.
func decodeParams(params []wire.Parameter, oids []uint32) ([]any, error) {
	out := make([]any, len(params))
	for i, p := range params {
		if p.Value() == nil {
			continue
		}
		if p.Format() == wire.TextFormat {
			out[i] = string(p.Value())
			continue
		}
		oid := uint32(oidText)
		if i < len(oids) {
			oid = oids[i]
		}
		v, err := decodeBinary(oid, p.Value())
		if err != nil {
			return nil, fmt.Errorf("%w: $%d: %v", planner.ErrBadParameter, i+1, err)
		}
		out[i] = v
	}
	return out, nil
}

func decodeBinary(oid uint32, b []byte) (any, error) {
	t, ok := paramTypes.TypeForOID(oid)
	if !ok {
		return string(b), nil
	}
	v, err := t.Codec.DecodeValue(paramTypes, oid, pgtype.BinaryFormatCode, b)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case int16, int32, int64, float32, float64, bool, string, []byte, nil:
		return x, nil
	case time.Time:
		if oid == oidDate {
			return x.Format("2006-01-02"), nil
		}
		if oid == oidTimestamp {
			return x.Format("2006-01-02 15:04:05.999999"), nil
		}
		return x, nil
	case [16]byte:
		return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16]), nil
	case pgtype.Numeric:
		if x.NaN {
			return "NaN", nil
		}
		if x.InfinityModifier != pgtype.Finite {
			return nil, fmt.Errorf("infinite numeric")
		}
		r := new(big.Rat).SetInt(x.Int)
		if x.Exp > 0 {
			r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Exp)), nil)))
		} else if x.Exp < 0 {
			r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-x.Exp)), nil)))
			return r.FloatString(int(-x.Exp)), nil
		}
		return r.FloatString(0), nil
	case pgtype.Time:
		us := x.Microseconds
		return fmt.Sprintf("%02d:%02d:%02d.%06d", us/3600e6, us/60e6%60, us/1e6%60, us%1e6), nil
	case pgtype.Interval:
		return fmt.Sprintf("%d months %d days %d microseconds", x.Months, x.Days, x.Microseconds), nil
	case map[string]any, []any:
		return nil, fmt.Errorf("binary parameters of type %d are not supported; send them as text", oid)
	}
	return fmt.Sprint(v), nil
}
