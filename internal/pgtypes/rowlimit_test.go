package pgtypes

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgtype"
)

// A value or row over its cap is refused before it is encoded, whatever
// its type: text, bytea (doubled in hex text), nested lists; rows
// within the caps encode as before.
func TestResultValueAndRowCaps(t *testing.T) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "l", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	}, nil)
	build := func(s string, b []byte, l []string) arrow.RecordBatch {
		rb := array.NewRecordBuilder(mem, schema)
		defer rb.Release()
		for i := 0; i < 3; i++ { // three small rows first
			rb.Field(0).(*array.StringBuilder).Append("x")
			rb.Field(1).(*array.BinaryBuilder).Append([]byte{1})
			rb.Field(2).(*array.ListBuilder).AppendNull()
		}
		rb.Field(0).(*array.StringBuilder).Append(s)
		rb.Field(1).(*array.BinaryBuilder).Append(b)
		lb := rb.Field(2).(*array.ListBuilder)
		lb.Append(true)
		for _, v := range l {
			lb.ValueBuilder().(*array.StringBuilder).Append(v)
		}
		return rb.NewRecordBatch()
	}
	limits := Limits{Value: 1000, Row: 1500}
	for _, c := range []struct {
		name    string
		s       string
		b       []byte
		l       []string
		formats []int16
		want    string // "" for no error, "value", "row"
	}{
		{"within", strings.Repeat("a", 900), make([]byte, 100), []string{"q"}, nil, ""},
		{"text value", strings.Repeat("a", 1001), nil, nil, nil, "value"},
		{"bytea hex", "", make([]byte, 600), nil, nil, "value"},
		{"bytea binary", "", make([]byte, 600), nil, []int16{pgtype.BinaryFormatCode}, ""},
		{"nested", "", nil, []string{strings.Repeat("n", 600), strings.Repeat("m", 600)}, nil, "value"},
		{"row", strings.Repeat("a", 900), make([]byte, 400), nil, nil, "row"},
	} {
		rec := build(c.s, c.b, c.l)
		enc := newRowEncoder([]uint32{pgtype.TextOID, pgtype.ByteaOID, pgtype.TextArrayOID}, c.formats, nil, pgtype.NewMap())
		enc.limits = limits
		err := enc.Encode(rec, 0, int(rec.NumRows()))
		rec.Release()
		var tl *ResultTooLargeError
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && !errors.As(err, &tl):
			t.Errorf("%s: %v, want a %s over its cap", c.name, err, c.want)
		case c.want != "" && tl.Row != (c.want == "row"):
			t.Errorf("%s: %v, want a %s over its cap", c.name, err, c.want)
		}
	}
}
