package objcache

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// object returns a fetch writing body and counting its calls.
func object(body string, calls *atomic.Int64) Fetch {
	return func(_ context.Context, w io.Writer) error {
		calls.Add(1)
		_, err := io.WriteString(w, body)
		return err
	}
}

func TestGetFetchesOnceAndServesFromDisk(t *testing.T) {
	c, err := Open(t.TempDir(), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	ctx := context.Background()
	p1, err := c.Get(ctx, nil, "t1", "s3://b/t1/a.parquet", object("hello", &calls))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := c.Get(ctx, nil, "t1", "s3://b/t1/a.parquet", object("other", &calls))
	if err != nil {
		t.Fatal(err)
	}
	if p1 != p2 || calls.Load() != 1 {
		t.Fatalf("paths %s %s, fetches %d", p1, p2, calls.Load())
	}
	if b, _ := os.ReadFile(p1); string(b) != "hello" {
		t.Fatalf("copy holds %q", b)
	}
	if filepath.Dir(p1) != c.GroupDir("t1") {
		t.Fatalf("copy %s not in its group's directory %s", p1, c.GroupDir("t1"))
	}
	st := c.Stats()
	if st.Hits != 1 || st.Fetches != 1 || st.Bytes != 5 || st.FetchedBytes != 5 {
		t.Fatalf("stats %+v", st)
	}
}

// TestConcurrentGetsShareOneFetch: many sessions asking for the same object
// at once cause one fetch, and all see the complete copy.
func TestConcurrentGetsShareOneFetch(t *testing.T) {
	c, err := Open(t.TempDir(), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	release := make(chan struct{})
	body := strings.Repeat("x", 4096)
	fetch := func(_ context.Context, w io.Writer) error {
		calls.Add(1)
		<-release // every Get below is waiting when the fetch completes
		_, err := io.WriteString(w, body)
		return err
	}
	var wg sync.WaitGroup
	paths := make([]string, 8)
	errs := make([]error, 8)
	started := make(chan struct{}, 8)
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started <- struct{}{}
			paths[i], errs[i] = c.Get(context.Background(), nil, "g", "s3://b/x", fetch)
		}()
	}
	for range paths {
		<-started
	}
	close(release)
	wg.Wait()
	for i := range paths {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if b, _ := os.ReadFile(paths[i]); string(b) != body {
			t.Fatalf("reader %d saw %d bytes", i, len(b))
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

func TestFailedFetchLeavesNothingAndIsRetried(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir, 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("store said 503")
	_, err = c.Get(context.Background(), nil, "g", "s3://b/y", func(_ context.Context, w io.Writer) error {
		_, _ = io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Fatalf("a failed fetch left %v", files)
	}
	var calls atomic.Int64
	p, err := c.Get(context.Background(), nil, "g", "s3://b/y", object("whole", &calls))
	if err != nil || calls.Load() != 1 {
		t.Fatalf("retry: %v, %d fetches", err, calls.Load())
	}
	if b, _ := os.ReadFile(p); string(b) != "whole" {
		t.Fatalf("copy %q", b)
	}
}

// TestEvictionLRUAndHolds: past the budget the least recently used copy
// goes, unless it is held.
func TestEvictionLRUAndHolds(t *testing.T) {
	c, err := Open(t.TempDir(), 30, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var calls atomic.Int64
	ten := strings.Repeat("a", 10)
	get := func(h *Holds, loc string) string {
		t.Helper()
		p, err := c.Get(ctx, h, "g", loc, object(ten, &calls))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	h := c.NewHolds()
	pa := get(h, "a") // held
	pb := get(nil, "b")
	pc := get(nil, "c")
	get(nil, "b") // b is now more recent than c
	pd := get(nil, "d")
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if !exists(pa) || !exists(pb) || exists(pc) || !exists(pd) {
		t.Fatalf("after d: a %v b %v c %v d %v; want c evicted (a held, b recent)", exists(pa), exists(pb), exists(pc), exists(pd))
	}
	// Held copies stay even past the budget.
	h.Add(pb, pd)
	pe := get(h, "e")
	if !exists(pa) || !exists(pb) || !exists(pd) || !exists(pe) {
		t.Fatal("a held copy was evicted")
	}
	if st := c.Stats(); st.Bytes != 40 || st.OverBudgetHeld == 0 || st.Peak != 40 {
		t.Fatalf("stats %+v", st)
	}
	// Once released, the next fetch brings the cache back within budget.
	h.Release()
	get(nil, "f")
	if st := c.Stats(); st.Bytes > 30 {
		t.Fatalf("after release: %d bytes, budget 30", st.Bytes)
	}
}

// TestOpenAdoptsCopies: a restarted process keeps the copies of the last
// and removes half-written files.
func TestOpenAdoptsCopies(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(dir, 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	p, err := c.Get(context.Background(), nil, "g", "s3://b/z", object("kept", &calls))
	if err != nil {
		t.Fatal(err)
	}
	tmp := p + ".tmp-123"
	if err := os.WriteFile(tmp, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(dir, 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Fatal("a temporary file survived Open")
	}
	p2, err := c2.Get(context.Background(), nil, "g", "s3://b/z", object("refetched", &calls))
	if err != nil || p2 != p || calls.Load() != 1 {
		t.Fatalf("adopted copy: %s %v, %d fetches", p2, err, calls.Load())
	}
	if b, _ := os.ReadFile(p2); !bytes.Equal(b, []byte("kept")) {
		t.Fatalf("copy %q", b)
	}
}

func TestGetHonoursContextWhileWaiting(t *testing.T) {
	c, err := Open(t.TempDir(), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	block := make(chan struct{})
	inFetch := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.Get(context.Background(), nil, "g", "s3://b/slow", func(_ context.Context, w io.Writer) error {
			close(inFetch)
			<-block
			return nil
		})
	}()
	<-inFetch
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Get(ctx, nil, "g", "s3://b/slow", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting Get: %v, want canceled", err)
	}
	close(block)
	<-done
}

// A Get waiting for another's fetch of the same object is not failed by
// that other caller giving up (its statement canceled): it fetches the
// object itself.
func TestWaiterOutlivesCanceledFetch(t *testing.T) {
	c, err := Open(t.TempDir(), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	ownerErr := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, nil, "g", "s3://b/x", func(ctx context.Context, _ io.Writer) error {
			close(started)
			<-ctx.Done() // a download the owner's cancel stops
			return ctx.Err()
		})
		ownerErr <- err
	}()
	<-started
	waiter := make(chan error, 1)
	var path string
	go func() {
		var err error
		path, err = c.Get(context.Background(), nil, "g", "s3://b/x", func(_ context.Context, w io.Writer) error {
			_, err := io.WriteString(w, "data")
			return err
		})
		waiter <- err
	}()
	for joined := false; !joined; {
		c.mu.Lock()
		f := c.flights[c.PathOf("g", "s3://b/x")]
		joined = f != nil && f.waiters == 1
		c.mu.Unlock()
		runtime.Gosched()
	}
	cancel()
	if err := <-ownerErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("owner: %v, want context.Canceled", err)
	}
	if err := <-waiter; err != nil {
		t.Fatalf("waiter failed with its owner's cancel: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "data" {
		t.Fatalf("waiter's copy: %q %v", b, err)
	}
}

// TestHoldsTake: Take moves another set's holds into a set, counting a
// copy both held once; the copies stay held through the move and go with
// the taker's Release, not the other's.
func TestHoldsTake(t *testing.T) {
	c, err := Open(t.TempDir(), 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var calls atomic.Int64
	ten := strings.Repeat("a", 10)
	get := func(h *Holds, loc string) string {
		t.Helper()
		p, err := c.Get(ctx, h, "g", loc, object(ten, &calls))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	from, to := c.NewHolds(), c.NewHolds()
	pa := get(from, "a")
	pb := get(from, "b")
	to.Add(pb) // held by both
	to.Take(from)
	if from.Len() != 0 || to.Len() != 2 {
		t.Fatalf("after Take: the other holds %d, the taker %d; want 0 and 2", from.Len(), to.Len())
	}
	from.Release() // holds nothing now: a and b stay held
	get(nil, "c")
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if !exists(pa) || !exists(pb) {
		t.Fatalf("a copy taken was evicted: a %v b %v", exists(pa), exists(pb))
	}
	// b was held by both: once by the taker now, so one Release frees it.
	to.Release()
	pd := get(nil, "d")
	if exists(pb) || !exists(pd) {
		t.Fatalf("after the taker's release: b %v d %v; want b evicted (least recently used, held no more)", exists(pb), exists(pd))
	}
}
