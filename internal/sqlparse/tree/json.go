package tree

// Every node type reads and writes its JSON through decode and encode
// (codec.go).

func (n *Statement) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Statement) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *CTEMap) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *CTEMap) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *CTEEntry) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *CTEEntry) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *CTEInfo) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *CTEInfo) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Modifier) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Modifier) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *OrderBy) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *OrderBy) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *SelectNode) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *SelectNode) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *SetOperationNode) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *SetOperationNode) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *RecursiveCTENode) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *RecursiveCTENode) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *CTENode) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *CTENode) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *OtherQueryNode) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *OtherQueryNode) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *BaseTable) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *BaseTable) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *AtClause) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *AtClause) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Join) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Join) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *SubqueryRef) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *SubqueryRef) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *TableFunction) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *TableFunction) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *ExpressionList) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *ExpressionList) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *EmptyRef) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *EmptyRef) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Pivot) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Pivot) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *OtherTableRef) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *OtherTableRef) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *ColumnRef) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *ColumnRef) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Constant) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Constant) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Value) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Value) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *LogicalType) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *LogicalType) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *TypeInfo) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *TypeInfo) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Function) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Function) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Cast) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Cast) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Operator) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Operator) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Comparison) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Comparison) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Conjunction) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Conjunction) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Case) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Case) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *CaseCheck) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *CaseCheck) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Subquery) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Subquery) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Star) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Star) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *StarReplace) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *StarReplace) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Window) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Window) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Between) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Between) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Parameter) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Parameter) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Lambda) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Lambda) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Collate) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Collate) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *PositionalReference) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *PositionalReference) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *Default) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *Default) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *OtherExpr) UnmarshalJSON(b []byte) error   { return decode(b, n) }
func (n *OtherExpr) MarshalJSON() ([]byte, error)   { return encode(n) }
func (n *PivotColumn) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *PivotColumn) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *PivotEntry) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *PivotEntry) MarshalJSON() ([]byte, error) { return encode(n) }

func (n *ShowRef) UnmarshalJSON(b []byte) error { return decode(b, n) }
func (n *ShowRef) MarshalJSON() ([]byte, error) { return encode(n) }
