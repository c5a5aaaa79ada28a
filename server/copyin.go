package server

import (
	"context"
	"errors"
	"io"

	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/lakegate/lakegate/planner/session"
)

// COPY ... FROM STDIN (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-COPY):
// once the session has checked the target (session.BeginCopyIn; an error
// before this point is a plain ErrorResponse), CopyInResponse puts the
// client in copy-in mode; its CopyData messages are handed to the session
// as one byte stream, which ends at CopyDone (io.EOF) or CopyFail
// (session.CopyFailedError, 57014); Flush and Sync are ignored, as
// PostgreSQL does, and any other message is a protocol violation. The
// messages are read from psql-wire's reader (kept at authentication,
// conn.in) while the statement's handler runs: psql-wire's own copy
// reader answers errors itself with codes PostgreSQL does not use, and
// wants a RowDescription-shaped column list. After a failure the client
// may still be sending data: psql-wire's loop ignores CopyData, CopyDone
// and CopyFail outside copy mode, as PostgreSQL does.

const msgCopyInResponse types.ServerMessage = 'G'

// copyIn runs a COPY FROM STDIN.
func (c *conn) copyIn(ctx context.Context, st *session.Stmt, ci *session.CopyIn) (session.Result, error) {
	if c.out == nil || c.in == nil {
		return session.Result{}, errors.New("server: COPY FROM STDIN without the connection's reader and writer")
	}
	load, err := c.sess.BeginCopyIn(ctx, st)
	if err != nil {
		return session.Result{}, err
	}
	format := byte(0)
	if ci.Format == session.CopyBinary {
		format = 1
	}
	c.out.Start(msgCopyInResponse)
	c.out.AddByte(format)
	c.out.AddInt16(int16(ci.Columns))
	for range ci.Columns {
		c.out.AddInt16(int16(format))
	}
	if err := c.out.End(); err != nil {
		return session.Result{Tables: load.Tables()}, err
	}
	return load.Run(ctx, &copyInStream{r: c.in})
}

// copyInStream is the data of the client's CopyData messages. A CopyData
// message's payload is read straight from psql-wire's buffered reader
// into the caller's buffer, not through buffer.Reader.ReadTypedMsg, which
// allocates a slice of the message's size for every message (psql-wire
// never reuses one: strings alias it): a COPY sends 64 KiB messages, and
// those allocations, their zeroing and the copy through them were a fifth of
// a binary COPY's parsing (BENCHMARKS.md). The other messages are read as
// before.
type copyInStream struct {
	r    *buffer.Reader
	left int   // the unread rest of the current CopyData's payload
	err  error // how the stream ended
}

func (s *copyInStream) Read(p []byte) (int, error) {
	for s.left == 0 {
		if s.err != nil {
			return 0, s.err
		}
		s.err = s.next()
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := s.r.Buffer.Read(p[:min(len(p), s.left)])
	s.left -= n
	if n == 0 && err != nil {
		s.err = gone(err)
		s.left = 0
		return 0, s.err
	}
	return n, nil
}

// next reads the next message's header and, for a CopyData, sets left to
// its payload's size; it returns how the stream ends, if it does.
func (s *copyInStream) next() error {
	typ, err := s.r.ReadType()
	if err != nil {
		return gone(err)
	}
	if typ == types.ClientCopyData {
		size, err := s.r.ReadMsgSize()
		if err != nil {
			return gone(err)
		}
		if size > s.r.MaxMessageSize || size < 0 {
			return buffer.NewMessageSizeExceeded(s.r.MaxMessageSize, size)
		}
		s.left = size
		return nil
	}
	if _, err := s.r.ReadUntypedMsg(); err != nil {
		return gone(err)
	}
	switch typ {
	case types.ClientCopyDone:
		return io.EOF
	case types.ClientCopyFail:
		msg, err := s.r.GetString()
		if err != nil {
			return malformed("invalid message format")
		}
		return &session.CopyFailedError{Msg: msg}
	case types.ClientFlush, types.ClientSync:
		return nil
	default:
		return malformed("unexpected message type 0x%02X during COPY from stdin", byte(typ))
	}
}

// gone is a read error mid-COPY: an end of the connection is unexpected.
func gone(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF // the client went away mid-COPY
	}
	return err
}
