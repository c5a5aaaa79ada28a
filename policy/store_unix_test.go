//go:build unix

package policy

import (
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestStoreSIGHUP wires SIGHUP to Reload the way cmd/lakegate does.
// Not parallel: it signals the whole test process.
func TestStoreSIGHUP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writeAtomic(t, path, policyV1)
	s, err := NewStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	results := make(chan error)
	go func() {
		for range hup {
			results <- s.Reload()
		}
	}()
	defer close(hup)

	writeAtomic(t, path, policyV2)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := <-results; err != nil {
		t.Fatal(err)
	}
	if !visible(s) {
		t.Error("SIGHUP did not install the new grant")
	}

	writeAtomic(t, path, policyBroken)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := <-results; err == nil || !strings.Contains(err.Error(), "keeping the previous policy") {
		t.Errorf("SIGHUP with a broken file: %v", err)
	}
	if !visible(s) {
		t.Error("a broken file replaced the policy")
	}
}
