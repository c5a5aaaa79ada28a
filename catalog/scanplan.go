package catalog

import (
	"context"
	"errors"
	"fmt"
	"math"

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
