package session

import (
	"context"
	"runtime"
)

// Short statements are admitted a few at a time. A short statement (a small
// plan: it reads only table copies in engine memory, snapcache.go) costs a
// fraction of a millisecond of CPU and never waits on anything but the CPU.
// With every session's statement running at once, many clients time-share
// the cores: each statement's latency stretches by the number running, and
// the engines' allocators and the OS scheduler add to the cost. Admitted
// in arrival order, at most EngineConfig.ShortSlots at a time, a statement
// waits for the ones ahead of it and then runs undisturbed, so latency
// follows the queue instead of the scheduler's luck.
//
// A slot covers planning and engine execution up to the first rows, never
// sending rows to the client (a slow client keeps no one else waiting).
// Statements that read Parquet files, large copies or table functions do
// not take slots: their run time is unbounded, and a long one must not hold
// up short ones.

func shortSlots(cfg EngineConfig) int {
	if cfg.ShortSlots > 0 {
		return cfg.ShortSlots
	}
	return runtime.GOMAXPROCS(0)
}

// admit waits for a short-statement slot and returns its release, which
// may be called more than once.
func (p *Manager) admit(ctx context.Context) (func(), error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ErrCanceled
	}
	done := false
	return func() {
		if !done {
			done = true
			<-p.slots
		}
	}, nil
}
