package catalog

import (
	"errors"
	"testing"

	icebergio "github.com/apache/iceberg-go/io"
)

// readOnlyIO is storage that can only be read.
type readOnlyIO struct{}

func (readOnlyIO) Open(string) (icebergio.File, error) { return nil, errors.New("not found") }
func (readOnlyIO) Remove(string) error                 { return errors.New("read-only") }

// TestReadOnlyStorageIsUpstream: writing to read-only storage is an
// upstream failure (HV000 at the server) like every other catalog or
// storage failure; it was an untyped error (XX000).
func TestReadOnlyStorageIsUpstream(t *testing.T) {
	m := &mappedIO{inner: readOnlyIO{}}
	if _, err := m.Create("/w/t/data/x.parquet"); !errors.Is(err, ErrUpstream) {
		t.Errorf("Create: %v, want ErrUpstream", err)
	}
	if err := m.WriteFile("/w/t/metadata/v1.metadata.json", nil); !errors.Is(err, ErrUpstream) {
		t.Errorf("WriteFile: %v, want ErrUpstream", err)
	}
}
