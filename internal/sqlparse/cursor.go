package sqlparse

import "strings"

// Cursor walks the significant tokens of one statement's text (white space
// and comments are passed over). Readers of a grammar (session commands,
// COPY, the write statements) consume it keyword by keyword; Pos and Rest
// tie what they read back to the text, for errors and for handing the rest
// of a statement on.
type Cursor struct {
	src  string
	toks []Token
	i    int
}

// NewCursor returns a cursor at the first token of s.
func NewCursor(s string) *Cursor { return &Cursor{src: s, toks: Tokens(s, 0)} }

// Src is the text the cursor reads.
func (c *Cursor) Src() string { return c.src }

// Done reports that every token was consumed.
func (c *Cursor) Done() bool { return c.i >= len(c.toks) }

// Index is the number of tokens consumed; Seek goes back (or on) to one.
func (c *Cursor) Index() int { return c.i }

// Seek moves the cursor to token index i (clamped to the tokens).
func (c *Cursor) Seek(i int) { c.i = max(0, min(i, len(c.toks))) }

// Len is the number of significant tokens.
func (c *Cursor) Len() int { return len(c.toks) }

// At returns token i (a zero Token with Pos len(src) past the end).
func (c *Cursor) At(i int) Token {
	if i < 0 || i >= len(c.toks) {
		return Token{Pos: len(c.src), End: len(c.src)}
	}
	return c.toks[i]
}

// Peek returns the next token, k tokens ahead (0: the next one).
func (c *Cursor) Peek(k int) Token { return c.At(c.i + k) }

// PeekText is the next token's text as written, "" at the end.
func (c *Cursor) PeekText() string { return c.Peek(0).Text }

// PeekUpper is the text of the token k ahead upper-cased, "" past the end.
func (c *Cursor) PeekUpper(k int) string { return strings.ToUpper(c.Peek(k).Text) }

// Next consumes and returns the next token (a zero Token at the end).
func (c *Cursor) Next() Token {
	t := c.At(c.i)
	if !c.Done() {
		c.i++
	}
	return t
}

// Accept consumes the words if they come next, all of them in order
// (compared without regard to case); otherwise it consumes nothing.
func (c *Cursor) Accept(words ...string) bool {
	if c.i+len(words) > len(c.toks) {
		return false
	}
	for k, w := range words {
		if !strings.EqualFold(c.toks[c.i+k].Text, w) {
			return false
		}
	}
	c.i += len(words)
	return true
}

// Expect consumes the words one by one; at the first that does not come
// next it returns false with the cursor at the token that is there instead
// (Near and Pos name it for the error).
func (c *Cursor) Expect(words ...string) bool {
	for _, w := range words {
		if !c.Accept(w) {
			return false
		}
	}
	return true
}

// Near is the text of the next token, "" at the end of input: what a
// syntax error names ("syntax error at or near ...").
func (c *Cursor) Near() string { return c.PeekText() }

// Pos is the byte offset of the next token in the text (len at the end).
func (c *Cursor) Pos() int { return c.Peek(0).Pos }

// Rest returns the text from the next token on ("" at the end).
func (c *Cursor) Rest() string {
	if c.Done() {
		return ""
	}
	return c.src[c.toks[c.i].Pos:]
}
