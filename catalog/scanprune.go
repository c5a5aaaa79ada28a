package catalog

import (
	"errors"
	"slices"

	"github.com/apache/iceberg-go"
)

// Pruning by statistics: a manifest by its partition summaries, a data
// file by its column metrics (bounds, null and NaN counts), as iceberg-go
// prunes them, over the decoded entries of manifestcache.go.

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
