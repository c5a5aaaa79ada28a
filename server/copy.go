package server

import (
	"context"
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/jackc/pgx/v5/pgtype"
	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/planner/session"
)

// COPY ... TO STDOUT (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-COPY):
// CopyOutResponse, one CopyData per row, CopyDone, then CommandComplete
// "COPY n". psql-wire has no copy-out, so the messages are written here on
// the connection (identity.go's raw writer); CommandComplete and
// ReadyForQuery stay psql-wire's. Rows arrive batch by batch from the same
// streaming path as a query's DataRows and are encoded with the same
// encoders: a value's text (and binary) form in COPY is its DataRow form.
// Formats follow PostgreSQL's copyto.c: text escapes backslash, the
// delimiter and control characters (CopyAttributeOutText); CSV quotes a
// value holding the delimiter, the quote, CR or LF, one equal to the NULL
// string, and "\." alone in a single-column row (CopyAttributeOutCSV);
// binary is the PGCOPY header, per row a field count and length-prefixed
// values, and a -1 trailer.

var copySignature = []byte("PGCOPY\n\377\r\n\000")

// Backend messages of copy-out that psql-wire does not name.
const (
	msgCopyOutResponse types.ServerMessage = 'H'
	msgCopyData        types.ServerMessage = 'd'
	msgCopyDone        types.ServerMessage = 'c'
)

type copyWriter struct {
	ctx context.Context
	out *buffer.Writer
	cp  *session.CopyOut
	enc *pgtypes.RowEncoder

	started bool   // CopyOutResponse sent
	pending []byte // bytes for the next CopyData (the binary header)
	line    []byte
	buf     []byte
}

func newCopyWriter(ctx context.Context, c *conn, cp *session.CopyOut) *copyWriter {
	tm := wire.TypeMap(ctx)
	if tm == nil {
		tm = pgtype.NewMap()
		pgtypes.RegisterTypes(tm)
	}
	format := int16(pgtype.TextFormatCode)
	if cp.Format == session.CopyBinary {
		format = pgtype.BinaryFormatCode
	}
	enc := pgtypes.NewRowEncoder(cp.Columns, []int16{format}, pgtypes.EncodeOptions{
		Location: c.loc,
		TypeMap:  tm,
		Limits:   c.limits,
		Buffered: cp.Format != session.CopyBinary, // appendLine reads every value
	})
	return &copyWriter{ctx: ctx, out: c.out, cp: cp, enc: enc}
}

// begin sends CopyOutResponse and, in text and CSV, the header line. It
// runs with the first rows (or at the end), so that an error before any
// row is a plain ErrorResponse, outside copy mode.
func (w *copyWriter) begin() error {
	if w.started {
		return nil
	}
	w.started = true
	format := byte(0)
	if w.cp.Format == session.CopyBinary {
		format = 1
	}
	w.out.Start(msgCopyOutResponse)
	w.out.AddByte(format)
	w.out.AddInt16(int16(len(w.cp.Columns)))
	for range w.cp.Columns {
		w.out.AddInt16(int16(format))
	}
	if err := w.out.End(); err != nil {
		return err
	}
	switch {
	case w.cp.Format == session.CopyBinary:
		w.pending = append(append([]byte(nil), copySignature...), 0, 0, 0, 0, 0, 0, 0, 0)
	case w.cp.Header:
		line := w.line[:0]
		for i, col := range w.cp.Columns {
			if i > 0 {
				line = append(line, w.cp.Delimiter)
			}
			if w.cp.Format == session.CopyCSV {
				line = w.appendCSV(line, []byte(col.Name), false)
			} else {
				line = w.appendText(line, []byte(col.Name))
			}
		}
		w.line = append(line, '\n')
		return w.send(w.line)
	}
	return nil
}

func (w *copyWriter) send(data []byte) error {
	w.out.Start(msgCopyData)
	if len(w.pending) > 0 {
		w.out.AddBytes(w.pending)
		w.pending = nil
	}
	w.out.AddBytes(data)
	return w.out.End()
}

// batch sends a record batch, one CopyData per row, in one write per span
// of rows (rows.go).
func (w *copyWriter) batch(rec arrow.RecordBatch) error {
	if err := w.begin(); err != nil {
		return err
	}
	n := int(rec.NumRows())
	for lo := 0; lo < n; {
		hi := w.enc.Span(rec, lo)
		if err := w.enc.Encode(rec, lo, hi); err != nil {
			return err
		}
		lo = hi
		if cap(w.buf) > 4*pgtypes.MaxSpanBytes {
			w.buf = nil
		}
		buf := w.buf[:0]
		if w.cp.Format == session.CopyBinary {
			buf = w.enc.AppendRows(buf, byte(msgCopyData), w.pending)
			w.pending = nil
		} else {
			for i := 0; i < w.enc.Rows(); i++ {
				start := len(buf)
				buf = append(buf, byte(msgCopyData), 0, 0, 0, 0)
				buf = w.appendLine(buf)
				binary.BigEndian.PutUint32(buf[start+1:], uint32(len(buf)-start-1))
			}
		}
		w.buf = buf
		if _, err := w.out.Writer.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// end sends the binary trailer and CopyDone.
func (w *copyWriter) end() error {
	if err := w.begin(); err != nil {
		return err
	}
	if w.cp.Format == session.CopyBinary {
		if err := w.send([]byte{0xff, 0xff}); err != nil {
			return err
		}
	}
	w.out.Start(msgCopyDone)
	return w.out.End()
}

// appendLine appends the encoder's next row in COPY's text or CSV format
// (all its columns are text, so buffered).
func (w *copyWriter) appendLine(line []byte) []byte {
	csv := w.cp.Format == session.CopyCSV
	for c := range w.cp.Columns {
		if c > 0 {
			line = append(line, w.cp.Delimiter)
		}
		v := w.enc.NextValue(c)
		switch {
		case v == nil:
			line = append(line, w.cp.Null...)
		case csv:
			force := w.cp.ForceQuote != nil && w.cp.ForceQuote[c]
			line = w.appendCSV(line, v, force)
		default:
			line = w.appendText(line, v)
		}
	}
	return append(line, '\n')
}

// appendText appends a value in COPY's text format.
func (w *copyWriter) appendText(dst, v []byte) []byte {
	delim := w.cp.Delimiter
	for _, c := range v {
		if c < 0x20 {
			var esc byte
			switch c {
			case '\b':
				esc = 'b'
			case '\f':
				esc = 'f'
			case '\n':
				esc = 'n'
			case '\r':
				esc = 'r'
			case '\t':
				esc = 't'
			case '\v':
				esc = 'v'
			default:
				if c == delim {
					esc = c
				}
			}
			if esc != 0 {
				dst = append(dst, '\\', esc)
				continue
			}
		} else if c == '\\' || c == delim {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return dst
}

// appendCSV appends a value in COPY's CSV format.
func (w *copyWriter) appendCSV(dst, v []byte, quote bool) []byte {
	q, esc, delim := w.cp.Quote, w.cp.Escape, w.cp.Delimiter
	if !quote && string(v) == w.cp.Null {
		quote = true
	}
	if !quote {
		if len(w.cp.Columns) == 1 && string(v) == `\.` {
			quote = true
		} else {
			for _, c := range v {
				if c == delim || c == q || c == '\n' || c == '\r' {
					quote = true
					break
				}
			}
		}
	}
	if !quote {
		return append(dst, v...)
	}
	dst = append(dst, q)
	for _, c := range v {
		if c == q || c == esc {
			dst = append(dst, esc)
		}
		dst = append(dst, c)
	}
	return append(dst, q)
}
