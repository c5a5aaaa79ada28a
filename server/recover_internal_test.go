package server

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestPipelinePanicIsAnError: a panic while sending rows on the pipeline's
// goroutine is recovered there and comes back from wait as a panicError
// (which ends the session, recover.go), with the stack of the panic.
func TestPipelinePanicIsAnError(t *testing.T) {
	t.Parallel()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewInt64Builder(mem)
	b.AppendValues([]int64{1, 2, 3}, nil)
	col := b.NewArray()
	b.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	sent := 0
	sink, wait := pipeline(context.Background(), func(arrow.RecordBatch) error {
		sent++
		if sent == 2 {
			var m map[string]int
			m["boom"]++ // a nil map: a runtime panic
		}
		return nil
	})
	var sinkErr error
	for range 10 {
		rec := array.NewRecordBatch(schema, []arrow.Array{col}, 3)
		sinkErr = sink(rec)
		rec.Release()
		if sinkErr != nil {
			break
		}
	}
	err := wait()
	col.Release()
	var pe *panicError
	if !errors.As(err, &pe) || pe.where != "row sender" {
		t.Fatalf("wait: %v, want the recovered panic", err)
	}
	if sinkErr != nil && !errors.As(sinkErr, &pe) {
		t.Errorf("sink: %v", sinkErr)
	}
	if sent != 2 {
		t.Errorf("%d batches sent, want 2 (none after the panic)", sent)
	}
	if len(pe.stack) == 0 {
		t.Error("no stack")
	}
}
