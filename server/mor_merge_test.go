package server_test

// Merge-on-read MERGE and INSERT ... ON CONFLICT: touching a small
// fraction of a data file writes position deletes plus the new rows, and
// the table reads row for row as the same statements run copy-on-write.

import (
	"strconv"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
)

// TestMergeOnReadMerge: as TestMergeOnReadDeleteAndUpdate, one data file
// of n rows shows every case (the choice is a fraction of its rows).
func TestMergeOnReadMerge(t *testing.T) {
	t.Parallel()
	g := startWriteGW(t, t.TempDir(), nil)
	pay := g.as(t, "payments_svc")
	const n = 2000
	for _, name := range []string{"mbig", "mbig_cow"} {
		exec1(t, pay, `create table payments.`+name+` (id bigint primary key, customer bigint, note text)`)
		exec1(t, pay, `insert into payments.`+name+` select i, i % 100, 'note ' || i from range(`+strconv.Itoa(n)+`) t(i)`)
	}
	setTableProps(t, g.dir, "payments", "mbig_cow", iceberg.Properties{"write.merge.mode": "copy-on-write"})
	cols := []string{"id", "customer", "note"}
	steps := []struct {
		sql        string
		tag        string
		deleteFile bool // merge-on-read on payments.mbig
	}{
		{`merge into payments.TBL t using (values (5, 'five'), (77, 'seventy-seven'), (-1, 'new')) s(id, note) on t.id = s.id
		   when matched then update set note = s.note
		   when not matched then insert values (s.id, 0, s.note)`, "MERGE 3", true},
		{`merge into payments.TBL t using (select i as id from range(10, 20) r(i)) s on t.id = s.id
		   when matched and s.id % 2 = 0 then delete
		   when matched then update set customer = -t.customer`, "MERGE 10", true},
		{`insert into payments.TBL values (30, 3, 'thirty'), (-2, 2, 'minus two')
		   on conflict (id) do update set note = excluded.note, customer = TBL.customer + excluded.customer`, "INSERT 0 2", true},
		{`insert into payments.TBL values (31, 3, 'x'), (-3, 3, 'minus three') on conflict do nothing`, "INSERT 0 1", false},
		// every row of the small file the first MERGE wrote, a few of the big one
		{`merge into payments.TBL t using (select -1 as id union all select 40) s on t.id = s.id
		   when matched then delete`, "MERGE 2", true},
		// half of the big file (its even ids but the six deleted above):
		// rewritten even on payments.mbig
		{`merge into payments.TBL t using (select i as id from range(0, ` + strconv.Itoa(n) + `, 2) r(i)) s on t.id = s.id
		   when matched then update set note = 'even'`, "MERGE " + strconv.Itoa(n/2-6), false},
	}
	for _, st := range steps {
		for _, name := range []string{"mbig", "mbig_cow"} {
			if tag := exec1(t, pay, strings.ReplaceAll(st.sql, "TBL", name)); tag != st.tag {
				t.Fatalf("%s on %s: tag %q, want %q", st.sql, name, tag, st.tag)
			}
		}
		checkWriteModes(t, g.dir, "mbig", "mbig_cow", st.sql, st.deleteFile)
		got := sameRows(t, g, pay, "payments", "mbig", cols...)
		want := sameRows(t, g, pay, "payments", "mbig_cow", cols...)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("after %s: merge-on-read and copy-on-write tables differ (%d and %d rows)", st.sql, len(got), len(want))
		}
	}
}
