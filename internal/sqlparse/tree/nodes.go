package tree

import (
	"bytes"
	"encoding/json"
	"math"
)

// Node is a node of a statement's tree: a QueryNode, a TableRef or an
// Expr. Inspect and Rewrite visit them.
type Node interface{ isNode() }

// NoLocation is the query location of a node the engine made up (it has
// no place in the text).
const NoLocation = math.MaxUint64

// Statement is one statement: its query and its named parameters (kept as
// the engine wrote them). A subquery, a CTE's body and a FROM subquery are
// statements too.
type Statement struct {
	Node  QueryNode `json:"node"`
	extra `json:"-"`
}

// ---- query nodes

// QueryNode is a query: *SelectNode, *SetOperationNode,
// *RecursiveCTENode, *CTENode or *OtherQueryNode.
type QueryNode interface {
	Node
	Head() *QueryBase
}

// QueryBase holds the fields every query node has.
type QueryBase struct {
	Type      string      `json:"type"`
	Modifiers []*Modifier `json:"modifiers"`
	CTEMap    CTEMap      `json:"cte_map"`
}

func (q *QueryBase) isNode()          {}
func (q *QueryBase) Head() *QueryBase { return q }

// CTEMap lists the common table expressions a query defines (WITH).
type CTEMap struct {
	Map   []*CTEEntry `json:"map"`
	extra `json:"-"`
}

// CTEEntry is one WITH name AS (...).
type CTEEntry struct {
	Key   string   `json:"key"`
	Value *CTEInfo `json:"value"`
	extra `json:"-"`
}

// CTEInfo is a CTE's body and column names.
type CTEInfo struct {
	Aliases      []string   `json:"aliases"`
	Query        *Statement `json:"query"`
	Materialized string     `json:"materialized"`
	KeyTargets   []Expr     `json:"key_targets"` // USING KEY (...)
	extra        `json:"-"`
}

// Modifier is a result modifier of a query; Type says which
// (ORDER_MODIFIER: Orders; LIMIT_MODIFIER and LIMIT_PERCENT_MODIFIER:
// Limit and Offset; DISTINCT_MODIFIER: DistinctOnTargets).
type Modifier struct {
	Type              string     `json:"type"`
	Orders            []*OrderBy `json:"orders"`
	Limit             Expr       `json:"limit"`
	Offset            Expr       `json:"offset"`
	DistinctOnTargets []Expr     `json:"distinct_on_targets"`
	extra             `json:"-"`
}

// OrderBy is one ORDER BY term; Type is ORDER_DEFAULT, ASCENDING or
// DESCENDING.
type OrderBy struct {
	Type       string `json:"type"`
	NullOrder  string `json:"null_order"`
	Expression Expr   `json:"expression"`
	extra      `json:"-"`
}

// SelectNode is SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ...
// QUALIFY (and VALUES, as a SELECT * over an ExpressionList).
type SelectNode struct {
	QueryBase
	SelectList       []Expr          `json:"select_list"`
	FromTable        TableRef        `json:"from_table"`
	WhereClause      Expr            `json:"where_clause"`
	GroupExpressions []Expr          `json:"group_expressions"`
	Having           Expr            `json:"having"`
	Qualify          Expr            `json:"qualify"`
	Sample           json.RawMessage `json:"sample"`
	extra            `json:"-"`
}

// SetOperationNode is UNION, EXCEPT or INTERSECT (SetopType), ALL or not.
type SetOperationNode struct {
	QueryBase
	SetopType string    `json:"setop_type"`
	SetopAll  bool      `json:"setop_all"`
	Left      QueryNode `json:"left"`
	Right     QueryNode `json:"right"`
	extra     `json:"-"`
}

// RecursiveCTENode is the body of a WITH RECURSIVE CTE: Left UNION [ALL]
// Right, where Right reads CTEName.
type RecursiveCTENode struct {
	QueryBase
	CTEName    string    `json:"cte_name"`
	UnionAll   bool      `json:"union_all"`
	Left       QueryNode `json:"left"`
	Right      QueryNode `json:"right"`
	Aliases    []string  `json:"aliases"`
	KeyTargets []Expr    `json:"key_targets"`
	extra      `json:"-"`
}

// CTENode is a materialized CTE, Query, in scope of Child.
type CTENode struct {
	QueryBase
	CTEName string    `json:"cte_name"`
	Query   QueryNode `json:"query"`
	Child   QueryNode `json:"child"`
	Aliases []string  `json:"aliases"`
	extra   `json:"-"`
}

// OtherQueryNode is a query node of a type this package does not model;
// it round-trips unchanged, and Inspect sees the nodes in it.
type OtherQueryNode struct {
	QueryBase
	extra `json:"-"`
}

// ---- table references

// TableRef is an item of a FROM clause: *BaseTable, *Join, *SubqueryRef,
// *TableFunction, *ExpressionList, *EmptyRef, *Pivot, *ShowRef or
// *OtherTableRef.
type TableRef interface {
	Node
	Head() *RefBase
}

// RefBase holds the fields every table reference has.
type RefBase struct {
	Type          string          `json:"type"`
	Alias         string          `json:"alias"`
	Sample        json.RawMessage `json:"sample"`
	QueryLocation uint64          `json:"query_location"`
}

func (r *RefBase) isNode()        {}
func (r *RefBase) Head() *RefBase { return r }

// BaseTable is a table or view by name, perhaps AT (...) a version.
type BaseTable struct {
	RefBase
	CatalogName     string    `json:"catalog_name"`
	SchemaName      string    `json:"schema_name"`
	TableName       string    `json:"table_name"`
	ColumnNameAlias []string  `json:"column_name_alias"`
	AtClause        *AtClause `json:"at_clause"`
	extra           `json:"-"`
}

// AtClause is AT (Unit => Expr).
type AtClause struct {
	Unit  string `json:"unit"`
	Expr  Expr   `json:"expr"`
	extra `json:"-"`
}

// Join is Left JOIN Right ON Condition (or USING, NATURAL, CROSS: RefType).
type Join struct {
	RefBase
	Left         TableRef `json:"left"`
	Right        TableRef `json:"right"`
	Condition    Expr     `json:"condition"`
	JoinType     string   `json:"join_type"`
	RefType      string   `json:"ref_type"`
	UsingColumns []string `json:"using_columns"`
	// DuplicateEliminatedColumns are the engine's own (delim joins).
	DuplicateEliminatedColumns []Expr `json:"duplicate_eliminated_columns"`
	extra                      `json:"-"`
}

// SubqueryRef is (SELECT ...) AS alias(columns) in FROM.
type SubqueryRef struct {
	RefBase
	Subquery        *Statement `json:"subquery"`
	ColumnNameAlias []string   `json:"column_name_alias"`
	extra           `json:"-"`
}

// TableFunction is a function call in FROM (range(10), read_parquet(...)).
type TableFunction struct {
	RefBase
	Function        Expr     `json:"function"`
	ColumnNameAlias []string `json:"column_name_alias"`
	extra           `json:"-"`
}

// ExpressionList is VALUES (...), (...).
type ExpressionList struct {
	RefBase
	Values [][]Expr `json:"values"`
	extra  `json:"-"`
}

// EmptyRef is the FROM of a SELECT without one.
type EmptyRef struct {
	RefBase
	extra `json:"-"`
}

// Pivot is Source PIVOT (Aggregates FOR Pivots) and UNPIVOT.
type Pivot struct {
	RefBase
	Source     TableRef       `json:"source"`
	Aggregates []Expr         `json:"aggregates"`
	Pivots     []*PivotColumn `json:"pivots"`
	extra      `json:"-"`
}

// PivotColumn is one FOR ... IN (...) of a pivot.
type PivotColumn struct {
	PivotExpressions []Expr        `json:"pivot_expressions"`
	Entries          []*PivotEntry `json:"entries"`
	extra            `json:"-"`
}

// PivotEntry is one value (or star expression) a pivot column takes.
type PivotEntry struct {
	StarExpr Expr `json:"star_expr"`
	extra    `json:"-"`
}

// ShowRef is what DESCRIBE, SUMMARIZE and SHOW read: Query's result, or
// the table TableName.
type ShowRef struct {
	RefBase
	TableName   string    `json:"table_name"`
	CatalogName string    `json:"catalog_name"`
	SchemaName  string    `json:"schema_name"`
	ShowType    string    `json:"show_type"`
	Query       QueryNode `json:"query"`
	extra       `json:"-"`
}

// OtherTableRef is a table reference of a type this package does not
// model; it round-trips unchanged, and Inspect sees the nodes in it.
type OtherTableRef struct {
	RefBase
	extra `json:"-"`
}

// ---- expressions

// Expr is an expression; its concrete type follows the engine's
// expression class (ColumnRef for COLUMN_REF, ...; OtherExpr for a class
// this package does not model).
type Expr interface {
	Node
	Head() *ExprBase
}

// ExprBase holds the fields every expression has: its class, its type
// within the class (COMPARE_EQUAL, OPERATOR_NOT, ...), its alias (AS ...)
// and its byte offset in the statement.
type ExprBase struct {
	Class         string `json:"class"`
	Type          string `json:"type"`
	Alias         string `json:"alias"`
	QueryLocation uint64 `json:"query_location"`
}

func (e *ExprBase) isNode()         {}
func (e *ExprBase) Head() *ExprBase { return e }

// ColumnRef is a column, perhaps qualified: [catalog.][schema.][table.]column.
type ColumnRef struct {
	ExprBase
	ColumnNames []string `json:"column_names"`
	extra       `json:"-"`
}

// Constant is a literal value.
type Constant struct {
	ExprBase
	Value Value `json:"value"`
	extra `json:"-"`
}

// Value is a typed value; Value holds it as the engine wrote it.
type Value struct {
	Type   LogicalType     `json:"type"`
	IsNull bool            `json:"is_null"`
	Value  json.RawMessage `json:"value"`
	extra  `json:"-"`
}

// Any is the value as a json.Number, string or bool (nil for NULL or a
// value of another form).
func (v *Value) Any() any {
	if v.IsNull || len(v.Value) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(v.Value))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return nil
	}
	switch x.(type) {
	case json.Number, string, bool:
		return x
	}
	return nil
}

// LogicalType is an engine type: its id (INTEGER, VARCHAR, LIST, ...) and
// what qualifies it (the element type of a list, a decimal's width ...).
type LogicalType struct {
	ID       string    `json:"id"`
	TypeInfo *TypeInfo `json:"type_info"`
	extra    `json:"-"`
}

// TypeInfo qualifies a LogicalType; ChildType is a LIST's or ARRAY's
// element type.
type TypeInfo struct {
	Type      string       `json:"type"`
	ChildType *LogicalType `json:"child_type"`
	Name      string       `json:"name"` // an UNBOUND type's name as written (json, a user's type)
	extra     `json:"-"`
}

// Function is a function call, an aggregate or an operator the engine
// parses as a function (IsOperator: +, ||, ~~ ...).
type Function struct {
	ExprBase
	FunctionName string    `json:"function_name"`
	Schema       string    `json:"schema"`
	Catalog      string    `json:"catalog"`
	Children     []Expr    `json:"children"`
	Filter       Expr      `json:"filter"`
	OrderBys     *Modifier `json:"order_bys"`
	Distinct     bool      `json:"distinct"`
	IsOperator   bool      `json:"is_operator"`
	ExportState  bool      `json:"export_state"`
	extra        `json:"-"`
}

// Cast is CAST(Child AS CastType), Child::CastType or TRY_CAST.
type Cast struct {
	ExprBase
	Child    Expr        `json:"child"`
	CastType LogicalType `json:"cast_type"`
	TryCast  bool        `json:"try_cast"`
	extra    `json:"-"`
}

// Operator is NOT, IS [NOT] NULL, IN, COALESCE, NULLIF, array access ...
// (Type says which) over Children.
type Operator struct {
	ExprBase
	Children []Expr `json:"children"`
	extra    `json:"-"`
}

// Comparison is Left op Right (Type: COMPARE_EQUAL, COMPARE_LESSTHAN ...).
type Comparison struct {
	ExprBase
	Left  Expr `json:"left"`
	Right Expr `json:"right"`
	extra `json:"-"`
}

// Conjunction is AND or OR (Type) over Children.
type Conjunction struct {
	ExprBase
	Children []Expr `json:"children"`
	extra    `json:"-"`
}

// Case is CASE WHEN ... THEN ... ELSE ElseExpr END (CASE x WHEN v is
// parsed as WHEN x = v).
type Case struct {
	ExprBase
	CaseChecks []*CaseCheck `json:"case_checks"`
	ElseExpr   Expr         `json:"else_expr"`
	extra      `json:"-"`
}

// CaseCheck is one WHEN WhenExpr THEN ThenExpr.
type CaseCheck struct {
	WhenExpr Expr `json:"when_expr"`
	ThenExpr Expr `json:"then_expr"`
	extra    `json:"-"`
}

// Subquery is a subquery in an expression: SCALAR, EXISTS, NOT_EXISTS or
// ANY (Child ComparisonType ANY (Subquery), and IN).
type Subquery struct {
	ExprBase
	SubqueryType   string     `json:"subquery_type"`
	Subquery       *Statement `json:"subquery"`
	Child          Expr       `json:"child"`
	ComparisonType string     `json:"comparison_type"`
	extra          `json:"-"`
}

// Star is * or rel.* (with EXCLUDE, REPLACE, RENAME), or COLUMNS(...)
// when Columns is set.
type Star struct {
	ExprBase
	RelationName         string            `json:"relation_name"`
	ExcludeList          []json.RawMessage `json:"exclude_list"`
	QualifiedExcludeList []json.RawMessage `json:"qualified_exclude_list"`
	RenameList           []json.RawMessage `json:"rename_list"`
	ReplaceList          []*StarReplace    `json:"replace_list"`
	Columns              bool              `json:"columns"`
	Expr                 Expr              `json:"expr"`
	extra                `json:"-"`
}

// StarReplace is one REPLACE (Value AS Key) of a star.
type StarReplace struct {
	Key   string `json:"key"`
	Value Expr   `json:"value"`
	extra `json:"-"`
}

// Window is a window function call: f(Children) OVER (PARTITION BY
// Partitions ORDER BY Orders frame).
type Window struct {
	ExprBase
	FunctionName string     `json:"function_name"`
	Schema       string     `json:"schema"`
	Catalog      string     `json:"catalog"`
	Children     []Expr     `json:"children"`
	Partitions   []Expr     `json:"partitions"`
	Orders       []*OrderBy `json:"orders"`
	ArgOrders    []*OrderBy `json:"arg_orders"`
	Start        string     `json:"start"`
	End          string     `json:"end"`
	StartExpr    Expr       `json:"start_expr"`
	EndExpr      Expr       `json:"end_expr"`
	OffsetExpr   Expr       `json:"offset_expr"`
	DefaultExpr  Expr       `json:"default_expr"`
	FilterExpr   Expr       `json:"filter_expr"`
	IgnoreNulls  bool       `json:"ignore_nulls"`
	Distinct     bool       `json:"distinct"`
	extra        `json:"-"`
}

// Between is Input BETWEEN Lower AND Upper.
type Between struct {
	ExprBase
	Input Expr `json:"input"`
	Lower Expr `json:"lower"`
	Upper Expr `json:"upper"`
	extra `json:"-"`
}

// Parameter is $n or ? (Identifier is its number or name).
type Parameter struct {
	ExprBase
	Identifier string `json:"identifier"`
	extra      `json:"-"`
}

// Lambda is Lhs -> Expr (or lambda Lhs: Expr).
type Lambda struct {
	ExprBase
	Lhs   Expr `json:"lhs"`
	Expr  Expr `json:"expr"`
	extra `json:"-"`
}

// Collate is Child COLLATE Collation.
type Collate struct {
	ExprBase
	Child     Expr   `json:"child"`
	Collation string `json:"collation"`
	extra     `json:"-"`
}

// PositionalReference is #Index, a column by position.
type PositionalReference struct {
	ExprBase
	Index uint64 `json:"index"`
	extra `json:"-"`
}

// Default is DEFAULT.
type Default struct {
	ExprBase
	extra `json:"-"`
}

// OtherExpr is an expression of a class this package does not model; it
// round-trips unchanged, and Inspect sees the nodes in it.
type OtherExpr struct {
	ExprBase
	extra `json:"-"`
}
