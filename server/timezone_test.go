package server_test

import (
	"fmt"
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// TestToCharTimeZones compares to_char's zone patterns (TZ, tz, OF) with
// PostgreSQL 15's across zones with daylight saving, half-hour offsets, an
// offset used under two names (Moscow's +04: MSD, then MSK), zones whose
// abbreviation is numeric, and timestamps without a zone.
func TestToCharTimeZones(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc, lc := openScriptConn(t, pg.DSN), openScriptConn(t, g.dsn(""))
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Europe/Moscow",
		"Australia/Lord_Howe", "America/Caracas", "Etc/GMT+5", "Europe/Dublin"}
	instants := []string{"2024-07-01 12:00:00+00", "2024-01-01 12:00:00+00", "2012-01-01 12:00:00+00",
		"2005-07-01 12:00:00+00", "1995-01-01 00:00:00+00", "2024-03-31 00:59:59+00", "2024-03-31 01:00:00+00"}
	n := 0
	for _, z := range zones {
		set := fmt.Sprintf("SET TimeZone = '%s'", z)
		for _, c := range []*scriptConn{pc, lc} {
			if a := runCorpusCase(c.c, set); a.state != "" {
				t.Fatalf("%s: %s", set, a.state)
			}
		}
		for _, at := range instants {
			for _, sql := range []string{
				fmt.Sprintf("select to_char(timestamptz '%s', 'YYYY-MM-DD HH24:MI:SS TZ|tz|OF')", at),
				fmt.Sprintf("select to_char(timestamptz '%s'::date, 'YYYY-MM-DD TZ OF')", at),
				fmt.Sprintf("select to_char(timestamptz '%s'::timestamp, 'HH24 TZ|tz|OF')", at),
				"select to_char(NULL::timestamptz, 'TZ OF'), to_char(NULL::timestamp, 'TZ')",
			} {
				want, got := runCorpusCase(pc.c, sql), runCorpusCase(lc.c, sql)
				if d := differs(want, got); d != "" {
					t.Errorf("%s; %s\n  postgres: %s\n  lakegate: %s", set, sql, want, got)
				}
				n++
			}
		}
	}
	t.Logf("%d to_char cases over %d zones as PostgreSQL answers them", n, len(zones))
	// The session's zone follows SET: a statement after RESET prints UTC.
	for _, c := range []*scriptConn{pc, lc} {
		runCorpusCase(c.c, "RESET TimeZone")
	}
	sql := "select to_char(timestamptz '2024-07-01 12:00:00+00', 'TZ')"
	if want, got := runCorpusCase(pc.c, sql), runCorpusCase(lc.c, sql); differs(want, got) != "" {
		t.Errorf("after RESET: postgres %s, lakegate %s", want, got)
	}
}
