package planner

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/google/uuid"

	"github.com/lakegate/lakegate/catalog"
)

// scanSQL renders the engine SQL that reads exactly the rows of one pinned
// table snapshot: the listed Parquet files read by Iceberg field id into the
// table's current schema, minus position deletes and equality deletes.
//
// Files are grouped so that each group shares one read_parquet call: same
// delete files, same way of resolving columns. Groups are combined with
// UNION ALL.
func scanSQL(t *catalog.Table, plan *catalog.ScanPlan) (string, error) {
	fields := plan.Schema.Fields()
	types := make([]string, len(fields))
	for i, f := range fields {
		dt, err := duckType(f.Type)
		if err != nil {
			return "", fmt.Errorf("%w: table %s column %s: %w", catalog.ErrUnsupported, t.Ident, f.Name, err)
		}
		types[i] = dt
	}
	if len(plan.Files) == 0 {
		cols := make([]string, len(fields))
		for i, f := range fields {
			cols[i] = "NULL::" + types[i] + " AS " + quoteIdent(f.Name)
		}
		if len(cols) == 0 {
			return "SELECT WHERE false", nil
		}
		return "SELECT " + strings.Join(cols, ", ") + " WHERE false", nil
	}

	type group struct {
		key   string
		files []catalog.DataFile
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, f := range plan.Files {
		proj, err := fileProjection(f, plan, types)
		if err != nil {
			return "", fmt.Errorf("table %s: %w", t.Ident, err)
		}
		var k strings.Builder
		k.WriteString(proj)
		k.WriteString("|")
		k.WriteString(strings.Join(f.PosDeletes, ","))
		for _, e := range f.EqDeletes {
			fmt.Fprintf(&k, "|%s%v", e.Path, e.FieldIDs)
		}
		g := byKey[k.String()]
		if g == nil {
			g = &group{key: k.String()}
			byKey[g.key] = g
			groups = append(groups, g)
		}
		g.files = append(g.files, f)
	}
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		sql, err := groupSQL(g.files, plan, types)
		if err != nil {
			return "", fmt.Errorf("table %s: %w", t.Ident, err)
		}
		parts = append(parts, sql)
	}
	return strings.Join(parts, "\nUNION ALL\n"), nil
}

// fileProjection describes how a file's columns map to the table schema; files
// with the same projection can share one read.
func fileProjection(f catalog.DataFile, plan *catalog.ScanPlan, types []string) (string, error) {
	var b strings.Builder
	if f.HasFieldIDs {
		b.WriteString("ids")
		for i, fl := range plan.Schema.Fields() {
			if f.FieldIDs != nil && !f.FieldIDs[fl.ID] {
				if v, ok := f.IdentityValues[fl.ID]; ok {
					lit, err := sqlLiteral(v, fl.Type, types[i])
					if err != nil {
						return "", err
					}
					fmt.Fprintf(&b, ";%d=%s", fl.ID, lit)
				}
			}
		}
		return b.String(), nil
	}
	b.WriteString("names")
	for i, fl := range plan.Schema.Fields() {
		expr, err := nameMappedColumn(f, plan, fl, types[i])
		if err != nil {
			return "", err
		}
		b.WriteString(";" + expr)
	}
	return b.String(), nil
}

// nameMappedColumn resolves a column of a file without field ids through the
// table's name mapping (schema.name-mapping.default).
func nameMappedColumn(f catalog.DataFile, plan *catalog.ScanPlan, fl iceberg.NestedField, typ string) (string, error) {
	if plan.NameMapping == nil {
		return "", fmt.Errorf("%w: data file %s has no Iceberg field ids and the table has no name mapping (schema.name-mapping.default)",
			catalog.ErrUnsupported, f.Path)
	}
	var names []string
	var find func(ms []iceberg.MappedField) bool
	find = func(ms []iceberg.MappedField) bool {
		for _, m := range ms {
			if m.FieldID != nil && *m.FieldID == fl.ID {
				names = m.Names
				return true
			}
		}
		return false
	}
	find(plan.NameMapping)
	for _, n := range names {
		if slices.Contains(f.Columns, n) {
			return "d." + quoteIdent(n) + "::" + typ + " AS " + quoteIdent(fl.Name), nil
		}
	}
	if v, ok := f.IdentityValues[fl.ID]; ok {
		lit, err := sqlLiteral(v, fl.Type, typ)
		if err != nil {
			return "", err
		}
		return lit + " AS " + quoteIdent(fl.Name), nil
	}
	return "NULL::" + typ + " AS " + quoteIdent(fl.Name), nil
}

func groupSQL(files []catalog.DataFile, plan *catalog.ScanPlan, types []string) (string, error) {
	first := files[0]
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = sqlString(f.Path)
	}
	fileList := "[" + strings.Join(paths, ", ") + "]"
	needRowPos := len(first.PosDeletes) > 0
	extra := ""
	if needRowPos {
		extra = ", filename = true, file_row_number = true"
	}
	var from, proj strings.Builder
	fields := plan.Schema.Fields()
	if first.HasFieldIDs {
		entries := make([]string, len(fields))
		for i, fl := range fields {
			def := "NULL"
			if first.FieldIDs != nil && !first.FieldIDs[fl.ID] {
				if v, ok := first.IdentityValues[fl.ID]; ok {
					lit, err := sqlLiteral(v, fl.Type, types[i])
					if err != nil {
						return "", err
					}
					def = lit
				}
			}
			entries[i] = fmt.Sprintf("%d: {name: %s, type: %s, default_value: %s}", fl.ID, sqlString(fl.Name), sqlString(types[i]), def)
		}
		fmt.Fprintf(&from, "read_parquet(%s, schema = map {%s}%s) AS d", fileList, strings.Join(entries, ", "), extra)
		for i, fl := range fields {
			if i > 0 {
				proj.WriteString(", ")
			}
			proj.WriteString("d." + quoteIdent(fl.Name))
		}
	} else {
		fmt.Fprintf(&from, "read_parquet(%s%s) AS d", fileList, extra)
		for i, fl := range fields {
			expr, err := nameMappedColumn(first, plan, fl, types[i])
			if err != nil {
				return "", err
			}
			if i > 0 {
				proj.WriteString(", ")
			}
			proj.WriteString(expr)
		}
	}
	if needRowPos {
		// Position deletes name data files by the path the writer used; map
		// those to the paths read here through the table's own file list.
		pos := make([]string, len(first.PosDeletes))
		for i, p := range first.PosDeletes {
			pos[i] = sqlString(p)
		}
		fmt.Fprintf(&from, "\n  ANTI JOIN (SELECT m.local_path AS fp, p.pos FROM read_parquet([%s]) AS p JOIN (VALUES %s) AS m(orig_path, local_path) ON p.file_path = m.orig_path) AS pd\n  ON d.filename = pd.fp AND d.file_row_number = pd.pos",
			strings.Join(pos, ", "), pathValues(files))
	}
	// Equality deletes: one anti join per distinct set of equality fields.
	type eqSet struct {
		ids   []int
		paths []string
	}
	var sets []*eqSet
	for _, e := range first.EqDeletes {
		var s *eqSet
		for _, x := range sets {
			if slices.Equal(x.ids, e.FieldIDs) {
				s = x
			}
		}
		if s == nil {
			s = &eqSet{ids: e.FieldIDs}
			sets = append(sets, s)
		}
		s.paths = append(s.paths, sqlString(e.Path))
	}
	for n, s := range sets {
		var entries, conds, cols []string
		for _, id := range s.ids {
			fl, ok := plan.Schema.FindFieldByID(id)
			if !ok {
				return "", fmt.Errorf("%w: equality delete on field id %d, which the current schema does not have", catalog.ErrUnsupported, id)
			}
			typ, err := duckType(fl.Type)
			if err != nil {
				return "", err
			}
			alias := fmt.Sprintf("k%d", id)
			entries = append(entries, fmt.Sprintf("%d: {name: %s, type: %s, default_value: NULL}", id, sqlString(alias), sqlString(typ)))
			cols = append(cols, alias)
			conds = append(conds, fmt.Sprintf("d.%s IS NOT DISTINCT FROM e%d.%s", quoteIdent(fl.Name), n, alias))
		}
		fmt.Fprintf(&from, "\n  ANTI JOIN (SELECT DISTINCT %s FROM read_parquet([%s], schema = map {%s})) AS e%d ON %s",
			strings.Join(cols, ", "), strings.Join(s.paths, ", "), strings.Join(entries, ", "), n, strings.Join(conds, " AND "))
	}
	return "SELECT " + proj.String() + " FROM " + from.String(), nil
}

func pathValues(files []catalog.DataFile) string {
	vals := make([]string, len(files))
	for i, f := range files {
		vals[i] = "(" + sqlString(f.OrigPath) + ", " + sqlString(f.Path) + ")"
	}
	return strings.Join(vals, ", ")
}

// duckType maps an Iceberg type to the DuckDB type it is read as.
func duckType(t iceberg.Type) (string, error) {
	switch t := t.(type) {
	case iceberg.BooleanType:
		return "BOOLEAN", nil
	case iceberg.Int32Type:
		return "INTEGER", nil
	case iceberg.Int64Type:
		return "BIGINT", nil
	case iceberg.Float32Type:
		return "FLOAT", nil
	case iceberg.Float64Type:
		return "DOUBLE", nil
	case iceberg.DecimalType:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision(), t.Scale()), nil
	case iceberg.DateType:
		return "DATE", nil
	case iceberg.TimeType:
		return "TIME", nil
	case iceberg.TimestampType:
		return "TIMESTAMP", nil
	case iceberg.TimestampTzType:
		return "TIMESTAMPTZ", nil
	case iceberg.TimestampNsType:
		return "TIMESTAMP_NS", nil
	case iceberg.TimestampTzNsType:
		return "TIMESTAMPTZ", nil
	case iceberg.StringType:
		return "VARCHAR", nil
	case iceberg.UUIDType:
		return "UUID", nil
	case iceberg.BinaryType, iceberg.FixedType:
		return "BLOB", nil
	case *iceberg.ListType:
		et, err := duckType(t.Element)
		if err != nil {
			return "", err
		}
		return et + "[]", nil
	case *iceberg.MapType:
		kt, err := duckType(t.KeyType)
		if err != nil {
			return "", err
		}
		vt, err := duckType(t.ValueType)
		if err != nil {
			return "", err
		}
		return "MAP(" + kt + ", " + vt + ")", nil
	case *iceberg.StructType:
		parts := make([]string, len(t.FieldList))
		for i, f := range t.FieldList {
			ft, err := duckType(f.Type)
			if err != nil {
				return "", err
			}
			parts[i] = quoteIdent(f.Name) + " " + ft
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")", nil
	}
	return "", fmt.Errorf("Iceberg type %s is not supported", t)
}

// sqlLiteral renders a partition value from a manifest as a typed literal.
func sqlLiteral(v any, t iceberg.Type, duckT string) (string, error) {
	if v == nil {
		return "NULL::" + duckT, nil
	}
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x), nil
	case int32:
		return strconv.FormatInt(int64(x), 10) + "::" + duckT, nil
	case int64:
		return strconv.FormatInt(x, 10) + "::" + duckT, nil
	case int:
		return strconv.Itoa(x) + "::" + duckT, nil
	case float32:
		return sqlString(strconv.FormatFloat(float64(x), 'g', -1, 32)) + "::" + duckT, nil
	case float64:
		return sqlString(strconv.FormatFloat(x, 'g', -1, 64)) + "::" + duckT, nil
	case string:
		return sqlString(x) + "::" + duckT, nil
	case []byte:
		return "from_hex(" + sqlString(hex.EncodeToString(x)) + ")", nil
	case uuid.UUID:
		return sqlString(x.String()) + "::UUID", nil
	case iceberg.Date:
		return "DATE " + sqlString(time.Unix(int64(x)*86400, 0).UTC().Format("2006-01-02")), nil
	case iceberg.Time:
		us := int64(x)
		return fmt.Sprintf("TIME '%02d:%02d:%02d.%06d'", us/3600e6, us/60e6%60, us/1e6%60, us%1e6), nil
	case iceberg.Timestamp:
		ts := time.UnixMicro(int64(x)).UTC()
		if _, ok := t.(iceberg.TimestampTzType); ok {
			return "TIMESTAMPTZ " + sqlString(ts.Format("2006-01-02 15:04:05.999999")+"+00"), nil
		}
		return "TIMESTAMP " + sqlString(ts.Format("2006-01-02 15:04:05.999999")), nil
	case iceberg.Decimal:
		r := new(big.Rat).SetFrac(x.Val.BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
		return sqlString(r.FloatString(x.Scale)) + "::" + duckT, nil
	case json.Number:
		return x.String() + "::" + duckT, nil
	}
	return "", fmt.Errorf("%w: partition value of type %T", catalog.ErrUnsupported, v)
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
