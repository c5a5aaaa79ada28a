package pgtypes

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A result value or row larger than the planner's memory plan allows
// (planner.MemoryPlan: max_value_bytes, max_row_bytes) is refused before it
// is encoded: encoding copies it at least twice more (the field, then the
// message), outside the engine's memory limit. PostgreSQL's own limit is
// 1 GB per field. Encode returns a ResultTooLargeError, which the server
// reports as 54000 (program_limit_exceeded); the session goes on.
//
// Sizes are those of the Arrow values the engine returned (nested values:
// the sum of their leaves), with bytea in text doubled (hex); the encoded
// form of other types is within a small factor of it.

// ResultTooLargeError is a result value or row over its cap.
type ResultTooLargeError struct {
	Row          bool // a row; else one value
	Column       string
	Size, Limit  int64
	SettingLimit string
}

func (e *ResultTooLargeError) Error() string {
	if e.Row {
		return fmt.Sprintf("result row of %d bytes exceeds the maximum row size of %d bytes (%s)", e.Size, e.Limit, e.SettingLimit)
	}
	return fmt.Sprintf("value of column %q (%d bytes) exceeds the maximum value size of %d bytes (%s)", e.Column, e.Size, e.Limit, e.SettingLimit)
}

// Limits are the caps of one encoded value and row; 0 is no cap.
type Limits struct {
	Value, Row int64
}

// check reports the first value or row of rows [lo, hi) of rec over a cap;
// cols say which columns are sent in binary (bytea in text is hex, twice
// its bytes).
func (l Limits) check(rec arrow.RecordBatch, lo, hi int, cols []encodedColumn) error {
	if l.Value <= 0 && l.Row <= 0 || hi <= lo {
		return nil
	}
	capOf := func(c int) int64 {
		if cols[c].binary {
			return 1
		}
		switch rec.Column(c).(type) {
		case *array.Binary, *array.LargeBinary, *array.BinaryView:
			return 2 // hex
		}
		return 1
	}
	// Fast path: the whole span is within the smaller cap, so is each of
	// its values and rows.
	smaller := l.Row
	if l.Value > 0 && (smaller <= 0 || l.Value < smaller) {
		smaller = l.Value
	}
	var total int64
	for c := 0; c < int(rec.NumCols()); c++ {
		total += capOf(c) * arrowBytes(rec.Column(c), lo, hi)
	}
	if total <= smaller {
		return nil
	}
	for i := lo; i < hi; i++ {
		var row int64
		for c := 0; c < int(rec.NumCols()); c++ {
			v := capOf(c) * arrowBytes(rec.Column(c), i, i+1)
			if l.Value > 0 && v > l.Value {
				return &ResultTooLargeError{Column: rec.ColumnName(c), Size: v, Limit: l.Value, SettingLimit: "limits.max_value_bytes"}
			}
			row += v
		}
		if l.Row > 0 && row > l.Row {
			return &ResultTooLargeError{Row: true, Size: row, Limit: l.Row, SettingLimit: "limits.max_row_bytes"}
		}
	}
	return nil
}

// arrowBytes is the size of the values of rows [lo, hi) of a: the bytes of
// variable-width values, the width of fixed ones, nested values summed.
func arrowBytes(a arrow.Array, lo, hi int) int64 {
	if hi <= lo {
		return 0
	}
	switch a := a.(type) {
	case *array.String, *array.LargeString, *array.Binary, *array.LargeBinary:
		return int64(varBytes(a, lo, hi))
	case *array.StringView, *array.BinaryView:
		return int64(varBytes(a, lo, hi))
	case array.ListLike: // List, LargeList, Map, FixedSizeList
		start, _ := a.ValueOffsets(lo)
		_, end := a.ValueOffsets(hi - 1)
		return 8*int64(hi-lo) + arrowBytes(a.ListValues(), int(start), int(end))
	case *array.Struct:
		var n int64
		for f := 0; f < a.NumField(); f++ {
			n += arrowBytes(a.Field(f), lo, hi)
		}
		return n
	}
	if fw, ok := a.DataType().(arrow.FixedWidthDataType); ok {
		return int64(max(fw.BitWidth()/8, 1)) * int64(hi-lo)
	}
	return 16 * int64(hi-lo)
}
