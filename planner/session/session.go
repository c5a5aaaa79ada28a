package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/membudget"
	"github.com/lakegate/lakegate/internal/objcache"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/pgsettings"
	"github.com/lakegate/lakegate/policy"
)

// Sentinel errors for conditions the session detects itself.
var (
	ErrCanceled     = errors.New("canceling statement due to user request")
	ErrPlanChanged  = errors.New("cached plan must not change result type")
	ErrBadParameter = errors.New("invalid parameter")
)

// Config configures a Manager. The zero value works.
type Config struct {
	Engine EngineConfig
	Logger *slog.Logger
	// Policy decides what each caller sees; nil makes every table visible
	// to every caller, external and read-only.
	Policy *policy.Store
	// Clock is the time lakegate.tables judges freshness at; nil is
	// time.Now (tests inject one).
	Clock func() time.Time
}

// Manager is what all sessions share: the idle engines, the result cache,
// the memory budget and statement admission. One Manager serves every
// session; NewSession starts one.
type Manager struct {
	cat *catalog.Catalog
	cfg Config
	log *slog.Logger
	// slots admits short statements (admit.go).
	slots chan struct{}
	// results keeps the results of deterministic queries; nil when off
	// (resultcache.go).
	results *resultCache
	// engines opens session engines and keeps idle ones (enginepool.go).
	engines *enginePool
	// mem grants memory to sessions running statements (memory.go's
	// policy over internal/membudget's arrival-order budget).
	mem     *membudget.Budget
	memPlan MemoryPlan
	memWait time.Duration // memoryWait; shorter in tests
	// copyCells are the cells of all sessions' table copies (snapcache.go).
	copyCells atomic.Int64
}

// New returns a Manager over cat.
func New(cat *catalog.Catalog, cfg Config) *Manager {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	plan, err := PlanMemory(cfg.Engine)
	if err != nil {
		// Config.Validate reports it at start; a Manager made without
		// it still bounds its engines.
		log.Warn("memory plan", "err", err)
	}
	// Every engine gets the exact limit, whether set or derived.
	cfg.Engine.MemoryLimit = fmt.Sprintf("%dKiB", max(plan.EngineLimit, minEngineLimit)>>10)
	cfg.Engine.tempLimit = plan.TempLimit
	short := int64(shortSlots(cfg.Engine))
	busy := max(plan.Budget-plan.Reserved-short*plan.Grant, plan.Grant)
	return &Manager{cat: cat, cfg: cfg, log: log, slots: make(chan struct{}, shortSlots(cfg.Engine)),
		results: newResultCache(cfg.Engine), engines: newEnginePool(cfg.Engine, log),
		mem: membudget.New(busy), memPlan: plan, memWait: memoryWait}
}

// Close closes the idle engines kept for new sessions and the spare, and
// keeps none from then on: sessions still open close their engines when
// they end (enginepool.go). A Manager stays usable after Close.
func (p *Manager) Close() { p.engines.closeIdle() }

// MemoryPlan is how the sessions divide the process's memory budget.
func (p *Manager) MemoryPlan() MemoryPlan { return p.memPlan }

// Session is one client session: its settings and its private engine.
// A Session is used by one goroutine at a time, except Cancel.
type Session struct {
	p   *Manager
	log *slog.Logger

	maxPrepared, maxPreparedBytes int               // bounds of cmd.prepared (Options)
	tableLocs                     map[string]string // table location -> name, for error messages (errpaths.go)

	eng   *engine
	engMu sync.Mutex // guards eng, unconfined, pending(Holds), ahead and fetchCancel
	// unconfined is the spare engine taken, not yet sandboxed, to parse
	// the session's first statement with; nil once eng is set
	// (enginespare.go).
	unconfined *engine
	// pending is the spare taken while still opening: it becomes
	// unconfined once open (engineparse.go).
	pending *spareEngine
	// pendingHolds holds the copies the session's statement fetched
	// while pending was still opening, until pending's engine takes them
	// (fetchHolds).
	pendingHolds *objcache.Holds
	// retired is the sandbox of the engine recycleEngine closed last,
	// until another engine is set: its replacement is sandboxed to it at
	// least (recycle.go).
	retired []string
	// fetchCancel ends the downloads of the statement being planned
	// (planEnv.Fetches); a statement's plan waits for them or ends them
	// before it returns, so only the last one matters.
	fetchCancel context.CancelCauseFunc
	// fetches is the fetch batch of the statement being planned (nil
	// when it reads no remote file), for the copies (snapcache.go).
	fetches *catalog.FetchBatch
	// ahead is the engine being opened for the plan being made
	// (engineahead.go).
	ahead *aheadEngine
	// cancelAsked is set by Cancel: an engine interrupt after it is the
	// client's cancel, any other is the engine's own (execError).
	cancelAsked atomic.Bool
	views       map[string]string // engine view name -> SQL it was created with
	schemas     map[string]bool   // engine schemas created
	engPath     string            // search_path last set in the engine
	pgc         pgCatalogState    // emulated pg_catalog / information_schema in eng
	// stmts are eng's prepared statements by SQL, valid while eng's
	// state is unchanged (stmtcache.go).
	stmts    map[string]*sessionStmt
	stmtsEng *engine
	// described is what planQueryAs made of plans' SQL in stmtsEng,
	// dropped with stmts (stmtcache.go).
	described map[string]*describedPlan
	plans     int64 // queries planned, to tell whether a Prepare's plan is still installed
	// viewsPolicy is the access policy the engine's views were made under.
	viewsPolicy *policy.Policy
	snaps       snapCache // copies of small scans in eng (snapcache.go)

	principal auth.Principal
	settings  map[string]string
	inTxn     bool
	failed    bool // explicit transaction aborted by an error
	queries   int64
	cmd       cmdState // transactions, cursors, PREPARE (sessioncmd.go)
	grants    int      // statements and cursors holding the session's memory grant (memory.go)
	activity  func() pgcatalog.Activity
}

// Options describe the caller of a session.
type Options struct {
	Principal auth.Principal
	// Settings are the client's startup parameters.
	Settings map[string]string
	// MaxPrepared and MaxPreparedBytes bound the SQL-level prepared
	// statements (PREPARE) the session keeps, in count and in bytes of
	// statement text; zero means 1000 and 64 MiB.
	MaxPrepared, MaxPreparedBytes int
	// Activity lists the sessions this one may see in pg_stat_activity
	// (catalogview.go); nil shows none.
	Activity func() pgcatalog.Activity
}

// NewSession starts a session for a caller. When the pool holds no
// engine a spare starts opening, for the session's first statement
// (enginespare.go).
func (p *Manager) NewSession(opts Options) *Session {
	p.engines.openSpare(true)
	settings := opts.Settings
	s := &Session{p: p, log: p.log, views: map[string]string{}, schemas: map[string]bool{}, settings: map[string]string{},
		principal: opts.Principal, maxPrepared: opts.MaxPrepared, maxPreparedBytes: opts.MaxPreparedBytes,
		activity: opts.Activity}
	for k, v := range defaultSettings {
		s.settings[k] = v
	}
	for k, v := range settings {
		k = strings.ToLower(k)
		if _, ok := defaultSettings[k]; ok {
			s.settings[k] = v
		}
	}
	if tz := s.settings["timezone"]; tz != "" && !pgsettings.ValidTimeZone(tz) {
		s.settings["timezone"] = "UTC"
	}
	return s
}

// Close releases the session's engine (to the pool of idle engines, reset,
// when it can be reused: enginepool.go).
func (s *Session) Close() {
	s.closeAllCursors()
	clear(s.cmd.prepared)
	s.engMu.Lock()
	defer s.engMu.Unlock()
	s.bumpEngine()
	if s.eng != nil {
		s.p.engines.put(s.eng, putEnded)
		s.eng = nil
	}
	if s.unconfined != nil {
		s.p.engines.putUnconfined(s.unconfined)
		s.unconfined = nil
	}
	s.pendingHolds.Release()
	s.pendingHolds = nil
	if sp := s.pending; sp != nil {
		s.pending = nil
		go func() {
			<-sp.done
			if sp.err == nil {
				s.p.engines.putUnconfined(sp.e)
			}
		}()
	}
	s.dropCopies()
	s.dropAhead()
	s.setFetchCancel(nil)
}

// setFetchCancel makes cancel the one Cancel calls for the statement being
// planned, and releases the last statement's (done by now); engMu is held.
func (s *Session) setFetchCancel(cancel context.CancelCauseFunc) {
	if s.fetchCancel != nil {
		s.fetchCancel(nil)
	}
	s.fetchCancel = cancel
}

// Cancel interrupts the statement running in the session, if any: its
// engine, or the downloads of its planning.
//
// A cancel that comes while the statement is still being planned, before
// the engine runs it, is kept until the engine starts (canceledBefore):
// an interrupt then would be lost, and the statement would run on.
func (s *Session) Cancel() {
	s.cancelAsked.Store(true)
	s.engMu.Lock()
	defer s.engMu.Unlock()
	if s.eng != nil {
		s.eng.interrupt()
	}
	if s.fetchCancel != nil {
		s.fetchCancel(ErrCanceled)
	}
	s.interruptFetch()
}

// ClearCancel forgets a cancel that found no statement to stop: the
// caller's statement has ended (Postgres ignores a cancel that comes
// after it).
func (s *Session) ClearCancel() { s.cancelAsked.Store(false) }

// canceledBefore reports (and takes) a cancel that came before the
// engine started the statement: the engine's interrupt flag is reset
// when a query starts, so the interrupt Cancel sent did not stop it.
// Checked after interruptOnCancel is in place; a cancel after the check
// interrupts the running query.
func (s *Session) canceledBefore() bool { return s.cancelAsked.Swap(false) }

// InTransaction reports whether an explicit transaction block is open, and
// whether it has failed.
func (s *Session) InTransaction() (open, failed bool) { return s.inTxn, s.failed }

// Setting returns a session setting's value.
func (s *Session) Setting(name string) string { return s.settings[strings.ToLower(name)] }

// engineFor returns an engine that may read the given directories,
// reopening the session engine with a wider sandbox when needed.
func (s *Session) engineFor(dirs []string) (*engine, error) {
	s.settlePending()
	s.engMu.Lock()
	defer s.engMu.Unlock()
	return s.engineForLocked(dirs)
}

// engineForLocked is engineFor with engMu held.
func (s *Session) engineForLocked(dirs []string) (*engine, error) {
	s.settlePendingLocked()
	if s.eng != nil && s.eng.covers(dirs) {
		return s.eng, nil
	}
	allowed := s.widened(dirs)
	if s.eng != nil {
		s.bumpEngine()
		s.p.engines.put(s.eng, putWidened)
		s.eng = nil
		s.dropCopies()
	}
	// The allowed set is the union of the locations this session's plans
	// were authorized to read, so an idle engine of exactly this set reads
	// nothing more (enginepool.go).
	var (
		e   *engine
		err error
		ok  bool
	)
	if u := s.unconfined; u != nil {
		s.unconfined = nil
		e, err = s.p.engines.confineTo(u, allowed)
		ok = err == nil
	}
	if !ok {
		e, err, ok = s.takeAhead(allowed)
	}
	if !ok {
		e, err = s.p.engines.get(allowed)
	}
	if err != nil {
		return nil, err
	}
	s.eng = e
	s.retired = nil
	clear(s.views)
	clear(s.schemas)
	// A new or reset engine's connection has DuckDB's default search
	// path, which finds what "main" finds, and connSetup's TimeZone.
	s.engPath = "main"
	s.pgc = pgCatalogState{}
	s.snaps = snapCache{}
	s.viewsPolicy = nil
	if tz := s.settings["timezone"]; tz != e.tz {
		if err := e.setTimeZone(tz); err != nil {
			return nil, planner.Classify(err)
		}
	}
	return e, nil
}
