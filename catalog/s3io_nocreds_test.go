package catalog

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	icebergio "github.com/apache/iceberg-go/io"
)

// TestNoCredentialsIsStorageError: with no keys anywhere (none in the
// properties, the environment or a profile, the EC2 metadata service
// disabled), reading a data file and reading a manifest from S3 fail
// with ErrStorage and ErrNoCredentials, naming the location and where
// keys come from, before any request reaches the store.
func TestNoCredentialsIsStorageError(t *testing.T) {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(v, "")
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	var requests atomic.Int32
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer store.Close()
	ctx := context.Background()
	const data = "s3://bucket/ns/t/data/f.parquet"
	fsys, err := icebergio.LoadFS(ctx, map[string]string{"s3.endpoint": store.URL, "s3.region": "us-east-1"}, data)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, loc string, err error) {
		t.Helper()
		if !errors.Is(err, ErrStorage) || !errors.Is(err, ErrNoCredentials) {
			t.Fatalf("%s: %v, want ErrStorage and ErrNoCredentials", what, err)
		}
		if msg := err.Error(); !strings.Contains(msg, loc) || !strings.Contains(msg, "lakegate has no credentials for the store") ||
			!strings.Contains(msg, "s3.access-key-id") {
			t.Fatalf("%s: %q should name %s and where credentials come from", what, msg, loc)
		}
	}
	check("data file", data, copyObject(ctx, fsys, data, io.Discard))
	const manifest = "s3://bucket/ns/t/metadata/snap-1.avro"
	_, err = (&mappedIO{inner: fsys}).ReadFile(manifest)
	check("manifest list", manifest, err)
	if n := requests.Load(); n != 0 {
		t.Fatalf("%d unsigned requests reached the store", n)
	}
}
