package planner

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
)

// withoutMasked drops the predicates that touch a masked column: the
// caller filters on the mask's output, so the real column's statistics must
// not decide which files are read (that would both give wrong answers and
// let a caller probe the hidden values through row counts). An OR with any
// masked branch is dropped whole; an AND keeps its other terms.
func withoutMasked(occurrences [][]colPred, masks map[string]string) [][]colPred {
	if len(masks) == 0 {
		return occurrences
	}
	masked := func(col string) bool {
		for m := range masks {
			if strings.EqualFold(m, col) {
				return true
			}
		}
		return false
	}
	var keep func(p colPred) (colPred, bool)
	keep = func(p colPred) (colPred, bool) {
		switch {
		case len(p.or) > 0:
			for _, c := range p.or {
				if _, ok := keep(c); !ok {
					return colPred{}, false
				}
			}
			return p, true
		case len(p.and) > 0:
			var and []colPred
			for _, c := range p.and {
				if k, ok := keep(c); ok {
					and = append(and, k)
				}
			}
			if len(and) == 0 {
				return colPred{}, false
			}
			return colPred{and: and}, true
		}
		return p, !masked(p.column)
	}
	out := make([][]colPred, len(occurrences))
	for i, preds := range occurrences {
		for _, p := range preds {
			if k, ok := keep(p); ok {
				out[i] = append(out[i], k)
			}
		}
	}
	return out
}

// pruneFilter turns the predicates found on every occurrence of one table
// into an Iceberg row filter: AND within an occurrence, OR across
// occurrences. It returns nil (no pruning) when any occurrence is
// unrestricted. Anything it cannot translate exactly is left out, which only
// means fewer files are pruned: DuckDB still evaluates the full WHERE clause.
func pruneFilter(schema *iceberg.Schema, occurrences [][]colPred, utc bool) iceberg.BooleanExpression {
	var ors []iceberg.BooleanExpression
	for _, preds := range occurrences {
		var ands []iceberg.BooleanExpression
		for _, p := range preds {
			if e, ok := predExpr(schema, p, utc); ok {
				ands = append(ands, e)
			}
		}
		if len(ands) == 0 {
			return nil
		}
		e := ands[0]
		if len(ands) > 1 {
			e = iceberg.NewAnd(ands[0], ands[1], ands[2:]...)
		}
		ors = append(ors, e)
	}
	switch len(ors) {
	case 0:
		return nil
	case 1:
		return ors[0]
	}
	return iceberg.NewOr(ors[0], ors[1], ors[2:]...)
}

func predExpr(schema *iceberg.Schema, p colPred, utc bool) (iceberg.BooleanExpression, bool) {
	if len(p.or) > 0 || len(p.and) > 0 {
		list := p.or
		if len(p.and) > 0 {
			list = p.and
		}
		var es []iceberg.BooleanExpression
		for _, c := range list {
			e, ok := predExpr(schema, c, utc)
			if !ok {
				if len(p.and) > 0 {
					continue // dropping an AND term only widens the filter
				}
				return nil, false
			}
			es = append(es, e)
		}
		switch {
		case len(es) == 0:
			return nil, false
		case len(es) == 1:
			return es[0], true
		case len(p.and) > 0:
			return iceberg.NewAnd(es[0], es[1], es[2:]...), true
		default:
			return iceberg.NewOr(es[0], es[1], es[2:]...), true
		}
	}
	field, ok := uniqueField(schema, p.column)
	if !ok || strings.Contains(p.column, ".") {
		return nil, false
	}
	lits := make([]iceberg.Literal, 0, len(p.lits))
	for _, l := range p.lits {
		lit, ok := icebergLiteral(l.(typedConst), field.Type, utc)
		if !ok {
			return nil, false
		}
		lits = append(lits, lit)
	}
	ref := iceberg.Reference(field.Name)
	if p.op == iceberg.OpIn {
		return iceberg.SetPredicate(iceberg.OpIn, ref, lits), true
	}
	if len(lits) != 1 {
		return nil, false
	}
	return iceberg.LiteralPredicate(p.op, ref, lits[0]), true
}

// icebergLiteral converts a SQL constant to a literal of the column's type,
// when the conversion means exactly what DuckDB's comparison means.
func icebergLiteral(c typedConst, target iceberg.Type, utc bool) (iceberg.Literal, bool) {
	var lit iceberg.Literal
	switch c.typ {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT":
		n, ok := c.val.(json.Number)
		if !ok {
			return nil, false
		}
		i, err := n.Int64()
		if err != nil {
			return nil, false
		}
		switch target.(type) {
		case iceberg.Int32Type, iceberg.Int64Type:
		default:
			return nil, false
		}
		lit = iceberg.NewLiteral(i)
	case "VARCHAR":
		s, ok := c.val.(string)
		if !ok {
			return nil, false
		}
		switch target.(type) {
		case iceberg.StringType:
		case iceberg.DateType:
		case iceberg.TimestampType:
			if len(s) == 10 {
				s += "T00:00:00"
			}
			s = strings.Replace(s, " ", "T", 1)
		case iceberg.TimestampTzType:
			ts, ok := parseInstant(s, utc)
			if !ok {
				return nil, false
			}
			s = ts
		default:
			return nil, false
		}
		lit = iceberg.NewLiteral(s)
	case "DATE":
		s, ok := c.val.(string)
		if !ok {
			return nil, false
		}
		d, err := iceberg.NewLiteral(s).To(iceberg.PrimitiveTypes.Date)
		if err != nil {
			return nil, false
		}
		switch target.(type) {
		case iceberg.DateType:
			return d, true
		case iceberg.TimestampType:
			lit = iceberg.NewLiteral(strings.Replace(s, " ", "T", 1) + "T00:00:00")
		case iceberg.TimestampTzType:
			if !utc {
				return nil, false
			}
			lit = iceberg.NewLiteral(s + "T00:00:00+00:00")
		default:
			return nil, false
		}
	case "TIMESTAMP":
		s, ok := c.val.(string)
		if !ok {
			return nil, false
		}
		switch target.(type) {
		case iceberg.TimestampType:
		case iceberg.TimestampTzType:
			if !utc {
				return nil, false
			}
			s += "+00:00"
		default:
			return nil, false
		}
		if len(s) >= 10 && !strings.Contains(s, "T") {
			s = strings.Replace(s, " ", "T", 1)
		}
		lit = iceberg.NewLiteral(s)
	case "TIMESTAMP WITH TIME ZONE":
		s, ok := c.val.(string)
		if !ok {
			return nil, false
		}
		switch target.(type) {
		case iceberg.TimestampTzType:
		default:
			return nil, false
		}
		ts, ok := parseInstant(s, utc)
		if !ok {
			return nil, false
		}
		lit = iceberg.NewLiteral(ts)
	case "BOOLEAN":
		b, ok := c.val.(bool)
		if !ok {
			return nil, false
		}
		lit = iceberg.NewLiteral(b)
	default:
		return nil, false
	}
	out, err := lit.To(target)
	if err != nil {
		return nil, false
	}
	return out, true
}

// uniqueField finds the column a name refers to. DuckDB matches names
// without regard to case; when two columns differ only by case the
// reference is ambiguous here and no pruning is attempted.
func uniqueField(schema *iceberg.Schema, name string) (iceberg.NestedField, bool) {
	var found iceberg.NestedField
	n := 0
	for _, f := range schema.Fields() {
		if strings.EqualFold(f.Name, name) {
			found = f
			n++
		}
	}
	return found, n == 1
}

// parseInstant reads a timestamptz literal as DuckDB would: with an explicit
// offset it names one instant; without one it is in the session time zone,
// which is only known here when that is UTC. It returns the instant in
// Iceberg's timestamptz text form.
func parseInstant(s string, utc bool) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07", "2006-01-02 15:04:05.999999999Z0700",
		"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format("2006-01-02T15:04:05.999999") + "+00:00", true
		}
	}
	if !utc {
		return "", false
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02T15:04:05.999999") + "+00:00", true
		}
	}
	return "", false
}
