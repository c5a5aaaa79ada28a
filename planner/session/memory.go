package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lakegate/lakegate/internal/membudget"
	"github.com/lakegate/lakegate/planner"
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
//     in arrival order (internal/membudget's Budget, the mechanism: this
//     file is the policy); a session waits for one, as long as its
//     statement_timeout and cancel allow, when the sessions running now
//     hold all of it, at most memoryWait (then it fails with 53200).
//     A session holds one grant however many of its
//     statements and cursors are open (they share its engine's limit),
//     from the statement's start until its last row is sent, and for a
//     cursor until it is closed. Short statements read only small table
//     copies and run at most ShortSlots at a time: room for that many
//     grants is kept apart, so they never wait behind heavy ones.
//
// What the budget leaves to the Go runtime (MemoryPlan.GoLimit) is the
// reserve without the table copies (which live in the engines), plus each
// grant's part that is not its engine's limit (the encoded rows), plus
// whatever the division left over. cmd/lakegate makes it the runtime's soft
// memory limit (debug.SetMemoryLimit, unless GOMEMLIMIT is set): without
// one nothing tells the collector about the budget, and it lets the heap
// grow to twice what is live however close the process is to it.
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
	// GoLimit is the part of the budget the Go runtime may use when every
	// engine holds its limit: the Go runtime's soft memory limit.
	GoLimit int64
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
		if m.Budget, err = membudget.ParseBytes(cfg.MemoryBudget); err != nil {
			return m, fmt.Errorf("memory_budget: %w", err)
		}
	} else {
		m.Budget = membudget.MachineMemory() / 2
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
	goReserve := m.Reserved
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
		if m.EngineLimit, err = membudget.ParseBytes(cfg.MemoryLimit); err != nil {
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
				"using %s", cfg.MemoryLimit, membudget.FormatBytes(m.Budget), short, membudget.FormatBytes(m.EngineLimit))
		}
	} else {
		share()
	}
	if m.EngineLimit < minEngineLimit {
		if cfg.MemoryBudget != "" {
			return m, fmt.Errorf("memory_budget %s is too small: the process keeps %s (metadata and result caches included), "+
				"and %d short statements and one other need at least %s each (memory_limit %s, plus twice max_row_bytes %s)",
				membudget.FormatBytes(m.Budget), membudget.FormatBytes(m.Reserved), short, membudget.FormatBytes(minEngineLimit+2*rowFor(minEngineLimit)),
				membudget.FormatBytes(minEngineLimit), membudget.FormatBytes(rowFor(minEngineLimit)))
		}
		// A small machine: the smallest useful engines, over half its RAM.
		m.MaxRowBytes = rowFor(minEngineLimit)
		m.EngineLimit = minEngineLimit
		m.Grant = m.EngineLimit + 2*m.MaxRowBytes
		m.Adjusted = fmt.Sprintf("half of this machine's memory (%s) is too small for the default budget; engines get %s each",
			membudget.FormatBytes(m.Budget), membudget.FormatBytes(minEngineLimit))
	}
	m.Busy = max(int(pool/m.Grant-short), 1)
	// The engines at their limits and the table copies are not Go's.
	m.GoLimit = max(m.Budget-max(copies, 0)-int64(m.Busy+int(short))*m.EngineLimit, goReserve)
	m.MaxValueBytes = cfg.MaxValueBytes
	if m.MaxValueBytes == 0 {
		m.MaxValueBytes = min(defaultMaxValueBytes, m.MaxRowBytes/2)
	}
	if cfg.TempDirLimit != "" {
		total, err := membudget.ParseBytes(cfg.TempDirLimit)
		if err != nil {
			return m, fmt.Errorf("temp_dir_limit: %w", err)
		}
		m.TempLimit = max(total/int64(m.Busy+int(short)), 1<<20)
	} else if free := membudget.FreeDisk(cfg.TempDir); free > 0 {
		// Half the free space at start, shared like the grants.
		m.TempLimit = max(free/2/int64(m.Busy+int(short)), 1<<20)
	}
	return m, nil
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
		err := s.p.mem.Acquire(wctx, s.p.memPlan.Grant)
		cancel()
		if err != nil {
			if ctx.Err() == nil && errors.Is(context.Cause(wctx), errMemoryWait) {
				return nil, &planner.EngineError{Kind: planner.KindOutOfMemory, Msg: fmt.Sprintf("out of memory: no memory was free for this statement "+
					"within %s; statements of other sessions hold all of limits.memory_budget", s.p.memWait)}
			}
			// ctx ended: execError tells a timeout from a cancel.
			return nil, ErrCanceled
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
			s.p.mem.Release(s.p.memPlan.Grant)
		}
	}, nil
}
