package pgcatalog

// emulatedFunctionNames are the Postgres names of renamed functions, for
// result column names: a result column is named after the function it
// calls, or after the type of a cast.
var emulatedFunctionNames = map[string]string{
	"lakegate_jsonb_nullif": "nullif", "lakegate_current_setting": "current_setting", "lakegate_current_schemas": "current_schemas",
	"lakegate_pg_get_viewdef": "pg_get_viewdef", "lakegate_pg_expandarray": "_pg_expandarray",
	"lakegate_regclass_oid": "regclass", "lakegate_regclass_name": "regclass",
	"lakegate_regtype_oid": "regtype", "lakegate_regtype_name": "regtype",
	"lakegate_regnamespace_oid": "regnamespace", "lakegate_regnamespace_name": "regnamespace",
	"lakegate_regrole_oid": "regrole", "lakegate_regrole_name": "regrole",
	"lakegate_varchar": "varchar",
	"lakegate_extract": "extract", "lakegate_extract_second": "extract", "lakegate_extract_millisecond": "extract",
	"lakegate_extract_epoch": "extract",
	"lakegate_varchar_n":     "varchar", "lakegate_char_n": "bpchar", "lakegate_bpchar_n": "bpchar",
	"lakegate_format": "format", "lakegate_series": "generate_series", "lakegate_text": "text", "lakegate_varchar_text": "varchar", "lakegate_jsonb": "jsonb", "lakegate_array_text": "text", "lakegate_pg_typeof_jsonb": "pg_typeof",
	"lakegate_pg_typeof_varchar": "pg_typeof", "lakegate_to_json": "to_json", "lakegate_pg_typeof_bpchar": "pg_typeof",
	"lakegate_float_sum": "sum",
}
