package server

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Every byte a client sends is checked here before psql-wire reads it.
// psql-wire trusts the lengths and counts inside a message: a Bind
// parameter length below -1 makes it slice out of bounds, in a goroutine
// lakegate cannot recover, and the whole process exits. So the frontend
// stream is parsed once more, below psql-wire, as it arrives: the startup
// packet, then each message's type, length and fields
// (https://www.postgresql.org/docs/15/protocol-message-formats.html). A
// message that breaks its format is never handed on whole: its bytes stop
// before the one that shows the fault, the client gets a FATAL
// ErrorResponse 08P01 with PostgreSQL's wording, and the connection closes.
// PostgreSQL itself answers a malformed message body with an ERROR and
// reads on; lakegate closes, since a client that sends one is broken or
// hostile.
//
// The check costs no copy: it reads the bytes in place, skips parameter
// values and COPY data by their length and finds the end of a query text
// with bytes.IndexByte. A message larger than the maximum
// (Config.MaxMessageBytes) is not examined: psql-wire discards it and
// answers 54000, and the session goes on.

// maxStartupPacket is PostgreSQL's MAX_STARTUP_PACKET_LENGTH.
const maxStartupPacket = 10000

// Startup packet codes besides a protocol version (sslRequestCode and
// gssencRequestCode are in tls.go).
const cancelRequestCode = 80877102

// malformedMessageError is a client message that breaks the protocol's
// format (SQLSTATE 08P01 in errors.go).
type malformedMessageError struct{ Msg string }

func (e *malformedMessageError) Error() string { return e.Msg }

func malformed(format string, args ...any) error {
	return &malformedMessageError{Msg: fmt.Sprintf(format, args...)}
}

type frameStage uint8

const (
	stageStartup  frameStage = iota // the startup packet (or an SSL, GSSENC or cancel request)
	stageMessages                   // typed messages
	stageEnded                      // after a cancel request: nothing more is read
)

// fieldKind is the next field of the message being checked.
type fieldKind uint8

const (
	fieldEnd    fieldKind = iota // the message must end here
	fieldRest                    // anything up to the end of the message
	fieldByte                    // Byte1
	fieldInt16                   // Int16, read unsigned as PostgreSQL does
	fieldInt32                   // Int32
	fieldString                  // String, NUL-terminated
	fieldBytes                   // Byte<n>, n in frameChecker.need
)

// frameChecker follows a client's byte stream message by message.
type frameChecker struct {
	maxBody int // bodies larger than this are psql-wire's to refuse
	stage   frameStage

	hdr  [8]byte // startup: length and code; typed: type and length
	hdrN int
	typ  byte
	left int // bytes of the current body not seen yet

	field  fieldKind
	acc    uint32 // the integer being read
	accN   int    // its bytes seen
	strLen int    // bytes of the string being read
	need   int    // bytes of a fieldBytes still to skip
	step   int    // position in the message's layout
	count  int    // items in the current list (formats, parameters, OIDs)
	item   int    // items seen
	nfmt   int    // Bind: parameter format codes

	first int // first body byte of the current message, -1 until seen

	err error // the first violation; the stream stops there
}

// limit returns how many of the next n bytes may be handed on without
// crossing the end of the current message. Reads are cut there so that
// psql-wire's buffered reader never holds the start of the next message
// while it handles one, and the checker's current message (typ, first) is
// the one psql-wire is handling: its hooks do not say whether a statement
// lookup serves a Parse, a Bind or a Describe, and only a Describe of an
// unknown statement must fail there (26000, statementCache.Get).
func (f *frameChecker) limit(n int) int {
	if f.stage == stageEnded {
		return n
	}
	if f.hdrN < f.hdrLen() {
		return min(n, f.hdrLen()-f.hdrN)
	}
	return min(n, f.left)
}

// describingStatement reports whether the message being handled is a
// Describe of a prepared statement.
func (f *frameChecker) describingStatement() bool {
	return f.stage == stageMessages && f.typ == 'D' && f.first == 'S'
}

// parsingStatement reports whether the message being handled is a Parse.
func (f *frameChecker) parsingStatement() bool {
	return f.stage == stageMessages && f.typ == 'P'
}

func (f *frameChecker) hdrLen() int {
	if f.stage == stageStartup {
		return 8
	}
	return 5
}

// scan checks the next bytes of the stream. It returns how many of them
// may be handed on and, when the stream breaks the protocol, the
// violation; the bytes from the faulty one on are withheld.
func (f *frameChecker) scan(b []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	i := 0
	for i < len(b) {
		if f.stage == stageEnded {
			return len(b), nil
		}
		if f.hdrN < f.hdrLen() {
			f.hdr[f.hdrN] = b[i]
			f.hdrN++
			var err error
			switch {
			case f.stage == stageMessages && f.hdrN == 1:
				err = f.checkType(b[i])
			case f.hdrN == f.hdrLen():
				err = f.begin()
			}
			if err != nil {
				f.err = err
				return i, err
			}
			i++
			continue
		}
		n, err := f.body(b[i:])
		if err != nil {
			f.err = err
			return i + n, err
		}
		i += n
	}
	return i, nil
}

// knownTypes are the frontend messages psql-wire and lakegate read.
// FunctionCall ('F') is not among them.
const knownTypes = "BCDEHPQSXcdfp"

func (f *frameChecker) checkType(t byte) error {
	if bytes.IndexByte([]byte(knownTypes), t) < 0 {
		return malformed("invalid frontend message type %d", t)
	}
	return nil
}

// begin starts a message once its header is complete.
func (f *frameChecker) begin() error {
	f.step, f.count, f.item, f.nfmt = 0, 0, 0, 0
	f.acc, f.accN, f.strLen, f.need = 0, 0, 0, 0
	f.first = -1
	if f.stage == stageStartup {
		return f.beginStartup()
	}
	f.typ = f.hdr[0]
	n := int(int32(binary.BigEndian.Uint32(f.hdr[1:5])))
	if n < 4 {
		return malformed("invalid message length")
	}
	f.left = n - 4
	if f.left > f.maxBody {
		f.field = fieldRest // psql-wire discards it and answers 54000
		return f.done()
	}
	switch f.typ {
	case 'B', 'P', 'E', 'Q', 'f':
		f.field = fieldString
	case 'D', 'C':
		f.field = fieldByte
	case 'S', 'H', 'c':
		f.field = fieldEnd
	default: // 'd' CopyData, 'p' password and SASL (authn.go reads them), 'X'
		f.field = fieldRest
	}
	return f.done()
}

func (f *frameChecker) beginStartup() error {
	n := int(int32(binary.BigEndian.Uint32(f.hdr[0:4])))
	code := binary.BigEndian.Uint32(f.hdr[4:8])
	if n < 8 || n > maxStartupPacket {
		return malformed("invalid length of startup packet")
	}
	f.left = n - 8
	switch {
	case code == sslRequestCode || code == gssencRequestCode:
		if n != 8 {
			return malformed("invalid length of startup packet")
		}
		f.hdrN = 0 // psql-wire answers 'N'; the startup packet follows
		return nil
	case code == cancelRequestCode:
		if n != 16 {
			return malformed("invalid length of startup packet")
		}
		f.field = fieldRest
	case code>>16 == 3:
		f.field = fieldString
	default:
		f.field = fieldRest // psql-wire refuses the version with 0A000
	}
	f.typ = 0
	err := f.done()
	if code == cancelRequestCode {
		f.stage = stageEnded
	}
	return err
}

// body checks bytes of the current message body; it returns how many it
// took.
func (f *frameChecker) body(b []byte) (int, error) {
	b = b[:min(len(b), f.left)]
	if f.first < 0 && len(b) > 0 {
		f.first = int(b[0])
	}
	i := 0
	for i < len(b) {
		switch f.field {
		case fieldEnd:
			if f.stage == stageStartup {
				return i, f.short(fieldEnd)
			}
			return i, malformed("invalid message format")
		case fieldRest:
			f.left -= len(b) - i
			i = len(b)
		case fieldBytes:
			n := min(f.need, len(b)-i)
			f.need -= n
			f.left -= n
			i += n
			if f.need == 0 {
				if err := f.next(0); err != nil {
					return i - 1, err
				}
			}
		case fieldString:
			k := bytes.IndexByte(b[i:], 0)
			if k < 0 {
				f.strLen += len(b) - i
				f.left -= len(b) - i
				i = len(b)
				break
			}
			f.strLen += k
			f.left -= k + 1
			i += k + 1
			n := f.strLen
			f.strLen = 0
			if err := f.next(int64(n)); err != nil {
				return i - 1, err
			}
		default: // fixed-width integers
			f.acc = f.acc<<8 | uint32(b[i])
			f.accN++
			f.left--
			i++
			if f.accN == f.width() {
				v := int64(f.acc)
				if f.field == fieldInt32 {
					v = int64(int32(f.acc))
				}
				f.acc, f.accN = 0, 0
				if err := f.next(v); err != nil {
					return i - 1, err
				}
			}
		}
		if f.left == 0 {
			if err := f.done(); err != nil {
				return i - 1, err
			}
		}
	}
	return i, nil
}

func (f *frameChecker) width() int {
	switch f.field {
	case fieldInt16:
		return 2
	case fieldInt32:
		return 4
	}
	return 1
}

// done is called when the body has no bytes left: the layout must be
// complete. It makes the checker ready for the next message.
func (f *frameChecker) done() error {
	if f.left > 0 {
		return nil
	}
	if f.field != fieldEnd && f.field != fieldRest {
		return f.short(f.field)
	}
	f.hdrN = 0
	if f.stage == stageStartup {
		f.stage = stageMessages
	}
	return nil
}

// expect sets the next field; a field longer than what is left of the
// message is refused at once.
func (f *frameChecker) expect(k fieldKind) error {
	f.field = k
	var n int
	switch k {
	case fieldByte:
		n = 1
	case fieldInt16:
		n = 2
	case fieldInt32:
		n = 4
	case fieldString:
		n = 1
	case fieldBytes:
		n = f.need
	}
	if n > f.left {
		return f.short(k)
	}
	return nil
}

// short is the violation of a message that ends before field k.
func (f *frameChecker) short(k fieldKind) error {
	switch {
	case f.stage == stageStartup:
		return malformed("invalid startup packet layout: expected terminator as last byte")
	case k == fieldString:
		return malformed("invalid string in message")
	}
	return malformed("insufficient data left in message")
}

// list starts a list of count fields of kind k, each needing at least size
// bytes, followed by then.
func (f *frameChecker) list(count, size int, k fieldKind, after func() error) error {
	f.count, f.item = count, 0
	if count*size > f.left {
		return malformed("insufficient data left in message")
	}
	if count == 0 {
		return after()
	}
	return f.expect(k)
}

// next takes a completed field (an integer's value, a string's length) and
// sets the one after it.
func (f *frameChecker) next(v int64) error {
	if f.typ == 'B' && f.stage == stageMessages {
		return f.nextBind(v)
	}
	f.step++
	if f.stage == stageStartup {
		// name, value pairs ended by an empty name
		if f.step%2 == 1 && v == 0 {
			return f.expect(fieldEnd)
		}
		return f.expect(fieldString)
	}
	switch f.typ {
	case 'P': // name, query, count, OIDs
		switch f.step {
		case 1:
			return f.expect(fieldString)
		case 2:
			return f.expect(fieldInt16)
		case 3:
			return f.list(int(v), 4, fieldInt32, func() error { return f.expect(fieldEnd) })
		}
		f.item++
		if f.item < f.count {
			return f.expect(fieldInt32)
		}
		return f.expect(fieldEnd)
	case 'D', 'C': // 'S' or 'P', name
		if f.step == 1 {
			if v != 'S' && v != 'P' {
				what := "DESCRIBE"
				if f.typ == 'C' {
					what = "CLOSE"
				}
				return malformed("invalid %s message subtype %d", what, v)
			}
			return f.expect(fieldString)
		}
		return f.expect(fieldEnd)
	case 'E': // portal, row limit
		if f.step == 1 {
			return f.expect(fieldInt32)
		}
		return f.expect(fieldEnd)
	}
	return f.expect(fieldEnd) // 'Q', 'f': one string
}

// The fields of a Bind, in f.step while it is read.
const (
	bindPortal = iota
	bindStatement
	bindFormatCount
	bindFormat
	bindParamCount
	bindParamLength
	bindParamValue
	bindResultCount
	bindResultFormat
)

func (f *frameChecker) nextBind(v int64) error {
	switch f.step {
	case bindPortal:
		f.step = bindStatement
		return f.expect(fieldString)
	case bindStatement:
		f.step = bindFormatCount
		return f.expect(fieldInt16)
	case bindFormatCount:
		f.nfmt = int(v)
		f.step = bindFormat
		return f.list(f.nfmt, 2, fieldInt16, f.bindParams)
	case bindFormat, bindResultFormat:
		if v != 0 && v != 1 {
			return malformed("unsupported format code: %d", int16(v))
		}
		f.item++
		switch {
		case f.item < f.count:
			return f.expect(fieldInt16)
		case f.step == bindFormat:
			return f.bindParams()
		}
		return f.expect(fieldEnd)
	case bindParamCount:
		if f.nfmt > 1 && f.nfmt != int(v) {
			return malformed("bind message has %d parameter formats but %d parameters", f.nfmt, v)
		}
		f.step = bindParamLength
		return f.list(int(v), 4, fieldInt32, f.bindResults)
	case bindParamLength:
		switch {
		case v < -1:
			return malformed("insufficient data left in message")
		case v > 0:
			f.need = int(v)
			f.step = bindParamValue
			return f.expect(fieldBytes)
		}
		return f.bindParamDone()
	case bindParamValue:
		return f.bindParamDone()
	case bindResultCount:
		f.step = bindResultFormat
		return f.list(int(v), 2, fieldInt16, func() error { return f.expect(fieldEnd) })
	}
	return malformed("invalid message format")
}

func (f *frameChecker) bindParams() error {
	f.step = bindParamCount
	return f.expect(fieldInt16)
}

func (f *frameChecker) bindParamDone() error {
	f.item++
	f.step = bindParamLength
	if f.item < f.count {
		return f.expect(fieldInt32)
	}
	return f.bindResults()
}

func (f *frameChecker) bindResults() error {
	f.step = bindResultCount
	return f.expect(fieldInt16)
}
