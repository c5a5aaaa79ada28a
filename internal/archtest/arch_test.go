package archtest

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/lakegate/lakegate/"

// heavy maps each heavy dependency (a module path prefix) to the packages
// allowed to import it outside tests. The benchmarks measure DuckDB and
// build Iceberg tables themselves, so they may import both. A room with a
// layer of its own inside an allowed one (planner/pgcatalog in planner)
// may import the dependency only if it is listed itself.
var heavy = map[string][]string{
	"github.com/duckdb/duckdb-go":        {"internal/engine", "bench/"},
	"github.com/jeroenrinzema/psql-wire": {"server"},
	"github.com/coreos/go-oidc":          {"auth"},
	// Iceberg types cross into the planner (schemas, expressions for
	// pruning), into the write room (the schemas, partition specs and
	// schema changes of DDL), into the session room (the filters, types
	// and columns it passes between the planner and the write room), into
	// the pg catalog emulation (a visible table's columns,
	// whose Iceberg types it shows as Postgres types) and into the demo and
	// TPC-H loaders, which build tables.
	"github.com/apache/iceberg-go": {"catalog", "planner", "planner/pgcatalog", "planner/session", "planner/write", "internal/demo", "internal/tpch", "bench/"},
	// The operations room owns the Prometheus client: other rooms keep
	// plain counters and the command hands their readers in.
	"github.com/prometheus/": {"internal/metrics"},
}

// layers lists, for each room, the rooms of this module it may import;
// internal/ packages are open to every room. A package belongs to the
// longest room that holds it: planner/session, the session room, runs the
// planner's plans and the write room's statements, and the planner never
// imports it; planner/pgcatalog is a room of its own,
// which the planner calls and which imports no other room (the planner
// hands it the caller's visible tables and settings as values);
// planner/write, the write room, commits through the catalog and reads
// policy decisions, and reaches the session through an interface it owns.
var layers = map[string][]string{
	"cmd/":   {"server", "planner/session", "catalog", "policy", "auth"},
	"bench/": {"server", "planner/session", "catalog", "policy", "auth"},
	// the server reaches plans only through the session; what it may name
	// of the planner itself is serverFromPlanner
	"server":            {"planner", "planner/session", "catalog", "policy", "auth"},
	"planner/session":   {"planner", "planner/pgcatalog", "planner/pgsettings", "planner/write", "catalog", "policy", "auth"},
	"planner":           {"planner/pgcatalog", "planner/pgsettings", "planner/products", "planner/write", "catalog", "policy", "auth"},
	"planner/pgcatalog": {},
	// the session parameters and their values; errors are the write room's
	"planner/pgsettings": {"planner/write"},
	"planner/write":      {"catalog", "policy"},
	// data products: metadata of the tables the planner resolved, as
	// relations; errors are the write room's
	"planner/products": {"planner/write", "catalog", "policy"},
	"policy":           {"auth"},
	"catalog":          {},
	"auth":             {},
	"internal/":        {"catalog"}, // the demo and TPC-H loaders write tables
	// The engine room is mechanism only: other internal/ packages (the
	// type model) but no room of the design card.
	"internal/engine": {},
}

// leaves import nothing of this module, internal/ packages included: the
// Postgres type room is used by the planner and the server alike, the SQL
// token rules by the planner and the pg catalog emulation, the memory
// budget's mechanism and size parsing by the planner and cmd.
var leaves = []string{"internal/membudget", "internal/pgtypes", "internal/sqlparse", "internal/metrics"}

// closed lists internal/ packages a room must not import although
// internal/ is open to it: the write room lets the session run its engine
// queries, it never holds the engine itself.
var closed = map[string][]string{"planner/write": {"internal/engine"}}

func room(pkg string, rooms []string) bool {
	for _, r := range rooms {
		if pkg == r || strings.HasSuffix(r, "/") && strings.HasPrefix(pkg, r) || strings.HasPrefix(pkg, r+"/") {
			return true
		}
	}
	return false
}

// layerOf is the longest room of layers that holds pkg.
func layerOf(pkg string) (string, bool) {
	best, ok := "", false
	for l := range layers {
		if room(pkg, []string{l}) && len(l) > len(best) {
			best, ok = l, true
		}
	}
	return best, ok
}

// heavyAllowed reports whether pkg, of room layer, may import a heavy
// dependency allowed to rooms: an allowed room holds it, and is not wider
// than pkg's own layer.
func heavyAllowed(pkg, layer string, rooms []string) bool {
	for _, r := range rooms {
		if room(pkg, []string{r}) && len(strings.TrimSuffix(r, "/")) >= len(strings.TrimSuffix(layer, "/")) {
			return true
		}
	}
	return false
}

func TestRoomsAndImportDirection(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	checked := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		pkg := strings.TrimPrefix(f[0], module)
		layer, ok := layerOf(pkg)
		if !ok {
			t.Errorf("package %s belongs to no room of the design card (add it to layers)", pkg)
			continue
		}
		checked++
		for _, imp := range f[1:] {
			for dep, rooms := range heavy {
				if strings.HasPrefix(imp, dep) && !heavyAllowed(pkg, layer, rooms) {
					t.Errorf("%s imports %s; only %v may (keep the dependency behind its room)", pkg, imp, rooms)
				}
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			target := strings.TrimPrefix(imp, module)
			if room(pkg, leaves) {
				t.Errorf("%s imports %s: it must import nothing of this module", pkg, target)
				continue
			}
			if room(target, closed[layer]) {
				t.Errorf("%s imports %s: the room %s must not", pkg, target, layer)
				continue
			}
			if strings.HasPrefix(target, "internal/") && !strings.HasPrefix(pkg, "internal/") {
				continue
			}
			if strings.HasPrefix(pkg, "internal/") && strings.HasPrefix(target, "internal/") {
				continue
			}
			if !room(target, layers[layer]) {
				t.Errorf("%s imports %s: against the import direction cmd → server → planner/session → planner → {planner/pgcatalog, planner/write, catalog, policy} → auth", pkg, target)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("go list found only %d packages", checked)
	}
}

// serverFromPlanner is what the server may name of the planner package
// itself: the error vocabulary it maps to SQLSTATEs (EngineError and its
// Kind* kinds, the write room's errors the planner names) and the type
// model's names (statements are split and redacted by internal/sqlparse).
// Plans, their making and their running it reaches
// through the session room (planner/session).
var serverFromPlanner = map[string]bool{
	"EngineError": true, "ErrorKind": true, "ErrNotSupported": true, "UndefinedTableError": true,
	"IntInputError": true, "TableAccess": true, "Column": true, "Type": true, "TypeID": true,
}

// TestServerReachesPlansThroughSession: outside its tests the server names
// nothing of the planner but serverFromPlanner (issue 13: server →
// session → planner).
func TestServerReachesPlansThroughSession(t *testing.T) {
	dir := filepath.Join("..", "..", "server")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	files := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files++
		local := ""
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == module+"planner" {
				local = "planner"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		if local == "" {
			continue
		}
		if local == "." || local == "_" {
			t.Errorf("server/%s imports the planner as %q: name what it uses", name, local)
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == local {
				if id := sel.Sel.Name; !serverFromPlanner[id] && !strings.HasPrefix(id, "Kind") {
					t.Errorf("%s: the server uses planner.%s; reach it through the session room (planner/session)", fset.Position(sel.Pos()), id)
				}
			}
			return true
		})
	}
	if files == 0 {
		t.Fatal("no server files found")
	}
}

// TestNoPackageHoldsAQuarter: no package holds more than a quarter of the
// module's non-test Go lines, and no non-test file more than 800 (issue
// 13: a package that big is a room missing).
func TestNoPackageHoldsAQuarter(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .CgoFiles}} {{.}}{{end}}`, module+"...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	perPkg := map[string]int{}
	total := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		for _, name := range f[1:] {
			data, err := os.ReadFile(filepath.Join(f[0], name))
			if err != nil {
				t.Fatal(err)
			}
			n := bytes.Count(data, []byte("\n"))
			if n > 800 {
				t.Errorf("%s/%s has %d lines (at most 800 outside tests)", f[0], name, n)
			}
			perPkg[f[0]] += n
			total += n
		}
	}
	for dir, n := range perPkg {
		if 4*n > total {
			t.Errorf("%s holds %d of %d non-test lines (%.1f%%, at most a quarter)", dir, n, total, 100*float64(n)/float64(total))
		}
	}
}
