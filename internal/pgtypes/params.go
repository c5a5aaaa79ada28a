package pgtypes

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// paramTypes holds type maps for decoding parameters. A pgtype.Map caches
// plans and is not safe for concurrent use, so each decode borrows one.
var paramTypes = sync.Pool{New: func() any { return pgtype.NewMap() }}

// decodeValue decodes b as pgtype's default Go value for oid.
func decodeValue(oid uint32, format int16, b []byte) (any, error) {
	m := paramTypes.Get().(*pgtype.Map)
	defer paramTypes.Put(m)
	t, ok := m.TypeForOID(oid)
	if !ok {
		return string(b), nil
	}
	return t.Codec.DecodeValue(m, oid, format, b)
}

const (
	oidJSONB     = 3802
	oidTextArray = 1009
)

// Param is a Bind parameter value as the client sent it.
type Param struct {
	Format int16  // pgtype.TextFormatCode or pgtype.BinaryFormatCode
	Value  []byte // nil for NULL
}

// ParamError is a parameter value that does not decode as its type.
type ParamError struct {
	Index int // from 0; the message counts from $1
	Err   error
}

func (e *ParamError) Error() string { return fmt.Sprintf("$%d: %v", e.Index+1, e.Err) }

func (e *ParamError) Unwrap() error { return e.Err }

// DecodeParams turns Bind parameter values into Go values for the planner;
// oids are the parameters' types (text where missing). Text-format values
// are passed as text and converted by the engine to the parameter's type,
// except where DuckDB reads PostgreSQL's text differently (bytea hex,
// arrays, BC dates); binary values are decoded by their declared type. A
// value that does not decode fails with a ParamError.
func DecodeParams(params []Param, oids []uint32) ([]any, error) {
	out := make([]any, len(params))
	for i, p := range params {
		if p.Value == nil {
			continue
		}
		oid := uint32(OIDText)
		if i < len(oids) {
			oid = oids[i]
		}
		var (
			v   any
			err error
		)
		if p.Format == pgtype.TextFormatCode {
			v, err = decodeText(oid, p.Value)
		} else {
			v, err = decodeBinary(oid, p.Value)
		}
		if err != nil {
			return nil, &ParamError{Index: i, Err: err}
		}
		out[i] = v
	}
	return out, nil
}

// decodeText rewrites the PostgreSQL text forms DuckDB's casts do not read
// the same way; everything else is passed through for the engine to cast.
func decodeText(oid uint32, b []byte) (any, error) {
	s := string(b)
	switch oid {
	case OIDBytea:
		// DuckDB reads '\xdead' as the byte 0xDE followed by "ad".
		return decodeValue(OIDBytea, pgtype.TextFormatCode, b)
	case OIDDate, OIDTimestamp, OIDTimestamptz:
		return fromBC(s), nil
	case OIDInterval:
		// "-1 days +02:00:00": DuckDB does not accept the explicit "+".
		return strings.ReplaceAll(s, " +", " "), nil
	}
	if elem, ok := ElementOID(oid); ok {
		// DuckDB casts "[1, NULL, 3]" to a list, not "{1,NULL,3}". The
		// elements stay text, as a single text parameter does: clients send
		// whatever PostgreSQL's input functions accept (pgx sends a time.Time
		// in a date[] as "2024-02-29 00:00:00Z").
		v, err := decodeValue(oidTextArray, pgtype.TextFormatCode, b)
		if err != nil {
			return nil, err
		}
		elems, _ := v.([]any)
		for i, e := range elems {
			if e, ok := e.(string); ok {
				if elems[i], err = decodeText(elem, []byte(e)); err != nil {
					return nil, err
				}
			}
		}
		return listLiteral(elem, elems)
	}
	return s, nil
}

// fromBC turns PostgreSQL's "0044-03-15 ... BC" into DuckDB's
// "-0043-03-15 ..." (year 0 is 1 BC); DuckDB ignores a trailing "BC".
func fromBC(s string) string {
	rest, ok := strings.CutSuffix(strings.TrimSpace(s), " BC")
	if !ok {
		return s
	}
	i := strings.IndexByte(rest, '-')
	y, err := strconv.Atoi(rest[:max(i, 0)])
	if i <= 0 || err != nil {
		return s
	}
	return fmt.Sprintf("-%04d%s", y-1, rest[i:])
}

func decodeBinary(oid uint32, b []byte) (any, error) {
	switch oid {
	case OIDJSON:
		return string(b), nil // binary json is its text
	case oidJSONB:
		if len(b) == 0 || b[0] != 1 {
			return nil, fmt.Errorf("unsupported jsonb version")
		}
		return string(b[1:]), nil
	}
	v, err := decodeValue(oid, pgtype.BinaryFormatCode, b)
	if err != nil {
		return nil, err
	}
	return engineValue(oid, v)
}

// engineValue converts a value pgtype decoded for oid to one the planner
// binds: a Go scalar, or text the engine casts to the parameter's type.
func engineValue(oid uint32, v any) (any, error) {
	switch x := v.(type) {
	case int16, int32, int64, float32, float64, bool, string, []byte, nil:
		return x, nil
	case time.Time:
		return timeText(oid, x), nil
	case pgtype.InfinityModifier:
		if x == pgtype.Infinity {
			return "infinity", nil
		}
		return "-infinity", nil
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
	case []any:
		elem, ok := ElementOID(oid)
		if !ok || elem == OIDJSON {
			return nil, fmt.Errorf("array parameters of type %d are not supported", oid)
		}
		return listLiteral(elem, x)
	case map[string]any:
		return nil, fmt.Errorf("parameters of type %d are not supported; send them as text", oid)
	}
	return fmt.Sprint(v), nil
}

// timeText formats a date or timestamp parameter as DuckDB reads it, with
// a negative year before 1 AD.
func timeText(oid uint32, t time.Time) string {
	switch oid {
	case OIDDate:
		return t.Format("2006-01-02")
	case OIDTimestamp:
		return t.Format("2006-01-02 15:04:05.999999")
	}
	return t.Format("2006-01-02 15:04:05.999999-07:00")
}

// listLiteral renders array elements as the text DuckDB casts to a list:
// "[1, NULL, \"b c\"]". Text is always quoted ("NULL" stays a string) with
// backslash escapes; bytea is written as \xHH escapes, which the element's
// BLOB cast decodes.
func listLiteral(elemOID uint32, elems []any) (string, error) {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, e := range elems {
		if i > 0 {
			sb.WriteString(", ")
		}
		v, err := engineValue(elemOID, e)
		if err != nil {
			return "", err
		}
		switch x := v.(type) {
		case nil:
			sb.WriteString("NULL")
		case []byte:
			if len(x) == 0 {
				sb.WriteString(`""`)
			}
			for _, c := range x {
				fmt.Fprintf(&sb, `\x%02X`, c)
			}
		case float32:
			sb.WriteString(FloatText(float64(x), 32))
		case float64:
			sb.WriteString(FloatText(x, 64))
		case int16, int32, int64, bool:
			fmt.Fprint(&sb, x)
		case string:
			sb.WriteByte('"')
			for _, r := range x {
				if r == '"' || r == '\\' {
					sb.WriteByte('\\')
				}
				sb.WriteRune(r)
			}
			sb.WriteByte('"')
		default:
			return "", fmt.Errorf("array element of Go type %T", v)
		}
	}
	sb.WriteByte(']')
	return sb.String(), nil
}

// FloatText formats a float so that DuckDB (and Postgres) parse back the
// same value: nan, inf, -inf, or the shortest decimal form.
func FloatText(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}
