package pgcatalog

import (
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// A jsonb value reaches a result column through a set operation, a scalar
// subquery, coalesce or CASE: Postgres resolves the branches' common type,
// jsonb where each branch is jsonb, NULL or an untyped string constant
// (which it reads as jsonb, normalized). The engine has one JSON type, so
// the column is labelled jsonb (and written normalized, internal/pgtypes)
// where the branches say so; array_agg of a jsonb is jsonb[]. A branch of
// another type beside a jsonb one fails in Postgres (42804: types jsonb
// and text cannot be matched); the engine would answer, so such a
// statement is refused (0A000), and so is a string constant that jsonb
// would write otherwise (a key order, spacing or number it normalizes):
// its text could reach the client as written through ->> or a function.

// JSONBBranchesRefused says why a statement mixing jsonb fails.
const JSONBBranchesRefused = "a set operation, CASE or coalesce of jsonb and a value of another type " +
	"(or a string constant not written as jsonb writes it) is not supported: cast every branch to jsonb"

// JSONElementsAlias says why a statement naming the alias of
// json_array_elements alone and its column too fails.
const JSONElementsAlias = "json(b)_array_elements(_text) in FROM with an alias e read both as e alone and as value, " +
	"e.value or * is not supported: read the column one way (e alone, or value and e.value)"

// jsonbKind is what a branch gives a common type: Postgres' type
// resolution of jsonb and the constants that may become one.
type jsonbKind uint8

const (
	jsonbNull      jsonbKind = iota // NULL: takes any type
	jsonbLiteral                    // a string constant jsonb writes as it is
	jsonbOtherText                  // a string constant jsonb writes otherwise (or not JSON)
	jsonbNot                        // another type
	jsonbYes                        // jsonb
	jsonbMixed                      // jsonb and another type: an error in Postgres
	jsonbArrayYes                   // jsonb[]
)

// combineJSONB is the kind of a common type of branches of kinds a and b.
func combineJSONB(a, b jsonbKind) jsonbKind {
	switch {
	case a == jsonbMixed || b == jsonbMixed:
		return jsonbMixed
	case a == jsonbArrayYes || b == jsonbArrayYes:
		if a == b || a == jsonbNull || b == jsonbNull {
			return jsonbArrayYes
		}
		return jsonbMixed
	case a == jsonbYes || b == jsonbYes:
		other := a
		if a == jsonbYes {
			other = b
		}
		if other == jsonbNot || other == jsonbOtherText {
			return jsonbMixed
		}
		return jsonbYes
	}
	return max(a, b)
}

// jsonbExprKind is the kind of e's value; from are the jsonb columns in
// scope.
func jsonbExprKind(e tree.Expr, from *jsonbFrom) jsonbKind {
	if branches, ok := CaseBranches(e); ok {
		return jsonbBranchKind(branches, from)
	}
	if s, ok := e.(*tree.Subquery); ok && s.SubqueryType == "SCALAR" && s.Subquery != nil {
		if kinds := queryJSONBKinds(s.Subquery.Node, from); len(kinds) == 1 {
			return kinds[0]
		}
		return jsonbNot
	}
	if isJSONB(e, from) {
		return jsonbYes
	}
	if isJSONBArray(e, from) {
		return jsonbArrayYes
	}
	if isNullConstant(e) {
		return jsonbNull
	}
	if c, ok := e.(*tree.Constant); ok && c.Value.Type.ID == "VARCHAR" {
		if v, ok := c.Value.Any().(string); ok {
			if t, err := pgtypes.JSONBText(v); err == nil && t == v {
				return jsonbLiteral
			}
		}
		return jsonbOtherText
	}
	return jsonbNot
}

// jsonbBranchKind is the kind of the common type of a CASE's or
// coalesce's branches.
func jsonbBranchKind(branches []tree.Expr, from *jsonbFrom) jsonbKind {
	k := jsonbNull
	for _, b := range branches {
		k = combineJSONB(k, jsonbExprKind(b, from))
	}
	return k
}

// queryJSONBKinds gives the kind of each result column of q (a SELECT or
// a set operation of them; outer is the scope q is a subquery of), nil
// where they cannot be counted (a * over other relations).
func queryJSONBKinds(q tree.QueryNode, outer *jsonbFrom) []jsonbKind {
	switch q := q.(type) {
	case *tree.SetOperationNode:
		l, r := queryJSONBKinds(withCTEs(q.Left, q.CTEMap.Map), outer), queryJSONBKinds(withCTEs(q.Right, q.CTEMap.Map), outer)
		if l == nil || len(l) != len(r) {
			return nil
		}
		out := make([]jsonbKind, len(l))
		for i := range l {
			out[i] = combineJSONB(l[i], r[i])
		}
		return out
	case *tree.SelectNode:
		local := jsonbFromColumns(q)
		from := outer
		if local != nil {
			local.outer, from = outer, local
		}
		list := selectItems(q)
		if plainStar(list) && local != nil && local.star != nil {
			out := make([]jsonbKind, len(local.star))
			for i, oid := range local.star {
				out[i] = jsonbNot
				if oid == pgtypes.OIDJSONB {
					out[i] = jsonbYes
				}
			}
			return out
		}
		if plainStar(list) {
			return starJSONBKinds(q, outer)
		}
		out := make([]jsonbKind, len(list))
		for i, e := range list {
			if _, ok := e.(*tree.Star); ok {
				return nil
			}
			out[i] = jsonbExprKind(e, from)
		}
		return out
	}
	return nil
}

// withCTEs is q as if it defined ctes too (the CTEs of the set operation
// q is a branch of): a copy, where there are any.
func withCTEs(q tree.QueryNode, ctes []*tree.CTEEntry) tree.QueryNode {
	if len(ctes) == 0 {
		return q
	}
	switch n := q.(type) {
	case *tree.SelectNode:
		c := *n
		c.CTEMap.Map = append(slices.Clone(n.CTEMap.Map), ctes...)
		return &c
	case *tree.SetOperationNode:
		c := *n
		c.CTEMap.Map = append(slices.Clone(n.CTEMap.Map), ctes...)
		return &c
	}
	return q
}

// starJSONBKinds are the kinds of SELECT * of one subquery or CTE, nil
// for another FROM.
func starJSONBKinds(sel *tree.SelectNode, outer *jsonbFrom) []jsonbKind {
	switch r := sel.FromTable.(type) {
	case *tree.SubqueryRef:
		if r.Subquery != nil {
			return queryJSONBKinds(r.Subquery.Node, outer)
		}
	case *tree.BaseTable:
		if r.SchemaName != "" || r.CatalogName != "" {
			return nil
		}
		for _, c := range sel.CTEMap.Map {
			if c.Value != nil && c.Value.Query != nil && strings.EqualFold(c.Key, r.TableName) {
				return queryJSONBKinds(c.Value.Query.Node, nil)
			}
		}
	}
	return nil
}

// starColumnNames are the names of SELECT *'s jsonb columns where its
// FROM is one jsonb table function, subquery or CTE ("" for the others).
func starColumnNames(sel *tree.SelectNode) []string {
	renamed := func(names, aliases []string) []string {
		for i := range names {
			if i < len(aliases) && names[i] != "" {
				names[i] = aliases[i]
			}
		}
		return names
	}
	switch r := sel.FromTable.(type) {
	case *tree.TableFunction:
		if f := jsonbFromColumns(sel); f != nil {
			return f.starNames
		}
	case *tree.SubqueryRef:
		if r.Subquery != nil {
			return renamed(jsonbQueryColumns(r.Subquery.Node), r.ColumnNameAlias)
		}
	case *tree.BaseTable:
		for _, c := range sel.CTEMap.Map {
			if r.SchemaName == "" && r.CatalogName == "" && c.Value != nil && c.Value.Query != nil && strings.EqualFold(c.Key, r.TableName) {
				aliases := c.Value.Aliases
				if len(r.ColumnNameAlias) > 0 {
					aliases = r.ColumnNameAlias
				}
				return renamed(jsonbQueryColumns(c.Value.Query.Node), aliases)
			}
		}
	}
	return nil
}

// selectItems are a SELECT's result expressions: a VALUES' first row
// types the columns of SELECT * FROM (VALUES ...).
func selectItems(sel *tree.SelectNode) []tree.Expr {
	list := sel.SelectList
	if vals, ok := sel.FromTable.(*tree.ExpressionList); ok && len(vals.Values) > 0 && plainStar(list) {
		list = vals.Values[0]
	}
	return list
}

// plainStar reports a select list of one unqualified, unmodified *.
func plainStar(list []tree.Expr) bool {
	if len(list) != 1 {
		return false
	}
	st, ok := list[0].(*tree.Star)
	return ok && st.Expr == nil && !st.Columns && st.RelationName == "" && len(st.ExcludeList) == 0 &&
		len(st.ReplaceList) == 0 && len(st.RenameList) == 0
}

// queryColumnName is the name Postgres gives result column e where it
// reads the column's name from an alias or a column ("?" otherwise).
func queryColumnName(e tree.Expr) string {
	if a := e.Head().Alias; a != "" {
		return a
	}
	if c, ok := e.(*tree.ColumnRef); ok && len(c.ColumnNames) > 0 {
		return c.ColumnNames[len(c.ColumnNames)-1]
	}
	return "?"
}

// leftmostSelect is the SELECT that names a set operation's columns.
func leftmostSelect(q tree.QueryNode) *tree.SelectNode {
	for {
		switch n := q.(type) {
		case *tree.SetOperationNode:
			q = n.Left
		case *tree.SelectNode:
			return n
		default:
			return nil
		}
	}
}

// isJSONBArray reports a jsonb[] value: array_agg of a jsonb, ARRAY[...]
// of jsonb values, a jsonb[] column of a subquery or CTE.
func isJSONBArray(e tree.Expr, from *jsonbFrom) bool {
	switch e := e.(type) {
	case *tree.Function:
		return e.Schema == "" && strings.EqualFold(e.FunctionName, "array_agg") && len(e.Children) == 1 &&
			jsonbExprKind(e.Children[0], from) == jsonbYes
	case *tree.Window:
		return e.Schema == "" && strings.EqualFold(e.FunctionName, "array_agg") && len(e.Children) == 1 &&
			jsonbExprKind(e.Children[0], from) == jsonbYes
	case *tree.Operator:
		return e.Type == "ARRAY_CONSTRUCTOR" && len(e.Children) > 0 && jsonbBranchKind(e.Children, from) == jsonbYes
	case *tree.ColumnRef:
		return from.arrayColumn(e)
	}
	return false
}

// jsonbOID is the type OID a column of kind k is labelled (0: the
// engine's).
func jsonbOID(k jsonbKind) uint32 {
	switch k {
	case jsonbYes:
		return pgtypes.OIDJSONB
	case jsonbArrayYes:
		return pgtypes.OIDJSONBArray
	}
	return 0
}

// starJSONB gives the jsonb result columns of SELECT * of a subquery or
// CTE (OIDJSONB, 0 for others), nil where it cannot count them.
func starJSONB(sel *tree.SelectNode) []uint32 {
	kinds := starJSONBKinds(sel, nil)
	if kinds == nil {
		return nil
	}
	out := make([]uint32, len(kinds))
	for i, k := range kinds {
		out[i] = jsonbOID(k)
	}
	return out
}

// setOperationJSONB gives the jsonb result columns of a set operation
// (OIDJSONB, 0 for others), nil where none is or they cannot be counted.
func setOperationJSONB(q *tree.SetOperationNode) []uint32 {
	kinds := queryJSONBKinds(q, nil)
	out := make([]uint32, len(kinds))
	some := false
	for i, k := range kinds {
		out[i] = jsonbOID(k)
		some = some || out[i] != 0
	}
	if !some {
		return nil
	}
	return out
}

// JSONRefused says why root fails where Postgres' answer of its jsonb
// values or json table functions cannot be given ("" where it runs):
// jsonb mixed with another type in a set operation, CASE or coalesce
// (JSONBBranchesRefused), or the alias of json_array_elements read both
// alone and as its column (JSONElementsAlias).
func JSONRefused(root tree.Node) string {
	why := ""
	tree.Inspect(root, func(n tree.Node) bool {
		switch q := n.(type) {
		case *tree.SetOperationNode:
			for _, k := range queryJSONBKinds(q, nil) {
				if k == jsonbMixed {
					why = JSONBBranchesRefused
				}
			}
		case *tree.SelectNode:
			from := jsonbFromColumns(q)
			for _, e := range q.SelectList {
				if branchesMixed(e, from) {
					why = JSONBBranchesRefused
				}
			}
			if why == "" && elementsAliasMisread(q) {
				why = JSONElementsAlias
			}
		}
		return why == ""
	})
	return why
}

// branchesMixed looks for a CASE or coalesce in e (outside its
// subqueries, which JSONRefused reads in their own scope) whose
// branches mix jsonb with another type.
func branchesMixed(e tree.Expr, from *jsonbFrom) bool {
	mixed := false
	tree.Inspect(e, func(n tree.Node) bool {
		if _, ok := n.(*tree.Subquery); ok || mixed {
			return false
		}
		if x, ok := n.(tree.Expr); ok {
			if branches, ok := CaseBranches(x); ok && jsonbBranchKind(branches, from) == jsonbMixed {
				mixed = true
			}
			if o, ok := x.(*tree.Operator); ok && o.Type == "ARRAY_CONSTRUCTOR" && jsonbBranchKind(o.Children, from) == jsonbMixed {
				mixed = true
			}
		}
		return !mixed
	})
	return mixed
}

// elementsAliasMisread reports a SELECT reading FROM
// json_array_elements(...) e(e) (the rewrite's form where the statement
// names e alone: namedColumnFunctions) that also reads e's other names:
// value, e.value or *, which in Postgres are the column named value.
func elementsAliasMisread(sel *tree.SelectNode) bool {
	var aliases map[string]bool // made for the first such call
	var walk func(r tree.TableRef)
	walk = func(r tree.TableRef) {
		switch r := r.(type) {
		case *tree.Join:
			walk(r.Left)
			walk(r.Right)
		case *tree.TableFunction:
			f, ok := r.Function.(*tree.Function)
			if ok && f.Schema == "" && namedColumnFunctions[strings.ToLower(f.FunctionName)] &&
				len(r.ColumnNameAlias) == 1 && strings.EqualFold(r.ColumnNameAlias[0], r.Alias) {
				if aliases == nil {
					aliases = map[string]bool{}
				}
				aliases[strings.ToLower(r.Alias)] = true
			}
		}
	}
	walk(sel.FromTable)
	if len(aliases) == 0 {
		return false
	}
	misread := false
	for _, e := range sel.SelectList {
		if x, ok := e.(*tree.Star); ok {
			misread = misread || x.RelationName == "" || aliases[strings.ToLower(x.RelationName)]
		}
	}
	// the SELECT's expressions and those of its subqueries, which may
	// name e too; not the FROM items' own queries
	tree.Inspect(sel, func(n tree.Node) bool {
		switch x := n.(type) {
		case *tree.SubqueryRef:
			return false
		case *tree.ColumnRef:
			names := x.ColumnNames
			switch k := len(names); {
			case k == 1:
				misread = misread || strings.EqualFold(names[0], "value") && !aliases["value"]
			case k >= 2:
				misread = misread || aliases[strings.ToLower(names[k-2])] && !strings.EqualFold(names[k-2], names[k-1])
			}
		}
		return !misread
	})
	return misread
}
