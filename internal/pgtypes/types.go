package pgtypes

// TypeID is an engine-neutral column type; OID maps it to Postgres.
type TypeID int

// Column types a result can have.
const (
	TypeUnknown TypeID = iota
	TypeBool
	TypeInt16
	TypeInt32
	TypeInt64
	TypeFloat32
	TypeFloat64
	TypeNumeric // Precision/Scale set; 0/0 for unconstrained (HUGEINT)
	TypeText
	TypeBytes
	TypeDate
	TypeTime
	TypeTimestamp
	TypeTimestampTZ
	TypeInterval
	TypeUUID
	TypeJSON
	TypeList // Elem set
	TypeOther
)

// Type describes a result column or parameter.
type Type struct {
	ID               TypeID
	Precision, Scale int
	Elem             *Type
	// Engine is the engine's own name of the type (for messages and for
	// types shown as text, like STRUCT and MAP).
	Engine string
	// OID is the Postgres system type (name, oid, "char", regclass, ...)
	// a column of the emulated catalogs has, which the engine type stands
	// in for (planner/pgcatalog/resulttypes.go); 0 when ID says it all.
	OID uint32
}

// Column is one result column.
type Column struct {
	Name string
	Type Type
}

// UnsentType tells, for a result type lakegate does not send, what it is
// in Postgres' words: a row value (Postgres' record; the engine's STRUCT
// or MAP), which Postgres writes as (1,2) and the engine otherwise, or a
// multidimensional array (a list of lists), which Postgres writes as
// {{1,2},{3,4}}.
func UnsentType(t Type) (string, bool) {
	if t.ID != TypeOther {
		return "", false
	}
	switch t.Engine {
	case "STRUCT", "MAP":
		return "a row value (record), which lakegate does not send: select its fields", true
	case "LIST":
		return "a multidimensional array, which lakegate does not send", true
	}
	return "", false
}
