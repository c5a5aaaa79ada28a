package catalog

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/uuid"
)

// conform returns rec with the table's Arrow write schema. The execution
// engine already casts every value to the column's type; what can still
// differ is representation: the time zone label of a timestamptz (the
// session's TimeZone), names of list elements and map entries, UUIDs as
// text, fixed-size binary as variable-size binary. NULLs in required
// columns are refused here, where every written row passes.
func conform(rec arrow.RecordBatch, want *arrow.Schema, ident Ident) (arrow.RecordBatch, error) {
	if int(rec.NumCols()) != want.NumFields() {
		return nil, fmt.Errorf("catalog: write %s: %d columns for a table of %d", ident, rec.NumCols(), want.NumFields())
	}
	cols := make([]arrow.Array, want.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		f := want.Field(i)
		col := rec.Column(i)
		if !f.Nullable && col.NullN() > 0 {
			return nil, &NullViolationError{Table: ident, Column: f.Name}
		}
		a, err := conformArray(col, f.Type)
		if err != nil {
			return nil, fmt.Errorf("catalog: write %s column %s: %w", ident, f.Name, err)
		}
		cols[i] = a
	}
	return array.NewRecordBatch(want, cols, rec.NumRows()), nil
}

// conformArray returns a (retained) array of type want holding a's values.
func conformArray(a arrow.Array, want arrow.DataType) (arrow.Array, error) {
	if arrow.TypeEqual(a.DataType(), want, arrow.CheckMetadata()) {
		a.Retain()
		return a, nil
	}
	switch w := want.(type) {
	case *extensions.UUIDType:
		if s, ok := a.(*array.String); ok {
			return uuidFromText(s, w)
		}
	case *arrow.FixedSizeBinaryType:
		if b, ok := a.(*array.Binary); ok {
			return fixedFromBinary(b, w)
		}
	}
	d, err := retype(a.Data(), want)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	return array.MakeFromData(d), nil
}

// retype relabels data with type want when both have the same physical
// layout: same type ids all the way down, same decimal precision and scale,
// same timestamp unit (the zone is a label), any field names and metadata.
func retype(d arrow.ArrayData, want arrow.DataType) (arrow.ArrayData, error) {
	got := d.DataType()
	if got.ID() != want.ID() {
		return nil, fmt.Errorf("engine produced %s, the table stores %s", got, want)
	}
	switch w := want.(type) {
	case *arrow.TimestampType:
		if got.(*arrow.TimestampType).Unit != w.Unit {
			return nil, fmt.Errorf("engine produced %s, the table stores %s", got, want)
		}
	case *arrow.Decimal128Type:
		g := got.(*arrow.Decimal128Type)
		if g.Precision != w.Precision || g.Scale != w.Scale {
			return nil, fmt.Errorf("engine produced %s, the table stores %s", got, want)
		}
	case *arrow.FixedSizeBinaryType:
		if got.(*arrow.FixedSizeBinaryType).ByteWidth != w.ByteWidth {
			return nil, fmt.Errorf("engine produced %s, the table stores %s", got, want)
		}
	case *arrow.Time64Type:
		if got.(*arrow.Time64Type).Unit != w.Unit {
			return nil, fmt.Errorf("engine produced %s, the table stores %s", got, want)
		}
	}
	var childTypes []arrow.DataType
	switch w := want.(type) {
	case *arrow.ListType:
		childTypes = []arrow.DataType{w.Elem()}
	case *arrow.LargeListType:
		childTypes = []arrow.DataType{w.Elem()}
	case *arrow.MapType:
		childTypes = []arrow.DataType{w.Elem()}
	case *arrow.StructType:
		for _, f := range w.Fields() {
			childTypes = append(childTypes, f.Type)
		}
	}
	src := d.Children()
	if len(src) != len(childTypes) {
		return nil, fmt.Errorf("engine produced %s, the table stores %s", got, want)
	}
	children := make([]arrow.ArrayData, len(src))
	for i, c := range src {
		nc, err := retype(c, childTypes[i])
		if err != nil {
			for _, x := range children[:i] {
				x.Release()
			}
			return nil, err
		}
		children[i] = nc
	}
	out := array.NewData(want, d.Len(), d.Buffers(), children, d.NullN(), d.Offset())
	for _, c := range children {
		c.Release()
	}
	return out, nil
}

func uuidFromText(s *array.String, want *extensions.UUIDType) (arrow.Array, error) {
	b := extensions.NewUUIDBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(s.Len())
	for i := 0; i < s.Len(); i++ {
		if s.IsNull(i) {
			b.AppendNull()
			continue
		}
		u, err := uuid.Parse(s.Value(i))
		if err != nil {
			return nil, fmt.Errorf("invalid uuid %q: %w", s.Value(i), err)
		}
		b.Append(u)
	}
	return b.NewArray(), nil
}

func fixedFromBinary(s *array.Binary, want *arrow.FixedSizeBinaryType) (arrow.Array, error) {
	b := array.NewFixedSizeBinaryBuilder(memory.DefaultAllocator, want)
	defer b.Release()
	b.Reserve(s.Len())
	for i := 0; i < s.Len(); i++ {
		if s.IsNull(i) {
			b.AppendNull()
			continue
		}
		v := s.Value(i)
		if len(v) != want.ByteWidth {
			return nil, fmt.Errorf("value of %d bytes for fixed(%d)", len(v), want.ByteWidth)
		}
		b.Append(v)
	}
	return b.NewArray(), nil
}
