package server_test

import (
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// ownProcessEnv names the test a test binary was started to run alone.
const ownProcessEnv = "LAKEGATE_TEST_OWN_PROCESS"

// inOwnProcess lets a test that needs the whole process (it measures the
// process's heap, or sets its environment) run beside the package's other
// tests: in the package's run it marks the test parallel, runs it again in
// a test binary process of its own (the same binary, -test.run naming only
// it) and returns false, failing t if that run fails; in that process it
// returns true and the test runs, alone there. The other process's output
// goes to t's log, each line marked so that go test's reader (test2json)
// does not take its result lines for this process's.
func inOwnProcess(t *testing.T) bool {
	t.Helper()
	if os.Getenv(ownProcessEnv) == t.Name() {
		return true
	}
	t.Parallel()
	args := []string{"-test.run=^" + regexp.QuoteMeta(t.Name()) + "$", "-test.count=1", "-test.v"}
	if f := flag.Lookup("test.timeout"); f != nil {
		args = append(args, "-test.timeout="+f.Value.String())
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), ownProcessEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil {
		t.Fatalf("starting the test's own process: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	t.Logf("in a process of its own (pid %d):\n| %s", cmd.ProcessState.Pid(), strings.Join(lines, "\n| "))
	if err != nil {
		t.Fatalf("the test's own process: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()+" ") {
		t.Fatalf("the test's own process did not run it")
	}
	return false
}
