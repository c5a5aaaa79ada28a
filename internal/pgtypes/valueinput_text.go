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
	if local, off, hasOffset, ok := parseShortTimestamp(v); ok {
		switch {
		case !zoned:
			return local, nil
		case hasOffset:
			return local - int64(off)*1000000, nil
		case loc == nil || loc == time.UTC:
			return local, nil
		}
	}
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

// parseShortTimestamp is parseTimestamp's fast path, on the bytes: the
// form COPY data and clients usually send, YYYY-MM-DD HH:MM:SS with at
// most 6 fraction digits, optionally followed by Z or an offset +HH,
// +HH:MM or +HHMM (seconds east of UTC in off). It returns the local
// microseconds since 1970; ok is false for anything else (other forms,
// out-of-range fields), which the general path reads or refuses.
func parseShortTimestamp(v []byte) (local int64, off int, hasOffset, ok bool) {
	if len(v) < 19 || v[4] != '-' || v[7] != '-' || (v[10] != ' ' && v[10] != 'T') || v[13] != ':' || v[16] != ':' {
		return 0, 0, false, false
	}
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(v[0:4])
	m, ok2 := num(v[5:7])
	d, ok3 := num(v[8:10])
	h, ok4 := num(v[11:13])
	mi, ok5 := num(v[14:16])
	sec, ok6 := num(v[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || y == 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) || h > 23 || mi > 59 || sec > 59 {
		return 0, 0, false, false
	}
	rest := v[19:]
	frac := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 7 {
			return 0, 0, false, false
		}
		frac, _ = num(rest[1:n])
		for k := n; k < 7; k++ {
			frac *= 10
		}
		rest = rest[n:]
	}
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
		hasOffset = true
	case rest[0] == '+' || rest[0] == '-':
		digits := rest[1:]
		if len(digits) == 5 && digits[2] == ':' {
			digits = []byte{digits[0], digits[1], digits[3], digits[4]}
		}
		if len(digits) != 2 && len(digits) != 4 {
			return 0, 0, false, false
		}
		oh, okh := num(digits[:2])
		om, okm := 0, true
		if len(digits) == 4 {
			om, okm = num(digits[2:])
		}
		if !okh || !okm || oh > 15 || om > 59 {
			return 0, 0, false, false
		}
		off, hasOffset = oh*3600+om*60, true
		if rest[0] == '-' {
			off = -off
		}
	default:
		return 0, 0, false, false
	}
	days := civilDays(y, m, d)
	return (days*86400+int64(h*3600+mi*60+sec))*1000000 + int64(frac), off, hasOffset, true
}

// daysIn is the number of days of month m of year y (proleptic Gregorian).
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// civilDays is daysFromCivil without time.Date, for years 1 to 9999.
func civilDays(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}
