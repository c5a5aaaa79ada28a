package policy

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lakegate/lakegate/auth"
)

const (
	policyV1 = `
owners: {users: users}
grants:
  - subjects: [group:analysts]
    objects: ["*"]
    privileges: [read]
`
	policyV2 = policyV1 + `
  - subjects: [domain:comms]
    objects: [users.customers]
    privileges: [read]
`
	policyBroken = policyV2 + `
  - subjects: [domain:comms]
    objects: [users.customers]
    privileges: [read, delete]
`
)

var (
	commsSvc  = auth.Principal{Name: "comms_svc", Domain: "comms"}
	customers = Table{Schema: "users", Name: "customers", Owner: "users"}
)

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, nil)), buf
}

// writeAtomic replaces the file the way editors and config managers do.
func writeAtomic(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond until it holds or a generous deadline passes; the
// deadline only bounds a hung test, it asserts nothing about speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func visible(s *Store) bool { return s.Current().Decide(commsSvc, customers).Visible }

func TestNewStoreRejectsBadFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := NewStore(filepath.Join(dir, "missing.yaml"), nil); err == nil {
		t.Error("NewStore: missing file accepted")
	}
	path := filepath.Join(dir, "policy.yaml")
	writeAtomic(t, path, policyBroken)
	_, err := NewStore(path, nil)
	if err == nil || !strings.Contains(err.Error(), `unknown privilege "delete"`) || !strings.Contains(err.Error(), "line 14") {
		t.Errorf("NewStore(broken) = %v, want the unknown privilege with its line", err)
	}
}

func TestStoreWatch(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writeAtomic(t, path, policyV1)
	log, logs := newLogger()
	s, err := NewStore(path, log)
	if err != nil {
		t.Fatal(err)
	}
	if visible(s) {
		t.Fatal("v1: comms_svc sees users.customers")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Watch(ctx, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()

	// A new grant is picked up.
	writeAtomic(t, path, policyV2)
	waitFor(t, "the new grant", func() bool { return visible(s) })
	v2 := s.Current()

	// A broken file is logged once and the previous policy stays.
	writeAtomic(t, path, policyBroken)
	waitFor(t, "the rejection", func() bool { return strings.Contains(logs.String(), "invalid policy file") })
	time.Sleep(50 * time.Millisecond) // several more polls of the same broken file
	if s.Current() != v2 {
		t.Error("a broken file replaced the policy")
	}
	if n := strings.Count(logs.String(), "invalid policy file"); n != 1 {
		t.Errorf("broken file logged %d times, want once:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), `unknown privilege \"delete\"`) || !strings.Contains(logs.String(), "line 14") {
		t.Errorf("log does not say what is wrong and where:\n%s", logs)
	}

	// A missing file (mid-replacement) keeps the policy too.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the read error", func() bool { return strings.Contains(logs.String(), "cannot read the policy file") })
	if s.Current() != v2 {
		t.Error("a missing file replaced the policy")
	}

	// Back to v1: the grant goes away again.
	writeAtomic(t, path, policyV1)
	waitFor(t, "v1 again", func() bool { return !visible(s) })
}

// An edit that keeps the size and the modification time is still seen.
func TestStoreWatchSameSizeAndMtime(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	a := strings.Replace(policyV2, "domain:comms", "domain:xxxxx", 1)
	writeAtomic(t, path, a)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if visible(s) {
		t.Fatal("comms_svc sees users.customers before the edit")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Watch(ctx, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()

	if err := os.WriteFile(path, []byte(policyV2), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the edit", func() bool { return visible(s) })
}

func TestStoreReload(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writeAtomic(t, path, policyV1)
	log, logs := newLogger()
	s, err := NewStore(path, log)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, path, policyV2)
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if !visible(s) {
		t.Error("Reload did not install the new grant")
	}
	if !strings.Contains(logs.String(), "policy: loaded") {
		t.Errorf("successful reload not logged:\n%s", logs)
	}
	before := s.Current()
	writeAtomic(t, path, policyBroken)
	err = s.Reload()
	if err == nil || !strings.Contains(err.Error(), "keeping the previous policy") || !strings.Contains(err.Error(), "line 14") {
		t.Errorf("Reload(broken) = %v", err)
	}
	if s.Current() != before {
		t.Error("a broken file replaced the policy")
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("Reload both logged and returned its error:\n%s", logs)
	}
}

// Current, Decide and reloads run concurrently (under -race).
func TestStoreConcurrent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writeAtomic(t, path, policyV1)
	s, err := NewStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Watch(ctx, time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				_ = visible(s)
			}
		}()
	}
	for i := range 20 {
		content := policyV1
		if i%2 == 0 {
			content = policyV2
		}
		writeAtomic(t, path, content)
		if err := s.Reload(); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}
