package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/catalog"
)

// The plan section's table: benchplan.files_<N>, partitioned by identity
// on part, one small data file per part value (planRowsPerFile rows, ids
// part*planRowsPerFile ...), written as N/filesPerCommit appends of
// filesPerCommit files each.
const (
	planRowsPerFile = 10
	filesPerCommit  = 100
)

var planSchema = iceberg.NewSchema(0,
	iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
	iceberg.NestedField{ID: 2, Name: "part", Type: iceberg.PrimitiveTypes.Int32, Required: true},
	iceberg.NestedField{ID: 3, Name: "payload", Type: iceberg.PrimitiveTypes.String, Required: true},
)

func ensurePlanTable(ctx context.Context, cat *catalog.Catalog, files int) (catalog.Ident, error) {
	ident := catalog.Ident{Schema: "benchplan", Name: fmt.Sprintf("files_%d", files)}
	if _, err := cat.LoadTable(ctx, ident); err == nil {
		return ident, nil
	}
	logf("  writing %s: %d data files in %d commits ...", ident, files, (files+filesPerCommit-1)/filesPerCommit)
	spec := catalog.TableSpec{Schema: planSchema, Properties: map[string]string{"owner-domain": "bench"},
		Partition: []iceberg.PartitionField{{SourceIDs: []int{2}, FieldID: 1000, Name: "part", Transform: iceberg.IdentityTransform{}}}}
	t, err := cat.PrepareCreate(ctx, ident, spec, map[string]string{"owner-domain": "bench"})
	if err != nil {
		return ident, err
	}
	info := catalog.CommitInfo{Statement: "bench/tpch plan table", User: benchUser}
	for first := 0; first < files; first += filesPerCommit {
		target := t
		if first > 0 {
			if target, err = cat.LoadTable(ctx, ident); err != nil {
				return ident, err
			}
		}
		sc, err := target.WriteSchema()
		if err != nil {
			return ident, err
		}
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		for p := first; p < min(first+filesPerCommit, files); p++ {
			for r := 0; r < planRowsPerFile; r++ {
				b.Field(0).(*array.Int64Builder).Append(int64(p*planRowsPerFile + r))
				b.Field(1).(*array.Int32Builder).Append(int32(p))
				b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("payload %d/%d", p, r))
			}
		}
		rec := b.NewRecordBatch()
		b.Release()
		sent := false
		st, err := cat.Stage(ctx, target, func() (arrow.RecordBatch, error) {
			if sent {
				return nil, nil
			}
			sent = true
			return rec, nil
		})
		if err != nil {
			return ident, err
		}
		if first == 0 {
			err = cat.CommitCreate(ctx, t, st, info)
		} else {
			err = cat.CommitAppend(ctx, ident, st, info)
		}
		if err != nil {
			return ident, err
		}
	}
	return ident, nil
}

var dataFilesRE = regexp.MustCompile(`Data Files: (\d+) of (\d+)`)

// explainFiles returns "n of N" from lakegate's EXPLAIN of q.
func explainFiles(ctx context.Context, c *pgx.Conn, q string) (string, error) {
	rows, err := c.Query(ctx, "EXPLAIN "+q, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return "", err
	}
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return "", err
		}
		lines = append(lines, line)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	m := dataFilesRE.FindStringSubmatch(strings.Join(lines, "\n"))
	if m == nil {
		return "", fmt.Errorf("EXPLAIN printed no data file count:\n%s", strings.Join(lines, "\n"))
	}
	return m[1] + " of " + m[2], nil
}

// planTime is the time to plan q: a Parse/Describe round trip, in which
// lakegate resolves the table, pins its snapshot, prunes files and
// prepares the engine query.
func planTime(ctx context.Context, c *pgx.Conn, q string) (time.Duration, error) {
	start := time.Now()
	sd, err := c.Prepare(ctx, "", q)
	if err != nil {
		return 0, err
	}
	el := time.Since(start)
	_ = sd
	return el, nil
}

type planCase struct {
	name  string
	query func(i int) string // i varies the literal
}

func runPlan(ctx context.Context, e *env, w io.Writer) error {
	ident, err := ensurePlanTable(ctx, e.cat, e.o.planFiles)
	if err != nil {
		return err
	}
	n := e.o.planFiles
	rows := n * planRowsPerFile
	tbl := ident.String()
	cases := []planCase{
		{"id = x (one file, column bounds)", func(i int) string {
			return fmt.Sprintf("SELECT count(*), sum(id) FROM %s WHERE id = %d", tbl, (i*7919)%rows)
		}},
		{"part = x (one partition)", func(i int) string {
			return fmt.Sprintf("SELECT count(*), sum(id) FROM %s WHERE part = %d", tbl, (i*7919)%n)
		}},
		{"id < 1% of rows", func(i int) string {
			return fmt.Sprintf("SELECT count(*), sum(id) FROM %s WHERE id < %d", tbl, rows/100+i%2)
		}},
		{"id < 10% of rows", func(i int) string {
			return fmt.Sprintf("SELECT count(*), sum(id) FROM %s WHERE id < %d", tbl, rows/10+i%2)
		}},
		{"no predicate", func(i int) string {
			return fmt.Sprintf("SELECT count(*), sum(id) FROM %s WHERE payload <> '%d'", tbl, i)
		}},
	}
	const warmRuns = 15
	type row struct {
		name                    string
		files                   string
		cold, warmSame, warmNew time.Duration
		execCold, execWarm      time.Duration
	}
	var out []row
	for _, pc := range cases {
		// Cold: a fresh lakegate process, so nothing of the table's
		// metadata is cached.
		if e.restart != nil {
			if err := e.restart(ctx); err != nil {
				return err
			}
		}
		c, err := pgx.Connect(ctx, e.engineDSN())
		if err != nil {
			return err
		}
		r := row{name: pc.name}
		if r.cold, err = planTime(ctx, c, pc.query(0)); err != nil {
			c.Close(ctx)
			return err
		}
		start := time.Now()
		if _, err := c.Exec(ctx, pc.query(0)); err != nil {
			c.Close(ctx)
			return err
		}
		r.execCold = time.Since(start)
		var same, fresh, execs []time.Duration
		for i := 0; i < warmRuns; i++ {
			d, err := planTime(ctx, c, pc.query(0))
			if err != nil {
				c.Close(ctx)
				return err
			}
			same = append(same, d)
			if d, err = planTime(ctx, c, pc.query(i+1)); err != nil {
				c.Close(ctx)
				return err
			}
			fresh = append(fresh, d)
			start := time.Now()
			if _, err := c.Exec(ctx, pc.query(i+1)); err != nil {
				c.Close(ctx)
				return err
			}
			execs = append(execs, time.Since(start))
		}
		r.warmSame, r.warmNew, r.execWarm = median(same), median(fresh), median(execs)
		if r.files, err = explainFiles(ctx, c, pc.query(0)); err != nil {
			c.Close(ctx)
			return err
		}
		c.Close(ctx)
		logf("  %-36s files %-14s plan cold %6.1f ms, warm %5.1f ms (same query) %5.1f ms (new literal)", pc.name, r.files, ms(r.cold), ms(r.warmSame), ms(r.warmNew))
		out = append(out, r)
	}
	fmt.Fprintf(w, "## Plan: planning time on %s (%d data files of %d rows, %d appends of %d files)\n\n", tbl, n, planRowsPerFile, (n+filesPerCommit-1)/filesPerCommit, filesPerCommit)
	fmt.Fprintf(w, "planning = Parse/Describe round trip (resolve, pin snapshot, prune, prepare); cold = first statement of a fresh lakegate process; warm = median of %d\n\n", warmRuns)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "predicate\tdata files scanned\tplan cold ms\tplan warm ms (same query)\tplan warm ms (new literal)\tquery 1st ms\tquery warm ms\t")
	for _, r := range out {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", r.name, r.files, ms(r.cold), ms(r.warmSame), ms(r.warmNew), ms(r.execCold), ms(r.execWarm))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nreproduce: %s\n\n", reproduce("plan"))
	return nil
}
