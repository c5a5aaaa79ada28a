package pgcatalog

import (
	"testing"

	"github.com/lakegate/lakegate/internal/pgtypes"
)

func TestApplyCatalogTypesKeepsEngineTypes(t *testing.T) {
	text, i64 := pgtypes.Type{ID: pgtypes.TypeText}, pgtypes.Type{ID: pgtypes.TypeInt64}
	if !systemTypeFits(pgtypes.OIDName, text) || systemTypeFits(pgtypes.OIDName, i64) {
		t.Error("name goes on text columns only")
	}
	if !systemTypeFits(pgtypes.OIDOID, i64) || systemTypeFits(pgtypes.OIDOID, text) {
		t.Error("oid goes on integer columns only")
	}
	if systemTypeFits(pgtypes.OIDNameArray, pgtypes.Type{ID: pgtypes.TypeList, Elem: &i64}) || !systemTypeFits(pgtypes.OIDNameArray, pgtypes.Type{ID: pgtypes.TypeList, Elem: &text}) {
		t.Error("name[] goes on lists of text only")
	}
}
