package planner

import (
	"bufio"
	"container/list"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Memory is bounded for the whole process, not per session. Every session
// owns a DuckDB database (engine.go), and DuckDB alone would take 80% of
// RAM for each of them; a few heavy sessions would bring in the host's OOM
// killer. The bound has three parts:
//
//   - memory_budget (EngineConfig.MemoryBudget, default half of the
//     machine's RAM or of the cgroup's memory limit, whichever is smaller)
//     is what the process may use. A fixed part of it is set aside for what
//     is not a statement: the process itself (baseReserve: Go runtime,
//     the binary's code, buffers), the catalog's metadata cache and the
//     result cache (both bounded by their own settings), and an eighth of
//     the rest for the small-table copies sessions keep in their engines
//     between statements (snapcache.go; MemoryPlan.CopyCells, reckoned at
//     copyCellBytes a cell; past it, scans read their files).
//   - Each session's engine gets memory_limit = MemoryPlan.EngineLimit.
//     DuckDB holds everything a statement builds (hash tables, sorts,
//     aggregate states, table copies, results converted to Arrow) within
//     it, spilling to the session's directory under limits.temp_dir, at
//     most MemoryPlan.TempLimit bytes (max_temp_directory_size). What
//     does not fit fails with "Out of Memory" (53200), or "disk full"
//     (53100) when the spill space is used up; the session goes on.
//   - A session running a statement that is not short (admit.go) holds a
//     grant of MemoryPlan.Grant bytes: its engine limit plus twice the
//     largest row the server encodes (max_row_bytes: the encoded fields
//     and the message they are copied into). Grants come from the budget
//     in arrival order (memBudget); a session waits for one, as long as
//     its statement_timeout and cancel allow, when the sessions running
//     now hold all of it, at most memoryWait (then it fails with 53200).
//     A session holds one grant however many of its
//     statements and cursors are open (they share its engine's limit),
//     from the statement's start until its last row is sent, and for a
//     cursor until it is closed. Short statements read only small table
//     copies and run at most ShortSlots at a time: room for that many
//     grants is kept apart, so they never wait behind heavy ones.
//
// So: RSS <= memory_budget + about engineOverhead per open session (an
// idle DuckDB database with the emulated pg_catalog, measured at ~8 MiB).
// What the budget cannot see: DuckDB allocates a single value built by a
// scalar function (repeat, lpad, string concatenation; a constant one
// twice, while folding it) outside memory_limit; such a value is bounded
// by DuckDB's 4 GiB string limit only. Converting it to Arrow counts
// again, and the server refuses a value or row larger than max_value_bytes
// / max_row_bytes (54000) before encoding it.

const (
	// baseReserve is the part of the budget kept for the process itself.
	baseReserve = 128 << 20
	// engineOverhead is an idle session engine's footprint, outside the
	// budget (documented, measured: 20 engines +160 MiB RSS).
	engineOverhead = 8 << 20
	// minEngineLimit is the smallest engine memory_limit the budget may
	// work out to.
	minEngineLimit = 32 << 20
	// Caps of a result's encoded value and row (PostgreSQL's field limit
	// is 1 GB), lowered to fit small grants.
	defaultMaxValueBytes = 256 << 20
	defaultMaxRowBytes   = 512 << 20
	// copyCellBytes is what a cell of a table copy is reckoned to take in
	// engine memory (8-byte values, short strings, validity, row groups).
	copyCellBytes = 16
	// defaultMetadataCacheBytes mirrors catalog's default, for the reserve.
	defaultMetadataCacheBytes = 256 << 20
)

// MemoryPlan is how the process budget is divided (see above).
type MemoryPlan struct {
	Budget      int64 // the whole process
	Reserved    int64 // process, metadata cache, result cache
	EngineLimit int64 // each engine's memory_limit
	Grant       int64 // held by a session running a statement
	Busy        int   // sessions running statements at once, besides short ones
	// MaxValueBytes and MaxRowBytes cap one encoded value and one encoded
	// row of a result.
	MaxValueBytes, MaxRowBytes int64
	// TempLimit is each engine's max_temp_directory_size; 0 leaves
	// DuckDB's default.
	TempLimit int64
	// CopyCells bounds the cells of all sessions' table copies
	// (snapcache.go), part of Reserved.
	CopyCells int64
	// Adjusted says what was changed to fit the budget ("": nothing).
	Adjusted string
}

// Validate checks the engine settings that have a syntax.
func (c EngineConfig) Validate() error {
	_, err := PlanMemory(c)
	return err
}

// PlanMemory works out the memory plan of cfg.
func PlanMemory(cfg EngineConfig) (MemoryPlan, error) {
	var m MemoryPlan
	var err error
	if cfg.MemoryBudget != "" {
		if m.Budget, err = ParseBytes(cfg.MemoryBudget); err != nil {
			return m, fmt.Errorf("memory_budget: %w", err)
		}
	} else {
		m.Budget = machineMemory() / 2
	}
	meta := cfg.MetadataCacheBytes
	if meta <= 0 {
		meta = defaultMetadataCacheBytes
	}
	results := int64(cfg.ResultCacheBytes)
	if results == 0 {
		results = defaultResultCacheBytes
	}
	m.Reserved = baseReserve + meta + max(results, 0)
	// Sessions' small-table copies stay in their engines between
	// statements: an eighth of the rest is theirs, at copyCellBytes a cell.
	copies := (m.Budget - m.Reserved) / 8
	m.CopyCells = max(copies/copyCellBytes, 0)
	m.Reserved += max(copies, 0)
	pool := m.Budget - m.Reserved
	short := int64(shortSlots(cfg))
	if cfg.MaxRowBytes < 0 || cfg.MaxValueBytes < 0 {
		return m, fmt.Errorf("max_row_bytes and max_value_bytes must not be negative")
	}
	rowFor := func(grant int64) int64 { // max_row_bytes for a grant
		if cfg.MaxRowBytes > 0 {
			return cfg.MaxRowBytes
		}
		return min(defaultMaxRowBytes, grant/8)
	}
	share := func() { // the default division: short grants and two more
		m.Grant = max(pool/(short+2), 0)
		m.MaxRowBytes = rowFor(m.Grant)
		m.EngineLimit = m.Grant - 2*m.MaxRowBytes
	}
	if cfg.MemoryLimit != "" {
		if m.EngineLimit, err = ParseBytes(cfg.MemoryLimit); err != nil {
			return m, fmt.Errorf("memory_limit: %w", err)
		}
		m.MaxRowBytes = cfg.MaxRowBytes
		if m.MaxRowBytes == 0 {
			m.MaxRowBytes = min(defaultMaxRowBytes, max(m.EngineLimit/4, 1<<20))
		}
		m.Grant = m.EngineLimit + 2*m.MaxRowBytes
		if pool < (short+1)*m.Grant {
			share()
			m.Adjusted = fmt.Sprintf("memory_limit %s does not fit memory_budget %s (%d short statements and one other at once): "+
				"using %s", cfg.MemoryLimit, FormatBytes(m.Budget), short, FormatBytes(m.EngineLimit))
		}
	} else {
		share()
	}
	if m.EngineLimit < minEngineLimit {
		if cfg.MemoryBudget != "" {
			return m, fmt.Errorf("memory_budget %s is too small: the process keeps %s (metadata and result caches included), "+
				"and %d short statements and one other need at least %s each (memory_limit %s, plus twice max_row_bytes %s)",
				FormatBytes(m.Budget), FormatBytes(m.Reserved), short, FormatBytes(minEngineLimit+2*rowFor(minEngineLimit)),
				FormatBytes(minEngineLimit), FormatBytes(rowFor(minEngineLimit)))
		}
		// A small machine: the smallest useful engines, over half its RAM.
		m.MaxRowBytes = rowFor(minEngineLimit)
		m.EngineLimit = minEngineLimit
		m.Grant = m.EngineLimit + 2*m.MaxRowBytes
		m.Adjusted = fmt.Sprintf("half of this machine's memory (%s) is too small for the default budget; engines get %s each",
			FormatBytes(m.Budget), FormatBytes(minEngineLimit))
	}
	m.Busy = max(int(pool/m.Grant-short), 1)
	m.MaxValueBytes = cfg.MaxValueBytes
	if m.MaxValueBytes == 0 {
		m.MaxValueBytes = min(defaultMaxValueBytes, m.MaxRowBytes/2)
	}
	if cfg.TempDirLimit != "" {
		total, err := ParseBytes(cfg.TempDirLimit)
		if err != nil {
			return m, fmt.Errorf("temp_dir_limit: %w", err)
		}
		m.TempLimit = max(total/int64(m.Busy+int(short)), 1<<20)
	} else if free := freeDisk(cfg.TempDir); free > 0 {
		// Half the free space at start, shared like the grants.
		m.TempLimit = max(free/2/int64(m.Busy+int(short)), 1<<20)
	}
	return m, nil
}

// ParseBytes reads a size as DuckDB spells it: a number and a unit, B,
// KB/MB/GB/TB (powers of 1000) or KiB/MiB/GiB/TiB (powers of 1024), case
// insensitive; a bare number is bytes.
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(t[:i]), strings.TrimSpace(t[i:])
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	mult := map[string]float64{"": 1, "b": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("invalid size %q: unknown unit %q", s, unit)
	}
	v := n * mult
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return int64(v), nil
}

// FormatBytes writes a size in MiB or GiB.
func FormatBytes(n int64) string {
	if n >= 10<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

// machineMemory is the physical memory, or the cgroup's limit when lower;
// 4 GiB when neither can be read.
func machineMemory() int64 {
	total := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
		f.Close()
	}
	if total <= 0 {
		total = 4 << 30
	}
	if c := cgroupMemoryLimit(); c > 0 && c < total {
		total = c
	}
	return total
}

// cgroupMemoryLimit is the memory limit of the process's cgroup (v2
// memory.max or v1 memory.limit_in_bytes), 0 when none.
func cgroupMemoryLimit() int64 {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return 0
	}
	var paths []string
	for _, line := range strings.Split(string(b), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			paths = append(paths, filepath.Join("/sys/fs/cgroup", parts[2], "memory.max"), "/sys/fs/cgroup/memory.max")
		case strings.Contains(","+parts[1]+",", ",memory,"):
			paths = append(paths, filepath.Join("/sys/fs/cgroup/memory", parts[2], "memory.limit_in_bytes"),
				"/sys/fs/cgroup/memory/memory.limit_in_bytes")
		}
	}
	limit := int64(0)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 { // "max" or v1's "unlimited"
			continue
		}
		if limit == 0 || n < limit {
			limit = n
		}
	}
	return limit
}

// freeDisk is the free space of dir's file system (the OS temp dir for
// ""), 0 when unknown.
func freeDisk(dir string) int64 {
	if dir == "" {
		dir = os.TempDir()
	}
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil {
		return 0
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// memBudget hands out grants of bytes in arrival order: a request waits
// while the grants held leave too little, and while anyone asked before it,
// so a large request is not passed over forever by small ones.
type memBudget struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	waiters  list.List // of *memWaiter
}

type memWaiter struct {
	n     int64
	ready chan struct{}
}

func newMemBudget(capacity int64) *memBudget { return &memBudget{capacity: capacity} }

// acquire takes n bytes, waiting in line until they are free or ctx ends
// (then it returns ErrCanceled; execError tells a timeout from a cancel).
func (b *memBudget) acquire(ctx context.Context, n int64) error {
	n = min(n, b.capacity) // a request larger than everything waits for everything
	b.mu.Lock()
	if b.waiters.Len() == 0 && b.used+n <= b.capacity {
		b.used += n
		b.mu.Unlock()
		return nil
	}
	w := &memWaiter{n: n, ready: make(chan struct{})}
	el := b.waiters.PushBack(w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	select {
	case <-w.ready: // granted while ctx ended: give it back
		b.used -= n
		b.grantLocked()
	default:
		front := b.waiters.Front() == el
		b.waiters.Remove(el)
		if front {
			b.grantLocked() // the ones behind may fit now
		}
	}
	b.mu.Unlock()
	return ErrCanceled
}

// release gives back n bytes of acquire (the same n).
func (b *memBudget) release(n int64) {
	n = min(n, b.capacity)
	b.mu.Lock()
	b.used -= n
	b.grantLocked()
	b.mu.Unlock()
}

func (b *memBudget) grantLocked() {
	for el := b.waiters.Front(); el != nil; el = b.waiters.Front() {
		w := el.Value.(*memWaiter)
		if b.used+w.n > b.capacity {
			return
		}
		b.used += w.n
		b.waiters.Remove(el)
		close(w.ready)
	}
}

// inUse reports the bytes granted and the requests waiting.
func (b *memBudget) inUse() (int64, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used, b.waiters.Len()
}

// memoryWait bounds a statement's wait for a grant: a statement that
// cannot get memory fails (53200) rather than wait behind sessions that
// keep theirs (a client that stops reading a large result keeps its
// grant until its statement_timeout, if any).
const memoryWait = 30 * time.Second

var errMemoryWait = errors.New("memory wait")

// reserve makes the session hold a grant while a statement or cursor runs
// in its engine, and returns its release (safe to call more than once).
// A session holds at most one grant: its statements share its engine's
// memory_limit.
func (s *Session) reserve(ctx context.Context) (func(), error) {
	if s.grants == 0 {
		wctx, cancel := context.WithTimeoutCause(ctx, s.p.memWait, errMemoryWait)
		err := s.p.mem.acquire(wctx, s.p.memPlan.Grant)
		cancel()
		if err != nil {
			if ctx.Err() == nil && errors.Is(context.Cause(wctx), errMemoryWait) {
				return nil, &EngineError{Kind: KindOutOfMemory, Msg: fmt.Sprintf("out of memory: no memory was free for this statement "+
					"within %s; statements of other sessions hold all of limits.memory_budget", s.p.memWait)}
			}
			return nil, err
		}
	}
	s.grants++
	done := false
	return func() {
		if done {
			return
		}
		done = true
		s.grants--
		if s.grants == 0 {
			s.p.mem.release(s.p.memPlan.Grant)
		}
	}, nil
}
