package products

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/policy"
)

// Schema is the schema of lakegate's own relations.
const Schema = "lakegate"

// TablesName is lakegate.tables; ChangesName is the table function
// lakegate.table_changes.
const (
	TablesName  = "tables"
	ChangesName = "table_changes"
)

// FreshnessProperty is the table property that holds a table's freshness
// SLO: a Postgres interval such as "1 hour" or "30 minutes".
const FreshnessProperty = "lakegate.freshness-slo"

// CommitterProperty is the snapshot summary key lakegate's commits
// record the committing user in (catalog.CommitInfo).
const CommitterProperty = "lakegate.user"

// Metadata table kinds, named as Trino names them after the table name
// and a '$'.
const (
	Snapshots  = "snapshots"
	History    = "history"
	Files      = "files"
	Partitions = "partitions"
)

// MetadataKind splits a metadata table's name ("charges$snapshots") into
// the table's name and the kind; ok is false for other names.
func MetadataKind(name string) (base, kind string, ok bool) {
	i := strings.LastIndexByte(name, '$')
	if i <= 0 {
		return "", "", false
	}
	kind = strings.ToLower(name[i+1:])
	switch kind {
	case Snapshots, History, Files, Partitions:
		return name[:i], kind, true
	}
	return "", "", false
}

// column is one column of a relation: its name and engine type.
type column struct{ name, typ string }

// valuesSQL renders rows (each value text, or nil for NULL) as a query
// with the columns' names and types.
func valuesSQL(cols []column, rows [][]*string) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		src := "NULL"
		if len(rows) > 0 {
			src = "c" + strconv.Itoa(i)
		}
		fmt.Fprintf(&b, "CAST(%s AS %s) AS %s", src, c.typ, sqlparse.QuoteIdent(c.name))
	}
	if len(rows) == 0 {
		b.WriteString(" WHERE false")
		return b.String()
	}
	b.WriteString(" FROM (VALUES ")
	for r, row := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i, v := range row {
			if i > 0 {
				b.WriteString(", ")
			}
			if v == nil {
				b.WriteString("NULL::VARCHAR")
			} else {
				b.WriteString(sqlparse.QuoteLiteral(*v) + "::VARCHAR")
			}
		}
		b.WriteByte(')')
	}
	b.WriteString(") AS v(")
	for i := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("c" + strconv.Itoa(i))
	}
	b.WriteString(")")
	return b.String()
}

func str(s string) *string { return &s }

func num(n int64) *string { return str(strconv.FormatInt(n, 10)) }

func optID(n int64) *string {
	if n == 0 {
		return nil
	}
	return num(n)
}

func ts(t time.Time) *string { return str(t.UTC().Format("2006-01-02 15:04:05.000000+00")) }

func boolText(b bool) *string { return str(strconv.FormatBool(b)) }

func jsonText(v any) *string {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return str(string(b))
}

// summaryCount reads a count of the snapshot summary; nil when absent.
func summaryCount(sum map[string]string, key string) *string {
	if n, err := strconv.ParseInt(sum[key], 10, 64); err == nil {
		return num(n)
	}
	return nil
}

// TableFacts is what lakegate.tables shows of one table for a caller.
type TableFacts struct {
	Table    *catalog.Table
	Decision policy.Decision
}

var tablesColumns = []column{
	{"table_schema", "VARCHAR"}, {"table_name", "VARCHAR"}, {"owner_domain", "VARCHAR"}, {"access", "VARCHAR"},
	{"description", "VARCHAR"}, {"snapshot_id", "BIGINT"}, {"last_commit_at", "TIMESTAMPTZ"},
	{"last_committed_by", "VARCHAR"}, {"total_rows", "BIGINT"}, {"total_bytes", "BIGINT"},
	{"freshness_slo", "INTERVAL"}, {"freshness_met", "BOOLEAN"},
}

// TablesSQL renders lakegate.tables: one row per table, each as the
// caller sees it, as of now. A caller with a row filter on a table sees
// no row or byte counts of it (they count the rows it may not read).
// freshness_met is NULL without an SLO (or one that does not parse),
// false for a table without snapshots or whose last commit is older than
// the SLO.
func TablesSQL(tables []TableFacts, now time.Time) string {
	slices.SortFunc(tables, func(a, b TableFacts) int { return strings.Compare(a.Table.Ident.String(), b.Table.Ident.String()) })
	var rows [][]*string
	for _, tf := range tables {
		t, dec := tf.Table, tf.Decision
		access := "external"
		if dec.Native {
			access = "native"
		}
		row := []*string{str(t.Ident.Schema), str(t.Ident.Name), nil, str(access), nil, nil, nil, nil, nil, nil, nil, nil}
		if dec.Owner != "" {
			row[2] = str(dec.Owner)
		}
		if d := t.Doc(); d != "" {
			row[4] = str(d)
		}
		snap, ok := t.Snapshot()
		if ok {
			row[5], row[6] = num(snap.ID), ts(snap.CommittedAt)
			if u := snap.Summary[CommitterProperty]; u != "" {
				row[7] = str(u)
			}
			if dec.RowFilter == "" {
				row[8], row[9] = summaryCount(snap.Summary, "total-records"), summaryCount(snap.Summary, "total-files-size")
			}
		}
		// An SLO that does not parse shows as none: one table's property
		// must not break the listing of every table.
		if d, err := ParseInterval(strings.TrimSpace(t.Properties()[FreshnessProperty])); err == nil {
			row[10] = str(strconv.FormatInt(d.Microseconds(), 10) + " microseconds")
			row[11] = boolText(ok && !snap.CommittedAt.Add(d).Before(now))
		}
		rows = append(rows, row)
	}
	return valuesSQL(tablesColumns, rows)
}

// ParseInterval reads the intervals a freshness SLO is written in: a
// number and a unit, or several ("1 hour 30 minutes"), or a Go duration
// ("90m").
func ParseInterval(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	units := map[string]time.Duration{
		"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour,
		"sec": time.Second, "min": time.Minute, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour,
	}
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 || len(f)%2 != 0 {
		return 0, fmt.Errorf("want NUMBER UNIT, e.g. 1 hour")
	}
	var total time.Duration
	for i := 0; i < len(f); i += 2 {
		n, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return 0, fmt.Errorf("want NUMBER UNIT, e.g. 1 hour")
		}
		u, ok := units[strings.TrimSuffix(f[i+1], "s")]
		if !ok {
			u, ok = units[f[i+1]]
		}
		if !ok {
			return 0, fmt.Errorf("unknown unit %q", f[i+1])
		}
		total += time.Duration(n * float64(u))
	}
	return total, nil
}

// ErrRevealing is returned for a metadata table that would reveal rows
// or values a caller's row filter or masks hide; it wraps policy.ErrDenied
// (42501).
var ErrRevealing = fmt.Errorf("%w: the table's files and partitions are shown only to callers who read all of it (a row filter or mask applies)", policy.ErrDenied)

// MetadataSQL renders a metadata table of t for a caller decided dec.
//
//   - $snapshots: committed_at, snapshot_id, parent_id, operation,
//     summary (JSON text; NULL under a row filter, as it counts rows).
//   - $history: made_current_at, snapshot_id, parent_id,
//     is_current_ancestor.
//   - $files: Trino's columns (metadata.go): content, file_path (relative
//     to the table's location), file_format, spec_id, partition (JSON),
//     record_count, file_size_in_bytes, column_sizes, value_counts,
//     null_value_counts, nan_value_counts, lower_bounds, upper_bounds
//     (JSON by column name), key_metadata, split_offsets, equality_ids,
//     sort_order_id, readable_metrics (JSON: each column's metrics).
//   - $partitions: partition (JSON), record_count, file_count,
//     total_size, data (JSON: each column's min, max, null_count,
//     nan_count), of data files.
//
// $files and $partitions are refused (ErrRevealing) to a caller with a
// row filter or any mask on t: their counts, bounds and partition values
// describe the rows and values those hide.
func MetadataSQL(ctx context.Context, t *catalog.Table, kind string, dec policy.Decision) (string, error) {
	switch kind {
	case Snapshots:
		cols := []column{{"committed_at", "TIMESTAMPTZ"}, {"snapshot_id", "BIGINT"}, {"parent_id", "BIGINT"},
			{"operation", "VARCHAR"}, {"summary", "VARCHAR"}}
		var rows [][]*string
		for _, s := range t.Snapshots() {
			sum := jsonText(s.Summary)
			if dec.RowFilter != "" {
				sum = nil
			}
			rows = append(rows, []*string{ts(s.CommittedAt), num(s.ID), optID(s.ParentID), str(s.Operation), sum})
		}
		return valuesSQL(cols, rows), nil
	case History:
		cols := []column{{"made_current_at", "TIMESTAMPTZ"}, {"snapshot_id", "BIGINT"}, {"parent_id", "BIGINT"},
			{"is_current_ancestor", "BOOLEAN"}}
		var rows [][]*string
		for _, h := range t.History() {
			rows = append(rows, []*string{ts(h.MadeCurrentAt), num(h.SnapshotID), optID(h.ParentID), boolText(h.IsCurrentAncestor)})
		}
		return valuesSQL(cols, rows), nil
	}
	if dec.RowFilter != "" || len(dec.Masks) > 0 {
		return "", ErrRevealing
	}
	files, err := t.Files(ctx)
	if err != nil {
		return "", err
	}
	if kind == Files {
		return valuesSQL(filesColumns, filesRows(files)), nil
	}
	return valuesSQL(partitionsColumns, partitionsRows(catalog.SummarizePartitions(t.Schema(), files))), nil
}
