package session

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	eng "github.com/lakegate/lakegate/internal/engine"
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
//
// Kept across processes: the engine that writes a template also links it
// into the spill parent as keptPrefix + a hash of what went into it (the
// macros' text, the zone macro's, the settings they were made under,
// the storage options, DuckDB's version).
// A new process's first engine links that file into a locked template
// directory of its own and copies it like any later engine, instead of
// making the macros and writing them (~0.1 s of CPU and ~33 ms of writing
// on the first statement of a fresh gateway). Only a file that is a
// regular file of this process's user, written by no one else (no group
// or other write bit), in a parent that others cannot swap files in (not
// writable by them, or sticky), is taken; the checks are made on the
// link, so the file checked is the one attached. A file that fails them
// is left alone and the macros are made; one that fails to copy is
// removed (if the name still holds it) and written again. A template made
// by another lakegate or DuckDB version has another name and is never
// read; this user's not written for a day (staleKept) are removed when a
// new one is linked.

// templatePrefix starts the name of a template's directory.
const templatePrefix = "lakegate-macros-"

// keptPrefix starts the name of the template file kept across processes.
const keptPrefix = "lakegate-macrotemplate-"

// templateOptions are the template file's storage options. Typed macro
// parameters need storage version 1.4; the smallest block keeps the file
// (and each engine's read of it) small.
const templateOptions = "STORAGE_VERSION 'v1.4.0', BLOCK_SIZE 16384"

// keptName is the kept template's file name for this build: a template
// holds what this text makes, as this DuckDB stored it.
var keptName = sync.OnceValue(func() string {
	h := sha256.New()
	for _, s := range []string{eng.Version(), templateOptions, connSetup, pgcatalog.TimeZoneMacroSQL(connTimeZone), pgcatalog.EngineMacros} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return keptPrefix + hex.EncodeToString(h.Sum(nil)[:12]) + ".duckdb"
})

// staleKept is how long another build's kept template stays unwritten
// before a process that keeps its own removes it: two builds running side
// by side (a rollout, two work trees' tests) keep theirs.
const staleKept = 24 * time.Hour

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
	// kept is the file (spill parent, keptName) the template was linked
	// from or to, "" if none; looked says a kept file was looked for.
	kept   string
	looked bool
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
	if t.kept != "" {
		// The kept file is broken too if it is this one.
		if a, err := os.Lstat(path); err == nil {
			if b, err := os.Lstat(t.kept); err == nil && os.SameFile(a, b) {
				os.Remove(t.kept)
			}
		}
	}
	os.RemoveAll(filepath.Dir(path))
	t.lock.Close()
	t.state, t.path, t.lock, t.kept = templateNone, "", nil, ""
}

// adopt takes, once per template and before any engine has written one,
// the file kept under parent by an earlier process, if it passes the
// checks (see above): linked into a locked template directory of this
// process, as a written template is kept.
func (t *macroTemplate) adopt(parent string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.looked || t.state != templateNone {
		return
	}
	t.looked = true
	parent = spillParent(parent)
	if !safeParent(parent) {
		return
	}
	kept := filepath.Join(parent, keptName())
	if _, err := os.Lstat(kept); err != nil {
		return
	}
	dir, lock, err := newLockedDir(parent, templatePrefix)
	if err != nil {
		return
	}
	file := filepath.Join(dir, "macros.duckdb")
	// link(2) does not follow a symbolic link: the link made is to
	// whatever kept names, and that is what is checked.
	if err := os.Link(kept, file); err != nil || !ownFile(file) {
		os.RemoveAll(dir)
		lock.Close()
		return
	}
	t.state, t.path, t.lock, t.kept = templateReady, file, lock, kept
}

// publish links the template file just written into parent under
// keptName for later processes, replacing any file of that name, and
// removes this user's templates of other builds. Failing, it keeps
// nothing: the next process makes the macros as the first did.
func (t *macroTemplate) publish(file, parent string) string {
	parent = spillParent(parent)
	if !safeParent(parent) {
		return ""
	}
	kept := filepath.Join(parent, keptName())
	// DuckDB made the file under the umask: only its user reads it now.
	if err := os.Chmod(file, 0o600); err != nil {
		return ""
	}
	tmp := fmt.Sprintf("%s.%d.new", kept, os.Getpid())
	os.Remove(tmp)
	if err := os.Link(file, tmp); err != nil {
		return ""
	}
	if err := os.Rename(tmp, kept); err != nil {
		os.Remove(tmp)
		return ""
	}
	others, _ := filepath.Glob(filepath.Join(parent, keptPrefix+"*.duckdb"))
	for _, o := range others {
		if fi, err := os.Lstat(o); err == nil && o != kept && ownFile(o) && time.Since(fi.ModTime()) > staleKept {
			os.Remove(o)
		}
	}
	return kept
}

// spillParent is the directory a spill parent of "" means.
func spillParent(parent string) string {
	if parent == "" {
		return os.TempDir()
	}
	return parent
}

// ownFile says path is a regular file of this process's user that no one
// else may write.
func ownFile(path string) bool {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o022 != 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// safeParent says no other user can replace a file of this user's in dir:
// dir belongs to this user or root, and is writable by no one else or
// sticky.
func safeParent(dir string) bool {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Geteuid() && st.Uid != 0 {
		return false
	}
	return fi.Mode().Perm()&0o022 == 0 || fi.Mode()&os.ModeSticky != 0
}

// installMacros gives a new engine, before its sandbox, the emulation's
// macros and the time zone macro for connSetup's zone: copied from the
// template, or made (and then written to the template by the first engine
// to make them). An error leaves the engine unusable.
func (e *engine) installMacros(t *macroTemplate, parent string) error {
	t.adopt(parent)
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
	err = e.conn.Exec("ATTACH " + sqlparse.QuoteLiteral(file) + " AS " + templateDB + " (" + templateOptions + "); COPY FROM DATABASE memory TO " +
		templateDB + " (SCHEMA); DETACH " + templateDB)
	if err != nil {
		detachErr := e.conn.Exec("DETACH DATABASE IF EXISTS " + templateDB)
		os.RemoveAll(dir)
		dirLock.Close()
		return detachErr
	}
	state, path, lock = templateReady, file, dirLock
	kept := t.publish(file, parent)
	t.mu.Lock()
	t.kept = kept
	t.mu.Unlock()
	return nil
}
