package server_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// resultQueries return the same rows, of the same types, on PostgreSQL 15
// and on lakegate: edge values one per statement, and thousands of
// generated rows of the types a result set is mostly made of.
var resultQueries = []string{
	"SELECT 0::numeric(38,0) AS a, 0::numeric(12,2) AS b, 0.00::numeric(12,2) AS c",
	"SELECT 1::numeric(38,0) AS a, 10000::numeric(38,0) AS b, 100000000::numeric(18,0) AS c, (-10000)::numeric(12,2) AS d",
	"SELECT 12.34::numeric(10,2) AS a, (-0.0010)::numeric(5,4) AS b, 1.50::numeric(4,2) AS c, (-12.5)::numeric(4,1) AS d",
	"SELECT 0.0001::numeric(9,4) AS a, 0.00001::numeric(9,5) AS b, 123456789.5::numeric(10,1) AS c, 0.5::numeric(1,1) AS d",
	"SELECT (-12345678901234567890123456789.123456789)::numeric(38,9) AS a, 99999999999999999999999999999999999999::numeric(38,0) AS b",
	"SELECT 1.2345678901234567890123456789012345678::numeric(38,37) AS a, (-0.0000000000000000000000000000000000001)::numeric(38,37) AS b",
	"SELECT 1234567890123456789.1234567::numeric(26,7) AS a, (-9223372036854775808)::numeric(19,0) AS b, 18446744073709551616::numeric(20,0) AS c",
	"SELECT true AS a, false AS b, NULL::boolean AS c",
	"SELECT (-32768)::smallint AS a, 2147483647 AS b, (-9223372036854775808)::bigint AS c, 0::bigint AS d",
	"SELECT 1.5::real AS a, 0.1::real AS b, 1000000::real AS c, 1e-5::real AS d, 'NaN'::real AS e, '-Infinity'::real AS f",
	"SELECT 0.1::float8 AS a, 1e20::float8 AS b, 123456789012345.6::float8 AS c, 0.000015::float8 AS d, (-2.5)::float8 AS e, 'Infinity'::float8 AS f",
	"SELECT '' AS a, 'héllo, \"world\"' AS b, NULL::text AS c, E'tab\\there' AS d",
	"SELECT '\\xdeadbeef'::bytea AS a, '\\x'::bytea AS b",
	"SELECT DATE '2024-02-29' AS a, DATE '1999-12-31' AS b, DATE '2000-01-01' AS c, DATE '0044-03-15 BC' AS d, DATE '0001-01-01' AS e",
	"SELECT 'infinity'::date AS a, '-infinity'::date AS b, DATE '9999-12-31' AS c, DATE '1970-01-01' AS d",
	"SELECT TIME '12:34:56.123456' AS a, TIME '00:00:00' AS b, TIME '23:59:59.5' AS c, TIME '00:00:01.000001' AS d",
	"SELECT TIMESTAMP '2024-02-29 12:34:56.123456' AS a, TIMESTAMP '1999-12-31 23:59:59' AS b, TIMESTAMP '0044-03-15 10:00:00 BC' AS c",
	"SELECT TIMESTAMP '1969-12-31 23:59:59.999999' AS a, TIMESTAMP '2000-01-01 00:00:00' AS b, 'infinity'::timestamp AS c, '-infinity'::timestamp AS d",
	"SELECT TIMESTAMPTZ '2024-02-29 12:34:56.123456+00' AS a, TIMESTAMPTZ '2024-07-01 12:00:00.5+02' AS b, TIMESTAMPTZ '1850-01-01 00:00:00+00' AS c, '-infinity'::timestamptz AS d",
	`SELECT i::bigint AS id, (i % 1000)::integer AS k, (i % 7 - 3)::smallint AS s, (i * 0.01)::numeric(12,2) AS amount,
		(i * 0.001 - 1.5)::numeric(18,3) AS m, ('row-' || i::text) AS label, (i % 3 = 0) AS flag,
		TIMESTAMP '2026-01-01' + i * INTERVAL '1 second 1 microsecond' AS ts,
		DATE '1900-01-01' + (i * 37)::integer AS d, (i / 8.0)::float8 AS f
	 FROM generate_series(-2500, 2500) AS t(i) ORDER BY i`,
	`SELECT i::bigint AS id, CASE WHEN i % 4 = 0 THEN NULL ELSE (i * 1.5)::numeric(10,1) END AS n,
		CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i::text END AS t,
		CASE WHEN i % 3 = 0 THEN NULL ELSE TIMESTAMPTZ '2024-03-31 00:30:00+00' + i * INTERVAL '17 minutes' END AS tz
	 FROM generate_series(1, 3000) AS t(i) ORDER BY i`,
}

// TestResultBytesLikePostgres compares result rows with PostgreSQL 15 byte
// for byte, in text and binary format, in a zone with daylight saving time
// (timestamptz text carries the offset).
func TestResultBytesLikePostgres(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	ctx := context.Background()
	connect := func(dsn string) *pgconn.PgConn {
		c, err := pgconn.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		if err := c.Exec(ctx, "SET TimeZone = 'Europe/Berlin'").Close(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	pc, lc := connect(pg.DSN), connect(g.dsn(""))
	for _, q := range resultQueries {
		for _, format := range []int16{0, 1} {
			want, got := resultBytes(pc, q, format), resultBytes(lc, q, format)
			if want != got {
				t.Errorf("%s (format %d):\n%s", q, format, firstDifference(want, got))
			}
		}
	}
}

// resultBytes renders every value of a query's rows, raw, in one format.
func resultBytes(c *pgconn.PgConn, sql string, format int16) string {
	rr := c.ExecParams(context.Background(), sql, nil, nil, nil, []int16{format})
	var b strings.Builder
	for _, f := range rr.FieldDescriptions() {
		fmt.Fprintf(&b, "%s:%d ", f.Name, f.DataTypeOID)
	}
	b.WriteString("\n")
	for rr.NextRow() {
		for _, v := range rr.Values() {
			if v == nil {
				b.WriteString("NULL|")
			} else {
				fmt.Fprintf(&b, "%q|", v)
			}
		}
		b.WriteString("\n")
	}
	tag, err := rr.Close()
	if err != nil {
		return "ERROR " + err.Error()
	}
	return b.String() + tag.String()
}

func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) && i < len(g); i++ {
		if w[i] != g[i] {
			return fmt.Sprintf("line %d\npostgres: %s\nlakegate: %s", i, w[i], g[i])
		}
	}
	return fmt.Sprintf("postgres %d lines, lakegate %d lines", len(w), len(g))
}

// TestLimitedPortalBytes reads a query through a portal with a row limit
// (rows go through psql-wire one at a time, as pre-encoded values) and
// without one (rows written on the connection in spans), in binary and
// text per column, and expects the same DataRows.
func TestLimitedPortalBytes(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	nc, err := net.Dial("tcp", g.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": "analyst", "database": "lakegate"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	// receive returns the DataRows (copied) up to a message of type stop.
	receive := func(stop func(pgproto3.BackendMessage) bool) []string {
		var rows []string
		for {
			m, err := fe.Receive()
			if err != nil {
				t.Fatalf("receive: %v", err)
			}
			switch m := m.(type) {
			case *pgproto3.ErrorResponse:
				t.Fatalf("server error: %s %s", m.Code, m.Message)
			case *pgproto3.DataRow:
				rows = append(rows, fmt.Sprintf("%q", m.Values))
			}
			if stop(m) {
				return rows
			}
		}
	}
	ready := func(m pgproto3.BackendMessage) bool { _, ok := m.(*pgproto3.ReadyForQuery); return ok }
	suspended := func(m pgproto3.BackendMessage) bool {
		_, s := m.(*pgproto3.PortalSuspended)
		_, c := m.(*pgproto3.CommandComplete)
		return s || c
	}
	receive(ready)
	const q = `SELECT i::bigint AS id, (i * 0.25)::numeric(10,2) AS n, 'v' || i::text AS t,
		TIMESTAMP '2024-01-01' + i * INTERVAL '1 hour' AS ts, i % 2 = 0 AS b, CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS maybe
		FROM generate_series(1, 5000) AS s(i) ORDER BY i`
	formats := []int16{1, 0, 1, 0, 1, 1}
	fe.Send(&pgproto3.Parse{Query: q})
	fe.Send(&pgproto3.Bind{ResultFormatCodes: formats})
	fe.Send(&pgproto3.Execute{})
	fe.Send(&pgproto3.Sync{})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	whole := receive(ready)
	if len(whole) != 5000 {
		t.Fatalf("unlimited Execute: %d rows", len(whole))
	}
	fe.Send(&pgproto3.Bind{ResultFormatCodes: formats})
	var parts []string
	for i := 0; len(parts) < 5000 && i < 10; i++ {
		fe.Send(&pgproto3.Execute{MaxRows: 700})
		fe.Send(&pgproto3.Flush{})
		if err := fe.Flush(); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, receive(suspended)...)
	}
	fe.Send(&pgproto3.Sync{})
	_ = fe.Flush()
	receive(ready)
	if strings.Join(parts, "\n") != strings.Join(whole, "\n") {
		t.Fatalf("limited portal rows differ: %d rows, first %s, want %s", len(parts), parts[0], whole[0])
	}
}
