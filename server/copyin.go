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

// copyInStream is the data of the client's CopyData messages.
type copyInStream struct {
	r    *buffer.Reader
	data []byte // the unread rest of the last CopyData (psql-wire's buffer)
	err  error  // how the stream ended
}

func (s *copyInStream) Read(p []byte) (int, error) {
	for len(s.data) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		typ, _, err := s.r.ReadTypedMsg()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // the client went away mid-COPY
			}
			s.err = err
			continue
		}
		switch typ {
		case types.ClientCopyData:
			s.data = s.r.Msg
		case types.ClientCopyDone:
			s.err = io.EOF
		case types.ClientCopyFail:
			msg, err := s.r.GetString()
			if err != nil {
				s.err = malformed("invalid message format")
				continue
			}
			s.err = &session.CopyFailedError{Msg: msg}
		case types.ClientFlush, types.ClientSync:
		default:
			s.err = malformed("unexpected message type 0x%02X during COPY from stdin", byte(typ))
		}
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}
