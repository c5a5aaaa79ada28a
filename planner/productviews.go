package planner

import (
	"github.com/lakegate/lakegate/planner/pgcatalog"
	"github.com/lakegate/lakegate/planner/products"
)

// ProductViews are lakegate's own relations as the catalog emulation
// lists them for every caller (\dn, \dv, \d lakegate.tables, pgjdbc's
// getTables/getColumns, information_schema): views owned by the
// database, whose rows are what the caller may see.
func ProductViews() []pgcatalog.Table {
	var cols []pgcatalog.ViewColumn
	for _, c := range products.TablesColumns() {
		cols = append(cols, pgcatalog.ViewColumn{Name: c.Name, Type: c.Type, Doc: c.Doc})
	}
	return []pgcatalog.Table{{Schema: products.Schema, Name: products.TablesName, Doc: products.TablesDoc, View: true, Columns: cols}}
}
