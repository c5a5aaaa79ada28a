// Package tree owns the typed model of a query's parse tree as the engine
// (DuckDB v1.4/1.5) serializes it with json_serialize_sql: statements
// (Statement), query nodes (SelectNode, SetOperationNode,
// RecursiveCTENode, CTENode) with their CTE maps and modifiers (ORDER BY,
// LIMIT, DISTINCT ON), table references (BaseTable, Join, SubqueryRef,
// TableFunction, ExpressionList, EmptyRef, Pivot) and expressions, one Go
// type per expression class (ColumnRef, Constant, Function, Cast,
// Operator, Comparison, Conjunction, Case, Subquery, Star, Window,
// Between, Parameter, Lambda, Collate, PositionalReference, Default).
//
// Flow: Parse (SQL -> json_serialize_sql through an Engine -> typed tree;
// a statement the engine rejects is a *ParseError), Inspect (visit every
// query node, table reference and expression, subqueries, CTEs, set
// operations, join conditions, window clauses, filters and CASE arms
// included), Rewrite (replace nodes bottom up), Render (typed tree ->
// json_deserialize_sql -> SQL text). Every node keeps the fields the model
// does not name (Extra reads one) and writes them back, so Unmarshal then
// Marshal gives the engine its own tree: Render(Parse(sql)) is what the
// engine renders from its untyped JSON (TestRoundTrip, over the client,
// planner and TPC-H corpus). A node of a kind the model lacks
// (OtherExpr, OtherTableRef, OtherQueryNode) round-trips unchanged. The
// nodes inside such a node, or inside a field the model does not name,
// are decoded as well: Inspect visits them (the planner's analyzer must
// see every table a statement reads), though what Rewrite changes there
// is not written back.
//
// Must never: import anything of lakegate (it reaches the engine only
// through the Engine interface, which internal/engine's Conn satisfies),
// decide what a tree means (tables, policy, Postgres semantics belong to
// the rooms above), or execute SQL other than the two engine functions.
package tree
