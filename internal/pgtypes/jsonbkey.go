package pgtypes

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// JSONBKey returns a text whose byte order is Postgres' order of jsonb
// values (compareJsonbContainers, under the C collation), equal for equal
// values: 1.0 and 1, {"b":1,"a":2} and {"a": 2, "b": 1}. The engine has
// one JSON type compared as text; comparisons and sorts of jsonb compare
// these keys instead. Postgres' order walks both values' tokens at once
// and the first difference decides:
//
//   - a value's type: null < string < number < boolean < array < object
//     (a scalar at the top is an array of one, marked raw: a raw scalar
//     sorts before an array of one element, after an empty array);
//   - arrays by their number of elements, objects by their number of
//     pairs, then element by element, or key, value, key... in jsonb's
//     key order (shorter keys first);
//   - strings by their bytes, numbers by value, false < true.
//
// The key is ASCII: a type letter, then counts as eight hex digits,
// strings as hex bytes closed by '!', numbers as sign, exponent and
// digits (negative ones complemented).
// See https://www.postgresql.org/docs/15/datatype-json.html#JSON-INDEXING
func JSONBKey(s string) (string, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	v, err := readJSONBValue(d)
	if err != nil {
		return "", fmt.Errorf("jsonb: %w", err)
	}
	if _, err := d.Token(); err == nil {
		return "", fmt.Errorf("jsonb: text after the value")
	}
	var b strings.Builder
	switch v.(type) {
	case []any, map[string]any:
		writeJSONBKey(&b, v)
	default:
		// a raw scalar: an array of one, marked
		b.WriteString("P00000001" + "0")
		writeJSONBKey(&b, v)
	}
	return b.String(), nil
}

// readJSONBValue reads one value: nil, bool, string, json.Number, []any
// or map[string]any (of duplicate keys the last, as jsonb keeps).
func readJSONBValue(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := t.(json.Delim)
	if !ok {
		return t, nil
	}
	switch delim {
	case '[':
		arr := []any{}
		for d.More() {
			e, err := readJSONBValue(d)
			if err != nil {
				return nil, err
			}
			arr = append(arr, e)
		}
		_, err := d.Token()
		return arr, err
	case '{':
		obj := map[string]any{}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			e, err := readJSONBValue(d)
			if err != nil {
				return nil, err
			}
			obj[k.(string)] = e
		}
		_, err := d.Token()
		return obj, err
	}
	return nil, fmt.Errorf("unexpected %v", delim)
}

// writeJSONBKey writes v's tokens.
func writeJSONBKey(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteByte('A')
	case string:
		writeJSONBKeyString(b, v)
	case json.Number:
		b.WriteByte('C')
		writeNumberKey(b, string(v))
	case bool:
		if v {
			b.WriteString("D1")
		} else {
			b.WriteString("D0")
		}
	case []any:
		fmt.Fprintf(b, "P%08x1", len(v))
		for _, e := range v {
			writeJSONBKey(b, e)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if len(keys[i]) != len(keys[j]) {
				return len(keys[i]) < len(keys[j])
			}
			return keys[i] < keys[j]
		})
		fmt.Fprintf(b, "Q%08x", len(v))
		for _, k := range keys {
			writeJSONBKeyString(b, k)
			writeJSONBKey(b, v[k])
		}
	}
}

// writeJSONBKeyString writes a string: its bytes in hex, then '!' (below
// every hex digit, so a prefix sorts first).
func writeJSONBKeyString(b *strings.Builder, s string) {
	b.WriteByte('B')
	fmt.Fprintf(b, "%x", s)
	b.WriteByte('!')
}

// writeNumberKey writes a JSON number n (valid) so that keys sort by
// value: '1' negative, '2' zero, '3' positive; then the exponent e of
// 0.d1d2... x 10^e as eight hex digits (offset) and the significant
// digits closed by '!'; a negative number's exponent and digits are
// complemented and closed by '~'.
func writeNumberKey(b *strings.Builder, n string) {
	neg := strings.HasPrefix(n, "-")
	n = strings.TrimPrefix(n, "-")
	exp := 0
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		fmt.Sscan(n[i+1:], &exp)
		n = n[:i]
	}
	intPart, frac, _ := strings.Cut(n, ".")
	digits := intPart + frac
	exp += len(intPart)
	trimmed := strings.TrimLeft(digits, "0")
	exp -= len(digits) - len(trimmed)
	digits = strings.TrimRight(trimmed, "0")
	if digits == "" {
		b.WriteByte('2')
		return
	}
	const offset = 1 << 30
	if !neg {
		fmt.Fprintf(b, "3%08x%s!", uint32(exp+offset), digits)
		return
	}
	fmt.Fprintf(b, "1%08x", ^uint32(exp+offset))
	for i := 0; i < len(digits); i++ {
		b.WriteByte('0' + '9' - digits[i])
	}
	b.WriteByte('~')
}
