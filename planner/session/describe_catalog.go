package session

import (
	"context"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/policy"
)

// catalogDescribe answers the result shape of SELECT col, ... FROM table
// (plain column names of one table, nothing else) from the table's schema,
// for a session that has no engine yet: pgx's CopyFrom prepares exactly
// such a statement ("select <columns> from <table>") to learn the column
// types, never runs it, and then sends a COPY, which needs no engine;
// planning the statement would open the session's engine for nothing
// (about 0.4 s of CPU per connection, BENCHMARKS.md, COPY FROM STDIN).
//
// It answers only where the shape is the engine's for certain: a table
// the caller reads without masks (a mask may change a column's type), and
// columns of the primitive types catalogType maps as the engine describes
// them (TestCatalogDescribeIsTheEngines compares the two). Otherwise, and
// for anything else the statement says, it reports false and the
// statement is planned as usual. A statement it described has no plan:
// running it plans it then, and a shape that changed in between is
// ErrPlanChanged (0A000), as for any prepared statement.
func (s *Session) catalogDescribe(ctx context.Context, sql string) ([]pgtypes.Column, bool) {
	s.engMu.Lock()
	has := s.eng != nil || s.unconfined != nil || s.pending != nil
	s.engMu.Unlock()
	if has || s.settings["lakegate.as_of"] != "" {
		return nil, false
	}
	t := newTokScan(sql)
	if !t.accept("SELECT") {
		return nil, false
	}
	var names []string
	for {
		name, err := t.ident()
		if err != nil {
			return nil, false
		}
		names = append(names, name)
		if !t.accept(",") {
			break
		}
	}
	if !t.accept("FROM") {
		return nil, false
	}
	schema, err := t.ident()
	if err != nil {
		return nil, false
	}
	name := schema
	if t.accept(".") {
		if name, err = t.ident(); err != nil {
			return nil, false
		}
	} else {
		schema = ""
	}
	if !t.done() || !planner.PlainTable(schema, name) {
		return nil, false
	}
	tbl, dec, err := s.findTable(ctx, schema, name, func(d policy.Decision) bool { return d.Read })
	if err != nil || tbl == nil || len(dec.Masks) > 0 {
		return nil, false
	}
	fields := tbl.Schema().Fields()
	cols := make([]pgtypes.Column, len(names))
	for i, n := range names {
		found := false
		for _, f := range fields {
			if f.Name != n {
				continue
			}
			typ, ok := catalogType(f.Type)
			if !ok {
				return nil, false
			}
			cols[i], found = pgtypes.Column{Name: n, Type: typ}, true
			break
		}
		if !found {
			return nil, false
		}
	}
	return cols, true
}

// catalogType is the result type the engine describes a column of Iceberg
// type t as (internal/engine's typeOf of the type the table's view reads it
// as, planner's duckType), for the primitive types whose description
// nothing else changes; false for the others.
func catalogType(t iceberg.Type) (pgtypes.Type, bool) {
	switch t := t.(type) {
	case iceberg.BooleanType:
		return pgtypes.Type{ID: pgtypes.TypeBool, Engine: "BOOLEAN"}, true
	case iceberg.Int32Type:
		return pgtypes.Type{ID: pgtypes.TypeInt32, Engine: "INTEGER"}, true
	case iceberg.Int64Type:
		return pgtypes.Type{ID: pgtypes.TypeInt64, Engine: "BIGINT"}, true
	case iceberg.Float32Type:
		return pgtypes.Type{ID: pgtypes.TypeFloat32, Engine: "FLOAT"}, true
	case iceberg.Float64Type:
		return pgtypes.Type{ID: pgtypes.TypeFloat64, Engine: "DOUBLE"}, true
	case iceberg.DecimalType:
		return pgtypes.Type{ID: pgtypes.TypeNumeric, Precision: t.Precision(), Scale: t.Scale(), Engine: "DECIMAL"}, true
	case iceberg.DateType:
		return pgtypes.Type{ID: pgtypes.TypeDate, Engine: "DATE"}, true
	case iceberg.TimestampType:
		return pgtypes.Type{ID: pgtypes.TypeTimestamp, Engine: "TIMESTAMP"}, true
	case iceberg.TimestampTzType:
		return pgtypes.Type{ID: pgtypes.TypeTimestampTZ, Engine: "TIMESTAMPTZ"}, true
	case iceberg.StringType:
		return pgtypes.Type{ID: pgtypes.TypeText, Engine: "VARCHAR"}, true
	case iceberg.UUIDType:
		return pgtypes.Type{ID: pgtypes.TypeUUID, Engine: "UUID"}, true
	case iceberg.BinaryType:
		return pgtypes.Type{ID: pgtypes.TypeBytes, Engine: "BLOB"}, true
	}
	return pgtypes.Type{}, false
}
