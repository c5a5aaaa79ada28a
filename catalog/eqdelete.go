package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"sort"

	"github.com/apache/iceberg-go"
)

// eqDeleteIndex finds the equality-delete files of a data file (see
// scanplan.go): deletes of an unpartitioned spec apply to every data file,
// others to data files of the same spec and partition; only deletes with a
// higher sequence number apply, and a delete whose equality columns' bounds
// cannot overlap the data file's bounds is left out.
type eqDeleteIndex struct {
	global      []eqDelete
	byPartition map[string][]eqDelete
}

type eqDelete struct {
	file   *fileEntry
	fields []eqField
}

// eqField is one equality column of a delete file with its metrics.
type eqField struct {
	id       int
	typ      iceberg.Type // nil when the column is not in the schema
	required bool
	ordered  bool
	float    bool

	valueCount, nullCount, nanCount          int64
	hasValueCount, hasNullCount, hasNaNCount bool

	lower, upper iceberg.Literal // set only when both decode, are not NaN, and lower <= upper
}

// eqBounds decodes a lower/upper pair for range checks: both present, not
// NaN, and in order.
func eqBounds(typ iceberg.Type, lo, hi []byte, hasLo, hasHi bool) (iceberg.Literal, iceberg.Literal, bool) {
	if !hasLo || !hasHi {
		return nil, nil, false
	}
	l, err := iceberg.LiteralFromBytes(typ, lo)
	if err != nil || isNaNLiteral(l) {
		return nil, nil, false
	}
	u, err := iceberg.LiteralFromBytes(typ, hi)
	if err != nil || isNaNLiteral(u) {
		return nil, nil, false
	}
	if compareLiterals(l, u) > 0 {
		return nil, nil, false
	}
	return l, u, true
}

func newEqDelete(fe *fileEntry, schema *iceberg.Schema) eqDelete {
	d := eqDelete{file: fe}
	for _, id := range fe.eqFieldIDs {
		f := eqField{id: id}
		sf, ok := schema.FindFieldByID(id)
		if ok {
			f.typ = sf.Type
			f.required = sf.Required && !schema.FieldHasOptionalParent(id)
			_, prim := sf.Type.(iceberg.PrimitiveType)
			f.ordered = prim && orderedType(sf.Type)
			switch sf.Type.(type) {
			case iceberg.Float32Type, iceberg.Float64Type:
				f.float = true
			}
			if !prim {
				f.typ = nil // not compared, as iceberg-go skips non-primitive columns
			}
		}
		if f.typ != nil {
			f.valueCount, f.hasValueCount = fe.valueCounts[id]
			f.nullCount, f.hasNullCount = fe.nullCounts[id]
			f.nanCount, f.hasNaNCount = fe.nanCounts[id]
			if f.ordered {
				lo, hasLo := fe.lower[id]
				hi, hasHi := fe.upper[id]
				f.lower, f.upper, _ = eqBounds(f.typ, lo, hi, hasLo, hasHi)
			}
		}
		d.fields = append(d.fields, f)
	}
	return d
}

type partitionSpecs interface {
	PartitionSpecByID(int) *iceberg.PartitionSpec
}

func newEqDeleteIndex(files []*fileEntry, specs partitionSpecs, schema *iceberg.Schema) (*eqDeleteIndex, error) {
	idx := &eqDeleteIndex{byPartition: map[string][]eqDelete{}}
	for _, fe := range files {
		spec := specs.PartitionSpecByID(int(fe.specID))
		if spec == nil {
			return nil, fmt.Errorf("catalog: equality delete %s: no partition spec %d", fe.path, fe.specID)
		}
		d := newEqDelete(fe, schema)
		if spec.IsUnpartitioned() {
			idx.global = append(idx.global, d)
			continue
		}
		k, err := partitionKey(fe.specID, fe.partition)
		if err != nil {
			return nil, err
		}
		idx.byPartition[k] = append(idx.byPartition[k], d)
	}
	bySeq := func(a, b eqDelete) int { return cmp.Compare(a.file.seq, b.file.seq) }
	slices.SortStableFunc(idx.global, bySeq)
	for _, l := range idx.byPartition {
		slices.SortStableFunc(l, bySeq)
	}
	return idx, nil
}

func (idx *eqDeleteIndex) forDataFile(data *fileEntry) ([]*fileEntry, error) {
	if len(idx.global) == 0 && len(idx.byPartition) == 0 {
		return nil, nil
	}
	var part []eqDelete
	if len(idx.byPartition) > 0 && len(data.partition) > 0 {
		k, err := partitionKey(data.specID, data.partition)
		if err != nil {
			return nil, err
		}
		part = idx.byPartition[k]
	}
	var out []*fileEntry
	for _, l := range [][]eqDelete{idx.global, part} {
		for _, d := range l[sort.Search(len(l), func(i int) bool { return l[i].file.seq > data.seq }):] {
			if eqDeleteMayMatch(data, d.fields) {
				out = append(out, d.file)
			}
		}
	}
	return out, nil
}

// eqDeleteMayMatch reports whether rows of data may equal rows of the
// delete file on every equality column, judged by null counts and bounds.
func eqDeleteMayMatch(data *fileEntry, fields []eqField) bool {
	for i := range fields {
		f := &fields[i]
		if f.typ == nil {
			continue
		}
		if !f.required {
			dataNulls, hasDataNulls := data.nullCounts[f.id]
			dataMayHaveNull := data.nullCounts == nil || !hasDataNulls || dataNulls != 0
			delMayHaveNull := !f.hasNullCount || f.nullCount != 0
			if dataMayHaveNull && delMayHaveNull {
				continue // null matches null
			}
			dataValues, hasDataValues := data.valueCounts[f.id]
			dataAllNull := hasDataNulls && hasDataValues && dataNulls >= 0 && dataNulls == dataValues
			delNoNull := f.hasNullCount && f.nullCount == 0
			if dataAllNull && delNoNull {
				return false
			}
			delAllNull := f.hasNullCount && f.hasValueCount && f.nullCount >= 0 && f.nullCount == f.valueCount
			dataNoNull := data.nullCounts != nil && hasDataNulls && dataNulls == 0
			if delAllNull && dataNoNull {
				return false
			}
		}
		if !f.ordered {
			continue
		}
		if f.float {
			dataNaN, ok := data.nanCounts[f.id]
			if !(ok && dataNaN == 0 && f.hasNaNCount && f.nanCount == 0) {
				continue
			}
		}
		lo, hasLo := data.lower[f.id]
		hi, hasHi := data.upper[f.id]
		dl, du, ok := eqBounds(f.typ, lo, hi, hasLo, hasHi)
		if !ok || f.lower == nil {
			continue
		}
		if compareLiterals(dl, f.upper) > 0 || compareLiterals(f.lower, du) > 0 {
			return false
		}
	}
	return true
}
