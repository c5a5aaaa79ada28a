package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgsettings"
	"github.com/lakegate/lakegate/planner/write"
)

// COPY table [(columns)] FROM STDIN [options]: the client's rows, in text,
// CSV or binary format, loaded into a native table as one append
// snapshot (planner/write's Load: the staging and optimistic commit of
// INSERT). The server frames the stream (CopyInResponse, CopyData,
// CopyDone, CopyFail) and hands it here as an io.Reader; rows are parsed
// (copyin_format.go), converted by PostgreSQL's input rules
// (pgtypes.ColumnInput) into Arrow batches of the table's write schema,
// and written batch by batch as they arrive, so memory stays bounded by
// a few batches whatever the input's size (the parse runs a batch ahead
// of the writer on a goroutine of its own, copyin_ahead.go, and ends
// before the load returns). A row that fails fails the whole
// COPY: nothing is committed and the staged files are removed, and the
// error says where, as PostgreSQL's CONTEXT does ("COPY t, line 3,
// column amount: "x""). Columns the list leaves out are NULL (Iceberg
// tables have no defaults).

// CopyIn is a checked COPY ... FROM STDIN.
type CopyIn struct {
	Format CopyFormat
	// Columns is the number of columns of each row.
	Columns int

	opts    *CopyOut // the format options; opts.Columns are the loaded columns
	target  write.Name
	columns []string // the column list, nil for all
}

// CopyIn returns the COPY FROM STDIN a statement is, or nil.
func (st *Stmt) CopyIn() *CopyIn {
	if st.Kind != KindCopy || st.cmd == nil {
		return nil
	}
	return st.cmd.copyIn
}

// CopyFailedError is the client's CopyFail: the COPY is abandoned.
type CopyFailedError struct{ Msg string }

func (e *CopyFailedError) Error() string { return "COPY from stdin failed: " + e.Msg }

// CopyError is a COPY FROM that failed at a place in the client's data:
// Err is the cause (a pgtypes.InputError, a CopyDataError, a NOT NULL
// violation), and the rest says where, as PostgreSQL's error context does.
type CopyError struct {
	Table  string // the table's name
	Line   int64  // the line (binary: the row) from 1
	Column string // the column, if the error is in one value
	// Value is the text of the value, or of the whole line when Column is
	// empty; HasValue says whether there is one (NULL input, binary data
	// and undecodable lines have none).
	Value    string
	HasValue bool
	Err      error
}

// maxContextValue is how much of a value the context shows
// (limit_printout_length).
const maxContextValue = 100

// Context is PostgreSQL's CONTEXT line of the error.
func (e *CopyError) Context() string {
	var b strings.Builder
	fmt.Fprintf(&b, "COPY %s, line %d", e.Table, e.Line)
	if e.Column != "" {
		fmt.Fprintf(&b, ", column %s", e.Column)
	}
	if e.HasValue {
		v := e.Value
		if len(v) > maxContextValue {
			cut := maxContextValue
			for cut > 0 && !utf8RuneStart(v[cut]) {
				cut--
			}
			v = v[:cut] + "..."
		}
		b.WriteString(": \"" + v + "\"")
	}
	return b.String()
}

func utf8RuneStart(c byte) bool { return c&0xC0 != 0x80 }

// Error is the cause's message followed by the context: psql-wire's error
// response has no CONTEXT field, so the place travels in the message.
func (e *CopyError) Error() string { return e.Err.Error() + " (" + e.Context() + ")" }

func (e *CopyError) Unwrap() error { return e.Err }

// prepareCopyIn checks COPY name [(columns)] FROM ...: the source must be
// STDIN, the target a table the caller may write.
func (s *Session) prepareCopyIn(ctx context.Context, st *Stmt, t *tokScan, name, colList []string) error {
	switch {
	case t.accept("STDIN"):
	case t.accept("PROGRAM"):
		return copyErr(planner.KindPermission, "must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program")
	case strings.HasPrefix(t.peekRaw(), "'"), strings.HasPrefix(strings.ToUpper(t.peekRaw()), "E'"):
		return copyErr(planner.KindPermission, "must be superuser or have privileges of the pg_read_server_files role to COPY from a file")
	default:
		return syntaxErrAt(t.peekRaw())
	}
	var opts copyOptions
	if err := parseCopyOptions(t, &opts); err != nil {
		return err
	}
	if t.accept("WHERE") {
		return copyUnsupported("COPY FROM ... WHERE")
	}
	var target write.Name
	switch len(name) {
	case 1:
		target.Table = sqlparse.UnquoteIdent(name[0])
	case 2:
		target = write.Name{Schema: sqlparse.UnquoteIdent(name[0]), Table: sqlparse.UnquoteIdent(name[1])}
	default:
		return copyUnsupported("COPY FROM into %s: cross-database references are not implemented", strings.Join(name, "."))
	}
	tbl, _, err := s.resolveWriteTarget(ctx, target)
	if err != nil {
		return err
	}
	_, cols, err := copyInColumns(tbl, colList)
	if err != nil {
		return err
	}
	f, err := checkCopyOptions(&opts, cols, true)
	if err != nil {
		return err
	}
	ci := &CopyIn{Format: f.Format, Columns: len(cols), opts: f, target: target, columns: colList}
	st.Kind, st.Tag = KindCopy, "COPY"
	st.cmd = &cmdStmt{copyIn: ci}
	return nil
}

// copyInColumns maps a COPY column list to the table's fields: order[k]
// is the field index the k-th loaded column feeds.
func copyInColumns(t *catalog.Table, list []string) (order []int, cols []pgtypes.Column, err error) {
	fields := t.Schema().Fields()
	if list == nil {
		for i, f := range fields {
			order = append(order, i)
			cols = append(cols, pgtypes.Column{Name: f.Name})
		}
		return order, cols, nil
	}
	seen := map[int]bool{}
	for _, c := range list {
		i := -1
		for j, f := range fields {
			if f.Name == c {
				i = j
			}
		}
		if i < 0 {
			return nil, nil, copyErr(planner.KindUndefinedColumn, "column %q of relation %q does not exist", c, t.Ident.Name)
		}
		if seen[i] {
			return nil, nil, copyErr(planner.KindSyntax, "column %q specified more than once", c)
		}
		seen[i] = true
		order = append(order, i)
		cols = append(cols, pgtypes.Column{Name: c})
	}
	return order, cols, nil
}

// CopyLoad is a COPY FROM STDIN whose target is resolved and checked:
// the client may start sending its data.
type CopyLoad struct {
	s      *Session
	ci     *CopyIn
	t      *catalog.Table
	access []write.TableAccess
	order  []int
}

// BeginCopyIn checks that a COPY FROM STDIN may run now (the session's
// write rules: not inside a transaction block, the caller may write the
// table, which must exist), before the client is asked for data.
func (s *Session) BeginCopyIn(ctx context.Context, st *Stmt) (*CopyLoad, error) {
	ci := st.CopyIn()
	if ci == nil {
		return nil, errors.New("session: not a COPY FROM STDIN")
	}
	if s.failed {
		return nil, ErrInFailedTransaction
	}
	s.bumpEngine()
	if s.inTxn {
		s.failed = true
		return nil, fmt.Errorf("%w: COPY FROM inside a transaction block: lakegate commits every data-changing statement on its own; run it outside BEGIN ... COMMIT",
			planner.ErrNotSupported)
	}
	t, dec, err := s.resolveWriteTarget(ctx, ci.target)
	if err != nil {
		return nil, s.withoutPaths(err)
	}
	order, _, err := copyInColumns(t, ci.columns)
	if err != nil {
		return nil, err
	}
	access := []write.TableAccess{{Table: t.Ident.String(), Native: dec.Native, Rule: dec.Rule}}
	return &CopyLoad{s: s, ci: ci, t: t, access: access, order: order}, nil
}

// Tables are the tables the COPY writes, for the audit log.
func (l *CopyLoad) Tables() []write.TableAccess { return l.access }

// copyBatchRows and copyBatchBytes bound a batch of rows held before it is
// written.
const (
	copyBatchRows  = 64 << 10
	copyBatchBytes = 16 << 20
	// copyHeldBytes bounds the freed batch buffers kept for the next
	// batches (copyAllocator): a few batches' worth.
	copyHeldBytes = 64 << 20
)

// Run reads the rows from data (the client's CopyData, io.EOF at
// CopyDone, a CopyFailedError at CopyFail) and commits them.
func (l *CopyLoad) Run(ctx context.Context, data io.Reader) (Result, error) {
	s := l.s
	if d := pgsettings.ParseTimeout(s.settings["statement_timeout"]); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, ErrStatementTimeout)
		defer cancel()
	}
	s.queries++
	n, err := l.load(ctx, data)
	if err != nil {
		if ctx.Err() != nil {
			err = s.execError(ctx, err)
		}
		return Result{Tables: l.access}, s.withoutPaths(err)
	}
	return Result{Tag: "COPY " + strconv.FormatInt(n, 10), Rows: n, Tables: l.access}, nil
}

func (l *CopyLoad) load(ctx context.Context, data io.Reader) (int64, error) {
	want, err := l.t.WriteSchema()
	if err != nil {
		return 0, err
	}
	loc := time.UTC
	if tz := l.s.settings["timezone"]; tz != "" {
		if z, err := time.LoadLocation(tz); err == nil {
			loc = z
		}
	}
	mem := newCopyAllocator(copyHeldBytes)
	inputs := make([]*pgtypes.ColumnInput, want.NumFields())
	defer func() {
		for _, in := range inputs {
			if in != nil {
				in.Release()
			}
		}
	}()
	for i := range inputs {
		f := want.Field(i)
		if inputs[i], err = pgtypes.NewColumnInput(mem, f.Type, loc); err != nil {
			return 0, fmt.Errorf("%w: COPY FROM into column %s: %w", planner.ErrNotSupported, f.Name, err)
		}
	}
	loaded := make([]bool, len(inputs)) // fed by the column list
	for _, i := range l.order {
		loaded[i] = true
	}
	rows := newCopyRows(data, l.ci.opts, len(l.order))
	name := l.t.Ident.Name
	bin := l.ci.Format == CopyBinary
	csv := l.ci.Format == CopyCSV
	fail := func(err error, col string, value []byte, hasValue bool) error {
		return &CopyError{Table: name, Line: rows.line, Column: col, Value: string(value), HasValue: hasValue, Err: err}
	}
	lineErr := func(err error) error {
		if err == errBadEncoding {
			return fail(pgtypes.InvalidUTF8(rows.badText), "", rows.lineBuf, rows.lineValid)
		}
		var bf *binaryFieldError
		if errors.As(err, &bf) {
			return fail(bf.err, want.Field(l.order[bf.col]).Name, nil, false)
		}
		var de *CopyDataError
		if errors.As(err, &de) {
			return fail(err, "", rows.lineBuf, rows.lineValid)
		}
		return err // the stream's own: CopyFail, a disconnect
	}
	// per loaded column k: its input, name and whether it takes NULL (the
	// schema's fields are structs: not copied for every value)
	type loadCol struct {
		in       *pgtypes.ColumnInput
		name     string
		nullable bool
		forceNN  bool // CSV FORCE_NOT_NULL
		forceN   bool // CSV FORCE_NULL
	}
	lcols := make([]loadCol, len(l.order))
	for k, i := range l.order {
		f := want.Field(i)
		lcols[k] = loadCol{in: inputs[i], name: f.Name, nullable: f.Nullable}
		if o := l.ci.opts; csv {
			lcols[k].forceNN = o.ForceNotNull != nil && o.ForceNotNull[k]
			lcols[k].forceN = o.ForceNull != nil && o.ForceNull[k]
		}
	}
	var unloaded []int // the fields the column list leaves out (NULL)
	for i, ok := range loaded {
		if !ok {
			unloaded = append(unloaded, i)
		}
	}
	null := []byte(l.ci.opts.Null)
	parse := func(ctx context.Context) (arrow.RecordBatch, error) {
		nrows, nbytes := 0, 0
		for _, in := range inputs {
			in.Reserve(copyBatchRows)
		}
		for nrows < copyBatchRows && nbytes < copyBatchBytes {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			ok, err := rows.next()
			if err != nil {
				return nil, lineErr(err)
			}
			if !ok {
				break
			}
			if !bin {
				switch {
				case rows.nfield > len(l.order):
					return nil, fail(copyDataErr("extra data after last expected column"), "", rows.lineBuf, true)
				case rows.nfield < len(l.order):
					return nil, fail(copyDataErr("missing data for column %q", want.Field(l.order[rows.nfield]).Name), "", rows.lineBuf, true)
				}
			}
			for k := range lcols {
				c := &lcols[k]
				v := rows.fields[k]
				if csv {
					if v == nil && c.forceNN {
						v = null
					} else if v != nil && c.forceN && string(v) == l.ci.opts.Null {
						v = nil
					}
				}
				if v == nil {
					if !c.nullable {
						return nil, fail(&catalog.NullViolationError{Table: l.t.Ident, Column: c.name}, "", rows.lineBuf, !bin)
					}
					c.in.AppendNull()
					continue
				}
				nbytes += len(v)
				var err error
				if bin {
					err = c.in.AppendBinary(v)
				} else {
					err = c.in.AppendText(v)
				}
				if err != nil {
					return nil, fail(err, c.name, v, !bin)
				}
			}
			for _, i := range unloaded {
				if !want.Field(i).Nullable {
					return nil, fail(&catalog.NullViolationError{Table: l.t.Ident, Column: want.Field(i).Name}, "", rows.lineBuf, !bin)
				}
				inputs[i].AppendNull()
			}
			nrows++
		}
		if nrows == 0 {
			return nil, nil
		}
		cols := make([]arrow.Array, len(inputs))
		for i, in := range inputs {
			cols[i] = in.NewArray()
		}
		rec := array.NewRecordBatch(want, cols, int64(nrows))
		for _, c := range cols {
			c.Release()
		}
		return rec, nil
	}
	next, stop := parseAhead(ctx, parse)
	defer stop()
	n, err := l.s.writer().Load(ctx, l.t, "COPY", next, l.s.parquetWriter())
	if err != nil {
		// The rest of the data is the client's to stop sending; what it
		// sends after the error is ignored by the protocol layer.
		return 0, err
	}
	return n, nil
}
