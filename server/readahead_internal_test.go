package server

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"testing"
)

// A connection that sends only small messages keeps the small read
// buffer; one whose reads fill it (a COPY's 64 KiB CopyData messages)
// reads up to readAheadGrown at a time from then on, and every byte
// reaches the protocol unchanged either way.
func TestStartupConnReadAheadGrows(t *testing.T) {
	t.Parallel()
	small := cat(startupPacket("user", "u"), feMsg('Q', cstr("select 1")), feMsg('Q', cstr("select 2")))
	big := bytes.Repeat([]byte("0123456789abcdef"), 4<<10) // 64 KiB
	for _, tc := range []struct {
		name     string
		stream   []byte
		wantBuf  int
		wantRead int // the largest single read handed out at least
	}{
		{"small messages", small, readAheadBytes, 1},
		{"copy data", cat(startupPacket("user", "u"), feMsg('d', big), feMsg('d', big), feMsg('c')), readAheadGrown, readAheadBytes + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, server := net.Pipe()
			defer server.Close()
			go func() {
				defer client.Close()
				// net.Pipe hands a reader at most what it asks for, as a
				// socket with that much queued does.
				_, _ = client.Write(tc.stream)
			}()
			sc := &startupConn{raw: &watchConn{Conn: server}, log: slog.New(slog.DiscardHandler),
				frames: frameChecker{maxBody: 1 << 20}}
			var got []byte
			largest := 0
			p := make([]byte, 128<<10)
			for {
				n, err := sc.Read(p)
				got = append(got, p[:n]...)
				largest = max(largest, n)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(got, tc.stream) {
				t.Fatalf("read %d bytes, want the %d sent unchanged", len(got), len(tc.stream))
			}
			if len(sc.buf) != tc.wantBuf {
				t.Errorf("read buffer %d bytes, want %d", len(sc.buf), tc.wantBuf)
			}
			if largest < tc.wantRead {
				t.Errorf("largest read %d bytes, want at least %d", largest, tc.wantRead)
			}
		})
	}
}
