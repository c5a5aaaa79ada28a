package planner

import (
	"context"
	"strconv"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

// Parameters take PostgreSQL's types. A client that declares a
// parameter's type in Parse (psycopg 3 does for most values) gets a
// parameter of that type: $n becomes CAST($n AS type) before the engine
// sees the statement. One that declares none gets the type the statement's
// context gives it, as the engine infers it; and where nothing types it (a
// parameter alone in the select list: "select $1, 1"), text, as in
// PostgreSQL, rather than a statement the engine can describe only once it
// has the values (it described one "unknown" column).

// declaredTypes are the engine types of the parameter types a client may
// declare. numeric is left out: its engine default, DECIMAL(18,3), would
// round; its values are bound as they come.
var declaredTypes = map[uint32]string{
	pgtypes.OIDBool: "BOOLEAN", pgtypes.OIDBytea: "BLOB", pgtypes.OIDInt2: "SMALLINT",
	pgtypes.OIDInt4: "INTEGER", pgtypes.OIDInt8: "BIGINT", pgtypes.OIDText: "VARCHAR",
	pgtypes.OIDVarchar: "VARCHAR", pgtypes.OIDFloat4: "REAL", pgtypes.OIDFloat8: "DOUBLE",
	pgtypes.OIDDate: "DATE", pgtypes.OIDTime: "TIME", pgtypes.OIDTimestamp: "TIMESTAMP",
	pgtypes.OIDTimestamptz: "TIMESTAMPTZ", pgtypes.OIDInterval: "INTERVAL", pgtypes.OIDUUID: "UUID",
	pgtypes.OIDJSON: "JSON",
}

// declaredType is the engine type of a declared parameter OID, arrays of
// the types above included ("" when it is not declared or not one of them).
func declaredType(oid uint32) string {
	if t, ok := declaredTypes[oid]; ok {
		return t
	}
	for elem, t := range declaredTypes {
		if a, ok := pgtypes.ArrayOID(elem); ok && a == oid {
			return t + "[]"
		}
	}
	if oid == 1015 { // varchar[]
		return "VARCHAR[]"
	}
	return ""
}

// PrepareParams is Prepare for a statement whose parameter types the
// client declared (oids[i] for $i+1, 0 for none), as Parse does.
func (s *Session) PrepareParams(ctx context.Context, sql string, oids []uint32) (*Stmt, error) {
	n := maxParam(sql)
	if n == 0 {
		return s.Prepare(ctx, sql)
	}
	casts := map[int]string{}
	for i, oid := range oids {
		if t := declaredType(oid); t != "" && i < n {
			casts[i+1] = "CAST($" + strconv.Itoa(i+1) + " AS " + t + ")"
		}
	}
	text := sql
	if len(casts) > 0 {
		text = substituteParams(sql, casts)
	}
	st, err := s.Prepare(ctx, text)
	if err != nil || st.Kind != KindQuery {
		return st, err
	}
	untyped := map[int]string{}
	for i, p := range st.Params {
		if p.ID == TypeUnknown {
			untyped[i+1] = "CAST($" + strconv.Itoa(i+1) + " AS VARCHAR)"
		}
	}
	if len(untyped) == 0 {
		return st, nil
	}
	// Text where nothing else types it; if text does not fit the
	// statement, it stays as the engine prepared it.
	if typed, err := s.Prepare(ctx, substituteParams(text, untyped)); err == nil {
		return typed, nil
	}
	return st, nil
}
