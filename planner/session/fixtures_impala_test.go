package session_test

import (
	"path"
	"path/filepath"
	"testing"

	"github.com/lakegate/lakegate/catalog"
)

// impalaCases are the Impala test warehouse's tables (Spark, Hive, Flink,
// Impala and NiFi writers) with the answers Impala's own tests expect
// (testdata/workloads/functional-query/queries/QueryTest/iceberg-v2-read-
// position-deletes.test and -equality-deletes.test in apache/impala). Their
// manifests were rewritten without Iceberg's Avro header keys, and their
// position-delete files name data files as hdfs://localhost:20500/...
// while the manifests say /test-warehouse/...
var impalaCases = map[string][]fixtureCase{
	"iceberg_v2_no_deletes": {{sql: "SELECT i, s FROM TBL ORDER BY i", want: rows("1|x", "2|y", "3|z")}},
	"iceberg_v2_delete_positional": {
		{sql: "SELECT id, data FROM TBL ORDER BY id", want: rows("1|a", "3|c")},
		{sql: "SELECT count(*) FROM TBL WHERE id = 2", want: rows("0")},
	},
	"iceberg_v2_positional_delete_all_rows": {{sql: "SELECT count(*) FROM TBL", want: rows("0")}},
	"iceberg_v2_positional_not_all_data_files_have_delete_files": {
		{sql: "SELECT i, s FROM TBL ORDER BY i", want: rows("1|a", "2|b", "3|c", "4|d", "5|X", "6|f")},
	},
	"iceberg_v2_positional_update_all_rows": {{sql: "SELECT i, s FROM TBL ORDER BY i", want: rows("1|A", "2|B", "3|C")}},
	"iceberg_v2_partitioned_position_deletes": {
		{sql: "SELECT count(*), string_agg(id::VARCHAR, ',' ORDER BY id) FROM TBL", want: rows("10|2,4,6,8,10,12,14,16,18,20")},
		{sql: "SELECT count(*) FROM TBL WHERE action = 'click'", want: rows("3")},
	},
	"iceberg_v2_delete_equality": {{sql: "SELECT id, data FROM TBL ORDER BY id", want: rows("1|test_1_base", "2|test_2_updated")}},
	"iceberg_v2_delete_equality_nulls": {
		{sql: "SELECT i, s FROM TBL ORDER BY i NULLS LAST", want: rows("1|str1", "4|str4", "NULL|str5")},
	},
	"iceberg_v2_delete_both_eq_and_pos": {
		{sql: "SELECT i, s, d::VARCHAR FROM TBL ORDER BY i", want: rows("2|str2_updated|2023-12-13", "3|str3|2023-12-23")},
	},
	"iceberg_v2_delete_equality_partitioned": {
		{sql: "SELECT i, s, d::VARCHAR FROM TBL ORDER BY d, s", want: rows("1|str1|2023-12-24", "2|str2|2023-12-24",
			"333333|str3|2023-12-24", "4|str4|2023-12-24", "1|str1|2023-12-25", "222|str2|2023-12-25")},
	},
}

// TestImpalaFixtures reads the Impala-written tables with delete files.
func TestImpalaFixtures(t *testing.T) {
	root := filepath.Join(filepath.Dir(persistentDir(t)), "..", "impala", "test-warehouse")
	paths := catalog.PathMap{{From: "/test-warehouse", To: root}, {From: "hdfs://localhost:20500/test-warehouse", To: root}}
	env := openFixturesIn(t, root, func(rel string, _ fixtureTable) (string, catalog.PathMap, bool) {
		_, ok := impalaCases[path.Base(rel)]
		return path.Base(rel), paths, ok
	})
	byDir := map[string][]fixtureCase{}
	for rel, name := range env.names {
		byDir[rel] = impalaCases[name]
	}
	if len(byDir) != len(impalaCases) {
		t.Fatalf("found %d of the %d Impala tables", len(byDir), len(impalaCases))
	}
	env.check(t, byDir)
}
