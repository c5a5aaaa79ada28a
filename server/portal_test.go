package server_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lakegate/lakegate/internal/demo"
)

// TestPortalRowLimits drives the extended protocol by hand: Execute with a
// row limit returns that many rows and PortalSuspended, the next Execute
// continues where the last one stopped (as JDBC's setFetchSize does).
func TestPortalRowLimits(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	nc, err := net.Dial("tcp", g.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "analyst", "database": "lakegate"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	readUntil := func(stop func(pgproto3.BackendMessage) bool) []pgproto3.BackendMessage {
		var got []pgproto3.BackendMessage
		for {
			m, err := fe.Receive()
			if err != nil {
				t.Fatalf("receive: %v (so far %d messages: %#v)", err, len(got), got)
			}
			if e, ok := m.(*pgproto3.ErrorResponse); ok {
				t.Fatalf("server error: %s %s", e.Code, e.Message)
			}
			if d, ok := m.(*pgproto3.DataRow); ok {
				// Receive reuses its buffer: keep a copy.
				vals := make([][]byte, len(d.Values))
				for i, v := range d.Values {
					vals[i] = append([]byte(nil), v...)
				}
				m = &pgproto3.DataRow{Values: vals}
			}
			if c, ok := m.(*pgproto3.CommandComplete); ok {
				m = &pgproto3.CommandComplete{CommandTag: append([]byte(nil), c.CommandTag...)}
			}
			got = append(got, m)
			if stop(m) {
				return got
			}
		}
	}
	isReady := func(m pgproto3.BackendMessage) bool { _, ok := m.(*pgproto3.ReadyForQuery); return ok }
	readUntil(isReady)

	fe.Send(&pgproto3.Parse{Query: "select id from users.customers order by id"})
	fe.Send(&pgproto3.Bind{})
	fe.Send(&pgproto3.Execute{MaxRows: 3})
	fe.Send(&pgproto3.Flush{})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	var rows []string
	collect := func(msgs []pgproto3.BackendMessage) {
		for _, m := range msgs {
			if d, ok := m.(*pgproto3.DataRow); ok {
				rows = append(rows, string(d.Values[0]))
			}
		}
	}
	isSuspended := func(m pgproto3.BackendMessage) bool { _, ok := m.(*pgproto3.PortalSuspended); return ok }
	collect(readUntil(isSuspended))
	if len(rows) != 3 {
		t.Fatalf("first Execute(3) returned %d rows", len(rows))
	}
	fe.Send(&pgproto3.Execute{MaxRows: 3})
	fe.Send(&pgproto3.Flush{})
	_ = fe.Flush()
	collect(readUntil(isSuspended))
	fe.Send(&pgproto3.Execute{})
	fe.Send(&pgproto3.Sync{})
	_ = fe.Flush()
	msgs := readUntil(isReady)
	collect(msgs)
	var tag string
	for _, m := range msgs {
		if c, ok := m.(*pgproto3.CommandComplete); ok {
			tag = string(c.CommandTag)
		}
	}
	want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}
	if strings.Join(rows, ",") != strings.Join(want, ",") {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	// As in PostgreSQL, the tag counts the rows of the last Execute.
	if tag != "SELECT 4" {
		t.Fatalf("command tag %q", tag)
	}
	t.Logf("portal returned %v, final tag %q", rows, tag)
}
