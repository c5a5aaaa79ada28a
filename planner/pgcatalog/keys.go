package pgcatalog

import (
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

// Primary keys: a table whose Iceberg identifier fields are set (PRIMARY
// KEY in CREATE TABLE, or another engine's identifier-field-ids) shows
// them as PostgreSQL 15 shows a primary key: a pg_constraint row
// (contype 'p', conkey), the unique btree index that backs it (pg_index,
// a pg_class row of relkind 'i' with its attributes, pg_indexes),
// information_schema.table_constraints, key_column_usage and
// constraint_column_usage, and pg_get_indexdef / pg_get_constraintdef
// texts. psql's \d prints it under Indexes:, pgjdbc's getPrimaryKeys and
// SQLAlchemy's get_pk_constraint find it, pg_dump writes ADD CONSTRAINT
// ... PRIMARY KEY. lakegate does not enforce it on writes from other
// engines (README); the catalogs say what the table declares.

// btreeOpclass is the default btree operator class of a key column's
// type (pg_opclass), for pg_index.indclass.
var btreeOpclass = map[int64]int64{
	pgtypes.OIDBool: 424, pgtypes.OIDInt4: 1978, pgtypes.OIDInt8: 3124, pgtypes.OIDFloat4: 1970,
	pgtypes.OIDFloat8: 1971, pgtypes.OIDNumeric: 3125, pgtypes.OIDText: 3126, pgtypes.OIDDate: 3122,
	pgtypes.OIDTime: 1996, pgtypes.OIDTimestamp: 3128, pgtypes.OIDTimestamptz: 3127, pgtypes.OIDUUID: 2968,
	pgtypes.OIDBytea: 428,
}

// keyRowSet is what a table's primary key adds to the catalogs.
type keyRowSet struct {
	class, index, constraint, pgIndex, isConstraint []any
	atts, isKeyCols, isColUsage                     [][]any
}

// keyRows renders the rows of vt's primary key (nil when it has none)
// in namespace nsp, owned by role owner, and records in c what
// pg_get_indexdef (whole, and column by column) and pg_get_constraintdef
// print for it.
func keyRows(vt visibleTable, nsp, owner int64, c *Content) *keyRowSet {
	if len(vt.Key) == 0 {
		return nil
	}
	name := vt.KeyName
	idxOID := catalogOID("i", vt.Schema+"."+name)
	conOID := catalogOID("c", vt.Schema+"."+name)
	var nums, collations, classes, options []int64
	var fields []iceberg.NestedField
	for _, col := range vt.Key {
		i := slices.IndexFunc(vt.Fields, func(f iceberg.NestedField) bool { return f.Name == col })
		if i < 0 {
			return nil // a nested identifier field: no column of the table
		}
		f := vt.Fields[i]
		ct := pgColumnType(f.Type)
		ti := pgTypeByOID(ct.oid)
		nums, fields = append(nums, int64(i+1)), append(fields, f)
		collations, classes, options = append(collations, ti.collation), append(classes, btreeOpclass[ct.oid]), append(options, 0)
	}
	out := &keyRowSet{}
	out.class = pgRelations["pg_class"].row(map[string]any{
		"oid": idxOID, "relname": name, "relnamespace": nsp, "relowner": owner, "relam": int64(403),
		"relfilenode": idxOID, "reltuples": -1, "relpersistence": "p", "relkind": "i", "relnatts": len(nums),
		"relispopulated": true, "relreplident": "n",
	})
	for k, f := range fields {
		ct := pgColumnType(f.Type)
		out.atts = append(out.atts, attributeRow(idxOID, f.Name, k+1, pgTypeByOID(ct.oid), ct.typmod, false))
	}
	out.index = pgRelations["pg_index"].row(map[string]any{
		"indexrelid": idxOID, "indrelid": vt.oid, "indnatts": len(nums), "indnkeyatts": len(nums),
		"indisunique": true, "indisprimary": true, "indimmediate": true, "indisvalid": true, "indisready": true,
		"indislive": true, "indkey": nums, "indcollation": collations, "indclass": classes, "indoption": options,
	})
	out.constraint = pgRelations["pg_constraint"].row(map[string]any{
		"oid": conOID, "conname": name, "connamespace": nsp, "contype": "p", "convalidated": true,
		"conrelid": vt.oid, "conindid": idxOID, "confupdtype": " ", "confdeltype": " ", "confmatchtype": " ",
		"conislocal": true, "connoinherit": true, "conkey": nums,
	})
	cols := make([]string, len(vt.Key))
	idx := strconv.FormatInt(idxOID, 10)
	for i, col := range vt.Key {
		cols[i] = quoteIdentPG(col)
		c.indexDefs[idx+":"+strconv.Itoa(i+1)] = cols[i]
	}
	def := "CREATE UNIQUE INDEX " + quoteIdentPG(name) + " ON " + quoteIdentPG(vt.Schema) + "." + quoteIdentPG(vt.Name) +
		" USING btree (" + strings.Join(cols, ", ") + ")"
	c.indexDefs[idx+":0"] = def
	c.constraintDefs[strconv.FormatInt(conOID, 10)] = "PRIMARY KEY (" + strings.Join(cols, ", ") + ")"
	out.pgIndex = pgRelations["pg_indexes"].row(map[string]any{
		"schemaname": vt.Schema, "tablename": vt.Name, "indexname": name, "indexdef": def})
	out.isConstraint = isRelations["table_constraints"].row(map[string]any{
		"constraint_catalog": databaseName, "constraint_schema": vt.Schema, "constraint_name": name,
		"table_catalog": databaseName, "table_schema": vt.Schema, "table_name": vt.Name,
		"constraint_type": "PRIMARY KEY", "is_deferrable": "NO", "initially_deferred": "NO", "enforced": "YES"})
	for k, col := range vt.Key {
		out.isKeyCols = append(out.isKeyCols, isRelations["key_column_usage"].row(map[string]any{
			"constraint_catalog": databaseName, "constraint_schema": vt.Schema, "constraint_name": name,
			"table_catalog": databaseName, "table_schema": vt.Schema, "table_name": vt.Name,
			"column_name": col, "ordinal_position": k + 1}))
		out.isColUsage = append(out.isColUsage, isRelations["constraint_column_usage"].row(map[string]any{
			"table_catalog": databaseName, "table_schema": vt.Schema, "table_name": vt.Name, "column_name": col,
			"constraint_catalog": databaseName, "constraint_schema": vt.Schema, "constraint_name": name}))
	}
	return out
}

// insertKeys renders the rows of keys but their pg_class and
// pg_attribute rows, which go with the tables'.
func insertKeys(w sqlRows, keys []*keyRowSet) {
	var indexes, constraints, pgIndexes, isConstraints, isKeyCols, isColUsage [][]any
	for _, k := range keys {
		indexes, constraints, pgIndexes = append(indexes, k.index), append(constraints, k.constraint), append(pgIndexes, k.pgIndex)
		isConstraints = append(isConstraints, k.isConstraint)
		isKeyCols, isColUsage = append(isKeyCols, k.isKeyCols...), append(isColUsage, k.isColUsage...)
	}
	w.insert(pgSchema, "pg_index", "", indexes)
	w.insert(pgSchema, "pg_constraint", "", constraints)
	w.insert(pgSchema, "pg_indexes", "", pgIndexes)
	w.insert(isSchema, "table_constraints", "", isConstraints)
	w.insert(isSchema, "key_column_usage", "", isKeyCols)
	w.insert(isSchema, "constraint_column_usage", "", isColUsage)
}
