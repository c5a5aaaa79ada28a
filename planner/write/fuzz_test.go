package write

import (
	"errors"
	"testing"

	"github.com/lakegate/lakegate/catalog"
)

// FuzzParseWrite checks that the write parser, given any text, returns a
// statement or an error lakegate maps to a SQLSTATE (never an untyped one,
// which would reach the client as XX000). Client text reaches it; its
// tokens are sqlparse's, whose spans FuzzLex checks. `go test -fuzz` seeds
// are in testdata/fuzz/FuzzParseWrite/; scripts/fuzz.sh runs them.
func FuzzParseWrite(f *testing.F) {
	f.Fuzz(func(t *testing.T, sql string) {
		w, err := Parse(sql)
		if err == nil {
			if w == nil || w.kind == 0 {
				t.Fatalf("Parse(%q): no statement and no error", sql)
			}
			return
		}
		var ee *EngineError
		if !errors.Is(err, ErrNotSupported) && !errors.As(err, &ee) && !errors.Is(err, catalog.ErrUnsupported) {
			t.Fatalf("Parse(%q): untyped error %v", sql, err)
		}
	})
}
