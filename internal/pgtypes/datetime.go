package pgtypes

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Dates and times: DuckDB's values (days and microseconds since the Unix
// epoch, ±infinity as the largest integers) as PostgreSQL's binary values
// (since 2000-01-01) and text, in the format of PostgreSQL 15 with
// DateStyle ISO (src/backend/utils/adt/datetime.c: EncodeDateTime).

// Days and microseconds between 1970-01-01 and PostgreSQL's epoch,
// 2000-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1e6
)

// pgDate is PostgreSQL's binary date of DuckDB's days since 1970-01-01:
// days since 2000-01-01, with DuckDB's ±infinity (±MaxInt32) as
// PostgreSQL's (MaxInt32, MinInt32).
func pgDate(d int32) int32 {
	switch d {
	case math.MaxInt32:
		return math.MaxInt32
	case -math.MaxInt32:
		return math.MinInt32
	}
	return d - pgEpochDays
}

// pgTimestampMicros is PostgreSQL's binary timestamp of a DuckDB one:
// microseconds since 2000-01-01, DuckDB's ±infinity (±MaxInt64 in every
// unit) as PostgreSQL's (MaxInt64, MinInt64).
func pgTimestampMicros(v int64, unit arrow.TimeUnit) int64 {
	switch v {
	case math.MaxInt64:
		return math.MaxInt64
	case -math.MaxInt64:
		return math.MinInt64
	}
	return unixMicros(v, unit) - pgEpochMicros
}

// timeMicros is row i of a time column in microseconds.
func timeMicros(arr arrow.Array, i int, unit arrow.TimeUnit) int64 {
	switch a := arr.(type) {
	case *array.Time64:
		if unit == arrow.Nanosecond {
			return int64(a.Value(i)) / 1000
		}
		return int64(a.Value(i))
	case *array.Time32:
		if unit == arrow.Millisecond {
			return int64(a.Value(i)) * 1000
		}
		return int64(a.Value(i)) * 1e6
	}
	return 0
}

// unixMicros converts a timestamp of the given unit to microseconds
// (nanoseconds round down, as time.Time.Truncate does).
func unixMicros(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1e6
	case arrow.Millisecond:
		return v * 1e3
	case arrow.Nanosecond:
		return floorDiv(v, 1000)
	}
	return v
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// encodeDate writes dates as text; DuckDB's ±infinity are ±MaxInt32 days.
func encodeDate(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
	a := arr.(*array.Date32)
	vals := a.Values()
	for i := lo; i < hi; i++ {
		if a.IsNull(i) {
			dst = appendNull(dst)
			continue
		}
		switch d := int32(vals[i]); d {
		case math.MaxInt32:
			dst = appendStringField(dst, false, "infinity")
		case -math.MaxInt32:
			dst = appendStringField(dst, false, "-infinity")
		default:
			dst = appendTextField(dst, func(b []byte) []byte {
				b, bc := appendCivilDate(b, int64(d))
				if bc {
					b = append(b, " BC"...)
				}
				return b
			})
		}
	}
	return dst, nil
}

// encodeTime writes times of day as text.
func encodeTime(unit arrow.TimeUnit) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		for i := lo; i < hi; i++ {
			if arr.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			us := timeMicros(arr, i, unit)
			dst = appendTextField(dst, func(b []byte) []byte {
				return appendClock(b, us/3600e6, us/60e6%60, us/1e6%60, us%1e6)
			})
		}
		return dst, nil
	}
}

// encodeTimestamp writes timestamps as PostgreSQL prints them,
// timestamptz in the session's zone. DuckDB's ±infinity are ±MaxInt64 in
// every unit.
func encodeTimestamp(unit arrow.TimeUnit, withTZ bool, loc *time.Location) fieldEncoder {
	return func(dst []byte, arr arrow.Array, lo, hi int) ([]byte, error) {
		a := arr.(*array.Timestamp)
		vals := a.Values()
		nulls := a.NullN() > 0
		var date dateCache
		var zone zoneCache
		for i := lo; i < hi; i++ {
			if nulls && a.IsNull(i) {
				dst = appendNull(dst)
				continue
			}
			switch v := int64(vals[i]); v {
			case math.MaxInt64:
				dst = appendStringField(dst, false, "infinity")
			case -math.MaxInt64:
				dst = appendStringField(dst, false, "-infinity")
			default:
				us := unixMicros(v, unit)
				off := 0
				if withTZ && loc != time.UTC {
					off = zone.offset(us, loc)
				}
				start := len(dst)
				dst = append(dst, 0, 0, 0, 0)
				dst = appendTimestampMicros(dst, &date, us, withTZ, off)
				binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
			}
		}
		return dst, nil
	}
}

// appendTimestampMicros appends the instant us (microseconds since the
// Unix epoch) shifted by off seconds, as appendTimestamp does for a
// time.Time in a zone with that offset.
func appendTimestampMicros(b []byte, date *dateCache, us int64, withZone bool, off int) []byte {
	us += int64(off) * 1e6
	days := floorDiv(us, 86400e6)
	tod := us - days*86400e6
	b, bc := date.appendDate(b, days)
	h, m, sec, us := tod/3600e6, tod/60e6%60, tod/1e6%60, tod%1e6
	b = append(b, ' ', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+sec/10), byte('0'+sec%10))
	b = appendFraction(b, us)
	if withZone {
		b = appendZone(b, off)
	}
	if bc {
		b = append(b, " BC"...)
	}
	return b
}

// dateCache keeps the text of the last date written: the rows of a batch
// mostly share a day or a few.
type dateCache struct {
	days int64
	text [32]byte
	n    int
	bc   bool
	set  bool
}

func (c *dateCache) appendDate(b []byte, days int64) ([]byte, bool) {
	if !c.set || c.days != days {
		t, bc := appendCivilDate(c.text[:0], days)
		c.days, c.n, c.bc, c.set = days, len(t), bc, true
	}
	return append(b, c.text[:c.n]...), c.bc
}

// appendTimestamp appends t as "2024-02-29 12:34:56.123456", followed by
// the UTC offset ("+01", "+05:30", "+00:53:28") when withZone, and " BC"
// for years before 1.
func appendTimestamp(b []byte, t time.Time, withZone bool) []byte {
	b, bc := appendDate(b, t)
	b = append(b, ' ')
	b = appendClock(b, int64(t.Hour()), int64(t.Minute()), int64(t.Second()), int64(t.Nanosecond()/1000))
	if withZone {
		_, off := t.Zone()
		b = appendZone(b, off)
	}
	if bc {
		b = append(b, " BC"...)
	}
	return b
}

// appendDate appends the date part of t; PostgreSQL writes year 0 as
// 1 BC (the caller appends the " BC").
func appendDate(b []byte, t time.Time) ([]byte, bool) {
	y := t.Year()
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	b = appendPadded(b, int64(y), 4)
	b = append(b, '-')
	b = appendPadded(b, int64(t.Month()), 2)
	b = append(b, '-')
	b = appendPadded(b, int64(t.Day()), 2)
	return b, bc
}

// zoneCache keeps the UTC offset of a zone for the period it holds.
type zoneCache struct {
	from, to int64 // [from, to) in microseconds since the Unix epoch
	off      int
	set      bool
}

func (z *zoneCache) offset(us int64, loc *time.Location) int {
	if z.set && us >= z.from && us < z.to {
		return z.off
	}
	t := time.UnixMicro(us).In(loc)
	_, z.off = t.Zone()
	start, end := t.ZoneBounds()
	z.from, z.to, z.set = math.MinInt64, math.MaxInt64, true
	if !start.IsZero() {
		z.from = start.UnixMicro()
	}
	if !end.IsZero() {
		z.to = end.UnixMicro()
	}
	return z.off
}

// appendZone appends a UTC offset as PostgreSQL does: "+01", "+05:30",
// "+00:53:28".
func appendZone(b []byte, off int) []byte {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = appendPadded(b, int64(off/3600), 2)
	if off%60 != 0 {
		b = append(b, ':')
		b = appendPadded(b, int64(off/60%60), 2)
		b = append(b, ':')
		b = appendPadded(b, int64(off%60), 2)
	} else if off/60%60 != 0 {
		b = append(b, ':')
		b = appendPadded(b, int64(off/60%60), 2)
	}
	return b
}

// appendCivilDate appends the proleptic Gregorian date days after
// 1970-01-01 as YYYY-MM-DD; years before 1 are written as PostgreSQL
// writes them (year 0 is 1 BC) and reported, for the caller's " BC".
func appendCivilDate(b []byte, days int64) ([]byte, bool) {
	y, m, d := civilFromDays(days)
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, d), bc
}

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian
// year, month and day (H. Hinnant's days_from_civil, inverted).
func civilFromDays(days int64) (y, m, d int64) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// append2 appends 0 <= v < 100 as two digits.
func append2(b []byte, v int64) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// appendClock appends hh:mm:ss and the fraction of a second without
// trailing zeros, as PostgreSQL's AppendSeconds does.
func appendClock(b []byte, h, m, s, us int64) []byte {
	b = appendPadded(b, h, 2)
	b = append(b, ':')
	b = appendPadded(b, m, 2)
	b = append(b, ':')
	b = appendPadded(b, s, 2)
	return appendFraction(b, us)
}

// appendFraction appends a fraction of a second (us microseconds) without
// trailing zeros, and nothing for zero.
func appendFraction(b []byte, us int64) []byte {
	if us == 0 {
		return b
	}
	digits := 6
	for us%10 == 0 {
		us /= 10
		digits--
	}
	b = append(b, '.')
	return appendPadded(b, us, digits)
}

// appendPadded appends v with at least width digits (zeros in front).
func appendPadded(b []byte, v int64, width int) []byte {
	if v < 0 || width > 19 {
		s := strconv.FormatInt(v, 10)
		for i := len(s); i < width; i++ {
			b = append(b, '0')
		}
		return append(b, s...)
	}
	var tmp [20]byte
	i := len(tmp)
	for v >= 10 || len(tmp)-i < width-1 {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	tmp[i] = byte('0' + v)
	return append(b, tmp[i:]...)
}
