// Package metrics is the operations room: the only importer of the
// Prometheus client (github.com/prometheus/client_golang). It owns the
// process's metrics registry and the HTTP listener operators scrape and
// probe (metrics_listen): /metrics in Prometheus' text format, /healthz
// (the process is up) and /readyz (it can serve: the checks the command
// wires in pass).
//
// What flows in: events from the server as plain method calls
// (ConnOpened, Auth, Statement, BytesSent...), each a few atomic adds; and
// functions that read the counters and gauges other rooms keep themselves
// (the catalog's commits, the policy store's reloads, the planner's caches
// and memory), which the registry calls only when it is scraped. No other
// room imports Prometheus: they keep plain counters and the command hands
// their readers in (CounterFunc, GaugeFunc).
//
// A nil *Metrics is valid and does nothing, so a server without
// metrics_listen pays one nil check per event.
//
// Metric names follow Prometheus' conventions
// (https://prometheus.io/docs/practices/naming/): a lakegate_ prefix, base
// units (seconds, bytes), _total on counters. Label values come from fixed
// sets (statement kinds, SQLSTATE classes, authentication methods and
// outcomes, refusal reasons), never from what a client sends, so a client
// cannot grow the number of series.
//
// Must never: decide anything about a connection or a statement; import a
// room of the design card (it is handed numbers, never objects); block the
// caller of an event.
package metrics
