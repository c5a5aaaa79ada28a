package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Config describes one Iceberg catalog that lakegate serves.
//
// The zero value is not usable on its own; fill at least URI (or use
// Embedded, which builds the default SQLite configuration for a data dir).
type Config struct {
	// Name is the catalog's name inside the Iceberg SQL catalog tables
	// (iceberg_tables.catalog_name) or a label for a REST catalog.
	// Default "lakegate".
	Name string `json:"name"`
	// Type is "sql" (default) or "rest".
	Type string `json:"type"`
	// URI locates the catalog. For type sql: "sqlite:///abs/path/catalog.db"
	// or a PostgreSQL URL "postgres://user:pass@host:5432/db?sslmode=...".
	// For type rest: the REST endpoint, "https://host/api/catalog".
	URI string `json:"uri"`
	// Warehouse is the root location for new tables, e.g.
	// "file:///var/lib/lakegate/warehouse".
	Warehouse string `json:"warehouse"`
	// Properties are passed to iceberg-go unchanged (credentials, REST
	// prefixes, IO settings).
	Properties map[string]string `json:"properties,omitempty"`
	// Foreign marks a catalog the gateway does not own: its tables are
	// external to every caller, whatever their owner property says.
	Foreign bool `json:"foreign,omitempty"`
	// VendedCredentials, for a REST catalog: ask it for storage
	// credentials with each table (X-Iceberg-Access-Delegation:
	// vended-credentials), used for that table's files instead of the
	// configured keys. Default true; false sends no such request.
	VendedCredentials *bool `json:"vended_credentials,omitempty"`
}

// vended reports whether a REST catalog is asked for vended credentials.
func (c Config) vended() bool { return c.VendedCredentials == nil || *c.VendedCredentials }

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	switch c.kind() {
	case "sql":
		if _, _, err := c.sqlDriver(); err != nil {
			return err
		}
	case "rest":
		if !strings.HasPrefix(c.URI, "http://") && !strings.HasPrefix(c.URI, "https://") {
			return fmt.Errorf("catalog %s: rest uri must be http(s)://, got %q", c.name(), c.URI)
		}
	default:
		return fmt.Errorf("catalog %s: unknown type %q (want sql or rest)", c.name(), c.Type)
	}
	return nil
}

func (c Config) name() string {
	if c.Name == "" {
		return "lakegate"
	}
	return c.Name
}

func (c Config) kind() string {
	if c.Type == "" {
		return "sql"
	}
	return c.Type
}

// sqlDriver returns the database/sql driver name and DSN for a sql catalog.
func (c Config) sqlDriver() (driver, dsn string, err error) {
	switch {
	case strings.HasPrefix(c.URI, "sqlite://"):
		path := strings.TrimPrefix(c.URI, "sqlite://")
		if path == "" {
			return "", "", errors.New("catalog: sqlite uri has no path")
		}
		return "sqlite", path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)", nil
	case strings.HasPrefix(c.URI, "postgres://"), strings.HasPrefix(c.URI, "postgresql://"):
		return "pgx", c.URI, nil
	default:
		return "", "", fmt.Errorf("catalog %s: sql uri must start with sqlite:// or postgres://, got %q", c.name(), c.URI)
	}
}
