package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lakegate/lakegate/auth"
)

// Explain describes, for `lakegate explain-access`, what pr may do with t,
// which rule decided it, the effective row filter and masks, and how each
// grant naming the table relates to the caller. One fact per line, no blank
// lines.
func Explain(p *Policy, pr auth.Principal, t Table) string {
	d := p.Decide(pr, t)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	groups := "no groups"
	if len(pr.Groups) > 0 {
		groups = "groups " + strings.Join(pr.Groups, ", ")
	}
	domain := "no domain"
	if pr.Domain != "" {
		domain = "domain " + pr.Domain
	}
	line("table:      %s", t)
	line("caller:     user %s, %s, %s", pr.Name, groups, domain)
	owner, source := p.Owner(t)
	switch {
	case owner == "":
		line("owner:      none (external to everyone)")
	default:
		line("owner:      domain %s (from %s)", owner, source)
	}
	if t.Foreign {
		line("catalog:    foreign (lakegate does not own it: external to everyone)")
	}
	access := d.Access().String()
	if !d.Visible {
		access += " (the table does not exist for this caller)"
	}
	line("access:     %s", access)
	line("read:       %s", yesNo(d.Read))
	if err := d.WriteError(pr, t); err != nil {
		line("write:      no: %s", err)
	} else {
		line("write:      yes")
	}
	line("decided by: %s", d.Rule)
	switch {
	case !d.Visible:
	case d.RowFilter == "":
		line("row filter: none (every row)")
	default:
		line("row filter: %s", d.RowFilter)
	}
	if d.Visible {
		if len(d.Masks) == 0 {
			line("masks:      none")
		}
		cols := make([]string, 0, len(d.Masks))
		for c := range d.Masks {
			cols = append(cols, c)
		}
		slices.Sort(cols)
		for _, c := range cols {
			line("mask:       %s = %s", c, d.Masks[c])
		}
	}

	var gs []*Grant
	if p != nil {
		gs = p.grants
	}
	named := false
	for _, g := range gs {
		obj, ok := firstObject(g, t)
		if !ok {
			continue
		}
		if !named {
			line("grants naming %s:", t)
			named = true
		}
		line("  #%d (line %d) %s %s %s: %s", g.Index, g.Line, subjects(g), privileges(g), obj, grantStatus(g, pr, t, d))
	}
	if !named {
		line("grants naming %s: none", t)
	}
	return b.String()
}

func grantStatus(g *Grant, pr auth.Principal, t Table, d Decision) string {
	if _, ok := g.applies(pr, t); !ok {
		return "subject does not match"
	}
	var notes []string
	if d.Native {
		if g.Read && !g.Write {
			notes = append(notes, "read not needed (native)")
		}
		if g.Write {
			notes = append(notes, "write applies")
		}
	} else {
		if g.Read {
			notes = append(notes, "read applies")
		}
		if g.Write {
			notes = append(notes, "write ignored (table is external)")
		}
	}
	return strings.Join(notes, "; ")
}

func firstObject(g *Grant, t Table) (Object, bool) {
	for _, o := range g.Objects {
		if o.matches(t) {
			return o, true
		}
	}
	return Object{}, false
}

func subjects(g *Grant) string {
	s := make([]string, len(g.Subjects))
	for i, x := range g.Subjects {
		s[i] = x.String()
	}
	return strings.Join(s, ",")
}

func privileges(g *Grant) string {
	switch {
	case g.Read && g.Write:
		return "read,write"
	case g.Write:
		return "write"
	}
	return "read"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
