package tree

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
)

// Fields holds every field of a node as the engine serialized it. The
// typed fields are read from it; on Marshal the typed fields are written
// over it, so the fields this package does not model go back to the engine
// unchanged.
type Fields map[string]json.RawMessage

var (
	exprType     = reflect.TypeFor[Expr]()
	tableRefType = reflect.TypeFor[TableRef]()
	queryType    = reflect.TypeFor[QueryNode]()
	fieldsType   = reflect.TypeFor[Fields]()
	rawType      = reflect.TypeFor[json.RawMessage]()
)

type fieldInfo struct {
	name  string
	index []int
}

var fieldCache sync.Map // reflect.Type -> []fieldInfo

// fieldsOf lists the JSON fields of a node type, embedded structs
// flattened, and the index of its Fields.
func fieldsOf(t reflect.Type) ([]fieldInfo, []int) {
	type entry struct {
		fs   []fieldInfo
		orig []int
	}
	if e, ok := fieldCache.Load(t); ok {
		return e.(entry).fs, e.(entry).orig
	}
	var e entry
	var add func(t reflect.Type, prefix []int)
	add = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			idx := append(append([]int{}, prefix...), i)
			switch tag := f.Tag.Get("json"); {
			case f.Type == fieldsType:
				e.orig = idx
			case f.Anonymous && f.Type.Kind() == reflect.Struct:
				add(f.Type, idx)
			case tag != "" && tag != "-":
				e.fs = append(e.fs, fieldInfo{name: tag, index: idx})
			}
		}
	}
	add(t, nil)
	fieldCache.Store(t, e)
	return e.fs, e.orig
}

// decode fills the node v points to from the JSON object data.
func decode(data []byte, v any) error {
	rv := reflect.ValueOf(v).Elem()
	var raw Fields
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	fs, orig := fieldsOf(rv.Type())
	for _, f := range fs {
		b, ok := raw[f.name]
		if !ok {
			continue
		}
		if err := decodeValue(b, rv.FieldByIndex(f.index)); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	rv.FieldByIndex(orig).Set(reflect.ValueOf(raw))
	return nil
}

func decodeValue(b []byte, fv reflect.Value) error {
	var err error
	var n any
	switch fv.Type() {
	case exprType:
		n, err = decodeExpr(b)
	case tableRefType:
		n, err = decodeTableRef(b)
	case queryType:
		n, err = decodeQueryNode(b)
	default:
		if fv.Kind() == reflect.Slice && (fv.Type().Elem().Kind() == reflect.Interface || fv.Type().Elem().Kind() == reflect.Slice) {
			var items []json.RawMessage
			if err := json.Unmarshal(b, &items); err != nil {
				return err
			}
			if items == nil {
				fv.SetZero()
				return nil
			}
			s := reflect.MakeSlice(fv.Type(), len(items), len(items))
			for i, it := range items {
				if err := decodeValue(it, s.Index(i)); err != nil {
					return err
				}
			}
			fv.Set(s)
			return nil
		}
		return json.Unmarshal(b, fv.Addr().Interface())
	}
	if err != nil {
		return err
	}
	if n == nil || reflect.ValueOf(n).IsNil() {
		fv.SetZero()
	} else {
		fv.Set(reflect.ValueOf(n))
	}
	return nil
}

// encode writes the node v points to as a JSON object: its Fields with the
// typed fields written over them. A typed field that is null and was absent
// from the engine's JSON stays absent; a nil list is written as [].
func encode(v any) ([]byte, error) {
	rv := reflect.ValueOf(v).Elem()
	fs, origIdx := fieldsOf(rv.Type())
	orig := rv.FieldByIndex(origIdx).Interface().(Fields)
	out := make(Fields, len(orig)+len(fs))
	for k, val := range orig {
		out[k] = val
	}
	for _, f := range fs {
		fv := rv.FieldByIndex(f.index)
		b, err := json.Marshal(fv.Addr().Interface())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if bytes.Equal(b, []byte("null")) {
			if _, had := orig[f.name]; orig != nil && !had {
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

// kind reads the discriminating field of a node (class or type).
func kind(b []byte, field string) (string, bool, error) {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return "", false, nil
	}
	var head map[string]json.RawMessage
	if err := json.Unmarshal(b, &head); err != nil {
		return "", false, err
	}
	var s string
	if raw, ok := head[field]; ok {
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false, fmt.Errorf("%s: %w", field, err)
		}
	}
	return s, true, nil
}

func decodeExpr(b []byte) (Expr, error) {
	class, ok, err := kind(b, "class")
	if !ok || err != nil {
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
	return e, json.Unmarshal(b, e)
}

func decodeTableRef(b []byte) (TableRef, error) {
	typ, ok, err := kind(b, "type")
	if !ok || err != nil {
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
	default:
		r = &OtherTableRef{}
	}
	return r, json.Unmarshal(b, r)
}

func decodeQueryNode(b []byte) (QueryNode, error) {
	typ, ok, err := kind(b, "type")
	if !ok || err != nil {
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
	return q, json.Unmarshal(b, q)
}
