package session_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/benchkit"
	"github.com/lakegate/lakegate/planner/session"
)

// Per-statement cost of a short query through a session, the load
// section's shape (bench/tpch): planning, engine prepare and execution,
// without the wire. Run with -cpuprofile to see where a statement goes.

func benchPlanner(b *testing.B) *session.Manager {
	b.Helper()
	return benchPlannerWith(b, session.EngineConfig{Threads: 1})
}

// benchPlannerWith is benchPlanner with engines configured by ec.
func benchPlannerWith(b *testing.B, ec session.EngineConfig) *session.Manager {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	cat, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"),
		Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cat.Close)
	sc := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "n_nationkey", Type: iceberg.PrimitiveTypes.Int32, Required: true},
		iceberg.NestedField{ID: 2, Name: "n_name", Type: iceberg.PrimitiveTypes.String, Required: true},
		iceberg.NestedField{ID: 3, Name: "n_regionkey", Type: iceberg.PrimitiveTypes.Int32, Required: true})
	ident := catalog.Ident{Schema: "tpch", Name: "nation"}
	if err := cat.CreateTable(ctx, ident, catalog.TableSpec{Schema: sc}); err != nil {
		b.Fatal(err)
	}
	asc := arrow.NewSchema([]arrow.Field{{Name: "n_nationkey", Type: arrow.PrimitiveTypes.Int32},
		{Name: "n_name", Type: arrow.BinaryTypes.String}, {Name: "n_regionkey", Type: arrow.PrimitiveTypes.Int32}}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, asc)
	defer rb.Release()
	for i := 0; i < 25; i++ {
		rb.Field(0).(*array.Int32Builder).Append(int32(i))
		rb.Field(1).(*array.StringBuilder).Append("NATION" + string(rune('A'+i)))
		rb.Field(2).(*array.Int32Builder).Append(int32(i % 5))
	}
	rec := rb.NewRecordBatch()
	defer rec.Release()
	rdr, err := array.NewRecordReader(asc, []arrow.RecordBatch{rec})
	if err != nil {
		b.Fatal(err)
	}
	if err := cat.Append(ctx, ident, rdr); err != nil {
		b.Fatal(err)
	}
	// region: the same rows under another name, for statements that
	// alternate between tables.
	region := catalog.Ident{Schema: "tpch", Name: "region"}
	if err := cat.CreateTable(ctx, region, catalog.TableSpec{Schema: sc}); err != nil {
		b.Fatal(err)
	}
	if rdr, err = array.NewRecordReader(asc, []arrow.RecordBatch{rec}); err != nil {
		b.Fatal(err)
	}
	if err := cat.Append(ctx, region, rdr); err != nil {
		b.Fatal(err)
	}
	return session.New(cat, session.Config{Engine: ec})
}

const benchQuery = `select n_regionkey, count(*), min(n_name) from tpch.nation group by n_regionkey order by 1`

func discard(arrow.RecordBatch) error { return nil }

// BenchmarkShortQuerySimple is the simple protocol: each statement is
// prepared (planned, described) and executed.
func BenchmarkShortQuerySimple(b *testing.B) {
	p := benchPlanner(b)
	s := p.NewSession(session.Options{})
	defer s.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := s.Prepare(ctx, benchQuery)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Execute(ctx, st, nil, discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShortQueryCached is the extended protocol with a statement the
// client prepared once (pgx's statement cache): each Execute re-plans
// against the current snapshot.
func BenchmarkShortQueryCached(b *testing.B) {
	p := benchPlanner(b)
	s := p.NewSession(session.Options{})
	defer s.Close()
	ctx := context.Background()
	st, err := s.Prepare(ctx, benchQuery)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(ctx, st, nil, discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShortQueriesAlternating runs two cached statements over two
// tables in turn, as the load section's clients do.
func BenchmarkShortQueriesAlternating(b *testing.B) {
	p := benchPlanner(b)
	s := p.NewSession(session.Options{})
	defer s.Close()
	ctx := context.Background()
	var sts []*session.Stmt
	for _, q := range []string{benchQuery, `select count(*) from tpch.region where n_name like 'N%'`} {
		st, err := s.Prepare(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		sts = append(sts, st)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(ctx, sts[i%2], nil, discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewSessionSelect1 is a short-lived client's whole session
// without the wire: a new session, its first `select 1`, close.
func BenchmarkNewSessionSelect1(b *testing.B) {
	p := benchPlanner(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := p.NewSession(session.Options{})
		st, err := s.Prepare(ctx, "select 1")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Execute(ctx, st, nil, discard); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkNewSessionCatalogQuery is a client's first catalog query in a
// new session (psql's \dt, roughly), the session then closed: with
// engines reused between sessions (the default) and with every session
// opening its own (idle_engines < 0), where each pays the catalog
// emulation's fixed part. cpu-ms/op is the process's CPU time (user +
// system, all threads: the engine's too) per session.
func BenchmarkNewSessionCatalogQuery(b *testing.B) {
	const q = `SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1, 2`
	for _, tc := range []struct {
		name string
		idle int
	}{{"reused", 0}, {"new-engine", -1}} {
		b.Run(tc.name, func(b *testing.B) {
			p := benchPlannerWith(b, session.EngineConfig{Threads: 1, IdleEngines: tc.idle})
			defer p.Close()
			ctx := context.Background()
			b.ResetTimer()
			start := benchkit.CPU("self")
			for i := 0; i < b.N; i++ {
				s := p.NewSession(session.Options{})
				st, err := s.Prepare(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Execute(ctx, st, nil, discard); err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
			b.ReportMetric((benchkit.CPU("self")-start)*1000/float64(b.N), "cpu-ms/op")
		})
	}
}
