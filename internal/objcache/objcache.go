// Package objcache keeps local copies of immutable remote objects (Iceberg
// data and delete files in object storage) on disk, so that the engine,
// which has no object-storage client of its own, reads them as local files
// at local-disk speed.
//
// Objects are named by their location and never change once written
// (Iceberg never rewrites a data file in place), so a copy is valid for as
// long as it exists: there is no expiry or revalidation. The copies of all
// sessions share one directory and one byte budget; past the budget the
// least recently used copies that nothing holds are deleted.
//
// Data flow: a caller asks for an object with Get (a group, the location,
// and a function that streams the object's bytes); a copy on disk is
// returned at once, otherwise the object is fetched into a temporary file
// beside its final name and renamed into place, so a reader never sees a
// partial copy. Concurrent Gets of one object share one fetch. A Holds set
// keeps its copies from eviction (the engine that may still open them
// holds them until it closes).
//
// Layout: DIR/GROUP/HASH.parquet, GROUP chosen by the caller (one per
// table, so that an engine's sandbox can allow exactly the tables it
// reads), HASH a digest of the location. Copies left by an earlier
// process are adopted at Open; temporary files are removed.
//
// Must never: return the path of a partial copy, delete a held copy, or
// log or return anything of the fetch function's credentials (it sees only
// locations).
package objcache

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Cache is safe for concurrent use.
type Cache struct {
	dir    string
	budget int64
	log    *slog.Logger

	mu      sync.Mutex
	entries map[string]*entry // by local path
	order   *list.List        // of *entry, most recently used first
	used    int64
	flights map[string]*flight
	st      Stats
}

type entry struct {
	path  string
	size  int64
	holds int
	el    *list.Element
}

type flight struct {
	done    chan struct{}
	err     error
	waiters int // Gets waiting for it besides its owner (for tests)
}

// Stats describe a cache since Open.
type Stats struct {
	Hits, Fetches  int64 // Gets answered from disk / by a fetch
	FetchedBytes   int64
	Evictions      int64
	Bytes, Peak    int64 // bytes on disk now, and the most at any time
	Files          int
	OverBudgetHeld int64 // times the budget was exceeded because held copies filled it
}

// Open returns a cache in dir (created if missing) holding about budget
// bytes. Copies an earlier process left there are kept, least recently
// modified first out.
func Open(dir string, budget int64, log *slog.Logger) (*Cache, error) {
	if budget <= 0 {
		return nil, fmt.Errorf("objcache: budget must be positive, got %d", budget)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("objcache: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("objcache: %w", err)
	}
	c := &Cache{dir: abs, budget: budget, log: log, entries: map[string]*entry{}, order: list.New(), flights: map[string]*flight{}}
	type found struct {
		path string
		size int64
		mod  int64
	}
	var old []found
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(d.Name(), ".tmp-") {
			_ = os.Remove(p)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		old = append(old, found{p, info.Size(), info.ModTime().UnixNano()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("objcache: read %s: %w", abs, err)
	}
	slices.SortFunc(old, func(a, b found) int { return int(b.mod - a.mod) })
	for _, f := range old {
		e := &entry{path: f.path, size: f.size}
		e.el = c.order.PushBack(e)
		c.entries[f.path] = e
		c.used += f.size
	}
	c.st.Peak = c.used
	c.evictLocked()
	return c, nil
}

// Dir is the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// Budget is the byte budget Open was given.
func (c *Cache) Budget() int64 { return c.budget }

// GroupDir is the directory of a group's copies: the one directory an
// engine reading that group's objects must be allowed to open.
func (c *Cache) GroupDir(group string) string {
	return filepath.Join(c.dir, hashName(group, 16))
}

// PathOf is where the copy of location in group lives (whether or not it
// exists yet).
func (c *Cache) PathOf(group, location string) string {
	return filepath.Join(c.GroupDir(group), hashName(location, 32)+".parquet")
}

func hashName(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// Fetch streams one object's bytes into w.
type Fetch func(ctx context.Context, w io.Writer) error

// Get returns the local path of location's copy in group, fetching it with
// fetch when there is none. Concurrent Gets of the same object wait for one
// fetch. A failed fetch leaves nothing behind and is not remembered: the
// next Get tries again. If h is not nil the copy is added to it before Get
// returns, so it cannot be evicted before its holder releases it.
func (c *Cache) Get(ctx context.Context, h *Holds, group, location string, fetch Fetch) (string, error) {
	p := c.PathOf(group, location)
	for {
		c.mu.Lock()
		if e, ok := c.entries[p]; ok {
			c.order.MoveToFront(e.el)
			c.st.Hits++
			h.addLocked(e)
			c.mu.Unlock()
			return p, nil
		}
		if f, ok := c.flights[p]; ok {
			f.waiters++
			c.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return "", ctx.Err()
			}
			if f.err != nil && !(ctx.Err() == nil && canceled(f.err)) {
				return "", f.err
			}
			// The copy is in place now (or already evicted), or the fetch
			// ended because its own caller gave up, which this caller has
			// not: look again, and fetch if need be.
			continue
		}
		f := &flight{done: make(chan struct{})}
		c.flights[p] = f
		c.mu.Unlock()

		size, err := c.fetch(ctx, p, fetch)
		c.mu.Lock()
		delete(c.flights, p)
		f.err = err
		if err == nil {
			e := &entry{path: p, size: size}
			e.el = c.order.PushFront(e)
			c.entries[p] = e
			c.used += size
			c.st.Fetches++
			c.st.FetchedBytes += size
			h.addLocked(e)
			c.st.Peak = max(c.st.Peak, c.used)
			c.evictLocked()
		}
		c.mu.Unlock()
		close(f.done)
		if err != nil {
			return "", err
		}
		return p, nil
	}
}

func canceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// fetch writes the object to a temporary file beside p and renames it into
// place.
func (c *Cache) fetch(ctx context.Context, p string, fetch Fetch) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return 0, fmt.Errorf("objcache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), filepath.Base(p)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("objcache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename: nothing
	n := &countingWriter{w: tmp}
	ferr := fetch(ctx, n)
	if cerr := tmp.Close(); ferr == nil {
		ferr = cerr
	}
	if ferr != nil {
		return 0, ferr
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return 0, fmt.Errorf("objcache: %w", err)
	}
	return n.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (cw *countingWriter) Write(b []byte) (int, error) {
	n, err := cw.w.Write(b)
	cw.n += int64(n)
	return n, err
}

// evictLocked deletes least recently used copies nothing holds until the
// cache is within its budget. Held copies stay even past the budget.
func (c *Cache) evictLocked() {
	el := c.order.Back()
	for c.used > c.budget && el != nil {
		prev := el.Prev()
		e := el.Value.(*entry)
		if e.holds == 0 {
			if err := os.Remove(e.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				c.log.Warn("file cache: remove", "path", e.path, "err", err)
			}
			c.order.Remove(el)
			delete(c.entries, e.path)
			c.used -= e.size
			c.st.Evictions++
		}
		el = prev
	}
	if c.used > c.budget {
		c.st.OverBudgetHeld++
	}
}

// Stats reports the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.st
	st.Bytes, st.Files = c.used, len(c.entries)
	return st
}

// Holds is a set of copies kept from eviction until Release. The zero
// value is not usable; a nil *Holds holds nothing. Safe for concurrent use
// with the cache; one Holds is used by one goroutine at a time.
type Holds struct {
	c     *Cache
	paths map[string]bool
}

// NewHolds returns an empty set of holds on c's copies.
func (c *Cache) NewHolds() *Holds { return &Holds{c: c, paths: map[string]bool{}} }

func (h *Holds) addLocked(e *entry) {
	if h == nil || h.paths[e.path] {
		return
	}
	h.paths[e.path] = true
	e.holds++
}

// Len is the number of copies held.
func (h *Holds) Len() int {
	if h == nil {
		return 0
	}
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	return len(h.paths)
}

// Add holds the copies at the given local paths that are in the cache
// (Get's results); other paths are ignored.
func (h *Holds) Add(paths ...string) {
	if h == nil {
		return
	}
	h.c.mu.Lock()
	defer h.c.mu.Unlock()
	for _, p := range paths {
		if e, ok := h.c.entries[p]; ok {
			h.addLocked(e)
		}
	}
}

// Take moves the copies other holds into h: h holds them afterwards and
// other holds none. Both must be holds on the same cache.
func (h *Holds) Take(other *Holds) {
	if h == nil || other == nil || other == h {
		return
	}
	c := h.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := range other.paths {
		e, ok := c.entries[p]
		if !ok {
			continue
		}
		if h.paths[p] {
			e.holds-- // held twice: once is enough
			continue
		}
		h.paths[p] = true
	}
	clear(other.paths)
}

// Release lets go of every copy held; the set is empty afterwards and may
// be used again. Copies past the budget are deleted by the next fetch, not
// here: a holder releasing and another taking the same copies at once (an
// engine replaced by another) do not lose them.
func (h *Holds) Release() {
	if h == nil {
		return
	}
	c := h.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := range h.paths {
		if e, ok := c.entries[p]; ok {
			e.holds--
		}
	}
	clear(h.paths)
}
