package tree

import (
	"encoding/json"
	"fmt"
)

// Engine is the engine's SQL front end (internal/engine's Conn has it):
// json_serialize_sql and json_deserialize_sql.
type Engine interface {
	SerializeSQL(sql string) (string, error)
	DeserializeSQL(tree string) (string, error)
}

// ParseError is a statement the engine could not turn into a tree: a
// syntax error (Type "parser"), or a statement json_serialize_sql does not
// serialize (Type "not implemented": anything but a query).
type ParseError struct {
	Type, Msg string
}

func (e *ParseError) Error() string { return e.Msg }

// Parse returns the trees of the statements in sql. An error from the
// engine itself is returned as it is; a statement it rejects is a
// *ParseError.
func Parse(e Engine, sql string) ([]*Statement, error) {
	stmts, _, err := ParseSized(e, sql)
	return stmts, err
}

// ParseSized is Parse, and the length of the engine's serialized trees
// (what the decoded trees' size grows with: plancache.go's estimate).
func ParseSized(e Engine, sql string) ([]*Statement, int, error) {
	js, err := e.SerializeSQL(sql)
	if err != nil {
		return nil, 0, err
	}
	stmts, err := Unmarshal([]byte(js))
	return stmts, len(js), err
}

// Unmarshal reads json_serialize_sql's output.
func Unmarshal(js []byte) ([]*Statement, error) {
	v, err := decodeJSON(js)
	if err != nil {
		return nil, fmt.Errorf("tree: decode parse tree: %w", err)
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("tree: decode parse tree: %T, not an object", v)
	}
	if failed, _ := top["error"].(bool); failed {
		typ, _ := top["error_type"].(string)
		msg, _ := top["error_message"].(string)
		return nil, &ParseError{Type: typ, Msg: msg}
	}
	list, ok := top["statements"].([]any)
	if !ok {
		return nil, fmt.Errorf("tree: decode parse tree: no statements")
	}
	out := make([]*Statement, 0, len(list))
	for i, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("tree: decode statement %d: %T, not an object", i+1, it)
		}
		s := &Statement{}
		if err := fromMap(m, s); err != nil {
			return nil, fmt.Errorf("tree: decode statement %d: %w", i+1, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Marshal writes statements in json_serialize_sql's form, which
// json_deserialize_sql reads.
func Marshal(stmts ...*Statement) ([]byte, error) {
	if stmts == nil {
		stmts = []*Statement{}
	}
	return json.Marshal(struct {
		Error      bool         `json:"error"`
		Statements []*Statement `json:"statements"`
	}{Statements: stmts})
}

// Render returns the SQL text of statements as the engine writes it
// (json_deserialize_sql): statements separated by "; ". No statements
// (the tree of an empty text) render as "".
func Render(e Engine, stmts ...*Statement) (string, error) {
	if len(stmts) == 0 {
		return "", nil
	}
	js, err := Marshal(stmts...)
	if err != nil {
		return "", err
	}
	return e.DeserializeSQL(string(js))
}
