package pgtypes

import (
	"strconv"
	"strings"
	"time"
)

// The text input of bytea, uuid, date, time and timestamps (valueinput.go
// has the numbers and ColumnInput).

// parseBytea reads bytea's hex (\x...) and escape forms.
func parseBytea(v []byte) ([]byte, error) {
	if len(v) >= 2 && v[0] == '\\' && v[1] == 'x' {
		out := make([]byte, 0, (len(v)-2)/2)
		for i := 2; i < len(v); {
			c := v[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				i++
				continue
			}
			hi, ok := hexDigit(c)
			if !ok {
				return nil, inputErr(InputParameter, "invalid hexadecimal digit: %q", string(c))
			}
			if i+1 >= len(v) {
				return nil, inputErr(InputParameter, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := hexDigit(v[i+1])
			if !ok {
				return nil, inputErr(InputParameter, "invalid hexadecimal digit: %q", string(v[i+1]))
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return out, nil
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(v) && v[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(v) && isOct(v[i+1]) && v[i+1] <= '3' && isOct(v[i+2]) && isOct(v[i+3]):
			out = append(out, (v[i+1]-'0')<<6|(v[i+2]-'0')<<3|(v[i+3]-'0'))
			i += 3
		default:
			return nil, syntaxErr(InputSyntax, "bytea", v)
		}
	}
	return out, nil
}

func isOct(c byte) bool { return c >= '0' && c <= '7' }

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseUUID reads uuid_in's forms: 32 hex digits, optionally in braces,
// optionally with a hyphen after any group of four.
func parseUUID(v []byte) ([16]byte, bool) {
	var u [16]byte
	s := v
	if len(s) > 0 && s[0] == '{' {
		if s[len(s)-1] != '}' {
			return u, false
		}
		s = s[1 : len(s)-1]
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			if n == 0 || n%4 != 0 || n == 32 || (i > 0 && s[i-1] == '-') {
				return u, false
			}
			continue
		}
		d, ok := hexDigit(s[i])
		if !ok || n == 32 {
			return u, false
		}
		if n%2 == 0 {
			u[n/2] = d << 4
		} else {
			u[n/2] |= d
		}
		n++
	}
	return u, n == 32 && s[len(s)-1] != '-'
}

// parseDate reads an ISO date (YYYY-MM-DD, optionally " BC"), as days
// from 1970-01-01.
func parseDate(v []byte) (int32, error) {
	s := strings.TrimSpace(string(v))
	y, m, d, rest, ok := isoDate(s)
	if !ok || strings.TrimSpace(rest) != "" {
		if ok && strings.EqualFold(strings.TrimSpace(rest), "BC") {
			y = 1 - y
		} else {
			return 0, syntaxErr(InputDatetimeFormat, "date", v)
		}
	}
	if !validDate(y, m, d) {
		return 0, inputErr(InputDatetimeRange, "date/time field value out of range: %q", string(v))
	}
	return int32(daysFromCivil(y, m, d)), nil
}

// isoDate reads YYYY-MM-DD at the start of s.
func isoDate(s string) (y, m, d int, rest string, ok bool) {
	parts := strings.SplitN(s, "-", 3)
	if len(parts) != 3 {
		return 0, 0, 0, "", false
	}
	end := 0
	for end < len(parts[2]) && parts[2][end] >= '0' && parts[2][end] <= '9' {
		end++
	}
	var err1, err2, err3 error
	y, err1 = strconv.Atoi(parts[0])
	m, err2 = strconv.Atoi(parts[1])
	d, err3 = strconv.Atoi(parts[2][:end])
	if err1 != nil || err2 != nil || err3 != nil || len(parts[0]) < 1 || end == 0 || end > 2 || len(parts[1]) > 2 || y < 0 {
		return 0, 0, 0, "", false
	}
	return y, m, d, parts[2][end:], true
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func daysFromCivil(y, m, d int) int64 {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// parseClock reads HH:MM[:SS[.ffffff]] at the start of s: microseconds of
// the day and what follows.
func parseClock(s string) (us int64, rest string, ok bool) {
	i := 0
	num := func(maxDigits int) (int, bool) {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < maxDigits {
			i++
		}
		if i == start {
			return 0, false
		}
		n, _ := strconv.Atoi(s[start:i])
		return n, true
	}
	h, ok1 := num(2)
	if !ok1 || i >= len(s) || s[i] != ':' {
		return 0, "", false
	}
	i++
	mi, ok2 := num(2)
	if !ok2 {
		return 0, "", false
	}
	sec, frac := 0, int64(0)
	if i < len(s) && s[i] == ':' {
		i++
		var ok3 bool
		if sec, ok3 = num(2); !ok3 {
			return 0, "", false
		}
		if i < len(s) && s[i] == '.' {
			i++
			start := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			digits := s[start:i]
			// round to microseconds, as PostgreSQL does
			f := digits + "0000000"
			frac, _ = strconv.ParseInt(f[:6], 10, 64)
			if f[6] >= '5' {
				frac++
			}
		}
	}
	if h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi > 0 || sec > 0 || frac > 0)) {
		return -1, s[i:], true
	}
	return ((int64(h)*60+int64(mi))*60+int64(sec))*1000000 + frac, s[i:], true
}

func parseTime(v []byte) (int64, error) {
	s := strings.TrimSpace(string(v))
	us, rest, ok := parseClock(s)
	if !ok || strings.TrimSpace(rest) != "" {
		return 0, syntaxErr(InputDatetimeFormat, "time", v)
	}
	if us < 0 {
		return 0, inputErr(InputDatetimeRange, "date/time field value out of range: %q", string(v))
	}
	return us, nil
}

// parseTimestamp reads an ISO timestamp: a date, optionally a time after
// a space or T, optionally a zone offset (Z, +HH, +HH:MM, +HHMM) or a zone
// name, optionally " BC". Without a zone, a timestamptz is in loc; a
// timestamp ignores any zone, as timestamp_in does.
func parseTimestamp(v []byte, zoned bool, loc *time.Location) (int64, error) {
	typ := "timestamp"
	if zoned {
		typ = "timestamp with time zone"
	}
	s := strings.TrimSpace(string(v))
	switch strings.ToLower(s) {
	case "epoch":
		return 0, nil
	case "infinity", "-infinity", "+infinity":
		return 0, inputErr(InputDatetimeRange, "cannot store %s in a %s column (Iceberg timestamps have no infinity)", s, typ)
	}
	y, m, d, rest, ok := isoDate(s)
	if !ok {
		return 0, syntaxErr(InputDatetimeFormat, typ, v)
	}
	bc := false
	if r, found := strings.CutSuffix(strings.TrimRight(rest, " "), "BC"); found {
		bc, rest = true, strings.TrimRight(r, " ")
	}
	var clock int64
	if rest != "" && (rest[0] == ' ' || rest[0] == 'T' || rest[0] == 't') {
		r := strings.TrimLeft(rest[1:], " ")
		var ok bool
		if clock, rest, ok = parseClock(r); !ok {
			return 0, syntaxErr(InputDatetimeFormat, typ, v)
		}
	}
	rest = strings.TrimSpace(rest)
	if bc {
		y = 1 - y
	}
	if !validDate(y, m, d) || clock < 0 {
		return 0, inputErr(InputDatetimeRange, "date/time field value out of range: %q", string(v))
	}
	at := loc
	if at == nil {
		at = time.UTC
	}
	offset, hasOffset := 0, false
	switch {
	case rest == "":
	case rest == "Z" || rest == "z" || strings.EqualFold(rest, "UTC"):
		hasOffset = true
	case rest[0] == '+' || rest[0] == '-':
		off, ok := parseOffset(rest)
		if !ok {
			return 0, syntaxErr(InputDatetimeFormat, typ, v)
		}
		offset, hasOffset = off, true
	default:
		l, err := time.LoadLocation(rest)
		if err != nil {
			return 0, inputErr(InputParameter, "time zone %q not recognized", rest)
		}
		at = l
	}
	days := daysFromCivil(y, m, d)
	local := days*86400*1000000 + clock
	if !zoned {
		return local, nil
	}
	if hasOffset {
		return local - int64(offset)*1000000, nil
	}
	// the zone's offset at that local time
	sec := local / 1000000
	t := time.Date(y, time.Month(m), d, 0, 0, int(sec-days*86400), 0, at)
	_, off := t.Zone()
	return local - int64(off)*1000000, nil
}

// parseOffset reads +HH, +HH:MM, +HHMM, +HH:MM:SS: seconds east of UTC.
func parseOffset(s string) (int, bool) {
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	s = strings.ReplaceAll(s[1:], ":", "")
	if len(s) == 0 || len(s) > 6 || len(s)%2 == 1 && len(s) != 1 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	if len(s) == 1 {
		s = "0" + s
	}
	s += "0000"
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[2:4])
	sec, _ := strconv.Atoi(s[4:6])
	if h > 15 || m > 59 || sec > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60 + sec), true
}
