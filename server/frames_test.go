package server

import (
	"encoding/binary"
	"testing"
)

// Frontend message builders, shared with the fuzz targets of this package.

func feMsg(typ byte, parts ...[]byte) []byte {
	n := 4
	for _, p := range parts {
		n += len(p)
	}
	out := []byte{typ, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[1:], uint32(n))
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func cstr(s string) []byte { return append([]byte(s), 0) }

func be16(v int16) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }

func be32(v int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

func startupPacket(params ...string) []byte {
	body := be32(3 << 16)
	for _, p := range params {
		body = append(body, cstr(p)...)
	}
	body = append(body, 0)
	return append(be32(int32(len(body)+4)), body...)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// The checker's verdict on a stream: how many bytes it hands on, and the
// violation.
func checkStream(b []byte, maxBody int, chunk int) (int, string) {
	f := frameChecker{maxBody: maxBody}
	passed := 0
	for len(b) > 0 {
		n := min(chunk, len(b))
		k, err := f.scan(b[:n])
		passed += k
		if err != nil {
			return passed, err.Error()
		}
		b = b[n:]
	}
	return passed, ""
}

func TestFrameChecker(t *testing.T) {
	t.Parallel()
	start := startupPacket("user", "analyst", "database", "lakegate")
	parse := feMsg('P', cstr("s1"), cstr("select $1::text"), be16(1), be32(25))
	bind := feMsg('B', cstr("p1"), cstr("s1"), be16(1), be16(0), be16(1), be32(3), []byte("abc"), be16(1), be16(1))
	sync := feMsg('S')
	ok := []struct {
		name   string
		stream []byte
	}{
		{"startup only", start},
		{"ssl request then startup", cat(be32(8), be32(sslRequestCode), start)},
		{"cancel request", cat(be32(16), be32(cancelRequestCode), be32(7), be32(9))},
		{"other protocol version", cat(be32(12), be32(2<<16), be32(0))},
		{"extended protocol", cat(start, parse, bind, feMsg('D', []byte{'P'}, cstr("p1")), feMsg('E', cstr("p1"), be32(0)),
			feMsg('C', []byte{'S'}, cstr("s1")), feMsg('H'), sync)},
		{"null and empty parameters", cat(start, feMsg('B', cstr(""), cstr(""), be16(0), be16(2), be32(-1), be32(0), be16(0)))},
		{"simple query and copy", cat(start, feMsg('Q', cstr("select 1")), feMsg('d', []byte("x\ty\n")), feMsg('c'), feMsg('f', cstr("no")), feMsg('X'))},
		{"password", cat(start, feMsg('p', []byte("SCRAM-SHA-256\x00\xff\xff\xff\xff")))},
		{"oversized message is psql-wire's", cat(start, feMsg('B', make([]byte, 100)))},
	}
	for _, c := range ok {
		for _, chunk := range []int{1, 3, 1 << 20} {
			if n, err := checkStream(c.stream, 64, chunk); err != "" || n != len(c.stream) {
				t.Errorf("%s (chunks of %d): passed %d of %d bytes, error %q", c.name, chunk, n, len(c.stream), err)
			}
		}
	}

	bad := []struct {
		name   string
		stream []byte
		err    string
	}{
		{"bind parameter length -5", cat(start, parse, feMsg('B', cstr(""), cstr("s1"), be16(0), be16(1), be32(-5), be16(0)), sync),
			"insufficient data left in message"},
		{"bind parameter longer than the message", cat(start, feMsg('B', cstr(""), cstr(""), be16(0), be16(1), be32(50), []byte("abc"), be16(0))),
			"insufficient data left in message"},
		{"bind parameter format 2", cat(start, feMsg('B', cstr(""), cstr(""), be16(1), be16(2), be16(0), be16(0))), "unsupported format code: 2"},
		{"bind result format -1", cat(start, feMsg('B', cstr(""), cstr(""), be16(0), be16(0), be16(1), be16(-1))), "unsupported format code: -1"},
		{"bind format count", cat(start, feMsg('B', cstr(""), cstr(""), be16(2), be16(0), be16(0), be16(3), be32(-1), be32(-1), be32(-1), be16(0))),
			"bind message has 2 parameter formats but 3 parameters"},
		{"bind trailing bytes", cat(start, feMsg('B', cstr(""), cstr(""), be16(0), be16(0), be16(0), []byte{7})), "invalid message format"},
		{"bind cut short", cat(start, feMsg('B', cstr(""), cstr(""), be16(0), be16(1))), "insufficient data left in message"},
		{"bind huge count", cat(start, feMsg('B', cstr(""), cstr(""), be16(-1))), "insufficient data left in message"},
		{"unterminated name", cat(start, feMsg('B', []byte("portal"))), "invalid string in message"},
		{"parse oids cut short", cat(start, feMsg('P', cstr(""), cstr("select 1"), be16(2), be32(25))), "insufficient data left in message"},
		{"parse trailing bytes", cat(start, feMsg('P', cstr(""), cstr("select 1"), be16(0), []byte{0})), "invalid message format"},
		{"describe subtype", cat(start, feMsg('D', []byte{'X'}, cstr(""))), "invalid DESCRIBE message subtype 88"},
		{"close subtype", cat(start, feMsg('C', []byte{'x'}, cstr(""))), "invalid CLOSE message subtype 120"},
		{"execute cut short", cat(start, feMsg('E', cstr(""), be16(0))), "insufficient data left in message"},
		{"query without terminator", cat(start, feMsg('Q', []byte("select 1"))), "invalid string in message"},
		{"query with two strings", cat(start, feMsg('Q', cstr("select 1"), cstr("x"))), "invalid message format"},
		{"sync with a body", cat(start, feMsg('S', []byte{1})), "invalid message format"},
		{"message length 2", cat(start, []byte{'Q', 0, 0, 0, 2}), "invalid message length"},
		{"negative message length", cat(start, []byte{'Q', 0xff, 0xff, 0xff, 0xfb}), "invalid message length"},
		{"function call", cat(start, feMsg('F', be32(1))), "invalid frontend message type 70"},
		{"unknown type", cat(start, feMsg(0, nil)), "invalid frontend message type 0"},
		{"startup packet too short", cat(be32(7), be32(3<<16)), "invalid length of startup packet"},
		{"startup packet too long", cat(be32(20000), be32(3<<16)), "invalid length of startup packet"},
		{"startup without terminator", cat(be32(16), be32(3<<16), []byte("user\x00bob")), "invalid startup packet layout: expected terminator as last byte"},
		{"startup without terminator after a value", cat(be32(14), be32(3<<16), []byte("user\x00\x00")), "invalid startup packet layout: expected terminator as last byte"},
		{"startup trailing bytes", cat(be32(12), be32(3<<16), []byte{0, 'x', 0, 0}), "invalid startup packet layout: expected terminator as last byte"},
		{"ssl request with a body", cat(be32(12), be32(sslRequestCode), be32(0)), "invalid length of startup packet"},
		{"cancel request length", cat(be32(12), be32(cancelRequestCode), be32(0)), "invalid length of startup packet"},
	}
	for _, c := range bad {
		var first int
		for i, chunk := range []int{1, 2, 5, 1 << 20} {
			n, err := checkStream(c.stream, 1<<20, chunk)
			if err != c.err {
				t.Errorf("%s (chunks of %d): error %q, want %q", c.name, chunk, err, c.err)
			}
			if i == 0 {
				first = n
			} else if n != first {
				t.Errorf("%s: %d bytes passed in chunks of %d, %d one by one", c.name, n, chunk, first)
			}
		}
		// The faulty message never arrives whole: psql-wire, which reads a
		// message entirely before it acts on it, never sees it.
		if first >= len(c.stream) {
			t.Errorf("%s: all %d bytes passed", c.name, first)
		}
	}
}
