package pgcatalog

import (
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
)

// The emulated catalogs hold Postgres' system types in engine types: name,
// "char", regproc and pg_node_tree in VARCHAR, oid and xid in integers,
// aclitem[] and name[] in VARCHAR[] (engineType). A client reading
// pg_class.relname must still see a column of type name (19), pg_class.oid
// one of type oid (26): pgjdbc, npgsql and pgx choose decoders and Java
// types by the OID of a RowDescription. So for a statement that reads the
// emulation, the result columns' Postgres types are worked out from the
// parse tree: where an output column comes from a catalog column (directly,
// through a subquery, a CTE, CASE, COALESCE, min/max, unnest), from a
// function Postgres declares to return name (current_user, current_schema,
// pg_get_userbyid ...), from a reg* cast, or is an untyped NULL (text in
// Postgres), it carries that type. Everything else keeps the type its
// engine type maps to.

// nameFunctions return name in Postgres.
var nameFunctions = map[string]bool{
	"current_user": true, "session_user": true, "user": true, "current_role": true, "current_schema": true,
	"current_database": true, "current_catalog": true, "pg_get_userbyid": true, "getpgusername": true,
	"pg_encoding_to_char": true,
}

// regNameFunctions are the rewrite's reg* output functions (x::regclass
// shown as a name) and the types they stand for.
var regNameFunctions = map[string]uint32{
	"lakegate_regclass_name": pgtypes.OIDRegclass, "lakegate_regtype_name": pgtypes.OIDRegtype,
	"lakegate_regnamespace_name": pgtypes.OIDRegnamespace, "lakegate_regrole_name": pgtypes.OIDRegrole,
	"pg_typeof": pgtypes.OIDRegtype, "lakegate_pg_typeof_jsonb": pgtypes.OIDRegtype,
	"lakegate_pg_typeof_varchar": pgtypes.OIDRegtype, "lakegate_pg_typeof_bpchar": pgtypes.OIDRegtype,
}

// arrayOf and elementOf relate the system types whose arrays the
// inference follows (name, oid, "char") to their array types.
var arrayOf = func() map[uint32]uint32 {
	m := map[uint32]uint32{}
	for _, e := range []uint32{pgtypes.OIDName, pgtypes.OIDOID, pgtypes.OIDChar} {
		m[e], _ = pgtypes.ArrayOID(e)
	}
	return m
}()

func elementOf(a uint32) uint32 {
	for e, arr := range arrayOf {
		if arr == a {
			return e
		}
	}
	switch a {
	case pgtypes.OIDInt2Vector:
		return pgtypes.OIDInt2
	case pgtypes.OIDOIDVector:
		return pgtypes.OIDOID
	}
	return 0
}

// typedColumn is an output column of a FROM item or query.
type typedColumn struct {
	name string
	oid  uint32 // 0: as its engine type says
}

// fromItem is a relation in a FROM clause as the query sees it.
type fromItem struct {
	alias string
	cols  []typedColumn
	known bool // cols lists every column (so * can be expanded)
}

// typeScope resolves column references of one query level.
type typeScope struct {
	items  []fromItem
	parent *typeScope
	ctes   map[string]fromItem
}

// ResultTypes returns the Postgres type of each output column of a
// statement (0 where the engine type says it), or nil when the columns
// cannot be lined up with the statement's select list (a * over a
// relation whose columns are not known here).
func ResultTypes(root tree.QueryNode) []uint32 {
	cols, ok := queryColumns(root, nil, nil)
	if !ok {
		return nil
	}
	out := make([]uint32, len(cols))
	for i, c := range cols {
		out[i] = c.oid
		if c.oid == pgtypes.OIDUnknown {
			out[i] = pgtypes.OIDText
		}
	}
	return out
}

// statementNode is the query of a statement (nil when absent).
func statementNode(s *tree.Statement) tree.QueryNode {
	if s == nil {
		return nil
	}
	return s.Node
}

// queryColumns types the output columns of a query node.
func queryColumns(q tree.QueryNode, parent *typeScope, ctes map[string]fromItem) ([]typedColumn, bool) {
	if q == nil {
		return nil, false
	}
	ctes = scopeCTEs(q, parent, ctes)
	var sel *tree.SelectNode
	switch q := q.(type) {
	case *tree.SetOperationNode:
		if q.Left == nil || q.Right == nil {
			return nil, false
		}
		l, ok1 := queryColumns(q.Left, parent, ctes)
		r, ok2 := queryColumns(q.Right, parent, ctes)
		if !ok1 || !ok2 || len(l) != len(r) {
			return nil, false
		}
		out := make([]typedColumn, len(l))
		for i := range l {
			out[i] = typedColumn{name: l[i].name, oid: unifyTypes(l[i].oid, r[i].oid)}
		}
		return out, true
	case *tree.RecursiveCTENode:
		// the recursive term takes the non-recursive term's types
		if q.Left == nil {
			return nil, false
		}
		return queryColumns(q.Left, parent, ctes)
	case *tree.SelectNode:
		sel = q
	default:
		return nil, false
	}
	sc := &typeScope{parent: parent, ctes: ctes}
	if sel.FromTable != nil {
		items, ok := sc.fromItems(sel.FromTable)
		if !ok {
			return nil, false
		}
		sc.items = items
	}
	var out []typedColumn
	for _, e := range sel.SelectList {
		if e == nil {
			return nil, false
		}
		if st, ok := e.(*tree.Star); ok {
			cols, ok := sc.expandStar(st)
			if !ok {
				return nil, false
			}
			out = append(out, cols...)
			continue
		}
		name := e.Head().Alias
		if name == "" {
			name, _ = exprName(e, "")
		}
		out = append(out, typedColumn{name: name, oid: sc.expr(e)})
	}
	return out, true
}

// scopeCTEs adds the CTEs a query node defines to those in scope.
func scopeCTEs(q tree.QueryNode, parent *typeScope, ctes map[string]fromItem) map[string]fromItem {
	entries := q.Head().CTEMap.Map
	if len(entries) == 0 {
		return ctes
	}
	out := make(map[string]fromItem, len(ctes)+len(entries))
	for k, v := range ctes {
		out[k] = v
	}
	for _, e := range entries {
		var inner tree.QueryNode
		var aliases []string
		if e.Value != nil {
			inner, aliases = statementNode(e.Value.Query), e.Value.Aliases
		}
		name := strings.ToLower(e.Key)
		cols, ok := queryColumns(inner, parent, out)
		if ok {
			for i, a := range aliases {
				if i < len(cols) && a != "" {
					cols[i].name = a
				}
			}
		}
		out[name] = fromItem{alias: name, cols: cols, known: ok}
	}
	return out
}

// fromItems lists the relations a FROM clause brings into scope.
func (sc *typeScope) fromItems(r tree.TableRef) ([]fromItem, bool) {
	alias := strings.ToLower(r.Head().Alias)
	switch n := r.(type) {
	case *tree.EmptyRef:
		return nil, true
	case *tree.BaseTable:
		schema, table := strings.ToLower(n.SchemaName), strings.ToLower(n.TableName)
		if alias == "" {
			alias = table
		}
		var rel *catalogRelation
		switch schema {
		case pgSchema, pgSysSchema:
			rel = pgRelations[table]
			if rel == nil {
				rel = pgTableFunctions[table]
			}
		case isSchema:
			rel = isRelations[table]
		case "":
			if c, ok := sc.cte(table); ok {
				c.alias = alias
				return []fromItem{renameColumns(c, n.ColumnNameAlias)}, true
			}
		}
		if rel == nil {
			return []fromItem{{alias: alias}}, true
		}
		it := fromItem{alias: alias, known: true}
		for _, c := range rel.cols {
			it.cols = append(it.cols, typedColumn{name: c.name, oid: catalogColumnType(c.pgType)})
		}
		return []fromItem{renameColumns(it, n.ColumnNameAlias)}, true
	case *tree.Join:
		if n.Left == nil || n.Right == nil {
			return nil, false
		}
		li, ok1 := sc.fromItems(n.Left)
		ri, ok2 := sc.fromItems(n.Right)
		if !ok1 || !ok2 {
			return nil, false
		}
		items := append(li, ri...)
		if len(n.UsingColumns) > 0 || n.RefType == "NATURAL" {
			// a USING join shows its columns once: * is not the plain
			// concatenation any more
			for i := range items {
				items[i].known = false
			}
		}
		return items, true
	case *tree.SubqueryRef:
		cols, ok := queryColumns(statementNode(n.Subquery), sc.parent, sc.ctes)
		return []fromItem{renameColumns(fromItem{alias: alias, cols: cols, known: ok}, n.ColumnNameAlias)}, true
	case *tree.ExpressionList:
		// VALUES: Postgres names the columns column1, column2...; the
		// engine col0, col1...
		it := fromItem{alias: alias, known: len(n.Values) > 0}
		if it.known {
			for i := range n.Values[0] {
				it.cols = append(it.cols, typedColumn{name: fmt.Sprintf("column%d", i+1)})
			}
		}
		return []fromItem{it}, true
	case *tree.TableFunction:
		fn, _ := n.Function.(*tree.Function)
		it := fromItem{alias: alias}
		fname := ""
		if fn != nil {
			fname = strings.ToLower(fn.FunctionName)
		}
		switch fname {
		case "generate_series":
			// generate_series(int4, int4) is a set of int4 in Postgres
			oid := uint32(0)
			if integerConstants(fn) {
				oid = pgtypes.OIDInt4
			}
			it.cols, it.known = []typedColumn{{name: "generate_series", oid: oid}}, true
		case "unnest":
			if len(fn.Children) == 1 && fn.Children[0] != nil {
				it.cols, it.known = []typedColumn{{name: "unnest", oid: elementOf(sc.expr(fn.Children[0]))}}, true
			}
		}
		if it.alias == "" {
			it.alias = fname
		}
		return []fromItem{renameColumns(it, n.ColumnNameAlias)}, true
	}
	return []fromItem{{alias: alias}}, true
}

// renameColumns applies a FROM item's column aliases: t(a, b).
func renameColumns(it fromItem, aliases []string) fromItem {
	if len(aliases) == 0 {
		return it
	}
	cols := make([]typedColumn, len(it.cols))
	copy(cols, it.cols)
	for i, a := range aliases {
		if i < len(cols) {
			cols[i].name = a
		} else if !it.known {
			cols = append(cols, typedColumn{name: a})
		}
	}
	it.cols = cols
	return it
}

func integerConstants(fn *tree.Function) bool {
	for _, a := range fn.Children {
		c, ok := a.(*tree.Constant)
		if !ok || c.Value.Type.ID != "INTEGER" {
			return false
		}
	}
	return len(fn.Children) > 0
}

func (sc *typeScope) cte(name string) (fromItem, bool) {
	for s := sc; s != nil; s = s.parent {
		if c, ok := s.ctes[name]; ok {
			return c, true
		}
	}
	return fromItem{}, false
}

// expandStar lists the columns * or t.* stands for.
func (sc *typeScope) expandStar(e *tree.Star) ([]typedColumn, bool) {
	if e.Columns || len(e.ExcludeList) > 0 || len(e.ReplaceList) > 0 || len(e.RenameList) > 0 || len(e.QualifiedExcludeList) > 0 {
		return nil, false
	}
	rel := strings.ToLower(e.RelationName)
	var out []typedColumn
	for _, it := range sc.items {
		if rel != "" && it.alias != rel {
			continue
		}
		if !it.known {
			return nil, false
		}
		out = append(out, it.cols...)
	}
	return out, rel == "" || len(out) > 0
}

// column finds the type of a column reference, and whether the column is
// known.
func (sc *typeScope) column(names []string) (uint32, bool) {
	col := strings.ToLower(names[len(names)-1])
	qual := ""
	if len(names) >= 2 {
		qual = strings.ToLower(names[len(names)-2])
	}
	for s := sc; s != nil; s = s.parent {
		for _, it := range s.items {
			if qual != "" && it.alias != qual {
				continue
			}
			for _, c := range it.cols {
				if strings.EqualFold(c.name, col) {
					return c.oid, true
				}
			}
			if qual != "" {
				return 0, true
			}
		}
	}
	return 0, false
}

// expr types an expression (0: as its engine type says).
func (sc *typeScope) expr(e tree.Expr) uint32 {
	switch e := e.(type) {
	case *tree.ColumnRef:
		names := e.ColumnNames
		if len(names) == 0 {
			return 0
		}
		t, found := sc.column(names)
		if !found && len(names) == 1 && nameFunctions[strings.ToLower(names[0])] {
			return pgtypes.OIDName // session_user, current_user without parentheses
		}
		return t
	case *tree.PositionalReference:
		k := int(e.Index)
		for _, it := range sc.items {
			if !it.known {
				return 0
			}
			if k <= len(it.cols) {
				return it.cols[k-1].oid
			}
			k -= len(it.cols)
		}
	case *tree.Constant:
		// NULL and string literals are of type unknown in Postgres until
		// their context types them
		if e.Value.IsNull || e.Value.Type.ID == "VARCHAR" {
			return pgtypes.OIDUnknown
		}
	case *tree.Cast:
		if e.CastType.ID == "UINTEGER" {
			return pgtypes.OIDOID // ::oid (and the other OID types) after the rewrite
		}
	case *tree.Function:
		fn := strings.ToLower(e.FunctionName)
		args := nonNil(e.Children)
		switch {
		case nameFunctions[fn]:
			return pgtypes.OIDName
		case regNameFunctions[fn] != 0:
			return regNameFunctions[fn]
		case fn == "unnest" && len(args) == 1:
			return elementOf(sc.expr(args[0]))
		case (fn == "min" || fn == "max" || fn == "first" || fn == "any_value" || fn == "arbitrary") && len(args) == 1:
			return sc.expr(args[0])
		case (fn == "array_agg" || fn == "list") && len(args) == 1:
			return arrayOf[sc.expr(args[0])]
		case fn == "list_value" && len(args) == 0:
			return pgtypes.OIDUnknown // an empty array takes the other branch's type
		case fn == "lakegate_varchar" || fn == "lakegate_varchar_n" || fn == "lakegate_varchar_text":
			return pgtypes.OIDVarchar
		case fn == "lakegate_current_schemas":
			return pgtypes.OIDNameArray
		case fn == "ifnull":
			return sc.unify(args)
		case fn == "nullif" && len(args) > 0:
			return sc.expr(args[0])
		}
	case *tree.Operator:
		switch args := nonNil(e.Children); e.Type {
		case "OPERATOR_COALESCE":
			return sc.unify(args)
		case "OPERATOR_NULLIF":
			if len(args) > 0 {
				return sc.expr(args[0])
			}
		}
	case *tree.Case:
		var branches []tree.Expr
		for _, c := range e.CaseChecks {
			if c != nil && c.ThenExpr != nil {
				branches = append(branches, c.ThenExpr)
			}
		}
		if e.ElseExpr != nil {
			branches = append(branches, e.ElseExpr)
		}
		return sc.unify(branches)
	case *tree.Subquery:
		if e.SubqueryType != "SCALAR" {
			return 0
		}
		if cols, ok := queryColumns(statementNode(e.Subquery), sc, sc.ctes); ok && len(cols) == 1 {
			return cols[0].oid
		}
	}
	return 0
}

// unify is the type of an expression whose value is one of several:
// untyped NULLs take the others' type; different types leave it to the
// engine.
func (sc *typeScope) unify(es []tree.Expr) uint32 {
	t := uint32(pgtypes.OIDUnknown)
	for _, e := range es {
		t = unifyTypes(t, sc.expr(e))
	}
	return t
}

func unifyTypes(a, b uint32) uint32 {
	switch {
	case a == pgtypes.OIDUnknown:
		return b
	case b == pgtypes.OIDUnknown || a == b:
		return a
	}
	return 0
}

// nonNil is the expressions of l that are there.
func nonNil(l []tree.Expr) []tree.Expr {
	out := make([]tree.Expr, 0, len(l))
	for _, e := range l {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// catalogColumnType is the Postgres type OID of a catalog column where it
// differs from what the engine column's type maps to.
func catalogColumnType(pgType string) uint32 {
	switch pgType {
	case "name", "information_schema.sql_identifier":
		return pgtypes.OIDName
	case `"char"`:
		return pgtypes.OIDChar
	case "oid":
		return pgtypes.OIDOID
	case "regproc":
		return pgtypes.OIDRegproc
	case "regclass":
		return pgtypes.OIDRegclass
	case "regtype":
		return pgtypes.OIDRegtype
	case "xid":
		return pgtypes.OIDXid
	case "pg_node_tree":
		return pgtypes.OIDPgNodeTree
	case "name[]":
		return pgtypes.OIDNameArray
	case "oid[]":
		return pgtypes.OIDOIDArray
	case `"char"[]`:
		return pgtypes.OIDCharArray
	case "aclitem[]":
		return pgtypes.OIDACLItemArray
	case "int2vector":
		return pgtypes.OIDInt2Vector
	case "oidvector":
		return pgtypes.OIDOIDVector
	case "information_schema.character_data", "information_schema.yes_or_no":
		return pgtypes.OIDVarchar
	}
	return 0
}

// systemTypeFits reports whether a result column of engine type t can be
// sent as the Postgres system type oid: the same values, differently
// labelled.
func systemTypeFits(oid uint32, t pgtypes.Type) bool {
	switch oid {
	case pgtypes.OIDName, pgtypes.OIDChar, pgtypes.OIDRegproc, pgtypes.OIDPgNodeTree, pgtypes.OIDVarchar, pgtypes.OIDRegclass, pgtypes.OIDRegtype,
		pgtypes.OIDRegnamespace, pgtypes.OIDRegrole:
		return t.ID == pgtypes.TypeText
	case pgtypes.OIDOID, pgtypes.OIDXid, pgtypes.OIDInt4:
		return t.ID == pgtypes.TypeInt64 || t.ID == pgtypes.TypeInt32
	case pgtypes.OIDText:
		// an untyped NULL, which the engine makes an INTEGER column
		return t.ID == pgtypes.TypeInt32 || t.ID == pgtypes.TypeText
	case pgtypes.OIDNameArray, pgtypes.OIDCharArray, pgtypes.OIDACLItemArray:
		return t.ID == pgtypes.TypeList && t.Elem.ID == pgtypes.TypeText
	case pgtypes.OIDOIDArray, pgtypes.OIDInt2Vector, pgtypes.OIDOIDVector:
		return t.ID == pgtypes.TypeList && (t.Elem.ID == pgtypes.TypeInt64 || t.Elem.ID == pgtypes.TypeInt32 || t.Elem.ID == pgtypes.TypeInt16)
	}
	return false
}

// ApplyTypes labels the result columns of a statement that reads
// the emulated catalogs with their Postgres system types.
func ApplyTypes(cols []pgtypes.Column, root tree.QueryNode) {
	types := ResultTypes(root)
	if len(types) != len(cols) {
		return
	}
	for i, oid := range types {
		if oid != 0 && systemTypeFits(oid, cols[i].Type) {
			cols[i].Type.OID = oid
		}
	}
}

// markVarcharCasts turns x::varchar (and x::character varying) into
// lakegate_varchar(x) in statements that read the emulation: the engine
// has one string type, and its parse tree does not tell ::varchar from
// ::text, which Postgres types differently (1043, 25).
func markVarcharCasts(out []piece) []piece {
	var res []piece
	for i := 0; i < len(out); i++ {
		p := out[i]
		if p.text != "::" {
			res = append(res, p)
			continue
		}
		t := nextSig(out, i+1)
		end := -1
		if t < len(out) {
			switch out[t].identName() {
			case "varchar":
				end = t
			case "character":
				if v := nextSig(out, t+1); v < len(out) && out[v].identName() == "varying" {
					end = v
				}
			}
		}
		if end < 0 {
			res = append(res, p)
			continue
		}
		if o := nextSig(out, end+1); o < len(out) && out[o].text == "(" {
			if c := matchParen(out, o); c > 0 {
				end = c // the length, which the engine does not keep
			}
		}
		if a := nextSig(out, end+1); a < len(out) && out[a].text == "[" {
			res = append(res, p) // varchar[]
			continue
		}
		operand, _ := popOperand(&res)
		res = append(res, piece{text: "lakegate_varchar(" + operand + ")", kind: 'w'})
		i = end
	}
	return res
}

// selectItem reports whether what follows out starts an item of a select
// list: out ends with SELECT, or with a comma that separates select items
// (not arguments in parentheses).
func selectItem(out []piece) bool {
	k := prevNonSpace(out, len(out))
	if k < 0 {
		return false
	}
	if out[k].identName() == "select" {
		return true
	}
	if out[k].text != "," {
		return false
	}
	depth := 0
	for j := k - 1; j >= 0; j-- {
		switch p := out[j]; {
		case p.text == ")":
			depth++
		case p.text == "(":
			if depth == 0 {
				return false
			}
			depth--
		case depth == 0 && p.kind == 'w':
			switch p.identName() {
			case "select":
				return true
			case "from", "where", "group", "order", "having", "values", "by", "on", "using", "returning", "set":
				return false
			}
		}
	}
	return false
}

// NullColumns reports which result columns of a plain SELECT are a bare
// NULL or text || NULL: Postgres types such a column text, the engine
// INTEGER. Nil when
// the columns cannot be told (a star, a set operation).
func NullColumns(root tree.QueryNode) []bool {
	return resultColumns(root, func(e tree.Expr) (bool, bool) {
		switch c := e.(type) {
		case *tree.Star:
			return false, false
		case *tree.Constant:
			return isNullConstant(c), true
		case *tree.Function:
			return textConcatNull(c), true
		}
		return false, true
	})
}

// resultColumns maps each item of a plain SELECT's select list through f:
// the per-column answers the result-type rules give (NullColumns,
// Int4Columns, CharacterColumns). Nil when root is not a plain SELECT or
// f cannot tell an item (ok false: a star).
func resultColumns[T any](root tree.QueryNode, f func(tree.Expr) (v T, ok bool)) []T {
	sel, ok := root.(*tree.SelectNode)
	if !ok {
		return nil
	}
	out := make([]T, len(sel.SelectList))
	for i, e := range sel.SelectList {
		v, ok := f(e)
		if !ok {
			return nil
		}
		out[i] = v
	}
	return out
}

func isNullConstant(e tree.Expr) bool {
	c, ok := e.(*tree.Constant)
	return ok && c.Value.IsNull && c.Value.Type.ID == "NULL"
}

// textConcatNull matches text || NULL (either way round): NULL, of type
// text in Postgres, of type NULL (sent as INTEGER) in the engine. The
// text side must be a string constant or a cast to text: an array's ||
// NULL is an array.
func textConcatNull(f *tree.Function) bool {
	if f.FunctionName != "||" || len(f.Children) != 2 {
		return false
	}
	for i, e := range f.Children {
		if !isNullConstant(e) {
			continue
		}
		switch o := f.Children[1-i].(type) {
		case *tree.Constant:
			return o.Value.Type.ID == "VARCHAR"
		case *tree.Cast:
			return o.CastType.ID == "VARCHAR"
		}
	}
	return false
}
