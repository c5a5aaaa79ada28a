package pgcatalog

import (
	"slices"
	"strings"
)

// Emulation macros made in an engine on demand. Every macro a new engine
// gets costs engine memory for the engine's life, in DuckDB's catalog
// (glibc's heap: BENCHMARKS.md, Soak, fourteenth round): lakegate's 162
// macros took 2.6 MiB of each engine's 5.1 before its first statement,
// 1.42 MiB of it the four json_build_* families, which define an overload
// for every arity (12.5 KB of SQL each) and which few statements call.
// Such families are created in an engine only when a statement about to
// run there names one of them (DemandedMacros), and are kept for the
// engine's life: like EngineMacros they are lakegate's own and the same
// for every caller, so an engine handed to another session keeps them
// (EngineMacroNames lists them) and the pool's reset checks stay exact.
//
// A statement names a macro in its text: the engine binds a call by the
// name written, and no macro of the emulation calls a family below (the
// test of the family list checks). DemandedMacros looks for the names in
// the text as written, case-insensitively, rather than in a parse tree:
// a name in a literal or a comment creates a family for nothing, which
// costs a few milliseconds once per engine, and no call is missed.

// MacroFamilies is a set of the demand families below, one bit each.
type MacroFamilies uint64

// demandFamily is macros created together, and the names a statement
// calls them by.
type demandFamily struct {
	calls []string // lower case
	defs  []string // macro definitions, as EngineMacros' lists hold them
	sql   string   // CREATE OR REPLACE MACRO main.... for each of defs
}

var demandFamilies = func() []demandFamily {
	fams := []demandFamily{{
		calls: []string{"json_build_object", "json_build_array", "jsonb_build_object", "jsonb_build_array"},
		defs:  jsonBuildMacros(),
	}}
	for i := range fams {
		var b strings.Builder
		createMacros(&b, fams[i].defs)
		fams[i].sql = b.String()
	}
	return fams
}()

// demandDefs are the definitions of every demand family's macros.
func demandDefs() []string {
	var defs []string
	for _, f := range demandFamilies {
		defs = append(defs, f.defs...)
	}
	return defs
}

// DemandedMacros is the families whose macros sql names (see above).
func DemandedMacros(sql string) MacroFamilies {
	var set MacroFamilies
	for i, f := range demandFamilies {
		if slices.ContainsFunc(f.calls, func(name string) bool { return containsFold(sql, name) }) {
			set |= 1 << i
		}
	}
	return set
}

// DemandMacrosSQL creates the macros of the families in set, in main.
func DemandMacrosSQL(set MacroFamilies) string {
	var b strings.Builder
	for i, f := range demandFamilies {
		if set&(1<<i) != 0 {
			b.WriteString(f.sql)
		}
	}
	return b.String()
}

// containsFold reports whether s holds name (lower-case ASCII) in any
// case, without copying s: statements can be long (a write's literals).
func containsFold(s, name string) bool {
	first := name[0]
	for i := 0; i+len(name) <= len(s); i++ {
		if s[i]|0x20 == first && strings.EqualFold(s[i:i+len(name)], name) {
			return true
		}
	}
	return false
}
