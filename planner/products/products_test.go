package products

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lakegate/lakegate/planner/write"
)

func TestExtractChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, out string
		calls   string // each call's table, from and to
		err     bool
	}{
		{in: "select * from lakegate.table_changes('payments.charges', 5)",
			out: `select * from "lakegate"."table_changes$1" AS table_changes`, calls: "[payments.charges id:5 -]"},
		{in: "select * from lakegate.table_changes('payments.charges', 5, 9) c where c.id > 1",
			out: `select * from "lakegate"."table_changes$1" c where c.id > 1`, calls: "[payments.charges id:5 id:9]"},
		{in: "select * from LAKEGATE.Table_Changes('t', '2026-12-01 00:00:00+00'::timestamptz, NULL) as x",
			out: `select * from "lakegate"."table_changes$1" as x`, calls: "[t time:2026-12-01 00:00:00+00 -]"},
		{in: "select * from lakegate.table_changes('a', timestamptz '2026-12-01') where true",
			out: `select * from "lakegate"."table_changes$1" AS table_changes where true`, calls: "[a time:2026-12-01 -]"},
		{in: "select * from lakegate.table_changes('a', 1) join lakegate.table_changes('b', 2) on true",
			out:   `select * from "lakegate"."table_changes$1" AS table_changes join "lakegate"."table_changes$2" AS table_changes on true`,
			calls: "[a id:1 -] [b id:2 -]"},
		// text that only looks like a call is left alone
		{in: "select 'lakegate.table_changes(1)' -- lakegate.table_changes('x', 1)",
			out: "select 'lakegate.table_changes(1)' -- lakegate.table_changes('x', 1)"},
		// arguments other than literals are refused
		{in: "select * from lakegate.table_changes('a', (select max(id) from t))", err: true},
		{in: "select * from lakegate.table_changes('a', $1)", err: true},
		{in: "select * from lakegate.table_changes(a, 1)", err: true},
		{in: "select * from lakegate.table_changes('a')", err: true},
		{in: "select * from lakegate.table_changes('a', 1, 2, 3)", err: true},
		{in: "select * from lakegate.table_changes('a', 1", err: true},
	} {
		out, calls, err := ExtractChanges(tc.in)
		if tc.err {
			var ee *write.EngineError
			if !errors.As(err, &ee) {
				t.Errorf("%s: want an engine error, got %v", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		got := ""
		for i, c := range calls {
			if i > 0 {
				got += " "
			}
			got += fmt.Sprintf("[%s %s %s]", c.Table, boundText(c.From), boundText(c.To))
		}
		if out != tc.out || got != tc.calls {
			t.Errorf("%s:\n got %s %s\nwant %s %s", tc.in, out, got, tc.out, tc.calls)
		}
	}
}

func boundText(b Bound) string {
	switch {
	case !b.Ok:
		return "-"
	case b.IsID:
		return fmt.Sprintf("id:%d", b.ID)
	}
	return "time:" + b.Time
}

func TestMetadataKind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, base, kind string }{
		{"charges$snapshots", "charges", Snapshots},
		{"charges$HISTORY", "charges", History},
		{"a$b$files", "a$b", Files},
		{"charges$partitions", "charges", Partitions},
		{"charges$manifests", "", ""},
		{"$files", "", ""},
		{"charges", "", ""},
	} {
		base, kind, ok := MetadataKind(tc.name)
		if base != tc.base || kind != tc.kind || ok != (tc.kind != "") {
			t.Errorf("%s: %q %q %v", tc.name, base, kind, ok)
		}
	}
}

func TestParseInterval(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"1 hour", time.Hour}, {"30 minutes", 30 * time.Minute}, {"1 hour 30 minutes", 90 * time.Minute},
		{"2 days", 48 * time.Hour}, {"90m", 90 * time.Minute}, {"1.5 hours", 90 * time.Minute}, {"1 HOUR", time.Hour},
		{"", -1}, {"hour", -1}, {"1 fortnight", -1}, {"x hours", -1},
	} {
		got, err := ParseInterval(tc.in)
		if tc.want < 0 {
			if err == nil {
				t.Errorf("%q: want an error, got %v", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %v %v, want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestValuesSQL(t *testing.T) {
	t.Parallel()
	cols := []column{{"a", "BIGINT"}, {"b", "VARCHAR"}}
	if got, want := valuesSQL(cols, nil), `SELECT CAST(NULL AS BIGINT) AS "a", CAST(NULL AS VARCHAR) AS "b" WHERE false`; got != want {
		t.Errorf("empty:\n got %s\nwant %s", got, want)
	}
	got := valuesSQL(cols, [][]*string{{num(1), str("it's")}, {nil, nil}})
	want := `SELECT CAST(c0 AS BIGINT) AS "a", CAST(c1 AS VARCHAR) AS "b" FROM (VALUES ('1'::VARCHAR, 'it''s'::VARCHAR), (NULL::VARCHAR, NULL::VARCHAR)) AS v(c0, c1)`
	if got != want {
		t.Errorf("rows:\n got %s\nwant %s", got, want)
	}
}
