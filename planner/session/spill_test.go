package session

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for a process that owns a spill
// directory: with LAKEGATE_TEST_SPILL_PARENT set it makes one there,
// prints it and waits to be killed (TestSpillDirsOfEndedProcessesSwept).
func TestMain(m *testing.M) {
	if parent := os.Getenv("LAKEGATE_TEST_SPILL_PARENT"); parent != "" {
		dir, _, err := newSpillDir(parent)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(dir)
		select {} // until killed
	}
	os.Exit(m.Run())
}

// A process that ends without closing its engines (SIGKILL here) leaves
// its spill directories behind; the next engine pool over the same
// directory removes them, and only them: not a live engine's, not one a
// process is making right now (no lock file yet), not one without a lock
// file (an older lakegate's), nor anything else.
func TestSpillDirsOfEndedProcessesSwept(t *testing.T) {
	parent := t.TempDir()
	killed := make([]string, 1)
	for i := range killed {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LAKEGATE_TEST_SPILL_PARENT="+parent)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, parent) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the owner process printed %q, %v", line, err)
		}
		killed[i] = strings.TrimSpace(line)
		// Some spilled data in it, as DuckDB leaves it.
		if err := os.WriteFile(filepath.Join(killed[i], "duckdb_temp_storage-0.tmp"), []byte("spilled"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
	}
	live, err := openEngine(EngineConfig{TempDir: parent, Threads: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer live.close()
	making := filepath.Join(parent, spillPrefix+"1-making")
	older := filepath.Join(parent, spillPrefix+"123456")
	other := filepath.Join(parent, "lakegate-spillover")
	for _, d := range []string{making, older, other} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(making, spillLockName+".new"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, spillLockName), nil, 0o600); err != nil {
		t.Fatal(err)
	}

	newEnginePool(EngineConfig{TempDir: parent}, nil)
	for _, d := range killed {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("the killed process's spill directory %s after a pool opened: %v, want it removed", d, err)
		}
	}
	for _, d := range []string{live.tempDir, making, older, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s after a pool opened: %v, want it kept", d, err)
		}
	}
	// The live engine's directory goes when the engine closes, as before.
	live.close()
	if _, err := os.Stat(live.tempDir); !os.IsNotExist(err) {
		t.Errorf("the engine's spill directory after close: %v, want it removed", err)
	}
}
