package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/metrics"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/planner/session"
	"github.com/lakegate/lakegate/policy"
	"github.com/lakegate/lakegate/server"
)

// registerSources hands the metrics registry the readers of the counters
// and gauges the other rooms keep (internal/metrics owns Prometheus; the
// rooms keep plain numbers).
func registerSources(m *metrics.Metrics, cat *catalog.Catalog, pl *session.Manager, store *policy.Store, srv *server.Server) {
	m.GaugeFunc("lakegate_sessions", "Sessions open now (authenticated connections).", nil,
		func() float64 { return float64(srv.Sessions()) })
	m.CounterFunc("lakegate_commits_total", "Iceberg commits made (a statement's snapshot, a DDL change).", nil,
		func() float64 { n, _ := cat.CommitStats(); return float64(n) })
	m.CounterFunc("lakegate_commit_conflicts_total",
		"Commit attempts that found another writer first; each is retried, up to the retry policy's attempts.", nil,
		func() float64 { _, n := cat.CommitStats(); return float64(n) })
	m.CounterFunc("lakegate_metadata_cache_hits_total", "Lookups of Iceberg metadata files served from the cache.", nil,
		func() float64 { h, _ := cat.CacheStats(); return float64(h) })
	m.CounterFunc("lakegate_metadata_cache_misses_total", "Lookups of Iceberg metadata files read from storage.", nil,
		func() float64 { _, n := cat.CacheStats(); return float64(n) })
	m.CounterFunc("lakegate_result_cache_hits_total", "Queries answered from a kept result.", nil,
		func() float64 { return float64(pl.ResultCacheStats().Hits) })
	m.CounterFunc("lakegate_result_cache_misses_total", "Queries that could be kept and ran.", nil,
		func() float64 { return float64(pl.ResultCacheStats().Misses) })
	m.GaugeFunc("lakegate_result_cache_bytes", "Bytes of kept results.", nil,
		func() float64 { return float64(pl.ResultCacheStats().Bytes) })
	m.GaugeFunc("lakegate_result_cache_entries", "Kept results.", nil,
		func() float64 { return float64(pl.ResultCacheStats().Entries) })
	m.GaugeFunc("lakegate_scan_cache_cells", "Cells (rows x columns) of small-table copies held in session engines.", nil,
		func() float64 { return float64(pl.OpStats().CopyCells) })
	m.GaugeFunc("lakegate_engine_memory_granted_bytes", "Engine memory granted to statements running now (limits.memory_budget).", nil,
		func() float64 { return float64(pl.OpStats().MemoryGranted) })
	m.GaugeFunc("lakegate_engine_memory_waiting", "Statements waiting for an engine memory grant.", nil,
		func() float64 { return float64(pl.OpStats().MemoryWaiting) })
	m.GaugeFunc("lakegate_engine_memory_budget_bytes", "Engine memory the budget can grant.", nil,
		func() float64 { return float64(pl.MemoryPlan().Budget - pl.MemoryPlan().Reserved) })
	m.GaugeFunc("lakegate_engine_spill_bytes", "Bytes open session engines have spilled to limits.temp_dir now.", nil,
		func() float64 { return float64(pl.OpStats().SpillBytes) })
	m.GaugeFunc("lakegate_engines_open", "Session engines (DuckDB databases) open: sessions', idle and changing hands.", nil,
		func() float64 { return float64(pl.OpStats().Engines) })
	m.GaugeFunc("lakegate_engines_idle", "Session engines waiting in the pool for the next session (limits.idle_engines).", nil,
		func() float64 { return float64(pl.OpStats().IdleEngines) })
	registerFileCache(m, cat.FileCache())
	if store != nil {
		for _, outcome := range []string{"ok", "failed"} {
			m.CounterFunc("lakegate_policy_reloads_total", "Policy file reloads after the first load, by outcome.",
				map[string]string{"outcome": outcome}, func() float64 {
					ok, failed := store.Reloads()
					if outcome == "ok" {
						return float64(ok)
					}
					return float64(failed)
				})
		}
	}
}

// registerFileCache registers the object-storage file cache's figures;
// they read zero where there is none (the demo's local tables).
func registerFileCache(m *metrics.Metrics, fc *objcache.Cache) {
	files := func(f func(objcache.Stats) int64) func() float64 {
		return func() float64 {
			if fc == nil {
				return 0
			}
			return float64(f(fc.Stats()))
		}
	}
	m.CounterFunc("lakegate_file_cache_hits_total", "Data and delete files of object storage read from the local cache.", nil,
		files(func(s objcache.Stats) int64 { return s.Hits }))
	m.CounterFunc("lakegate_file_cache_fetches_total", "Data and delete files fetched from object storage into the local cache.", nil,
		files(func(s objcache.Stats) int64 { return s.Fetches }))
	m.CounterFunc("lakegate_file_cache_fetched_bytes_total", "Bytes fetched from object storage into the local cache.", nil,
		files(func(s objcache.Stats) int64 { return s.FetchedBytes }))
	m.CounterFunc("lakegate_file_cache_evictions_total", "Local copies evicted to keep the cache within limits.file_cache_bytes.", nil,
		files(func(s objcache.Stats) int64 { return s.Evictions }))
	m.GaugeFunc("lakegate_file_cache_bytes", "Bytes of local copies of object-storage files now.", nil,
		files(func(s objcache.Stats) int64 { return s.Bytes }))
	m.GaugeFunc("lakegate_file_cache_files", "Local copies of object-storage files now.", nil,
		files(func(s objcache.Stats) int64 { return int64(s.Files) }))
}

// readinessChecks are /readyz's conditions: the catalog answers, the
// policy is loaded, the server is not draining.
func readinessChecks(cat *catalog.Catalog, store *policy.Store, srv *server.Server) []metrics.Check {
	return []metrics.Check{
		{Name: "catalog", Fn: func(ctx context.Context) error { _, err := cat.Schemas(ctx); return err }},
		{Name: "policy", Fn: func(context.Context) error {
			if store != nil && store.Current() == nil {
				return errors.New("no policy loaded")
			}
			return nil
		}},
		{Name: "draining", Fn: func(context.Context) error {
			if srv.Draining() {
				return errors.New("shutting down")
			}
			return nil
		}},
	}
}

// runCheckConfig validates a config as serve would, without serving:
// every problem is printed with its key and the exit status is 1. With
// --connect the catalogs are opened and listed too.
func runCheckConfig(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("check-config", flag.ExitOnError)
	path := fs.String("config", "", "config file (JSON); LAKEGATE_* variables override it")
	connect := fs.Bool("connect", false, "also open every catalog and list its namespaces")
	_ = fs.Parse(args)
	if *path == "" && !envConfigured() {
		return errors.New("check-config: --config is required (or LAKEGATE_* variables)")
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	var ps Problems
	if err := cfg.checkFiles(); err != nil {
		ps = append(ps, err.(Problems)...)
	}
	if *connect && len(ps) == 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cat, err := catalog.Open(ctx, cfg.Catalogs, catalog.Options{})
		if err != nil {
			ps.add("catalogs", "%v", err)
		} else {
			if _, err := cat.Schemas(ctx); err != nil {
				ps.add("catalogs", "%v", err)
			}
			cat.Close()
		}
	}
	if len(ps) > 0 {
		return &configError{path: *path, problems: ps}
	}
	fmt.Fprintf(out, "config %s: OK\n", *path)
	return nil
}

// envConfigured reports whether any LAKEGATE_* config variable is set.
func envConfigured() bool {
	for _, k := range envKeys() {
		if _, ok := os.LookupEnv(k.Env); ok {
			return true
		}
	}
	return false
}
