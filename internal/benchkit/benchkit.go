// Package benchkit holds what the benchmark commands (bench/stream,
// bench/tpch) share: what they measure of a process from Linux's /proc
// (memory, CPU time), resetting its peak RSS, building the lakegate binary
// they run, and reading their list and count flags; and what a cache's
// bound test measures of the Go heap (HeapGrowth, CacheBound).
package benchkit

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/lakegate/lakegate/internal/testport"
)

// Mem is a process's memory from /proc/PID/status, in bytes.
type Mem struct {
	RSS  int64 // VmRSS
	HWM  int64 // VmHWM, peak RSS since start or the last ResetHWM
	Anon int64 // RssAnon: heap and stacks, without mapped files such as the binary's code
}

// Status reads the memory of pid ("self" for this process).
func Status(pid string) (Mem, error) {
	var m Mem
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return m, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		var dst *int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			dst = &m.RSS
		case strings.HasPrefix(line, "VmHWM:"):
			dst = &m.HWM
		case strings.HasPrefix(line, "RssAnon:"):
			dst = &m.Anon
		default:
			continue
		}
		if fields := strings.Fields(line); len(fields) >= 2 {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			*dst = kb * 1024
		}
	}
	return m, sc.Err()
}

// clockTicks is USER_HZ, 100 on every Linux ABI Go supports.
const clockTicks = 100

// CPU returns the user+system CPU seconds pid has used ("self" for this
// process), from /proc/PID/stat (fields 14 and 15, in clock ticks); 0 if
// it cannot be read.
func CPU(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields after it are fixed.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return float64(utime+stime) / clockTicks
}

// ResetHWM sets the peak RSS of pid to its current RSS (clear_refs 5,
// https://docs.kernel.org/admin-guide/mm/soft-dirty.html).
func ResetHWM(pid int) error {
	before, err := Status(strconv.Itoa(pid))
	if err != nil {
		return err
	}
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return err
	}
	after, err := Status(strconv.Itoa(pid))
	if err != nil {
		return err
	}
	// The write succeeds silently on kernels that ignore 5; check it took.
	if before.HWM > before.RSS && after.HWM >= before.HWM {
		return errors.New("clear_refs 5 did not reset VmHWM")
	}
	return nil
}

// FreeAddr returns a loopback address with a port free at the time of
// the call, outside the ephemeral range.
func FreeAddr() (string, error) { return testport.Addr() }

// ModuleRoot is the directory of the enclosing Go module.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the lakegate module; pass -lakegate PATH")
	}
	return filepath.Dir(mod), nil
}

// BuildLakegate builds ./cmd/lakegate of the enclosing module, with the
// tag the planner needs, into dir and returns the binary's path.
func BuildLakegate(dir string) (string, error) {
	out := filepath.Join(dir, "lakegate")
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	fmt.Fprintln(os.Stderr, "building lakegate ...")
	cmd := exec.Command("go", "build", "-tags=duckdb_arrow", "-o", out, "./cmd/lakegate")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build lakegate: %w", err)
	}
	return out, nil
}

// SplitList splits a comma-separated flag value, dropping empty items.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseCounts reads a comma-separated list of positive counts with an
// optional K or M suffix ("10M,50M").
func ParseCounts(s string) ([]int64, error) {
	var out []int64
	for _, p := range SplitList(s) {
		mult := int64(1)
		switch {
		case strings.HasSuffix(p, "M"), strings.HasSuffix(p, "m"):
			mult, p = 1_000_000, p[:len(p)-1]
		case strings.HasSuffix(p, "K"), strings.HasSuffix(p, "k"):
			mult, p = 1_000, p[:len(p)-1]
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad count %q", p)
		}
		out = append(out, n*mult)
	}
	return out, nil
}

// HeapGrowth is what fill leaves live in the Go heap: the heap in use after
// a collection once fill has run, less the same before it. Tests of a
// cache's byte bound compare it with the bound.
func HeapGrowth(fill func()) int64 {
	before := LiveHeap()
	fill()
	return int64(LiveHeap()) - int64(before)
}

// LiveHeap is the Go heap in use after two collections (the second frees
// what finalizers of the first released).
func LiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// CacheBound judges a cache's byte bound test: offered entries were put
// into a cache bounded at bound bytes, which kept items of them counted as
// counted bytes in all, and the heap grew by grew. The bound must have
// kept some and dropped others; the heap may exceed the bound by an
// eighth (the allocator's rounding), and an entry must be counted as at
// least nine tenths of what it takes.
func CacheBound(items, offered int, counted, grew, bound int64) error {
	if items == 0 || items == offered {
		return fmt.Errorf("%d of %d entries kept: the bound should keep some and drop others", items, offered)
	}
	if grew > bound+bound/8 {
		return fmt.Errorf("heap grew by %d bytes for a cache bounded at %d", grew, bound)
	}
	if each, takes := counted/int64(items), grew/int64(items); each < takes*9/10 {
		return fmt.Errorf("an entry is counted as %d bytes and takes %d", each, takes)
	}
	return nil
}
