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

// decide applies the policy to a loaded table for the session's caller.
// Without a policy store every table is visible to everyone, external and
// read-only (embedded tests and single-user setups).
func (s *Session) decide(ctx context.Context, t *catalog.Table) (policy.Decision, error) {
	if s.p.cfg.Policy == nil {
		return policy.Decision{Visible: true, Read: true, Rule: "no policy configured: all tables readable"}, nil
	}
	owner := t.Properties()["owner-domain"]
	if owner == "" {
		props, err := s.p.cat.SchemaProperties(ctx, t.Ident.Schema)
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
	return s.p.cfg.Policy.Current().Decide(s.principal, pt), nil
}

func (s *Session) policyTable(ctx context.Context, t *catalog.Table) policy.Table {
	owner := t.Properties()["owner-domain"]
	if owner == "" {
		if props, err := s.p.cat.SchemaProperties(ctx, t.Ident.Schema); err == nil {
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

// prepareWrite answers a data-changing statement met where only a query
// can run (EXPLAIN, a WITH clause the query planner was handed): the
// access error if the caller may not write its target (42501; a hidden
// table is missing, 42P01), else ErrNotSupported. Data-changing statements
// themselves are planned by prepareWriteStmt (writes.go).
func (s *Session) prepareWrite(ctx context.Context, sql string) error {
	if err := s.writeAccess(ctx, sql); err != nil {
		return err
	}
	return fmt.Errorf("%w: %s here: data-changing statements run on their own, not inside EXPLAIN or a query", ErrNotSupported, firstWord(sql))
}

func firstWord(sql string) string {
	if t := leadingKeywords(sql, 1); len(t) > 0 {
		return t[0]
	}
	return ""
}

// Principal is the caller the session runs for.
func (s *Session) Principal() auth.Principal { return s.principal }
