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

// ProductFunctions are lakegate's own functions as the catalog emulation
// lists them for every caller (pg_proc, psql's \df lakegate.*).
func ProductFunctions() []pgcatalog.Function {
	var args []pgcatalog.FunctionArg
	for _, a := range products.ChangesArgs {
		args = append(args, pgcatalog.FunctionArg{Name: a.Name, Type: a.Type})
	}
	return []pgcatalog.Function{{Schema: products.Schema, Name: products.ChangesName, Args: args, Defaults: 1,
		Result: "SETOF record", Doc: products.ChangesDoc}}
}
