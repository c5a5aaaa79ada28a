package tree

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"sync"
)

// extra is what a node's JSON holds beyond its typed fields: the fields
// this package does not model, as the engine wrote them, and the typed
// fields the engine's JSON did not have. Marshal writes both back as they
// were, so the engine gets its own tree. A node built in Go has none.
type extra struct {
	rest   map[string]json.RawMessage
	absent []string
	// nested are the nodes found in rest (a field this package does not
	// model, or a node of a kind it does not know): Inspect visits them,
	// so nothing in a statement escapes a walk; Rewrite reaches them too,
	// but what it changes there is not written back.
	nested []Node
}

func (x *extra) extraFields() *extra { return x }

// hasExtra is every node type (through its embedded extra).
type hasExtra interface{ extraFields() *extra }

// Extra returns a field of the node's JSON that the typed fields do not
// model.
func (x *extra) Extra(key string) (json.RawMessage, bool) {
	v, ok := x.rest[key]
	return v, ok
}

var (
	exprType     = reflect.TypeFor[Expr]()
	tableRefType = reflect.TypeFor[TableRef]()
	queryType    = reflect.TypeFor[QueryNode]()
	extraType    = reflect.TypeFor[extra]()
	rawType      = reflect.TypeFor[json.RawMessage]()
)

type fieldInfo struct {
	name  string
	index []int
}

type typeInfo struct {
	fields []fieldInfo
	names  map[string]bool
}

var typeCache sync.Map // reflect.Type -> *typeInfo

// infoOf lists the JSON fields of a node type, embedded structs flattened.
func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{names: map[string]bool{}}
	var add func(t reflect.Type, prefix []int)
	add = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			idx := append(append([]int{}, prefix...), i)
			switch tag := f.Tag.Get("json"); {
			case f.Type == extraType:
				// the node's own (extraFields), not a JSON field
			case f.Anonymous && f.Type.Kind() == reflect.Struct:
				add(f.Type, idx)
			case tag != "" && tag != "-":
				ti.fields = append(ti.fields, fieldInfo{name: tag, index: idx})
				ti.names[tag] = true
			}
		}
	}
	add(t, nil)
	typeCache.Store(t, ti)
	return ti
}

// decodeJSON reads one JSON value, numbers as json.Number.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// decode fills the node ptr points to from JSON text.
func decode(b []byte, ptr any) error {
	v, err := decodeJSON(b)
	if err != nil {
		return err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("tree: %T is not an object", v)
	}
	return fromMap(m, ptr)
}

// fromMap fills the node ptr points to from a decoded JSON object: one
// decode of the whole tree, then a walk of the values.
func fromMap(m map[string]any, ptr any) error {
	rv := reflect.ValueOf(ptr).Elem()
	ti := infoOf(rv.Type())
	var x extra
	for _, f := range ti.fields {
		v, ok := m[f.name]
		if !ok {
			x.absent = append(x.absent, f.name)
			continue
		}
		if err := fill(v, rv.FieldByIndex(f.index)); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	for k, v := range m {
		if ti.names[k] {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if err := findNodes(v, &x.nested); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if x.rest == nil {
			x.rest = make(map[string]json.RawMessage, len(m)-len(ti.fields))
		}
		x.rest[k] = b
	}
	*ptr.(hasExtra).extraFields() = x
	return nil
}

var (
	queryTypes = map[string]bool{"SELECT_NODE": true, "SET_OPERATION_NODE": true, "RECURSIVE_CTE_NODE": true, "CTE_NODE": true}
	refTypes   = map[string]bool{"BASE_TABLE": true, "JOIN": true, "SUBQUERY": true, "TABLE_FUNCTION": true,
		"EXPRESSION_LIST": true, "EMPTY": true, "PIVOT": true, "SHOW_REF": true}
)

// findNodes decodes the nodes in a JSON value outside the typed fields:
// objects with an expression class, or the type of a query node or table
// reference, wherever they are nested.
func findNodes(v any, out *[]Node) error {
	switch v := v.(type) {
	case []any:
		for _, it := range v {
			if err := findNodes(it, out); err != nil {
				return err
			}
		}
	case map[string]any:
		var n Node
		var err error
		class, _ := v["class"].(string)
		typ, _ := v["type"].(string)
		switch {
		case class != "":
			n, err = exprFrom(v)
		case queryTypes[typ]:
			n, err = queryNodeFrom(v)
		case refTypes[typ]:
			n, err = tableRefFrom(v)
		default:
			for _, c := range v {
				if err := findNodes(c, out); err != nil {
					return err
				}
			}
			return nil
		}
		if err != nil {
			return err
		}
		*out = append(*out, n)
	}
	return nil
}

// fill sets fv from a decoded JSON value.
func fill(v any, fv reflect.Value) error {
	if v == nil {
		fv.SetZero()
		return nil
	}
	var n Node
	var err error
	switch fv.Type() {
	case exprType:
		n, err = exprFrom(v)
	case tableRefType:
		n, err = tableRefFrom(v)
	case queryType:
		n, err = queryNodeFrom(v)
	case rawType:
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		fv.SetBytes(b)
		return nil
	default:
		return fillPlain(v, fv)
	}
	if err != nil {
		return err
	}
	fv.Set(reflect.ValueOf(n))
	return nil
}

func fillPlain(v any, fv reflect.Value) error {
	switch fv.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%T, not a string", v)
		}
		fv.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%T, not a boolean", v)
		}
		fv.SetBool(b)
	case reflect.Uint64:
		num, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("%T, not a number", v)
		}
		u, err := strconv.ParseUint(string(num), 10, 64)
		if err != nil {
			return err
		}
		fv.SetUint(u)
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%T, not a list", v)
		}
		s := reflect.MakeSlice(fv.Type(), len(l), len(l))
		for i, it := range l {
			if err := fill(it, s.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		fv.Set(s)
	case reflect.Pointer:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%T, not an object", v)
		}
		p := reflect.New(fv.Type().Elem())
		if err := fromMap(m, p.Interface()); err != nil {
			return err
		}
		fv.Set(p)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%T, not an object", v)
		}
		return fromMap(m, fv.Addr().Interface())
	default:
		return fmt.Errorf("tree: cannot decode into %s", fv.Type())
	}
	return nil
}

// encode writes the node ptr points to as a JSON object: its typed fields
// and its extra ones. A typed field the engine's JSON did not have stays
// out while it is null; a nil list is written as [].
func encode(ptr any) ([]byte, error) {
	rv := reflect.ValueOf(ptr).Elem()
	ti := infoOf(rv.Type())
	x := ptr.(hasExtra).extraFields()
	out := make(map[string]json.RawMessage, len(x.rest)+len(ti.fields))
	for k, v := range x.rest {
		out[k] = v
	}
	for _, f := range ti.fields {
		fv := rv.FieldByIndex(f.index)
		b, err := json.Marshal(fv.Addr().Interface())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if bytes.Equal(b, []byte("null")) {
			if wasAbsent(x.absent, f.name) {
				continue
			}
			if fv.Kind() == reflect.Slice && fv.Type() != rawType {
				b = []byte("[]") // the engine reads lists as arrays, never null
			}
		}
		out[f.name] = b
	}
	return json.Marshal(out)
}

func wasAbsent(absent []string, name string) bool {
	for _, a := range absent {
		if a == name {
			return true
		}
	}
	return false
}

// kind reads the discriminating field of a node (class or type).
func kind(v any, field string) (map[string]any, string, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("%T, not an object", v)
	}
	s, _ := m[field].(string)
	return m, s, nil
}

func exprFrom(v any) (Expr, error) {
	m, class, err := kind(v, "class")
	if err != nil {
		return nil, err
	}
	var e Expr
	switch class {
	case "COLUMN_REF":
		e = &ColumnRef{}
	case "CONSTANT":
		e = &Constant{}
	case "FUNCTION":
		e = &Function{}
	case "CAST":
		e = &Cast{}
	case "OPERATOR":
		e = &Operator{}
	case "COMPARISON":
		e = &Comparison{}
	case "CONJUNCTION":
		e = &Conjunction{}
	case "CASE":
		e = &Case{}
	case "SUBQUERY":
		e = &Subquery{}
	case "STAR":
		e = &Star{}
	case "WINDOW":
		e = &Window{}
	case "BETWEEN":
		e = &Between{}
	case "PARAMETER":
		e = &Parameter{}
	case "LAMBDA":
		e = &Lambda{}
	case "COLLATE":
		e = &Collate{}
	case "POSITIONAL_REFERENCE":
		e = &PositionalReference{}
	case "DEFAULT":
		e = &Default{}
	default:
		e = &OtherExpr{}
	}
	return e, fromMap(m, e)
}

func tableRefFrom(v any) (TableRef, error) {
	m, typ, err := kind(v, "type")
	if err != nil {
		return nil, err
	}
	var r TableRef
	switch typ {
	case "BASE_TABLE":
		r = &BaseTable{}
	case "JOIN":
		r = &Join{}
	case "SUBQUERY":
		r = &SubqueryRef{}
	case "TABLE_FUNCTION":
		r = &TableFunction{}
	case "EXPRESSION_LIST":
		r = &ExpressionList{}
	case "EMPTY":
		r = &EmptyRef{}
	case "PIVOT":
		r = &Pivot{}
	case "SHOW_REF":
		r = &ShowRef{}
	default:
		r = &OtherTableRef{}
	}
	return r, fromMap(m, r)
}

func queryNodeFrom(v any) (QueryNode, error) {
	m, typ, err := kind(v, "type")
	if err != nil {
		return nil, err
	}
	var q QueryNode
	switch typ {
	case "SELECT_NODE":
		q = &SelectNode{}
	case "SET_OPERATION_NODE":
		q = &SetOperationNode{}
	case "RECURSIVE_CTE_NODE":
		q = &RecursiveCTENode{}
	case "CTE_NODE":
		q = &CTENode{}
	default:
		q = &OtherQueryNode{}
	}
	return q, fromMap(m, q)
}
