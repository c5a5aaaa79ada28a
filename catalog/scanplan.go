package catalog

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/google/uuid"
)

// Scan planning over cached manifest entries (manifestcache.go). It follows
// iceberg-go v0.7.0's local planning (table/scanner.go) step for step, so
// the files and delete files it returns are the ones iceberg-go returns:
//
//  1. the snapshot's manifests, pruned by their partition summaries under
//     the filter projected onto each partition spec;
//  2. delete manifests whose sequence number is below every remaining data
//     manifest's minimum are skipped;
//  3. every live entry is pruned by its partition values (projected filter)
//     and its column metrics (lower/upper bounds, null and NaN counts);
//     empty files are dropped;
//  4. position deletes apply to data files of the same spec and partition
//     (or the file they reference) with a sequence number not above theirs,
//     when their file_path bounds admit the file; equality deletes apply to
//     data files of the same partition (or all, from an unpartitioned spec)
//     with a lower sequence number, unless the column bounds of both files
//     prove no row can match.
//
// Anything outside what this file reproduces exactly (transformed or
// variant terms, geospatial predicates, deletion vectors, a delete file in a
// data manifest, any decoding error) returns errPlanFallback, and PlanScan
// asks iceberg-go instead; the cache-backed planner never guesses.

// errPlanFallback says the cached planner does not handle this scan.
var errPlanFallback = errors.New("catalog: scan needs iceberg-go's planner")

// scanTask is one data file to read with the delete files that apply.
type scanTask struct {
	file       *fileEntry
	posDeletes []*fileEntry
	eqDeletes  []*fileEntry
}

// snapshotSchema is the schema iceberg-go plans a snapshot scan with: the
// snapshot's own schema when it records one.
func (t *Table) snapshotSchema() *iceberg.Schema {
	meta := t.tbl.Metadata()
	if t.snp.SchemaID != nil {
		for _, s := range meta.Schemas() {
			if s.ID == *t.snp.SchemaID {
				return s
			}
		}
	}
	return meta.CurrentSchema()
}

// planCached plans the pinned snapshot under filter from cached manifest
// entries.
func (t *Table) planCached(ctx context.Context, mc *manifestCache, filter iceberg.BooleanExpression) ([]scanTask, error) {
	if filter == nil {
		filter = iceberg.AlwaysTrue{}
	}
	schema := t.snapshotSchema()
	meta := t.tbl.Metadata()
	rewritten, err := iceberg.RewriteNotExpr(filter)
	if err != nil {
		return nil, errPlanFallback
	}
	bound, err := iceberg.BindExpr(schema, rewritten, true)
	if err != nil {
		return nil, errPlanFallback
	}
	if ok, err := iceberg.VisitExpr(bound, supportedExpr{}); err != nil || !ok {
		return nil, errPlanFallback
	}
	fs, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, errPlanFallback
	}
	manifests, err := mc.manifestList(fs, t.Paths, meta, t.snp)
	if err != nil {
		return nil, errPlanFallback
	}

	specs := map[int32]*specEval{}
	specFor := func(id int32) (*specEval, error) {
		if se, ok := specs[id]; ok {
			return se, nil
		}
		se, err := newSpecEval(meta.PartitionSpecByID(int(id)), schema, filter)
		if err != nil {
			return nil, err
		}
		specs[id] = se
		return se, nil
	}

	// 1. Manifests.
	var kept []iceberg.ManifestFile
	for _, mf := range manifests {
		se, err := specFor(mf.PartitionSpecID())
		if err != nil {
			return nil, err
		}
		use, err := se.manifestMayMatch(mf)
		if err != nil {
			return nil, errPlanFallback
		}
		if !use || (!mf.HasAddedFiles() && !mf.HasExistingFiles()) {
			continue
		}
		kept = append(kept, mf)
	}
	minSeq := int64(math.MaxInt64)
	for _, mf := range kept {
		if mf.ManifestContent() == iceberg.ManifestContentData {
			minSeq = min(minSeq, mf.MinSequenceNum())
		}
	}
	if minSeq == math.MaxInt64 {
		minSeq = 0
	}

	mc.prefetch(ctx, fs, t.Paths, kept, minSeq)

	// Entries of one manifest that survive partition and metrics pruning.
	liveEntries := func(mf iceberg.ManifestFile) ([]*fileEntry, error) {
		se, err := specFor(mf.PartitionSpecID())
		if err != nil {
			return nil, err
		}
		entries, err := mc.entries(ctx, fs, t.Paths, mf)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, errPlanFallback
		}
		var out []*fileEntry
		for i := range entries {
			fe := &entries[i]
			ok, err := se.fileMayMatch(fe)
			if err != nil {
				return nil, errPlanFallback
			}
			if !ok {
				continue
			}
			if ok, err = metricsMayMatch(bound, fe); err != nil {
				return nil, errPlanFallback
			} else if !ok {
				continue
			}
			out = append(out, fe)
		}
		return out, nil
	}

	// 2-3. Delete files.
	var posDeletes, eqDeletes []*fileEntry
	for _, mf := range kept {
		if mf.ManifestContent() != iceberg.ManifestContentDeletes || mf.SequenceNum() < minSeq {
			continue
		}
		files, err := liveEntries(mf)
		if err != nil {
			return nil, err
		}
		for _, fe := range files {
			switch fe.content {
			case iceberg.EntryContentPosDeletes:
				if fe.format == iceberg.PuffinFile {
					return nil, errPlanFallback // deletion vectors
				}
				posDeletes = append(posDeletes, fe)
			case iceberg.EntryContentEqDeletes:
				eqDeletes = append(eqDeletes, fe)
			default:
				return nil, errPlanFallback
			}
		}
	}
	posIdx, err := newPosDeleteIndex(posDeletes)
	if err != nil {
		return nil, errPlanFallback
	}
	eqIdx, err := newEqDeleteIndex(eqDeletes, meta, schema)
	if err != nil {
		return nil, errPlanFallback
	}

	// 3-4. Data files and the deletes that apply to them.
	var tasks []scanTask
	for _, mf := range kept {
		if mf.ManifestContent() != iceberg.ManifestContentData {
			continue
		}
		files, err := liveEntries(mf)
		if err != nil {
			return nil, err
		}
		for _, fe := range files {
			if fe.content != iceberg.EntryContentData {
				return nil, errPlanFallback
			}
			pos, err := posIdx.forDataFile(fe)
			if err != nil {
				return nil, errPlanFallback
			}
			eq, err := eqIdx.forDataFile(fe)
			if err != nil {
				return nil, errPlanFallback
			}
			tasks = append(tasks, scanTask{file: fe, posDeletes: pos, eqDeletes: eq})
		}
	}
	return tasks, nil
}

// supportedExpr accepts the bound filters planCached evaluates exactly:
// comparisons, sets, null/NaN tests and prefix tests on plain columns of
// ordered primitive types.
type supportedExpr struct{}

func (supportedExpr) VisitTrue() bool                            { return true }
func (supportedExpr) VisitFalse() bool                           { return true }
func (supportedExpr) VisitNot(c bool) bool                       { return c }
func (supportedExpr) VisitAnd(l, r bool) bool                    { return l && r }
func (supportedExpr) VisitOr(l, r bool) bool                     { return l && r }
func (supportedExpr) VisitUnbound(iceberg.UnboundPredicate) bool { return false }
func (supportedExpr) VisitBound(p iceberg.BoundPredicate) bool {
	if _, ok := p.Term().(iceberg.BoundReference); !ok {
		return false
	}
	if !orderedType(p.Term().Ref().Field().Type) {
		return false
	}
	switch p.Op() {
	case iceberg.OpEQ, iceberg.OpNEQ, iceberg.OpLT, iceberg.OpLTEQ, iceberg.OpGT, iceberg.OpGTEQ,
		iceberg.OpIn, iceberg.OpNotIn, iceberg.OpIsNull, iceberg.OpNotNull, iceberg.OpIsNan, iceberg.OpNotNan,
		iceberg.OpStartsWith, iceberg.OpNotStartsWith:
		return true
	}
	return false
}

// orderedType reports whether literals of typ have an order the bound
// comparisons below use.
func orderedType(typ iceberg.Type) bool {
	switch typ.(type) {
	case iceberg.BooleanType, iceberg.Int32Type, iceberg.Int64Type, iceberg.Float32Type, iceberg.Float64Type,
		iceberg.DateType, iceberg.TimeType, iceberg.TimestampType, iceberg.TimestampTzType,
		iceberg.TimestampNsType, iceberg.TimestampTzNsType, iceberg.StringType, iceberg.BinaryType,
		iceberg.FixedType, iceberg.UUIDType, iceberg.DecimalType:
		return true
	}
	return false
}

// compareLiterals orders two literals of the same type with the type's own
// comparator, as iceberg-go's evaluators do.
func compareLiterals(a, b iceberg.Literal) int {
	switch a := a.(type) {
	case iceberg.TypedLiteral[bool]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[bool]).Value())
	case iceberg.TypedLiteral[int32]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[int32]).Value())
	case iceberg.TypedLiteral[int64]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[int64]).Value())
	case iceberg.TypedLiteral[float32]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[float32]).Value())
	case iceberg.TypedLiteral[float64]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[float64]).Value())
	case iceberg.TypedLiteral[iceberg.Date]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[iceberg.Date]).Value())
	case iceberg.TypedLiteral[iceberg.Time]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[iceberg.Time]).Value())
	case iceberg.TypedLiteral[iceberg.Timestamp]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[iceberg.Timestamp]).Value())
	case iceberg.TypedLiteral[iceberg.TimestampNano]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[iceberg.TimestampNano]).Value())
	case iceberg.TypedLiteral[[]byte]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[[]byte]).Value())
	case iceberg.TypedLiteral[string]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[string]).Value())
	case iceberg.TypedLiteral[uuid.UUID]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[uuid.UUID]).Value())
	case iceberg.TypedLiteral[iceberg.Decimal]:
		return a.Comparator()(a.Value(), b.(iceberg.TypedLiteral[iceberg.Decimal]).Value())
	}
	panic(fmt.Errorf("%w: no order for %s literals", iceberg.ErrType, a.Type()))
}

func isNaNLiteral(l iceberg.Literal) bool {
	switch v := l.(type) {
	case iceberg.Float32Literal:
		return math.IsNaN(float64(v))
	case iceberg.Float64Literal:
		return math.IsNaN(float64(v))
	}
	return false
}

// prefixOf returns the string or binary value of a literal (StartsWith).
func prefixOf(l iceberg.Literal) string {
	switch v := l.(type) {
	case iceberg.TypedLiteral[string]:
		return v.Value()
	case iceberg.TypedLiteral[[]byte]:
		return string(v.Value())
	}
	return ""
}

// specEval prunes by partition for one partition spec: manifests by their
// partition summaries, entries by their partition values, both under the
// filter's inclusive projection onto the spec.
type specEval struct {
	partType  *iceberg.StructType
	summary   iceberg.BooleanExpression // bound to the partition schema
	partition func(iceberg.StructLike) (bool, error)
}

func newSpecEval(spec *iceberg.PartitionSpec, schema *iceberg.Schema, filter iceberg.BooleanExpression) (*specEval, error) {
	if spec == nil {
		return nil, errPlanFallback
	}
	projected, err := projectInclusive(spec, schema, filter)
	if err != nil {
		return nil, errPlanFallback
	}
	partType := spec.PartitionType(schema)
	partSchema := iceberg.NewSchema(0, partType.FieldList...)
	rw, err := iceberg.RewriteNotExpr(projected)
	if err != nil {
		return nil, errPlanFallback
	}
	summary, err := iceberg.BindExpr(partSchema, rw, true)
	if err != nil {
		return nil, errPlanFallback
	}
	if ok, err := iceberg.VisitExpr(summary, supportedExpr{}); err != nil || !ok {
		return nil, errPlanFallback
	}
	fn, err := iceberg.ExpressionEvaluator(partSchema, projected, true)
	if err != nil {
		return nil, errPlanFallback
	}
	return &specEval{partType: partType, summary: summary, partition: fn}, nil
}

// projectInclusive turns a row filter into a partition filter that is true
// for every partition that may hold a matching row (each predicate on a
// source column becomes the AND of its transforms' projections).
func projectInclusive(spec *iceberg.PartitionSpec, schema *iceberg.Schema, filter iceberg.BooleanExpression) (iceberg.BooleanExpression, error) {
	rw, err := iceberg.RewriteNotExpr(filter)
	if err != nil {
		return nil, err
	}
	bound, err := iceberg.BindExpr(schema, rw, true)
	if err != nil {
		return nil, err
	}
	return iceberg.VisitExpr(bound, &projector{spec: spec})
}

type projector struct{ spec *iceberg.PartitionSpec }

func (*projector) VisitTrue() iceberg.BooleanExpression  { return iceberg.AlwaysTrue{} }
func (*projector) VisitFalse() iceberg.BooleanExpression { return iceberg.AlwaysFalse{} }
func (*projector) VisitNot(iceberg.BooleanExpression) iceberg.BooleanExpression {
	panic(errors.New("catalog: NOT left after rewriting"))
}
func (*projector) VisitAnd(l, r iceberg.BooleanExpression) iceberg.BooleanExpression {
	return iceberg.NewAnd(l, r)
}
func (*projector) VisitOr(l, r iceberg.BooleanExpression) iceberg.BooleanExpression {
	return iceberg.NewOr(l, r)
}
func (*projector) VisitUnbound(iceberg.UnboundPredicate) iceberg.BooleanExpression {
	panic(errors.New("catalog: unbound predicate in a bound filter"))
}
func (p *projector) VisitBound(pred iceberg.BoundPredicate) iceberg.BooleanExpression {
	var out iceberg.BooleanExpression = iceberg.AlwaysTrue{}
	for _, part := range p.spec.FieldsBySourceID(pred.Term().Ref().Field().ID) {
		proj, err := part.Transform.Project(part.Name, pred)
		if err != nil {
			panic(err)
		}
		if proj != nil {
			out = iceberg.NewAnd(out, proj)
		}
	}
	return out
}

// partitionRecord shows a file's partition values in partition-field order.
type partitionRecord struct {
	values map[int]any
	fields []iceberg.NestedField
}

func (r partitionRecord) Size() int       { return len(r.fields) }
func (r partitionRecord) Get(pos int) any { return r.values[r.fields[pos].ID] }
func (r partitionRecord) Set(int, any)    { panic("catalog: partition records are read-only") }

func (se *specEval) fileMayMatch(fe *fileEntry) (bool, error) {
	return se.partition(partitionRecord{values: fe.partition, fields: se.partType.FieldList})
}

func (se *specEval) manifestMayMatch(mf iceberg.ManifestFile) (bool, error) {
	parts := mf.Partitions()
	if len(parts) == 0 {
		return true, nil
	}
	ok, err := iceberg.VisitExprEvaluator(se.summary, &summaryEval{parts: parts})
	if errors.Is(err, iceberg.ErrInvalidFixedLength) {
		return true, nil
	}
	return ok, err
}

// summaryEval decides from a manifest's partition summaries (per partition
// field: lower/upper bound, contains null, contains NaN) whether any entry
// may match.
type summaryEval struct{ parts []iceberg.FieldSummary }

func (*summaryEval) VisitTrue() bool                            { return true }
func (*summaryEval) VisitFalse() bool                           { return false }
func (*summaryEval) VisitNot(c bool) bool                       { return !c }
func (*summaryEval) VisitAnd(l, r bool) bool                    { return l && r }
func (*summaryEval) VisitOr(l, r bool) bool                     { return l || r }
func (*summaryEval) VisitUnbound(iceberg.UnboundPredicate) bool { panic("catalog: unbound predicate") }
func (m *summaryEval) VisitBound(p iceberg.BoundPredicate) bool {
	return iceberg.VisitBoundPredicate(p, m)
}

func (m *summaryEval) field(t iceberg.BoundTerm) iceberg.FieldSummary {
	return m.parts[t.Ref().Pos()]
}

func literalOf(t iceberg.BoundTerm, b []byte) iceberg.Literal {
	l, err := iceberg.LiteralFromBytes(t.Ref().Type(), b)
	if err != nil {
		panic(err)
	}
	return l
}

func (m *summaryEval) VisitIn(t iceberg.BoundTerm, s iceberg.Set[iceberg.Literal]) bool {
	f := m.field(t)
	if f.LowerBound == nil {
		return false
	}
	// iceberg-go compares the bounds with the set's extremes here (no
	// size limit), which every non-empty typed set has.
	members := s.Members()
	if len(members) == 0 {
		return true
	}
	lo, hi := members[0], members[0]
	for _, v := range members[1:] {
		if compareLiterals(v, lo) < 0 {
			lo = v
		}
		if compareLiterals(v, hi) > 0 {
			hi = v
		}
	}
	if compareLiterals(literalOf(t, *f.LowerBound), hi) > 0 {
		return false
	}
	if f.UpperBound != nil && compareLiterals(literalOf(t, *f.UpperBound), lo) < 0 {
		return false
	}
	return true
}

func (m *summaryEval) VisitNotIn(iceberg.BoundTerm, iceberg.Set[iceberg.Literal]) bool { return true }

func (m *summaryEval) VisitIsNan(t iceberg.BoundTerm) bool {
	f := m.field(t)
	return !(f.ContainsNaN != nil && !*f.ContainsNaN)
}

func (m *summaryEval) VisitNotNan(t iceberg.BoundTerm) bool {
	f := m.field(t)
	return !(f.ContainsNaN != nil && *f.ContainsNaN && !f.ContainsNull && f.LowerBound == nil)
}

func (m *summaryEval) VisitIsNull(t iceberg.BoundTerm) bool { return m.field(t).ContainsNull }

func (m *summaryEval) VisitNotNull(t iceberg.BoundTerm) bool {
	f := m.field(t)
	allNull := f.ContainsNull && f.LowerBound == nil
	typ := t.Ref().Type()
	if allNull && (typ.Equals(iceberg.PrimitiveTypes.Float32) || typ.Equals(iceberg.PrimitiveTypes.Float64)) {
		allNull = f.ContainsNaN != nil && !*f.ContainsNaN
	}
	return !allNull
}

func (m *summaryEval) VisitEqual(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	f := m.field(t)
	if f.LowerBound == nil || f.UpperBound == nil {
		return false
	}
	if compareLiterals(literalOf(t, *f.LowerBound), lit) == 1 {
		return false
	}
	return compareLiterals(lit, literalOf(t, *f.UpperBound)) != 1
}

func (m *summaryEval) VisitNotEqual(iceberg.BoundTerm, iceberg.Literal) bool { return true }

func (m *summaryEval) VisitGreaterEqual(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	f := m.field(t)
	return f.UpperBound != nil && compareLiterals(lit, literalOf(t, *f.UpperBound)) != 1
}

func (m *summaryEval) VisitGreater(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	f := m.field(t)
	return f.UpperBound != nil && compareLiterals(lit, literalOf(t, *f.UpperBound)) < 0
}

func (m *summaryEval) VisitLessEqual(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	f := m.field(t)
	return f.LowerBound != nil && compareLiterals(lit, literalOf(t, *f.LowerBound)) != -1
}

func (m *summaryEval) VisitLess(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	f := m.field(t)
	return f.LowerBound != nil && compareLiterals(lit, literalOf(t, *f.LowerBound)) > 0
}

func (m *summaryEval) VisitStartsWith(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	f := m.field(t)
	prefix := prefixOf(lit)
	if f.LowerBound == nil {
		return false
	}
	if truncTo(prefixOf(literalOf(t, *f.LowerBound)), len(prefix)) > prefix {
		return false
	}
	if f.UpperBound == nil {
		return false
	}
	return truncTo(prefixOf(literalOf(t, *f.UpperBound)), len(prefix)) >= prefix
}

func (m *summaryEval) VisitNotStartsWith(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	f := m.field(t)
	if f.ContainsNull || f.LowerBound == nil || f.UpperBound == nil {
		return true
	}
	return !allStartWith(prefixOf(lit), prefixOf(literalOf(t, *f.LowerBound)), prefixOf(literalOf(t, *f.UpperBound)))
}

func truncTo(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// allStartWith reports whether every value between lower and upper starts
// with prefix (both bounds do).
func allStartWith(prefix, lower, upper string) bool {
	n := len(prefix)
	return len(lower) >= n && lower[:n] == prefix && len(upper) >= n && upper[:n] == prefix
}

// metricsMayMatch decides from a file's column metrics whether any of its
// rows may match the bound filter; empty files never match.
func metricsMayMatch(bound iceberg.BooleanExpression, fe *fileEntry) (bool, error) {
	if fe.count == 0 {
		return false, nil
	}
	ok, err := iceberg.VisitExprEvaluator(bound, &metricsEval{fe: fe})
	if errors.Is(err, iceberg.ErrInvalidFixedLength) {
		return true, nil
	}
	return ok, err
}

type metricsEval struct{ fe *fileEntry }

func (*metricsEval) VisitTrue() bool                            { return true }
func (*metricsEval) VisitFalse() bool                           { return false }
func (*metricsEval) VisitNot(bool) bool                         { panic("catalog: NOT left after rewriting") }
func (*metricsEval) VisitAnd(l, r bool) bool                    { return l && r }
func (*metricsEval) VisitOr(l, r bool) bool                     { return l || r }
func (*metricsEval) VisitUnbound(iceberg.UnboundPredicate) bool { panic("catalog: unbound predicate") }
func (m *metricsEval) VisitBound(p iceberg.BoundPredicate) bool {
	return iceberg.VisitBoundPredicate(p, m)
}

func (m *metricsEval) nullsOnly(id int) bool {
	vc, ok := m.fe.valueCounts[id]
	if !ok {
		return false
	}
	nc, ok := m.fe.nullCounts[id]
	return ok && vc == nc
}

func (m *metricsEval) nansOnly(id int) bool {
	nan, ok := m.fe.nanCounts[id]
	if !ok {
		return false
	}
	vc, ok := m.fe.valueCounts[id]
	return ok && nan == vc
}

func (m *metricsEval) bound(t iceberg.BoundTerm, raw map[int][]byte) (iceberg.Literal, bool) {
	b := raw[t.Ref().Field().ID]
	if b == nil {
		return nil, false
	}
	return literalOf(t, b), true
}

func (m *metricsEval) VisitIsNull(t iceberg.BoundTerm) bool {
	n, ok := m.fe.nullCounts[t.Ref().Field().ID]
	return !(ok && n == 0)
}

func (m *metricsEval) VisitNotNull(t iceberg.BoundTerm) bool {
	return !m.nullsOnly(t.Ref().Field().ID)
}

func (m *metricsEval) VisitIsNan(t iceberg.BoundTerm) bool {
	id := t.Ref().Field().ID
	if n, ok := m.fe.nanCounts[id]; ok && n == 0 {
		return false
	}
	return !m.nullsOnly(id)
}

func (m *metricsEval) VisitNotNan(t iceberg.BoundTerm) bool {
	return !m.nansOnly(t.Ref().Field().ID)
}

// rangeless reports a column holding only nulls or only NaNs: no
// comparison can match.
func (m *metricsEval) rangeless(t iceberg.BoundTerm) bool {
	id := t.Ref().Field().ID
	return m.nullsOnly(id) || m.nansOnly(id)
}

func (m *metricsEval) VisitLess(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	if m.rangeless(t) {
		return false
	}
	if lo, ok := m.bound(t, m.fe.lower); ok && !isNaNLiteral(lo) && compareLiterals(lo, lit) >= 0 {
		return false
	}
	return true
}

func (m *metricsEval) VisitLessEqual(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	if m.rangeless(t) {
		return false
	}
	if lo, ok := m.bound(t, m.fe.lower); ok && !isNaNLiteral(lo) && compareLiterals(lo, lit) > 0 {
		return false
	}
	return true
}

func (m *metricsEval) VisitGreater(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	if m.rangeless(t) {
		return false
	}
	if hi, ok := m.bound(t, m.fe.upper); ok && compareLiterals(hi, lit) <= 0 && !isNaNLiteral(hi) {
		return false
	}
	return true
}

func (m *metricsEval) VisitGreaterEqual(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	if m.rangeless(t) {
		return false
	}
	if hi, ok := m.bound(t, m.fe.upper); ok && compareLiterals(hi, lit) < 0 && !isNaNLiteral(hi) {
		return false
	}
	return true
}

func (m *metricsEval) VisitEqual(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	if m.rangeless(t) {
		return false
	}
	if lo, ok := m.bound(t, m.fe.lower); ok {
		if isNaNLiteral(lo) {
			return true
		}
		if compareLiterals(lo, lit) == 1 {
			return false
		}
	}
	if hi, ok := m.bound(t, m.fe.upper); ok {
		if isNaNLiteral(hi) {
			return true
		}
		if compareLiterals(hi, lit) == -1 {
			return false
		}
	}
	return true
}

func (m *metricsEval) VisitNotEqual(iceberg.BoundTerm, iceberg.Literal) bool { return true }

// inSetLimit is iceberg-go's bound on IN lists checked against metrics.
const inSetLimit = 200

func (m *metricsEval) VisitIn(t iceberg.BoundTerm, s iceberg.Set[iceberg.Literal]) bool {
	if m.rangeless(t) {
		return false
	}
	if s.Len() > inSetLimit {
		return true
	}
	values := s.Members()
	if lo, ok := m.bound(t, m.fe.lower); ok {
		if isNaNLiteral(lo) {
			return true
		}
		values = slices.DeleteFunc(values, func(v iceberg.Literal) bool { return compareLiterals(lo, v) == 1 })
		if len(values) == 0 {
			return false
		}
	}
	if hi, ok := m.bound(t, m.fe.upper); ok {
		if isNaNLiteral(hi) {
			return true
		}
		values = slices.DeleteFunc(values, func(v iceberg.Literal) bool { return compareLiterals(hi, v) == -1 })
		if len(values) == 0 {
			return false
		}
	}
	return true
}

func (m *metricsEval) VisitNotIn(iceberg.BoundTerm, iceberg.Set[iceberg.Literal]) bool { return true }

func (m *metricsEval) VisitStartsWith(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	if m.nullsOnly(t.Ref().Field().ID) {
		return false
	}
	prefix := prefixOf(lit)
	if lo, ok := m.bound(t, m.fe.lower); ok {
		if v := truncTo(prefixOf(lo), len(prefix)); len(v) > 0 && v > prefix {
			return false
		}
	}
	if hi, ok := m.bound(t, m.fe.upper); ok {
		if v := truncTo(prefixOf(hi), len(prefix)); len(v) > 0 && v < prefix {
			return false
		}
	}
	return true
}

func (m *metricsEval) VisitNotStartsWith(t iceberg.BoundTerm, lit iceberg.Literal) bool {
	id := t.Ref().Field().ID
	if m.fe.nullCounts == nil {
		return true
	}
	if _, ok := m.fe.nullCounts[id]; ok {
		return true // may contain nulls
	}
	lo, hi := m.fe.lower[id], m.fe.upper[id]
	if lo == nil || hi == nil {
		return true
	}
	return !allStartWith(prefixOf(lit), prefixOf(literalOf(t, lo)), prefixOf(literalOf(t, hi)))
}

// partitionKey identifies a (spec, partition tuple) for matching delete
// files to data files: values compare after their transform, integer-backed
// types by value whatever their Go type.
func partitionKey(specID int32, partition map[int]any) (string, error) {
	ids := make([]int, 0, len(partition))
	for id := range partition {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b := strconv.AppendInt(nil, int64(specID), 10)
	b = append(b, '|')
	for _, id := range ids {
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, ':')
		switch v := partition[id].(type) {
		case nil:
			b = append(b, 'z')
		case bool:
			b = strconv.AppendBool(append(b, 'b', ':'), v)
		case int:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case int32:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case int64:
			b = strconv.AppendInt(append(b, 'i', ':'), v, 10)
		case iceberg.Date:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case iceberg.Time:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case iceberg.Timestamp:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case iceberg.TimestampNano:
			b = strconv.AppendInt(append(b, 'i', ':'), int64(v), 10)
		case float32:
			b = strconv.AppendFloat(append(b, 'f', ':'), float64(v), 'x', -1, 64)
		case float64:
			b = strconv.AppendFloat(append(b, 'f', ':'), v, 'x', -1, 64)
		case string:
			b = strconv.AppendInt(append(b, 's', ':'), int64(len(v)), 10)
			b = append(append(b, ':'), v...)
		case []byte:
			b = hex.AppendEncode(append(b, 'B', ':'), v)
		case uuid.UUID:
			b = hex.AppendEncode(append(b, 'B', ':'), v[:])
		case iceberg.Decimal:
			b = strconv.AppendInt(append(b, 'd', ':'), int64(v.Scale), 10)
			b = append(append(b, ':'), v.Val.BigInt().String()...)
		default:
			return "", fmt.Errorf("catalog: partition value of type %T", v)
		}
		b = append(b, ';')
	}
	return string(b), nil
}

// posDeleteIndex finds the position-delete files of a data file.
type posDeleteIndex struct {
	byPath      map[string][]*fileEntry
	byPartition map[string][]*fileEntry
}

// filePathField is the field id of file_path in position-delete files.
const filePathField = 2147483546

// referencedPath is the one data file a position-delete file applies to,
// when known: the recorded reference, or equal file_path bounds.
func referencedPath(fe *fileEntry) string {
	if fe.refPath != "" {
		return fe.refPath
	}
	lo, hi := fe.lower[filePathField], fe.upper[filePathField]
	if len(lo) == 0 || string(lo) != string(hi) {
		return ""
	}
	return string(lo)
}

func newPosDeleteIndex(files []*fileEntry) (*posDeleteIndex, error) {
	idx := &posDeleteIndex{byPath: map[string][]*fileEntry{}, byPartition: map[string][]*fileEntry{}}
	for _, fe := range files {
		if p := referencedPath(fe); p != "" {
			idx.byPath[p] = append(idx.byPath[p], fe)
			continue
		}
		k, err := partitionKey(fe.specID, fe.partition)
		if err != nil {
			return nil, err
		}
		idx.byPartition[k] = append(idx.byPartition[k], fe)
	}
	for _, l := range idx.byPath {
		slices.SortStableFunc(l, func(a, b *fileEntry) int { return cmp.Compare(a.seq, b.seq) })
	}
	for _, l := range idx.byPartition {
		slices.SortStableFunc(l, func(a, b *fileEntry) int { return cmp.Compare(a.seq, b.seq) })
	}
	return idx, nil
}

func (idx *posDeleteIndex) forDataFile(data *fileEntry) ([]*fileEntry, error) {
	if len(idx.byPath) == 0 && len(idx.byPartition) == 0 {
		return nil, nil
	}
	var out []*fileEntry
	if len(idx.byPartition) > 0 {
		k, err := partitionKey(data.specID, data.partition)
		if err != nil {
			return nil, err
		}
		l := idx.byPartition[k]
		for _, d := range l[sort.Search(len(l), func(i int) bool { return l[i].seq >= data.seq }):] {
			if filePathMayMatch(d, data.path) {
				out = append(out, d)
			}
		}
	}
	l := idx.byPath[data.path]
	out = append(out, l[sort.Search(len(l), func(i int) bool { return l[i].seq >= data.seq }):]...)
	return out, nil
}

// filePathMayMatch checks a partition-scoped position-delete file's
// file_path metrics against one data file path.
func filePathMayMatch(d *fileEntry, path string) bool {
	if d.count == 0 {
		return false
	}
	if vc, ok := d.valueCounts[filePathField]; ok {
		if nc, ok := d.nullCounts[filePathField]; ok && nc == vc {
			return false
		}
		if nan, ok := d.nanCounts[filePathField]; ok && nan == vc {
			return false
		}
	}
	if lo := d.lower[filePathField]; lo != nil && strings.Compare(string(lo), path) > 0 {
		return false
	}
	if hi := d.upper[filePathField]; hi != nil && strings.Compare(string(hi), path) < 0 {
		return false
	}
	return true
}
