package session

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// engineCatalogRows lists what an engine's own database holds: every
// macro with its parameters and definition. A copied definition names
// the types of its casts as the engine resolved them when it stored them
// (DOUBLE for "DOUBLE", DECIMAL(38,0) for DECIMAL(38, 0)): the definitions
// are compared without quotes and spaces.
const engineCatalogRows = `SELECT schema_name, function_name, function_type, CAST(parameters AS VARCHAR), CAST(parameter_types AS VARCHAR),
	replace(replace(macro_definition, '"', ''), ' ', '') AS def
FROM duckdb_functions() WHERE database_name = 'memory' ORDER BY ALL`

func openForTest(t *testing.T, cfg EngineConfig, tmpl *macroTemplate) *engine {
	t.Helper()
	e, err := openWithTemplate(cfg, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	return e
}

// The first engine of a spill parent makes the macros and writes the
// template; later ones copy it and end up with the same catalog, the same
// answers, and no database but their own.
func TestMacroTemplateCopiesWhatTheFirstEngineMade(t *testing.T) {
	cfg := EngineConfig{Threads: 1, TempDir: t.TempDir()}
	tmpl := new(macroTemplate)
	first := openForTest(t, cfg, tmpl)
	path, _ := tmpl.take()
	if path == "" {
		t.Fatal("no template after the first engine opened")
	}
	want, err := first.queryStrings(engineCatalogRows)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 200 {
		t.Fatalf("the first engine has %d macros", len(want))
	}
	var copies []*engine
	for range 2 {
		copies = append(copies, openForTest(t, cfg, tmpl))
	}
	if n := tmpl.copies.Load(); n != 2 {
		t.Fatalf("%d engines copied the template, want 2", n)
	}
	for _, e := range copies {
		got, err := e.queryStrings(engineCatalogRows)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			for i := range got {
				if !slices.Equal(got[i], want[i]) {
					t.Logf("got  %q\nwant %q", got[i], want[i])
				}
			}
			t.Fatalf("copied catalog differs: %d rows, want %d", len(got), len(want))
		}
		dbs, err := e.queryStrings("SELECT database_name FROM duckdb_databases() WHERE NOT internal ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		if len(dbs) != 1 || dbs[0][0] != "memory" {
			t.Fatalf("databases of a copying engine: %v", dbs)
		}
		if e.tzMacro != connTimeZone {
			t.Fatalf("tzMacro %q after the copy", e.tzMacro)
		}
	}
	// The macros answer as made ones: Postgres' types, errors and zone
	// abbreviations.
	for _, q := range []string{
		"SELECT typeof(length('abc')), CAST(date '2020-01-03' - date '2020-01-01' AS VARCHAR), to_hex(255), to_char(TIMESTAMPTZ '2020-01-01 00:00:00+00', 'TZ')",
		"SELECT 7 / 2, 1 / 0",
		"SELECT CAST(1e308 AS DOUBLE) * 10",
	} {
		w, werr := first.queryStrings(q)
		g, gerr := copies[0].queryStrings(q)
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() || !slices.EqualFunc(g, w, slices.Equal) {
			t.Fatalf("%s: copy %v %v, made %v %v", q, g, gerr, w, werr)
		}
	}
}

// The template's directory is not an engine's spill directory, and is
// swept as one once no process holds it.
func TestMacroTemplateSweptOnceUnheld(t *testing.T) {
	cfg := EngineConfig{Threads: 1, TempDir: t.TempDir()}
	tmpl := new(macroTemplate)
	openForTest(t, cfg, tmpl)
	path, _ := tmpl.take()
	if m, _ := filepath.Glob(filepath.Join(cfg.TempDir, spillPrefix+"*")); len(m) != 1 {
		t.Fatalf("spill directories: %v, want the one engine's", m)
	}
	if !strings.HasPrefix(filepath.Base(filepath.Dir(path)), templatePrefix) {
		t.Fatalf("template at %s", path)
	}
	tmpl.lock.Close() // as when its process has ended
	if n := sweepSpillDirs(cfg.TempDir); n != 1 {
		t.Fatalf("swept %d, want the template's directory", n)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("template after the sweep: %v", err)
	}
}

// A sandboxed engine that copied the template cannot read it: it was
// detached before the sandbox was set.
func TestMacroTemplateOutsideTheSandbox(t *testing.T) {
	cfg := EngineConfig{Threads: 1, TempDir: t.TempDir()}
	tmpl := new(macroTemplate)
	openForTest(t, cfg, tmpl)
	path, _ := tmpl.take()
	if path == "" {
		t.Fatal("no template")
	}
	e := openForTest(t, cfg, tmpl)
	if err := e.sandbox([]string{t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT size FROM read_blob('" + path + "')",
		"ATTACH '" + path + "' AS t (READ_ONLY)",
	} {
		if _, err := e.queryStrings(q); err == nil || !strings.Contains(err.Error(), "Permission") {
			t.Fatalf("%s: %v, want a permission error", q, err)
		}
	}
}

// Engines opening at once copy the one file side by side.
func TestMacroTemplateConcurrentCopies(t *testing.T) {
	cfg := EngineConfig{Threads: 1, TempDir: t.TempDir()}
	tmpl := new(macroTemplate)
	want, err := openForTest(t, cfg, tmpl).queryStrings(engineCatalogRows)
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	engines := make(chan *engine, n)
	for range n {
		wg.Go(func() {
			e, err := openWithTemplate(cfg, tmpl)
			if err != nil {
				errs <- err
				return
			}
			engines <- e
		})
	}
	wg.Wait()
	close(errs)
	close(engines)
	for e := range engines {
		if got, err := e.queryStrings(engineCatalogRows); err != nil || !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("macros in a concurrent engine: %d rows (%v), want %d", len(got), err, len(want))
		}
		e.close()
	}
	for err := range errs {
		t.Error(err)
	}
	if c := tmpl.copies.Load(); c != n {
		t.Fatalf("%d copies, want %d", c, n)
	}
}

// A template that cannot be read any more (here: overwritten) leaves the
// engine making its own macros, and the next engine writes a new one.
func TestMacroTemplateUnreadableIsWrittenAgain(t *testing.T) {
	cfg := EngineConfig{Threads: 1, TempDir: t.TempDir()}
	tmpl := new(macroTemplate)
	first := openForTest(t, cfg, tmpl)
	path, _ := tmpl.take()
	if err := os.WriteFile(path, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	want, err := first.queryStrings(engineCatalogRows)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		e := openForTest(t, cfg, tmpl)
		got, err := e.queryStrings(engineCatalogRows)
		if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("engine %d: %d rows (%v), want %d", i, len(got), err, len(want))
		}
	}
	// the second engine made its macros and wrote a new file; the third
	// copied it
	if c := tmpl.copies.Load(); c != 1 {
		t.Fatalf("%d copies, want 1", c)
	}
	if next, _ := tmpl.take(); next == "" || next == path {
		t.Fatalf("template %q after %q failed", next, path)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the dropped template is still there: %v", err)
	}
}

// BenchmarkEngineOpen opens and closes an engine, its macros made
// ("made": what every open did before the template) or copied from the
// template; cpu-ms/op is the process's CPU time (getrusage) per open,
// which wall time on a shared machine is not.
func BenchmarkEngineOpen(b *testing.B) {
	for _, c := range []struct {
		name  string
		state templateState
	}{{"made", templateFailed}, {"template", templateNone}} {
		b.Run(c.name, func(b *testing.B) {
			cfg := EngineConfig{Threads: 1, TempDir: b.TempDir()}
			tmpl := &macroTemplate{state: c.state}
			e, err := openWithTemplate(cfg, tmpl) // writes the template
			if err != nil {
				b.Fatal(err)
			}
			e.close()
			cpu0 := processCPU()
			b.ResetTimer()
			for b.Loop() {
				e, err := openWithTemplate(cfg, tmpl)
				if err != nil {
					b.Fatal(err)
				}
				e.close()
			}
			b.ReportMetric(float64(processCPU()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
