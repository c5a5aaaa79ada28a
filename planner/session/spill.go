package session

import (
	"io/fs"
	"path/filepath"
	"sync"
)

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
