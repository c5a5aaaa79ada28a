package pgcatalog

import (
	"strconv"
	"strings"
	"sync"

	"github.com/lakegate/lakegate/internal/sqlparse"
)

// regtypeOIDs maps the names a regtype literal may give ('integer',
// 'timestamptz', 'character varying', 'int8'...) to their type's OID, as
// SQL numbers: the lookup of the lakegate_regtype_oid and to_regtype
// macros, and of regtypeLiteralOID.
var regtypeOIDs = sync.OnceValue(func() map[string]string {
	typeNames := map[string]string{}
	for _, ti := range pgTypes {
		typeNames[ti.name] = strconv.FormatInt(ti.oid, 10)
		typeNames[ti.display] = strconv.FormatInt(ti.oid, 10)
	}
	typeNames["integer"], typeNames["int"], typeNames["smallint"], typeNames["bigint"] = "23", "23", "21", "20"
	typeNames["real"], typeNames["float"], typeNames["double precision"], typeNames["decimal"] = "700", "701", "701", "1700"
	typeNames["varchar"], typeNames["timestamptz"], typeNames["character"] = "1043", "1184", "1042"
	return typeNames
})

// regOIDOperand is the OID operand of lakegate_<name>_name for a string
// literal cast to name ('integer'::regtype::text): the macro call
// lakegate_<name>_oid(literal), or for a regtype the type's OID itself,
// resolved here by the macro's own rule (the literal as a number, else its
// name without a leading "pg_catalog.", lowercased). The engine substitutes
// a macro's argument at each of its uses, and format_type (which
// lakegate_regtype_name calls) uses it in each of its ~700 branches: with
// the macro call, whose map literal holds every type name, one such cast
// took the engine some 20 s of CPU to bind. A name the rule does not
// resolve keeps the macro call (and its answer).
func regOIDOperand(name, literal string) string {
	call := "lakegate_" + name + "_oid(" + literal + ")"
	v, ok := sqlparse.StringValue(literal)
	if name != "regtype" || !ok {
		return call
	}
	if strings.Trim(v, "0123456789") == "" {
		if n, err := strconv.ParseUint(v, 10, 32); err == nil {
			return strconv.FormatUint(n, 10) + "::UINTEGER"
		}
		return call
	}
	if oid, ok := regtypeOIDs()[strings.ToLower(strings.TrimPrefix(v, "pg_catalog."))]; ok {
		return oid + "::UINTEGER"
	}
	return call
}
