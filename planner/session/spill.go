package session

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// spillPrefix starts the name of every engine's spill directory, followed
// by the owning process's id (for whoever lists the directory) and a
// random part.
const spillPrefix = "lakegate-spill-"

// spillLockName is the file in a spill directory that its engine holds an
// exclusive flock(2) on for as long as the directory is in use. The kernel
// drops the lock when the process ends in any way, SIGKILL included: a
// spill directory whose lock can be taken is one nobody uses any more.
const spillLockName = "lock"

// newSpillDir makes an engine's spill directory under parent ("": the OS
// temp dir) and locks it (spillLockName). The caller closes the lock after
// removing the directory. The lock file is made and locked under another
// name, then renamed: a sweep (sweepSpillDirs) that finds "lock" finds it
// locked already, never between its creation and its flock.
func newSpillDir(parent string) (dir string, lock *os.File, err error) {
	return newLockedDir(parent, spillPrefix)
}

// newLockedDir makes a directory as newSpillDir does, its name starting
// with prefix (spillPrefix, templatePrefix: the ones sweepSpillDirs
// sweeps).
func newLockedDir(parent, prefix string) (dir string, lock *os.File, err error) {
	dir, err = os.MkdirTemp(parent, fmt.Sprintf("%s%d-", prefix, os.Getpid()))
	if err != nil {
		return "", nil, err
	}
	lock, err = os.OpenFile(filepath.Join(dir, spillLockName+".new"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		if err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			err = os.Rename(lock.Name(), filepath.Join(dir, spillLockName))
		}
		if err != nil {
			lock.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, lock, nil
}

// swept holds the directories sweepSpillDirs has swept in this process.
var swept sync.Map

// sweepSpillDirs removes, once per process and directory, the spill
// directories (and macro templates' directories: enginetemplate.go) under
// parent ("": the OS temp dir) that no live process
// holds: those of gateways, tests or tools that ended without closing
// their engines (killed, crashed, or a test that never closed what it
// opened). A directory without a lock file (made by an older lakegate, or
// being made right now) is left alone: nothing tells whether it is in use.
// It returns how many it removed.
func sweepSpillDirs(parent string) int {
	if parent == "" {
		parent = os.TempDir()
	}
	if _, done := swept.LoadOrStore(filepath.Clean(parent), true); done {
		return 0
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return 0
	}
	n := 0
	for _, de := range entries {
		if !de.IsDir() || !strings.HasPrefix(de.Name(), spillPrefix) && !strings.HasPrefix(de.Name(), templatePrefix) {
			continue
		}
		dir := filepath.Join(parent, de.Name())
		if abandonedSpillDir(dir) {
			n++
		}
	}
	return n
}

// abandonedSpillDir removes dir when its lock can be taken, and says
// whether it did.
func abandonedSpillDir(dir string) bool {
	lock, err := os.Open(filepath.Join(dir, spillLockName))
	if err != nil {
		return false
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false
	}
	return os.RemoveAll(dir) == nil
}

// spillDirs are the spill directories of the engines a pool opened and
// that have not closed: what limits.temp_dir holds of this process's
// sessions right now (other processes may share the directory).
type spillDirs struct {
	mu   sync.Mutex
	dirs map[string]struct{}
}

func (d *spillDirs) add(dir string) {
	d.mu.Lock()
	if d.dirs == nil {
		d.dirs = map[string]struct{}{}
	}
	d.dirs[dir] = struct{}{}
	d.mu.Unlock()
}

func (d *spillDirs) remove(dir string) {
	d.mu.Lock()
	delete(d.dirs, dir)
	d.mu.Unlock()
}

// count is how many engines are open.
func (d *spillDirs) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.dirs)
}

// bytes sums the sizes of the files in the directories: the engines'
// spilled data at this moment. A file removed during the walk counts
// nothing.
func (d *spillDirs) bytes() int64 {
	d.mu.Lock()
	dirs := make([]string, 0, len(d.dirs))
	for dir := range d.dirs {
		dirs = append(dirs, dir)
	}
	d.mu.Unlock()
	var n int64
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(_ string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() {
				return nil
			}
			if info, err := de.Info(); err == nil {
				n += info.Size()
			}
			return nil
		})
	}
	return n
}
