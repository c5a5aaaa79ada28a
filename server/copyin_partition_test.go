package server_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestCopyPartitionedDuckDBFiles: COPY into tables partitioned by
// identity, year, month, day and hour keys writes the files with DuckDB's
// Parquet writer, one file per partition (each under the target file
// size), and every manifest entry holds
// the partition the file's rows belong to: the rows per partition value,
// computed here from the data, equal the manifest's; timestamps before
// 1970 (negative keys) and NULLs (a NULL partition) included. The rows
// equal PostgreSQL's after the same COPY, iceberg-go reads them too, a
// partition filter finds them, and a bad row leaves nothing.
func TestCopyPartitionedDuckDBFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := startWriteGW(t, t.TempDir(), nil)
	pgSrv := startDemoPostgres(t, "CREATE SCHEMA payments")
	pg, err := pgx.Connect(ctx, pgSrv.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(ctx)
	lg := g.as(t, "payments_svc")
	for _, c := range []*pgx.Conn{lg, pg} {
		exec1(t, c, "set timezone = 'UTC'")
	}

	// rows 16 seconds apart from 1969-12-30 on, across the epoch (negative
	// and positive transform values, a day of hours the pruning query
	// reads whole), the last third 56 years later: more rows than
	// catalog.DirectWriterMinRows, so that COPY hands them to DuckDB's
	// writer, in 82 hours (the hour-partitioned table's files; 16 minutes
	// apart made 4,802 of them, a minute of the suite's CPU, for nothing
	// the assertions need)
	base := time.Date(1969, 12, 30, 0, 0, 0, 0, time.UTC)
	var data strings.Builder
	type row struct {
		id int
		ts time.Time
		ok bool // ts not NULL
		k  int
	}
	var rows []row
	const n = 18000
	for i := 1; i <= n; i++ {
		r := row{id: i, ts: base.Add(time.Duration(i*16) * time.Second), ok: i%50 != 0, k: i % 3}
		if i > n*2/3 {
			r.ts = r.ts.AddDate(56, 0, 0)
		}
		rows = append(rows, r)
		ts, d := `\N`, `\N`
		if r.ok {
			ts, d = r.ts.Format("2006-01-02 15:04:05+00"), r.ts.Format("2006-01-02")
		}
		fmt.Fprintf(&data, "%d\t%s\t%s\t%d\n", r.id, ts, d, r.k)
	}
	floorDiv := func(a, b int64) int64 {
		if a >= 0 {
			return a / b
		}
		return -((-a - 1) / b) - 1
	}
	epoch := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, spec string
		key        func(r row) string // the partition tuple, "null" for NULL
	}{
		{"by_day", "day(ts), k", func(r row) string {
			if !r.ok {
				return fmt.Sprintf("null,%d", r.k)
			}
			return fmt.Sprintf("%d,%d", floorDiv(r.ts.Sub(epoch).Microseconds(), 86400e6), r.k)
		}},
		{"by_hour", "hour(ts)", func(r row) string {
			if !r.ok {
				return "null"
			}
			return fmt.Sprint(floorDiv(r.ts.Sub(epoch).Microseconds(), 3600e6))
		}},
		{"by_month", "month(d)", func(r row) string {
			if !r.ok {
				return "null"
			}
			return fmt.Sprint((r.ts.Year()-1970)*12 + int(r.ts.Month()) - 1)
		}},
		{"by_year", "year(ts)", func(r row) string {
			if !r.ok {
				return "null"
			}
			return fmt.Sprint(r.ts.Year() - 1970)
		}},
		{"by_dday", "day(d)", func(r row) string {
			if !r.ok {
				return "null"
			}
			day := time.Date(r.ts.Year(), r.ts.Month(), r.ts.Day(), 0, 0, 0, 0, time.UTC)
			return fmt.Sprint(floorDiv(day.Sub(epoch).Microseconds(), 86400e6))
		}},
	} {
		name := "payments.p" + tc.name
		exec1(t, lg, "create table "+name+" (id bigint not null, ts timestamptz, d date, k bigint) with (partitioning = '"+tc.spec+"')")
		exec1(t, pg, "create table "+name+" (id bigint not null, ts timestamptz, d date, k bigint)")
		for _, c := range []*pgx.Conn{pg, lg} {
			if tag, err := copyText(c, "COPY "+name+" FROM STDIN", data.String()); err != nil || tag.RowsAffected() != int64(len(rows)) {
				t.Fatalf("%s: %v %v", name, tag, err)
			}
		}
		q := "select * from " + name
		if want, got := rowsOf(t, pg, q), rowsOf(t, lg, q); strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Fatalf("%s: rows differ from PostgreSQL's", name)
		}
		sameRows(t, g, lg, "payments", "p"+tc.name, "id", "d", "k")

		want := map[string]int64{}
		for _, r := range rows {
			want[tc.key(r)]++
		}
		tbl := icebergTable(t, g.dir, "payments", "p"+tc.name)
		tasks, err := tbl.Scan().PlanFiles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		spec := tbl.Spec()
		got := map[string]int64{}
		for _, task := range tasks {
			df := task.File
			var key []string
			for _, f := range spec.Fields() {
				v, ok := df.Partition()[f.FieldID]
				if !ok || v == nil {
					key = append(key, "null")
				} else {
					key = append(key, fmt.Sprint(v))
				}
			}
			k := strings.Join(key, ",")
			if _, dup := got[k]; dup {
				t.Errorf("%s: partition %s has more than one file", name, k)
			}
			got[k] += df.Count()
			r, err := file.OpenParquetFile(strings.TrimPrefix(df.FilePath(), "file://"), false)
			if err != nil {
				t.Fatal(err)
			}
			if by := r.MetaData().GetCreatedBy(); !strings.HasPrefix(by, "DuckDB") {
				t.Errorf("%s written by %q, want DuckDB", df.FilePath(), by)
			}
			if n := r.MetaData().Schema.NumColumns(); n != 4 {
				t.Errorf("%s has %d columns, want the table's 4", df.FilePath(), n)
			}
			r.Close()
		}
		if fmt.Sprint(sorted(want)) != fmt.Sprint(sorted(got)) {
			t.Errorf("%s: rows per partition\nfrom the data: %v\nmanifest:      %v", name, sorted(want), sorted(got))
		}
	}
	// the partitions prune: a filter on one day's hours reads its rows
	q := "select count(*), min(id), max(id) from payments.%s where ts >= '1969-12-31 00:00:00+00' and ts < '1970-01-01 00:00:00+00'"
	if want, got := rowsOf(t, pg, fmt.Sprintf(q, "pby_hour")), rowsOf(t, lg, fmt.Sprintf(q, "pby_hour")); strings.Join(want, "") != strings.Join(got, "") {
		t.Errorf("one day of an hour-partitioned table: %v, PostgreSQL %v", got, want)
	}

	// a bad row: nothing committed, no file left
	before := parquetFiles(t, g.dir)
	snaps := snapshotCount(t, g.dir, "payments", "pby_day")
	_, err = copyText(lg, "COPY payments.pby_day FROM STDIN", data.String()+fmt.Sprintf("%d\tnot a time\t\\N\t1\n", n+1))
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "22007" || !strings.Contains(pe.Message, fmt.Sprintf("line %d", n+1)) {
		t.Fatalf("bad row: %v, want 22007 at line %d", err, n+1)
	}
	if got := snapshotCount(t, g.dir, "payments", "pby_day"); got != snaps {
		t.Errorf("%d snapshots after the refused load, want %d", got, snaps)
	}
	for p := range parquetFiles(t, g.dir) {
		if !before[p] {
			t.Errorf("the refused load left %s", p)
		}
	}
}

// sorted lists a map's entries as "key=value", sorted.
func sorted(m map[string]int64) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return out
}
