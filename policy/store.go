package policy

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Store holds the policy in force and replaces it when the file changes.
// Current is safe for concurrent use and never blocks; a reload parses the
// whole file and swaps it in only if it is valid.
type Store struct {
	path string
	log  *slog.Logger
	cur  atomic.Pointer[Policy]

	// reloadsOK and reloadsFailed count reloads after the first load
	// (Reloads).
	reloadsOK, reloadsFailed atomic.Int64

	mu      sync.Mutex        // serializes reloads; guards the fields below
	lastSum [sha256.Size]byte // of the last content read, valid or not
	readErr string            // last read error logged by poll
}

// NewStore loads the policy file at path. It fails if the file is missing
// or invalid: the gateway does not start without a policy.
func NewStore(path string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{path: path, log: log}
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	p, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", path, err)
	}
	s.cur.Store(p)
	s.lastSum = sha256.Sum256(data)
	return s, nil
}

// Current returns the policy in force.
func (s *Store) Current() *Policy { return s.cur.Load() }

// Reload re-reads the file now (on SIGHUP). If the file is unreadable or
// invalid, the previous policy stays in force and the error, which says
// why, is returned for the caller to log; a successful reload is logged here.
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := readFile(s.path)
	if err != nil {
		s.reloadsFailed.Add(1)
		return err
	}
	s.lastSum = sha256.Sum256(data)
	return s.install(data)
}

// Reloads reports the reloads that installed a policy and those that
// were refused (unreadable or invalid file), for the operations metrics.
func (s *Store) Reloads() (ok, failed int64) { return s.reloadsOK.Load(), s.reloadsFailed.Load() }

// install parses data and swaps it in. Callers hold s.mu.
func (s *Store) install(data []byte) error {
	p, err := parse(data)
	if err != nil {
		s.reloadsFailed.Add(1)
		return &reloadError{path: s.path, err: err}
	}
	s.reloadsOK.Add(1)
	old := s.cur.Swap(p)
	s.log.Info("policy: loaded", "path", s.path, "grants", p.Grants(), "version", short(p.Version()), "previous", short(old.Version()))
	return nil
}

type reloadError struct {
	path string
	err  error
}

func (e *reloadError) Error() string {
	return "policy: rejected " + e.path + ", keeping the previous policy: " + e.err.Error()
}
func (e *reloadError) Unwrap() error { return e.err }

// Watch polls the file every interval until ctx is done and reloads it when
// its content changes (compared by SHA-256, which also catches edits that
// keep size and mtime, and ConfigMap-style symlink swaps). A file that is
// invalid or unreadable is logged once, as an error, and the previous policy
// stays in force until a valid version appears.
func (s *Store) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.poll()
		}
	}
}

func (s *Store) poll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := readFile(s.path)
	if err != nil {
		if err.Error() != s.readErr {
			s.readErr = err.Error()
			s.log.Error("policy: cannot read the policy file, keeping the previous policy", "path", s.path, "err", err)
		}
		return
	}
	s.readErr = ""
	sum := sha256.Sum256(data)
	if sum == s.lastSum {
		return // unchanged, or the same invalid content, already reported
	}
	s.lastSum = sum
	if err := s.install(data); err != nil {
		s.log.Error("policy: invalid policy file, keeping the previous policy", "path", s.path, "err", err.(*reloadError).err)
	}
}

func short(v string) string {
	if len(v) > 12 {
		return v[:12]
	}
	return v
}
