package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/tpch"
)

// qResult is one query's measurements.
type qResult struct {
	N        int
	Rows     int
	Lakegate []time.Duration
	DuckDB   []time.Duration
	Mismatch string // empty when the answers agree
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (r qResult) ratio() float64 {
	return float64(median(r.Lakegate)) / float64(median(r.DuckDB))
}

// duckRef is DuckDB in-process over the same Parquet files as the Iceberg
// tables' current snapshots, one read_parquet view per table.
type duckRef struct {
	db   *sql.DB
	conn *sql.Conn
}

func openDuckRef(ctx context.Context, cat *catalog.Catalog, schema string, tables []string, threads int, metadataCache, fileCache bool) (*duckRef, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	d := &duckRef{db: db, conn: conn}
	if threads > 0 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET threads = %d", threads)); err != nil {
			d.close()
			return nil, err
		}
	}
	if metadataCache {
		if _, err := conn.ExecContext(ctx, "SET parquet_metadata_cache = true"); err != nil {
			d.close()
			return nil, err
		}
	}
	if !fileCache {
		if _, err := conn.ExecContext(ctx, "SET enable_external_file_cache = false"); err != nil {
			d.close()
			return nil, err
		}
	}
	for _, name := range tables {
		files, err := tableFiles(ctx, cat, catalog.Ident{Schema: schema, Name: name})
		if err != nil {
			d.close()
			return nil, err
		}
		quoted := make([]string, len(files))
		for i, f := range files {
			quoted[i] = "'" + strings.ReplaceAll(f, "'", "''") + "'"
		}
		q := fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet([%s])", name, strings.Join(quoted, ", "))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			d.close()
			return nil, fmt.Errorf("duckdb view %s: %w", name, err)
		}
	}
	return d, nil
}

func (d *duckRef) close() {
	d.conn.Close()
	d.db.Close()
}

// tableFiles lists the data files of a table's current snapshot (the
// benchmark's tables have no delete files).
func tableFiles(ctx context.Context, cat *catalog.Catalog, ident catalog.Ident) ([]string, error) {
	t, err := cat.LoadTable(ctx, ident)
	if err != nil {
		return nil, err
	}
	plan, err := t.PlanScan(ctx, nil)
	if err != nil {
		return nil, err
	}
	files := make([]string, 0, len(plan.Files))
	for _, f := range plan.Files {
		if len(f.PosDeletes) > 0 || len(f.EqDeletes) > 0 {
			return nil, fmt.Errorf("%s has delete files; the DuckDB reference reads data files only", ident)
		}
		files = append(files, f.Path)
	}
	return files, nil
}

// query runs q and returns its rows with every value normalized
// (normValue), and how long it took until the last row was read.
func (d *duckRef) query(ctx context.Context, q string) ([][]any, time.Duration, error) {
	start := time.Now()
	rows, err := d.conn.QueryContext(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, 0, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, 0, err
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	el := time.Since(start)
	for _, r := range out {
		for i := range r {
			r[i] = normValue(r[i])
		}
	}
	return out, el, nil
}

// pgQuery runs q through pgx (extended protocol, binary results) and
// returns the normalized rows and the time until the last row was read.
func pgQuery(ctx context.Context, c *pgx.Conn, q string) ([][]any, time.Duration, error) {
	start := time.Now()
	rows, err := c.Query(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	var out [][]any
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, vals)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	el := time.Since(start)
	for _, r := range out {
		for i := range r {
			r[i] = normValue(r[i])
		}
	}
	return out, el, nil
}

// normValue maps what either driver returns to float64 (every number),
// string, bool, a formatted time, or nil.
func normValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, float64:
		return x
	case []byte:
		return string(x)
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case duckdb.Decimal:
		return x.Float64()
	case pgtype.Numeric:
		if !x.Valid {
			return nil
		}
		f, err := x.Float64Value()
		if err != nil {
			return fmt.Sprint(x)
		}
		return f.Float64
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999")
	default:
		return fmt.Sprint(x)
	}
}

func sameValue(a, b any) bool {
	fa, okA := a.(float64)
	fb, okB := b.(float64)
	if okA && okB {
		if fa == fb {
			return true
		}
		return math.Abs(fa-fb) <= 1e-9*math.Max(math.Abs(fa), math.Abs(fb))
	}
	return a == b
}

// compareRows reports how two normalized results differ ("" if they
// agree): in order first, then as multisets (ties in ORDER BY may come out
// in either order).
func compareRows(got, want [][]any) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d rows, reference has %d", len(got), len(want))
	}
	if diff := compareOrdered(got, want); diff == "" {
		return ""
	}
	key := func(r []any) string {
		parts := make([]string, len(r))
		for i, v := range r {
			if f, ok := v.(float64); ok {
				parts[i] = fmt.Sprintf("%.8g", f)
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		return strings.Join(parts, "\x00")
	}
	g, w := slices.Clone(got), slices.Clone(want)
	sort.SliceStable(g, func(i, j int) bool { return key(g[i]) < key(g[j]) })
	sort.SliceStable(w, func(i, j int) bool { return key(w[i]) < key(w[j]) })
	return compareOrdered(g, w)
}

func compareOrdered(got, want [][]any) string {
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return fmt.Sprintf("row %d: %d columns, reference has %d", i+1, len(got[i]), len(want[i]))
		}
		for j := range got[i] {
			if !sameValue(got[i][j], want[i][j]) {
				return fmt.Sprintf("row %d column %d: %v, reference %v", i+1, j+1, got[i][j], want[i][j])
			}
		}
	}
	return ""
}

// measureQ runs each query once on both sides (answers compared), then
// runs times more, alternating sides.
func measureQ(ctx context.Context, lg *pgx.Conn, ref *duckRef, queries []int, sf float64, runs int) ([]qResult, error) {
	var results []qResult
	for _, n := range queries {
		q := tpch.Query(n, sf)
		r := qResult{N: n}
		got, _, err := pgQuery(ctx, lg, q)
		if err != nil {
			return nil, fmt.Errorf("Q%d through lakegate: %w", n, err)
		}
		want, _, err := ref.query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("Q%d on DuckDB: %w", n, err)
		}
		r.Rows, r.Mismatch = len(want), compareRows(got, want)
		for i := 0; i < runs; i++ {
			_, d, err := pgQuery(ctx, lg, q)
			if err != nil {
				return nil, fmt.Errorf("Q%d through lakegate: %w", n, err)
			}
			r.Lakegate = append(r.Lakegate, d)
			if _, d, err = ref.query(ctx, q); err != nil {
				return nil, fmt.Errorf("Q%d on DuckDB: %w", n, err)
			}
			r.DuckDB = append(r.DuckDB, d)
		}
		logf("  Q%-2d lakegate %7.1f ms  duckdb %7.1f ms  %s", n, ms(median(r.Lakegate)), ms(median(r.DuckDB)), okText(r.Mismatch))
		results = append(results, r)
	}
	return results, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func okText(mismatch string) string {
	if mismatch == "" {
		return "answers agree"
	}
	return "ANSWERS DIFFER: " + mismatch
}

func geomean(results []qResult) float64 {
	var sum float64
	for _, r := range results {
		sum += math.Log(r.ratio())
	}
	return math.Exp(sum / float64(len(results)))
}

func runQ(ctx context.Context, e *env, w io.Writer) error {
	ref, err := openDuckRef(ctx, e.cat, schema, tpch.Tables, e.o.threads, e.o.refCache, e.o.refFileCache)
	if err != nil {
		return err
	}
	defer ref.close()
	lg, err := pgx.Connect(ctx, e.engineDSN())
	if err != nil {
		return err
	}
	defer lg.Close(ctx)
	results, err := measureQ(ctx, lg, ref, e.o.queries, e.o.sf, e.o.runs)
	if err != nil {
		return err
	}
	printQ(w, results, e.o)
	for _, r := range results {
		if r.Mismatch != "" {
			return fmt.Errorf("Q%d: answers differ: %s", r.N, r.Mismatch)
		}
	}
	return nil
}

func printQ(w io.Writer, results []qResult, o options) {
	fmt.Fprintf(w, "## Q: TPC-H SF %g through lakegate (pgx) vs DuckDB in-process (read_parquet over the same files)\n\n", o.sf)
	cache := "off (DuckDB's default)"
	if o.refCache {
		cache = "on, as in lakegate's engine"
	}
	fileCache := "on (DuckDB's default; lakegate's engines have none)"
	if !o.refFileCache {
		fileCache = "off, as in lakegate's engines"
	}
	fmt.Fprintf(w, "median of %d runs after a warm-up run whose answers are compared; reference's parquet_metadata_cache %s, external file cache %s\n\n", o.runs, cache, fileCache)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "query\trows\tlakegate ms\tduckdb ms\tratio\tanswers\t")
	var lgSum, ddSum time.Duration
	for _, r := range results {
		ans := "agree"
		if r.Mismatch != "" {
			ans = "DIFFER"
		}
		lgSum += median(r.Lakegate)
		ddSum += median(r.DuckDB)
		fmt.Fprintf(tw, "Q%d\t%d\t%.1f\t%.1f\t%.3f\t%s\t\n", r.N, r.Rows, ms(median(r.Lakegate)), ms(median(r.DuckDB)), r.ratio(), ans)
	}
	fmt.Fprintf(tw, "total\t\t%.1f\t%.1f\t%.3f\t\t\n", ms(lgSum), ms(ddSum), float64(lgSum)/float64(ddSum))
	tw.Flush()
	fmt.Fprintf(w, "\ngeometric mean of the ratios (lakegate / duckdb): %.3f\n", geomean(results))
	fmt.Fprintf(w, "reproduce: %s\n\n", reproduce("q"))
}
