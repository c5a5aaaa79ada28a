package server_test

// Fuzz targets for what lakegate reads from clients, each driving a real
// server on 127.0.0.1 (started once per fuzz worker): the startup packet,
// the frontend message stream, each frontend message type, and Bind
// parameter values of every type lakegate decodes. An input passes when
// the server neither crashes (it runs in the fuzz process, so a panic
// anywhere is a crash of the target) nor hangs, its answer is well-formed
// protocol, and every fuzzRecheck inputs, and at the end, a new client
// still gets `select 1`. Seeds are below and in testdata/fuzz/<target>/.
//
//	go test -run '^$' -fuzz '^FuzzFrontend$' -fuzztime 10m -parallel 1 ./server/

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/server"
)

const fuzzRecheck = 50

var fuzzRuns atomic.Int64

// fuzzPanics keeps the panics the server recovered: the process survives
// them, but each is a bug the input found.
var fuzzPanics struct {
	mu    sync.Mutex
	first string
	n     int
}

type fuzzLog struct{}

func (fuzzLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h fuzzLog) WithAttrs([]slog.Attr) slog.Handler         { return h }
func (h fuzzLog) WithGroup(string) slog.Handler              { return h }

func (fuzzLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "panic recovered; ending the session" {
		return nil
	}
	var sb strings.Builder
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&sb, "%s: %s\n", a.Key, a.Value)
		return true
	})
	fuzzPanics.mu.Lock()
	defer fuzzPanics.mu.Unlock()
	if fuzzPanics.n == 0 {
		fuzzPanics.first = sb.String()
	}
	fuzzPanics.n++
	return nil
}

// fuzzGateway starts the target's server (in fuzzing, each worker runs
// the target once, so the server lives as long as the worker).
func fuzzGateway(f *testing.F) *gateway {
	g := startGatewayWith(f, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5}, server.Config{Logger: slog.New(fuzzLog{})})
	f.Cleanup(func() { checkAlive(f, g) })
	return g
}

// checkAlive: a new client gets select 1.
func checkAlive(t testing.TB, g *gateway) {
	t.Helper()
	c, err := pgconn.Connect(context.Background(), g.dsn(""))
	if err != nil {
		t.Fatalf("server does not accept a new client: %v", err)
	}
	defer c.Close(context.Background())
	res, err := c.Exec(context.Background(), "select 1").ReadAll()
	if err != nil || len(res) != 1 || len(res[0].Rows) != 1 || string(res[0].Rows[0][0]) != "1" {
		t.Fatalf("select 1 on a new connection: %v %v", res, err)
	}
}

// recheck fails the input if the server recovered a panic; every
// fuzzRecheck inputs it checks that a new client gets select 1.
func recheck(t *testing.T, g *gateway) {
	t.Helper()
	fuzzPanics.mu.Lock()
	n, first := fuzzPanics.n, fuzzPanics.first
	fuzzPanics.mu.Unlock()
	if n > 0 {
		t.Fatalf("the server recovered a panic:\n%s", first)
	}
	if fuzzRuns.Add(1)%fuzzRecheck == 0 {
		checkAlive(t, g)
	}
}

// sendAll writes the client's bytes, ends its side of the connection and
// reads the server's answer to the end. With parse set the answer must be
// well-formed backend messages.
func sendAll(t *testing.T, c net.Conn, b []byte, parse bool) {
	t.Helper()
	_, _ = c.Write(b) // the server may close first
	_ = c.(*net.TCPConn).CloseWrite()
	if !parse {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.Copy(io.Discard, c); err != nil && !isReset(err) {
			t.Fatalf("reading the answer: %v", err)
		}
		return
	}
	if msgs, err := readBackend(c, nil); err != nil {
		t.Fatalf("answer: %v (after %d messages)", err, len(msgs))
	}
}

var fuzzParse = feMsg('P', cstr("s"), cstr("select $1::text, $2::int4"), be16(0))

// fuzzSeeds are message streams a session may send, well-formed or not.
func fuzzSeeds() [][]byte {
	bind := func(params ...[]byte) []byte {
		parts := [][]byte{cstr("p"), cstr("s"), be16(0), be16(int16(len(params)))}
		for _, p := range params {
			if p == nil {
				parts = append(parts, be32(-1))
				continue
			}
			parts = append(parts, be32(int32(len(p))), p)
		}
		parts = append(parts, be16(1), be16(1))
		return feMsg('B', parts...)
	}
	return [][]byte{
		feMsg('Q', cstr("select 1")),
		feMsg('Q', cstr("select id, email from users.customers order by id; select 2")),
		feMsg('Q', cstr("begin; declare c cursor for select * from payments.charges; fetch 2 from c; commit")),
		cat(fuzzParse, bind([]byte("x"), []byte("7")), feMsg('D', []byte{'P'}, cstr("p")), feMsg('E', cstr("p"), be32(1)),
			feMsg('E', cstr("p"), be32(0)), feMsg('C', []byte{'P'}, cstr("p")), feMsg('C', []byte{'S'}, cstr("s")), feMsg('S')),
		cat(fuzzParse, bind(nil, []byte("")), feMsg('E', cstr("p"), be32(0)), feMsg('H'), feMsg('S')),
		// issue 19: a parameter length of -5 ended the process
		cat(feMsg('P', cstr(""), cstr("select $1::text"), be16(0)),
			feMsg('B', cstr(""), cstr(""), be16(0), be16(1), be32(-5), be16(0)), feMsg('S')),
		cat(fuzzParse, feMsg('D', []byte{'S'}, cstr("s")), feMsg('S'), feMsg('X')),
		cat(feMsg('d', []byte("1\t2\n")), feMsg('c'), feMsg('f', cstr("abort")), feMsg('S')),
		cat(feMsg('p', cstr("secret")), feMsg('Q', cstr(""))),
		feMsg('Q', cstr("copy (select 1) to stdout")),
	}
}

// FuzzFrontend sends any bytes after a login.
func FuzzFrontend(f *testing.F) {
	g := fuzzGateway(f)
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		sendAll(t, rawSession(t, g.addr, "analyst"), stream, true)
		recheck(t, g)
	})
}

// FuzzFrontendMessage sends one message of a given type, framed with its
// true length, after a Parse of a statement with two parameters and
// before a Sync.
func FuzzFrontendMessage(f *testing.F) {
	g := fuzzGateway(f)
	seeds := []struct {
		typ  byte
		body []byte
	}{
		{'B', cat(cstr(""), cstr("s"), be16(1), be16(0), be16(2), be32(1), []byte("a"), be32(1), []byte("1"), be16(0))},
		{'B', cat(cstr(""), cstr("s"), be16(0), be16(1), be32(-5), be16(0))},
		{'B', cat(cstr("p"), cstr("s"), be16(1), be16(1), be16(2), be32(-1), be32(4), be32(7), be16(2), be16(1), be16(0))},
		{'P', cat(cstr("t"), cstr("select $1"), be16(1), be32(23))},
		{'D', cat([]byte{'S'}, cstr("s"))},
		{'D', cat([]byte{'P'}, cstr(""))},
		{'C', cat([]byte{'S'}, cstr("s"))},
		{'E', cat(cstr(""), be32(0))},
		{'Q', cstr("select 1")},
		{'S', nil}, {'H', nil}, {'X', nil}, {'c', nil},
		{'d', []byte("data")},
		{'f', cstr("failed")},
		{'p', cstr("password")},
		{'F', be32(0)},
	}
	for _, s := range seeds {
		f.Add(s.typ, s.body)
	}
	f.Fuzz(func(t *testing.T, typ byte, body []byte) {
		sendAll(t, rawSession(t, g.addr, "analyst"), cat(fuzzParse, feMsg(typ, body), feMsg('S')), true)
		recheck(t, g)
	})
}

// FuzzStartup sends any bytes as the start of a connection.
func FuzzStartup(f *testing.F) {
	g := fuzzGateway(f)
	f.Add(startupPacket("analyst"))
	f.Add(cat(startupPacket("analyst"), feMsg('Q', cstr("select 1"))))
	f.Add(cat(be32(8), be32(80877103), startupPacket("analyst")))                // SSLRequest, refused
	f.Add(cat(be32(8), be32(80877104), startupPacket("analyst")))                // GSSENCRequest
	f.Add(cat(be32(16), be32(80877102), be32(1), be32(2)))                       // CancelRequest
	f.Add(cat(be32(20), be32(3<<16|1), cstr("user"), cstr("x"), cstr("_pq_.a"))) // newer minor, options
	f.Add(cat(be32(12), be32(2<<16), be32(0)))                                   // protocol 2
	f.Add(cat(be32(4), be32(3<<16)))
	f.Fuzz(func(t *testing.T, packet []byte) {
		c, err := net.Dial("tcp", g.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		sendAll(t, c, packet, false)
		recheck(t, g)
	})
}

// fuzzOIDs are the parameter types clients declare; decodeParams decodes
// each in text and binary.
var fuzzOIDs = []uint32{
	16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 142, 600, 650, 700, 701, 705, 790, 829, 869, 1042, 1043,
	1082, 1083, 1114, 1184, 1186, 1266, 1560, 1562, 1700, 2950, 3802, 3904, 3906, 3908, 3910, 3912, 3926,
	199, 1000, 1001, 1005, 1007, 1009, 1016, 1021, 1022, 1115, 1182, 1183, 1185, 1231, 2951, 3807,
}

// FuzzParams binds one value of a declared type to "select $1" on a
// connection kept across inputs (a new one when the server closed it).
func FuzzParams(f *testing.F) {
	g := fuzzGateway(f)
	for i := range fuzzOIDs {
		f.Add(uint32(i), false, false, []byte("1"))
	}
	f.Add(uint32(1), true, false, []byte{0xde, 0xad})
	f.Add(uint32(4), true, false, []byte{0, 0, 0, 0, 0, 0, 0, 7})
	f.Add(uint32(29), true, false, []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 1})        // numeric
	f.Add(uint32(42), true, false, []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23}) // int4[]
	f.Add(uint32(43), false, false, []byte(`{"a","b",NULL}`))
	f.Add(uint32(21), false, false, []byte("0044-03-15 BC"))
	f.Add(uint32(0), false, true, []byte(nil))
	var (
		mu sync.Mutex
		c  *pgconn.PgConn
	)
	f.Fuzz(func(t *testing.T, sel uint32, binary, null bool, value []byte) {
		oid := sel
		if sel < 1<<16 {
			oid = fuzzOIDs[sel%uint32(len(fuzzOIDs))]
		}
		format := int16(0)
		if binary {
			format = 1
		}
		if null {
			value = nil
		}
		mu.Lock()
		defer mu.Unlock()
		if c == nil || c.IsClosed() {
			var err error
			if c, err = pgconn.Connect(context.Background(), g.dsn("")); err != nil {
				t.Fatalf("connect: %v", err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := c.ExecParams(ctx, "select $1", [][]byte{value}, []uint32{oid}, []int16{format}, nil).Close()
		if ctx.Err() != nil {
			t.Fatalf("no answer in 30 s: %v", err)
		}
		recheck(t, g)
	})
}
