package engine

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// SerializeSQL returns DuckDB's parse tree of sql as JSON
// (json_serialize_sql). A statement DuckDB cannot parse is not an error
// here: the JSON says so ("error": true, with error_type and
// error_message); internal/sqlparse/tree reads it.
func (c *Conn) SerializeSQL(sql string) (string, error) {
	return c.queryString("SELECT json_serialize_sql(" + sqlparse.QuoteLiteral(sql) + ")::VARCHAR")
}

// DeserializeSQL renders a parse tree in json_serialize_sql's form back to
// SQL text (json_deserialize_sql).
func (c *Conn) DeserializeSQL(tree string) (string, error) {
	return c.queryString("SELECT json_deserialize_sql(" + sqlparse.QuoteLiteral(tree) + "::JSON)::VARCHAR")
}

// queryString runs a query of one VARCHAR value.
func (c *Conn) queryString(sql string) (string, error) {
	var out []string
	err := c.Query(sql, func(rec arrow.RecordBatch) error {
		col, ok := rec.Column(0).(*array.String)
		if !ok {
			return fmt.Errorf("engine: column 0 is %s, not VARCHAR", rec.Column(0).DataType())
		}
		for i := 0; i < col.Len(); i++ {
			out = append(out, strings.Clone(col.Value(i))) // the batch is freed after fn
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if len(out) != 1 {
		return "", fmt.Errorf("engine: %d rows, want one", len(out))
	}
	return out[0], nil
}
