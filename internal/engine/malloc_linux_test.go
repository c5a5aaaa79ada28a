//go:build linux && cgo

package engine

import (
	"os"
	"runtime"
	"sync"
	"testing"
)

// Threads that allocate at once get arenas of their own only up to the cap
// set at start: glibc's default would give 32 threads on 2 cores 16.
func TestCHeapArenasCapped(t *testing.T) {
	if os.Getenv("MALLOC_ARENA_MAX") != "" {
		t.Fatal("run without MALLOC_ARENA_MAX: the test checks the package's own cap")
	}
	var ready, done sync.WaitGroup
	release := make(chan struct{})
	for range 32 {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			runtime.LockOSThread() // a thread of its own, kept until the end
			defer runtime.UnlockOSThread()
			touchHeap()
			ready.Done()
			<-release
		}()
	}
	ready.Wait()
	n := heapArenas()
	close(release)
	done.Wait()
	if want := arenaMax(); n < 1 || n > want {
		t.Fatalf("glibc has %d arenas for 32 allocating threads, want at most %d", n, want)
	}
}
