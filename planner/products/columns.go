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

var tablesDocs = map[string]string{
	"table_schema":      "the table's schema (its Iceberg namespace)",
	"table_name":        "the table's name",
	"owner_domain":      "the domain that owns the table",
	"access":            "native (the caller's domain owns it) or external (read through the owner's rules)",
	"description":       "the table's description (Iceberg property comment)",
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
