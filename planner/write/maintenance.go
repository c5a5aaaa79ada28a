package write

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
)

// Table maintenance an owner runs as a procedure call:
//
//	CALL lakegate.expire_snapshots('payments.refunds'
//	        [, older_than => interval '5 days'] [, retain_last => 1])
//	CALL lakegate.compact('payments.refunds'
//	        [, target_file_size_bytes => 134217728] [, min_input_files => 5])
//	CALL lakegate.remove_orphan_files('payments.refunds'
//	        [, older_than => interval '3 days'])
//
// Arguments go by position (table, older_than, retain_last) or by name
// (name => value, or Postgres' older name := value). The table is resolved
// like a write's target: a table the caller cannot see does not exist, and
// one they may not write is refused (42501). Each procedure is one catalog
// commit, outside any transaction block, tagged CALL.

// Procedure is a parsed CALL of one of lakegate's procedures.
type Procedure struct {
	name    string // expire_snapshots, compact, remove_orphan_files
	expiry  catalog.Expiry
	compact catalog.CompactOptions
}

// procParams are the parameters of each procedure, in positional order.
var procParams = map[string][]string{
	"expire_snapshots":    {"table", "older_than", "retain_last"},
	"compact":             {"table", "target_file_size_bytes", "min_input_files"},
	"remove_orphan_files": {"table", "older_than"},
}

// call parses CALL lakegate.proc(args): the statement's target is the
// table argument.
func (p *wparser) call(w *Stmt) error {
	w.kind = Call
	q, err := p.qualified()
	if err != nil {
		return err
	}
	params, ok := procParams[q.Table]
	if q.Schema != "lakegate" || !ok {
		return &EngineError{Kind: KindUndefinedFunction, Msg: fmt.Sprintf("procedure %s does not exist", q)}
	}
	w.proc = &Procedure{name: q.Table}
	if err := p.expect("("); err != nil {
		return err
	}
	args := map[string]string{}
	for pos := 0; !p.Accept(")"); pos++ {
		if pos > 0 {
			if err := p.expect(","); err != nil {
				return err
			}
		}
		name := ""
		if p.namedArrow() {
			name = strings.ToLower(p.PeekText())
			p.Seek(p.Index() + 3)
		} else if pos < len(params) {
			name = params[pos]
		}
		if !slices.Contains(params, name) {
			return &EngineError{Kind: KindUndefinedFunction, Msg: fmt.Sprintf("procedure %s has no parameter %q (it has %s)", q, name, strings.Join(params, ", "))}
		}
		if _, dup := args[name]; dup {
			return &EngineError{Kind: KindSyntax, Msg: fmt.Sprintf("argument %q of %s given more than once", name, q)}
		}
		v, err := p.procArg()
		if err != nil {
			return err
		}
		args[name] = v
	}
	if !p.Done() {
		return p.errHere()
	}
	tbl, ok := args["table"]
	if !ok {
		return &EngineError{Kind: KindUndefinedFunction, Msg: fmt.Sprintf("procedure %s needs the table argument", q)}
	}
	tp := &wparser{sqlparse.NewCursor(tbl)}
	if w.target, err = tp.qualified(); err != nil || !tp.Done() {
		return &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("invalid table name %q", tbl)}
	}
	if v, ok := args["older_than"]; ok {
		d, err := parseAge(v)
		if err != nil {
			return err
		}
		if q.Table == "remove_orphan_files" && d < catalog.MinOrphanAge {
			return &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("older_than must be at least %s: a younger file may belong to a write that has not committed yet", catalog.MinOrphanAge)}
		}
		w.proc.expiry.OlderThan = &d
	}
	if v, ok := args["retain_last"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("retain_last must be a positive integer, not %q", v)}
		}
		w.proc.expiry.RetainLast = &n
	}
	for name, dst := range map[string]*int64{"target_file_size_bytes": &w.proc.compact.TargetFileSize} {
		if v, ok := args[name]; ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1<<20 {
				return &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("%s must be an integer of at least 1048576 (1 MiB), not %q", name, v)}
			}
			*dst = n
		}
	}
	if v, ok := args["min_input_files"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("min_input_files must be a positive integer, not %q", v)}
		}
		w.proc.compact.MinInputFiles = n
	}
	return nil
}

// namedArrow reports whether the next tokens are name => or name := (the
// lexer reads operators a character at a time).
func (p *wparser) namedArrow() bool {
	if p.Index()+2 >= p.Len() {
		return false
	}
	a, b := p.Peek(1), p.Peek(2)
	return a.End == b.Pos && (a.Text == "=" && b.Text == ">" || a.Text == ":" && b.Text == "=")
}

// procArg reads one constant argument: a string, an integer, or
// INTERVAL 'text'.
func (p *wparser) procArg() (string, error) {
	p.Accept("INTERVAL")
	if v, ok := stringLiteral(p.PeekText()); ok {
		p.Next()
		return v, nil
	}
	if _, err := strconv.ParseInt(p.PeekText(), 10, 64); err == nil {
		v := p.PeekText()
		p.Next()
		return v, nil
	}
	if p.Done() {
		return "", syntaxErr("")
	}
	return "", &EngineError{Kind: KindInvalidInput, Msg: fmt.Sprintf("procedure arguments are constants (a string, an integer or an interval), not %q", p.PeekText())}
}

// ageUnits are the units parseAge reads, in Postgres' interval spelling.
var ageUnits = map[string]time.Duration{
	"microsecond": time.Microsecond, "us": time.Microsecond,
	"millisecond": time.Millisecond, "ms": time.Millisecond,
	"second": time.Second, "sec": time.Second, "s": time.Second,
	"minute": time.Minute, "min": time.Minute, "m": time.Minute,
	"hour": time.Hour, "h": time.Hour,
	"day": 24 * time.Hour, "d": 24 * time.Hour,
	"week": 7 * 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

// parseAge reads an age as an interval of fixed units: "5 days",
// "1 hour 30 minutes", "90s", "2h30m". Months and years are refused: their
// length is not fixed.
func parseAge(v string) (time.Duration, error) {
	bad := &EngineError{Kind: KindConversion, Msg: fmt.Sprintf("invalid input syntax for an age: %q (use units from microseconds to weeks, e.g. '5 days')", v)}
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "" {
		return 0, bad
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, bad
		}
		s = strings.TrimLeft(s[i:], " ")
		j := 0
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		unit := s[:j]
		d, ok := ageUnits[unit]
		if !ok && strings.HasSuffix(unit, "s") {
			d, ok = ageUnits[strings.TrimSuffix(unit, "s")]
		}
		if !ok {
			return 0, bad
		}
		if n*float64(d) > float64(1<<62) {
			return 0, &EngineError{Kind: KindOutOfRange, Msg: fmt.Sprintf("age out of range: %q", v)}
		}
		total += time.Duration(n * float64(d))
		s = strings.TrimLeft(s[j:], " ,")
	}
	return total, nil
}

// execCall runs a parsed procedure on its resolved target table.
func (s *Writer) execCall(ctx context.Context, w *Stmt, t *catalog.Table) error {
	switch w.proc.name {
	case "expire_snapshots":
		res, err := s.cat.ExpireSnapshots(ctx, t.Ident, w.proc.expiry)
		if err != nil {
			return err
		}
		if res.Cleanup != nil {
			s.sess.Warn(fmt.Errorf("%d snapshots of %s expired, but not every file only they referenced could be removed: %w", res.Snapshots, t.Ident, res.Cleanup))
		}
		return nil
	case "compact":
		return s.compact(ctx, w, t)
	case "remove_orphan_files":
		res, err := s.cat.RemoveOrphanFiles(ctx, t.Ident, w.proc.expiry.OlderThan)
		if err == nil && res.Files > 0 {
			s.log.Info("orphan files removed", "table", t.Ident.String(), "files", res.Files, "bytes", res.Bytes)
		}
		return err
	}
	return fmt.Errorf("%w: procedure lakegate.%s", ErrNotSupported, w.proc.name)
}

// compact rewrites the table's small files (catalog.PlanCompaction) with
// the engine: it reads them with their deletes applied and stages the rows
// as new files, which replace them in one commit. It holds the table's
// lock throughout, so this gateway's writes to the table wait; another
// gateway's appends are kept, and its deletes make the compaction plan
// again, up to the catalog's retry policy.
func (s *Writer) compact(ctx context.Context, w *Stmt, t *catalog.Table) error {
	unlock, err := s.cat.LockTable(ctx, t.Ident)
	if err != nil {
		return err
	}
	defer unlock()
	pol := s.cat.Retry()
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := pol.Wait(ctx, attempt); err != nil {
				return err
			}
		}
		err := s.compactOnce(ctx, w)
		if errors.Is(err, catalog.ErrConflict) && attempt+1 < pol.Attempts {
			s.log.Debug("compaction conflict, planning again", "table", t.Ident.String(), "attempt", attempt+1)
			continue
		}
		return err
	}
}

func (s *Writer) compactOnce(ctx context.Context, w *Stmt) error {
	t, dec, err := s.sess.ResolveTarget(ctx, w.target)
	if err != nil {
		return err
	}
	if dec.RowFilter != "" || len(dec.Masks) > 0 {
		return fmt.Errorf("%w: compacting %s, which the policy filters or masks for this caller", ErrNotSupported, t.Ident)
	}
	// Planning a read of the whole table pins its snapshot and lets the
	// engine read its files.
	name := sqlparse.QuoteIdent(t.Ident.Schema) + "." + sqlparse.QuoteIdent(t.Ident.Name)
	qp, err := s.sess.PlanQuery(ctx, "SELECT * FROM "+name)
	if err != nil {
		return err
	}
	pinned := qp.Tables[t.Ident.Schema+"."+t.Ident.Name]
	if pinned == nil {
		return fmt.Errorf("planner: compact: %s not among the planned tables", t.Ident)
	}
	cp, err := s.cat.PlanCompaction(ctx, pinned, w.proc.compact)
	if err != nil || cp.Files() == 0 {
		return err
	}
	scan, err := s.sess.ScanSQL(pinned, cp.Plan)
	if err != nil {
		return err
	}
	names := s.sess.ViewColumns(pinned.Schema().Fields())
	cols := make([]string, len(names))
	for i, n := range names {
		cols[i] = sqlparse.QuoteIdent(n)
	}
	counts, err := s.sess.QueryInt64s(ctx, "SELECT count(*) FROM ("+scan+") AS \"__lakegate_c\"", nil)
	if err != nil {
		return err
	}
	st, err := s.sess.Stage(ctx, pinned, "SELECT "+strings.Join(cols, ", ")+" FROM ("+scan+") AS \"__lakegate_c\"", nil, nil)
	if err != nil {
		return err
	}
	if len(counts) != 1 || st.Rows != counts[0][0] {
		st.Discard()
		return fmt.Errorf("planner: compact %s: the files to rewrite hold %v rows, %d were written", t.Ident, counts, st.Rows)
	}
	return s.cat.CommitCompaction(context.WithoutCancel(ctx), cp, st, s.commitInfo(w))
}
