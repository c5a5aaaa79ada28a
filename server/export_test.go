package server

import "bufio"

// Frontend message builders (frames_test.go) for the external tests.
var (
	FeMsg = feMsg
	Cstr  = cstr
	Be16  = be16
	Be32  = be32
	Cat   = cat
)

// ReadBufferSizes returns the size of psql-wire's read buffer and its
// message cap for every authenticated connection (readbuf.go).
func (s *Server) ReadBufferSizes() (buffers, caps []int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.in == nil {
			continue
		}
		b, ok := c.in.Buffer.(*bufio.Reader)
		if !ok {
			buffers = append(buffers, -1)
		} else {
			buffers = append(buffers, b.Size())
		}
		caps = append(caps, c.in.MaxMessageSize)
	}
	return buffers, caps
}
