package session

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzCopyData reads any bytes as COPY FROM data in text, CSV and binary
// format (copyin_format.go; client bytes reach it unchanged). It must not
// panic, must end, must fail only with a CopyDataError, a bad encoding or
// an I/O error, and the rows of text format must survive a round trip:
// written back with COPY's text escapes, they read the same.
func FuzzCopyData(f *testing.F) {
	for _, s := range []string{
		"1\tab\\tc\t\\N\n2\t\\x41\\101\\\\\n\\.\n",
		"a,\"b,\"\"c\"\"\nd\",\n\"\",x\r\n",
		"id,name\r\n1,\"crlf\r\ninside\"\r\n",
		"1,\"unterminated\n",
		"1\\\n2\n",
		"\\.x\n",
		"1,1\n40,4\r\n",
		"caf\xe9\n",
		"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff",
		"PGCOPY\n\xff\r\n\x00\x00\x01\x00\x00",
		"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x02ab\xff\xff\xff\xff" +
			"\x00\x02\x00\x00\x00\x00\x00\x00\x00\x01c\xff\xff",
	} {
		for format := range 3 {
			f.Add([]byte(s), uint8(format), true)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8, header bool) {
		opts := &CopyOut{Format: CopyFormat(format % 3), Delimiter: '\t', Null: `\N`, Quote: '"', Escape: '"', Header: header}
		if opts.Format == CopyCSV {
			opts.Delimiter, opts.Null = ',', ""
		}
		if opts.Format == CopyBinary {
			opts.Header = false
		}
		rows := readAllRows(t, data, opts, 2)
		if opts.Format == CopyBinary {
			// rows are taken in place from the read buffer when it holds
			// them whole; a byte at a time, they never are: both agree
			slow := readAllRowsFrom(t, iotest.OneByteReader(bytes.NewReader(data)), data, opts, 2)
			if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", slow) {
				t.Fatalf("%q: buffered rows %q, read a byte at a time %q", data, rows, slow)
			}
		}
		if opts.Format != CopyText || rows == nil {
			return
		}
		var again []byte
		for _, row := range rows {
			for i, v := range row {
				if i > 0 {
					again = append(again, '\t')
				}
				if v == nil {
					again = append(again, `\N`...)
					continue
				}
				again = appendTextEscaped(again, v)
			}
			again = append(again, '\n')
		}
		opts.Header = false
		back := readAllRows(t, again, opts, 2)
		if len(back) != len(rows) {
			t.Fatalf("%q: %d rows, written back %q: %d rows", data, len(rows), again, len(back))
		}
		for i := range rows {
			if len(rows[i]) != len(back[i]) {
				t.Fatalf("row %d: %q, back %q", i, rows[i], back[i])
			}
			for j := range rows[i] {
				if (rows[i][j] == nil) != (back[i][j] == nil) || !bytes.Equal(rows[i][j], back[i][j]) {
					t.Fatalf("row %d: %q, back %q (from %q)", i, rows[i], back[i], again)
				}
			}
		}
	})
}

// readAllRows reads every row (each field copied; nil for NULL), or nil
// when the data is refused.
func readAllRows(t *testing.T, data []byte, opts *CopyOut, ncols int) [][][]byte {
	return readAllRowsFrom(t, bytes.NewReader(data), data, opts, ncols)
}

// readAllRowsFrom is readAllRows of data read from in.
func readAllRowsFrom(t *testing.T, in io.Reader, data []byte, opts *CopyOut, ncols int) [][][]byte {
	r := newCopyRows(in, opts, ncols)
	var out [][][]byte
	last := int64(0)
	for {
		ok, err := r.next()
		if err != nil {
			var de *CopyDataError
			if !errors.As(err, &de) && err != errBadEncoding && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%q: untyped error %v", data, err)
			}
			return nil
		}
		if !ok {
			return out
		}
		if r.line <= last || r.line > int64(bytes.Count(data, []byte{'\n'}))+int64(bytes.Count(data, []byte{'\r'}))+1 && opts.Format != CopyBinary {
			t.Fatalf("%q: line %d after %d", data, r.line, last)
		}
		last = r.line
		row := make([][]byte, r.nfield)
		for i := range row {
			if i < len(r.fields) {
				if v := r.fields[i]; v != nil {
					row[i] = append([]byte{}, v...)
				}
				continue
			}
			// fields past ncols (extra data): their text is in attr
			if r.offs[2*i] >= 0 {
				row[i] = append([]byte{}, r.attr[r.offs[2*i]:r.offs[2*i+1]]...)
			}
		}
		out = append(out, row)
	}
}

// appendTextEscaped writes a value in COPY's text format (what COPY TO
// writes: backslash, tab, newline and carriage return escaped).
func appendTextEscaped(dst, v []byte) []byte {
	for _, c := range v {
		switch c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
