package session

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
)

// parseAhead runs parse on a goroutine of its own, a batch ahead of the
// writer that calls next: a COPY's rows are parsed while the writer's
// threads convert and write the batch before, where with the writer
// calling parse itself the two took turns. next returns the batches in
// order, then parse's last result (the end, nil, or its error) on every
// later call; it is called one call at a time. stop ends the goroutine
// and waits for it (the load's data must not be read after the load
// returns): parse sees its context canceled and the batch not taken is
// released. The caller calls stop once, before it returns.
func parseAhead(ctx context.Context, parse func(context.Context) (arrow.RecordBatch, error)) (next func() (arrow.RecordBatch, error), stop func()) {
	type result struct {
		rec arrow.RecordBatch
		err error
	}
	pctx, cancel := context.WithCancel(ctx)
	ready := make(chan result, 1)
	stopped := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		for {
			rec, err := parse(pctx)
			select {
			case ready <- result{rec, err}:
			case <-stopped:
				if rec != nil {
					rec.Release()
				}
				return
			}
			if rec == nil || err != nil {
				return
			}
		}
	}()
	var last *result
	next = func() (arrow.RecordBatch, error) {
		if last != nil {
			return nil, last.err
		}
		r := <-ready
		if r.rec == nil || r.err != nil {
			last = &r
		}
		return r.rec, r.err
	}
	stop = func() {
		close(stopped)
		cancel()
		<-exited
		select {
		case r := <-ready:
			if r.rec != nil {
				r.rec.Release()
			}
		default:
		}
	}
	return next, stop
}
