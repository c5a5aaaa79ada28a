package server_test

// Merge-on-read DELETE and UPDATE: a statement touching a small fraction
// of a data file writes a position-delete file instead of rewriting it;
// reads (through lakegate and through iceberg-go) equal those of the same
// statements run copy-on-write, and compaction applies the deletes.

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// setTableProps sets table properties with iceberg-go (lakegate has no SQL
// for them).
func setTableProps(t testing.TB, dir, ns, name string, props iceberg.Properties) {
	t.Helper()
	tx := icebergTable(t, dir, ns, name).NewTransaction()
	if err := tx.SetProperties(props); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// lastSummary is the current snapshot's summary of a table.
func lastSummary(t *testing.T, dir, ns, name string) (table.Operation, iceberg.Properties) {
	t.Helper()
	snap := icebergTable(t, dir, ns, name).CurrentSnapshot()
	if snap == nil || snap.Summary == nil {
		t.Fatalf("%s.%s: no snapshot summary", ns, name)
	}
	return snap.Summary.Operation, snap.Summary.Properties
}

// checkWriteModes checks the commits one statement made on a payments
// table written merge-on-read (mor) and on its copy-on-write twin (cow):
// the twin got no delete file; mor got one position-delete file under
// 1 MiB when deleteFile, none otherwise. It returns mor's summary.
func checkWriteModes(t *testing.T, dir, mor, cow, sql string, deleteFile bool) iceberg.Properties {
	t.Helper()
	_, ms := lastSummary(t, dir, "payments", mor)
	_, cs := lastSummary(t, dir, "payments", cow)
	if summaryInt(cs, "added-delete-files") != 0 {
		t.Fatalf("%s: the copy-on-write table got delete files: %v", sql, cs)
	}
	if deleteFile {
		if summaryInt(ms, "added-delete-files") != 1 || liveDeleteFiles(t, dir, "payments", mor) == 0 {
			t.Fatalf("%s: want one position-delete file, summary %v", sql, ms)
		}
		if size := summaryInt(ms, "added-files-size"); size <= 0 || size >= 1<<20 {
			t.Fatalf("%s: merge-on-read wrote %d bytes, want under 1 MiB", sql, size)
		}
	} else if summaryInt(ms, "added-delete-files") != 0 {
		t.Fatalf("%s: want no delete file, summary %v", sql, ms)
	}
	return ms
}

func summaryInt(p iceberg.Properties, key string) int64 {
	n, _ := strconv.ParseInt(p[key], 10, 64)
	return n
}

// liveDeleteFiles counts the delete files iceberg-go's planner attaches to
// a table's data files.
func liveDeleteFiles(t *testing.T, dir, ns, name string) int {
	t.Helper()
	tasks, err := icebergTable(t, dir, ns, name).Scan().PlanFiles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, task := range tasks {
		for _, d := range task.DeleteFiles {
			seen[d.FilePath()] = true
		}
	}
	return len(seen)
}

// TestMergeOnReadDeleteAndUpdate runs the same statements on a table that
// chooses its write mode per file (payments.big) and on a copy-on-write
// twin. One data file of n rows is enough: the choice is a fraction of the
// file's rows (lakegate.merge-on-read.max-fraction), so the tags below
// follow n.
func TestMergeOnReadDeleteAndUpdate(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	pay := g.as(t, "payments_svc")
	const n = 2000
	for _, name := range []string{"big", "big_cow"} {
		exec1(t, pay, `create table payments.`+name+` (id bigint not null, customer bigint, note text)`)
		exec1(t, pay, `insert into payments.`+name+` select i, i % 100, 'note ' || i from range(`+strconv.Itoa(n)+`) t(i)`)
	}
	setTableProps(t, g.dir, "payments", "big_cow", iceberg.Properties{"write.delete.mode": "copy-on-write", "write.update.mode": "copy-on-write"})
	cols := []string{"id", "customer", "note"}
	same := func(step string) {
		t.Helper()
		mor := sameRows(t, g, pay, "payments", "big", cols...)
		cow := sameRows(t, g, pay, "payments", "big_cow", cols...)
		if strings.Join(mor, "\n") != strings.Join(cow, "\n") {
			t.Fatalf("after %s: merge-on-read and copy-on-write tables differ (%d and %d rows)", step, len(mor), len(cow))
		}
	}
	steps := []struct {
		sql        string
		tag        string
		deleteFile bool // merge-on-read on payments.big
	}{
		{`delete from payments.TBL where id = 1711`, "DELETE 1", true},
		{fmt.Sprintf(`update payments.TBL set note = 'changed', customer = -1 where id in (5, 77, %d)`, n-1), "UPDATE 3", true},
		{`delete from payments.TBL where customer = 3`, fmt.Sprintf("DELETE %d", n/100), true},
		// Row 77 lives in the UPDATE's small file now (a third of it: a
		// rewrite), row 10 in the big one (position delete): both in one
		// commit.
		{`delete from payments.TBL where id = 77 or id = 10`, "DELETE 2", true},
		// Half of the file (its even ids but row 10, deleted above):
		// rewritten even on payments.big.
		{`delete from payments.TBL where id % 2 = 0`, fmt.Sprintf("DELETE %d", n/2-1), false},
	}
	for _, st := range steps {
		for _, name := range []string{"big", "big_cow"} {
			if tag := exec1(t, pay, strings.ReplaceAll(st.sql, "TBL", name)); tag != st.tag {
				t.Fatalf("%s on %s: tag %q, want %q", st.sql, name, tag, st.tag)
			}
		}
		if mor := checkWriteModes(t, g.dir, "big", "big_cow", st.sql, st.deleteFile); st.deleteFile && summaryInt(mor, "deleted-data-files") != 0 {
			t.Fatalf("%s: want no rewrite, summary %v", st.sql, mor)
		}
		same(st.sql)
	}
	// A table that asks for merge-on-read gets it whatever the fraction.
	setTableProps(t, g.dir, "payments", "big", iceberg.Properties{"write.delete.mode": "merge-on-read"})
	for _, name := range []string{"big", "big_cow"} {
		exec1(t, pay, `delete from payments.`+name+` where id % 4 = 1`)
	}
	if _, mor := lastSummary(t, g.dir, "payments", "big"); summaryInt(mor, "added-delete-files") == 0 || summaryInt(mor, "deleted-data-files") != 0 {
		t.Fatalf("write.delete.mode=merge-on-read: summary %v", mor)
	}
	same("a merge-on-read delete of half the rows")
	if liveDeleteFiles(t, g.dir, "payments", "big") == 0 {
		t.Fatal("no live delete files before compaction")
	}
	exec1(t, pay, `call lakegate.compact('payments.big')`)
	if d, f := liveDeleteFiles(t, g.dir, "payments", "big"), liveDataFiles(t, g.dir, "payments", "big"); d != 0 || f != 1 {
		t.Fatalf("after compaction: %d delete files and %d data files, want 0 and 1", d, f)
	}
	same("compaction")
}

// Deleting one row of the day-partitioned payments.charges writes one
// small delete file; compaction then leaves one data file per partition
// and the same rows.
func TestMergeOnReadChargesThenCompact(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	pay := g.as(t, "payments_svc")
	cols := []string{"id", "customer_id", "amount", "status"}
	before := sameRows(t, g, pay, "payments", "charges", cols...)
	victim := rowsOf(t, pay, `select min(id) from payments.charges`)[0]
	if tag := exec1(t, pay, `delete from payments.charges where id = `+victim); tag != "DELETE 1" {
		t.Fatalf("tag %q", tag)
	}
	_, sum := lastSummary(t, g.dir, "payments", "charges")
	if summaryInt(sum, "added-delete-files") != 1 || summaryInt(sum, "added-files-size") >= 1<<20 || summaryInt(sum, "deleted-data-files") != 0 {
		t.Fatalf("delete of one row: summary %v", sum)
	}
	after := sameRows(t, g, pay, "payments", "charges", cols...)
	if len(after) != len(before)-1 {
		t.Fatalf("%d rows after deleting one of %d", len(after), len(before))
	}
	exec1(t, pay, `call lakegate.compact('payments.charges')`)
	parts := rowsOf(t, pay, `select count(distinct created_at::date) from payments.charges`)[0]
	if f := liveDataFiles(t, g.dir, "payments", "charges"); strconv.Itoa(f) != parts {
		t.Fatalf("%d data files after compaction, want one per partition (%s)", f, parts)
	}
	if d := liveDeleteFiles(t, g.dir, "payments", "charges"); d != 0 {
		t.Fatalf("%d delete files after compaction", d)
	}
	if got := sameRows(t, g, pay, "payments", "charges", cols...); strings.Join(got, "\n") != strings.Join(after, "\n") {
		t.Fatal("compaction changed the rows")
	}
}

// Merge-on-read statements of two gateways on rows of the same data file
// race through the catalog's optimistic check: each commit is pinned to
// the snapshot its statement read, so the loser recomputes on the
// winner's snapshot and no delete or update is lost.
func TestMergeOnReadConcurrentSameFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gws := []*writeGW{startWriteGW(t, dir, nil), startWriteGW(t, dir, nil)}
	ctx := context.Background()
	setup := gws[0].as(t, "payments_svc")
	exec1(t, setup, `create table payments.hot (id bigint not null, n bigint not null)`)
	exec1(t, setup, `insert into payments.hot select i, 0 from range(10000) t(i)`)
	const workers, rounds = 4, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		c := gws[w%2].as(t, "payments_svc")
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				// every worker bumps row 0; each deletes rows of its own
				for _, q := range []string{`update payments.hot set n = n + 1 where id = 0`,
					fmt.Sprintf(`delete from payments.hot where id = %d`, 1000+w*100+i)} {
					if _, err := c.Exec(ctx, q); err != nil {
						errs <- fmt.Errorf("%s: %w", q, err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d|%d", 10000-workers*rounds, workers*rounds)
	if got := rowsOf(t, setup, `select count(*), max(n) from payments.hot`); got[0] != want {
		t.Fatalf("count|n of row 0 = %s, want %s", got[0], want)
	}
	if liveDeleteFiles(t, dir, "payments", "hot") == 0 {
		t.Fatal("no position-delete files: the statements did not run merge-on-read")
	}
	sameRows(t, gws[1], gws[1].as(t, "payments_svc"), "payments", "hot", "id", "n")
}
