package planner

import (
	"context"
	"strings"
	"sync"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/products"
)

// A statement's tables are resolved one reference after another (resolve,
// FindTable), and each load asks the catalog for the table's current
// metadata: a round trip to a REST catalog per table, before any scan is
// planned or any file of a cold statement starts to download. When the
// session allows it (ConcurrentTables), the planner starts every load the
// references will ask for at once, before resolving them, and resolution
// then takes each load's result in the references' order: the same
// tables, decisions and errors as one load at a time (a load nobody asks
// for is dropped), in about one round trip instead of one per table.

// ConcurrentTables is a Tables that can load tables from several
// goroutines at once for one statement. Optional: the planner checks for
// it.
type ConcurrentTables interface {
	// ConcurrentLoader returns a function loading a table as LoadTable
	// would for this statement, safe to call from several goroutines at
	// once, or nil when the session's loads must go through LoadTable one
	// at a time (a transaction block keeps what its statements read).
	ConcurrentLoader() func(ctx context.Context, id catalog.Ident) (*catalog.Table, error)
}

// maxLoadsAhead bounds the loads one statement starts ahead.
const maxLoadsAhead = 32

// tablesAhead is a Tables whose LoadTable answers from the loads started
// ahead (loadAhead), and from the session's Tables for any other table.
type tablesAhead struct {
	Tables
	loads map[catalog.Ident]*loadAhead
}

type loadAhead struct {
	done chan struct{} // closed once t or err is set
	t    *catalog.Table
	err  error
}

// LoadTable is the load started ahead for id, if one was.
func (ta *tablesAhead) LoadTable(ctx context.Context, id catalog.Ident) (*catalog.Table, error) {
	l := ta.loads[id]
	if l == nil {
		return ta.Tables.LoadTable(ctx, id)
	}
	select {
	case <-l.done:
		return l.t, l.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// startLoads starts loading, all at once, every table the references
// would load while resolved (each of a name's search_path candidates),
// when env allows it; otherwise it returns env. stop ends the loads
// still running and waits for them: call it before the plan is returned.
func startLoads(ctx context.Context, env Tables, refs []*tableRef) (tables Tables, stop func()) {
	ct, ok := env.(ConcurrentTables)
	if !ok {
		return env, func() {}
	}
	load := ct.ConcurrentLoader()
	if load == nil {
		return env, func() {}
	}
	ids := loadsOf(env, refs)
	if len(ids) < 2 {
		return env, func() {} // nothing to overlap
	}
	ctx, cancel := context.WithCancel(ctx)
	ta := &tablesAhead{Tables: env, loads: make(map[catalog.Ident]*loadAhead, len(ids))}
	var wg sync.WaitGroup
	for _, id := range ids {
		l := &loadAhead{done: make(chan struct{})}
		ta.loads[id] = l
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.t, l.err = load(ctx, id)
			close(l.done)
		}()
	}
	return ta, func() { cancel(); wg.Wait() }
}

// loadsOf are the tables resolving refs would load (resolve, FindTable),
// each once, at most maxLoadsAhead.
func loadsOf(env Tables, refs []*tableRef) []catalog.Ident {
	var ids []catalog.Ident
	seen := map[catalog.Ident]bool{}
	var path []string
	for _, r := range refs {
		if !loadsFromCatalog(r) {
			continue
		}
		candidates := []string{r.Schema}
		if r.Schema == "" {
			if path == nil {
				path = SearchPath(env.Setting("search_path"))
			}
			candidates = path
		}
		for _, sc := range candidates {
			id := catalog.Ident{Schema: sc, Name: r.Name}
			if seen[id] {
				continue
			}
			if len(ids) == maxLoadsAhead {
				return ids
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// PlainTable reports whether a reference schema.name (no catalog, not a
// CTE) can only name a catalog table: the planner looks it up with
// FindTable and nothing answers it before that (not a data-product
// relation such as lakegate.tables or t$snapshots, not an emulated
// pg_catalog relation, a system schema, the engine's own or a denied
// relation). For callers that answer such a statement without planning
// it, and plan it when PlainTable is false.
func PlainTable(schema, name string) bool {
	if strings.EqualFold(schema, products.Schema) || strings.Contains(name, "$") {
		return false
	}
	if _, _, ok := products.MetadataKind(name); ok {
		return false
	}
	if schema == "" && pgcatalog.IsRelation(strings.ToLower(name)) {
		return false
	}
	return loadsFromCatalog(&tableRef{Schema: schema, Name: name})
}

// loadsFromCatalog reports whether resolve looks the reference up in the
// catalog (FindTable) rather than answering it itself.
func loadsFromCatalog(r *tableRef) bool {
	return r.Catalog == "" && !r.CTE && !pgcatalog.IsEngineSchema(r.Schema) &&
		!deniedRelation(r.Schema, r.Name) && !systemSchemas[strings.ToLower(r.Schema)]
}
