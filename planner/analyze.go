package planner

import (
	"github.com/lakegate/lakegate/internal/sqlparse"

	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go"
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
	// scopes is the stack of CTE names in scope during the walk.
	scopes    []map[string]bool
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

type node = map[string]any

func parseSerialized(js string) ([]node, error) {
	var top struct {
		Error        bool   `json:"error"`
		ErrorType    string `json:"error_type"`
		ErrorMessage string `json:"error_message"`
		Statements   []struct {
			Node node `json:"node"`
		} `json:"statements"`
	}
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("planner: decode parse tree: %w", err)
	}
	if top.Error {
		return nil, &parseError{kind: top.ErrorType, msg: top.ErrorMessage}
	}
	out := make([]node, 0, len(top.Statements))
	for _, s := range top.Statements {
		out = append(out, s.Node)
	}
	return out, nil
}

// parseError is a parse failure reported by json_serialize_sql.
type parseError struct {
	kind, msg string
}

func (e *parseError) Error() string { return e.msg }

func analyze(root node) *analysis {
	a := &analysis{preds: map[int64][]colPred{}}
	a.walk(root)
	return a
}

// sqlValueFunctions are the SQL value functions written without
// parentheses, which the engine's parser leaves as column references.
var sqlValueFunctions = map[string]bool{"current_timestamp": true, "current_date": true, "current_time": true,
	"localtime": true, "localtimestamp": true, "current_user": true, "session_user": true, "user": true,
	"current_role": true, "current_catalog": true, "current_schema": true}

func (a *analysis) walk(v any) {
	switch n := v.(type) {
	case []any:
		for _, c := range n {
			a.walk(c)
		}
	case node:
		switch sqlparse.Str(n, "type") {
		case "BASE_TABLE":
			if _, ok := n["table_name"]; ok {
				ref := &tableRef{Catalog: sqlparse.Str(n, "catalog_name"), Schema: sqlparse.Str(n, "schema_name"),
					Name: sqlparse.Str(n, "table_name"), Alias: sqlparse.Str(n, "alias"), loc: sqlparse.Num(n, "query_location")}
				if at, ok := n["at_clause"]; ok && at != nil {
					ref.TimeTravel = true
				}
				if ref.Schema == "" && ref.Catalog == "" {
					for _, sc := range a.scopes {
						if sc[strings.ToLower(ref.Name)] {
							ref.CTE = true
						}
					}
				}
				a.refs = append(a.refs, ref)
			}
		case "TABLE_FUNCTION":
			if fn, ok := n["function"].(node); ok {
				a.functions = append(a.functions, strings.ToLower(sqlparse.Str(fn, "function_name")))
			}
		case "SELECT_NODE":
			a.selectPreds(n)
		}
		if sm, ok := n["sample"]; ok && sm != nil {
			a.volatile = true
		}
		if sqlparse.Str(n, "class") == "COLUMN_REF" {
			if names, ok := n["column_names"].([]any); ok && len(names) == 1 {
				if nm, ok := names[0].(string); ok && sqlValueFunctions[strings.ToLower(nm)] {
					a.volatile = true
				}
			}
		}
		if sqlparse.Str(n, "class") == "FUNCTION" || sqlparse.Str(n, "class") == "WINDOW" || sqlparse.Str(n, "class") == "AGGREGATE" {
			name := strings.ToLower(sqlparse.Str(n, "function_name"))
			if sc := sqlparse.Str(n, "schema"); sc != "" {
				name = strings.ToLower(sc) + "." + name
			}
			if c := sqlparse.Str(n, "catalog"); c != "" {
				name = strings.ToLower(c) + "." + name
			}
			a.scalars = append(a.scalars, name)
		}
		// CTE names are in scope in the subtree of the query node that
		// defines them (its body and its CTE definitions), nowhere else.
		if m, ok := n["cte_map"].(node); ok {
			if entries, ok := m["map"].([]any); ok && len(entries) > 0 {
				names := map[string]bool{}
				for _, e := range entries {
					if en, ok := e.(node); ok {
						names[strings.ToLower(sqlparse.Str(en, "key"))] = true
					}
				}
				a.scopes = append(a.scopes, names)
				defer func() { a.scopes = a.scopes[:len(a.scopes)-1] }()
			}
		}
		for _, c := range n {
			a.walk(c)
		}
	}
}

// fromSources collects the base tables reachable from a FROM clause through
// joins, and reports whether anything else (subqueries, functions) is there.
func fromSources(v any, refs *[]node) (other bool) {
	n, ok := v.(node)
	if !ok || v == nil {
		return false
	}
	switch sqlparse.Str(n, "type") {
	case "BASE_TABLE":
		*refs = append(*refs, n)
		return false
	case "JOIN":
		l := fromSources(n["left"], refs)
		r := fromSources(n["right"], refs)
		return l || r
	case "EMPTY":
		return false
	default:
		return true
	}
}

func (a *analysis) selectPreds(sel node) {
	var refs []node
	other := fromSources(sel["from_table"], &refs)
	where, _ := sel["where_clause"].(node)
	if where == nil || len(refs) == 0 {
		return
	}
	conj := flattenAnd(where)
	for _, r := range refs {
		qual := strings.ToLower(sqlparse.Str(r, "alias"))
		tname := strings.ToLower(sqlparse.Str(r, "table_name"))
		schema := strings.ToLower(sqlparse.Str(r, "schema_name"))
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
			a.preds[sqlparse.Num(r, "query_location")] = ps
		}
	}
}

func flattenAnd(n node) []node {
	if sqlparse.Str(n, "type") == "CONJUNCTION_AND" {
		var out []node
		for _, c := range children(n) {
			out = append(out, flattenAnd(c)...)
		}
		return out
	}
	return []node{n}
}

func children(n node) []node {
	cs, _ := n["children"].([]any)
	out := make([]node, 0, len(cs))
	for _, c := range cs {
		if cn, ok := c.(node); ok {
			out = append(out, cn)
		}
	}
	return out
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
func toColPred(n node, match func([]string) (string, bool)) (colPred, bool) {
	col := func(v any) (string, bool) {
		cn, ok := v.(node)
		if !ok || sqlparse.Str(cn, "class") != "COLUMN_REF" {
			return "", false
		}
		raw, _ := cn["column_names"].([]any)
		names := make([]string, 0, len(raw))
		for _, r := range raw {
			s, _ := r.(string)
			names = append(names, s)
		}
		return match(names)
	}
	switch t := sqlparse.Str(n, "type"); {
	case compareOps[t] != 0:
		op := compareOps[t]
		if c, ok := col(n["left"]); ok {
			if lit, ok := constant(n["right"]); ok {
				return colPred{column: c, op: op, lits: []any{lit}}, true
			}
		}
		if c, ok := col(n["right"]); ok {
			if lit, ok := constant(n["left"]); ok {
				return colPred{column: c, op: flipped[op], lits: []any{lit}}, true
			}
		}
	case t == "COMPARE_IN":
		cs := children(n)
		if len(cs) < 2 {
			return colPred{}, false
		}
		c, ok := col(cs[0])
		if !ok {
			return colPred{}, false
		}
		var lits []any
		for _, e := range cs[1:] {
			lit, ok := constant(e)
			if !ok {
				return colPred{}, false
			}
			lits = append(lits, lit)
		}
		return colPred{column: c, op: iceberg.OpIn, lits: lits}, true
	case t == "COMPARE_BETWEEN":
		c, ok := col(n["input"])
		lo, ok1 := constant(n["lower"])
		hi, ok2 := constant(n["upper"])
		if ok && ok1 && ok2 {
			return colPred{and: []colPred{
				{column: c, op: iceberg.OpGTEQ, lits: []any{lo}},
				{column: c, op: iceberg.OpLTEQ, lits: []any{hi}},
			}}, true
		}
	case t == "CONJUNCTION_OR":
		var ors []colPred
		for _, ch := range children(n) {
			for _, leaf := range flattenOr(ch) {
				p, ok := toColPred(leaf, match)
				if !ok {
					return colPred{}, false
				}
				ors = append(ors, p)
			}
		}
		if len(ors) > 0 {
			return colPred{or: ors}, true
		}
	}
	return colPred{}, false
}

func flattenOr(n node) []node {
	if sqlparse.Str(n, "type") == "CONJUNCTION_OR" {
		var out []node
		for _, c := range children(n) {
			out = append(out, flattenOr(c)...)
		}
		return out
	}
	return []node{n}
}

// typedConst is a constant from the parse tree: its SQL type and value.
type typedConst struct {
	typ string // DuckDB type id of the constant or of its cast
	val any    // json.Number, string or bool
}

func constant(v any) (typedConst, bool) {
	n, ok := v.(node)
	if !ok {
		return typedConst{}, false
	}
	switch sqlparse.Str(n, "class") {
	case "CONSTANT":
		val, _ := n["value"].(node)
		if val == nil || val["is_null"] == true {
			return typedConst{}, false
		}
		typ, _ := val["type"].(node)
		return typedConst{typ: sqlparse.Str(typ, "id"), val: val["value"]}, true
	case "CAST":
		if n["try_cast"] == true {
			return typedConst{}, false
		}
		inner, ok := constant(n["child"])
		if !ok || inner.typ != "VARCHAR" {
			return typedConst{}, false
		}
		ct, _ := n["cast_type"].(node)
		return typedConst{typ: sqlparse.Str(ct, "id"), val: inner.val}, true
	}
	return typedConst{}, false
}
