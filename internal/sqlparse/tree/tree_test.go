package tree_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lakegate/lakegate/internal/engine"
	"github.com/lakegate/lakegate/internal/sqlparse/tree"
	"github.com/lakegate/lakegate/internal/tpch"
)

var (
	connOnce sync.Once
	conn     *engine.Conn
	connErr  error
	connMu   sync.Mutex // a connection runs one statement at a time
)

// eng is one engine connection for the package's tests.
type eng struct{}

func (eng) SerializeSQL(sql string) (string, error) {
	connMu.Lock()
	defer connMu.Unlock()
	return conn.SerializeSQL(sql)
}

func (eng) DeserializeSQL(js string) (string, error) {
	connMu.Lock()
	defer connMu.Unlock()
	return conn.DeserializeSQL(js)
}

func engineFor(t testing.TB) tree.Engine {
	t.Helper()
	connOnce.Do(func() {
		var db *engine.DB
		if db, connErr = engine.Open(nil); connErr == nil {
			conn, connErr = db.Connect()
		}
	})
	if connErr != nil {
		t.Fatal(connErr)
	}
	return eng{}
}

// corpus is testdata/corpus.sql: the queries of the client captures
// (psql, pgjdbc, DBeaver, Metabase, SQLAlchemy ...), of the planner and
// server tests, one per ";;" line, and the TPC-H queries of internal/tpch.
func corpus(t testing.TB) []string {
	data, err := os.ReadFile("testdata/corpus.sql")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range strings.Split(string(data), "\n;;\n") {
		if q = strings.TrimSpace(q); q != "" {
			out = append(out, q)
		}
	}
	for n := 1; n <= tpch.QueryCount; n++ {
		out = append(out, tpch.Query(n, 1))
	}
	return out
}

// TestRoundTrip: the typed tree of every corpus statement renders to the
// SQL the engine renders from its own JSON, and marshals the same way
// twice.
func TestRoundTrip(t *testing.T) {
	e := engineFor(t)
	qs := corpus(t)
	if len(qs) < 100 {
		t.Fatalf("corpus has %d statements", len(qs))
	}
	other := map[string]int{}
	for _, q := range qs {
		js, err := e.SerializeSQL(q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := e.DeserializeSQL(js)
		if err != nil {
			t.Fatalf("%s: engine renders its own tree: %v", q, err)
		}
		stmts, err := tree.Unmarshal([]byte(js))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		got, err := tree.Render(e, stmts...)
		if err != nil {
			t.Fatalf("%s: render: %v", q, err)
		}
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", q, got, want)
		}
		m1, err := tree.Marshal(stmts...)
		if err != nil {
			t.Fatal(err)
		}
		again, err := tree.Unmarshal(m1)
		if err != nil {
			t.Fatalf("%s: unmarshal marshalled: %v", q, err)
		}
		if m2, _ := tree.Marshal(again...); string(m1) != string(m2) {
			t.Errorf("%s: marshal not stable", q)
		}
		for _, s := range stmts {
			tree.Inspect(s.Node, func(n tree.Node) bool {
				switch n := n.(type) {
				case *tree.OtherExpr:
					other["expr "+n.Class]++
				case *tree.OtherTableRef:
					other["ref "+n.Type]++
				case *tree.OtherQueryNode:
					other["query "+n.Type]++
				}
				return true
			})
		}
	}
	if len(other) > 0 {
		t.Errorf("nodes of kinds the model lacks: %v", other)
	}
	t.Logf("%d statements round-trip", len(qs))
}

func TestParseErrors(t *testing.T) {
	e := engineFor(t)
	for _, c := range []struct{ sql, typ string }{
		{"SELEC 1", "parser"},
		{"INSERT INTO t VALUES (1)", "not implemented"},
	} {
		_, err := tree.Parse(e, c.sql)
		var pe *tree.ParseError
		if !errors.As(err, &pe) || pe.Type != c.typ || pe.Msg == "" {
			t.Errorf("%s: %v, want a %q ParseError", c.sql, err, c.typ)
		}
	}
	stmts, err := tree.Parse(e, "SELECT 1; SELECT 2")
	if err != nil || len(stmts) != 2 {
		t.Fatalf("two statements: %d, %v", len(stmts), err)
	}
	if got, err := tree.Render(e, stmts...); err != nil || got != "SELECT 1; SELECT 2" {
		t.Errorf("two statements render as %q, %v", got, err)
	}
}

// TestInspect: Inspect reaches every expression of a statement, wherever
// it stands.
func TestInspect(t *testing.T) {
	e := engineFor(t)
	sql := `WITH c AS (SELECT c1 FROM t1), r AS (SELECT r1 FROM c UNION ALL SELECT r2 FROM c)
SELECT DISTINCT ON (d1) s1, count(*) FILTER (WHERE f1 > 0), sum(o1 ORDER BY o2),
  row_number() OVER (PARTITION BY p1 ORDER BY p2), CASE WHEN w1 THEN t1v ELSE e1 END,
  (SELECT q1 FROM t2 WHERE q2 = s1), x1 BETWEEN lo1 AND hi1, list_transform(l1, x -> x + k1)
FROM r JOIN t3 ON j1 = j2 LEFT JOIN (SELECT u1 FROM t4) u ON u.u1 = j3, range(g1) g
WHERE a1 IN (SELECT i1 FROM t5) AND EXISTS (SELECT 1 FROM t6 WHERE e2)
GROUP BY gr1 HAVING h1 > 0 QUALIFY qu1 ORDER BY ob1 LIMIT lim1 OFFSET off1`
	stmts, err := tree.Parse(e, sql)
	if err != nil {
		t.Fatal(err)
	}
	var cols, tables []string
	queries := 0
	tree.Inspect(stmts[0].Node, func(n tree.Node) bool {
		switch n := n.(type) {
		case *tree.ColumnRef:
			cols = append(cols, n.ColumnNames[len(n.ColumnNames)-1])
		case *tree.BaseTable:
			tables = append(tables, n.TableName)
		case tree.QueryNode:
			queries++
		}
		return true
	})
	slices.Sort(cols)
	cols = slices.Compact(cols)
	want := strings.Fields(`a1 c1 d1 e1 e2 f1 g1 gr1 h1 hi1 i1 j1 j2 j3 k1 l1 lim1 lo1 o1 o2 ob1 off1 p1 p2 q1 q2 qu1 r1 r2 s1 t1v u1 w1 x x1`)
	if !slices.Equal(cols, want) {
		t.Errorf("columns\n got %v\nwant %v", cols, want)
	}
	slices.Sort(tables)
	if w := []string{"c", "c", "r", "t1", "t2", "t3", "t4", "t5", "t6"}; !slices.Equal(tables, w) {
		t.Errorf("tables %v, want %v", tables, w)
	}
	// main, two CTE bodies (one a union of two), three subqueries
	if queries != 9 {
		t.Errorf("%d query nodes, want 9", queries)
	}
}

// TestInspectFindsTables: Inspect reaches the tables of every kind of
// statement the engine serializes, DESCRIBE, SUMMARIZE and SHOW (whose
// query is in a SHOW_REF), pivots and USING KEY CTEs included. The
// planner resolves and authorizes what it finds.
func TestInspectFindsTables(t *testing.T) {
	e := engineFor(t)
	for _, c := range []struct{ sql, want string }{
		{"DESCRIBE s.t", "s.t"},
		{"SUMMARIZE s.t", "s.t"},
		{"SHOW s.t", "s.t"},
		{"DESCRIBE SELECT * FROM s.t", "s.t"},
		{"SELECT * FROM s.t UNPIVOT (v FOR k IN (a, b))", "s.t"},
		{"SELECT * FROM s.t PIVOT (sum(a) FOR b IN (1, 2))", "s.t"},
		{"WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + (SELECT max(x) FROM s.u) FROM r) SELECT * FROM r", "r r s.u"},
		{"SELECT * FROM s.t1 ASOF JOIN s.t2 USING (a)", "s.t1 s.t2"},
	} {
		stmts, err := tree.Parse(e, c.sql)
		if err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		var got []string
		tree.Inspect(stmts[0].Node, func(n tree.Node) bool {
			if b, ok := n.(*tree.BaseTable); ok {
				name := b.TableName
				if b.SchemaName != "" {
					name = b.SchemaName + "." + name
				}
				got = append(got, name)
			}
			return true
		})
		slices.Sort(got)
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: tables %v, want %s", c.sql, got, c.want)
		}
	}
}

// TestInspectUnknownKinds: a node of a kind the model lacks, or a field
// it does not name, still shows Inspect the nodes inside it (so a new
// engine version cannot hide a table from the planner), and round-trips.
func TestInspectUnknownKinds(t *testing.T) {
	js := `{"error":false,"statements":[{"node":{"type":"SELECT_NODE","modifiers":[],"cte_map":{"map":[]},
"select_list":[{"class":"NEW_CLASS","type":"X","alias":"","query_location":0,"arg":{"class":"COLUMN_REF","type":"COLUMN_REF","alias":"","query_location":0,"column_names":["c"]}}],
"from_table":{"type":"NEW_REF","alias":"","sample":null,"query_location":0,"inner":[{"wrapped":{"type":"BASE_TABLE","alias":"","sample":null,"query_location":0,"schema_name":"s","table_name":"t","column_name_alias":[],"catalog_name":"","at_clause":null}}]},
"new_field":{"type":"SELECT_NODE","modifiers":[],"cte_map":{"map":[]},"select_list":[],"from_table":{"type":"BASE_TABLE","alias":"","sample":null,"query_location":0,"schema_name":"s","table_name":"u","column_name_alias":[],"catalog_name":"","at_clause":null}},
"where_clause":null,"group_expressions":[],"group_sets":[],"aggregate_handling":"STANDARD_HANDLING","having":null,"sample":null,"qualify":null},"named_param_map":[]}]}`
	stmts, err := tree.Unmarshal([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	tree.Inspect(stmts[0].Node, func(n tree.Node) bool {
		switch n := n.(type) {
		case *tree.BaseTable:
			seen = append(seen, n.TableName)
		case *tree.ColumnRef:
			seen = append(seen, n.ColumnNames[0])
		case *tree.OtherExpr:
			seen = append(seen, n.Class)
		case *tree.OtherTableRef:
			seen = append(seen, n.Type)
		}
		return true
	})
	slices.Sort(seen)
	if want := []string{"NEW_CLASS", "NEW_REF", "c", "t", "u"}; !slices.Equal(seen, want) {
		t.Errorf("Inspect saw %v, want %v", seen, want)
	}
	m, err := tree.Marshal(stmts...)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(m, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("round trip changed the tree:\n%s", m)
	}
}

// TestRewrite: rewritten trees render to the expected SQL.
func TestRewrite(t *testing.T) {
	e := engineFor(t)
	safeDivide := func(n tree.Node) tree.Node {
		if f, ok := n.(*tree.Function); ok && f.IsOperator && f.FunctionName == "/" && len(f.Children) == 2 {
			f.Children[1] = &tree.Function{ExprBase: tree.ExprBase{Class: "FUNCTION", Type: "FUNCTION", QueryLocation: tree.NoLocation},
				FunctionName: "nonzero", Children: []tree.Expr{f.Children[1], zero()}, OrderBys: &tree.Modifier{Type: "ORDER_MODIFIER"}}
		}
		return n
	}
	rename := func(from, to string) func(tree.Node) tree.Node {
		return func(n tree.Node) tree.Node {
			if b, ok := n.(*tree.BaseTable); ok && b.TableName == from {
				b.TableName = to
			}
			return n
		}
	}
	for _, c := range []struct {
		name, sql string
		f         func(tree.Node) tree.Node
		want      string
	}{
		{"divide", "SELECT a / b, (SELECT x / (y / 2) FROM t) FROM u WHERE c / d > 1 ORDER BY e / f",
			safeDivide,
			"SELECT (a / nonzero(b, 0)), (SELECT (x / nonzero((y / nonzero(2, 0)), 0)) FROM t) FROM u WHERE ((c / nonzero(d, 0)) > 1) ORDER BY (e / nonzero(f, 0))"},
		{"divide in window and filter", "SELECT sum(a / b) FILTER (WHERE c / d > 0) OVER (PARTITION BY e / f) FROM t",
			safeDivide,
			"SELECT sum((a / nonzero(b, 0))) FILTER (WHERE ((c / nonzero(d, 0)) > 0)) OVER (PARTITION BY (e / nonzero(f, 0))) FROM t"},
		{"rename table", "WITH c AS (SELECT * FROM t) SELECT * FROM c, s.t JOIN u ON t.a = u.a WHERE EXISTS (SELECT 1 FROM t) UNION SELECT * FROM t",
			rename("t", "t_v2"),
			"WITH c AS (SELECT * FROM t_v2)(SELECT * FROM c , s.t_v2 INNER JOIN u ON ((t.a = u.a)) WHERE EXISTS(SELECT 1 FROM t_v2)) UNION (SELECT * FROM t_v2)"},
		{"drop where", "SELECT a FROM t WHERE a > 1", func(n tree.Node) tree.Node {
			if s, ok := n.(*tree.SelectNode); ok {
				s.WhereClause = nil
			}
			return n
		}, "SELECT a FROM t"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stmts, err := tree.Parse(e, c.sql)
			if err != nil {
				t.Fatal(err)
			}
			stmts[0].Node = tree.Rewrite(stmts[0].Node, c.f).(tree.QueryNode)
			got, err := tree.Render(e, stmts...)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

func zero() tree.Expr {
	return &tree.Constant{ExprBase: tree.ExprBase{Class: "CONSTANT", Type: "VALUE_CONSTANT", QueryLocation: tree.NoLocation},
		Value: tree.Value{Type: tree.LogicalType{ID: "INTEGER"}, Value: []byte("0")}}
}

func TestRewriteKindMismatch(t *testing.T) {
	e := engineFor(t)
	stmts, err := tree.Parse(e, "SELECT a FROM t")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("a table reference in an expression's place did not panic")
		}
	}()
	tree.Rewrite(stmts[0].Node, func(n tree.Node) tree.Node {
		if _, ok := n.(*tree.ColumnRef); ok {
			return &tree.EmptyRef{}
		}
		return n
	})
}

// FuzzParse: any text either fails to parse or gives a tree that marshals,
// unmarshals and marshals again to the same JSON, and that the engine
// renders.
func FuzzParse(f *testing.F) {
	e := engineFor(f)
	for _, q := range corpus(f)[:20] {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		stmts, err := tree.Parse(e, sql)
		if err != nil {
			return
		}
		m1, err := tree.Marshal(stmts...)
		if err != nil {
			t.Fatal(err)
		}
		again, err := tree.Unmarshal(m1)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := tree.Marshal(again...)
		if err != nil || string(m1) != string(m2) {
			t.Fatalf("marshal not stable: %v", err)
		}
		if _, err := tree.Render(e, again...); err != nil {
			t.Fatalf("render: %v", err)
		}
	})
}

// FuzzUnmarshal: arbitrary JSON never panics the decoder, and what it
// accepts marshals stably.
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"error":false,"statements":[{"node":{"type":"SELECT_NODE","select_list":[{"class":"COLUMN_REF","column_names":["a"]}]}}]}`))
	f.Add([]byte(`{"error":true,"error_type":"parser","error_message":"x"}`))
	f.Fuzz(func(t *testing.T, js []byte) {
		stmts, err := tree.Unmarshal(js)
		if err != nil {
			return
		}
		m1, err := tree.Marshal(stmts...)
		if err != nil {
			return
		}
		again, err := tree.Unmarshal(m1)
		if err != nil {
			t.Fatalf("unmarshal marshalled: %v", err)
		}
		if m2, _ := tree.Marshal(again...); string(m1) != string(m2) {
			t.Fatal("marshal not stable")
		}
	})
}

// BenchmarkUnmarshal decodes the typed trees of the corpus; compare with
// BenchmarkUnmarshalUntyped, the same JSON into map[string]any.
func BenchmarkUnmarshal(b *testing.B) {
	js := corpusJSON(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, j := range js {
			if _, err := tree.Unmarshal(j); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkUnmarshalUntyped(b *testing.B) {
	js := corpusJSON(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, j := range js {
			var m map[string]any
			if err := json.Unmarshal(j, &m); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func corpusJSON(b *testing.B) [][]byte {
	e := engineFor(b)
	var out [][]byte
	for _, q := range corpus(b) {
		js, err := e.SerializeSQL(q)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, []byte(js))
	}
	return out
}
