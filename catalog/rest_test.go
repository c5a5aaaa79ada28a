package catalog_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lakegate/lakegate/catalog"
)

// restCatalog serves the read side of the Iceberg REST catalog protocol
// (https://github.com/apache/iceberg/blob/main/open-api/rest-catalog-open-api.yaml)
// over tables whose metadata files are on local disk: config, namespaces,
// table listing and load-table. No REST catalog server can be installed
// here, so the test speaks the protocol itself.
type restCatalog struct {
	mu     sync.Mutex
	tables map[string]string // "ns.table" -> metadata location
	loads  int
}

func (rc *restCatalog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1/"), "/"), "/")
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	notFound := func(kind string) {
		w.WriteHeader(http.StatusNotFound)
		reply(map[string]any{"error": map[string]any{"message": kind + " not found", "type": "No" + kind + "Exception", "code": 404}})
	}
	switch {
	case len(parts) == 1 && parts[0] == "config":
		reply(map[string]any{"defaults": map[string]string{}, "overrides": map[string]string{}})
	case len(parts) == 1 && parts[0] == "namespaces":
		seen := map[string]bool{}
		var nss [][]string
		for k := range rc.tables {
			ns, _, _ := strings.Cut(k, ".")
			if !seen[ns] {
				seen[ns] = true
				nss = append(nss, []string{ns})
			}
		}
		reply(map[string]any{"namespaces": nss})
	case len(parts) == 2 && parts[0] == "namespaces":
		for k := range rc.tables {
			if strings.HasPrefix(k, parts[1]+".") {
				reply(map[string]any{"namespace": []string{parts[1]}, "properties": map[string]string{}})
				return
			}
		}
		notFound("Namespace")
	case len(parts) == 3 && parts[0] == "namespaces" && parts[2] == "tables":
		var ids []map[string]any
		for k := range rc.tables {
			ns, name, _ := strings.Cut(k, ".")
			if ns == parts[1] {
				ids = append(ids, map[string]any{"namespace": []string{ns}, "name": name})
			}
		}
		reply(map[string]any{"identifiers": ids})
	case len(parts) == 4 && parts[0] == "namespaces" && parts[2] == "tables":
		loc, ok := rc.tables[parts[1]+"."+parts[3]]
		if !ok {
			notFound("Table")
			return
		}
		raw, err := os.ReadFile(strings.TrimPrefix(loc, "file://"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		rc.loads++
		reply(map[string]any{"metadata-location": loc, "metadata": json.RawMessage(raw), "config": map[string]string{}})
	default:
		http.Error(w, "unsupported in this test server: "+r.Method+" "+r.URL.Path, http.StatusNotImplemented)
	}
}

// TestRESTCatalogLoadsCurrentSnapshot serves tables through the REST
// protocol and checks that lakegate sees a new snapshot on the next load.
func TestRESTCatalogLoadsCurrentSnapshot(t *testing.T) {
	ctx := context.Background()
	// Build a real table with the embedded catalog, then publish its
	// metadata through the REST server.
	dir := t.TempDir()
	local, err := catalog.Open(ctx, []catalog.Config{{URI: "sqlite://" + filepath.Join(dir, "c.db"), Warehouse: "file://" + filepath.Join(dir, "wh")}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	ident := catalog.Ident{Schema: "sales", Name: "orders"}
	if err := local.CreateTable(ctx, ident, catalog.TableSpec{Schema: ordersSchema()}); err != nil {
		t.Fatal(err)
	}
	if err := local.Append(ctx, ident, rows(t, "eu", 10)); err != nil {
		t.Fatal(err)
	}
	first, err := local.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	rc := &restCatalog{tables: map[string]string{"sales.orders": first.MetadataLocation}}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	cat, err := catalog.Open(ctx, []catalog.Config{{Name: "remote", Type: "rest", URI: srv.URL}}, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	schemas, err := cat.Schemas(ctx)
	if err != nil || len(schemas) != 1 || schemas[0] != "sales" {
		t.Fatalf("schemas %v %v", schemas, err)
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.SnapshotID() != first.SnapshotID() {
		t.Fatalf("snapshot %d, want %d", tbl.SnapshotID(), first.SnapshotID())
	}
	plan, err := tbl.PlanScan(ctx, nil)
	if err != nil || len(plan.Files) != 1 || plan.Files[0].Records != 10 {
		t.Fatalf("plan %+v %v", plan, err)
	}
	// Another writer commits; the REST catalog now points at new metadata.
	if err := local.Append(ctx, ident, rows(t, "us", 5)); err != nil {
		t.Fatal(err)
	}
	second, err := local.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	rc.tables["sales.orders"] = second.MetadataLocation
	rc.mu.Unlock()
	again, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	if again.SnapshotID() != second.SnapshotID() {
		t.Fatalf("after commit: snapshot %d, want %d", again.SnapshotID(), second.SnapshotID())
	}
	if _, err := cat.LoadTable(ctx, catalog.Ident{Schema: "sales", Name: "missing"}); err == nil {
		t.Fatal("missing table loaded")
	}
}
