package pgcatalog

import (
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The fixed part of the emulation (the relations, their fixed rows and
// the fixed macros) is the same for every caller and every engine. Parsed
// as SQL (FixedSQL) it costs a session's engine ~0.1-0.4 s of CPU, nearly
// all of it the engine binding the ~40,000 values of the fixed rows'
// INSERT ... VALUES one expression at a time. So an engine gets it in two
// parts: FixedSchemaSQL (the relations, empty, and the macros) and
// FixedTables, the rows as Arrow batches built once per process, which the
// engine reads without parsing. An engine keeps the fixed part for its
// life, across the sessions it serves: ResetSQL takes out what a caller's
// Content and Activity put in.

// FixedTable is an emulated relation's fixed rows: one Arrow batch whose
// columns are the engine table's, in order.
type FixedTable struct {
	Name   string // the engine table: lakegate_pg.pg_type
	Schema *arrow.Schema
	Rows   arrow.RecordBatch // shared: read it, never release it
}

var (
	fixedSchemaOnce sync.Once
	fixedSchemaSQL  string
	fixedTables     []FixedTable
	resetSQL        string
)

// FixedSchemaSQL creates the emulated relations in an engine, empty, and
// the fixed macros: FixedSQL without the rows, which FixedTables holds.
func FixedSchemaSQL() string {
	fixedSchemaOnce.Do(buildFixed)
	return fixedSchemaSQL
}

// FixedTables is the rows every caller sees, FixedSQL's, for the tables
// FixedSchemaSQL created.
func FixedTables() []FixedTable {
	fixedSchemaOnce.Do(buildFixed)
	return fixedTables
}

// ResetSQL returns an engine where FixedSchemaSQL and FixedTables were
// installed, and any caller's Content.SQL and Activity.SQL ran since, to
// the fixed part alone: every row a Content or an Activity inserts is
// deleted (each deletes what it replaces before inserting: the same
// DELETE statements, whoever the caller), each macro they define that
// FixedSchemaSQL does not is dropped, and each one they redefine gets its
// fixed definition back.
func ResetSQL() string {
	fixedSchemaOnce.Do(buildFixed)
	return resetSQL
}

func buildFixed() {
	var b strings.Builder
	relationsSQL(&b)
	fixed := fixedMacros()
	createMacros(&b, fixed)
	fixedSchemaSQL = b.String()

	var w arrowRows
	fixedRows(&w)
	fixedTables = w.tables

	// What a caller's statements change: the DELETEs that start each of
	// their relations (the same for every caller: each relation is
	// replaced whole, or its rows from FirstNormalObjectId up), and their
	// macros.
	var r strings.Builder
	var macros []string
	callerSQL := NewContent(nil, Caller{}).SQL() + Activity{}.SQL("")
	for _, st := range strings.Split(strings.TrimSuffix(callerSQL, ";\n"), ";\n") {
		switch {
		case strings.HasPrefix(st, "DELETE FROM "):
			r.WriteString(st + ";\n")
		case strings.HasPrefix(st, "INSERT INTO "):
		case strings.HasPrefix(st, macroPrefix):
			macros = append(macros, macroName(strings.TrimPrefix(st, macroPrefix)))
		default:
			panic("pgcatalog: ResetSQL does not undo " + st)
		}
	}
	fixedDefs := map[string]string{}
	for _, m := range fixed {
		fixedDefs[macroName(m)] = m
	}
	var restore []string
	for _, name := range macros {
		if def, ok := fixedDefs[name]; ok {
			restore = append(restore, def)
			continue
		}
		// DROP MACRO ... IF EXISTS would find a built-in of the same name
		// (user, version) where the macro is missing and fail: make it
		// first (DROP MACRO TABLE for a table macro of the name).
		q := quoteMacroName(name)
		fmt.Fprintf(&r, "DROP MACRO TABLE IF EXISTS main.%s;\nCREATE OR REPLACE MACRO main.%s() AS NULL;\nDROP MACRO main.%s;\n", q, q, q)
	}
	createMacros(&r, restore)
	resetSQL = r.String()
}

// relationsSQL creates the emulated relations, empty: each catalog
// relation a table, and in pgSysSchema a view of each with tableoid.
func relationsSQL(b *strings.Builder) {
	fmt.Fprintf(b, "CREATE SCHEMA IF NOT EXISTS %s;\nCREATE SCHEMA IF NOT EXISTS %s;\n", pgSchema, isSchema)
	for _, list := range fixedRelationLists() {
		for _, r := range list.rels {
			fmt.Fprintf(b, "CREATE OR REPLACE TABLE %s.%s (%s);\n", list.schema, r.name, r.engineDDL())
		}
	}
	fmt.Fprintf(b, "CREATE SCHEMA IF NOT EXISTS %s;\n", pgSysSchema)
	for _, r := range pgRelationList {
		fmt.Fprintf(b, "CREATE OR REPLACE VIEW %s.%s AS SELECT *, %d::UINTEGER AS tableoid FROM %s.%s;\n",
			pgSysSchema, r.name, r.oid, pgSchema, r.name)
	}
}

type relationList struct {
	schema string
	rels   []catalogRelation
}

func fixedRelationLists() []relationList {
	return []relationList{{pgSchema, pgRelationList}, {isSchema, isRelationList}, {pgSchema, pgTableFunctionList}}
}

// FixedObjects is how many tables and views FixedSchemaSQL creates (in
// the emulation's engine schemas, IsEngineSchema).
func FixedObjects() (tables, views int) {
	for _, list := range fixedRelationLists() {
		tables += len(list.rels)
	}
	return tables, len(pgRelationList)
}

// EngineSchemas are the engine schemas of the emulation.
func EngineSchemas() []string { return []string{pgSchema, isSchema, pgSysSchema} }

// macroPrefix starts each statement of createMacros.
const macroPrefix = "CREATE OR REPLACE MACRO main."

// quoteMacroName quotes a macro's name as createMacros' definitions
// spell it.
func quoteMacroName(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// rowWriter takes the rows of the emulated relations: sqlRows renders
// them as SQL, arrowRows as Arrow batches.
type rowWriter interface {
	insert(schema, rel, where string, rows [][]any)
}

// arrowRows collects rows as Arrow batches of their relation's engine
// columns.
type arrowRows struct {
	tables []FixedTable
}

func (w *arrowRows) insert(schema, rel, where string, rows [][]any) {
	if where != "" {
		panic("pgcatalog: fixed rows replace a whole relation")
	}
	var r *catalogRelation
	switch schema {
	case pgSchema:
		if r = pgRelations[rel]; r == nil {
			r = pgTableFunctions[rel]
		}
	case isSchema:
		r = isRelations[rel]
	}
	if r == nil {
		panic("pgcatalog: no relation " + schema + "." + rel)
	}
	fields := make([]arrow.Field, len(r.cols))
	for i, c := range r.cols {
		t, _ := engineType(c.pgType)
		fields[i] = arrow.Field{Name: c.name, Type: arrowType(t), Nullable: true}
	}
	sc := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			appendValue(b.Field(i), v, r.name+"."+r.cols[i].name)
		}
	}
	w.tables = append(w.tables, FixedTable{Name: schema + "." + rel, Schema: sc, Rows: b.NewRecordBatch()})
}

// arrowType is the Arrow type the engine reads as engine type t
// (engineType's).
func arrowType(t string) arrow.DataType {
	if elem, ok := strings.CutSuffix(t, "[]"); ok {
		return arrow.ListOf(arrowType(elem))
	}
	if at, ok := arrowTypes[t]; ok {
		return at
	}
	panic("pgcatalog: no Arrow type for " + t)
}

var arrowTypes = map[string]arrow.DataType{
	"UINTEGER": arrow.PrimitiveTypes.Uint32, "VARCHAR": arrow.BinaryTypes.String,
	"BOOLEAN": arrow.FixedWidthTypes.Boolean, "SMALLINT": arrow.PrimitiveTypes.Int16,
	"INTEGER": arrow.PrimitiveTypes.Int32, "BIGINT": arrow.PrimitiveTypes.Int64,
	"REAL": arrow.PrimitiveTypes.Float32, "DOUBLE": arrow.PrimitiveTypes.Float64,
	"BLOB": arrow.BinaryTypes.Binary, "TIMESTAMPTZ": &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
	"INTERVAL": arrow.FixedWidthTypes.MonthDayNanoInterval,
}

// appendValue appends a row value (catalogLiteral's kinds) to a column.
func appendValue(b array.Builder, v any, col string) {
	if v == nil {
		b.AppendNull()
		return
	}
	bad := func() { panic(fmt.Sprintf("pgcatalog: %s: %T value %v for %s", col, v, v, b.Type())) }
	integer := func() int64 {
		switch v := v.(type) {
		case int:
			return int64(v)
		case int64:
			return v
		}
		bad()
		return 0
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		s, ok := v.(string)
		if !ok {
			bad()
		}
		b.Append(s)
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			bad()
		}
		b.Append(x)
	case *array.Uint32Builder:
		b.Append(fit[uint32](integer(), bad))
	case *array.Int16Builder:
		b.Append(fit[int16](integer(), bad))
	case *array.Int32Builder:
		b.Append(fit[int32](integer(), bad))
	case *array.Int64Builder:
		b.Append(integer())
	case *array.Float32Builder:
		b.Append(float32(integer()))
	case *array.Float64Builder:
		b.Append(float64(integer()))
	case *array.ListBuilder:
		b.Append(true)
		switch v := v.(type) {
		case []string:
			for _, x := range v {
				appendValue(b.ValueBuilder(), x, col)
			}
		case []int64:
			for _, x := range v {
				appendValue(b.ValueBuilder(), x, col)
			}
		default:
			bad()
		}
	default:
		bad()
	}
}

// fit converts n to a narrower integer type, calling bad if it does not fit.
func fit[T uint32 | int16 | int32](n int64, bad func()) T {
	if int64(T(n)) != n {
		bad()
	}
	return T(n)
}
