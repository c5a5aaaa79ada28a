package pgtypes

// Postgres type OIDs (pg_type.oid) for the types lakegate returns.
const (
	oidBool        = 16
	oidBytea       = 17
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidJSON        = 114
	oidFloat4      = 700
	oidFloat8      = 701
	oidDate        = 1082
	oidTime        = 1083
	oidTimestamp   = 1114
	oidTimestamptz = 1184
	oidInterval    = 1186
	oidNumeric     = 1700
	oidUUID        = 2950

	// system types of catalog columns (Type.OID)
	oidChar       = 18
	oidName       = 19
	oidInt2Vector = 22
	oidOID        = 26
	oidOIDVector  = 30
	oidACLItem    = 1033
)

var arrayOIDs = map[uint32]uint32{
	oidBool: 1000, oidBytea: 1001, oidInt2: 1005, oidInt4: 1007, oidText: 1009, oidInt8: 1016,
	oidFloat4: 1021, oidFloat8: 1022, oidTimestamp: 1115, oidDate: 1182, oidTime: 1183,
	oidTimestamptz: 1185, oidInterval: 1187, oidNumeric: 1231, oidUUID: 2951, oidJSON: 199,
	oidChar: 1002, oidName: 1003, oidOID: 1028, oidACLItem: 1034,
}

// OID maps a result type to the Postgres type clients see.
func OID(t Type) uint32 {
	if t.OID != 0 {
		return t.OID
	}
	switch t.ID {
	case TypeBool:
		return oidBool
	case TypeInt16:
		return oidInt2
	case TypeInt32:
		return oidInt4
	case TypeInt64:
		return oidInt8
	case TypeFloat32:
		return oidFloat4
	case TypeFloat64:
		return oidFloat8
	case TypeNumeric:
		return oidNumeric
	case TypeBytes:
		return oidBytea
	case TypeDate:
		return oidDate
	case TypeTime:
		return oidTime
	case TypeTimestamp:
		return oidTimestamp
	case TypeTimestampTZ:
		return oidTimestamptz
	case TypeInterval:
		return oidInterval
	case TypeUUID:
		return oidUUID
	case TypeJSON:
		return oidJSON
	case TypeList:
		if a, ok := arrayOIDs[OID(*t.Elem)]; ok {
			return a
		}
	}
	return oidText
}

// ParamOID is the type announced for a parameter whose type the client
// left open.
func ParamOID(t Type) uint32 {
	if t.ID == TypeUnknown || t.ID == TypeOther {
		return oidText
	}
	return OID(t)
}

// TypeSize is the size of a type's values, pg_type.typlen, as a
// RowDescription tells it: -1 for variable-width types.
func TypeSize(oid uint32) int16 {
	switch oid {
	case oidBool:
		return 1
	case oidInt2:
		return 2
	case oidInt4, oidFloat4, oidDate:
		return 4
	case oidInt8, oidFloat8, oidTime, oidTimestamp, oidTimestamptz:
		return 8
	case oidUUID, oidInterval:
		return 16
	}
	return -1
}

func elementOID(arrayOID uint32) (uint32, bool) {
	for e, a := range arrayOIDs {
		if a == arrayOID {
			return e, true
		}
	}
	return 0, false
}
