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
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
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
	sc := &scanColumns{fields: fields, types: types, names: viewColumnNames(fields)}
	sc.byName = t.SingleSchema() && slices.EqualFunc(fields, sc.names, func(f iceberg.NestedField, n string) bool { return f.Name == n })
	if len(plan.Files) == 0 {
		cols := make([]string, len(fields))
		for i := range fields {
			cols[i] = "NULL::" + types[i] + " AS " + sqlparse.QuoteIdent(sc.names[i])
		}
		if plan.Positions {
			cols = append(cols, "NULL::BIGINT AS "+posCol)
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
		proj, err := fileProjection(f, plan, sc)
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
		sql, err := groupSQL(g.files, plan, sc)
		if err != nil {
			return "", fmt.Errorf("table %s: %w", t.Ident, err)
		}
		parts = append(parts, sql)
	}
	return strings.Join(parts, "\nUNION ALL\n"), nil
}

// posCol is the column a scan with ScanPlan.Positions adds: each row's
// position in its data file.
const posCol = `"__lakegate_pos"`

// scanColumns are the table's top-level columns as the view exposes them.
type scanColumns struct {
	fields []iceberg.NestedField
	types  []string // DuckDB types
	names  []string // view column names, unique without regard to case
	// byName: files may be read by column name rather than through the
	// field-id schema map (see canReadByName).
	byName bool
}

// viewColumnNames names the view's columns. Iceberg names are case
// sensitive, DuckDB's are not: a table with both user_id and uSeR_Id would
// make the view fail to bind. Later duplicates get a numeric suffix, the way
// DuckDB itself names duplicate columns of an Arrow or Parquet source
// (uSeR_Id_1).
func viewColumnNames(fields []iceberg.NestedField) []string {
	names := make([]string, len(fields))
	taken := map[string]bool{}
	for _, f := range fields {
		taken[strings.ToLower(f.Name)] = false
	}
	for i, f := range fields {
		name := f.Name
		if used := taken[strings.ToLower(name)]; used {
			for n := 1; ; n++ {
				cand := fmt.Sprintf("%s_%d", f.Name, n)
				if _, exists := taken[strings.ToLower(cand)]; !exists {
					name = cand
					break
				}
			}
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// identityLiteral returns the manifest value of column i for a file that
// does not store the column itself (identity partition values some writers
// leave out of the data files).
func identityLiteral(f catalog.DataFile, sc *scanColumns, i int) (string, bool, error) {
	fl := sc.fields[i]
	if f.FieldIDs == nil || f.FieldIDs[fl.ID] {
		return "", false, nil
	}
	v, ok := f.IdentityValues[fl.ID]
	if !ok {
		return "", false, nil
	}
	lit, err := sqlLiteral(v, fl.Type, sc.types[i])
	if err != nil {
		return "", false, fmt.Errorf("column %s: %w", fl.Name, err)
	}
	return lit, true, nil
}

// fileProjection describes how a file's columns map to the table schema; files
// with the same projection can share one read.
func fileProjection(f catalog.DataFile, plan *catalog.ScanPlan, sc *scanColumns) (string, error) {
	var b strings.Builder
	if f.HasFieldIDs {
		b.WriteString("ids")
		for i, fl := range sc.fields {
			lit, ok, err := identityLiteral(f, sc, i)
			if err != nil {
				return "", err
			}
			if ok {
				fmt.Fprintf(&b, ";%d=%s", fl.ID, lit)
			}
		}
		return b.String(), nil
	}
	b.WriteString("names")
	for i, fl := range sc.fields {
		expr, err := nameMappedColumn(f, plan, fl, sc.types[i])
		if err != nil {
			return "", err
		}
		b.WriteString(";" + expr)
	}
	return b.String(), nil
}

// nameMappedColumn resolves a column of a file without field ids through the
// table's name mapping (schema.name-mapping.default). It returns the
// expression that reads the column.
func nameMappedColumn(f catalog.DataFile, plan *catalog.ScanPlan, fl iceberg.NestedField, typ string) (string, error) {
	if plan.NameMapping == nil {
		return "", fmt.Errorf("%w: data file %s has no Iceberg field ids and the table has no name mapping (schema.name-mapping.default)",
			catalog.ErrUnsupported, f.Path)
	}
	var names []string
	for _, m := range plan.NameMapping {
		if m.FieldID != nil && *m.FieldID == fl.ID {
			names = m.Names
			break
		}
	}
	for _, n := range names {
		if slices.Contains(f.Columns, n) {
			return "CAST(d." + sqlparse.QuoteIdent(n) + " AS " + typ + ")", nil
		}
	}
	if v, ok := f.IdentityValues[fl.ID]; ok {
		return sqlLiteral(v, fl.Type, typ)
	}
	return "NULL::" + typ, nil
}

// groupSQL reads one group of files that share delete files and column
// resolution. The inner select resolves the columns (by field id, through the
// name mapping, or from manifest partition values); deletes are anti joins on
// the resolved columns, so an equality delete on a partition column works
// whether or not the files store that column.
func groupSQL(files []catalog.DataFile, plan *catalog.ScanPlan, sc *scanColumns) (string, error) {
	first := files[0]
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = sqlparse.QuoteLiteral(f.Path)
	}
	fileList := "[" + strings.Join(paths, ", ") + "]"
	needRowPos := len(first.PosDeletes) > 0 || plan.Positions
	extra := ""
	if needRowPos {
		extra = ", filename = true, file_row_number = true"
	}
	exprs := make([]string, len(sc.fields))
	var read string
	if first.HasFieldIDs && canReadByName(files, sc) {
		read = fmt.Sprintf("read_parquet(%s%s) AS d", fileList, extra)
		for i, fl := range sc.fields {
			lit, ok, err := identityLiteral(first, sc, i)
			if err != nil {
				return "", err
			}
			if ok {
				exprs[i] = lit
				continue
			}
			exprs[i] = "CAST(d." + sqlparse.QuoteIdent(fl.Name) + " AS " + sc.types[i] + ")"
		}
	} else if first.HasFieldIDs {
		var entries []string
		for i, fl := range sc.fields {
			lit, ok, err := identityLiteral(first, sc, i)
			if err != nil {
				return "", err
			}
			if ok {
				exprs[i] = lit
				continue
			}
			col := fmt.Sprintf("c%d", i)
			entries = append(entries, fmt.Sprintf("%d: {name: %s, type: %s, default_value: NULL}", fl.ID, sqlparse.QuoteLiteral(col), sqlparse.QuoteLiteral(sc.types[i])))
			exprs[i] = "d." + col
		}
		if len(entries) > 0 {
			read = fmt.Sprintf("read_parquet(%s, schema = map {%s}%s) AS d", fileList, strings.Join(entries, ", "), extra)
		} else {
			// Every column comes from the manifests; the files still give
			// the row count (and positions).
			read = fmt.Sprintf("read_parquet(%s%s) AS d", fileList, extra)
		}
	} else {
		read = fmt.Sprintf("read_parquet(%s%s) AS d", fileList, extra)
		for i, fl := range sc.fields {
			expr, err := nameMappedColumn(first, plan, fl, sc.types[i])
			if err != nil {
				return "", err
			}
			exprs[i] = expr
		}
	}
	if len(first.PosDeletes) == 0 && len(first.EqDeletes) == 0 {
		if plan.Positions {
			return "SELECT " + projection(exprs, sc.names) + ", d.file_row_number AS " + posCol + " FROM " + read, nil
		}
		return "SELECT " + projection(exprs, sc.names) + " FROM " + read, nil
	}
	inner := slices.Clone(exprs)
	outer := make([]string, len(sc.names))
	for i, n := range sc.names {
		outer[i] = "r." + sqlparse.QuoteIdent(n)
	}
	if plan.Positions {
		outer = append(outer, "r."+posCol)
	}
	if needRowPos {
		inner = append(inner, "d.filename", "d.file_row_number")
	}
	var from strings.Builder
	fmt.Fprintf(&from, "(SELECT %s FROM %s) AS r", projection(inner, append(slices.Clone(sc.names), "__lakegate_file", "__lakegate_pos")), read)
	if len(first.PosDeletes) > 0 {
		// Position deletes name data files by the path the writer used; map
		// those to the paths read here through the table's own file list.
		pos := make([]string, len(first.PosDeletes))
		for i, p := range first.PosDeletes {
			pos[i] = sqlparse.QuoteLiteral(p)
		}
		fmt.Fprintf(&from, "\n  ANTI JOIN (SELECT m.local_path AS fp, p.pos FROM read_parquet([%s]) AS p JOIN (VALUES %s) AS m(orig_path, local_path) ON p.file_path = m.orig_path) AS pd\n  ON r.__lakegate_file = pd.fp AND r.__lakegate_pos = pd.pos",
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
		s.paths = append(s.paths, sqlparse.QuoteLiteral(e.Path))
	}
	for n, s := range sets {
		var entries, conds, cols []string
		for _, id := range s.ids {
			i := slices.IndexFunc(sc.fields, func(f iceberg.NestedField) bool { return f.ID == id })
			if i < 0 {
				return "", fmt.Errorf("%w: equality delete on field id %d, which is not a top-level column of the current schema", catalog.ErrUnsupported, id)
			}
			alias := fmt.Sprintf("k%d", id)
			entries = append(entries, fmt.Sprintf("%d: {name: %s, type: %s, default_value: NULL}", id, sqlparse.QuoteLiteral(alias), sqlparse.QuoteLiteral(sc.types[i])))
			cols = append(cols, alias)
			conds = append(conds, fmt.Sprintf("r.%s IS NOT DISTINCT FROM e%d.%s", sqlparse.QuoteIdent(sc.names[i]), n, alias))
		}
		fmt.Fprintf(&from, "\n  ANTI JOIN (SELECT DISTINCT %s FROM read_parquet([%s], schema = map {%s})) AS e%d ON %s",
			strings.Join(cols, ", "), strings.Join(s.paths, ", "), strings.Join(entries, ", "), n, strings.Join(conds, " AND "))
	}
	return "SELECT " + strings.Join(outer, ", ") + " FROM " + from.String(), nil
}

// canReadByName reports whether a group of files can be read by column
// name: the table never changed its schema (so the files carry the current
// names and types under the current field ids), the view's column names are
// the schema's, and every file whose footer was read holds every column
// that is not an identity partition value. The engine keeps the files'
// statistics for the optimizer when it reads by name; read through the
// field-id schema map it loses them, and join orders suffer (TPC-H Q5 ran
// ten times slower).
func canReadByName(files []catalog.DataFile, sc *scanColumns) bool {
	if !sc.byName {
		return false
	}
	for _, f := range files {
		if f.FieldIDs == nil {
			continue
		}
		for _, fl := range sc.fields {
			if _, isLiteral := f.IdentityValues[fl.ID]; isLiteral && !f.FieldIDs[fl.ID] {
				continue
			}
			if !f.FieldIDs[fl.ID] || !slices.Contains(f.Columns, fl.Name) {
				return false
			}
		}
	}
	return true
}

func projection(exprs, names []string) string {
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		parts[i] = e + " AS " + sqlparse.QuoteIdent(names[i])
	}
	return strings.Join(parts, ", ")
}

func pathValues(files []catalog.DataFile) string {
	vals := make([]string, 0, len(files))
	for _, f := range files {
		for _, orig := range append([]string{f.OrigPath}, f.Aliases...) {
			vals = append(vals, "("+sqlparse.QuoteLiteral(orig)+", "+sqlparse.QuoteLiteral(f.Path)+")")
		}
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
			parts[i] = sqlparse.QuoteIdent(f.Name) + " " + ft
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")", nil
	}
	return "", fmt.Errorf("Iceberg type %s is not supported", t)
}

// sqlLiteral renders a partition value from a manifest as a literal of the
// column's type. Manifest readers hand values over in more than one Go form
// (a decimal as iceberg.DecimalLiteral or raw two's-complement bytes, a
// timestamp as iceberg.Timestamp or int64), so the Iceberg type decides the
// rendering. Every literal is a CAST of a string or number in parentheses:
// a bare -9223372036854775808::BIGINT would parse as -(9223372036854775808::BIGINT).
func sqlLiteral(v any, t iceberg.Type, duckT string) (string, error) {
	if v == nil {
		return "NULL::" + duckT, nil
	}
	cast := func(s string) string { return "CAST(" + sqlparse.QuoteLiteral(s) + " AS " + duckT + ")" }
	bad := func() (string, error) {
		return "", fmt.Errorf("%w: partition value %v (%T) for a column of type %s", catalog.ErrUnsupported, v, v, t)
	}
	switch t := t.(type) {
	case iceberg.BooleanType:
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
	case iceberg.Int32Type, iceberg.Int64Type:
		if n, ok := asInt64(v); ok {
			return cast(strconv.FormatInt(n, 10)), nil
		}
	case iceberg.Float32Type:
		switch x := v.(type) {
		case float32:
			return cast(pgtypes.FloatText(float64(x), 32)), nil
		case float64:
			return cast(pgtypes.FloatText(x, 32)), nil
		}
	case iceberg.Float64Type:
		switch x := v.(type) {
		case float32:
			return cast(pgtypes.FloatText(float64(x), 64)), nil
		case float64:
			return cast(pgtypes.FloatText(x, 64)), nil
		}
	case iceberg.DecimalType:
		var unscaled *big.Int
		scale := t.Scale()
		switch x := v.(type) {
		case iceberg.DecimalLiteral:
			unscaled, scale = x.Val.BigInt(), x.Scale
		case iceberg.Decimal:
			unscaled, scale = x.Val.BigInt(), x.Scale
		case []byte: // big-endian two's complement, the Iceberg binary form
			unscaled = new(big.Int).SetBytes(x)
			if len(x) > 0 && x[0]&0x80 != 0 {
				unscaled.Sub(unscaled, new(big.Int).Lsh(big.NewInt(1), uint(8*len(x))))
			}
		case *big.Rat:
			return cast(x.FloatString(scale)), nil
		default:
			if n, ok := asInt64(v); ok {
				unscaled = big.NewInt(n)
			}
		}
		if unscaled == nil {
			return bad()
		}
		r := new(big.Rat).SetFrac(unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
		return cast(r.FloatString(scale)), nil
	case iceberg.DateType:
		switch x := v.(type) {
		case iceberg.Date:
			return cast(time.Unix(int64(x)*86400, 0).UTC().Format("2006-01-02")), nil
		case time.Time:
			return cast(x.UTC().Format("2006-01-02")), nil
		}
		if n, ok := asInt64(v); ok {
			return cast(time.Unix(n*86400, 0).UTC().Format("2006-01-02")), nil
		}
	case iceberg.TimeType:
		var us int64
		switch x := v.(type) {
		case iceberg.Time:
			us = int64(x)
		case time.Duration:
			us = x.Microseconds()
		default:
			n, ok := asInt64(v)
			if !ok {
				return bad()
			}
			us = n
		}
		return cast(fmt.Sprintf("%02d:%02d:%02d.%06d", us/3600e6, us/60e6%60, us/1e6%60, us%1e6)), nil
	case iceberg.TimestampType, iceberg.TimestampTzType:
		var ts time.Time
		switch x := v.(type) {
		case iceberg.Timestamp:
			ts = time.UnixMicro(int64(x))
		case time.Time:
			ts = x
		default:
			n, ok := asInt64(v)
			if !ok {
				return bad()
			}
			ts = time.UnixMicro(n)
		}
		s := ts.UTC().Format("2006-01-02 15:04:05.999999")
		if _, tz := t.(iceberg.TimestampTzType); tz {
			s += "+00"
		}
		return cast(s), nil
	case iceberg.TimestampNsType, iceberg.TimestampTzNsType:
		var ts time.Time
		switch x := v.(type) {
		case iceberg.TimestampNano:
			ts = time.Unix(0, int64(x))
		case time.Time:
			ts = x
		default:
			n, ok := asInt64(v)
			if !ok {
				return bad()
			}
			ts = time.Unix(0, n)
		}
		s := ts.UTC().Format("2006-01-02 15:04:05.999999999")
		if _, tz := t.(iceberg.TimestampTzNsType); tz {
			s += "+00"
		}
		return cast(s), nil
	case iceberg.StringType:
		switch x := v.(type) {
		case string:
			return cast(x), nil
		case []byte:
			return cast(string(x)), nil
		}
	case iceberg.UUIDType:
		switch x := v.(type) {
		case uuid.UUID:
			return cast(x.String()), nil
		case [16]byte:
			return cast(uuid.UUID(x).String()), nil
		case []byte:
			if u, err := uuid.FromBytes(x); err == nil {
				return cast(u.String()), nil
			}
		case string:
			return cast(x), nil
		}
	case iceberg.BinaryType, iceberg.FixedType:
		switch x := v.(type) {
		case []byte:
			return "from_hex(" + sqlparse.QuoteLiteral(hex.EncodeToString(x)) + ")", nil
		case string:
			return "from_hex(" + sqlparse.QuoteLiteral(hex.EncodeToString([]byte(x))) + ")", nil
		}
	}
	return bad()
}

func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}
