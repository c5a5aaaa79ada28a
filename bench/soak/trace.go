package main

import (
	"fmt"
	"io"
	"time"

	"github.com/lakegate/lakegate/internal/benchkit"
	"github.com/lakegate/lakegate/planner/session"
)

// tracePool writes a line every period until deadline: the sessions, the
// engines open and idle, glibc's heap in use and RSS, and what the engine
// pool did since the line before (engines opened and reused; kept idle by
// who gave them back; closed by reason: session.EnginePoolStats). It is
// what tells why the idle count and the engines open move.
func tracePool(w io.Writer, period time.Duration, start, deadline time.Time, sessions func() int, pl *session.Manager) {
	fmt.Fprintln(w, "trace: at sessions engines idle Cused RSS | opened reused | idled ended/widened/ahead | closed retired/files/spent/evicted/expired/discarded")
	prev := pl.EnginePoolStats()
	tick := time.NewTicker(period)
	defer tick.Stop()
	for now := range tick.C {
		st, ops := pl.EnginePoolStats(), pl.OpStats()
		cInUse, _ := mallocMiB()
		rss := 0.0
		if m, err := benchkit.Status("self"); err == nil {
			rss = float64(m.RSS) / (1 << 20)
		}
		fmt.Fprintf(w, "trace: %s %d %d %d %.0f %.0f | %d %d | %d/%d/%d | %d/%d/%d/%d/%d/%d\n",
			now.Sub(start).Round(time.Second), sessions(), ops.Engines, ops.IdleEngines, cInUse, rss,
			st.Opened-prev.Opened, st.Reused-prev.Reused,
			st.IdledEnded-prev.IdledEnded, st.IdledWidened-prev.IdledWidened, st.IdledAhead-prev.IdledAhead,
			st.Retired-prev.Retired, st.RetiredFiles-prev.RetiredFiles, st.Spent-prev.Spent, st.Evicted-prev.Evicted,
			st.Expired-prev.Expired, st.Discarded-prev.Discarded)
		prev = st
		if !now.Before(deadline) {
			return
		}
	}
}
