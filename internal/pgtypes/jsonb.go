package pgtypes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// OIDJSONB is Postgres' jsonb: the engine has one JSON type, which the
// planner labels jsonb where the expression is one (a ::jsonb cast,
// to_jsonb, jsonb_build_object...). Postgres stores jsonb decomposed and
// writes it back normalized: object keys once (the last one given wins),
// shorter keys first and keys of one length in byte order, ", " between
// items and ": " after keys, numbers as numeric writes them. The text
// and binary formats (a version byte 1, then the text) carry that text.
// See https://www.postgresql.org/docs/15/datatype-json.html
const (
	OIDJSONB      = 3802
	OIDJSONBArray = 3807
)

func init() { arrayOIDs[OIDJSONB] = OIDJSONBArray }

// JSONBText writes the JSON text s as Postgres writes a jsonb value.
func JSONBText(s string) (string, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var b bytes.Buffer
	if err := writeJSONB(&b, d); err != nil {
		return "", fmt.Errorf("jsonb: %w", err)
	}
	if _, err := d.Token(); err == nil {
		return "", fmt.Errorf("jsonb: text after the value")
	}
	return b.String(), nil
}

// writeJSONB reads one value from d and writes it normalized.
func writeJSONB(b *bytes.Buffer, d *json.Decoder) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '[':
			b.WriteByte('[')
			for n := 0; d.More(); n++ {
				if n > 0 {
					b.WriteString(", ")
				}
				if err := writeJSONB(b, d); err != nil {
					return err
				}
			}
			_, err := d.Token()
			b.WriteByte(']')
			return err
		case '{':
			vals := map[string]string{}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return err
				}
				var v bytes.Buffer
				if err := writeJSONB(&v, d); err != nil {
					return err
				}
				vals[k.(string)] = v.String()
			}
			if _, err := d.Token(); err != nil {
				return err
			}
			keys := make([]string, 0, len(vals))
			for k := range vals {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool {
				if len(keys[i]) != len(keys[j]) {
					return len(keys[i]) < len(keys[j])
				}
				return keys[i] < keys[j]
			})
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteString(", ")
				}
				writeJSONString(b, k)
				b.WriteString(": ")
				b.WriteString(vals[k])
			}
			b.WriteByte('}')
			return nil
		}
	case string:
		writeJSONString(b, t)
	case json.Number:
		b.WriteString(jsonbNumber(string(t)))
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
	return nil
}

// jsonbNumber writes a JSON number as Postgres' numeric does: without an
// exponent (1e2 is 100, 1.5E-3 0.0015).
func jsonbNumber(n string) string {
	i := strings.IndexAny(n, "eE")
	if i < 0 {
		return n
	}
	exp, err := strconv.Atoi(n[i+1:])
	if err != nil || exp > 1000 || exp < -1000 {
		return n
	}
	sign, mant := "", n[:i]
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	scale := max(len(frac)-exp, 0)
	digits, point := intPart+frac, len(intPart)+exp
	switch {
	case point <= 0:
		digits, point = strings.Repeat("0", 1-point)+digits, 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	whole := strings.TrimLeft(digits[:point], "0")
	if whole == "" {
		whole = "0"
	}
	if scale == 0 {
		return sign + whole
	}
	return sign + whole + "." + digits[point:]
}

// writeJSONString writes s as a JSON string the way Postgres escapes it:
// quote, backslash and control characters; everything else as it is.
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
}
