package engine

import (
	"fmt"
	"strings"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

// typeOf maps a DuckDB logical type to the result type clients are told.
func typeOf(lt duck.LogicalType) pgtypes.Type {
	id := duck.GetTypeId(lt)
	switch id {
	case duck.TypeBoolean:
		return pgtypes.Type{ID: pgtypes.TypeBool, Engine: "BOOLEAN"}
	case duck.TypeTinyInt, duck.TypeSmallInt, duck.TypeUTinyInt:
		return pgtypes.Type{ID: pgtypes.TypeInt16, Engine: "SMALLINT"}
	case duck.TypeInteger, duck.TypeUSmallInt:
		return pgtypes.Type{ID: pgtypes.TypeInt32, Engine: "INTEGER"}
	case duck.TypeBigInt:
		return pgtypes.Type{ID: pgtypes.TypeInt64, Engine: "BIGINT"}
	case duck.TypeUInteger:
		// The pg catalog emulation holds Postgres' oid in UINTEGER (both
		// unsigned 32-bit), and ::oid casts to it: clients choose decoders
		// by the type (asyncpg's introspection needs oid and oid[]).
		return pgtypes.Type{ID: pgtypes.TypeInt64, Engine: "UINTEGER", OID: pgtypes.OIDOID}
	case duck.TypeUBigInt, duck.TypeHugeInt:
		return pgtypes.Type{ID: pgtypes.TypeNumeric, Engine: "HUGEINT"}
	case duck.TypeUHugeInt:
		// Arrow carries it as decimal(38,0) of its 128 bits: the server
		// reads them unsigned by this name.
		return pgtypes.Type{ID: pgtypes.TypeNumeric, Engine: "UHUGEINT"}
	case duck.TypeBigNum:
		return pgtypes.Type{ID: pgtypes.TypeNumeric, Engine: "BIGNUM"}
	case duck.TypeTimeTZ:
		return pgtypes.Type{ID: pgtypes.TypeOther, Engine: "TIMETZ"}
	case duck.TypeFloat:
		return pgtypes.Type{ID: pgtypes.TypeFloat32, Engine: "FLOAT"}
	case duck.TypeDouble:
		return pgtypes.Type{ID: pgtypes.TypeFloat64, Engine: "DOUBLE"}
	case duck.TypeDecimal:
		return pgtypes.Type{ID: pgtypes.TypeNumeric, Precision: int(duck.DecimalWidth(lt)), Scale: int(duck.DecimalScale(lt)), Engine: "DECIMAL"}
	case duck.TypeVarchar:
		if strings.EqualFold(duck.LogicalTypeGetAlias(lt), "JSON") {
			return pgtypes.Type{ID: pgtypes.TypeJSON, Engine: "JSON"}
		}
		return pgtypes.Type{ID: pgtypes.TypeText, Engine: "VARCHAR"}
	case duck.TypeEnum:
		return pgtypes.Type{ID: pgtypes.TypeText, Engine: "ENUM"}
	case duck.TypeBlob:
		return pgtypes.Type{ID: pgtypes.TypeBytes, Engine: "BLOB"}
	case duck.TypeDate:
		return pgtypes.Type{ID: pgtypes.TypeDate, Engine: "DATE"}
	case duck.TypeTime, duck.TypeTimeNS:
		return pgtypes.Type{ID: pgtypes.TypeTime, Engine: "TIME"}
	case duck.TypeTimestamp, duck.TypeTimestampS, duck.TypeTimestampMS, duck.TypeTimestampNS:
		return pgtypes.Type{ID: pgtypes.TypeTimestamp, Engine: "TIMESTAMP"}
	case duck.TypeTimestampTZ:
		return pgtypes.Type{ID: pgtypes.TypeTimestampTZ, Engine: "TIMESTAMPTZ"}
	case duck.TypeInterval:
		return pgtypes.Type{ID: pgtypes.TypeInterval, Engine: "INTERVAL"}
	case duck.TypeUUID:
		return pgtypes.Type{ID: pgtypes.TypeUUID, Engine: "UUID"}
	case duck.TypeList, duck.TypeArray:
		var child duck.LogicalType
		if id == duck.TypeList {
			child = duck.ListTypeChildType(lt)
		} else {
			child = duck.ArrayTypeChildType(lt)
		}
		defer duck.DestroyLogicalType(&child)
		e := typeOf(child)
		if e.ID == pgtypes.TypeList || e.ID == pgtypes.TypeOther {
			// Postgres arrays are not nested lists; show these as text.
			return pgtypes.Type{ID: pgtypes.TypeOther, Engine: "LIST"}
		}
		return pgtypes.Type{ID: pgtypes.TypeList, Elem: &e, Engine: "LIST"}
	case duck.TypeStruct:
		return pgtypes.Type{ID: pgtypes.TypeOther, Engine: "STRUCT"}
	case duck.TypeMap:
		return pgtypes.Type{ID: pgtypes.TypeOther, Engine: "MAP"}
	case duck.TypeSQLNull:
		return pgtypes.Type{ID: pgtypes.TypeText, Engine: "NULL"}
	case duck.TypeInvalid:
		// a parameter the statement does not type (and, then, every
		// result column: the engine binds such a statement only once it
		// has the values)
		return pgtypes.Type{ID: pgtypes.TypeUnknown, Engine: "UNKNOWN"}
	}
	return pgtypes.Type{ID: pgtypes.TypeOther, Engine: fmt.Sprint(id)}
}

// typeNames are the engine's names of Postgres types a client may declare
// for a parameter. numeric is left out: the engine's bare DECIMAL is
// DECIMAL(18,3), which would round.
var typeNames = map[uint32]string{
	pgtypes.OIDBool: "BOOLEAN", pgtypes.OIDBytea: "BLOB", pgtypes.OIDInt2: "SMALLINT",
	pgtypes.OIDInt4: "INTEGER", pgtypes.OIDInt8: "BIGINT", pgtypes.OIDText: "VARCHAR",
	pgtypes.OIDVarchar: "VARCHAR", pgtypes.OIDFloat4: "REAL", pgtypes.OIDFloat8: "DOUBLE",
	pgtypes.OIDDate: "DATE", pgtypes.OIDTime: "TIME", pgtypes.OIDTimestamp: "TIMESTAMP",
	pgtypes.OIDTimestamptz: "TIMESTAMPTZ", pgtypes.OIDInterval: "INTERVAL", pgtypes.OIDUUID: "UUID",
	pgtypes.OIDJSON: "JSON",
}

// TypeName is the engine's name of the Postgres type oid, arrays of the
// types above included, for a cast: "" for a type it has no exact name for.
func TypeName(oid uint32) string {
	if t, ok := typeNames[oid]; ok {
		return t
	}
	for elem, t := range typeNames {
		if a, ok := pgtypes.ArrayOID(elem); ok && a == oid {
			return t + "[]"
		}
	}
	if oid == 1015 { // varchar[]
		return "VARCHAR[]"
	}
	return ""
}

// sqlNames are the engine types SQLName spells as they are.
var sqlNames = map[string]bool{
	"BOOLEAN": true, "SMALLINT": true, "INTEGER": true, "BIGINT": true, "UINTEGER": true, "FLOAT": true,
	"DOUBLE": true, "VARCHAR": true, "BLOB": true, "DATE": true, "TIME": true, "TIMESTAMP": true,
	"TIMESTAMPTZ": true, "INTERVAL": true, "UUID": true, "JSON": true,
}

// SQLName is the engine's name of a type typeOf described, for a cast:
// "" for a type it cannot name exactly (unknown, enums, nested types).
func SQLName(t pgtypes.Type) string {
	switch {
	case t.ID == pgtypes.TypeList && t.Elem != nil:
		if e := SQLName(*t.Elem); e != "" {
			return e + "[]"
		}
	case t.ID == pgtypes.TypeNumeric && t.Engine == "DECIMAL" && t.Precision > 0:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case t.ID != pgtypes.TypeNumeric && sqlNames[t.Engine]:
		return t.Engine
	}
	return ""
}
