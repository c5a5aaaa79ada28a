package catalog

// SingleSchema reports whether the table has only ever had one schema (no
// column was ever added, dropped, renamed or retyped). Every data file a
// conforming writer added was then written with the current column names
// and types, so a reader may resolve its columns by name instead of by
// field id.
func (t *Table) SingleSchema() bool {
	return len(t.tbl.Metadata().Schemas()) == 1
}
