package engine

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// TestOpenRefusedWithoutDescriptors: with fewer than minFreeFDs file
// descriptors left, Open returns ErrorResources instead of letting DuckDB
// abort the process; with the limit back, it opens. It lowers the
// process's RLIMIT_NOFILE, so it runs alone in a child process of the test
// binary, where no other test's database needs a descriptor meanwhile.
func TestOpenRefusedWithoutDescriptors(t *testing.T) {
	if os.Getenv("LAKEGATE_FDLIMIT_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestOpenRefusedWithoutDescriptors$", "-test.count", "1")
		cmd.Env = append(os.Environ(), "LAKEGATE_FDLIMIT_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	open, _, ok := fdUse()
	if !ok {
		t.Fatal("/proc/self/fd unreadable")
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	low := old
	low.Cur = uint64(open + minFreeFDs/2)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	_, err := Open(nil)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	var ee *Error
	if !errors.As(err, &ee) || ee.Type != ErrorResources {
		t.Fatalf("Open with %d descriptors left: %v, want ErrorResources", minFreeFDs/2, err)
	}
	db, err := Open(nil)
	if err != nil {
		t.Fatalf("Open with the limit back: %v", err)
	}
	db.Close()
}
