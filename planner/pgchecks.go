package planner

import (
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/planner/pgcatalog"
)

// postgresChecks finds, in the text that runs, what makes a statement
// answer as Postgres does where the engine would not: arrays appended to
// and concatenated (pgcatalog.ArrayAppends, ArrayConcats), jsonb's || (pgcatalog.JSONBConcats),
// float4 beside another number (pgcatalog.FloatMixes), the result columns numeric by Postgres' rules
// (Plan.Numeric), the divisions inside expressions and the float checks
// of +, - and || (Plan.Nested); then it takes out the float checks no
// float can reach, where the types of everything read are known
// (floatfree.go, plainops.go). sql is the statement as planned, before
// time travel's edits.
//
// It is the one place a read gets them, whatever was rewritten before:
// each is found in the tree of the very text it edits, plan.Tree for sql
// (with its unqualified catalog relations rewritten, which moves every
// offset after them: the tree of the text as written would misplace the
// edits, whose wrapped text then no longer matches it and loses its
// float checks), or plan.SQL parsed again where time travel replaced AT
// clauses by views (every float check stays there).
func postgresChecks(env tree.Engine, plan *Plan, sql string, unknownTypes bool) error {
	root, travelled := plan.Tree, plan.SQL != sql
	if travelled {
		// The edits go to the text that runs; Text, Root and Tree stay
		// the statement's before time travel (its columns' names).
		nodes, err := Parse(env, plan.SQL)
		if err != nil {
			return err
		}
		sql, root = plan.SQL, nodes[0]
	}
	for _, edits := range []func(tree.QueryNode, string) string{pgcatalog.ArrayAppends, pgcatalog.ArrayConcats, pgcatalog.JSONBConcats, pgcatalog.FloatMixes} {
		if edited := edits(root, sql); edited != sql {
			if nodes, err := Parse(env, edited); err == nil {
				sql, root = edited, nodes[0]
				plan.SQL = sql
				if !travelled {
					plan.Text, plan.Root, plan.Tree = sql, root, root
				}
			}
		}
	}
	plan.Numeric = pgcatalog.NumericItems(root, sql)
	plan.Nested = pgcatalog.NestedDivisions(root, sql)
	if unknownTypes || travelled {
		return nil
	}
	if schemas := tableSchemas(plan.Tables); floatFree(root, schemas) {
		withoutFloatChecks(env, plan)
	} else {
		knownNoFloats(env, plan, schemas)
	}
	return nil
}
