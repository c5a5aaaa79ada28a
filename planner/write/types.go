package write

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Column types and partition specs of tables lakegate creates.

// schemaBuilder hands out field ids: top-level columns 1..n first, nested
// fields after (the catalog reassigns ids anyway; they must only be unique).
type schemaBuilder struct {
	next int
}

// icebergTypeOf maps a column type as written in CREATE TABLE or ALTER
// TABLE (Postgres spellings, plus the engine's) to an Iceberg type.
func (b *schemaBuilder) icebergTypeOf(d ColumnDef) (iceberg.Type, error) {
	t, err := primitiveOf(d)
	if err != nil {
		return nil, err
	}
	if d.array {
		b.next++
		return &iceberg.ListType{ElementID: b.next, Element: t, ElementRequired: false}, nil
	}
	return t, nil
}

func primitiveOf(d ColumnDef) (iceberg.Type, error) {
	name := strings.Join(d.words, " ")
	arg := func(i, def int) int {
		if i < len(d.args) {
			return d.args[i]
		}
		return def
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: column %s: type %s %s", ErrNotSupported, d.name, d.typ, why)
	}
	switch name {
	case "boolean", "bool":
		return iceberg.PrimitiveTypes.Bool, nil
	case "smallint", "int2", "tinyint", "integer", "int", "int4", "mediumint":
		return iceberg.PrimitiveTypes.Int32, nil
	case "bigint", "int8", "long":
		return iceberg.PrimitiveTypes.Int64, nil
	case "real", "float4":
		return iceberg.PrimitiveTypes.Float32, nil
	case "float":
		if arg(0, 53) <= 24 {
			return iceberg.PrimitiveTypes.Float32, nil
		}
		return iceberg.PrimitiveTypes.Float64, nil
	case "double precision", "double", "float8":
		return iceberg.PrimitiveTypes.Float64, nil
	case "numeric", "decimal", "dec":
		if len(d.args) == 0 {
			return nil, bad("without precision (Iceberg decimals have a fixed precision and scale: numeric(p, s))")
		}
		p, s := arg(0, 0), arg(1, 0)
		if p < 1 || p > 38 || s < 0 || s > p {
			return nil, bad("(Iceberg decimals have precision 1 to 38 and a scale between 0 and the precision)")
		}
		return iceberg.DecimalTypeOf(p, s), nil
	case "text", "varchar", "character varying", "char", "character", "string", "bpchar", "name", "nvarchar":
		return iceberg.PrimitiveTypes.String, nil
	case "bytea", "blob", "binary", "varbinary":
		return iceberg.PrimitiveTypes.Binary, nil
	case "fixed":
		if len(d.args) != 1 || d.args[0] < 1 {
			return nil, bad("needs a length: fixed(n)")
		}
		return iceberg.FixedTypeOf(d.args[0]), nil
	case "date":
		return iceberg.PrimitiveTypes.Date, nil
	case "time", "time without time zone":
		return iceberg.PrimitiveTypes.Time, nil
	case "timestamp", "timestamp without time zone", "datetime":
		return iceberg.PrimitiveTypes.Timestamp, nil
	case "timestamptz", "timestamp with time zone":
		return iceberg.PrimitiveTypes.TimestampTz, nil
	case "uuid":
		return iceberg.PrimitiveTypes.UUID, nil
	case "time with time zone", "timetz":
		return nil, bad("(Iceberg has no time with time zone)")
	}
	return nil, bad("(not an Iceberg type; lakegate knows boolean, integer, bigint, real, double precision, numeric(p,s), text, bytea, date, time, timestamp, timestamptz, uuid and arrays of these)")
}

// icebergTypeOfResult maps the type of a query result column (CREATE TABLE
// ... AS) to an Iceberg type.
func (b *schemaBuilder) icebergTypeOfResult(col pgtypes.Column) (iceberg.Type, error) {
	t, err := b.resultType(col.Type)
	if err != nil {
		return nil, fmt.Errorf("%w: column %s: %s", ErrNotSupported, col.Name, err)
	}
	return t, nil
}

func (b *schemaBuilder) resultType(t pgtypes.Type) (iceberg.Type, error) {
	switch t.ID {
	case pgtypes.TypeBool:
		return iceberg.PrimitiveTypes.Bool, nil
	case pgtypes.TypeInt16, pgtypes.TypeInt32:
		return iceberg.PrimitiveTypes.Int32, nil
	case pgtypes.TypeInt64:
		return iceberg.PrimitiveTypes.Int64, nil
	case pgtypes.TypeFloat32:
		return iceberg.PrimitiveTypes.Float32, nil
	case pgtypes.TypeFloat64:
		return iceberg.PrimitiveTypes.Float64, nil
	case pgtypes.TypeNumeric:
		if t.Precision == 0 {
			return iceberg.DecimalTypeOf(38, 0), nil // HUGEINT and friends
		}
		return iceberg.DecimalTypeOf(t.Precision, t.Scale), nil
	case pgtypes.TypeText, pgtypes.TypeJSON:
		return iceberg.PrimitiveTypes.String, nil
	case pgtypes.TypeBytes:
		return iceberg.PrimitiveTypes.Binary, nil
	case pgtypes.TypeDate:
		return iceberg.PrimitiveTypes.Date, nil
	case pgtypes.TypeTime:
		return iceberg.PrimitiveTypes.Time, nil
	case pgtypes.TypeTimestamp:
		return iceberg.PrimitiveTypes.Timestamp, nil
	case pgtypes.TypeTimestampTZ:
		return iceberg.PrimitiveTypes.TimestampTz, nil
	case pgtypes.TypeUUID:
		return iceberg.PrimitiveTypes.UUID, nil
	case pgtypes.TypeList:
		e, err := b.resultType(*t.Elem)
		if err != nil {
			return nil, err
		}
		b.next++
		return &iceberg.ListType{ElementID: b.next, Element: e}, nil
	}
	return nil, fmt.Errorf("type %s has no Iceberg equivalent", t.Engine)
}

// partitionSpec parses a partition spec in the Iceberg/Spark/Trino
// spelling: comma-separated "col", "identity(col)", "year(col)",
// "month(col)", "day(col)", "hour(col)", "bucket(n, col)" (or "bucket(col,
// n)"), "truncate(w, col)" (or "truncate(col, w)"), "void(col)".
func partitionSpec(spec string, sc *iceberg.Schema) ([]iceberg.PartitionField, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	var out []iceberg.PartitionField
	names := map[string]bool{}
	for _, item := range splitTopLevel(spec) {
		item = strings.TrimSpace(item)
		fn, args := "identity", []string{item}
		if i := strings.IndexByte(item, '('); i > 0 && strings.HasSuffix(item, ")") {
			fn = strings.ToLower(strings.TrimSpace(item[:i]))
			args = splitTopLevel(item[i+1 : len(item)-1])
		}
		badSpec := func(why string) error {
			return fmt.Errorf("%w: partitioning %q: %s", ErrNotSupported, item, why)
		}
		var col string
		var n int
		switch len(args) {
		case 1:
			col = strings.TrimSpace(args[0])
		case 2:
			a, b := strings.TrimSpace(args[0]), strings.TrimSpace(args[1])
			if v, err := strconv.Atoi(a); err == nil {
				n, col = v, b
			} else if v, err := strconv.Atoi(b); err == nil {
				n, col = v, a
			} else {
				return nil, badSpec("one argument must be a number")
			}
		default:
			return nil, badSpec("wrong number of arguments")
		}
		col = sqlparse.UnquoteIdent(col)
		f, ok := findColumn(sc, col)
		if !ok {
			return nil, &EngineError{Kind: KindUndefinedColumn, Msg: fmt.Sprintf("column %q named in partitioning does not exist", col)}
		}
		var tr iceberg.Transform
		suffix := ""
		switch fn {
		case "identity":
			tr = iceberg.IdentityTransform{}
		case "year", "years":
			tr, suffix = iceberg.YearTransform{}, "_year"
		case "month", "months":
			tr, suffix = iceberg.MonthTransform{}, "_month"
		case "day", "days", "date":
			tr, suffix = iceberg.DayTransform{}, "_day"
		case "hour", "hours", "date_hour":
			tr, suffix = iceberg.HourTransform{}, "_hour"
		case "bucket":
			if n < 1 {
				return nil, badSpec("bucket needs a positive number of buckets")
			}
			tr, suffix = iceberg.BucketTransform{NumBuckets: n}, "_bucket"
		case "truncate":
			if n < 1 {
				return nil, badSpec("truncate needs a positive width")
			}
			tr, suffix = iceberg.TruncateTransform{Width: n}, "_trunc"
		case "void":
			tr, suffix = iceberg.VoidTransform{}, "_null"
		default:
			return nil, badSpec("unknown transform " + fn)
		}
		if fn != "identity" && fn != "bucket" && fn != "truncate" && len(args) != 1 {
			return nil, badSpec("wrong number of arguments")
		}
		if !tr.CanTransform(f.Type) {
			return nil, badSpec(fmt.Sprintf("%s cannot apply to column %s of type %s", fn, f.Name, f.Type))
		}
		name := f.Name + suffix
		if names[name] {
			return nil, badSpec("partition field " + name + " given twice")
		}
		names[name] = true
		out = append(out, iceberg.PartitionField{SourceIDs: []int{f.ID}, FieldID: 1000 + len(out), Name: name, Transform: tr})
	}
	return out, nil
}

// splitTopLevel splits s at commas outside parentheses and quotes.
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		case '\'', '"':
			i = sqlparse.SkipToken(s, i)
			continue
		}
		i++
	}
	return append(out, s[start:])
}

// findColumn finds a top-level column the way an identifier resolves in
// the engine: the exact name first, else the only case-insensitive match.
func findColumn(sc *iceberg.Schema, name string) (iceberg.NestedField, bool) {
	var match []iceberg.NestedField
	for _, f := range sc.Fields() {
		if f.Name == name {
			return f, true
		}
		if strings.EqualFold(f.Name, name) {
			match = append(match, f)
		}
	}
	if len(match) == 1 {
		return match[0], true
	}
	return iceberg.NestedField{}, false
}
