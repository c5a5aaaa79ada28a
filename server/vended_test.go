package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/weedtest"
	"github.com/lakegate/lakegate/server"
)

// SeaweedFS's REST catalog does not vend credentials. vendingProxy stands
// in front of it on loopback as a catalog that does, the way Polaris or
// Lakekeeper would: lakegate reaches it without keys of its own; the
// proxy signs what it forwards with the store's keys and, when asked for
// vended credentials (X-Iceberg-Access-Delegation), returns with every
// table two storage credentials: decoy keys for the prefix "s3://" and the
// store's keys, already past their expiry, for the longer prefix
// "s3://warehouse/". It serves the table credentials endpoint itself (and
// advertises it), counting the renewals.
type vendingProxy struct {
	store *weedtest.Server
	URL   string

	mu       sync.Mutex
	vended   int      // load/create/commit responses given credentials
	renewals int      // credentials endpoint calls
	headers  []string // X-Iceberg-Access-Delegation values seen
}

const decoySecret = "decoy-secret-never-valid"

func startVendingProxy(t *testing.T, store *weedtest.Server) *vendingProxy {
	p := &vendingProxy{store: store}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	p.URL = "http://" + l.Addr().String()
	return p
}

func (p *vendingProxy) credentials() []map[string]any {
	expired := strconv.FormatInt(time.Now().Add(-time.Minute).UnixMilli(), 10)
	return []map[string]any{
		{"prefix": "s3://", "config": map[string]string{"s3.access-key-id": "DECOY", "s3.secret-access-key": decoySecret}},
		{"prefix": "s3://" + weedtest.Bucket + "/", "config": map[string]string{
			"s3.access-key-id": p.store.AccessKey, "s3.secret-access-key": p.store.SecretKey,
			"s3.session-token-expires-at-ms": expired,
		}},
	}
}

func (p *vendingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	delegation := r.Header.Get("X-Iceberg-Access-Delegation")
	p.mu.Lock()
	p.headers = append(p.headers, delegation)
	p.mu.Unlock()
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/credentials") {
		p.mu.Lock()
		p.renewals++
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"storage-credentials": p.credentials()}) //nolint:errcheck
		return
	}
	body, _ := io.ReadAll(r.Body)
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.store.CatalogURI+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for _, h := range []string{"Content-Type", "Accept", "X-Client-Version", "User-Agent"} {
		if v := r.Header.Get(h); v != "" {
			out.Header.Set(h, v)
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: p.store.AccessKey, SecretAccessKey: p.store.SecretKey}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, out, hex.EncodeToString(sum[:]), "s3tables", weedtest.Region, time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if resp.StatusCode == http.StatusOK && json.Unmarshal(rb, &doc) == nil {
		changed := false
		if r.URL.Path == "/v1/config" {
			eps, _ := doc["endpoints"].([]any)
			if len(eps) == 0 {
				for _, e := range []string{"GET /v1/{prefix}/namespaces", "GET /v1/{prefix}/namespaces/{namespace}", "POST /v1/{prefix}/namespaces",
					"POST /v1/{prefix}/namespaces/{namespace}/properties", "DELETE /v1/{prefix}/namespaces/{namespace}",
					"GET /v1/{prefix}/namespaces/{namespace}/tables", "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
					"POST /v1/{prefix}/namespaces/{namespace}/tables", "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
					"DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}", "POST /v1/{prefix}/tables/rename",
					"POST /v1/{prefix}/namespaces/{namespace}/register", "POST /v1/{prefix}/transactions/commit"} {
					eps = append(eps, e)
				}
			}
			doc["endpoints"] = append(eps, "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials")
			changed = true
		}
		if _, ok := doc["metadata-location"]; ok && strings.Contains(delegation, "vended-credentials") {
			doc["storage-credentials"] = p.credentials()
			p.mu.Lock()
			p.vended++
			p.mu.Unlock()
			changed = true
		}
		if changed {
			rb, _ = json.Marshal(doc)
		}
	}
	for k, v := range resp.Header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(rb) //nolint:errcheck
}

func (p *vendingProxy) stats() (vended, renewals int, headers []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.vended, p.renewals, append([]string(nil), p.headers...)
}

// TestVendedCredentials: lakegate has no storage keys of its own; the REST
// catalog vends them with each table. The demo is seeded and read with
// the credential of the longest matching prefix (the decoy of the shorter
// one would be refused), expired ones are renewed through the catalog's
// credentials endpoint, and the secret shows in no error or log. With
// vended_credentials off, lakegate does not ask for them, and without keys
// a read fails with 58030 saying that lakegate has no credentials.
func TestVendedCredentials(t *testing.T) {
	// t.Setenv (the process's AWS environment): it runs alone in a process
	// of its own.
	if !inOwnProcess(t) {
		return
	}
	store := weedtest.Start(t)
	// No keys anywhere but in what the catalog vends.
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	proxy := startVendingProxy(t, store)
	noKeys := map[string]string{"s3.access-key-id": "", "s3.secret-access-key": "", "rest.sigv4-enabled": "false"}
	logs := &syncBuffer{}
	g := startGW(t, gwOptions{policy: demo.Policy, store: store, storeProps: noKeys, catalogURI: proxy.URL,
		cfg: serverLogTo(logs)})
	c := g.as(t, "analyst")
	if n, err := count(t, c, "select count(*) from payments.charges"); err != nil || n != int64(smallSizes.Charges) {
		t.Fatalf("read with vended credentials: %d %v", n, err)
	}
	if got := psqlRows(t, g, "analyst", acceptanceQuery+" order by 1"); got == "" {
		t.Fatal("the cross-domain join returned nothing")
	}
	vended, renewals, headers := proxy.stats()
	if vended == 0 || renewals == 0 {
		t.Fatalf("credentials vended %d times, renewed %d times", vended, renewals)
	}
	for _, h := range headers {
		if h != "vended-credentials" {
			t.Fatalf("lakegate sent X-Iceberg-Access-Delegation %q", h)
		}
	}
	if st := g.cat.FileCache().Stats(); st.Fetches == 0 {
		t.Fatalf("no file was fetched with the vended keys: %+v", st)
	}

	off := false
	o := startGW(t, gwOptions{store: store, storeProps: noKeys, catalogURI: proxy.URL, noSeed: true, vended: &off, cfg: serverLogTo(logs)})
	before, _, seen := proxy.stats()
	_, err := count(t, o.as(t, "analyst"), "select count(*) from comms.bounces")
	if err == nil {
		t.Fatal("a read without keys succeeded")
	}
	after, _, all := proxy.stats()
	if after != before {
		t.Fatalf("credentials were vended to a gateway that did not ask (%d, then %d)", before, after)
	}
	for _, h := range all[len(seen):] {
		if strings.Contains(h, "vended") {
			t.Fatalf("vended_credentials off, and lakegate sent X-Iceberg-Access-Delegation %q", h)
		}
	}
	if sqlState(err) != "58030" || !strings.Contains(err.Error(), "lakegate has no credentials for the store") || !strings.Contains(err.Error(), "comms.bounces") {
		t.Errorf("a read without any keys: %v (SQLSTATE %s), want 58030 naming the table and saying lakegate has no credentials", err, sqlState(err))
	}
	for _, s := range []string{store.SecretKey, decoySecret} {
		if strings.Contains(err.Error(), s) || strings.Contains(logs.String(), s) {
			t.Fatal("a vended secret is in an error or the log")
		}
	}
}

// serverLogTo is a server configuration logging at debug level into w.
func serverLogTo(w io.Writer) server.Config {
	return server.Config{Logger: slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}
