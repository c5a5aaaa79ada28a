package planner

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/catalog"
)

// The emulated catalogs hold only what the caller may see: the tables the
// policy makes visible and readable, their schemas and columns (with
// Postgres type OIDs and typmods), the caller's own role and the session's
// settings. They are tables in the session engine, refilled before a
// statement that reads them whenever their content changed.

const (
	databaseOID      = 16384
	pgCatalogNspOID  = 11
	publicNspOID     = 2200
	infoSchemaNspOID = 13000
	pgClassOID       = 1259
	callerRoleOID    = 16385
	databaseName     = "lakegate"
)

// pgCatalogState is what the session engine holds of the emulation.
type pgCatalogState struct {
	eng  *engine // engine the relations and macros were created in
	data string  // the content statement last run
}

// catalogOID is a stable OID for a named object, above the range Postgres
// uses for its own objects.
func catalogOID(kind, name string) int64 {
	h := fnv.New32a()
	h.Write([]byte(kind + ":" + name))
	return 100000 + int64(h.Sum32()%(1<<30))
}

// installCatalog makes the emulated catalogs in e current for the caller.
func (s *Session) installCatalog(ctx context.Context, e *engine) error {
	if s.pgc.eng != e {
		if err := e.exec(catalogDDL(s.principal.Name)); err != nil {
			return fmt.Errorf("planner: create catalog emulation: %w", err)
		}
		s.pgc = pgCatalogState{eng: e}
	}
	data, err := s.catalogData(ctx)
	if err != nil {
		return err
	}
	if data == s.pgc.data {
		return nil
	}
	if err := e.exec("BEGIN TRANSACTION;\n" + data + "COMMIT;"); err != nil {
		_ = e.exec("ROLLBACK")
		s.pgc.data = ""
		return classify(err)
	}
	s.pgc.data = data
	return nil
}

func catalogDDL(caller string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE SCHEMA IF NOT EXISTS %s;\nCREATE SCHEMA IF NOT EXISTS %s;\n", pgSchema, isSchema)
	for _, r := range pgRelationList {
		fmt.Fprintf(&b, "CREATE OR REPLACE TABLE %s.%s (%s);\n", pgSchema, r.name, r.columns)
	}
	for _, r := range isRelationList {
		fmt.Fprintf(&b, "CREATE OR REPLACE TABLE %s.%s (%s);\n", isSchema, r.name, r.columns)
	}
	b.WriteString(catalogMacros(caller))
	return b.String()
}

// visibleTable is a table the caller may see.
type visibleTable struct {
	t     *catalog.Table
	owner string
	oid   int64
}

func (s *Session) visibleTables(ctx context.Context) ([]visibleTable, error) {
	schemas, err := s.p.cat.Schemas(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(schemas)
	var out []visibleTable
	for _, sc := range schemas {
		names, err := s.p.cat.Tables(ctx, sc)
		if err != nil {
			return nil, err
		}
		slices.Sort(names)
		for _, n := range names {
			t, err := s.p.cat.LoadTable(ctx, catalog.Ident{Schema: sc, Name: n})
			if errors.Is(err, catalog.ErrNoSuchTable) {
				continue
			}
			if err != nil {
				return nil, err
			}
			dec, err := s.decide(ctx, t)
			if err != nil {
				return nil, err
			}
			if !dec.Visible || !dec.Read {
				continue
			}
			owner := dec.Owner
			if owner == "" {
				owner = databaseName
			}
			out = append(out, visibleTable{t: t, owner: owner, oid: catalogOID("r", sc+"."+n)})
		}
	}
	return out, nil
}

// sqlRows renders rows as an INSERT into schema.rel.
type sqlRows struct {
	b *strings.Builder
}

func (w sqlRows) insert(schema, rel string, rows [][]any) {
	fmt.Fprintf(w.b, "DELETE FROM %s.%s;\n", schema, rel)
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w.b, "INSERT INTO %s.%s VALUES ", schema, rel)
	for i, r := range rows {
		if i > 0 {
			w.b.WriteString(", ")
		}
		w.b.WriteByte('(')
		for j, v := range r {
			if j > 0 {
				w.b.WriteString(", ")
			}
			w.b.WriteString(catalogLiteral(v))
		}
		w.b.WriteByte(')')
	}
	w.b.WriteString(";\n")
}

func catalogLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return sqlString(v)
	case bool:
		if v {
			return "true"
		}
		return "false"
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case []string:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = sqlString(x)
		}
		return "[" + strings.Join(parts, ", ") + "]::VARCHAR[]"
	}
	panic(fmt.Sprintf("sqlLiteral: %T", v))
}

// pad extends a row with NULLs to the relation's width.
func pad(rel *catalogRelation, vals ...any) []any {
	for len(vals) < rel.columnCount() {
		vals = append(vals, nil)
	}
	return vals
}

// colType is a column's Postgres type.
type colType struct {
	oid    int64
	typmod int
}

func pgColumnType(t iceberg.Type) colType {
	switch t := t.(type) {
	case iceberg.BooleanType:
		return colType{16, -1}
	case iceberg.Int32Type:
		return colType{23, -1}
	case iceberg.Int64Type:
		return colType{20, -1}
	case iceberg.Float32Type:
		return colType{700, -1}
	case iceberg.Float64Type:
		return colType{701, -1}
	case iceberg.DecimalType:
		return colType{1700, (t.Precision()<<16 | t.Scale()) + 4}
	case iceberg.DateType:
		return colType{1082, -1}
	case iceberg.TimeType:
		return colType{1083, -1}
	case iceberg.TimestampType, iceberg.TimestampNsType:
		return colType{1114, -1}
	case iceberg.TimestampTzType, iceberg.TimestampTzNsType:
		return colType{1184, -1}
	case iceberg.UUIDType:
		return colType{2950, -1}
	case iceberg.BinaryType, iceberg.FixedType:
		return colType{17, -1}
	case *iceberg.ListType:
		e := pgColumnType(t.Element)
		for _, ti := range pgTypes {
			if ti.oid == e.oid {
				return colType{ti.array, e.typmod}
			}
		}
	}
	return colType{25, -1}
}

func typeInfo(oid int64) (pgTypeInfo, bool) {
	for _, ti := range pgTypes {
		if ti.oid == oid {
			return ti, true
		}
		if ti.array == oid {
			return pgTypeInfo{oid: ti.array, name: "_" + ti.name, display: ti.display + "[]", length: -1,
				category: "A", collation: ti.collation, align: ti.align}, true
		}
	}
	return pgTypeInfo{}, false
}

// catalogData renders the statements that fill the emulated catalogs.
func (s *Session) catalogData(ctx context.Context) (string, error) {
	tables, err := s.visibleTables(ctx)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	w := sqlRows{&b}
	caller := s.principal.Name
	if caller == "" {
		caller = databaseName
	}
	// roles: the caller, and the owners named by visible tables (pg_roles
	// lists only the caller).
	owners := map[string]int64{caller: callerRoleOID}
	nsp := map[string]int64{"pg_catalog": pgCatalogNspOID, "information_schema": infoSchemaNspOID}
	var schemaOrder []string
	for _, vt := range tables {
		if _, ok := owners[vt.owner]; !ok {
			owners[vt.owner] = catalogOID("role", vt.owner)
		}
		sc := vt.t.Ident.Schema
		if _, ok := nsp[sc]; !ok {
			nsp[sc] = catalogOID("n", sc)
			if sc == "public" {
				nsp[sc] = publicNspOID
			}
			schemaOrder = append(schemaOrder, sc)
		}
	}
	var rows [][]any
	for name, oid := range owners {
		rows = append(rows, []any{oid, name})
	}
	slices.SortFunc(rows, func(a, b []any) int { return int(a[0].(int64) - b[0].(int64)) })
	w.insert(pgSchema, "lakegate_owners", rows)
	r := pgRelations["pg_roles"]
	w.insert(pgSchema, "pg_roles", [][]any{pad(r, int64(callerRoleOID), caller, false, true, false, false, true, false, -1, "********", nil, false)})
	r = pgRelations["pg_user"]
	w.insert(pgSchema, "pg_user", [][]any{pad(r, caller, int64(callerRoleOID), false, false, false, false, "********")})
	r = pgRelations["pg_database"]
	w.insert(pgSchema, "pg_database", [][]any{pad(r, int64(databaseOID), databaseName, int64(callerRoleOID), 6, "c", false, true, -1,
		int64(0), int64(0), int64(1663), "C.UTF-8", "C.UTF-8")})
	r = pgRelations["pg_am"]
	w.insert(pgSchema, "pg_am", [][]any{pad(r, int64(2), "heap", "heap_tableam_handler", "t"), pad(r, int64(403), "btree", "bthandler", "i")})
	r = pgRelations["pg_tablespace"]
	w.insert(pgSchema, "pg_tablespace", [][]any{pad(r, int64(1663), "pg_default", int64(callerRoleOID)), pad(r, int64(1664), "pg_global", int64(callerRoleOID))})

	// namespaces
	r = pgRelations["pg_namespace"]
	rows = [][]any{pad(r, int64(pgCatalogNspOID), "pg_catalog", int64(callerRoleOID)), pad(r, int64(infoSchemaNspOID), "information_schema", int64(callerRoleOID))}
	var schemata [][]any
	is := isRelations["schemata"]
	for _, sc := range []string{"pg_catalog", "information_schema"} {
		schemata = append(schemata, pad(is, databaseName, sc, caller))
	}
	for _, sc := range schemaOrder {
		rows = append(rows, pad(r, nsp[sc], sc, int64(callerRoleOID)))
		schemata = append(schemata, pad(is, databaseName, sc, caller))
	}
	w.insert(pgSchema, "pg_namespace", rows)
	w.insert(isSchema, "schemata", schemata)

	// search path: pg_catalog first (implicit), then the session's schemas that exist
	rows = [][]any{{0, "pg_catalog"}}
	for _, sc := range searchPath(s.settings["search_path"]) {
		if _, ok := nsp[sc]; ok && sc != "pg_catalog" {
			rows = append(rows, []any{len(rows), sc})
		}
	}
	w.insert(pgSchema, "lakegate_search_path", rows)

	// types
	r = pgRelations["pg_type"]
	rows = nil
	for _, ti := range pgTypes {
		for _, t := range []pgTypeInfo{ti, {oid: ti.array, name: "_" + ti.name, length: -1, category: "A", collation: ti.collation, align: ti.align}} {
			elem, arr := int64(0), ti.array
			if t.oid == ti.array {
				elem, arr = ti.oid, 0
			}
			rows = append(rows, pad(r, t.oid, t.name, int64(pgCatalogNspOID), int64(callerRoleOID), t.length, t.byval,
				"b", t.category, false, true, ",", int64(0), nil, elem, arr, t.name+"in", t.name+"out", t.name+"recv",
				t.name+"send", nil, nil, nil, t.align, map[bool]string{true: "p", false: "x"}[t.length > 0], false,
				int64(0), -1, 0, t.collation))
		}
	}
	w.insert(pgSchema, "pg_type", rows)

	// relations: the emulated pg_catalog relations themselves, then the caller's tables
	owner := func(vt visibleTable) int64 { return owners[vt.owner] }
	classRel, attRel, descRel := pgRelations["pg_class"], pgRelations["pg_attribute"], pgRelations["pg_description"]
	var classes, atts, descs, pgTables, isTables, isCols, privs [][]any
	for _, cr := range pgRelationList {
		if strings.HasPrefix(cr.name, "lakegate_") {
			continue
		}
		oid := cr.oid
		if oid == 0 {
			oid = catalogOID("r", "pg_catalog."+cr.name)
		}
		classes = append(classes, pad(classRel, oid, cr.name, int64(pgCatalogNspOID), int64(0), int64(0), int64(callerRoleOID),
			int64(2), oid, int64(0), 0, nil, 0, int64(0), false, false, "p", "r", cr.columnCount(), 0, false, false, false,
			false, false, true, "n", false, int64(0), int64(0), int64(0)))
	}
	tp := isRelations["tables"]
	cp := isRelations["columns"]
	pr := isRelations["table_privileges"]
	for _, vt := range tables {
		t := vt.t
		fields := t.Schema().Fields()
		classes = append(classes, pad(classRel, vt.oid, t.Ident.Name, nsp[t.Ident.Schema], int64(0), int64(0), owner(vt),
			int64(2), vt.oid, int64(0), 0, nil, 0, int64(0), false, false, "p", "r", len(fields), 0, false, false, false,
			false, false, true, "d", false, int64(0), int64(0), int64(0)))
		pgTables = append(pgTables, pad(pgRelations["pg_tables"], t.Ident.Schema, t.Ident.Name, vt.owner, nil, false, false, false, false))
		isTables = append(isTables, pad(tp, databaseName, t.Ident.Schema, t.Ident.Name, "BASE TABLE", nil, nil, nil, nil, nil, "NO", "NO"))
		privs = append(privs, pad(pr, vt.owner, caller, databaseName, t.Ident.Schema, t.Ident.Name, "SELECT", "NO", "YES"))
		if doc := t.Doc(); doc != "" {
			descs = append(descs, pad(descRel, vt.oid, int64(pgClassOID), 0, doc))
		}
		for i, f := range fields {
			ct := pgColumnType(f.Type)
			ti, _ := typeInfo(ct.oid)
			ndims := 0
			if ti.category == "A" {
				ndims = 1
			}
			atts = append(atts, pad(attRel, vt.oid, f.Name, ct.oid, -1, ti.length, i+1, ndims, -1, ct.typmod, ti.byval,
				ti.align, map[bool]string{true: "p", false: "x"}[ti.length > 0], "", f.Required, false, false, "", "",
				false, true, 0, ti.collation))
			if f.Doc != "" {
				descs = append(descs, pad(descRel, vt.oid, int64(pgClassOID), i+1, f.Doc))
			}
			isCols = append(isCols, isColumn(cp, t, i+1, f, ct, ti))
		}
	}
	w.insert(pgSchema, "pg_class", classes)
	w.insert(pgSchema, "pg_attribute", atts)
	w.insert(pgSchema, "pg_description", descs)
	w.insert(pgSchema, "pg_tables", pgTables)
	w.insert(isSchema, "tables", isTables)
	w.insert(isSchema, "columns", isCols)
	w.insert(isSchema, "table_privileges", privs)

	// settings
	r = pgRelations["pg_settings"]
	rows = nil
	names := make([]string, 0, len(s.settings))
	for k := range s.settings {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := s.settings[k]
		src := "default"
		if v != defaultSettings[k] {
			src = "session"
		}
		rows = append(rows, pad(r, k, v, nil, "lakegate", "", "", "user", "string", src, nil, nil, nil, defaultSettings[k], defaultSettings[k]))
	}
	rows = append(rows, pad(r, "server_version_num", "150000", nil, "lakegate", "", "", "internal", "integer", "default", nil, nil, nil, "150000", "150000"))
	w.insert(pgSchema, "pg_settings", rows)
	return b.String(), nil
}

func isColumn(rel *catalogRelation, t *catalog.Table, pos int, f iceberg.NestedField, ct colType, ti pgTypeInfo) []any {
	dataType := ti.display
	udt := ti.name
	if ti.category == "A" {
		dataType = "ARRAY"
	}
	var prec, radix, scale, dtPrec any
	switch ct.oid {
	case 21:
		prec, radix, scale = 16, 2, 0
	case 23:
		prec, radix, scale = 32, 2, 0
	case 20:
		prec, radix, scale = 64, 2, 0
	case 700:
		prec, radix = 24, 2
	case 701:
		prec, radix = 53, 2
	case 1700:
		radix = 10
		if ct.typmod >= 4 {
			prec, scale = (ct.typmod-4)>>16, (ct.typmod-4)&0xffff
		}
	case 1082:
		dtPrec = 0
	case 1083, 1114, 1184:
		dtPrec = 6
	}
	nullable := "YES"
	if f.Required {
		nullable = "NO"
	}
	return pad(rel, databaseName, t.Ident.Schema, t.Ident.Name, f.Name, pos, nil, nullable, dataType,
		nil, nil, prec, radix, scale, dtPrec, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
		databaseName, "pg_catalog", udt, nil, nil, nil, nil, strconv.Itoa(pos), "NO", "NO", nil, nil, nil, nil, nil, "NO",
		"NEVER", nil, "NO")
}
