package session

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// The emulation's macros (pgcatalog.EngineMacros) were most of an engine's
// open: DuckDB binds a macro's body when the macro is created, expanding
// every macro it calls, ~0.1 s of CPU per engine for lakegate's two
// hundred (BENCHMARKS.md, S3). They are bound once per process instead:
// the first engine that makes them writes them to a macro template, a
// DuckDB database file, and every later engine copies them from there
// (COPY FROM DATABASE ... (SCHEMA) creates the catalog entries as stored,
// without binding them again) into its own main schema, where they were
// before: names resolve as they did, and the families made on demand
// (enginemacros.go) still are. The template holds the time zone
// abbreviation macro for connSetup's zone too, as made with them.
//
// The sandbox: a database keeps access to the files attached to it before
// its sandbox is set (DuckDB adds them to the allowed paths), so an engine
// detaches the template as soon as it has copied it, before anything but
// lakegate's own setup runs in it, and sandbox never sees it attached.
// The file is attached read-only and only by openUnsandboxed.
//
// One template per process, written under the spill parent
// (EngineConfig.TempDir) of the engine that writes it, in a directory made
// as a spill directory (spill.go) but named apart (templatePrefix: a count
// of the engines' spill directories does not see it): locked while the
// process lives, swept by a later process once it has ended. Engines opening while the
// template is written make their own macros; a template that fails to
// copy is dropped and written again by the next engine; one that fails to
// be written leaves engines making their own, as before.

// templatePrefix starts the name of a template's directory.
const templatePrefix = "lakegate-macros-"

// templateDB is the name the template is attached under while it is
// written or copied.
const templateDB = "lakegate_macros"

// processTemplate is the macro template of the engines openUnsandboxed
// opens.
var processTemplate macroTemplate

// macroTemplate is a template file and its state.
type macroTemplate struct {
	mu    sync.Mutex
	state templateState
	path  string
	lock  *os.File // the directory's lock, held while the file is in use
	// copies counts the engines that took their macros from the file.
	copies atomic.Int64
}

type templateState int

const (
	templateNone templateState = iota
	templateWriting
	templateReady
	templateFailed
)

// take returns the template's file once it is written; write says the
// caller is to write it (the first to ask).
func (t *macroTemplate) take() (path string, write bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch t.state {
	case templateReady:
		return t.path, false
	case templateNone:
		t.state = templateWriting
		return "", true
	}
	return "", false
}

// drop forgets the file at path, which could not be copied (removed from
// under the process, say): the next engine writes another.
func (t *macroTemplate) drop(path string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != templateReady || t.path != path {
		return
	}
	os.RemoveAll(filepath.Dir(path))
	t.lock.Close()
	t.state, t.path, t.lock = templateNone, "", nil
}

// installMacros gives a new engine, before its sandbox, the emulation's
// macros and the time zone macro for connSetup's zone: copied from the
// template, or made (and then written to the template by the first engine
// to make them). An error leaves the engine unusable.
func (e *engine) installMacros(t *macroTemplate, parent string) error {
	path, write := t.take()
	if path != "" {
		err := e.conn.Exec("ATTACH " + sqlparse.QuoteLiteral(path) + " AS " + templateDB + " (READ_ONLY); COPY FROM DATABASE " +
			templateDB + " TO memory (SCHEMA); DETACH " + templateDB)
		if err == nil {
			t.copies.Add(1)
			e.tzMacro = connTimeZone
			return nil
		}
		// Made below instead (CREATE OR REPLACE, over any part copied).
		if err := e.conn.Exec("DETACH DATABASE IF EXISTS " + templateDB); err != nil {
			return err
		}
		t.drop(path)
	}
	if err := e.resetTimeZoneMacro(); err != nil {
		return err
	}
	if err := e.exec(pgcatalog.EngineMacros); err != nil {
		return err
	}
	if write {
		return t.write(e, parent)
	}
	return nil
}

// write saves the macros e has just made, and nothing else is in its
// database yet, as the template. Failing, it leaves the template unwritten
// for good; it returns an error only when e could not detach the file.
func (t *macroTemplate) write(e *engine, parent string) error {
	state, path := templateFailed, ""
	var lock *os.File
	defer func() {
		t.mu.Lock()
		t.state, t.path, t.lock = state, path, lock
		t.mu.Unlock()
	}()
	dir, dirLock, err := newLockedDir(parent, templatePrefix)
	if err != nil {
		return nil
	}
	file := filepath.Join(dir, "macros.duckdb")
	// Typed macro parameters need storage version 1.4; the smallest block
	// keeps the file (and each engine's read of it) small.
	err = e.conn.Exec("ATTACH " + sqlparse.QuoteLiteral(file) + " AS " + templateDB + " (STORAGE_VERSION 'v1.4.0', BLOCK_SIZE 16384); COPY FROM DATABASE memory TO " +
		templateDB + " (SCHEMA); DETACH " + templateDB)
	if err != nil {
		detachErr := e.conn.Exec("DETACH DATABASE IF EXISTS " + templateDB)
		os.RemoveAll(dir)
		dirLock.Close()
		return detachErr
	}
	state, path, lock = templateReady, file, dirLock
	return nil
}
