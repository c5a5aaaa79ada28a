package session

import (
	"slices"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// describeVarcharParams describes a parameter the statement casts to
// varchar ($1::varchar, $1::varchar(10)) as varchar (OID 1043), as
// PostgreSQL does: the engine has one string type, which is sent as text.
// Its values are read the same way either way.
func describeVarcharParams(st *Stmt, sql string) {
	if st == nil || len(st.Params) == 0 {
		return
	}
	cloned := false
	for n, u := range sqlparse.ParamUses(sql) {
		if n < 1 || n > len(st.Params) || st.Params[n-1].ID != pgtypes.TypeText || st.Params[n-1].OID != 0 || !varcharName(u.CastTo) {
			continue
		}
		if !cloned {
			st.Params = slices.Clone(st.Params) // the shape cache holds the slice
			cloned = true
		}
		st.Params[n-1].OID = pgtypes.OIDVarchar
	}
}

// varcharName reports whether a cast's type, as written, is varchar,
// with or without a length, pg_catalog's or quoted.
func varcharName(t string) bool {
	name, _, _ := strings.Cut(strings.ToLower(t), "(")
	name = strings.TrimSpace(strings.TrimPrefix(name, "pg_catalog."))
	return sqlparse.UnquoteIdent(name) == "varchar"
}
