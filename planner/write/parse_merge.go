package write

import (
	"fmt"
	"strings"
)

// MERGE INTO target [[AS] alias] USING source [[AS] alias] ON condition
// WHEN [NOT] MATCHED [AND condition] THEN action ... (PostgreSQL 15,
// https://www.postgresql.org/docs/15/sql-merge.html). As elsewhere in the
// write parser, conditions and expressions stay text.

// mergeAction is what a WHEN clause does.
type mergeAction int

const (
	mergeUpdate mergeAction = iota + 1
	mergeDelete
	mergeNothing
	mergeInsert
)

// mergeClause is one WHEN clause.
type mergeClause struct {
	matched bool
	cond    string // "" for none
	action  mergeAction
	sets    []SetClause // UPDATE SET
	columns []string    // INSERT's column list, nil for all
	values  []string    // INSERT VALUES; nil for DEFAULT VALUES
}

// mergeSpec is the MERGE-specific part of a Stmt.
type mergeSpec struct {
	source      string // a table name or a parenthesized query, as written
	sourceQuery bool   // source is a query
	sourceAlias string // "" when none was written
	aliasCols   string // the alias's column list, "(a, b)", as written
	on          string
	clauses     []mergeClause
	// an INSERT ... ON CONFLICT (upsert.go): its errors name it; keys,
	// for DO UPDATE, are the key columns no two inserted rows may share
	upsert bool
	keys   []string
}

func (p *wparser) merge(w *Stmt) error {
	w.kind = Merge
	m := &mergeSpec{}
	w.merge = m
	if err := p.expect("INTO"); err != nil {
		return err
	}
	p.Accept("ONLY")
	var err error
	if w.target, err = p.qualified(); err != nil {
		return err
	}
	if err := p.alias(w, "USING"); err != nil {
		return err
	}
	if err := p.expect("USING"); err != nil {
		return err
	}
	start := p.Index()
	if p.PeekUpper(0) == "(" {
		if err := p.skipParens(); err != nil {
			return err
		}
		m.sourceQuery = true
	} else {
		p.Accept("ONLY")
		if _, err := p.qualified(); err != nil {
			return err
		}
	}
	m.source = p.Src()[p.At(start).Pos:p.Peek(-1).End]
	if p.Accept("AS") || p.PeekUpper(0) != "ON" {
		if m.sourceAlias, err = p.ident(); err != nil {
			return err
		}
		if p.PeekUpper(0) == "(" {
			from := p.Index()
			if err := p.skipParens(); err != nil {
				return err
			}
			m.aliasCols = p.Src()[p.At(from).Pos:p.Peek(-1).End]
		}
	}
	if err := p.expect("ON"); err != nil {
		return err
	}
	if m.on, err = p.clause("WHEN"); err != nil {
		return err
	}
	if m.on == "" {
		return p.errHere()
	}
	for p.Accept("WHEN") {
		var c mergeClause
		switch {
		case p.Accept("MATCHED"):
			c.matched = true
		case p.Accept("NOT", "MATCHED"):
			if p.PeekUpper(0) == "BY" {
				return fmt.Errorf("%w: MERGE ... WHEN NOT MATCHED BY", ErrNotSupported)
			}
		default:
			return p.errHere()
		}
		if p.Accept("AND") {
			if c.cond, err = p.clause("THEN"); err != nil {
				return err
			}
			if c.cond == "" {
				return p.errHere()
			}
		}
		if err := p.expect("THEN"); err != nil {
			return err
		}
		switch {
		case p.Accept("DO", "NOTHING"):
			c.action = mergeNothing
		case c.matched && p.Accept("DELETE"):
			c.action = mergeDelete
		case c.matched && p.Accept("UPDATE"):
			c.action = mergeUpdate
			if c.sets, err = p.mergeSets("WHEN"); err != nil {
				return err
			}
		case !c.matched && p.Accept("INSERT"):
			c.action = mergeInsert
			if err := p.mergeInsert(&c); err != nil {
				return err
			}
		default:
			return p.errHere()
		}
		m.clauses = append(m.clauses, c)
	}
	if len(m.clauses) == 0 {
		return p.errHere()
	}
	return p.tail("MERGE")
}

// mergeSets reads UPDATE's "SET col = expr [, ...]", up to stop (MERGE's
// next WHEN, ON CONFLICT's WHERE) or RETURNING.
func (p *wparser) mergeSets(stop string) ([]SetClause, error) {
	if err := p.expect("SET"); err != nil {
		return nil, err
	}
	var sets []SetClause
	for {
		if p.PeekUpper(0) == "(" {
			return nil, fmt.Errorf("%w: UPDATE SET (col, ...) = ...; assign each column on its own", ErrNotSupported)
		}
		col, err := p.ident()
		if err != nil {
			return nil, err
		}
		if p.PeekUpper(0) == "." || p.PeekUpper(0) == "[" {
			return nil, fmt.Errorf("%w: UPDATE of a field or element of column %s", ErrNotSupported, col)
		}
		if err := p.expect("="); err != nil {
			return nil, err
		}
		expr, err := p.clause(",", stop, "RETURNING")
		if err != nil {
			return nil, err
		}
		if expr == "" {
			return nil, p.errHere()
		}
		if strings.EqualFold(expr, "DEFAULT") {
			expr = "NULL"
		}
		sets = append(sets, SetClause{column: col, expr: expr})
		if !p.Accept(",") {
			return sets, nil
		}
	}
}

// mergeInsert reads "[(cols)] {VALUES (exprs) | DEFAULT VALUES}".
func (p *wparser) mergeInsert(c *mergeClause) error {
	if p.Accept("(") {
		cols, err := p.columnList()
		if err != nil {
			return err
		}
		c.columns = cols
	}
	if p.PeekUpper(0) == "OVERRIDING" {
		return fmt.Errorf("%w: INSERT ... OVERRIDING", ErrNotSupported)
	}
	if p.Accept("DEFAULT", "VALUES") {
		return nil
	}
	if err := p.expect("VALUES"); err != nil {
		return err
	}
	if err := p.expect("("); err != nil {
		return err
	}
	c.values = []string{}
	for {
		e, err := p.clause(",", ")")
		if err != nil {
			return err
		}
		if e == "" {
			return p.errHere()
		}
		if strings.EqualFold(e, "DEFAULT") {
			e = "NULL"
		}
		c.values = append(c.values, e)
		if p.Accept(")") {
			return nil
		}
		if err := p.expect(","); err != nil {
			return err
		}
	}
}
