package planner

import (
	"encoding/json"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// The analyzer reads DuckDB's own parse tree of a query
// (json_serialize_sql) instead of guessing at SQL with patterns: it finds
// every table reference wherever it occurs (joins, subqueries, CTEs, set
// operations, expressions), the table functions called, and the WHERE
// conjuncts that can prune Iceberg files.

// tableRef is one occurrence of a table name in a query.
type tableRef struct {
	Catalog, Schema, Name, Alias string
	// TimeTravel is set when the reference has an AT (...) clause.
	TimeTravel bool
	// CTE is set when an unqualified name refers to a common table
	// expression in scope at this reference.
	CTE bool
	loc int64
}

// analysis is what the planner needs to know about one SELECT statement.
type analysis struct {
	refs []*tableRef
	// scopes is the stack of CTE names in scope during the walk; pushed
	// says, for each node on the walk's path, whether it pushed a scope.
	scopes    []map[string]bool
	pushed    []bool
	functions []string // table functions, lower case
	scalars   []string // scalar and aggregate functions, lower case, schema-qualified when written so
	// volatile: the statement samples rows (USING SAMPLE, TABLESAMPLE) or
	// names one of the SQL value functions the engine parses as a column
	// (current_timestamp, current_user, ...): its result may differ
	// between runs over the same rows.
	volatile bool
	// preds maps a reference's query location to the conjunct predicates
	// that restrict it (column name, iceberg operator, literal).
	preds map[int64][]colPred
	// exact lists reference locations whose every WHERE conjunct was
	// examined (so a nil pred list means "no restriction").
}

// colPred is a WHERE conjunct of the form column op literal(s), or an OR of
// such predicates on the same reference.
type colPred struct {
	column string
	op     iceberg.Operation
	lits   []any
	or     []colPred // any of these
	and    []colPred // all of these
}

func analyze(root tree.QueryNode) *analysis {
	a := &analysis{preds: map[int64][]colPred{}}
	tree.Inspect(root, a.visit)
	return a
}

// sqlValueFunctions are the SQL value functions written without
// parentheses, which the engine's parser leaves as column references.
var sqlValueFunctions = map[string]bool{"current_timestamp": true, "current_date": true, "current_time": true,
	"localtime": true, "localtimestamp": true, "current_user": true, "session_user": true, "user": true,
	"current_role": true, "current_catalog": true, "current_schema": true}

// loc is a node's query location (-1: none).
func loc(l uint64) int64 {
	if l == tree.NoLocation {
		return -1
	}
	return int64(l)
}

// visit is analyze's tree.Inspect function. CTE names are in scope in the
// subtree of the query node that defines them (its body and its CTE
// definitions), nowhere else: a query node with CTEs pushes a scope, and
// the f(nil) after its subtree pops the innermost scope it pushed.
func (a *analysis) visit(n tree.Node) bool {
	if n == nil {
		if top := len(a.pushed) - 1; a.pushed[top] {
			a.scopes = a.scopes[:len(a.scopes)-1]
		}
		a.pushed = a.pushed[:len(a.pushed)-1]
		return true
	}
	pushed := false
	switch n := n.(type) {
	case *tree.BaseTable:
		ref := &tableRef{Catalog: n.CatalogName, Schema: n.SchemaName, Name: n.TableName, Alias: n.Alias,
			TimeTravel: n.AtClause != nil, loc: loc(n.QueryLocation)}
		if ref.Schema == "" && ref.Catalog == "" {
			for _, sc := range a.scopes {
				if sc[strings.ToLower(ref.Name)] {
					ref.CTE = true
				}
			}
		}
		a.refs = append(a.refs, ref)
	case *tree.TableFunction:
		if fn, ok := n.Function.(*tree.Function); ok {
			a.functions = append(a.functions, strings.ToLower(fn.FunctionName))
		}
	case *tree.ColumnRef:
		if len(n.ColumnNames) == 1 && sqlValueFunctions[strings.ToLower(n.ColumnNames[0])] {
			a.volatile = true
		}
	case *tree.Function:
		a.scalars = append(a.scalars, qualifiedName(n.Catalog, n.Schema, n.FunctionName))
	case *tree.Window:
		a.scalars = append(a.scalars, qualifiedName(n.Catalog, n.Schema, n.FunctionName))
	case *tree.SelectNode:
		a.selectPreds(n)
	}
	if r, ok := n.(tree.TableRef); ok && sampled(r.Head().Sample) {
		a.volatile = true
	}
	if q, ok := n.(tree.QueryNode); ok {
		if sn, ok := q.(*tree.SelectNode); ok && sampled(sn.Sample) {
			a.volatile = true
		}
		if m := q.Head().CTEMap.Map; len(m) > 0 {
			names := map[string]bool{}
			for _, e := range m {
				names[strings.ToLower(e.Key)] = true
			}
			a.scopes = append(a.scopes, names)
			pushed = true
		}
	}
	a.pushed = append(a.pushed, pushed)
	return true
}

// sampled reports whether a sample clause (USING SAMPLE, TABLESAMPLE) is
// there.
func sampled(s json.RawMessage) bool {
	return len(s) > 0 && string(s) != "null"
}

// qualifiedName is a function's name in lower case, schema-qualified when
// written so.
func qualifiedName(catalog, schema, name string) string {
	name = strings.ToLower(name)
	if schema != "" {
		name = strings.ToLower(schema) + "." + name
	}
	if catalog != "" {
		name = strings.ToLower(catalog) + "." + name
	}
	return name
}

// fromSources collects the base tables reachable from a FROM clause through
// joins, and reports whether anything else (subqueries, functions) is there.
func fromSources(r tree.TableRef, refs *[]*tree.BaseTable) (other bool) {
	switch r := r.(type) {
	case nil:
		return false
	case *tree.BaseTable:
		*refs = append(*refs, r)
		return false
	case *tree.Join:
		l := fromSources(r.Left, refs)
		rt := fromSources(r.Right, refs)
		return l || rt
	case *tree.EmptyRef:
		return false
	default:
		return true
	}
}

func (a *analysis) selectPreds(sel *tree.SelectNode) {
	var refs []*tree.BaseTable
	other := fromSources(sel.FromTable, &refs)
	if sel.WhereClause == nil || len(refs) == 0 {
		return
	}
	conj := flatten(sel.WhereClause, "CONJUNCTION_AND")
	for _, r := range refs {
		qual := strings.ToLower(r.Alias)
		tname := strings.ToLower(r.TableName)
		schema := strings.ToLower(r.SchemaName)
		match := func(cols []string) (string, bool) {
			switch len(cols) {
			case 1:
				return cols[0], len(refs) == 1 && !other
			case 2:
				q := strings.ToLower(cols[0])
				if qual != "" {
					return cols[1], q == qual
				}
				return cols[1], q == tname
			case 3:
				return cols[2], qual == "" && strings.EqualFold(cols[0], schema) && strings.EqualFold(cols[1], tname)
			}
			return "", false
		}
		var ps []colPred
		for _, c := range conj {
			if p, ok := toColPred(c, match); ok {
				ps = append(ps, p)
			}
		}
		if len(ps) > 0 {
			a.preds[loc(r.QueryLocation)] = ps
		}
	}
}

// flatten lists the operands of nested conjunctions of one type
// (CONJUNCTION_AND or CONJUNCTION_OR).
func flatten(e tree.Expr, typ string) []tree.Expr {
	if c, ok := e.(*tree.Conjunction); ok && c.Type == typ {
		var out []tree.Expr
		for _, ch := range c.Children {
			if ch != nil {
				out = append(out, flatten(ch, typ)...)
			}
		}
		return out
	}
	return []tree.Expr{e}
}

var compareOps = map[string]iceberg.Operation{
	"COMPARE_EQUAL":                iceberg.OpEQ,
	"COMPARE_LESSTHAN":             iceberg.OpLT,
	"COMPARE_GREATERTHAN":          iceberg.OpGT,
	"COMPARE_LESSTHANOREQUALTO":    iceberg.OpLTEQ,
	"COMPARE_GREATERTHANOREQUALTO": iceberg.OpGTEQ,
}

var flipped = map[iceberg.Operation]iceberg.Operation{
	iceberg.OpEQ: iceberg.OpEQ, iceberg.OpLT: iceberg.OpGT, iceberg.OpGT: iceberg.OpLT,
	iceberg.OpLTEQ: iceberg.OpGTEQ, iceberg.OpGTEQ: iceberg.OpLTEQ,
}

// toColPred converts one conjunct when it restricts a column of the
// reference to constants. Only null-rejecting comparisons are used: they are
// safe to push into either side of an outer join.
func toColPred(e tree.Expr, match func([]string) (string, bool)) (colPred, bool) {
	col := func(e tree.Expr) (string, bool) {
		cr, ok := e.(*tree.ColumnRef)
		if !ok {
			return "", false
		}
		return match(cr.ColumnNames)
	}
	switch n := e.(type) {
	case *tree.Comparison:
		op := compareOps[n.Type]
		if op == 0 {
			break
		}
		if c, ok := col(n.Left); ok {
			if lit, ok := constant(n.Right); ok {
				return colPred{column: c, op: op, lits: []any{lit}}, true
			}
		}
		if c, ok := col(n.Right); ok {
			if lit, ok := constant(n.Left); ok {
				return colPred{column: c, op: flipped[op], lits: []any{lit}}, true
			}
		}
	case *tree.Operator:
		if n.Type != "COMPARE_IN" || len(n.Children) < 2 {
			break
		}
		c, ok := col(n.Children[0])
		if !ok {
			return colPred{}, false
		}
		var lits []any
		for _, e := range n.Children[1:] {
			lit, ok := constant(e)
			if !ok {
				return colPred{}, false
			}
			lits = append(lits, lit)
		}
		return colPred{column: c, op: iceberg.OpIn, lits: lits}, true
	case *tree.Between:
		c, ok := col(n.Input)
		lo, ok1 := constant(n.Lower)
		hi, ok2 := constant(n.Upper)
		if ok && ok1 && ok2 {
			return colPred{and: []colPred{
				{column: c, op: iceberg.OpGTEQ, lits: []any{lo}},
				{column: c, op: iceberg.OpLTEQ, lits: []any{hi}},
			}}, true
		}
	case *tree.Conjunction:
		if n.Type != "CONJUNCTION_OR" {
			break
		}
		var ors []colPred
		for _, leaf := range flatten(n, "CONJUNCTION_OR") {
			p, ok := toColPred(leaf, match)
			if !ok {
				return colPred{}, false
			}
			ors = append(ors, p)
		}
		if len(ors) > 0 {
			return colPred{or: ors}, true
		}
	}
	return colPred{}, false
}

// typedConst is a constant from the parse tree: its SQL type and value.
type typedConst struct {
	typ string // DuckDB type id of the constant or of its cast
	val any    // json.Number, string or bool
}

func constant(e tree.Expr) (typedConst, bool) {
	switch n := e.(type) {
	case *tree.Constant:
		v := n.Value.Any()
		if v == nil {
			return typedConst{}, false
		}
		return typedConst{typ: n.Value.Type.ID, val: v}, true
	case *tree.Cast:
		if n.TryCast {
			return typedConst{}, false
		}
		inner, ok := constant(n.Child)
		if !ok || inner.typ != "VARCHAR" {
			return typedConst{}, false
		}
		return typedConst{typ: n.CastType.ID, val: inner.val}, true
	}
	return typedConst{}, false
}
