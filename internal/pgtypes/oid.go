package pgtypes

// Postgres type OIDs (pg_type.oid) for the types lakegate returns.
const (
	OIDBool        = 16
	OIDBytea       = 17
	OIDInt8        = 20
	OIDInt2        = 21
	OIDInt4        = 23
	OIDText        = 25
	OIDJSON        = 114
	OIDFloat4      = 700
	OIDFloat8      = 701
	OIDDate        = 1082
	OIDTime        = 1083
	OIDTimestamp   = 1114
	OIDTimestamptz = 1184
	OIDInterval    = 1186
	OIDNumeric     = 1700
	OIDUUID        = 2950

	// system types of catalog columns (Type.OID), which the pg catalog
	// emulation labels its results with
	OIDChar         = 18
	OIDName         = 19
	OIDInt2Vector   = 22
	OIDRegproc      = 24
	OIDOID          = 26
	OIDXid          = 28
	OIDOIDVector    = 30
	OIDPgNodeTree   = 194
	OIDUnknown      = 705 // an untyped literal or NULL, until its context types it
	OIDACLItem      = 1033
	OIDBpchar       = 1042
	OIDVarchar      = 1043
	OIDRegclass     = 2205
	OIDRegtype      = 2206
	OIDRegnamespace = 4089
	OIDRegrole      = 4096

	OIDCharArray    = 1002
	OIDNameArray    = 1003
	OIDOIDArray     = 1028
	OIDACLItemArray = 1034
)

var arrayOIDs = map[uint32]uint32{
	OIDBool: 1000, OIDBytea: 1001, OIDInt2: 1005, OIDInt4: 1007, OIDText: 1009, OIDInt8: 1016,
	OIDFloat4: 1021, OIDFloat8: 1022, OIDTimestamp: 1115, OIDDate: 1182, OIDTime: 1183,
	OIDTimestamptz: 1185, OIDInterval: 1187, OIDNumeric: 1231, OIDUUID: 2951, OIDJSON: 199,
	OIDChar: OIDCharArray, OIDName: OIDNameArray, OIDOID: OIDOIDArray, OIDACLItem: OIDACLItemArray,
}

// ArrayOID is the array type of an element type lakegate sends.
func ArrayOID(elem uint32) (uint32, bool) {
	a, ok := arrayOIDs[elem]
	return a, ok
}

// OID maps a result type to the Postgres type clients see.
func OID(t Type) uint32 {
	if t.OID != 0 {
		return t.OID
	}
	switch t.ID {
	case TypeBool:
		return OIDBool
	case TypeInt16:
		return OIDInt2
	case TypeInt32:
		return OIDInt4
	case TypeInt64:
		return OIDInt8
	case TypeFloat32:
		return OIDFloat4
	case TypeFloat64:
		return OIDFloat8
	case TypeNumeric:
		return OIDNumeric
	case TypeBytes:
		return OIDBytea
	case TypeDate:
		return OIDDate
	case TypeTime:
		return OIDTime
	case TypeTimestamp:
		return OIDTimestamp
	case TypeTimestampTZ:
		return OIDTimestamptz
	case TypeInterval:
		return OIDInterval
	case TypeUUID:
		return OIDUUID
	case TypeJSON:
		return OIDJSON
	case TypeList:
		if a, ok := arrayOIDs[OID(*t.Elem)]; ok {
			return a
		}
	}
	return OIDText
}

// ParamOID is the type announced for a parameter whose type the client
// left open.
func ParamOID(t Type) uint32 {
	if t.ID == TypeUnknown || t.ID == TypeOther {
		return OIDText
	}
	return OID(t)
}

// TypeSize is the size of a type's values, pg_type.typlen, as a
// RowDescription tells it: -1 for variable-width types.
func TypeSize(oid uint32) int16 {
	switch oid {
	case OIDBool:
		return 1
	case OIDInt2:
		return 2
	case OIDInt4, OIDFloat4, OIDDate, OIDOID, OIDRegproc, OIDXid, OIDRegclass, OIDRegtype, OIDRegnamespace, OIDRegrole:
		return 4
	case OIDChar:
		return 1
	case OIDName:
		return 64
	case OIDInt8, OIDFloat8, OIDTime, OIDTimestamp, OIDTimestamptz:
		return 8
	case OIDUUID, OIDInterval:
		return 16
	}
	return -1
}

// ElementOID is the element type of an array type lakegate sends.
func ElementOID(arrayOID uint32) (uint32, bool) {
	for e, a := range arrayOIDs {
		if a == arrayOID {
			return e, true
		}
	}
	return 0, false
}
