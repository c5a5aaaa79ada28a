package pgcatalog

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
)

// Views: relations lakegate computes rather than reads from a table's
// files (lakegate.tables). The planner hands them over as Tables with
// View set, visible to every caller, so that \dn, \dv, \d, pgjdbc's
// getTables/getColumns and information_schema find them as Postgres
// clients find views: relkind 'v', no access method, in pg_views and
// information_schema.views, readable and never writable.

// ViewColumn is a column of a view: its name, its type as format_type
// spells it ("text", "bigint", "timestamp with time zone", "interval"...)
// and its description.
type ViewColumn struct {
	Name, Type, Doc string
}

// viewRowSet is what one view adds to the catalogs.
type viewRowSet struct {
	class, isTable, priv, pgView, isView []any
	atts, descs, isCols                  [][]any
}

// viewRows renders the catalog rows of view vt in namespace nsp owned by
// role owner, and records its descriptions and privileges in c.
func viewRows(vt visibleTable, nsp, owner int64, c *Content) viewRowSet {
	c.tablePrivs[vt.oid] = []string{"SELECT"}
	acl := []string{quoteIdentPG(c.caller) + "=r/" + quoteIdentPG(vt.owner)}
	c.members = append(c.members, ownObject{classOID: pgClassOID, oid: vt.oid, acl: acl,
		what: "view " + quoteIdentPG(vt.Schema) + "." + quoteIdentPG(vt.Name)})
	var out viewRowSet
	out.class = pgRelations["pg_class"].row(map[string]any{
		"oid": vt.oid, "relname": vt.Name, "relnamespace": nsp, "relowner": owner,
		"relam": int64(0), "relfilenode": int64(0), "reltuples": -1, "relpersistence": "p", "relkind": "v",
		"relnatts": len(vt.Columns), "relispopulated": true, "relreplident": "n",
		"relacl": acl,
	})
	out.isTable = isRelations["tables"].row(map[string]any{
		"table_catalog": databaseName, "table_schema": vt.Schema, "table_name": vt.Name,
		"table_type": "VIEW", "is_insertable_into": "NO", "is_typed": "NO"})
	out.priv = isRelations["table_privileges"].row(map[string]any{
		"grantor": vt.owner, "grantee": c.caller, "table_catalog": databaseName, "table_schema": vt.Schema,
		"table_name": vt.Name, "privilege_type": "SELECT", "is_grantable": "NO", "with_hierarchy": "YES"})
	out.pgView = pgRelations["pg_views"].row(map[string]any{
		"schemaname": vt.Schema, "viewname": vt.Name, "viewowner": vt.owner})
	out.isView = isRelations["views"].row(map[string]any{
		"table_catalog": databaseName, "table_schema": vt.Schema, "table_name": vt.Name, "check_option": "NONE",
		"is_updatable": "NO", "is_insertable_into": "NO", "is_trigger_updatable": "NO",
		"is_trigger_deletable": "NO", "is_trigger_insertable_into": "NO"})
	descRel := pgRelations["pg_description"]
	describe := func(sub int, doc string) {
		if doc == "" {
			return
		}
		out.descs = append(out.descs, descRel.row(map[string]any{"objoid": vt.oid, "classoid": int64(pgClassOID), "objsubid": sub, "description": doc}))
		c.descriptions[strconv.FormatInt(vt.oid, 10)+":"+strconv.Itoa(sub)] = doc
	}
	describe(0, vt.Doc)
	for i, col := range vt.Columns {
		ct := colType{viewTypeOID(col.Type), -1}
		ti := pgTypeByOID(ct.oid)
		out.atts = append(out.atts, attributeRow(vt.oid, col.Name, i+1, ti, -1, false))
		describe(i+1, col.Doc)
		out.isCols = append(out.isCols, isColumn(isRelations["columns"], vt, i+1, iceberg.NestedField{Name: col.Name}, ct, ti))
	}
	return out
}

// viewTypeOID is the OID of a view column's type name; text for a name
// the emulation does not know.
func viewTypeOID(name string) int64 {
	for _, ti := range pgTypes {
		if ti.display == name || ti.name == name {
			return ti.oid
		}
	}
	return pgTypeOID("text")
}

// lakegate's own objects (its schema, views and functions) are members of
// a built-in extension named lakegate, as plpgsql's functions are of
// plpgsql: its OID is below FirstNormalObjectId, so pg_dump dumps none of
// its members (selectDumpableExtension, checkExtensionMembership in
// pg_dump.c) but their ACLs, which pg_init_privs records as the
// extension's (privtype 'e'), so there is nothing to dump: a dump of the
// caller's tables restores into a database without lakegate's relations.
// psql's \dx lists it.
const (
	ownExtensionOID = 13500
	pgExtensionOID  = 3079
	pgNamespaceOID  = 2615
	pgProcOID       = 1255
	anyTypeOID      = 2276
	recordTypeOID   = 2249
)

// Function is a function of lakegate's own (lakegate.table_changes) as
// pg_proc and psql's \df list it.
type Function struct {
	Schema, Name string
	Args         []FunctionArg
	Defaults     int    // how many trailing arguments may be left out
	Result       string // as pg_get_function_result prints it ("SETOF record")
	Doc          string
}

// FunctionArg is an argument of a Function: its name and its type as
// format_type spells it ("text"; "any" for a value of several types).
type FunctionArg struct{ Name, Type string }

// ownObject is a member of the lakegate extension: its catalog and OID,
// its ACL for pg_init_privs (nil for none) and what pg_describe_object
// calls it ("view lakegate.tables"), as psql's \dx+ lists members.
type ownObject struct {
	classOID, oid int64
	acl           []string
	what          string
}

// ExtensionDoc describes the lakegate extension (psql's \dx).
const ExtensionDoc = "lakegate's own schema, relations and functions: lakegate.tables, lakegate.table_changes"

// functionRows renders fn's pg_proc row in namespace nsp and records what
// pg_get_function_result and pg_get_function_arguments print for it.
func functionRows(fn Function, nsp int64, c *Content) (proc, desc []any) {
	oid := catalogOID("p", fn.Schema+"."+fn.Name)
	var types []int64
	var names, args, identity, argTypes []string
	for i, a := range fn.Args {
		t := anyTypeOID
		if a.Type != "any" {
			t = int(pgTypeOID(a.Type))
		}
		types, names = append(types, int64(t)), append(names, a.Name)
		spelled := a.Name + " " + quoteIdentPG(a.Type)
		identity, argTypes = append(identity, spelled), append(argTypes, quoteIdentPG(a.Type))
		if i >= len(fn.Args)-fn.Defaults {
			spelled += " DEFAULT NULL"
		}
		args = append(args, spelled)
	}
	key := strconv.FormatInt(oid, 10)
	c.funcResults[key] = fn.Result
	c.funcArgs[key] = strings.Join(args, ", ")
	c.funcIdentArgs[key] = strings.Join(identity, ", ")
	proc = pgRelations["pg_proc"].row(map[string]any{
		"oid": oid, "proname": fn.Name, "pronamespace": nsp, "proowner": int64(systemRoleOID),
		"prolang": int64(12), "procost": 1, "prorows": 1000, "prokind": "f", "proisstrict": false,
		"proretset": true, "provolatile": "s", "proparallel": "u", "pronargs": len(fn.Args),
		"pronargdefaults": fn.Defaults, "prorettype": int64(recordTypeOID), "proargtypes": types,
		"proargnames": names, "prosrc": fn.Name,
	})
	c.members = append(c.members, ownObject{classOID: pgProcOID, oid: oid,
		what: "function " + quoteIdentPG(fn.Schema) + "." + quoteIdentPG(fn.Name) + "(" + strings.Join(argTypes, ",") + ")"})
	if fn.Doc != "" {
		desc = pgRelations["pg_description"].row(map[string]any{"objoid": oid, "classoid": int64(pgProcOID), "objsubid": 0, "description": fn.Doc})
		c.descriptions[key+":0"] = fn.Doc
	}
	return proc, desc
}

// insertLanguages renders pg_language: internal (12), the language of
// every function pg_proc lists, built-in or lakegate's own (psql's \df+
// shows it).
func insertLanguages(w rowWriter) {
	w.insert(pgSchema, "pg_language", "", [][]any{pgRelations["pg_language"].row(map[string]any{
		"oid": int64(12), "lanname": "internal", "lanowner": int64(systemRoleOID), "lanispl": false,
		"lanpltrusted": false, "lanplcallfoid": int64(0), "laninline": int64(0), "lanvalidator": int64(2246)})})
}

// extensionRows renders the lakegate extension and its members' pg_depend
// and pg_init_privs rows, records what pg_describe_object says of each
// member, and returns the extension's pg_description row.
func extensionRows(w sqlRows, members []ownObject, c *Content) (desc []any) {
	w.insert(pgSchema, "pg_extension", "", [][]any{pgRelations["pg_extension"].row(map[string]any{
		"oid": int64(ownExtensionOID), "extname": databaseName, "extowner": int64(systemRoleOID),
		"extnamespace": int64(pgCatalogNspOID), "extrelocatable": false, "extversion": "1.0"})})
	var deps, privs [][]any
	for _, m := range members {
		c.objectNames[strconv.FormatInt(m.classOID, 10)+":"+strconv.FormatInt(m.oid, 10)] = m.what
		deps = append(deps, pgRelations["pg_depend"].row(map[string]any{
			"classid": m.classOID, "objid": m.oid, "objsubid": 0, "refclassid": int64(pgExtensionOID),
			"refobjid": int64(ownExtensionOID), "refobjsubid": 0, "deptype": "e"}))
		if m.acl != nil {
			privs = append(privs, pgRelations["pg_init_privs"].row(map[string]any{
				"objoid": m.oid, "classoid": m.classOID, "objsubid": 0, "privtype": "e", "initprivs": m.acl}))
		}
	}
	w.insert(pgSchema, "pg_depend", "", deps)
	w.insert(pgSchema, "pg_init_privs", "", privs)
	c.descriptions[strconv.Itoa(ownExtensionOID)+":0"] = ExtensionDoc
	return pgRelations["pg_description"].row(map[string]any{"objoid": int64(ownExtensionOID), "classoid": int64(pgExtensionOID),
		"objsubid": 0, "description": ExtensionDoc})
}

// insertFunctions renders the pg_proc rows of lakegate's own functions
// (in the namespaces nsp names) and returns their pg_description rows.
func insertFunctions(w sqlRows, funcs []Function, nsp map[string]int64, c *Content) (descs [][]any) {
	var procs [][]any
	for _, fn := range funcs {
		proc, desc := functionRows(fn, nsp[fn.Schema], c)
		procs = append(procs, proc)
		if desc != nil {
			descs = append(descs, desc)
		}
	}
	w.insert(pgSchema, "pg_proc", fmt.Sprintf("oid >= %d", firstNormalOID), procs)
	return descs
}
