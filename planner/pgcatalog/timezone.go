package pgcatalog

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Time zone abbreviations for to_char's TZ and tz patterns.
//
// PostgreSQL prints the abbreviation its zone data gives the session's
// zone at that instant (CET, CEST, IST, or "+03" where the zone has none).
// The engine knows the zone's UTC offset at an instant
// (date_part('timezone', t)) but not its abbreviations, so TimeZoneSQL
// defines, with each SET TimeZone, a macro mapping the offsets the zone has
// used to their abbreviations, taken from the same tz database through
// Go's time package. An offset the zone used under two abbreviations
// (Moscow's +04 was MSD, then MSK) is told apart by the instant. The macro
// is guarded by the zone's name: one left from another zone fails rather
// than print another zone's abbreviations.

// tzAbbrevMacro is the macro to_char calls; tzOffsetMacro prints an
// offset as OF does: +01, +05:30, -04:30.
const (
	tzAbbrevMacro = "pg_tz_abbrev"
	tzOffsetMacro = `pg_tz_offset(o) AS CASE WHEN o < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(o) // 3600 AS VARCHAR), 2, '0') || ` +
		`CASE WHEN abs(o) % 3600 // 60 <> 0 THEN ':' || lpad(CAST(abs(o) % 3600 // 60 AS VARCHAR), 2, '0') ELSE '' END`
)

// TimeZoneAbbrev is the error of to_char's TZ where the engine's offset
// for an instant is none the zone data gives (dates before the zone data
// of the engine's ICU library begins).
const TimeZoneAbbrev = "to_char TZ: the time zone's abbreviation at this time is not known"

// TimeZoneSQL sets an engine's TimeZone to tz and defines the abbreviation
// macro for it. tz must be a zone Go's time package loads
// (pgsettings.ValidTimeZone).
func TimeZoneSQL(tz string) string {
	return "SET TimeZone = " + sqlparse.QuoteLiteral(tz) + ";\n" + TimeZoneMacroSQL(tz)
}

// TimeZoneMacroSQL is TimeZoneSQL's macro alone. The macro belongs to the
// engine's database, not to its connection: a new connection of the same
// engine keeps the last one defined.
func TimeZoneMacroSQL(tz string) string {
	return "CREATE OR REPLACE MACRO main." + tzAbbrevMacro + "(t) AS " + tzAbbrevExpr(tz) + ";\n"
}

// tzSpan is a stretch of time in which a zone kept one offset and name.
type tzSpan struct {
	end    time.Time // exclusive; zero for the last
	offset int
	abbrev string
}

var tzExprs sync.Map // zone name -> its abbreviation expression

func tzAbbrevExpr(tz string) string {
	if e, ok := tzExprs.Load(tz); ok {
		return e.(string)
	}
	fail := "error(" + sqlparse.QuoteLiteral(TimeZoneAbbrev) + ")"
	expr := "CASE WHEN t IS NULL THEN NULL WHEN current_setting('TimeZone') <> " + sqlparse.QuoteLiteral(tz) + " THEN " + fail
	if loc, err := time.LoadLocation(tz); err == nil {
		expr += tzCases(zoneSpans(loc))
	}
	expr += " ELSE " + fail + " END"
	tzExprs.Store(tz, expr)
	return expr
}

// zoneSpans walks the zone from 1800 to 2200 a day at a time and finds
// each change of offset or name to the second.
func zoneSpans(loc *time.Location) []tzSpan {
	at := func(t time.Time) (string, int) { return t.In(loc).Zone() }
	t := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	stop := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	name, off := at(t)
	var spans []tzSpan
	for t.Before(stop) {
		next := t.Add(24 * time.Hour)
		if n, o := at(next); n != name || o != off {
			lo, hi := t, next // lo in the old zone, hi in the new
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
				if mn, mo := at(mid); mn == name && mo == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			spans = append(spans, tzSpan{end: hi, offset: off, abbrev: name})
			name, off = at(hi)
		}
		t = next
	}
	return append(spans, tzSpan{offset: off, abbrev: name})
}

// tzCases are the WHEN branches over o (the engine's offset in seconds)
// and t: one per offset that always had one name, and per span for an
// offset that had several.
func tzCases(spans []tzSpan) string {
	names := map[int][]string{}
	for _, s := range spans {
		if !slices.Contains(names[s.offset], s.abbrev) {
			names[s.offset] = append(names[s.offset], s.abbrev)
		}
	}
	offsets := make([]int, 0, len(names))
	for o := range names {
		offsets = append(offsets, o)
	}
	slices.Sort(offsets)
	var b strings.Builder
	const off = "system.main.date_part('timezone', t)"
	for _, o := range offsets {
		if len(names[o]) == 1 {
			fmt.Fprintf(&b, " WHEN %s = %d THEN %s", off, o, sqlparse.QuoteLiteral(names[o][0]))
			continue
		}
		// The offset's spans in time order, consecutive ones with the same
		// name as one run: a branch per run, ended by the run's last span.
		var runs []tzSpan
		for _, s := range spans {
			if s.offset != o {
				continue
			}
			if n := len(runs); n > 0 && runs[n-1].abbrev == s.abbrev {
				runs[n-1].end = s.end
			} else {
				runs = append(runs, s)
			}
		}
		for i, r := range runs {
			if i == len(runs)-1 || r.end.IsZero() {
				fmt.Fprintf(&b, " WHEN %s = %d THEN %s", off, o, sqlparse.QuoteLiteral(r.abbrev))
				break
			}
			fmt.Fprintf(&b, " WHEN %s = %d AND t < TIMESTAMPTZ '%s' THEN %s", off, o, r.end.UTC().Format("2006-01-02 15:04:05+00"), sqlparse.QuoteLiteral(r.abbrev))
		}
	}
	return b.String()
}
