package catalog

import "github.com/apache/iceberg-go/table"

// KeptMetadata is the parsed metadata kept for ident (no path mapping) in
// any source, nil when none is kept.
func KeptMetadata(c *Catalog, ident Ident) table.Metadata {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.sources {
		if lt, ok := c.tables[tableKey(s, ident, nil)]; ok {
			return lt.tbl.Metadata()
		}
	}
	return nil
}
