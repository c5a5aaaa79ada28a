package catalog

// KeptLocation is the metadata location of the parsed table kept for
// ident and paths in any source, "" when none is kept.
func KeptLocation(c *Catalog, ident Ident, paths PathMap) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.sources {
		if lt, ok := c.tables[tableKey(s, ident, paths)]; ok {
			return lt.loc
		}
	}
	return ""
}
