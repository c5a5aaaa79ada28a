package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// scriptConn runs statements over the simple protocol and renders what a
// client observes: per statement its command tag or SQLSTATE and its rows,
// the notices raised, and the transaction status of ReadyForQuery. Running
// the same script against PostgreSQL 15 and lakegate and comparing the
// renderings is how session behaviour is checked against PostgreSQL.
type scriptConn struct {
	c       *pgconn.PgConn
	mu      sync.Mutex
	notices []string
}

func openScriptConn(t *testing.T, dsn string) *scriptConn {
	t.Helper()
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	sc := &scriptConn{}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		sc.mu.Lock()
		sc.notices = append(sc.notices, n.Severity+" "+n.Code+" "+n.Message)
		sc.mu.Unlock()
	}
	c, err := pgconn.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	sc.c = c
	return sc
}

// run executes one Query message (which may hold several statements).
func (sc *scriptConn) run(sql string) string {
	var b strings.Builder
	mrr := sc.c.Exec(context.Background(), sql)
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		var rows []string
		for rr.NextRow() {
			vals := rr.Values()
			cells := make([]string, len(vals))
			for i, v := range vals {
				if v == nil {
					cells[i] = "NULL"
				} else {
					cells[i] = string(v)
				}
			}
			rows = append(rows, strings.Join(cells, ","))
		}
		tag, err := rr.Close()
		var cols []string
		for _, f := range rr.FieldDescriptions() {
			cols = append(cols, f.Name)
		}
		if err != nil {
			fmt.Fprintf(&b, "  ERROR %s\n", sqlState(err))
			continue
		}
		fmt.Fprintf(&b, "  %s", tag.String())
		if len(cols) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(cols, ","))
		}
		for _, r := range rows {
			fmt.Fprintf(&b, " (%s)", r)
		}
		b.WriteString("\n")
	}
	if err := mrr.Close(); err != nil && !strings.Contains(b.String(), "ERROR") {
		fmt.Fprintf(&b, "  ERROR %s\n", sqlState(err))
	}
	sc.mu.Lock()
	for _, n := range sc.notices {
		fmt.Fprintf(&b, "  %s\n", n)
	}
	sc.notices = nil
	sc.mu.Unlock()
	fmt.Fprintf(&b, "  status %c\n", sc.c.TxStatus())
	return b.String()
}

// compareScripts runs each step on both connections and reports the first
// steps where they differ.
func compareScripts(t *testing.T, pg, lg *scriptConn, steps []string) {
	t.Helper()
	for _, step := range steps {
		want, got := pg.run(step), lg.run(step)
		if want != got {
			t.Errorf("%s\npostgres:\n%slakegate:\n%s", step, want, got)
		} else if testing.Verbose() {
			t.Logf("%s\n%s", step, got)
		}
	}
}
