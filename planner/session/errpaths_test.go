package session

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner"
)

func TestErrorsWithoutPaths(t *testing.T) {
	s := &Session{}
	s.rememberLocation("/srv/lg/warehouse/users.db/customers", "users.customers")
	for _, c := range []struct{ in, want string }{
		{"No magic bytes found at end of file '/srv/lg/warehouse/users.db/customers/data/x.parquet'",
			"No magic bytes found at end of file 'table users.customers, file data/x.parquet'"},
		{"IO Error: cannot open file:///srv/lg/other/secret/dir/f.parquet", "IO Error: cannot open .../dir/f.parquet"},
		{"s3://bucket/a/b/c.parquet unreadable", "s3://bucket/a/b/c.parquet unreadable"},
		{"division 1/0", "division 1/0"},
	} {
		got := s.withoutPaths(&planner.EngineError{Kind: planner.KindIO, Msg: c.in})
		if got.Error() != c.want {
			t.Errorf("%q -> %q, want %q", c.in, got.Error(), c.want)
		}
	}
	up := fmt.Errorf("catalog: read footer of /srv/lg/warehouse/users.db/customers/data/y.parquet: %w: eof", catalog.ErrUpstream)
	got := s.withoutPaths(up)
	if !errors.Is(got, catalog.ErrUpstream) || got.Error() != "catalog: read footer of table users.customers, file data/y.parquet: catalog or storage failure: eof" {
		t.Errorf("catalog error: %v", got)
	}
}
