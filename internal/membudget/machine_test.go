package membudget

import (
	"os"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{
		"1024": 1024, "2GB": 2e9, "2 GiB": 2 << 30, "1.5gib": 3 << 29, "512MB": 512e6, "64MiB": 64 << 20,
		"100kb": 100e3, "7 bytes": 7, "1.5 GiB": 3 << 29,
	} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GB", "-1GB", "12 parsecs", "1e30"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q): no error", in)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 MiB", 64 << 20: "64 MiB", 3 << 29: "1536 MiB", 10 << 30: "10.0 GiB", 3 << 33: "24.0 GiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// The machine's facts are positive where they can be read, and the
// memory is never above a cgroup's limit.
func TestMachineFacts(t *testing.T) {
	m := MachineMemory()
	if m <= 0 {
		t.Fatalf("MachineMemory() = %d", m)
	}
	if c := CgroupMemoryLimit(); c < 0 || c > 0 && m > c {
		t.Errorf("MachineMemory() = %d over the cgroup's limit %d", m, c)
	}
	if free := FreeDisk(t.TempDir()); free <= 0 {
		t.Errorf("FreeDisk(temp dir) = %d", free)
	}
	if free := FreeDisk(os.DevNull + "/none"); free != 0 {
		t.Errorf("FreeDisk of a missing dir = %d, want 0", free)
	}
}
