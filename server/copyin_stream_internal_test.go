package server

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/jeroenrinzema/psql-wire/pkg/buffer"

	"github.com/lakegate/lakegate/planner/session"
)

// copyInStream hands out the payloads of CopyData messages as one stream,
// read in pieces of any size, and ends the way the client ends the COPY.
func TestCopyInStream(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("0123456789"), 7000) // 70,000 bytes: more than the reader's buffer
	for _, tc := range []struct {
		name    string
		in      []byte
		want    []byte
		wantErr func(error) bool
	}{
		{"copy done", cat(feMsg('d', []byte("ab")), feMsg('d'), feMsg('H'), feMsg('d', big), feMsg('S'), feMsg('d', []byte("yz")), feMsg('c'), feMsg('Q', cstr("next"))),
			cat([]byte("ab"), big, []byte("yz")), func(err error) bool { return err == io.EOF }},
		{"copy fail", cat(feMsg('d', []byte("ab")), feMsg('f', cstr("stop"))), []byte("ab"),
			func(err error) bool {
				var cf *session.CopyFailedError
				return errors.As(err, &cf) && cf.Msg == "stop"
			}},
		{"client gone mid-message", feMsg('d', []byte("abcdef"))[:8], []byte("abc"),
			func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"client gone between messages", feMsg('d', []byte("abc")), []byte("abc"),
			func(err error) bool { return err == io.ErrUnexpectedEOF }},
		{"other message", cat(feMsg('d', []byte("abc")), feMsg('Q', cstr("select 1"))), []byte("abc"),
			func(err error) bool {
				return err != nil && bytes.Contains([]byte(err.Error()), []byte("unexpected message type 0x51 during COPY from stdin"))
			}},
		{"copy data over the cap", cat(feMsg('d', []byte("abc")), feMsg('d', make([]byte, 200<<10))), []byte("abc"),
			func(err error) bool {
				var se buffer.MessageSizeExceeded
				return errors.As(err, &se)
			}},
	} {
		for _, piece := range []int{1, 7, 4096, 100 << 10} {
			r := buffer.NewReader(slog.New(slog.DiscardHandler), bytes.NewReader(tc.in), 16<<10)
			r.MaxMessageSize = 100 << 10
			s := &copyInStream{r: r}
			var got []byte
			p := make([]byte, piece)
			var err error
			for {
				var n int
				n, err = s.Read(p)
				got = append(got, p[:n]...)
				if err != nil {
					break
				}
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("%s, pieces of %d: read %d bytes, want %d", tc.name, piece, len(got), len(tc.want))
			}
			if !tc.wantErr(err) {
				t.Errorf("%s, pieces of %d: ended with %v", tc.name, piece, err)
			}
			if _, again := s.Read(p); again != err {
				t.Errorf("%s: a read after the end: %v, want %v again", tc.name, again, err)
			}
		}
	}
}
