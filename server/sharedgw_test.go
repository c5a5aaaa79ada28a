package server_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// Shared gateways: the tests that only read the demo warehouse, through
// sessions of their own, share one gateway per option set in the test
// process instead of each starting one (a start seeds the demo, opens the
// catalog and the first engines, all under the race detector: most of a
// small test's CPU). The first test asking for one starts it; TestMain
// closes them all once every test has run.
//
// What a test must not do on a shared gateway, since the others see it:
// write (INSERT, COPY FROM, COMMENT, CALL, the catalog's own methods),
// edit the policy file, close the server or kill its engines, read the
// audit log, count the server's sessions or engines, or set anything
// beyond its own sessions' settings. Those tests start their own gateway
// (startGW); a test moved here keeps every assertion it had.

// sharedKey is a shared gateway's option set.
type sharedKey struct {
	sizes  demo.Sizes
	policy bool // startPolicyGW's options: the demo policy and accounts, watched, audited
}

type sharedGateway struct {
	once sync.Once
	pg   *policyGW
	err  error
}

var shared struct {
	mu       sync.Mutex
	gws      map[sharedKey]*sharedGateway
	cleanups []func() // run last first by closeSharedGateways
}

// sharedGW is the test process's gateway over the demo at sizes, with
// startGW's defaults otherwise (no policy, no accounts).
func sharedGW(t testing.TB, sizes demo.Sizes) *gateway {
	t.Helper()
	return sharedStart(t, sharedKey{sizes: sizes}).gateway
}

// sharedPolicyGW is the test process's startPolicyGW: the demo at
// smallSizes with the demo's policy and accounts. Its audit log holds
// every sharing test's statements: a test reading it starts its own.
func sharedPolicyGW(t testing.TB) *policyGW {
	t.Helper()
	return sharedStart(t, sharedKey{policy: true})
}

func sharedStart(t testing.TB, key sharedKey) *policyGW {
	t.Helper()
	shared.mu.Lock()
	if shared.gws == nil {
		shared.gws = map[sharedKey]*sharedGateway{}
	}
	s := shared.gws[key]
	if s == nil {
		s = &sharedGateway{}
		shared.gws[key] = s
	}
	shared.mu.Unlock()
	s.once.Do(func() { s.pg, s.err = startShared(key) })
	if s.err != nil {
		t.Fatalf("shared gateway %+v: %v", key, s.err)
	}
	return s.pg
}

// startShared starts a gateway for key that outlives the test asking for
// it: startGW's temporary directories and cleanups go to
// closeSharedGateways, and a failure is returned instead of ending the
// test (the others asking for the same gateway get the error too).
func startShared(key sharedKey) (pg *policyGW, err error) {
	st := &sharedStarter{}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(sharedFailure)
			if !ok {
				panic(r)
			}
			pg, err = nil, f
		}
	}()
	if key.policy {
		audit := &syncBuffer{}
		g := startGW(st, gwOptions{policy: demo.Policy, watch: true, threads: 1, cfg: server.Config{Audit: server.AuditConfig{Writer: audit}}})
		return &policyGW{gateway: g, audit: audit}, nil
	}
	return &policyGW{gateway: startGW(st, gwOptions{sizes: key.sizes})}, nil
}

// closeSharedGateways closes the shared gateways and removes their
// directories; TestMain calls it after the tests.
func closeSharedGateways() {
	shared.mu.Lock()
	cleanups := shared.cleanups
	shared.cleanups = nil
	shared.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
}

// sharedFailure is a shared gateway's failed start (sharedStarter.Fatal).
type sharedFailure struct{ msg string }

func (f sharedFailure) Error() string { return f.msg }

// sharedStarter is the testing.TB startGW is given for a shared gateway:
// only the methods startGW calls are implemented (the embedded nil
// interface panics on any other).
type sharedStarter struct{ testing.TB }

func (*sharedStarter) Helper() {}

func (s *sharedStarter) Cleanup(f func()) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.cleanups = append(shared.cleanups, f)
}

func (s *sharedStarter) TempDir() string {
	dir, err := os.MkdirTemp("", "lakegate-shared-gw-")
	if err != nil {
		s.Fatal(err)
	}
	s.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (*sharedStarter) Fatal(args ...any) { panic(sharedFailure{fmt.Sprint(args...)}) }

func (*sharedStarter) Fatalf(format string, args ...any) {
	panic(sharedFailure{fmt.Sprintf(format, args...)})
}
