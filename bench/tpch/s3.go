package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/jackc/pgx/v5"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/benchkit"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/internal/tpch"
	"github.com/lakegate/lakegate/internal/weedtest"
)

// The s3 section: the same TPC-H tables in SeaweedFS (S3 and its Iceberg
// REST catalog, started here as a process) next to the local ones, served
// by one lakegate with both catalogs.
//
//	cold  a fresh lakegate with an empty file cache runs Q1-Q22 once on the
//	      S3 tables (each query fetches the files its pruned plan needs);
//	      then, again fresh and empty, one statement that reads every file
//	      of the eight tables with next to no computation (a predicate no
//	      file can be pruned by), as a new connection's first statement, on
//	      a started session, and on one of a process done starting (the
//	      engines it opens at start open): bytes fetched, MB/s, against a plain
//	      parallel GET of the same object keys with the AWS SDK, as many at
//	      once as lakegate fetches (catalog.DefaultFetchParallelism, 16),
//	      into io.Discard and, doing the copying lakegate does, into files
//	      on the same disk as lakegate's cache; and lakegate's fetch path
//	      alone (catalog.FetchBatch in this process, the scans planned
//	      first), which is what the SDK's GETs compare with byte for byte
//	warm  Q1-Q22 with the file cache filled, S3 tables and local tables
//	      alternating: per-query medians, ratio, geometric mean
//	peak  the file cache directory's size (copies and partial downloads),
//	      sampled every 50 ms through both, against limits.file_cache_bytes

// s3Schema is the namespace of the TPC-H tables in the store.
const s3Schema = "tpch_s3"

// s3FetchParallelism is lakegate's own, which the SDK baseline uses too.
const s3FetchParallelism = catalog.DefaultFetchParallelism

// s3ByteRounds: the SDK's GETs and lakegate's fetch path alone are timed
// this many times each (a few seconds in all at SF 1), medians reported.
const s3ByteRounds = 3

// s3Settle: the settled row's statement runs this long after its
// session's select 1 (so about as long after the process started to
// serve), once the engines a process opens at start (Manager.OpenSpare,
// a few hundred ms each under load) are open.
const s3Settle = 3 * time.Second

// s3WarmRuns: the fetch statement's warm time is the median of this many
// runs (after the first warm one).
const s3WarmRuns = 3

// keyColumns name a column of each table that no file can be pruned by
// in the fetch statement's predicate (col + 0 < 0).
var keyColumns = map[string]string{"region": "r_regionkey", "nation": "n_nationkey", "supplier": "s_suppkey",
	"customer": "c_custkey", "part": "p_partkey", "partsupp": "ps_partkey", "orders": "o_orderkey", "lineitem": "l_orderkey"}

type s3Result struct {
	warm       []qResult // Lakegate: S3 tables, DuckDB: local tables (the reference column)
	cold       []time.Duration
	coldBytes  int64
	fetchTime  time.Duration // on a connection that ran a statement before
	fetchFirst time.Duration // as a new connection's first statement
	// fetchSettled: on a connection that ran a statement before, s3Settle
	// after it: the process's start-up work done
	fetchSettled time.Duration
	// fetchWarm: the same statement again with every copy on disk, the
	// median of s3WarmRuns runs after fetchWarmFirst (the first again,
	// which also makes the engine copies of the small tables the cold
	// statement read from their files: snapcache.go)
	fetchWarm      time.Duration
	fetchWarmFirst time.Duration
	fetchBytes     int64
	fetchFiles     int64
	sdkTime        time.Duration
	sdkBytes       int64
	sdkDiskTime    time.Duration // the same GETs written to files
	// sdkNoCheckTime: to io.Discard without the SDK's default response
	// checksum validation
	sdkNoCheckTime time.Duration
	pathTime       time.Duration // lakegate's fetch path alone (fetchPathAll)
	pathBytes      int64
	sdkKeys        int
	peak, budget   int64
	generated      time.Duration
	coldMismatch   string
}

func runS3(ctx context.Context, e *env, w io.Writer) error {
	if e.cfgPath == "" {
		return fmt.Errorf("the s3 section needs a lakegate process")
	}
	logf("  starting SeaweedFS ...")
	store, err := weedtest.Launch()
	if err != nil {
		return err
	}
	defer store.Close()
	storeCfg := catalog.Config{Name: "store", Type: "rest", URI: store.CatalogURI, Warehouse: "s3://" + weedtest.Bucket,
		Properties: store.Properties()}
	// This process's own copies (planning reads footers of name-mapped
	// tables): a cache of its own, apart from lakegate's.
	benchCache, err := objcache.Open(filepath.Join(e.o.data, "s3-bench-cache"), 8<<30, nil)
	if err != nil {
		return err
	}
	rc, err := catalog.Open(ctx, []catalog.Config{storeCfg}, catalog.Options{FileCache: benchCache})
	if err != nil {
		return err
	}
	defer rc.Close()
	var r s3Result
	start := time.Now()
	logf("  generating TPC-H SF %g into the store (%s) ...", e.o.sf, s3Schema)
	if err := tpch.Generate(ctx, rc, tpch.Options{SF: e.o.sf, Schema: s3Schema, Partitioned: e.o.partitioned,
		Progress: func(s string) { logf("    %s", s) }}); err != nil {
		return err
	}
	r.generated = time.Since(start)
	var keys []string
	for _, name := range tpch.Tables {
		files, err := tableFiles(ctx, rc, catalog.Ident{Schema: s3Schema, Name: name})
		if err != nil {
			return err
		}
		keys = append(keys, files...)
	}

	dataDir, err := filepath.Abs(e.o.data)
	if err != nil {
		return err
	}
	cacheDir := filepath.Join(dataDir, "s3-file-cache")
	r.budget = e.o.s3CacheBytes
	metricsAddr, err := benchkit.FreeAddr()
	if err != nil {
		return err
	}
	local := catalog.Config{Name: "lakegate", Type: "sql", URI: "sqlite://" + filepath.Join(dataDir, "catalog.db"),
		Warehouse: "file://" + filepath.Join(dataDir, "warehouse")}
	fresh := func() error {
		if err := os.RemoveAll(cacheDir); err != nil {
			return err
		}
		return e.restartWith(ctx, func(cfg map[string]any) {
			cfg["catalogs"] = []catalog.Config{local, storeCfg}
			cfg["metrics_listen"] = metricsAddr
			lim, _ := cfg["limits"].(map[string]any)
			if lim == nil {
				lim = map[string]any{}
			}
			lim["file_cache_dir"] = cacheDir
			lim["file_cache_bytes"] = strconv.FormatInt(r.budget, 10)
			cfg["limits"] = lim
		})
	}
	defer func() {
		// Leave lakegate as the other sections expect it.
		_ = e.restartWith(ctx, func(cfg map[string]any) {
			delete(cfg, "catalogs")
			delete(cfg, "metrics_listen")
			if lim, ok := cfg["limits"].(map[string]any); ok {
				delete(lim, "file_cache_dir")
				delete(lim, "file_cache_bytes")
			}
		})
	}()
	peak := startDirSampler(cacheDir)
	defer peak.stop()
	fetched := func() (int64, error) {
		return scrapeCounter(ctx, metricsAddr, "lakegate_file_cache_fetched_bytes_total")
	}

	// Cold: Q1-Q22 once on a fresh process with an empty cache.
	if err := fresh(); err != nil {
		return err
	}
	s3c, err := pgx.Connect(ctx, e.engineDSNFor(s3Schema))
	if err != nil {
		return err
	}
	logf("  cold Q1-Q22 on the store ...")
	coldAnswers := map[int][][]any{}
	for _, n := range e.o.queries {
		rows, d, err := pgQuery(ctx, s3c, tpch.Query(n, e.o.sf))
		if err != nil {
			s3c.Close(ctx)
			return fmt.Errorf("cold Q%d: %w", n, err)
		}
		coldAnswers[n] = rows
		r.cold = append(r.cold, d)
		logf("    Q%-2d cold %7.1f ms", n, ms(d))
	}
	s3c.Close(ctx)
	if r.coldBytes, err = fetched(); err != nil {
		return err
	}

	// Cold: one statement fetching every file, on a fresh process with an
	// empty cache, first as a new connection's first statement (which
	// opens the session's first engine, as any first statement does,
	// local tables or not), then again, fresh and empty, on a connection
	// that has run one statement already (select 1): the cold read
	// without the session's start.
	var parts []string
	for _, name := range tpch.Tables {
		parts = append(parts, fmt.Sprintf("(select count(*) from %s where %s + 0 < 0)", name, keyColumns[name]))
	}
	fetchAll := "select " + strings.Join(parts, " + ")
	if err := fresh(); err != nil {
		return err
	}
	if s3c, err = pgx.Connect(ctx, e.engineDSNFor(s3Schema)); err != nil {
		return err
	}
	logf("  cold fetch of every file, a new connection's first statement ...")
	if _, r.fetchFirst, err = pgQuery(ctx, s3c, fetchAll); err != nil {
		s3c.Close(ctx)
		return fmt.Errorf("fetch statement: %w", err)
	}
	s3c.Close(ctx)
	if err := fresh(); err != nil {
		return err
	}
	if s3c, err = pgx.Connect(ctx, e.engineDSNFor(s3Schema)); err != nil {
		return err
	}
	defer func() { s3c.Close(ctx) }()
	if _, _, err = pgQuery(ctx, s3c, "select 1"); err != nil {
		return err
	}
	logf("  cold fetch of every file ...")
	if _, r.fetchTime, err = pgQuery(ctx, s3c, fetchAll); err != nil {
		return fmt.Errorf("fetch statement: %w", err)
	}
	if r.fetchBytes, err = fetched(); err != nil {
		return err
	}
	if r.fetchFiles, err = scrapeCounter(ctx, metricsAddr, "lakegate_file_cache_fetches_total"); err != nil {
		return err
	}
	// Its planning and scan alone: the same statement with the copies on
	// disk. The difference is what the cold fetch cost the statement. The
	// first run after the cold one makes the copies of the small tables
	// the cold one read from their files (it leaves them to the next
	// statement), which is no part of a warm statement: the reference is
	// the runs after it.
	if _, r.fetchWarmFirst, err = pgQuery(ctx, s3c, fetchAll); err != nil {
		return fmt.Errorf("fetch statement, warm: %w", err)
	}
	var warmRuns []time.Duration
	for range s3WarmRuns {
		_, d, err := pgQuery(ctx, s3c, fetchAll)
		if err != nil {
			return fmt.Errorf("fetch statement, warm: %w", err)
		}
		warmRuns = append(warmRuns, d)
	}
	r.fetchWarm = median(warmRuns)

	// The cold statement once more, fresh and empty, on a started session
	// of a process done starting: the two rows above run it while the
	// process still opens the engines it opens at start, which share the
	// cores with the statement. A deployment's cold statements mostly
	// come long after its start; both are reported.
	if err := fresh(); err != nil {
		return err
	}
	s3c.Close(ctx)
	if s3c, err = pgx.Connect(ctx, e.engineDSNFor(s3Schema)); err != nil {
		return err
	}
	if _, _, err = pgQuery(ctx, s3c, "select 1"); err != nil {
		return err
	}
	time.Sleep(s3Settle)
	logf("  cold fetch of every file, the process settled ...")
	if _, r.fetchSettled, err = pgQuery(ctx, s3c, fetchAll); err != nil {
		return fmt.Errorf("fetch statement, settled: %w", err)
	}
	if n, err := fetched(); err != nil || n != r.fetchBytes {
		return fmt.Errorf("fetch statement, settled: %d bytes fetched, want %d (%v)", n, r.fetchBytes, err)
	}

	// The same keys with the AWS SDK, and through lakegate's fetch path
	// alone: s3ByteRounds rounds, the three in a different order each
	// round (none always first after the statements above), medians.
	logf("  AWS SDK GET of the same %d objects, %d at once, and lakegate's fetch path, %d rounds ...", len(keys), s3FetchParallelism, s3ByteRounds)
	sdkDir := filepath.Join(dataDir, "s3-sdk-copies")
	var discard, noCheck, files, path []time.Duration
	byteRuns := []func() error{
		func() error {
			n, d, err := sdkGetAll(ctx, store, keys, "")
			r.sdkBytes, discard = n, append(discard, d)
			return err
		},
		func() error {
			_, d, err := sdkGetAllWith(ctx, store, keys, "", aws.ResponseChecksumValidationWhenRequired)
			noCheck = append(noCheck, d)
			return err
		},
		func() error {
			if err := os.MkdirAll(sdkDir, 0o700); err != nil {
				return err
			}
			defer os.RemoveAll(sdkDir)
			_, d, err := sdkGetAll(ctx, store, keys, sdkDir)
			files = append(files, d)
			return err
		},
		func() error {
			n, d, err := fetchPathAll(ctx, storeCfg, filepath.Join(dataDir, "s3-path-copies"))
			r.pathBytes, path = n, append(path, d)
			return err
		},
	}
	for round := range s3ByteRounds {
		for i := range byteRuns {
			if err := byteRuns[(round+i)%len(byteRuns)](); err != nil {
				return err
			}
		}
	}
	r.sdkTime, r.sdkNoCheckTime, r.sdkDiskTime, r.pathTime = median(discard), median(noCheck), median(files), median(path)
	r.sdkKeys = len(keys)

	// Warm: the cache holds every file now.
	loc, err := pgx.Connect(ctx, e.engineDSN())
	if err != nil {
		return err
	}
	defer loc.Close(ctx)
	logf("  warm Q1-Q22, store vs local files ...")
	for i, n := range e.o.queries {
		q := tpch.Query(n, e.o.sf)
		res := qResult{N: n}
		got, _, err := pgQuery(ctx, s3c, q)
		if err != nil {
			return fmt.Errorf("Q%d on the store: %w", n, err)
		}
		want, _, err := pgQuery(ctx, loc, q)
		if err != nil {
			return fmt.Errorf("Q%d on local files: %w", n, err)
		}
		res.Rows, res.Mismatch = len(want), compareRows(got, want)
		if d := compareRows(coldAnswers[n], want); d != "" && r.coldMismatch == "" {
			r.coldMismatch = fmt.Sprintf("Q%d: %s", n, d)
		}
		for j := 0; j < e.o.runs; j++ {
			// Alternate which side goes first.
			sides := []*pgx.Conn{s3c, loc}
			if (i+j)%2 == 1 {
				sides = []*pgx.Conn{loc, s3c}
			}
			for _, c := range sides {
				_, d, err := pgQuery(ctx, c, q)
				if err != nil {
					return fmt.Errorf("Q%d: %w", n, err)
				}
				if c == s3c {
					res.Lakegate = append(res.Lakegate, d)
				} else {
					res.DuckDB = append(res.DuckDB, d)
				}
			}
		}
		logf("    Q%-2d store %7.1f ms  local %7.1f ms  %s", n, ms(median(res.Lakegate)), ms(median(res.DuckDB)), okText(res.Mismatch))
		r.warm = append(r.warm, res)
	}
	peak.stop()
	r.peak = peak.max()
	printS3(w, r, e.o)
	for _, q := range r.warm {
		if q.Mismatch != "" {
			return fmt.Errorf("Q%d: answers differ: %s", q.N, q.Mismatch)
		}
	}
	if r.coldMismatch != "" {
		return fmt.Errorf("cold answers differ: %s", r.coldMismatch)
	}
	return nil
}

// engineDSNFor is engineDSN with another schema first on the search path.
func (e *env) engineDSNFor(schema string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/lakegate?sslmode=disable&search_path=%s&lakegate.result_cache=off",
		benchUser, e.password, e.addr, schema)
}

// sdkGetAll reads every object (s3:// locations) with the AWS SDK,
// s3FetchParallelism at a time, into io.Discard, or into a file each in
// dir when dir is not "".
func sdkGetAll(ctx context.Context, store *weedtest.Server, locs []string, dir string) (int64, time.Duration, error) {
	return sdkGetAllWith(ctx, store, locs, dir, 0)
}

// sdkGetAllWith is sdkGetAll with the client's response checksum
// validation (0: the SDK's default, which checks a full object's
// checksum when the store sends one).
func sdkGetAllWith(ctx context.Context, store *weedtest.Server, locs []string, dir string, validation aws.ResponseChecksumValidation) (int64, time.Duration, error) {
	cl := s3.New(s3.Options{Region: weedtest.Region, BaseEndpoint: aws.String(store.S3), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(store.AccessKey, store.SecretKey, ""),
		ResponseChecksumValidation: validation})
	var (
		total    atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     atomic.Int64
	)
	start := time.Now()
	for range s3FetchParallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(locs) {
					return
				}
				u, err := url.Parse(locs[i])
				if err == nil {
					var out *s3.GetObjectOutput
					out, err = cl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(u.Host), Key: aws.String(strings.TrimPrefix(u.Path, "/"))})
					if err == nil {
						var n int64
						n, err = copyBody(out.Body, dir, i)
						out.Body.Close()
						total.Add(n)
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("GET %s: %w", locs[i], err)
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return total.Load(), time.Since(start), firstErr
}

// fetchPathAll fetches every data file of the TPC-H tables through the
// path a lakegate statement fetches them by (catalog.FetchBatch into an
// empty objcache.Cache in dir, on a catalog opened here, so with HTTP
// connections of its own), its scans planned first: the byte path
// alone, without the statement's planning, engine and scan. It returns
// the bytes of the copies and the time from the batch's start to its
// Wait.
func fetchPathAll(ctx context.Context, storeCfg catalog.Config, dir string) (int64, time.Duration, error) {
	if err := os.RemoveAll(dir); err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	fc, err := objcache.Open(dir, 8<<30, nil)
	if err != nil {
		return 0, 0, err
	}
	cat, err := catalog.Open(ctx, []catalog.Config{storeCfg}, catalog.Options{FileCache: fc})
	if err != nil {
		return 0, 0, err
	}
	defer cat.Close()
	type scan struct {
		t    *catalog.Table
		plan *catalog.ScanPlan
	}
	var scans []scan
	for _, name := range tpch.Tables {
		t, err := cat.LoadTable(ctx, catalog.Ident{Schema: s3Schema, Name: name})
		if err != nil {
			return 0, 0, err
		}
		plan, err := t.PlanScan(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		scans = append(scans, scan{t, plan})
	}
	start := time.Now()
	b := cat.NewFetchBatch(ctx, nil)
	defer b.Close()
	var paths []string
	for _, sc := range scans {
		local, err := b.Localize(sc.t, sc.plan)
		if err != nil {
			return 0, 0, err
		}
		paths = append(paths, local.Paths()...)
	}
	if err := b.Wait(); err != nil {
		return 0, 0, err
	}
	d := time.Since(start)
	var n int64
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return 0, 0, err
		}
		n += info.Size()
	}
	return n, d, nil
}

// copyBody copies an object's body to io.Discard (dir "") or to file i in
// dir.
func copyBody(body io.Reader, dir string, i int) (int64, error) {
	if dir == "" {
		return io.Copy(io.Discard, body)
	}
	f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)))
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// scrapeCounter reads one unlabelled sample from lakegate's /metrics.
func scrapeCounter(ctx context.Context, addr, name string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("metric %s: %w", name, err)
			}
			return int64(f), nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("metric %s not in /metrics", name)
}

// dirSampler records the largest total size of the files under a
// directory, sampled every 50 ms.
type dirSampler struct {
	peak atomic.Int64
	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

func startDirSampler(dir string) *dirSampler {
	s := &dirSampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var n int64
			_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if info, err := d.Info(); err == nil {
						n += info.Size()
					}
				}
				return nil
			})
			if n > s.peak.Load() {
				s.peak.Store(n)
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *dirSampler) stop() {
	s.once.Do(func() { close(s.done) })
	s.wg.Wait()
}

func (s *dirSampler) max() int64 { return s.peak.Load() }

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func mbps(n int64, d time.Duration) float64 {
	if d <= 0 {
		return math.NaN()
	}
	return float64(n) / 1e6 / d.Seconds()
}

func printS3(w io.Writer, r s3Result, o options) {
	fmt.Fprintf(w, "## S3: TPC-H SF %g from SeaweedFS (REST catalog, S3) vs local files, one lakegate serving both\n\n", o.sf)
	fmt.Fprintf(w, "tables generated into the store in %s; file cache budget %.0f MiB\n\n", r.generated.Round(time.Second), mib(r.budget))
	fmt.Fprintf(w, "warm (file cache filled): median of %d runs per side, sides alternating; cold: each query once on a fresh lakegate with an empty cache, in order\n\n", o.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "query\trows\tS3 warm ms\tlocal ms\tratio\tS3 cold ms\tanswers\t")
	var s3Sum, locSum, coldSum time.Duration
	for i, q := range r.warm {
		ans := "agree"
		if q.Mismatch != "" {
			ans = "DIFFER"
		}
		cold := time.Duration(0)
		if i < len(r.cold) {
			cold = r.cold[i]
		}
		s3Sum += median(q.Lakegate)
		locSum += median(q.DuckDB)
		coldSum += cold
		fmt.Fprintf(tw, "Q%d\t%d\t%.1f\t%.1f\t%.3f\t%.1f\t%s\t\n", q.N, q.Rows, ms(median(q.Lakegate)), ms(median(q.DuckDB)), q.ratio(), ms(cold), ans)
	}
	fmt.Fprintf(tw, "total\t\t%.1f\t%.1f\t%.3f\t%.1f\t\t\n", ms(s3Sum), ms(locSum), float64(s3Sum)/float64(locSum), ms(coldSum))
	tw.Flush()
	fmt.Fprintf(w, "\ngeometric mean of the warm ratios (S3 / local): %.3f\n", geomean(r.warm))
	fmt.Fprintf(w, "cold Q1-Q22: %.1f MiB fetched; %.1f s in all vs %.1f s warm\n\n", mib(r.coldBytes), coldSum.Seconds(), s3Sum.Seconds())
	sdk, lg := mbps(r.sdkBytes, r.sdkTime), mbps(r.fetchBytes, r.fetchTime)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "cold fetch of every file\tobjects\tMiB\tseconds\tMB/s\t")
	fmt.Fprintf(tw, "lakegate, a new connection's first statement, empty cache\t%d\t%.1f\t%.2f\t%.1f\t\n", r.fetchFiles, mib(r.fetchBytes), r.fetchFirst.Seconds(), mbps(r.fetchBytes, r.fetchFirst))
	fmt.Fprintf(tw, "lakegate (one statement, empty cache, the session started)\t%d\t%.1f\t%.2f\t%.1f\t\n", r.fetchFiles, mib(r.fetchBytes), r.fetchTime.Seconds(), lg)
	settled := mbps(r.fetchBytes, r.fetchSettled)
	fmt.Fprintf(tw, "lakegate, the same on a process done starting (%s after the session's select 1)\t%d\t%.1f\t%.2f\t%.1f\t\n", s3Settle, r.fetchFiles, mib(r.fetchBytes), r.fetchSettled.Seconds(), settled)
	fetchOnly := r.fetchTime - r.fetchWarm
	lgFetch := mbps(r.fetchBytes, fetchOnly)
	fmt.Fprintf(tw, "lakegate, the same statement warm (%.2f s, median of %d after a first %.2f s): the cold one's extra time\t%d\t%.1f\t%.2f\t%.1f\t\n", r.fetchWarm.Seconds(), s3WarmRuns, r.fetchWarmFirst.Seconds(), r.fetchFiles, mib(r.fetchBytes), fetchOnly.Seconds(), lgFetch)
	fmt.Fprintf(tw, "AWS SDK GetObject, %d at once, to io.Discard (median of %d)\t%d\t%.1f\t%.2f\t%.1f\t\n", s3FetchParallelism, s3ByteRounds, r.sdkKeys, mib(r.sdkBytes), r.sdkTime.Seconds(), sdk)
	fmt.Fprintf(tw, "AWS SDK GetObject, %d at once, to io.Discard, checksums validated only when required (median of %d)\t%d\t%.1f\t%.2f\t%.1f\t\n", s3FetchParallelism, s3ByteRounds, r.sdkKeys, mib(r.sdkBytes), r.sdkNoCheckTime.Seconds(), mbps(r.sdkBytes, r.sdkNoCheckTime))
	sdkDisk := mbps(r.sdkBytes, r.sdkDiskTime)
	fmt.Fprintf(tw, "AWS SDK GetObject, %d at once, to files (median of %d)\t%d\t%.1f\t%.2f\t%.1f\t\n", s3FetchParallelism, s3ByteRounds, r.sdkKeys, mib(r.sdkBytes), r.sdkDiskTime.Seconds(), sdkDisk)
	path := mbps(r.pathBytes, r.pathTime)
	fmt.Fprintf(tw, "lakegate's fetch path alone (catalog.FetchBatch, %d at once, to its file cache; median of %d)\t%d\t%.1f\t%.2f\t%.1f\t\n", s3FetchParallelism, s3ByteRounds, r.sdkKeys, mib(r.pathBytes), r.pathTime.Seconds(), path)
	tw.Flush()
	first := mbps(r.fetchBytes, r.fetchFirst)
	fmt.Fprintf(w, "\nlakegate / SDK throughput, a new connection's first statement (its session's first engine too): %.2f against io.Discard, %.2f against files\n", first/sdk, first/sdkDisk)
	fmt.Fprintf(w, "lakegate / SDK throughput, the whole statement (planning, the fetch, writing the copies, the scan): %.2f against io.Discard, %.2f against files\n", lg/sdk, lg/sdkDisk)
	fmt.Fprintf(w, "lakegate / SDK throughput, the whole statement on a process done starting: %.2f against io.Discard, %.2f against files\n", settled/sdk, settled/sdkDisk)
	fmt.Fprintf(w, "lakegate / SDK throughput, the cold statement's extra time over the warm one: %.2f against io.Discard, %.2f against files\n", lgFetch/sdk, lgFetch/sdkDisk)
	fmt.Fprintf(w, "lakegate's fetch path alone / SDK throughput (the byte path, no statement): %.2f against io.Discard, %.2f against files\n", path/sdk, path/sdkDisk)
	within := "within"
	if r.peak > r.budget {
		within = "OVER"
	}
	fmt.Fprintf(w, "peak file cache directory: %.1f MiB of a %.0f MiB budget (%s)\n", mib(r.peak), mib(r.budget), within)
	fmt.Fprintf(w, "reproduce: %s\n\n", reproduce("s3"))
}
