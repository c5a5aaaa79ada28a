package pgcatalog

import (
	"strings"
	"testing"
	"time"
)

// The abbreviation macro is inlined into every to_char call, so its size
// is bind time: a branch per offset and per run of one name, never one per
// daylight-saving period (New York has ~560 spans since 1800; a branch per
// span made one to_char bind for tens of milliseconds).
func TestTimeZoneMacroStaysSmall(t *testing.T) {
	for _, z := range []string{"America/New_York", "Europe/Berlin", "Europe/Moscow", "Europe/Dublin", "Australia/Lord_Howe", "Asia/Tehran"} {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		spans := zoneSpans(loc)
		if n := strings.Count(tzAbbrevExpr(z), " WHEN "); n > 20 || len(spans) < 5 {
			t.Errorf("%s: %d spans, %d branches", z, len(spans), n)
		}
	}
	// Moscow's +04 was MSD (summers to 1991), then MSK (2011-2014): the
	// instant tells them apart.
	e := tzAbbrevExpr("Europe/Moscow")
	if !strings.Contains(e, "= 14400 AND t < TIMESTAMPTZ") || !strings.Contains(e, "'MSD'") {
		t.Errorf("Moscow: %s", e)
	}
}
