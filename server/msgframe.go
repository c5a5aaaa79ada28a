package server

import "encoding/binary"

// msgFrames follows the message boundaries of what a client sends, so that
// lakegate knows which message psql-wire is handling: psql-wire's hooks do
// not say whether a statement lookup is for a Parse, a Bind or a Describe,
// and only a Describe of an unknown statement must fail there (26000, see
// statementCache.Get). Reads from the connection are cut at the end of
// each message, so psql-wire's buffered reader never holds the start of the
// next one while it handles the current one; bytes already read from the
// socket wait here (at most the size of a Read) instead of in its buffer.
type msgFrames struct {
	started bool    // the untyped startup packet has passed
	hdr     [5]byte // header of the message being read
	have    int     // header bytes seen
	left    int     // body bytes of the current message not yet handed out
	kind    byte    // type of the current message (0 before the first)
	first   int     // first body byte of the current message, -1 until seen
}

func (f *msgFrames) headerLen() int {
	if f.started {
		return 5
	}
	return 4
}

// limit returns how many of n bytes may be handed out before the next
// message boundary (or the next byte needed to know the message).
func (f *msgFrames) limit(n int) int {
	want := f.left
	switch {
	case f.have < f.headerLen():
		want = f.headerLen() - f.have
	case f.first < 0 && f.left > 0:
		want = 1
	}
	return min(n, want)
}

// seen advances over bytes handed out.
func (f *msgFrames) seen(b []byte) {
	for len(b) > 0 {
		hl := f.headerLen()
		if f.have < hl {
			k := copy(f.hdr[f.have:hl], b)
			f.have += k
			b = b[k:]
			if f.have == hl {
				size := int(binary.BigEndian.Uint32(f.hdr[hl-4 : hl]))
				f.left = max(size-4, 0)
				if f.started {
					f.kind = f.hdr[0]
				} else {
					f.kind, f.left = 0, max(size-4, 0)
				}
				f.first = -1
				f.endIfEmpty()
			}
			continue
		}
		k := min(len(b), f.left)
		if f.first < 0 && k > 0 {
			f.first = int(b[0])
		}
		f.left -= k
		b = b[k:]
		f.endIfEmpty()
	}
}

func (f *msgFrames) endIfEmpty() {
	if f.left == 0 {
		f.have = 0
		f.started = true
	}
}

// describingStatement reports whether the message being handled is a
// Describe of a prepared statement.
func (f *msgFrames) describingStatement() bool {
	return f.kind == 'D' && f.first == 'S'
}
