package session

import (
	"errors"
	"github.com/lakegate/lakegate/planner"
	"regexp"
	"strings"
)

// Engine errors name files by their absolute paths ("No magic bytes found
// at end of file '/srv/lakegate/warehouse/users.db/customers/data/x.parquet'"),
// which say where the server keeps its data and nothing a client can use.
// Before an engine error leaves the session, a path under the location of
// a table the session planned becomes the table's name and the path
// relative to its location ("table users.customers, file 'data/x.parquet'"); any
// other absolute path keeps only its last two elements.

// rememberLocation records where a planned table lives.
func (s *Session) rememberLocation(loc, table string) {
	if loc == "" || strings.Contains(loc, "://") {
		return
	}
	if s.tableLocs == nil {
		s.tableLocs = map[string]string{}
	}
	if len(s.tableLocs) > 1024 {
		clear(s.tableLocs)
	}
	s.tableLocs[strings.TrimRight(loc, "/")] = table
}

var quotedAbsPath = regexp.MustCompile(`(?:file://)?(/[^'"\s]+)`)

// withoutPaths rewrites the absolute paths in an error's message: an
// engine error's own, or any other error's (a catalog or storage failure),
// kept underneath for errors.Is and errors.As.
func (s *Session) withoutPaths(err error) error {
	if err == nil || !strings.Contains(err.Error(), "/") {
		return err
	}
	var ee *planner.EngineError
	if errors.As(err, &ee) {
		if msg := s.rewritePaths(ee.Msg); msg != ee.Msg {
			return &planner.EngineError{Kind: ee.Kind, Msg: msg}
		}
		return err
	}
	if msg := s.rewritePaths(err.Error()); msg != err.Error() {
		return &pathlessError{msg: msg, err: err}
	}
	return err
}

// pathlessError is err with its paths rewritten in its message.
type pathlessError struct {
	msg string
	err error
}

func (e *pathlessError) Error() string { return e.msg }
func (e *pathlessError) Unwrap() error { return e.err }

func (s *Session) rewritePaths(text string) string {
	return quotedAbsPath.ReplaceAllStringFunc(text, func(m string) string {
		if strings.HasPrefix(m, "//") {
			return m // the rest of a URL (s3://bucket/...)
		}
		p := strings.TrimPrefix(m, "file://")
		best := ""
		for loc := range s.tableLocs {
			if strings.HasPrefix(p, loc+"/") && len(loc) > len(best) {
				best = loc
			}
		}
		if best != "" {
			return "table " + s.tableLocs[best] + ", file " + strings.TrimPrefix(p, best+"/")
		}
		parts := strings.Split(strings.Trim(p, "/"), "/")
		if len(parts) <= 2 {
			return m
		}
		return ".../" + strings.Join(parts[len(parts)-2:], "/")
	})
}
