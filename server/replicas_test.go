package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	"github.com/apache/iceberg-go/table"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
	"github.com/lakegate/lakegate/internal/weedtest"
)

// Two lakegate replicas over one catalog, each with writers of its own,
// appending to one table and updating another at the same time: the
// catalog's optimistic check is all that orders them. Against SeaweedFS's
// REST catalog (tables in its S3) and against an Iceberg SQL catalog in
// PostgreSQL 15 (tables in a shared directory).
//
// The run lasts LAKEGATE_SOAK (a Go duration; the figure is 30s)
// per catalog, 12s by default to keep the suite short.

func soakDuration(t *testing.T) time.Duration {
	d := 12 * time.Second
	if v := os.Getenv("LAKEGATE_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("LAKEGATE_SOAK=%s: %v", v, err)
		}
	}
	return d
}

func TestReplicasConcurrentWritersREST(t *testing.T) {
	t.Parallel()
	store := weedtest.Start(t)
	a := startGW(t, gwOptions{policy: demo.Policy, store: store})
	b := startGW(t, gwOptions{policy: demo.Policy, store: store})
	other := restCatalogOf(t, store)
	soakReplicas(t, a, b, func(name string) []table.Snapshot {
		tbl, err := other.LoadTable(context.Background(), table.Identifier{"payments", name})
		if err != nil {
			t.Fatal(err)
		}
		return tbl.Metadata().Snapshots()
	})
}

func TestReplicasConcurrentWritersPostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	dir := t.TempDir()
	a := startGW(t, gwOptions{dir: dir, policy: demo.Policy, sqlCatalog: pg.DSN})
	b := startGW(t, gwOptions{dir: dir, policy: demo.Policy, sqlCatalog: pg.DSN})
	db, err := sql.Open("pgx", pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	other, err := sqlcat.NewCatalog("lakegate", db, sqlcat.Postgres, iceberg.Properties{"warehouse": "file://" + filepath.Join(dir, "warehouse")})
	if err != nil {
		t.Fatal(err)
	}
	soakReplicas(t, a, b, func(name string) []table.Snapshot {
		tbl, err := other.LoadTable(context.Background(), table.Identifier{"payments", name})
		if err != nil {
			t.Fatal(err)
		}
		return tbl.Metadata().Snapshots()
	})
}

// soakReplicas runs 4 writers on each of a and b for soakDuration, each at
// least until its first UPDATE: each INSERTs rows (writer, seq) into
// payments.soak and every fourth statement UPDATEs its counter in
// payments.soak_counters. A statement failing with 40001 wrote
// nothing and is run again, as a Postgres application would; any other
// error fails the test. One reader per replica checks that what it sees
// never goes back (row count, counter sum), and each writer checks now and
// then that the other replica's next statement sees its acknowledged row.
// At the end: every acknowledged row once, no row that was not
// acknowledged, every acknowledged update counted once, and one snapshot
// per acknowledged statement, all on the main branch's line of history
// (snapshots reads a table's snapshots through iceberg-go).
func soakReplicas(t *testing.T, a, b *gateway, snapshots func(name string) []table.Snapshot) {
	ctx := context.Background()
	setup := a.as(t, "payments_svc")
	exec1(t, setup, `create table payments.soak (writer int not null, seq int not null)`)
	exec1(t, setup, `create table payments.soak_counters (id int not null, n int not null)`)
	const counters = 4
	exec1(t, setup, fmt.Sprintf(`insert into payments.soak_counters select i::int, 0 from range(%d) t(i)`, counters))

	const writersPerReplica = 4
	gws := []*gateway{a, b}
	dur := soakDuration(t)
	deadline := time.Now().Add(dur)
	var (
		wg, writing        sync.WaitGroup
		mu                 sync.Mutex
		acked              = map[[2]int]bool{}
		updates            [counters]int
		serialization      atomic.Int64
		crossChecks        atomic.Int64
		errs               = make(chan error, 2*writersPerReplica+2)
		stop               atomic.Bool
		inserts, updateOKs atomic.Int64
		writersDone        atomic.Bool
	)
	// run executes sql until it does not fail with 40001.
	run := func(c *pgx.Conn, sql string, args ...any) (string, error) {
		for {
			tag, err := c.Exec(ctx, sql, args...)
			if sqlState(err) == "40001" {
				serialization.Add(1)
				continue
			}
			return tag.String(), err
		}
	}
	// Every session is opened before any goroutine starts: a login that
	// fails ends the test (t.Fatal), which must not happen while writers
	// run (their goroutines would outlive it).
	type writerConns struct{ c, check *pgx.Conn }
	wconns := make([]writerConns, 2*writersPerReplica)
	for w := range wconns {
		home, away := gws[w%2], gws[(w+1)%2]
		wconns[w] = writerConns{home.as(t, "payments_svc"), away.as(t, "payments_svc")}
	}
	rconns := make([]*pgx.Conn, len(gws))
	for i, g := range gws {
		rconns[i] = g.as(t, "payments_svc")
	}
	for w := 0; w < 2*writersPerReplica; w++ {
		c, check := wconns[w].c, wconns[w].check
		wg.Add(1)
		writing.Add(1)
		go func(w int) {
			defer wg.Done()
			defer writing.Done()
			// Until the deadline, and at least one UPDATE each: on a
			// loaded machine a writer can spend the whole soak on its
			// first INSERTs.
			for seq := 0; (time.Now().Before(deadline) || seq < 4) && !stop.Load(); seq++ {
				if seq%4 == 3 {
					id := (w + seq) % counters
					tag, err := run(c, `update payments.soak_counters set n = n + 1 where id = $1`, id)
					if err != nil || tag != "UPDATE 1" {
						errs <- fmt.Errorf("writer %d update %d: %q %v", w, seq, tag, err)
						stop.Store(true)
						return
					}
					mu.Lock()
					updates[id]++
					mu.Unlock()
					updateOKs.Add(1)
					continue
				}
				tag, err := run(c, `insert into payments.soak values ($1, $2)`, w, seq)
				if err != nil || tag != "INSERT 0 1" {
					errs <- fmt.Errorf("writer %d insert %d: %q %v", w, seq, tag, err)
					stop.Store(true)
					return
				}
				mu.Lock()
				acked[[2]int{w, seq}] = true
				mu.Unlock()
				inserts.Add(1)
				if seq%8 == 0 {
					// The other replica's next statement sees the row.
					n, err := count(t, check, fmt.Sprintf(`select count(*) from payments.soak where writer = %d and seq = %d`, w, seq))
					if err != nil || n != 1 {
						errs <- fmt.Errorf("writer %d: the other replica sees row %d %d times (%v)", w, seq, n, err)
						stop.Store(true)
						return
					}
					crossChecks.Add(1)
				}
			}
		}(w)
	}
	var reads atomic.Int64
	for i := range gws {
		c := rconns[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lastRows, lastSum int64
			for (time.Now().Before(deadline) || !writersDone.Load()) && !stop.Load() {
				var rows, sum int64
				err := c.QueryRow(ctx, `select (select count(*) from payments.soak), (select sum(n) from payments.soak_counters)`).Scan(&rows, &sum)
				if err != nil {
					errs <- fmt.Errorf("reader on replica %d: %v", i, err)
					stop.Store(true)
					return
				}
				if rows < lastRows || sum < lastSum {
					errs <- fmt.Errorf("reader on replica %d went back: rows %d after %d, counter sum %d after %d", i, rows, lastRows, sum, lastSum)
					stop.Store(true)
					return
				}
				lastRows, lastSum = rows, sum
				reads.Add(1)
			}
		}()
	}
	writing.Wait()
	writersDone.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	_, ca := a.cat.CommitStats()
	_, cb := b.cat.CommitStats()
	t.Logf("%s: %d INSERTs and %d UPDATEs acknowledged, %d commit conflicts retried inside the replicas, %d statements run again after 40001, %d cross-replica reads, %d monotonic reads",
		dur, inserts.Load(), updateOKs.Load(), ca+cb, serialization.Load(), crossChecks.Load(), reads.Load())
	if inserts.Load() == 0 || updateOKs.Load() == 0 {
		t.Fatal("no write was acknowledged")
	}

	for i, g := range gws {
		c := g.as(t, "payments_svc")
		seen := map[[2]int]int{}
		rows, err := c.Query(ctx, `select writer, seq from payments.soak`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k [2]int
			if err := rows.Scan(&k[0], &k[1]); err != nil {
				t.Fatal(err)
			}
			seen[k]++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for k, n := range seen {
			if n != 1 || !acked[k] {
				t.Errorf("replica %d: row %v present %d times, acknowledged %v", i, k, n, acked[k])
			}
		}
		for k := range acked {
			if seen[k] == 0 {
				t.Errorf("replica %d: acknowledged row %v is missing", i, k)
			}
		}
		var got []string
		for _, r := range rowsOf(t, c, `select id, n from payments.soak_counters`) {
			got = append(got, r)
		}
		var want []string
		for id, n := range updates {
			want = append(want, fmt.Sprintf("%d|%d", id, n))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("replica %d: counters %v, want %v (acknowledged updates)", i, got, want)
		}
	}

	// One snapshot per acknowledged statement (the counters' first is
	// their initial INSERT), each from a distinct lakegate commit, all on
	// the current snapshot's line of parents: no snapshot committed beside
	// the history, none lost from it.
	for _, tc := range []struct {
		name string
		want int
	}{{"soak", int(inserts.Load())}, {"soak_counters", 1 + int(updateOKs.Load())}} {
		snaps := snapshots(tc.name)
		if len(snaps) != tc.want {
			t.Errorf("%s: %d snapshots for %d acknowledged statements", tc.name, len(snaps), tc.want)
		}
		byID := map[int64]table.Snapshot{}
		commits := map[string]bool{}
		var current table.Snapshot
		for _, s := range snaps {
			byID[s.SnapshotID] = s
			id := ""
			if s.Summary != nil {
				id = s.Summary.Properties["lakegate.commit-id"]
			}
			if id == "" || commits[id] {
				t.Errorf("%s: snapshot %d has commit id %q (empty or repeated)", tc.name, s.SnapshotID, id)
			}
			commits[id] = true
			if current.SnapshotID == 0 || s.SequenceNumber > current.SequenceNumber {
				current = s
			}
		}
		line := 0
		for s, ok := current, true; ok; {
			line++
			if s.ParentSnapshotID == nil {
				break
			}
			s, ok = byID[*s.ParentSnapshotID]
		}
		if line != len(snaps) {
			t.Errorf("%s: %d snapshots, %d of them on the current snapshot's line", tc.name, len(snaps), line)
		}
	}
}
