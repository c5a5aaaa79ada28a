package catalog

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	icebergio "github.com/apache/iceberg-go/io"
)

// TestFileIOsShareConnections: every FileIO of a source (iceberg-go makes
// one each time a table's storage is asked for) reads through one HTTP
// client, so reads through many FileIOs, one after another, reuse the
// store's first connection instead of dialling one each. Counted at a
// stand-in store, with the SDK's legacy defaults and with a defaults mode
// (AWS_DEFAULTS_MODE, or defaults_mode in a shared profile), under which
// the SDK copies a buildable client's transport into every S3 client:
// before, 20 FileIOs then made 20 connections.
func TestFileIOsShareConnections(t *testing.T) {
	for _, mode := range []string{"legacy", "standard", "in-region"} {
		t.Run(mode, func(t *testing.T) {
			t.Setenv("AWS_DEFAULTS_MODE", mode)
			testFileIOsShareConnections(t)
		})
	}
}

func testFileIOsShareConnections(t *testing.T) {
	body := bytes.Repeat([]byte("parquet!"), 64<<10) // 512 KiB
	var conns, gets atomic.Int32
	store := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/bucket/ns/t/data/") {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
			return
		}
		gets.Add(1)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	store.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	store.Start()
	defer store.Close()
	props := map[string]string{"s3.endpoint": store.URL, "s3.region": "us-east-1", "s3.path-style-access": "true",
		"s3.access-key-id": "AKIDEXAMPLE", "s3.secret-access-key": "not-a-secret"}
	src := &source{cfg: Config{Properties: props}}
	ctx := context.Background()
	const fileIOs = 20
	for i := range fileIOs {
		fsys, err := icebergio.LoadFS(src.ioContext(ctx), props, "s3://bucket/ns/t")
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		loc := "s3://bucket/ns/t/data/f" + strconv.Itoa(i) + ".parquet"
		if err := copyObject(ctx, fsys, loc, &got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), body) {
			t.Fatalf("%s: %d bytes, want %d", loc, got.Len(), len(body))
		}
	}
	if n := gets.Load(); n != fileIOs {
		t.Fatalf("%d GETs, want %d", n, fileIOs)
	}
	// One, or a few: a request may dial before the connection the last
	// one released is back in the idle pool.
	if n := conns.Load(); n > 3 {
		t.Fatalf("%d reads through %d FileIOs opened %d connections, want them to share one", fileIOs, fileIOs, n)
	}
	t.Logf("%d reads through %d FileIOs: %d connection(s)", fileIOs, fileIOs, conns.Load())
}
