package session

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Reading COPY FROM STDIN data: rows of text, CSV or binary format, as
// PostgreSQL 15's copyfromparse.c reads them
// (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9). The
// data arrives as a stream (the client's CopyData messages) and is read
// one row at a time through a bufio.Reader: nothing but the current row
// is held. Lines end in LF or CR LF, as the first line sets; a lone CR
// (old Mac line ends) is refused as data, where PostgreSQL accepts it as
// the line end when the first line uses it.

// CopyDataError is COPY data that breaks its format (bad_copy_file_format):
// a missing or extra column, an unterminated CSV quote, a bad binary
// header.
type CopyDataError struct{ Msg string }

func (e *CopyDataError) Error() string { return e.Msg }

func copyDataErr(format string, args ...any) error {
	return &CopyDataError{Msg: fmt.Sprintf(format, args...)}
}

// errBadEncoding marks data that is not valid UTF-8 (copyRows.badText
// starts with it); the caller reports the byte sequence
// (pgtypes.InvalidUTF8).
var errBadEncoding = errors.New("invalid UTF-8")

// copyRows reads the rows of one COPY FROM.
type copyRows struct {
	in    *bufio.Reader
	f     *CopyOut
	ncols int

	line    int64  // PostgreSQL's cur_lineno: the line (binary: tuple) being read
	lineBuf []byte // the current line, without its end (text, CSV)
	// lineValid: lineBuf holds the whole line (errors show it, as
	// PostgreSQL's context does once the line is read)
	lineValid bool
	badText   []byte // where an encoding error starts (errBadEncoding)
	crlf      int    // line ends: 0 not seen yet, 1 LF, 2 CR LF
	ended     bool

	// The current row: fields[i] is nil for NULL; quoted (CSV) says a
	// field had quotes.
	fields [][]byte
	quoted []bool
	attr   []byte // storage of the de-escaped fields
	nfield int    // fields the line held (may differ from ncols)
	offs   []int  // start of each field in attr, -1 for NULL
	binHdr bool   // binary header read
	// special marks the bytes readLine must look at (line ends, escapes,
	// quotes); it skips the others without a test each.
	special [256]bool
}

func newCopyRows(in io.Reader, f *CopyOut, ncols int) *copyRows {
	r := &copyRows{in: bufio.NewReaderSize(in, 64<<10), f: f, ncols: ncols,
		fields: make([][]byte, ncols), quoted: make([]bool, ncols)}
	r.special['\n'], r.special['\r'] = true, true
	if f.Format == CopyCSV {
		r.special[f.Quote], r.special[f.Escape] = true, true
	} else {
		r.special['\\'] = true
	}
	return r
}

// next reads the next row; false at the end of the data.
func (r *copyRows) next() (bool, error) {
	if r.ended {
		return false, nil
	}
	if r.f.Format == CopyBinary {
		return r.nextBinary()
	}
	for {
		ok, err := r.readLine()
		if err != nil {
			return false, err
		}
		if !ok {
			// after the end marker \. the client may still send data
			// until CopyDone; PostgreSQL reads and ignores it
			r.ended = true
			_, err := io.Copy(io.Discard, r.in)
			return false, err
		}
		if r.line == 1 && r.f.Header {
			if r.f.HeaderMatch {
				if err := r.splitFields(); err != nil {
					return false, err
				}
				if err := r.matchHeader(); err != nil {
					return false, err
				}
			}
			continue
		}
		return true, r.splitFields()
	}
}

// readLine reads one line into lineBuf. In CSV, a quoted field may span
// lines (each counted, as PostgreSQL counts them); in text, a backslash
// escapes the line end.
func (r *copyRows) readLine() (bool, error) {
	r.lineBuf = r.lineBuf[:0]
	r.lineValid = false
	r.line++
	csv := r.f.Format == CopyCSV
	q, esc := r.f.Quote, r.f.Escape
	inQuote := false
	pos := 0 // bytes of lineBuf scanned
	for {
		chunk, err := r.in.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull && err != io.EOF {
			return false, err
		}
		r.lineBuf = append(r.lineBuf, chunk...)
		b := r.lineBuf
		more := err == bufio.ErrBufferFull
		lineEnd := -1
		i := pos
	scan:
		for ; i < len(b); i++ {
			c := b[i]
			if !r.special[c] {
				continue
			}
			pair := c == '\r' || (!csv && c == '\\') || (csv && inQuote && c == esc && esc != q)
			if pair && i+1 == len(b) && more {
				break // decided by the byte the next chunk starts with
			}
			if c == '\r' {
				if csv && inQuote {
					continue
				}
				if i+1 < len(b) && b[i+1] == '\n' && r.crlf != 1 {
					r.crlf, lineEnd = 2, i
					break scan
				}
				if csv {
					return false, copyDataErr("unquoted carriage return found in data")
				}
				return false, copyDataErr("literal carriage return found in data")
			}
			if csv {
				switch {
				case inQuote && c == esc && esc != q && i+1 < len(b) && (b[i+1] == q || b[i+1] == esc):
					i++
				case c == q:
					inQuote = !inQuote
				case inQuote && c == '\n':
					r.line++
				case c == '\n':
					if r.crlf == 2 {
						return false, copyDataErr("unquoted newline found in data")
					}
					r.crlf, lineEnd = 1, i
					break scan
				}
				continue
			}
			switch c {
			case '\\':
				i++ // the escaped byte, a line end included
			case '\n':
				if r.crlf == 2 {
					return false, copyDataErr("literal newline found in data")
				}
				r.crlf, lineEnd = 1, i
				break scan
			}
		}
		pos = min(i, len(b))
		if lineEnd >= 0 {
			if !utf8.Valid(r.lineBuf) {
				return false, r.badEncoding(r.lineBuf)
			}
			r.lineBuf = r.lineBuf[:lineEnd]
			return r.endOfLine()
		}
		if err == io.EOF {
			// an unterminated quote is found when the line is split
			if !utf8.Valid(r.lineBuf) {
				return false, r.badEncoding(r.lineBuf)
			}
			if len(r.lineBuf) == 0 {
				r.line--
				return false, nil
			}
			return r.endOfLine()
		}
	}
}

// endOfLine checks a complete line: the end marker \. ends the data.
func (r *copyRows) endOfLine() (bool, error) {
	b := r.lineBuf
	if len(b) >= 2 && b[0] == '\\' && b[1] == '.' {
		if len(b) == 2 {
			r.line--
			return false, nil
		}
		if r.f.Format != CopyCSV {
			return false, copyDataErr("end-of-copy marker corrupt")
		}
	}
	r.lineValid = true
	return true, nil
}

// badEncoding records where the invalid UTF-8 of raw (a line with its
// end) starts, with the bytes that follow it in the data: PostgreSQL
// shows as many bytes as the sequence's first byte claims.
func (r *copyRows) badEncoding(raw []byte) error {
	i := 0
	for i < len(raw) {
		c, n := utf8.DecodeRune(raw[i:])
		if c == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	bad := append([]byte(nil), raw[i:]...)
	if len(bad) < utf8.UTFMax {
		more, _ := r.in.Peek(utf8.UTFMax - len(bad))
		bad = append(bad, more...)
	}
	r.badText = bad
	return errBadEncoding
}

// splitFields splits lineBuf into fields and de-escapes them.
func (r *copyRows) splitFields() error {
	r.attr = r.attr[:0]
	r.offs = r.offs[:0]
	r.nfield = 0
	var err error
	if r.f.Format == CopyCSV {
		err = r.splitCSV()
	} else {
		err = r.splitText()
	}
	if err != nil {
		return err
	}
	r.nfield = len(r.offs) / 2
	for i := range r.fields {
		r.fields[i] = nil
		if i < r.nfield && r.offs[2*i] >= 0 {
			r.fields[i] = r.attr[r.offs[2*i]:r.offs[2*i+1]:r.offs[2*i+1]]
		}
	}
	return nil
}

// splitText is CopyReadAttributesText.
func (r *copyRows) splitText() error {
	b, delim, null := r.lineBuf, r.f.Delimiter, r.f.Null
	start := 0
	for {
		// the raw field ends at the next unescaped delimiter
		end := start
		for end < len(b) && b[end] != delim {
			if b[end] == '\\' && end+1 < len(b) {
				end++
			}
			end++
		}
		raw := b[start:min(end, len(b))]
		if string(raw) == null {
			r.offs = append(r.offs, -1, -1)
		} else {
			from := len(r.attr)
			r.attr = unescapeText(r.attr, raw)
			r.offs = append(r.offs, from, len(r.attr))
			if v := r.attr[from:]; !utf8.Valid(v) && bytes.IndexByte(raw, '\\') >= 0 {
				r.badText = v // an escape made it (CopyReadAttributesText)
				return errBadEncoding
			}
		}
		if end >= len(b) {
			return nil
		}
		start = end + 1
	}
}

// unescapeText appends raw with COPY text's backslash escapes resolved.
func unescapeText(dst, raw []byte) []byte {
	if bytes.IndexByte(raw, '\\') < 0 {
		return append(dst, raw...)
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 == len(raw) {
			dst = append(dst, c)
			continue
		}
		i++
		c = raw[i]
		switch {
		case c >= '0' && c <= '7':
			v := int(c - '0')
			for n := 0; n < 2 && i+1 < len(raw) && raw[i+1] >= '0' && raw[i+1] <= '7'; n++ {
				i++
				v = v*8 + int(raw[i]-'0')
			}
			dst = append(dst, byte(v))
		case c == 'x' && i+1 < len(raw) && isHex(raw[i+1]):
			v := 0
			for n := 0; n < 2 && i+1 < len(raw) && isHex(raw[i+1]); n++ {
				i++
				v = v*16 + hexVal(raw[i])
			}
			dst = append(dst, byte(v))
		case c == 'b':
			dst = append(dst, '\b')
		case c == 'f':
			dst = append(dst, '\f')
		case c == 'n':
			dst = append(dst, '\n')
		case c == 'r':
			dst = append(dst, '\r')
		case c == 't':
			dst = append(dst, '\t')
		case c == 'v':
			dst = append(dst, '\v')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// splitCSV is CopyReadAttributesCSV: quoted and unquoted parts may
// alternate within a field; an unquoted field equal to the NULL string is
// NULL.
func (r *copyRows) splitCSV() error {
	b, delim, q, esc, null := r.lineBuf, r.f.Delimiter, r.f.Quote, r.f.Escape, r.f.Null
	i := 0
	for {
		from := len(r.attr)
		start, sawQuote := i, false
		for i < len(b) && b[i] != delim {
			if b[i] != q {
				// an unquoted run, copied at once
				j := i + 1
				for j < len(b) && b[j] != delim && b[j] != q {
					j++
				}
				r.attr = append(r.attr, b[i:j]...)
				i = j
				continue
			}
			sawQuote = true
			i++
			for {
				if i >= len(b) {
					return copyDataErr("unterminated CSV quoted field")
				}
				c := b[i]
				if c == esc && i+1 < len(b) && (b[i+1] == q || b[i+1] == esc) && (esc != q || b[i+1] == q) {
					r.attr = append(r.attr, b[i+1])
					i += 2
					continue
				}
				if c == q {
					i++
					break
				}
				j := i + 1
				for j < len(b) && b[j] != q && b[j] != esc {
					j++
				}
				r.attr = append(r.attr, b[i:j]...)
				i = j
			}
		}
		k := len(r.offs) / 2
		if k < len(r.quoted) {
			r.quoted[k] = sawQuote
		}
		if !sawQuote && string(b[start:i]) == null {
			r.attr = r.attr[:from]
			r.offs = append(r.offs, -1, -1)
		} else {
			r.offs = append(r.offs, from, len(r.attr))
		}
		if i >= len(b) {
			return nil
		}
		i++ // the delimiter
	}
}

// matchHeader checks HEADER MATCH's line against the column names.
func (r *copyRows) matchHeader() error {
	names := r.f.Columns
	if r.nfield != len(names) {
		return copyDataErr("wrong number of fields in header line: got %d, expected %d", r.nfield, len(names))
	}
	for i, col := range names {
		v := r.fields[i]
		if v == nil {
			return copyDataErr("column name mismatch in header line field %d: got null value (%q), expected %q", i+1, r.f.Null, col.Name)
		}
		if string(v) != col.Name {
			return copyDataErr("column name mismatch in header line field %d: got %q, expected %q", i+1, string(v), col.Name)
		}
	}
	return nil
}

// Binary format: the PGCOPY signature, flags and a header extension, then
// per tuple a field count and length-prefixed values, and -1 at the end.
var copyBinarySignature = []byte("PGCOPY\n\377\r\n\000")

func (r *copyRows) readFull(n int) ([]byte, bool, error) {
	if cap(r.attr) < n {
		r.attr = make([]byte, n)
	}
	buf := r.attr[:n]
	got, err := io.ReadFull(r.in, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return buf[:got], false, nil
	}
	return buf, err == nil, err
}

func (r *copyRows) int32() (int32, bool, error) {
	var b [4]byte
	n, err := io.ReadFull(r.in, b[:])
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return 0, n > 0, nil
	}
	return int32(binary.BigEndian.Uint32(b[:])), true, err
}

func (r *copyRows) readBinaryHeader() error {
	sig, ok, err := r.readFull(len(copyBinarySignature))
	if err != nil {
		return err
	}
	if !ok || !bytes.Equal(sig, copyBinarySignature) {
		return copyDataErr("COPY file signature not recognized")
	}
	flags, ok, err := r.int32()
	if err != nil {
		return err
	}
	switch {
	case !ok:
		return copyDataErr("invalid COPY file header (missing flags)")
	case flags&(1<<16) != 0:
		return copyDataErr("invalid COPY file header (WITH OIDS)")
	case uint32(flags)&0xFFFF0000 != 0:
		return copyDataErr("unrecognized critical flags in COPY file header")
	}
	ext, ok, err := r.int32()
	if err != nil {
		return err
	}
	if !ok || ext < 0 {
		return copyDataErr("invalid COPY file header (missing length)")
	}
	if _, err := r.in.Discard(int(ext)); err != nil {
		if err == io.EOF {
			return copyDataErr("invalid COPY file header (wrong length)")
		}
		return err
	}
	return nil
}

// nextBinary is CopyReadBinary*: a row of length-prefixed values.
func (r *copyRows) nextBinary() (bool, error) {
	if !r.binHdr {
		r.binHdr = true
		if err := r.readBinaryHeader(); err != nil {
			return false, err
		}
	}
	r.line++
	if r.bufferedBinaryRow() {
		return true, nil
	}
	var cnt [2]byte
	n, err := io.ReadFull(r.in, cnt[:])
	switch {
	case err == io.EOF:
		r.ended = true
		r.line--
		return false, nil // the end of the data without a trailer
	case err == io.ErrUnexpectedEOF:
		return false, copyDataErr("unexpected EOF in COPY data")
	case err != nil:
		return false, err
	}
	_ = n
	fc := int16(binary.BigEndian.Uint16(cnt[:]))
	if fc == -1 {
		r.ended = true
		if _, err := r.in.ReadByte(); err == nil {
			return false, copyDataErr("received copy data after EOF marker")
		} else if err != io.EOF {
			return false, err
		}
		r.line--
		return false, nil
	}
	if int(fc) != r.ncols {
		return false, copyDataErr("row field count is %d, expected %d", fc, r.ncols)
	}
	total := 0
	r.offs = r.offs[:0]
	r.attr = r.attr[:0]
	for i := 0; i < r.ncols; i++ {
		size, ok, err := r.int32()
		if err != nil {
			return false, err
		}
		if !ok {
			return false, copyDataErr("unexpected EOF in COPY data")
		}
		if size == -1 {
			r.offs = append(r.offs, -1, -1)
			continue
		}
		if size < -1 {
			return false, &binaryFieldError{col: i, err: copyDataErr("invalid field size")}
		}
		from := len(r.attr)
		r.attr = append(r.attr, make([]byte, size)...)
		if _, err := io.ReadFull(r.in, r.attr[from:]); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return false, &binaryFieldError{col: i, err: copyDataErr("unexpected EOF in COPY data")}
			}
			return false, err
		}
		r.offs = append(r.offs, from, len(r.attr))
		total += int(size)
	}
	for i := range r.fields {
		r.fields[i] = nil
		if r.offs[2*i] >= 0 {
			r.fields[i] = r.attr[r.offs[2*i]:r.offs[2*i+1]:r.offs[2*i+1]]
		}
	}
	r.nfield = r.ncols
	return true, nil
}

// bufferedBinaryRow is nextBinary's fast path: when the reader's buffer
// holds the whole next row, and it is a row of the expected field count
// with valid sizes, its fields are taken from the buffer in place (they
// stay valid until the next read) and it is consumed. Anything else
// (a row across the buffer's end, the trailer, a broken row) is left to
// the general path, which reads it and reports what is wrong.
func (r *copyRows) bufferedBinaryRow() bool {
	b, _ := r.in.Peek(r.in.Buffered())
	if len(b) < 2 || int(int16(binary.BigEndian.Uint16(b))) != r.ncols {
		return false
	}
	p := 2
	for i := 0; i < r.ncols; i++ {
		if len(b)-p < 4 {
			return false
		}
		size := int32(binary.BigEndian.Uint32(b[p:]))
		p += 4
		switch {
		case size == -1:
			r.fields[i] = nil
			continue
		case size < 0 || int(size) > len(b)-p:
			return false
		}
		r.fields[i] = b[p : p+int(size) : p+int(size)]
		p += int(size)
	}
	_, _ = r.in.Discard(p)
	r.nfield = r.ncols
	return true
}

// binaryFieldError is a failure reading binary field col.
type binaryFieldError struct {
	col int
	err error
}

func (e *binaryFieldError) Error() string { return e.err.Error() }
func (e *binaryFieldError) Unwrap() error { return e.err }
