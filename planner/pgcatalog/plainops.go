package pgcatalog

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// The engine expands a macro by copying its arguments and binds every
// copy, on each execution of a prepared statement too. The "*" macro
// (builtins.go: the float product's overflow check) names its product
// seven times and each operand three more, and "-" (date - date is int4)
// names each operand three times, so nested products such as TPC-H's
// l_extendedprice * (1 - l_discount) * (1 + l_tax) bind hundreds of
// copies of a column (BENCHMARKS.md, Q). In a statement where no value
// can be a float (the planner's floatFree) the product's check never
// fires and the macro is the engine's product; PlainOperators writes it
// so: system.main."*"(a, b). A binary - is written system.main."-"(a, b)
// there too where one operand is a number constant, a product or a sum
// or count (date - date needs both operands dates). The rewritten text
// must parse to the same tree with those calls (PlainOperatorsMatch);
// the planner keeps the statement as it was where it does not.

// plainOperator reports whether f, a binary * or - written so in sql,
// may be the engine's own operator in a float-free statement.
func plainOperator(f *tree.Function, sql string) bool {
	loc := int(f.QueryLocation)
	if !f.IsOperator || len(f.Children) != 2 || f.Children[0] == nil || f.Children[1] == nil || f.Schema != "" || f.Catalog != "" ||
		loc >= len(sql) || len(f.FunctionName) != 1 || sql[loc] != f.FunctionName[0] ||
		(loc+1 < len(sql) && (sql[loc+1] == '*' || sql[loc+1] == '>' || sql[loc+1] == '-')) {
		return false
	}
	switch f.FunctionName {
	case "*", "+":
		return true
	case "-":
		return notDate(f.Children[0]) || notDate(f.Children[1])
	}
	return false
}

// notDate reports whether e is surely no date: a number constant, a
// product, a sum or a count.
func notDate(e tree.Expr) bool {
	switch e := e.(type) {
	case *tree.Constant:
		switch e.Value.Type.ID {
		case "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "DECIMAL":
			return true
		}
	case *tree.Function:
		if e.Schema != "" || e.Catalog != "" {
			return false
		}
		switch e.FunctionName {
		case "*":
			return e.IsOperator
		case "sum", "count", "count_star":
			return !e.IsOperator
		}
	}
	return false
}

// PlainOperators is sql (whose tree is root, a statement in which no
// value can be a float) with each binary * and each - that cannot be
// date - date written as the engine's own operator; sql itself where it
// has none or an operand's extent cannot be read from the text.
func PlainOperators(root tree.QueryNode, sql string) string { return PlainProducts(root, sql, nil) }

// PlainProducts is PlainOperators for the binary *, - and + where known
// holds: operators whose operands the planner knows to be no floats, in
// a statement that may have floats elsewhere, where a + or - written
// so is no longer a chain the float check wraps (floatchain.go). A nil
// known is PlainOperators', which leaves + alone (a float-free
// statement's + is the engine's already).
func PlainProducts(root tree.QueryNode, sql string, known func(*tree.Function) bool) string {
	pieces := lexPieces(sql)
	var eds []edit
	ok := true
	tree.Inspect(root, func(node tree.Node) bool {
		f, isFn := node.(*tree.Function)
		if !isFn || !ok || !plainOperator(f, sql) || (known == nil && f.FunctionName == "+") || (known != nil && !known(f)) {
			return ok
		}
		op := int(f.QueryLocation)
		from, ok1 := operandStart(pieces, f.Children[0], op)
		to, ok2 := operandEnd(pieces, f.Children[1], op)
		if !ok1 || !ok2 || from >= op || to <= op+1 {
			ok = false
			return false
		}
		// outer operators first: their calls open before the inner
		// ones' at the same place
		eds = append(eds, edit{from, from, `system.main."` + f.FunctionName + `"(`}, edit{op, op + 1, ","}, edit{to, to, ")"})
		return true
	})
	if !ok || len(eds) == 0 {
		return sql
	}
	// where an operand ends at the next operator (a*b*c), the closing
	// parenthesis goes before the operator's comma
	slices.SortStableFunc(eds, func(a, b edit) int {
		if a.from != b.from {
			return a.from - b.from
		}
		return (a.to - a.from) - (b.to - b.from)
	})
	return applyNumericEdits(sql, eds)
}

// PlainOperatorsMatch reports whether got, the tree of PlainOperators'
// text, is want's with some binary *, - and + called as the engine's own
// (system.main."*"(a, b)), locations aside.
func PlainOperatorsMatch(want, got tree.QueryNode) bool {
	w, err1 := decodedTree(want)
	h, err2 := decodedTree(got)
	return err1 == nil && err2 == nil && reflect.DeepEqual(plainNormalized(w), plainNormalized(h))
}

func decodedTree(n tree.QueryNode) (any, error) {
	b, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	var v any
	return v, json.Unmarshal(b, &v)
}

// plainNormalized drops query_location from a decoded tree, after
// writing the engine's own * and - calls as operators.
func plainNormalized(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if name := v["function_name"]; (name == "*" || name == "-" || name == "+") && v["catalog"] == "system" && v["schema"] == "main" &&
			v["is_operator"] == false {
			v["catalog"], v["schema"], v["is_operator"] = "", "", true
		}
		delete(v, "query_location")
		for k, x := range v {
			v[k] = plainNormalized(x)
		}
	case []any:
		for i, x := range v {
			v[i] = plainNormalized(x)
		}
	}
	return v
}
