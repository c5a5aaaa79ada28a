package planner

import (
	"errors"
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

// withoutPaths rewrites the absolute paths in an engine error's message.
func (s *Session) withoutPaths(err error) error {
	var ee *EngineError
	if !errors.As(err, &ee) || !strings.Contains(ee.Msg, "/") {
		return err
	}
	msg := quotedAbsPath.ReplaceAllStringFunc(ee.Msg, func(m string) string {
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
		if len(parts) > 2 {
			parts = parts[len(parts)-2:]
		}
		return ".../" + strings.Join(parts, "/")
	})
	if msg == ee.Msg {
		return err
	}
	return &EngineError{Kind: ee.Kind, Msg: msg}
}
