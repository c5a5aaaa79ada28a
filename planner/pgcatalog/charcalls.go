package pgcatalog

import "strings"

// pg_typeof of a varchar or char(n) cast names character varying or
// character in Postgres; the engine has one string type, which pg_typeof
// names text. characterTypeofs renames pg_typeof(x) where x is one such
// cast, as the rewrite wrote it (lakegate_varchar(x), markVarcharCasts;
// lakegate_varchar_n(x, n) and the char(n) macros, characterCast). A
// value of another origin (a VALUES column of varchar casts) stays text.

// characterTypeofMacros are the macros characterTypeofs calls.
var characterTypeofMacros = []string{
	`lakegate_pg_typeof_varchar(x) AS 'character varying'`,
	`lakegate_pg_typeof_bpchar(x) AS 'character'`,
}

// characterTypeofNames are the pg_typeof macros of the casts' calls.
var characterTypeofNames = map[string]string{
	"lakegate_varchar": "lakegate_pg_typeof_varchar", "lakegate_varchar_n": "lakegate_pg_typeof_varchar",
	"lakegate_varchar_text": "lakegate_pg_typeof_varchar",
	"lakegate_char_n":       "lakegate_pg_typeof_bpchar", "lakegate_bpchar_n": "lakegate_pg_typeof_bpchar",
}

// characterTypeofs renames, in out, pg_typeof(x) whose argument is one
// call of a varchar or char(n) cast's macro. octet_length of a char(n)
// counts its padding in Postgres (length and char_length do not): its
// argument is written padded, lakegate_bpchar_n.
func characterTypeofs(out []piece) []piece {
	for i := range out {
		if out[i].kind != 'w' {
			continue
		}
		fn := out[i].identName()
		if fn != "pg_typeof" && fn != "octet_length" {
			continue
		}
		a, ok := characterArgument(out, i)
		if !ok {
			continue
		}
		name, rest, _ := strings.Cut(out[a].text, "(")
		switch name = strings.ToLower(name); {
		case fn == "pg_typeof":
			out[i].text = characterTypeofNames[name]
		case name == "lakegate_char_n":
			out[a].text = "lakegate_bpchar_n(" + rest
		}
	}
	return out
}

// characterArgument returns where the one argument of the call at out[i]
// starts, where that argument is a call of a varchar or char(n) cast's
// macro and nothing else.
func characterArgument(out []piece, i int) (int, bool) {
	o := nextSig(out, i+1)
	if o >= len(out) || out[o].text != "(" {
		return 0, false
	}
	c := matchParenIn(out, o)
	a := nextSig(out, o+1)
	if c < 0 || a >= c || out[a].kind != 'w' {
		return 0, false
	}
	name, _, _ := strings.Cut(out[a].identName(), "(")
	if _, ok := characterTypeofNames[name]; !ok {
		return 0, false
	}
	end := a
	if !strings.HasSuffix(out[a].text, ")") {
		// the call's arguments are pieces of their own
		ao := nextSig(out, a+1)
		if ao >= c || out[ao].text != "(" {
			return 0, false
		}
		end = matchParenIn(out, ao)
		if t := nextSig(out, end+1); end >= 0 && strings.HasSuffix(out[a].text, "(CAST") && t < c &&
			strings.HasPrefix(out[t].text, ",") && strings.HasSuffix(out[t].text, ")") {
			end = t // CAST(x AS char(n)): the call's length and parenthesis follow the CAST's
		}
	}
	return a, end >= 0 && nextSig(out, end+1) == c
}
