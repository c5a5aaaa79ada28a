package products

// Column is a column of one of lakegate's relations as the Postgres
// catalogs describe it: its name, its type as format_type spells it,
// and its description.
type Column struct {
	Name, Type, Doc string
}

// TablesDoc describes lakegate.tables.
const TablesDoc = "Every table the caller may read, as a data product: owner, access, description, snapshot, last commit, size, freshness"

// pgTypeNames are the Postgres names of the engine types lakegate's
// relations use.
var pgTypeNames = map[string]string{
	"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "TIMESTAMPTZ": "timestamp with time zone",
	"INTERVAL": "interval", "BOOLEAN": "boolean",
}

// tablesDocs are the columns' descriptions, which every caller reads in
// pg_description: they name no storage internals (the red team's leak
// check flags "iceberg", file names and paths in any answer).
var tablesDocs = map[string]string{
	"table_schema":      "the table's schema (its namespace in the catalog)",
	"table_name":        "the table's name",
	"owner_domain":      "the domain that owns the table",
	"access":            "native (the caller's domain owns it) or external (read through the owner's rules)",
	"description":       "the table's description (its table property comment)",
	"snapshot_id":       "the current snapshot",
	"last_commit_at":    "when the current snapshot was committed",
	"last_committed_by": "who committed the current snapshot through lakegate",
	"total_rows":        "rows in the current snapshot (NULL under a row filter)",
	"total_bytes":       "bytes of data files in the current snapshot (NULL under a row filter)",
	"freshness_slo":     "the table property " + FreshnessProperty,
	"freshness_met":     "whether the last commit is within the freshness SLO",
}

// TablesColumns are lakegate.tables' columns, for the catalogs.
func TablesColumns() []Column {
	out := make([]Column, len(tablesColumns))
	for i, c := range tablesColumns {
		out[i] = Column{Name: c.name, Type: pgTypeNames[c.typ], Doc: tablesDocs[c.name]}
	}
	return out
}

// ChangesDoc describes lakegate.table_changes.
const ChangesDoc = "The rows of a table that changed between two snapshots (FROM exclusive; TO the current one when left out), " +
	"with _change_type, _change_version_id, _change_timestamp and _change_ordinal"

// ChangesArgs are lakegate.table_changes' arguments as the catalogs
// list them: the table's name, and the bounds (snapshot ids or
// timestamps, hence "any"); the last may be left out.
var ChangesArgs = []Column{{Name: "table_name", Type: "text"}, {Name: "from_version", Type: "any"}, {Name: "to_version", Type: "any"}}
