package server

import "github.com/jeroenrinzema/psql-wire/pkg/buffer"

// psql-wire sizes two things with one setting (wire.MessageBufferSize): the
// bufio.Reader it reads each connection through and the largest message it
// accepts. With the message cap at 1 MiB every connection held a 1 MiB read
// buffer for its whole life (68 MiB for the soak's 65 connections) and left
// 1 MiB of garbage behind each reconnect. The read buffer need not be large:
// a message is read into a slice of its own size (buffer.Reader.Msg), which
// io.ReadFull fills straight from the connection once it is larger than the
// buffer, and startupConn hands out at most 8 KiB per read anyway (tls.go).
// So psql-wire is built with a small buffer, whose size is also its cap
// while it reads the startup packet (never more than maxStartupPacket:
// frames.go refuses longer ones first), and the cap is raised to
// Config.MaxMessageBytes on the reader itself when authentication begins.
// A large message then costs its own size while it is read and nothing
// once it is done; one above the cap is refused (54000) as before.

// readBufferBytes is the size of psql-wire's read buffer of a connection.
const readBufferBytes = 16 << 10

// readBufferSize is the buffer size New gives psql-wire: readBufferBytes,
// or less when the message cap is smaller.
func readBufferSize(maxMessage int) int {
	return min(maxMessage, readBufferBytes)
}

// raiseMessageCap lets r read messages up to the configured cap from now on.
func (s *Server) raiseMessageCap(r *buffer.Reader) {
	if r != nil {
		r.MaxMessageSize = s.maxMessage
	}
}
