package pgcatalog

import (
	"strconv"

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
	var out viewRowSet
	out.class = pgRelations["pg_class"].row(map[string]any{
		"oid": vt.oid, "relname": vt.Name, "relnamespace": nsp, "relowner": owner,
		"relam": int64(0), "relfilenode": int64(0), "reltuples": -1, "relpersistence": "p", "relkind": "v",
		"relnatts": len(vt.Columns), "relispopulated": true, "relreplident": "n",
		"relacl": []string{quoteIdentPG(c.caller) + "=r/" + quoteIdentPG(vt.owner)},
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
