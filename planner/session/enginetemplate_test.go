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

// BenchmarkFirstEngineOpen opens and closes a new process's first engine:
// with no kept template ("made": it makes the macros, writes and keeps
// the template) or with the one an earlier process kept ("kept").
func BenchmarkFirstEngineOpen(b *testing.B) {
	for _, kept := range []bool{false, true} {
		name := "made"
		if kept {
			name = "kept"
		}
		b.Run(name, func(b *testing.B) {
			cfg := EngineConfig{Threads: 1, TempDir: b.TempDir()}
			e, err := openWithTemplate(cfg, new(macroTemplate)) // keeps the template
			if err != nil {
				b.Fatal(err)
			}
			e.close()
			cpu0 := processCPU()
			b.ResetTimer()
			for b.Loop() {
				if !kept {
					cfg.TempDir = b.TempDir()
				}
				tmpl := new(macroTemplate)
				e, err := openWithTemplate(cfg, tmpl)
				if err != nil {
					b.Fatal(err)
				}
				e.close()
				if kept != (tmpl.copies.Load() == 1) {
					b.Fatalf("%d copies", tmpl.copies.Load())
				}
				os.RemoveAll(filepath.Dir(tmpl.path)) // as its process ends
				tmpl.lock.Close()
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

// keptFile is the template kept under dir for later processes.
func keptFile(dir string) string { return filepath.Join(dir, keptName()) }

// A new process's first engine (a new macroTemplate over the same spill
// parent) copies the template an earlier process kept instead of making
// the macros, and the catalog it ends up with is the same.
func TestMacroTemplateKeptAcrossProcesses(t *testing.T) {
	cfg := EngineConfig{Threads: 1, TempDir: t.TempDir()}
	first := openForTest(t, cfg, new(macroTemplate))
	want, err := first.queryStrings(engineCatalogRows)
	if err != nil {
		t.Fatal(err)
	}
	if !ownFile(keptFile(cfg.TempDir)) {
		t.Fatalf("no kept template at %s", keptFile(cfg.TempDir))
	}
	before, err := os.Stat(keptFile(cfg.TempDir))
	if err != nil {
		t.Fatal(err)
	}
	next := new(macroTemplate) // the next process
	e := openForTest(t, cfg, next)
	if c := next.copies.Load(); c != 1 {
		t.Fatalf("the next process's first engine: %d copies, want 1", c)
	}
	got, err := e.queryStrings(engineCatalogRows)
	if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("copied from the kept template: %d rows (%v), want %d", len(got), err, len(want))
	}
	after, err := os.Stat(keptFile(cfg.TempDir))
	if err != nil || !os.SameFile(before, after) {
		t.Fatalf("the kept template was written again (%v)", err)
	}
	// its link lives in a locked template directory, swept like the
	// first process's once the process is gone; the kept file stays
	path, _ := next.take()
	if !strings.HasPrefix(filepath.Base(filepath.Dir(path)), templatePrefix) {
		t.Fatalf("adopted template at %s", path)
	}
	next.lock.Close()
	if n := sweepSpillDirs(cfg.TempDir); n != 1 {
		t.Fatalf("swept %d, want the adopted template's directory", n)
	}
	if !ownFile(keptFile(cfg.TempDir)) {
		t.Fatal("the sweep removed the kept template")
	}
}

// A kept file that is not plainly this user's own, or sits where another
// user could swap it, is not read: the process makes its macros. A file
// of the right name but a broken one is removed and written again.
func TestMacroTemplateKeptFileChecked(t *testing.T) {
	good := t.TempDir()
	openForTest(t, EngineConfig{Threads: 1, TempDir: good}, new(macroTemplate))
	goodFile := keptFile(good)
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		// kept: the process keeps its own template under dir in place of
		// the one set up
		kept bool
	}{
		{"group writable", func(t *testing.T, dir string) {
			copyFile(t, goodFile, keptFile(dir), 0o620)
		}, true},
		{"symbolic link", func(t *testing.T, dir string) {
			if err := os.Symlink(goodFile, keptFile(dir)); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"parent writable by all", func(t *testing.T, dir string) {
			copyFile(t, goodFile, keptFile(dir), 0o600)
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
		}, false},
	}
	if os.Geteuid() == 0 {
		cases = append(cases, struct {
			name  string
			setup func(t *testing.T, dir string)
			kept  bool
		}{"another user's", func(t *testing.T, dir string) {
			copyFile(t, goodFile, keptFile(dir), 0o600)
			if err := os.Chown(keptFile(dir), 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, true})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.setup(t, dir)
			before, err := os.Lstat(keptFile(dir))
			if err != nil {
				t.Fatal(err)
			}
			tmpl := new(macroTemplate)
			openForTest(t, EngineConfig{Threads: 1, TempDir: dir}, tmpl)
			if n := tmpl.copies.Load(); n != 0 {
				t.Fatalf("%d copies of a file that failed the checks", n)
			}
			after, err := os.Lstat(keptFile(dir))
			if err != nil {
				t.Fatal(err)
			}
			if got := !os.SameFile(before, after) && ownFile(keptFile(dir)); got != c.kept {
				t.Fatalf("kept template of this process: %v, want %v", got, c.kept)
			}
		})
	}
}

// A kept template that cannot be read (broken, or of another build under
// the same name) is removed; the engine makes its macros, the next one
// writes and keeps a new template, and the one after copies it.
func TestMacroTemplateKeptBrokenIsRebuilt(t *testing.T) {
	cfg := EngineConfig{Threads: 1, TempDir: t.TempDir()}
	if err := os.WriteFile(keptFile(cfg.TempDir), []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(cfg.TempDir, keptPrefix+"0123456789abcdef01234567.duckdb")
	if err := os.WriteFile(stale, []byte("an older build's"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * staleKept)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	// another build's, running beside this one
	recent := filepath.Join(cfg.TempDir, keptPrefix+"76543210fedcba9876543210.duckdb")
	if err := os.WriteFile(recent, []byte("a build running beside"), 0o600); err != nil {
		t.Fatal(err)
	}
	tmpl := new(macroTemplate)
	var want [][]string
	for i := range 3 {
		got, err := openForTest(t, cfg, tmpl).queryStrings(engineCatalogRows)
		if err != nil || len(got) < 200 || i > 0 && !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("engine %d: %d rows (%v)", i, len(got), err)
		}
		want = got
		if i == 0 {
			if _, err := os.Stat(keptFile(cfg.TempDir)); !os.IsNotExist(err) {
				t.Fatalf("the broken kept template is still there: %v", err)
			}
		}
	}
	if c := tmpl.copies.Load(); c != 1 {
		t.Fatalf("%d copies, want 1", c)
	}
	if !ownFile(keptFile(cfg.TempDir)) {
		t.Fatal("no new kept template")
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("another build's stale template is still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Fatalf("a recent template of another build: %v", err)
	}
	next := new(macroTemplate)
	openForTest(t, cfg, next)
	if c := next.copies.Load(); c != 1 {
		t.Fatalf("the next process copied %d times, want 1", c)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(to, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}
