package server_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

// A raw protocol client, for messages no driver would send.

// Message builders, the same as the package's own fuzz targets use.
var (
	feMsg = server.FeMsg
	cstr  = server.Cstr
	be16  = server.Be16
	be32  = server.Be32
	cat   = server.Cat
)

func startupPacket(user string) []byte {
	body := cat(be32(3<<16), cstr("user"), cstr(user), cstr("database"), cstr("lakegate"), []byte{0})
	return append(be32(int32(len(body)+4)), body...)
}

// beMsg is a backend message.
type beMsg struct {
	typ  byte
	body []byte
}

// field returns an ErrorResponse's field (S, C, M, ...).
func (m beMsg) field(code byte) string {
	for b := m.body; len(b) > 0 && b[0] != 0; {
		end := bytes.IndexByte(b[1:], 0)
		if end < 0 {
			return ""
		}
		if b[0] == code {
			return string(b[1 : 1+end])
		}
		b = b[2+end:]
	}
	return ""
}

// readBackend reads backend messages until stop says so, the connection
// ends, or the deadline passes (an error). It reports a malformed backend
// message as an error too.
func readBackend(c net.Conn, stop func(beMsg) bool) ([]beMsg, error) {
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	var out []beMsg
	hdr := make([]byte, 5)
	for {
		if _, err := io.ReadFull(c, hdr); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err) {
				return out, nil
			}
			return out, err
		}
		n := int(int32(binary.BigEndian.Uint32(hdr[1:])))
		if n < 4 || n > 1<<30 {
			return out, fmt.Errorf("backend message %q with length %d", hdr[0], n)
		}
		m := beMsg{typ: hdr[0], body: make([]byte, n-4)}
		if _, err := io.ReadFull(c, m.body); err != nil {
			return out, fmt.Errorf("backend message %q cut short: %w", hdr[0], err)
		}
		out = append(out, m)
		if stop != nil && stop(m) {
			return out, nil
		}
	}
}

// isReset: the server closed with bytes of ours unread, which resets the
// connection; for the client that is the end of the connection.
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// rawSession connects and logs in (trust), up to the first ReadyForQuery.
func rawSession(t testing.TB, addr, user string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Write(startupPacket(user)); err != nil {
		t.Fatal(err)
	}
	msgs, err := readBackend(c, func(m beMsg) bool { return m.typ == 'Z' || m.typ == 'E' })
	if err != nil || len(msgs) == 0 || msgs[len(msgs)-1].typ != 'Z' {
		t.Fatalf("login: %v %v", msgs, err)
	}
	return c
}

// fatalOf returns the FATAL error a connection ended with, after reading
// to its end.
func fatalOf(t *testing.T, c net.Conn) beMsg {
	t.Helper()
	msgs, err := readBackend(c, nil)
	if err != nil {
		t.Fatalf("reading to the end: %v (after %v)", err, msgs)
	}
	for _, m := range msgs {
		if m.typ == 'E' && m.field('S') == "FATAL" {
			return m
		}
	}
	t.Fatalf("no FATAL error before the connection closed: %v", msgs)
	return beMsg{}
}

func selectOne(t *testing.T, c *pgconn.PgConn) {
	t.Helper()
	res, err := c.Exec(context.Background(), "select 1").ReadAll()
	if err != nil || len(res) != 1 || len(res[0].Rows) != 1 || string(res[0].Rows[0][0]) != "1" {
		t.Fatalf("select 1: %v %v", res, err)
	}
}

// TestBindNegativeParameterLength is issue 19's critical finding: a Bind
// whose parameter length is below -1 made psql-wire slice out of bounds,
// and the panic ended the process. Now the client gets 08P01 and only its
// connection closes.
func TestBindNegativeParameterLength(t *testing.T) {
	t.Parallel()
	g := sharedGW(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	other := connectPG(t, g.dsn(""))
	selectOne(t, other)

	c := rawSession(t, g.addr, "analyst")
	_, err := c.Write(cat(
		feMsg('P', cstr(""), cstr("select $1::text"), be16(0)),
		feMsg('B', cstr(""), cstr(""), be16(0), be16(1), be32(-5), be16(0)),
		feMsg('S'),
	))
	if err != nil {
		t.Fatal(err)
	}
	e := fatalOf(t, c)
	if e.field('C') != "08P01" || e.field('M') != "insufficient data left in message" {
		t.Fatalf("error %s %q, want 08P01", e.field('C'), e.field('M'))
	}
	selectOne(t, other)
	selectOne(t, connectPG(t, g.dsn("")))
}

// TestMalformedMessages: every malformed message gets FATAL 08P01 and its
// connection closes; the server goes on.
func TestMalformedMessages(t *testing.T) {
	t.Parallel()
	g := startGateway(t, demo.Sizes{Customers: 10, Charges: 10, Bounces: 10})
	other := connectPG(t, g.dsn(""))
	parse := feMsg('P', cstr("s"), cstr("select $1::text"), be16(0))
	cases := []struct {
		name string
		msgs []byte
		want string
	}{
		{"bind parameter beyond the message", cat(parse, feMsg('B', cstr(""), cstr("s"), be16(0), be16(1), be32(1000), []byte("x"), be16(0))), "insufficient data left in message"},
		{"bind format code", cat(parse, feMsg('B', cstr(""), cstr("s"), be16(1), be16(7), be16(1), be32(1), []byte("x"), be16(0))), "unsupported format code: 7"},
		{"bind result format code", cat(parse, feMsg('B', cstr(""), cstr("s"), be16(0), be16(1), be32(1), []byte("x"), be16(1), be16(2))), "unsupported format code: 2"},
		{"bind format count", cat(parse, feMsg('B', cstr(""), cstr("s"), be16(2), be16(0), be16(0), be16(1), be32(1), []byte("x"), be16(0))), "bind message has 2 parameter formats but 1 parameters"},
		{"bind trailing bytes", cat(parse, feMsg('B', cstr(""), cstr("s"), be16(0), be16(1), be32(1), []byte("x"), be16(0), []byte("junk"))), "invalid message format"},
		{"parse cut short", feMsg('P', cstr(""), cstr("select 1"), be16(3), be32(25)), "insufficient data left in message"},
		{"describe subtype", feMsg('D', []byte{'Z'}, cstr("")), "invalid DESCRIBE message subtype 90"},
		{"close subtype", feMsg('C', []byte{0}, cstr("")), "invalid CLOSE message subtype 0"},
		{"execute cut short", feMsg('E', cstr(""), be16(1)), "insufficient data left in message"},
		{"query without terminator", feMsg('Q', []byte("select 1")), "invalid string in message"},
		{"sync with a body", feMsg('S', be32(1)), "invalid message format"},
		{"message length 3", []byte{'Q', 0, 0, 0, 3}, "invalid message length"},
		{"unknown message type", feMsg('z'), "invalid frontend message type 122"},
		{"function call", feMsg('F', be32(0)), "invalid frontend message type 70"},
	}
	for _, tc := range cases {
		c := rawSession(t, g.addr, "analyst")
		if _, err := c.Write(cat(tc.msgs, feMsg('S'))); err != nil {
			t.Fatal(err)
		}
		e := fatalOf(t, c)
		if e.field('C') != "08P01" || e.field('M') != tc.want {
			t.Errorf("%s: %s %q, want 08P01 %q", tc.name, e.field('C'), e.field('M'), tc.want)
		}
	}

	// Startup packets.
	for _, tc := range []struct {
		name   string
		packet []byte
		want   string
	}{
		{"length 4", cat(be32(4), be32(3<<16)), "invalid length of startup packet"},
		{"length 1 GB", cat(be32(1<<30), be32(3<<16)), "invalid length of startup packet"},
		{"no terminator", cat(be32(18), be32(3<<16), cstr("user"), []byte("abc\x00x")), "invalid startup packet layout: expected terminator as last byte"},
	} {
		c, err := net.Dial("tcp", g.addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(tc.packet); err != nil {
			t.Fatal(err)
		}
		e := fatalOf(t, c)
		c.Close()
		if e.field('C') != "08P01" || e.field('M') != tc.want {
			t.Errorf("startup %s: %s %q, want 08P01 %q", tc.name, e.field('C'), e.field('M'), tc.want)
		}
	}
	selectOne(t, other)
	if n := g.srv.Sessions(); n != 1 {
		t.Errorf("%d sessions open, want 1", n)
	}
}
