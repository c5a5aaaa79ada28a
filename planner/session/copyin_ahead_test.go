package session

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// parseAhead hands the batches over in order, then parse's last result on
// every call; stop ends a parse the writer no longer reads, with its
// context canceled and no batch left unreleased.
func TestParseAhead(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sc := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil)
	batch := func(n int64) arrow.RecordBatch {
		b := array.NewRecordBuilder(mem, sc)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).Append(n)
		return b.NewRecordBatch()
	}
	bad := errors.New("line 3 is bad")
	for _, end := range []error{nil, bad} {
		k := int64(0)
		next, stop := parseAhead(context.Background(), func(ctx context.Context) (arrow.RecordBatch, error) {
			if k == 3 {
				return nil, end
			}
			k++
			return batch(k), nil
		})
		for want := int64(1); want <= 3; want++ {
			rec, err := next()
			if err != nil || rec == nil || rec.Column(0).(*array.Int64).Value(0) != want {
				t.Fatalf("batch %d: %v, %v", want, rec, err)
			}
			rec.Release()
		}
		for range 2 {
			if rec, err := next(); rec != nil || err != end {
				t.Errorf("after the last batch: %v, %v; want nil, %v", rec, err, end)
			}
		}
		stop()
	}

	// the writer stops after two batches of an endless input: the parse
	// ends, canceled
	var canceled error
	next, stop := parseAhead(context.Background(), func(ctx context.Context) (arrow.RecordBatch, error) {
		if err := ctx.Err(); err != nil {
			canceled = err
			return nil, err
		}
		return batch(1), nil
	})
	for range 2 {
		rec, err := next()
		if err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	stop()
	if canceled != nil && !errors.Is(canceled, context.Canceled) {
		t.Errorf("parse ended with %v", canceled)
	}

	// the statement's context: parse's error reaches the writer
	ctx, cancel := context.WithCancel(context.Background())
	next, stop = parseAhead(ctx, func(ctx context.Context) (arrow.RecordBatch, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	cancel()
	if _, err := next(); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled statement: %v", err)
	}
	stop()
}
