package pgcatalog

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// The emulated catalogs hold only what the caller may see: the tables the
// policy makes visible and readable, their schemas and columns (with
// Postgres type OIDs and typmods), Iceberg table and column docs as
// descriptions, the caller's own role and the owners of what it sees, and
// the session's settings. They are tables in the session engine:
//
//   - fixed rows (the catalog relations themselves with their columns,
//     pg_type, pg_proc, pg_am, the keyword list), inserted when an engine
//     first needs the emulation, with OIDs below 16384 as in Postgres;
//   - the caller's rows (everything else), refilled before a statement that
//     reads the catalogs whenever their content changed, with the session
//     macros that carry the same answers (funcs.go).

const (
	firstNormalOID   = 16384 // Postgres' FirstNormalObjectId: OIDs below are built-in
	databaseOID      = 16384
	callerRoleOID    = 16385
	systemRoleOID    = 10 // the bootstrap superuser; owns what no domain owns
	pgCatalogNspOID  = 11
	publicNspOID     = 2200
	infoSchemaNspOID = 13207
	pgClassOID       = 1259
	databaseName     = "lakegate"
)

// catalogOID is a stable OID for a named object, above the range Postgres
// uses for its own objects.
func catalogOID(kind, name string) int64 {
	h := fnv.New32a()
	h.Write([]byte(kind + ":" + name))
	return 100000 + int64(h.Sum32()%(1<<30))
}

var (
	fixedDDLOnce sync.Once
	fixedDDL     string
)

// FixedSQL creates the emulated relations in an engine, fills their fixed
// rows (the same for every caller) and creates the fixed macros, all as
// SQL text. Engines install the same in a cheaper form (fixed.go).
func FixedSQL() string {
	fixedDDLOnce.Do(func() {
		var b strings.Builder
		relationsSQL(&b)
		fixedRows(sqlRows{&b})
		createMacros(&b, fixedMacros())
		fixedDDL = b.String()
	})
	return fixedDDL
}

// fixedRows renders the rows every caller sees.
func fixedRows(w rowWriter) {
	var classes, atts [][]any
	add := func(nsp int64, r *catalogRelation) {
		kind := "v"
		if r.oid < 10000 {
			kind = "r" // catalog tables; the rest are system views
		}
		classes = append(classes, pgRelations["pg_class"].row(map[string]any{
			"oid": r.oid, "relname": r.name, "relnamespace": nsp, "relowner": int64(systemRoleOID),
			"relam": int64(map[string]int{"r": 2, "v": 0}[kind]), "relfilenode": r.oid, "reltuples": -1,
			"relpersistence": "p", "relkind": kind, "relnatts": len(r.cols), "relispopulated": true, "relreplident": "n",
		}))
		for i, c := range r.cols {
			ti := pgTypeByOID(pgTypeOID(c.pgType))
			atts = append(atts, attributeRow(r.oid, c.name, i+1, ti, -1, false))
		}
	}
	for i := range pgRelationList {
		add(pgCatalogNspOID, &pgRelationList[i])
	}
	for i := range isRelationList {
		add(infoSchemaNspOID, &isRelationList[i])
	}
	w.insert(pgSchema, "pg_class", "", classes)
	w.insert(pgSchema, "pg_attribute", "", atts)

	var types [][]any
	for _, ti := range pgTypes {
		types = append(types, pgRelations["pg_type"].row(map[string]any{
			"oid": ti.oid, "typname": ti.name, "typnamespace": int64(pgCatalogNspOID), "typowner": int64(systemRoleOID),
			"typlen": ti.length, "typbyval": ti.byval, "typtype": ti.typtype, "typcategory": ti.category,
			"typispreferred": ti.preferred, "typisdefined": true, "typdelim": ti.delim, "typsubscript": ti.subscript,
			"typelem": ti.elem, "typarray": ti.array, "typinput": ti.input, "typoutput": ti.output,
			"typreceive": ti.receive, "typsend": ti.send, "typmodin": ti.modin, "typmodout": ti.modout,
			"typanalyze": ti.analyze, "typalign": ti.align, "typstorage": ti.storage, "typtypmod": -1,
			"typcollation": ti.collation,
		}))
	}
	for _, d := range pgDomainTypes {
		types = append(types, pgRelations["pg_type"].row(map[string]any{
			"oid": d.oid, "typname": d.name, "typnamespace": int64(infoSchemaNspOID), "typowner": int64(systemRoleOID),
			"typlen": d.length, "typbyval": d.byval, "typtype": d.typtype, "typcategory": d.category,
			"typisdefined": true, "typdelim": d.delim, "typsubscript": d.subscript, "typarray": d.array,
			"typinput": d.input, "typoutput": d.output, "typreceive": d.receive, "typsend": d.send,
			"typmodin": d.modin, "typmodout": d.modout, "typanalyze": d.analyze, "typalign": d.align,
			"typstorage": d.storage, "typbasetype": d.base, "typtypmod": d.typmod, "typcollation": d.collation,
		}))
	}
	w.insert(pgSchema, "pg_type", "", types)

	var procs [][]any
	for _, p := range pgProcs {
		procs = append(procs, pgRelations["pg_proc"].row(map[string]any{
			"oid": p.oid, "proname": p.name, "pronamespace": int64(pgCatalogNspOID), "proowner": int64(systemRoleOID),
			"prolang": int64(12), "procost": 1, "prorows": map[bool]int{true: 1000, false: 0}[p.retset], "prokind": p.kind,
			"proisstrict": true, "proretset": p.retset, "provolatile": p.volatile, "proparallel": "s",
			"pronargs": len(p.args), "prorettype": p.rettype, "proargtypes": p.args, "prosrc": p.name,
		}))
	}
	w.insert(pgSchema, "pg_proc", "", procs)
	insertLanguages(w)

	r := pgRelations["pg_am"]
	w.insert(pgSchema, "pg_am", "", [][]any{
		r.row(map[string]any{"oid": int64(2), "amname": "heap", "amhandler": "heap_tableam_handler", "amtype": "t"}),
		r.row(map[string]any{"oid": int64(403), "amname": "btree", "amhandler": "bthandler", "amtype": "i"}),
	})
	r = pgRelations["pg_tablespace"]
	w.insert(pgSchema, "pg_tablespace", "", [][]any{
		r.row(map[string]any{"oid": int64(1663), "spcname": "pg_default", "spcowner": int64(systemRoleOID)}),
		r.row(map[string]any{"oid": int64(1664), "spcname": "pg_global", "spcowner": int64(systemRoleOID)}),
	})
	r = pgTableFunctions["pg_get_keywords"]
	var kws [][]any
	cats := map[byte]string{'U': "unreserved", 'C': "unreserved (cannot be function or type name)",
		'T': "reserved (can be function or type name)", 'R': "reserved"}
	for _, kw := range strings.Fields(pgKeywords) {
		word, code, _ := strings.Cut(kw, ":")
		bare := code[1] == 't'
		kws = append(kws, r.row(map[string]any{"word": word, "catcode": code[:1], "barelabel": bare,
			"catdesc": cats[code[0]], "baredesc": map[bool]string{true: "can be bare label", false: "requires AS"}[bare]}))
	}
	w.insert(pgSchema, "pg_get_keywords", "", kws)
}

// attributeRow is a pg_attribute row.
func attributeRow(rel int64, name string, num int, ti pgTypeInfo, typmod int, notNull bool) []any {
	ndims := 0
	if ti.category == "A" {
		ndims = 1
	}
	return pgRelations["pg_attribute"].row(map[string]any{
		"attrelid": rel, "attname": name, "atttypid": ti.oid, "attstattarget": -1, "attlen": ti.length,
		"attnum": num, "attndims": ndims, "attcacheoff": -1, "atttypmod": typmod, "attbyval": ti.byval,
		"attalign": ti.align, "attstorage": ti.storage, "attcompression": "", "attnotnull": notNull,
		"attidentity": "", "attgenerated": "", "attislocal": true, "attcollation": ti.collation,
	})
}

// Table is a table the caller may see and read, as the planner resolved
// it through the catalog and the policy.
type Table struct {
	Schema, Name string
	Owner        string // the owning role; "" for the database's own
	Writable     bool   // the caller may write it too
	Doc          string // the table's description (Iceberg table doc)
	Fields       []iceberg.NestedField
	// Key is the primary key's columns (the Iceberg identifier fields),
	// in key order, and KeyName its constraint's and index's name
	// (keys.go).
	Key     []string
	KeyName string
	// View marks a relation lakegate computes (lakegate.tables): a view
	// (relkind 'v') of the Columns, not Fields, never writable.
	View    bool
	Columns []ViewColumn
}

// Caller is who reads the catalogs and what its session says.
type Caller struct {
	Name       string            // the caller's role; "" for the database's own
	Settings   map[string]string // the session's settings by lower-case name
	Defaults   map[string]string // the settings clients may SET, with their defaults
	SearchPath []string          // search_path's schema names, in order
}

// visibleTable is a Table with the names and OID the emulation shows.
type visibleTable struct {
	Table
	owner string
	oid   int64
}

// sqlRows renders rows as INSERTs.
type sqlRows struct {
	b *strings.Builder
}

// insert replaces the rows of schema.rel matching where ("" for all).
func (w sqlRows) insert(schema, rel, where string, rows [][]any) {
	if where != "" {
		where = " WHERE " + where
	}
	fmt.Fprintf(w.b, "DELETE FROM %s.%s%s;\n", schema, rel, where)
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
		return sqlparse.QuoteLiteral(v)
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
		return listLiteral(v)
	case []int64:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = strconv.FormatInt(x, 10)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	panic(fmt.Sprintf("catalogLiteral: %T", v))
}

// row builds a row of the relation from named values; other columns get
// the zero value of their type (false, 0) or NULL.
func (r *catalogRelation) row(vals map[string]any) []any {
	out := make([]any, len(r.cols))
	for i, c := range r.cols {
		switch c.pgType {
		case "boolean":
			out[i] = false
		case "smallint", "integer", "bigint", "real", "double precision", "oid", "xid", "regproc":
			if c.pgType == "regproc" {
				out[i] = "-"
				continue
			}
			out[i] = 0
		}
	}
	for k, v := range vals {
		i := r.column(k)
		if i < 0 {
			panic(fmt.Sprintf("catalog relation %s has no column %s", r.name, k))
		}
		out[i] = v
	}
	return out
}

// colType is a column's Postgres type.
type colType struct {
	oid    int64
	typmod int
}

func pgColumnType(t iceberg.Type) colType {
	switch t := t.(type) {
	case iceberg.BooleanType:
		return colType{pgtypes.OIDBool, -1}
	case iceberg.Int32Type:
		return colType{pgtypes.OIDInt4, -1}
	case iceberg.Int64Type:
		return colType{pgtypes.OIDInt8, -1}
	case iceberg.Float32Type:
		return colType{pgtypes.OIDFloat4, -1}
	case iceberg.Float64Type:
		return colType{pgtypes.OIDFloat8, -1}
	case iceberg.DecimalType:
		return colType{pgtypes.OIDNumeric, (t.Precision()<<16 | t.Scale()) + 4}
	case iceberg.DateType:
		return colType{pgtypes.OIDDate, -1}
	case iceberg.TimeType:
		return colType{pgtypes.OIDTime, -1}
	case iceberg.TimestampType, iceberg.TimestampNsType:
		return colType{pgtypes.OIDTimestamp, -1}
	case iceberg.TimestampTzType, iceberg.TimestampTzNsType:
		return colType{pgtypes.OIDTimestamptz, -1}
	case iceberg.UUIDType:
		return colType{pgtypes.OIDUUID, -1}
	case iceberg.BinaryType, iceberg.FixedType:
		return colType{pgtypes.OIDBytea, -1}
	case *iceberg.ListType:
		e := pgColumnType(t.Element)
		if ti := pgTypeByOID(e.oid); ti.array != 0 {
			return colType{ti.array, e.typmod}
		}
	}
	// strings, and structs and maps, which lakegate sends as text
	return colType{pgtypes.OIDText, -1}
}

// pgTypeByOID returns the pg_type row of oid (text for unknown ones).
func pgTypeByOID(oid int64) pgTypeInfo {
	for _, ti := range pgTypes {
		if ti.oid == oid {
			return ti
		}
	}
	for _, d := range pgDomainTypes {
		if d.oid == oid {
			return d.pgTypeInfo
		}
	}
	return pgTypeByOID(pgtypes.OIDText)
}

// pgTypeOID is the OID of a type as format_type spells it (the catalog
// relations' column types).
func pgTypeOID(name string) int64 {
	for _, d := range pgDomainTypes {
		if d.display == name {
			return d.oid
		}
	}
	for _, ti := range pgTypes {
		if ti.display == name {
			return ti.oid
		}
	}
	panic("pgTypeOID: unknown type " + name)
}

// Content is the caller's part of the emulation: the statements that fill
// it in the engine, and the answers the session macros carry.
type Content struct {
	sql string

	caller        string
	callerOID     int64
	serverVersion string
	searchPath    []string          // current_schemas(true)
	settings      map[string]string // current_setting, by lower-case name
	roleNames     map[string]string // role OID -> name
	descriptions  map[string]string // "objoid:objsubid" -> description
	relOIDs       map[string]string // relation name as regclass reads it -> OID
	relNames      map[string]string // OID -> relation name as regclass prints it
	schemaOIDs    map[string]string // schema name -> OID
	tablePrivs    map[int64][]string
	pathNames     []string // search_path as set
	// lakegate's own functions, by OID: what pg_get_function_result,
	// pg_get_function_arguments and _identity_arguments print (views.go)
	funcResults, funcArgs, funcIdentArgs map[string]string
	members                              []ownObject       // of the lakegate extension
	objectNames                          map[string]string // "classoid:objid" -> pg_describe_object's text
	// primary keys (keys.go): pg_get_indexdef by "indexoid:column" (0
	// for the whole definition), pg_get_constraintdef by OID
	indexDefs, constraintDefs map[string]string
}

// SQL is the statements that install the content in an engine where
// FixedSQL ran: equal texts install equal content.
func (c *Content) SQL() string { return c.sql }

// HasRelation reports whether a relation name, as a 'name'::regclass
// literal gives it, names a relation the caller may see.
func (c *Content) HasRelation(name string) bool {
	_, ok := c.relOIDs[regclassKey(name)]
	return ok
}

// currentSchema is current_schema() as SQL.
func (c *Content) currentSchema() string {
	explicit := c.explicitPath()
	if len(explicit) == 0 {
		return "NULL::VARCHAR"
	}
	return sqlparse.QuoteLiteral(explicit[0]) + "::VARCHAR"
}

// explicitPath is current_schemas(false): the search path without the
// implicit pg_catalog.
func (c *Content) explicitPath() []string {
	if len(c.searchPath) > 0 && c.searchPath[0] == "pg_catalog" && !c.pgCatalogExplicit() {
		return c.searchPath[1:]
	}
	return c.searchPath
}

func (c *Content) pgCatalogExplicit() bool {
	return slices.Contains(c.pathNames, "pg_catalog")
}

// settingNames are the names pg_settings shows for settings Postgres
// spells in mixed case.
var settingNames = map[string]string{"datestyle": "DateStyle", "intervalstyle": "IntervalStyle", "timezone": "TimeZone"}

// internalSettings are read-only server facts clients look up.
var internalSettings = map[string]string{
	"max_index_keys": "32", "block_size": "8192", "lc_collate": "C.UTF-8", "lc_ctype": "C.UTF-8",
	"max_function_args": "100", "segment_size": "131072", "wal_block_size": "8192", "data_checksums": "off",
}

// serverVersionNum turns "15.4" into "150004".
func serverVersionNum(v string) string {
	major, minor, _ := strings.Cut(v, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(strings.TrimFunc(minor, func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil {
		return "150000"
	}
	return strconv.Itoa(ma*10000 + mi)
}

// NewContent renders the caller's rows: of tables, the tables the caller
// may see and read (in the order they are listed), and nothing else; of
// functions, lakegate's own (funcs).
func NewContent(visible []Table, caller Caller, funcs ...Function) *Content {
	tables := make([]visibleTable, len(visible))
	for i, t := range visible {
		owner := t.Owner
		if owner == "" {
			owner = databaseName
		}
		tables[i] = visibleTable{Table: t, owner: owner, oid: catalogOID("r", t.Schema+"."+t.Name)}
	}
	c := &Content{
		caller: caller.Name, callerOID: callerRoleOID, serverVersion: caller.Settings["server_version"],
		settings: map[string]string{}, roleNames: map[string]string{}, descriptions: map[string]string{},
		relOIDs: map[string]string{}, relNames: map[string]string{}, schemaOIDs: map[string]string{},
		tablePrivs: map[int64][]string{}, pathNames: caller.SearchPath,
		funcResults: map[string]string{}, funcArgs: map[string]string{}, funcIdentArgs: map[string]string{},
		indexDefs: map[string]string{}, constraintDefs: map[string]string{}, objectNames: map[string]string{},
	}
	if c.caller == "" {
		c.caller = databaseName
	}
	if c.serverVersion == "" {
		c.serverVersion = "15.0"
	}
	for k, v := range caller.Settings {
		c.settings[k] = v
	}
	for k, v := range internalSettings {
		if _, ok := c.settings[k]; !ok {
			c.settings[k] = v
		}
	}
	c.settings["server_version_num"] = serverVersionNum(c.serverVersion)

	var b strings.Builder
	w := sqlRows{&b}

	// roles: the system role, the caller, the owners of what it sees
	roles := map[string]int64{databaseName: systemRoleOID}
	if _, ok := roles[c.caller]; ok {
		c.callerOID = systemRoleOID
	} else {
		roles[c.caller] = callerRoleOID
	}
	for _, vt := range tables {
		if _, ok := roles[vt.owner]; !ok {
			roles[vt.owner] = catalogOID("role", vt.owner)
		}
	}
	roleNames := slices.Sorted(func(yield func(string) bool) {
		for n := range roles {
			if !yield(n) {
				return
			}
		}
	})
	var rows [][]any
	r := pgRelations["pg_roles"]
	for _, n := range roleNames {
		c.roleNames[strconv.FormatInt(roles[n], 10)] = n
		rows = append(rows, r.row(map[string]any{"oid": roles[n], "rolname": n, "rolinherit": true,
			"rolcanlogin": n == c.caller, "rolconnlimit": -1, "rolpassword": "********"}))
	}
	w.insert(pgSchema, "pg_roles", "", rows)
	w.insert(pgSchema, "pg_user", "", [][]any{pgRelations["pg_user"].row(map[string]any{
		"usename": c.caller, "usesysid": c.callerOID, "passwd": "********"})})
	w.insert(pgSchema, "pg_database", "", [][]any{pgRelations["pg_database"].row(map[string]any{
		"oid": int64(databaseOID), "datname": databaseName, "datdba": int64(systemRoleOID), "encoding": 6,
		"datlocprovider": "c", "datallowconn": true, "datconnlimit": -1, "dattablespace": int64(1663),
		"datcollate": "C.UTF-8", "datctype": "C.UTF-8"})})

	// namespaces: the system ones, public, and every schema with a table
	// the caller may see
	nsp := map[string]int64{"pg_catalog": pgCatalogNspOID, "public": publicNspOID, "information_schema": infoSchemaNspOID}
	nspOwner := map[string]int64{}
	order := []string{"pg_catalog", "public", "information_schema"}
	for _, vt := range tables {
		sc := vt.Schema
		if _, ok := nsp[sc]; !ok {
			nsp[sc] = catalogOID("n", sc)
			nspOwner[sc] = roles[vt.owner]
			order = append(order, sc)
			if vt.View {
				c.members = append(c.members, ownObject{classOID: pgNamespaceOID, oid: nsp[sc], what: "schema " + quoteIdentPG(sc)})
			}
		}
	}
	for _, fn := range funcs {
		if _, ok := nsp[fn.Schema]; !ok {
			nsp[fn.Schema] = catalogOID("n", fn.Schema)
			order = append(order, fn.Schema)
			c.members = append(c.members, ownObject{classOID: pgNamespaceOID, oid: nsp[fn.Schema], what: "schema " + quoteIdentPG(fn.Schema)})
		}
	}
	r = pgRelations["pg_namespace"]
	is := isRelations["schemata"]
	rows = nil
	var schemata [][]any
	for _, sc := range order {
		owner, ok := nspOwner[sc]
		if !ok {
			owner = systemRoleOID
		}
		c.schemaOIDs[sc] = strconv.FormatInt(nsp[sc], 10)
		rows = append(rows, r.row(map[string]any{"oid": nsp[sc], "nspname": sc, "nspowner": owner}))
		schemata = append(schemata, is.row(map[string]any{"catalog_name": databaseName, "schema_name": sc,
			"schema_owner": c.roleNames[strconv.FormatInt(owner, 10)]}))
	}
	w.insert(pgSchema, "pg_namespace", "", rows)
	w.insert(isSchema, "schemata", "", schemata)

	// search path: pg_catalog first unless named, then the named schemas
	// that exist
	explicit := []string{}
	for _, sc := range caller.SearchPath {
		if _, ok := nsp[sc]; ok && !slices.Contains(explicit, sc) {
			explicit = append(explicit, sc)
		}
	}
	c.searchPath = explicit
	if !slices.Contains(explicit, "pg_catalog") {
		c.searchPath = append([]string{"pg_catalog"}, explicit...)
	}

	// relations a regclass name resolves to: qualified always, unqualified
	// along the search path (first match wins)
	type rel struct {
		schema, name string
		oid          int64
	}
	var rels []rel
	for _, r := range pgRelationList {
		rels = append(rels, rel{"pg_catalog", r.name, r.oid})
	}
	for _, r := range isRelationList {
		rels = append(rels, rel{"information_schema", r.name, r.oid})
	}
	for _, vt := range tables {
		rels = append(rels, rel{vt.Schema, vt.Name, vt.oid})
	}
	for _, x := range rels {
		oid := strconv.FormatInt(x.oid, 10)
		c.relOIDs[x.schema+"."+x.name] = oid
		c.relNames[oid] = quoteIdentPG(x.schema) + "." + quoteIdentPG(x.name)
	}
	for _, sc := range c.searchPath {
		for _, x := range rels {
			if x.schema != sc {
				continue
			}
			if _, ok := c.relOIDs[x.name]; !ok {
				oid := strconv.FormatInt(x.oid, 10)
				c.relOIDs[x.name] = oid
				c.relNames[oid] = quoteIdentPG(x.name)
			}
		}
	}

	// the caller's tables
	classRel, descRel := pgRelations["pg_class"], pgRelations["pg_description"]
	var classes, atts, descs, pgTables, isTables, isCols, privs, stats, views, isViews [][]any
	var keys []*keyRowSet
	tp, cp, pr := isRelations["tables"], isRelations["columns"], isRelations["table_privileges"]
	for _, vt := range tables {
		if vt.View {
			view := viewRows(vt, nsp[vt.Schema], roles[vt.owner], c)
			classes, atts, descs = append(classes, view.class), append(atts, view.atts...), append(descs, view.descs...)
			isTables, isCols = append(isTables, view.isTable), append(isCols, view.isCols...)
			privs, views, isViews = append(privs, view.priv), append(views, view.pgView), append(isViews, view.isView)
			continue
		}
		fields := vt.Fields
		held := []string{"SELECT"}
		acl := "r"
		if vt.Writable {
			held = append(held, "INSERT", "UPDATE", "DELETE", "TRUNCATE")
			acl = "arwdD"
		}
		c.tablePrivs[vt.oid] = held
		key := keyRows(vt, nsp[vt.Schema], roles[vt.owner], c)
		if key != nil {
			keys = append(keys, key)
		}
		classes = append(classes, classRel.row(map[string]any{
			"oid": vt.oid, "relname": vt.Name, "relnamespace": nsp[vt.Schema], "relowner": roles[vt.owner],
			"relam": int64(2), "relfilenode": vt.oid, "reltuples": -1, "relpersistence": "p", "relkind": "r",
			"relnatts": len(fields), "relispopulated": true, "relreplident": "d", "relhasindex": key != nil,
			"relacl": []string{quoteIdentPG(c.caller) + "=" + acl + "/" + quoteIdentPG(vt.owner)},
		}))
		pgTables = append(pgTables, pgRelations["pg_tables"].row(map[string]any{
			"schemaname": vt.Schema, "tablename": vt.Name, "tableowner": vt.owner, "hasindexes": key != nil}))
		stats = append(stats, pgRelations["pg_stat_user_tables"].row(map[string]any{
			"relid": vt.oid, "schemaname": vt.Schema, "relname": vt.Name}))
		isTables = append(isTables, tp.row(map[string]any{
			"table_catalog": databaseName, "table_schema": vt.Schema, "table_name": vt.Name,
			"table_type": "BASE TABLE", "is_insertable_into": yesNo(vt.Writable), "is_typed": "NO"}))
		for _, p := range held {
			privs = append(privs, pr.row(map[string]any{
				"grantor": vt.owner, "grantee": c.caller, "table_catalog": databaseName, "table_schema": vt.Schema,
				"table_name": vt.Name, "privilege_type": p, "is_grantable": "NO", "with_hierarchy": yesNo(p == "SELECT")}))
		}
		if doc := vt.Doc; doc != "" {
			descs = append(descs, descRel.row(map[string]any{"objoid": vt.oid, "classoid": int64(pgClassOID), "objsubid": 0, "description": doc}))
			c.descriptions[strconv.FormatInt(vt.oid, 10)+":0"] = doc
		}
		for i, f := range fields {
			ct := pgColumnType(f.Type)
			ti := pgTypeByOID(ct.oid)
			atts = append(atts, attributeRow(vt.oid, f.Name, i+1, ti, ct.typmod, f.Required))
			if f.Doc != "" {
				descs = append(descs, descRel.row(map[string]any{"objoid": vt.oid, "classoid": int64(pgClassOID), "objsubid": i + 1, "description": f.Doc}))
				c.descriptions[strconv.FormatInt(vt.oid, 10)+":"+strconv.Itoa(i+1)] = f.Doc
			}
			isCols = append(isCols, isColumn(cp, vt, i+1, f, ct, ti))
		}
	}
	userRows := fmt.Sprintf("oid >= %d", firstNormalOID)
	descs = append(descs, insertFunctions(w, funcs, nsp, c)...)
	for _, k := range keys {
		classes, atts = append(classes, k.class), append(atts, k.atts...)
	}
	insertKeys(w, keys)
	descs = append(descs, extensionRows(w, c.members, c))
	w.insert(pgSchema, "pg_class", userRows, classes)
	w.insert(pgSchema, "pg_attribute", fmt.Sprintf("attrelid >= %d", firstNormalOID), atts)
	w.insert(pgSchema, "pg_description", "", descs)
	w.insert(pgSchema, "pg_tables", "", pgTables)
	w.insert(pgSchema, "pg_stat_user_tables", "", stats)
	w.insert(isSchema, "tables", "", isTables)
	w.insert(isSchema, "columns", "", isCols)
	w.insert(isSchema, "table_privileges", "", privs)
	w.insert(pgSchema, "pg_views", "", views)
	w.insert(isSchema, "views", "", isViews)

	// settings
	r = pgRelations["pg_settings"]
	rows = nil
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range c.settings {
			if !yield(k) {
				return
			}
		}
	}) {
		v := c.settings[k]
		name := k
		if n, ok := settingNames[k]; ok {
			name = n
		}
		boot, known := caller.Defaults[k]
		src, ctxName := "default", "user"
		if !known {
			boot, ctxName = v, "internal"
		} else if v != boot {
			src = "session"
		}
		rows = append(rows, r.row(map[string]any{"name": name, "setting": v, "category": "lakegate",
			"short_desc": "", "context": ctxName, "vartype": "string", "source": src, "boot_val": boot, "reset_val": boot}))
	}
	w.insert(pgSchema, "pg_settings", "", rows)

	createMacros(&b, c.sessionMacros())
	c.sql = b.String()
	return c
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// quoteIdentPG quotes a name as Postgres prints identifiers: only when it
// is not a plain lower-case word.
func quoteIdentPG(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && (r >= '0' && r <= '9' || r == '$')) {
			plain = false
			break
		}
	}
	if plain && !quotedIdentKeywords[s] {
		return s
	}
	return sqlparse.QuoteIdent(s)
}

// quotedIdentKeywords are the keywords quoteIdentPG quotes (all but the
// unreserved ones), split once: NewContent quotes every name of every
// relation and column of each session's catalog.
var quotedIdentKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, kw := range strings.Fields(pgKeywords) {
		if word, code, _ := strings.Cut(kw, ":"); code[0] != 'U' {
			m[word] = true
		}
	}
	return m
}()

func isColumn(rel *catalogRelation, vt visibleTable, pos int, f iceberg.NestedField, ct colType, ti pgTypeInfo) []any {
	dataType := ti.display
	udt := ti.name
	if ti.category == "A" {
		dataType = "ARRAY"
	}
	var prec, radix, scale, dtPrec any
	switch ct.oid {
	case pgtypes.OIDInt2:
		prec, radix, scale = 16, 2, 0
	case pgtypes.OIDInt4:
		prec, radix, scale = 32, 2, 0
	case pgtypes.OIDInt8:
		prec, radix, scale = 64, 2, 0
	case pgtypes.OIDFloat4:
		prec, radix = 24, 2
	case pgtypes.OIDFloat8:
		prec, radix = 53, 2
	case pgtypes.OIDNumeric:
		radix = 10
		if ct.typmod >= 4 {
			prec, scale = (ct.typmod-4)>>16, (ct.typmod-4)&0xffff
		}
	case pgtypes.OIDDate:
		dtPrec = 0
	case pgtypes.OIDTime, pgtypes.OIDTimestamp, pgtypes.OIDTimestamptz, pgtypes.OIDInterval:
		dtPrec = 6
	}
	var octets any
	if ct.oid == pgtypes.OIDText {
		octets = 1073741824
	}
	return rel.row(map[string]any{
		"table_catalog": databaseName, "table_schema": vt.Schema, "table_name": vt.Name,
		"column_name": f.Name, "ordinal_position": pos, "is_nullable": yesNo(!f.Required), "data_type": dataType,
		"character_maximum_length": nil, "character_octet_length": octets,
		"numeric_precision": prec, "numeric_precision_radix": radix, "numeric_scale": scale,
		"datetime_precision": dtPrec, "interval_precision": nil, "maximum_cardinality": nil,
		"udt_catalog": databaseName, "udt_schema": "pg_catalog", "udt_name": udt, "dtd_identifier": strconv.Itoa(pos),
		"is_self_referencing": "NO", "is_identity": "NO", "identity_cycle": "NO", "is_generated": "NEVER",
		"is_updatable": yesNo(vt.Writable),
	})
}
