package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/auth"
	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner/write"
	"github.com/lakegate/lakegate/policy"
)

// TableAccess records how a statement used a table, for the audit log
// (writes record theirs too: planner/write).
type TableAccess = write.TableAccess

// Decide applies the policy of store to a loaded table of cat for the
// caller who. Without a policy store every table is visible to everyone,
// external and read-only (embedded tests and single-user setups).
func Decide(ctx context.Context, cat *catalog.Catalog, store *policy.Store, who auth.Principal, t *catalog.Table) (policy.Decision, error) {
	if store == nil {
		return policy.Decision{Visible: true, Read: true, Rule: "no policy configured: all tables readable"}, nil
	}
	owner := t.Properties()["owner-domain"]
	if owner == "" {
		props, err := cat.SchemaProperties(ctx, t.Ident.Schema)
		if err != nil && !errors.Is(err, catalog.ErrNoSuchSchema) {
			return policy.Decision{}, err
		}
		owner = props["owner-domain"]
	}
	var cols []string
	for _, f := range t.Schema().Fields() {
		cols = append(cols, f.Name)
	}
	pt := policy.Table{Schema: t.Ident.Schema, Name: t.Ident.Name, Owner: owner, Columns: cols, Foreign: t.Foreign()}
	return store.Current().Decide(who, pt), nil
}

// PolicyTable describes a loaded table of cat to the policy, its owner
// from its properties or else its namespace's.
func PolicyTable(ctx context.Context, cat *catalog.Catalog, t *catalog.Table) policy.Table {
	owner := t.Properties()["owner-domain"]
	if owner == "" {
		if props, err := cat.SchemaProperties(ctx, t.Ident.Schema); err == nil {
			owner = props["owner-domain"]
		}
	}
	return policy.Table{Schema: t.Ident.Schema, Name: t.Ident.Name, Owner: owner, Foreign: t.Foreign()}
}

// accessSQL wraps a table's scan with the caller's row filter and column
// masks. Masked columns keep their type.
func accessSQL(scan string, schema *iceberg.Schema, dec policy.Decision) (string, error) {
	if dec.RowFilter == "" && len(dec.Masks) == 0 {
		return scan, nil
	}
	var proj []string
	for _, f := range schema.Fields() {
		col := sqlparse.QuoteIdent(f.Name)
		if m, ok := dec.Masks[f.Name]; ok {
			typ, err := duckType(f.Type)
			if err != nil {
				return "", err
			}
			proj = append(proj, fmt.Sprintf("CAST((%s) AS %s) AS %s", m, typ, col))
			continue
		}
		proj = append(proj, col)
	}
	sql := "SELECT " + strings.Join(proj, ", ") + " FROM (" + scan + ") AS lakegate_base"
	if dec.RowFilter != "" {
		sql += " WHERE (" + dec.RowFilter + ")"
	}
	return sql, nil
}
