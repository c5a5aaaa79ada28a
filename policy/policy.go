package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/auth"
)

var (
	// ErrDenied: the caller may not do this to the table (it is invisible to
	// them, or it is native but they hold no write grant). server/ maps it
	// to SQLSTATE 42501. An invisible table should have been reported as
	// missing (42P01) before anyone asked to write it.
	ErrDenied = errors.New("policy: permission denied")

	// ErrExternalWrite: the caller tried to write a table that is external
	// to them (owned by another domain, by no domain, or in a catalog the
	// gateway does not own). server/ maps it to SQLSTATE 42501.
	ErrExternalWrite = errors.New("policy: write to an external table")
)

// Table is what policy needs to know about a table. The catalog fills it in.
type Table struct {
	// Schema and Name are the table's namespace and name as lakegate shows
	// them to clients. They are matched case-insensitively.
	Schema, Name string
	// Owner is the Iceberg property owner-domain of the table, else of its
	// namespace; "" if neither has one. The policy file's owners override it.
	Owner string
	// Columns are the table's column names, used to choose masks. Nil means
	// unknown: every mask that could apply is returned (fail closed).
	Columns []string
	// Foreign marks a table from a catalog the gateway does not own: it is
	// external to everyone, whatever its owner.
	Foreign bool
}

// String returns "schema.name".
func (t Table) String() string { return t.Schema + "." + t.Name }

// Access is how a caller relates to a table.
type Access int

const (
	// AccessNone: the table is invisible; for this caller it does not exist.
	AccessNone Access = iota
	// AccessExternal: visible and read-only (another domain's data).
	AccessExternal
	// AccessNative: the caller's domain owns the table.
	AccessNative
)

func (a Access) String() string {
	switch a {
	case AccessNone:
		return "none"
	case AccessExternal:
		return "external"
	case AccessNative:
		return "native"
	}
	return fmt.Sprintf("Access(%d)", int(a))
}

// Decision is what one caller may do with one table.
type Decision struct {
	// Visible is false when the table does not exist for the caller: the
	// planner reports it as missing, exactly like a table that isn't there.
	Visible bool
	// Native: the caller's domain owns the table.
	Native bool
	// Owner is the table's effective owner domain ("" if none), whether or
	// not the table is visible.
	Owner string

	Read, Write bool

	// RowFilter is a SQL boolean expression over the table's columns with
	// the caller's values already substituted as quoted literals; "" means
	// every row. Several grants' filters are combined as "(f1) OR (f2)"; the
	// planner must parenthesize it when combining it with anything else.
	RowFilter string
	// Masks maps a column (spelled as in Table.Columns) to a SQL expression
	// over the raw row that replaces the column's value. Nil when nothing is
	// masked.
	Masks map[string]string

	// Rule says which rule decided, for logs and explain-access:
	// `owner domain payments; write: grant #5 (domain:payments write payments.*)`,
	// `grant #1 (group:analysts read *)`, `default deny`.
	Rule string
}

// Access returns how the caller relates to the table.
func (d Decision) Access() Access {
	switch {
	case !d.Visible:
		return AccessNone
	case d.Native:
		return AccessNative
	}
	return AccessExternal
}

// accessError carries the exact text shown to the client, and the sentinel.
type accessError struct {
	msg      string
	sentinel error
}

func (e *accessError) Error() string { return e.msg }
func (e *accessError) Unwrap() error { return e.sentinel }

// WriteError returns nil if the decision allows writing t, else an error
// whose text is meant for the client and which wraps ErrExternalWrite (the
// table is external to the caller) or ErrDenied (native without a write
// grant, or invisible). For an external table owned by a domain:
//
//	table payments.charges is owned by domain payments and is read-only for domain comms
func (d Decision) WriteError(pr auth.Principal, t Table) error {
	if d.Write {
		return nil
	}
	who := "domain " + pr.Domain
	if pr.Domain == "" {
		who = fmt.Sprintf("user %s, who has no domain", pr.Name)
	}
	switch {
	case !d.Visible:
		return &accessError{fmt.Sprintf("permission denied for table %s", t), ErrDenied}
	case d.Native:
		return &accessError{fmt.Sprintf("table %s is owned by domain %s, but user %s has no write grant on it", t, d.Owner, pr.Name), ErrDenied}
	case t.Foreign:
		return &accessError{fmt.Sprintf("table %s is in a catalog lakegate does not own and is read-only for %s", t, who), ErrExternalWrite}
	case d.Owner == "":
		return &accessError{fmt.Sprintf("table %s has no owner domain and is read-only for %s", t, who), ErrExternalWrite}
	}
	return &accessError{fmt.Sprintf("table %s is owned by domain %s and is read-only for %s", t, d.Owner, who), ErrExternalWrite}
}

// Policy is a parsed policy file. It is immutable; a nil *Policy is the
// empty policy (owners read their own tables, everything else is denied).
type Policy struct {
	owners  map[string]ownerEntry // lower-cased "ns" or "ns.table"
	grants  []*Grant
	version string // sha256 of the source, hex
}

type ownerEntry struct {
	domain string
	line   int
}

// Version is the SHA-256 of the file the policy was parsed from (hex), for
// logs.
func (p *Policy) Version() string {
	if p == nil {
		return ""
	}
	return p.version
}

// Grants returns the number of grants, for logs.
func (p *Policy) Grants() int {
	if p == nil {
		return 0
	}
	return len(p.grants)
}

// Owner returns t's effective owner domain and where it came from: a
// policy-file entry for the table, then for its namespace, then the
// Iceberg property (t.Owner).
func (p *Policy) Owner(t Table) (domain, source string) {
	if p != nil {
		if e, ok := p.owners[lower(t.Schema)+"."+lower(t.Name)]; ok {
			return e.domain, fmt.Sprintf("policy owners: %s.%s, line %d", t.Schema, t.Name, e.line)
		}
		if e, ok := p.owners[lower(t.Schema)]; ok {
			return e.domain, fmt.Sprintf("policy owners: %s, line %d", t.Schema, e.line)
		}
	}
	if t.Owner != "" {
		return t.Owner, "Iceberg property owner-domain"
	}
	return "", "none"
}

// Grant is one entry of the policy file's grants list.
type Grant struct {
	Index     int // 1-based position in the file
	Line      int
	Subjects  []Subject
	Objects   []Object
	Read      bool
	Write     bool
	RowFilter *Expr // nil: all rows
	Masks     []Mask
}

// Subject is who a grant is for. Kind is "*" (every caller), "user",
// "group" or "domain".
type Subject struct{ Kind, Name string }

func (s Subject) String() string {
	if s.Kind == "*" {
		return "*"
	}
	return s.Kind + ":" + s.Name
}

func (s Subject) matches(pr auth.Principal) bool {
	switch s.Kind {
	case "*":
		return true
	case "user":
		return pr.Name == s.Name
	case "group":
		return pr.InGroup(s.Name)
	case "domain":
		return pr.Domain != "" && pr.Domain == s.Name
	}
	return false
}

// Object is what a grant covers: every table (Schema "*"), every table of a
// namespace (Name "*"), or one table. Stored lower-cased.
type Object struct{ Schema, Name string }

func (o Object) String() string {
	if o.Schema == "*" {
		return "*"
	}
	return o.Schema + "." + o.Name
}

func (o Object) matches(t Table) bool {
	if o.Schema == "*" {
		return true
	}
	if o.Schema != lower(t.Schema) {
		return false
	}
	return o.Name == "*" || o.Name == lower(t.Name)
}

// Mask replaces Column with Expr. Schema and Table are "" for a mask that
// applies to the column in every table the grant covers.
type Mask struct {
	Schema, Table, Column string // lower-cased
	Expr                  *Expr
}

func (m Mask) String() string {
	if m.Table == "" {
		return m.Column
	}
	return m.Schema + "." + m.Table + "." + m.Column
}

// mask returns g's mask for column col of t: a table-qualified mask wins
// over a bare column mask.
func (g *Grant) mask(t Table, col string) *Expr {
	var bare *Expr
	for _, m := range g.Masks {
		if m.Column != lower(col) {
			continue
		}
		if m.Table == "" {
			bare = m.Expr
		} else if m.Schema == lower(t.Schema) && m.Table == lower(t.Name) {
			return m.Expr
		}
	}
	return bare
}

// match is a grant that applies to a caller and a table, with the subject
// and object that made it apply.
type match struct {
	g   *Grant
	sub Subject
	obj Object
}

func (m match) describe(priv string) string {
	return fmt.Sprintf("grant #%d (%s %s %s)", m.g.Index, m.sub, priv, m.obj)
}

// applies returns the first subject and object through which g applies.
func (g *Grant) applies(pr auth.Principal, t Table) (match, bool) {
	m := match{g: g}
	found := false
	for _, s := range g.Subjects {
		if s.matches(pr) {
			m.sub, found = s, true
			break
		}
	}
	if !found {
		return m, false
	}
	for _, o := range g.Objects {
		if o.matches(t) {
			m.obj = o
			return m, true
		}
	}
	return m, false
}

// Decide says what pr may do with t.
//
//   - t is native to pr when t is not Foreign, has an owner domain and pr's
//     domain is that owner. Native callers read without a grant, see every
//     row unmasked, and write only with a write grant.
//   - Otherwise t is external to pr: visible (read-only) if at least one
//     read grant applies, else invisible (default deny). Write grants never
//     apply to external tables.
//   - Several applicable read grants: rows allowed by any of them (filters
//     OR-ed; a grant without a filter means every row), and a column is
//     masked only if every one of them masks it, with the expression of the
//     first of them in file order.
func (p *Policy) Decide(pr auth.Principal, t Table) Decision {
	owner, _ := p.Owner(t)
	d := Decision{Owner: owner}
	var grants []*Grant
	if p != nil {
		grants = p.grants
	}
	if !t.Foreign && owner != "" && pr.Domain == owner {
		d.Visible, d.Native, d.Read = true, true, true
		d.Rule = "owner domain " + owner
		for _, g := range grants {
			if !g.Write {
				continue
			}
			if m, ok := g.applies(pr, t); ok {
				d.Write = true
				d.Rule += "; write: " + m.describe("write")
				return d
			}
		}
		d.Rule += "; no write grant"
		return d
	}

	var ms []match
	for _, g := range grants {
		if !g.Read {
			continue
		}
		if m, ok := g.applies(pr, t); ok {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		d.Rule = "default deny"
		return d
	}
	d.Visible, d.Read = true, true
	d.RowFilter = rowFilter(pr, ms)
	d.Masks = masks(pr, t, ms)
	rules := make([]string, len(ms))
	for i, m := range ms {
		rules[i] = m.describe("read")
	}
	d.Rule = strings.Join(rules, " + ")
	return d
}

func rowFilter(pr auth.Principal, ms []match) string {
	var fs []string
	seen := map[string]bool{}
	for _, m := range ms {
		if m.g.RowFilter == nil {
			return "" // this grant alone shows every row
		}
		f := m.g.RowFilter.Render(pr)
		if !seen[f] {
			seen[f] = true
			fs = append(fs, f)
		}
	}
	if len(fs) == 1 {
		return fs[0]
	}
	return "(" + strings.Join(fs, ") OR (") + ")"
}

func masks(pr auth.Principal, t Table, ms []match) map[string]string {
	cols := t.Columns
	if cols == nil {
		// Columns unknown: every column the first grant masks for t is a
		// candidate (a column masked by all grants is masked by the first).
		for _, m := range ms[0].g.Masks {
			if m.Table == "" || (m.Schema == lower(t.Schema) && m.Table == lower(t.Name)) {
				cols = append(cols, m.Column)
			}
		}
	}
	var out map[string]string
	for _, c := range cols {
		var e *Expr
		for i, m := range ms {
			x := m.g.mask(t, c)
			if x == nil {
				e = nil
				break
			}
			if i == 0 {
				e = x
			}
		}
		if e != nil {
			if out == nil {
				out = map[string]string{}
			}
			out[c] = e.Render(pr)
		}
	}
	return out
}

func lower(s string) string { return strings.ToLower(s) }
