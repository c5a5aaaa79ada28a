package session

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lakegate/lakegate/internal/pgtypes"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/pgsettings"
)

// COPY (query) TO STDOUT and COPY table [(columns)] TO STDOUT, in the text,
// CSV and binary formats (https://www.postgresql.org/docs/15/sql-copy.html).
// The planner parses and checks the statement and runs its query like any
// other; the server frames the rows (CopyOutResponse, CopyData, CopyDone).
// COPY ... FROM STDIN loads a native table (copyin.go). COPY to or from a
// server file or program is refused: a client cannot reach the gateway's
// files.

// CopyFormat is a COPY data format.
type CopyFormat int

// COPY formats.
const (
	CopyText CopyFormat = iota
	CopyCSV
	CopyBinary
)

// CopyOut is a checked COPY ... TO STDOUT; its format options are also
// those of a COPY FROM STDIN (CopyIn).
type CopyOut struct {
	Format    CopyFormat
	Header    bool
	Delimiter byte
	Null      string
	Quote     byte // CSV
	Escape    byte // CSV
	// ForceQuote marks the columns (CSV) whose non-NULL values are always
	// quoted.
	ForceQuote []bool
	// ForceNull and ForceNotNull (COPY FROM, CSV) mark the columns whose
	// quoted NULL string is NULL, and whose unquoted one is not.
	ForceNull, ForceNotNull []bool
	// HeaderMatch (COPY FROM): the header line must name the columns.
	HeaderMatch bool
	// Columns are the columns of the rows.
	Columns []pgtypes.Column
}

// CopyOut returns the COPY a statement is, or nil.
func (st *Stmt) CopyOut() *CopyOut {
	if st.Kind != KindCopy || st.cmd == nil {
		return nil
	}
	return st.cmd.copy
}

// copyOptions are COPY's options as written, before checking.
type copyOptions struct {
	format, delimiter, null, quote, escape, encoding *string
	header                                           *bool
	forceQuote                                       []string // "*" for all
	forceQuoteSet                                    bool
	forceNull, forceNotNull                          []string // COPY FROM; "*" for all
	forceNullSet, forceNotNullSet                    bool
	headerMatch                                      bool // COPY FROM: HEADER MATCH
	seen                                             map[string]bool
}

func copyErr(kind planner.ErrorKind, format string, args ...any) error {
	return &planner.EngineError{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func copyUnsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", planner.ErrNotSupported, fmt.Sprintf(format, args...))
}

func (o *copyOptions) once(name string) error {
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	if o.seen[name] {
		return copyErr(planner.KindSyntax, "conflicting or redundant options")
	}
	o.seen[name] = true
	return nil
}

func (s *Session) prepareCopy(ctx context.Context, st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	var opts copyOptions
	if t.accept("BINARY") {
		f := "binary"
		opts.format = &f
		_ = opts.once("format")
	}
	var query string
	var name, colList []string // COPY table [(columns)]
	if t.peekRaw() == "(" {
		open := t.Pos()
		depth := 0
		for ; !t.done(); t.Next() {
			switch t.peekRaw() {
			case "(":
				depth++
			case ")":
				depth--
			}
			if depth == 0 {
				break
			}
		}
		if t.done() {
			return syntaxErrAt("")
		}
		query = strings.TrimSpace(sql[open+1 : t.Pos()])
		t.Next()
		if t.peek() == "FROM" {
			return syntaxErrAt(t.peekRaw())
		}
	} else {
		// COPY table [(columns)]: the table's rows, read through the same
		// planner path (and policy) as SELECT.
		for {
			tok := t.peekRaw()
			if tok == "" || !(sqlparse.IsIdentByte(tok[0]) || tok[0] == '"') {
				return syntaxErrAt(tok)
			}
			name = append(name, t.next())
			if !t.accept(".") {
				break
			}
		}
		cols := "*"
		if t.accept("(") {
			var list []string
			for {
				c, err := t.ident()
				if err != nil {
					return err
				}
				list = append(list, sqlparse.QuoteIdent(c))
				colList = append(colList, c)
				if t.accept(")") {
					break
				}
				if err := t.expect(","); err != nil {
					return err
				}
			}
			cols = strings.Join(list, ", ")
		}
		query = "SELECT " + cols + " FROM " + strings.Join(name, ".")
	}
	switch {
	case t.accept("FROM"):
		if name == nil {
			return syntaxErrAt("FROM")
		}
		return s.prepareCopyIn(ctx, st, t, name, colList)
	case t.accept("TO"):
	default:
		return syntaxErrAt(t.peekRaw())
	}
	switch {
	case t.accept("STDOUT"):
	case t.accept("PROGRAM"):
		return copyErr(planner.KindPermission, "must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program")
	case strings.HasPrefix(t.peekRaw(), "'"), strings.HasPrefix(strings.ToUpper(t.peekRaw()), "E'"):
		return copyErr(planner.KindPermission, "must be superuser or have privileges of the pg_write_server_files role to COPY to a file")
	default:
		return syntaxErrAt(t.peekRaw())
	}
	if err := parseCopyOptions(t, &opts); err != nil {
		return err
	}
	if opts.forceNullSet || opts.forceNotNullSet {
		name := "force not null"
		if opts.forceNullSet {
			name = "force null"
		}
		return copyUnsupported("COPY %s only available using COPY FROM", name)
	}
	inner, err := s.Prepare(ctx, query)
	if err != nil {
		return err
	}
	if inner.Kind != KindQuery {
		return copyUnsupported("COPY of a %s statement", strings.ToUpper(sqlparse.LeadingKeywords(query, 1)[0]))
	}
	if opts.headerMatch {
		return copyUnsupported("cannot use \"match\" with HEADER in COPY TO")
	}
	out, err := checkCopyOptions(&opts, inner.Columns, false)
	if err != nil {
		return err
	}
	st.Kind, st.Tag, st.Params = KindCopy, "COPY", inner.Params
	st.cmd = &cmdStmt{inner: inner, copy: out}
	return nil
}

// parseCopyOptions reads COPY's options: the parenthesized list (WITH
// (FORMAT csv, HEADER, ...)) or the older keyword syntax (WITH CSV HEADER
// DELIMITER ',' ...), which psql's \copy passes through.
func parseCopyOptions(t *tokScan, o *copyOptions) error {
	str := func() (string, error) {
		if v, ok := t.stringLit(); ok {
			return v, nil
		}
		return "", syntaxErrAt(t.peekRaw())
	}
	set := func(name string, dst **string, v string) error {
		if err := o.once(name); err != nil {
			return err
		}
		*dst = &v
		return nil
	}
	withParen := t.accept("WITH", "(") || t.accept("(")
	if withParen {
		for {
			name := strings.ToLower(t.next())
			if name == "" {
				return syntaxErrAt("")
			}
			var arg string
			hasArg := false
			switch {
			case t.peekRaw() == "," || t.peekRaw() == ")":
			case name == "force_quote" && t.peekRaw() == "*":
				t.next()
				arg, hasArg = "*", true
			case isForceList(name) && t.peekRaw() == "(":
				t.next()
				if err := o.once(name); err != nil {
					return err
				}
				var list []string
				for {
					c, err := t.ident()
					if err != nil {
						return err
					}
					list = append(list, c)
					if t.accept(")") {
						break
					}
					if err := t.expect(","); err != nil {
						return err
					}
				}
				o.setForce(name, list)
				name = ""
			default:
				if v, ok := t.stringLit(); ok {
					arg = v
				} else {
					arg = strings.ToLower(t.next())
				}
				hasArg = true
			}
			if err := applyCopyOption(o, name, arg, hasArg); err != nil {
				return err
			}
			if t.accept(")") {
				break
			}
			if err := t.expect(","); err != nil {
				return err
			}
		}
		return t.end()
	}
	// strOpt reads the old syntax's "[AS] 'value'" of a string option.
	strOpt := func(name string, dst **string) error {
		_ = t.accept("AS")
		v, err := str()
		if err != nil {
			return err
		}
		return set(name, dst, v)
	}
	_ = t.accept("WITH")
	for !t.done() {
		var err error
		switch {
		case t.accept("BINARY"):
			err = set("format", &o.format, "binary")
		case t.accept("CSV"):
			err = set("format", &o.format, "csv")
		case t.accept("HEADER"):
			if err = o.once("header"); err == nil {
				h := true
				o.header = &h
			}
		case t.accept("DELIMITER"):
			err = strOpt("delimiter", &o.delimiter)
		case t.accept("NULL"):
			err = strOpt("null", &o.null)
		case t.accept("QUOTE"):
			err = strOpt("quote", &o.quote)
		case t.accept("ESCAPE"):
			err = strOpt("escape", &o.escape)
		case t.accept("ENCODING"):
			var v string
			if v, err = str(); err == nil {
				err = set("encoding", &o.encoding, v)
			}
		case t.accept("FORCE", "QUOTE"):
			err = forceList(t, o, "force_quote")
		case t.accept("FORCE", "NOT", "NULL"):
			err = forceList(t, o, "force_not_null")
		case t.accept("FORCE", "NULL"):
			err = forceList(t, o, "force_null")
		case t.accept("OIDS"):
			err = copyErr(planner.KindSyntax, "option \"oids\" not recognized")
		default:
			err = syntaxErrAt(t.peekRaw())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// forceList reads the columns of the keyword syntax's FORCE QUOTE, FORCE
// NOT NULL and FORCE NULL (FORCE QUOTE also takes *).
func forceList(t *tokScan, o *copyOptions, opt string) error {
	if err := o.once(opt); err != nil {
		return err
	}
	if opt == "force_quote" && t.accept("*") {
		o.setForce(opt, []string{"*"})
		return nil
	}
	var list []string
	for {
		c, err := t.ident()
		if err != nil {
			return err
		}
		list = append(list, c)
		if !t.accept(",") {
			break
		}
	}
	o.setForce(opt, list)
	return nil
}

// applyCopyOption records one option of the parenthesized list.
func applyCopyOption(o *copyOptions, name, arg string, hasArg bool) error {
	boolArg := func() (bool, error) {
		if !hasArg {
			return true, nil
		}
		b, ok := pgsettings.ParseBool(arg)
		if !ok {
			return false, copyErr(planner.KindSyntax, "%s requires a Boolean value", name)
		}
		return b, nil
	}
	strArg := func(dst **string) error {
		if err := o.once(name); err != nil {
			return err
		}
		if !hasArg {
			return copyErr(planner.KindSyntax, "%s requires a parameter", name)
		}
		*dst = &arg
		return nil
	}
	switch name {
	case "":
		return nil // force_quote (columns), recorded already
	case "format":
		return strArg(&o.format)
	case "delimiter":
		return strArg(&o.delimiter)
	case "null":
		return strArg(&o.null)
	case "quote":
		return strArg(&o.quote)
	case "escape":
		return strArg(&o.escape)
	case "encoding":
		return strArg(&o.encoding)
	case "header":
		if err := o.once(name); err != nil {
			return err
		}
		if arg == "match" {
			h := true
			o.header, o.headerMatch = &h, true
			return nil
		}
		b, err := boolArg()
		if err != nil {
			return err
		}
		o.header = &b
		return nil
	case "freeze":
		if err := o.once(name); err != nil {
			return err
		}
		_, err := boolArg()
		return err
	case "force_quote":
		if err := o.once(name); err != nil {
			return err
		}
		if arg != "*" {
			return copyErr(planner.KindSyntax, "argument to option \"force_quote\" must be a list of column names")
		}
		o.forceQuoteSet, o.forceQuote = true, []string{"*"}
		return nil
	case "force_not_null", "force_null":
		return copyErr(planner.KindSyntax, "argument to option %q must be a list of column names", name)
	}
	return copyErr(planner.KindSyntax, "option %q not recognized", name)
}

// isForceList says whether a parenthesized option takes a column list.
func isForceList(name string) bool {
	return name == "force_quote" || name == "force_null" || name == "force_not_null"
}

// setForce records a FORCE_* option's columns.
func (o *copyOptions) setForce(name string, cols []string) {
	switch name {
	case "force_quote":
		o.forceQuote, o.forceQuoteSet = cols, true
	case "force_null":
		o.forceNull, o.forceNullSet = cols, true
	case "force_not_null":
		o.forceNotNull, o.forceNotNullSet = cols, true
	}
}

// checkCopyOptions applies PostgreSQL's rules and defaults; from is COPY
// FROM, whose cols are the columns it loads.
func checkCopyOptions(o *copyOptions, cols []pgtypes.Column, from bool) (*CopyOut, error) {
	out := &CopyOut{Columns: cols}
	if o.format != nil {
		switch strings.ToLower(*o.format) {
		case "text":
		case "csv":
			out.Format = CopyCSV
		case "binary":
			out.Format = CopyBinary
		default:
			return nil, copyErr(planner.KindInvalidInput, "COPY format %q not recognized", *o.format)
		}
	}
	if o.encoding != nil {
		if enc := strings.ToUpper(strings.ReplaceAll(*o.encoding, "-", "")); enc != "UTF8" && enc != "UNICODE" {
			return nil, copyUnsupported("COPY ENCODING %s: lakegate writes UTF8 only", *o.encoding)
		}
	}
	bin := out.Format == CopyBinary
	csv := out.Format == CopyCSV
	switch {
	case bin && o.delimiter != nil:
		return nil, copyErr(planner.KindSyntax, "cannot specify DELIMITER in BINARY mode")
	case bin && o.null != nil:
		return nil, copyErr(planner.KindSyntax, "cannot specify NULL in BINARY mode")
	case bin && o.header != nil && *o.header:
		return nil, copyUnsupported("cannot specify HEADER in BINARY mode")
	}
	out.Delimiter, out.Null, out.Quote, out.Escape = '\t', `\N`, '"', '"'
	if csv {
		out.Delimiter, out.Null = ',', ""
	}
	if o.header != nil {
		out.Header, out.HeaderMatch = *o.header, o.headerMatch
	}
	if o.delimiter != nil {
		if len(*o.delimiter) != 1 {
			return nil, copyUnsupported("COPY delimiter must be a single one-byte character")
		}
		out.Delimiter = (*o.delimiter)[0]
	}
	if out.Delimiter == '\n' || out.Delimiter == '\r' {
		return nil, copyErr(planner.KindInvalidInput, "COPY delimiter cannot be newline or carriage return")
	}
	if o.null != nil {
		out.Null = *o.null
	}
	if strings.ContainsAny(out.Null, "\r\n") {
		return nil, copyErr(planner.KindInvalidInput, "COPY null representation cannot use newline or carriage return")
	}
	if !csv && !bin && strings.IndexByte(`\.abcdefghijklmnopqrstuvwxyz0123456789`, out.Delimiter) >= 0 {
		return nil, copyErr(planner.KindInvalidInput, "COPY delimiter cannot be %q", string(out.Delimiter))
	}
	if !csv {
		switch {
		case o.quote != nil:
			return nil, copyUnsupported("COPY quote available only in CSV mode")
		case o.escape != nil:
			return nil, copyUnsupported("COPY escape available only in CSV mode")
		case o.forceQuoteSet:
			return nil, copyUnsupported("COPY force quote available only in CSV mode")
		case o.forceNotNullSet:
			return nil, copyUnsupported("COPY force not null available only in CSV mode")
		case o.forceNullSet:
			return nil, copyUnsupported("COPY force null available only in CSV mode")
		}
		return out, nil
	}
	if from && o.forceQuoteSet {
		return nil, copyUnsupported("COPY force quote only available using COPY TO")
	}
	if o.quote != nil {
		if len(*o.quote) != 1 {
			return nil, copyUnsupported("COPY quote must be a single one-byte character")
		}
		out.Quote, out.Escape = (*o.quote)[0], (*o.quote)[0]
	}
	if out.Delimiter == out.Quote {
		return nil, copyErr(planner.KindInvalidInput, "COPY delimiter and quote must be different")
	}
	if o.escape != nil {
		if len(*o.escape) != 1 {
			return nil, copyUnsupported("COPY escape must be a single one-byte character")
		}
		out.Escape = (*o.escape)[0]
	}
	if strings.IndexByte(out.Null, out.Delimiter) >= 0 {
		return nil, copyUnsupported("COPY delimiter must not appear in the NULL specification")
	}
	if strings.IndexByte(out.Null, out.Quote) >= 0 {
		return nil, copyUnsupported("CSV quote character must not appear in the NULL specification")
	}
	var err error
	if out.ForceQuote, err = forceColumns(o.forceQuoteSet, o.forceQuote, cols); err != nil {
		return nil, err
	}
	if out.ForceNull, err = forceColumns(o.forceNullSet, o.forceNull, cols); err != nil {
		return nil, err
	}
	if out.ForceNotNull, err = forceColumns(o.forceNotNullSet, o.forceNotNull, cols); err != nil {
		return nil, err
	}
	return out, nil
}

// forceColumns marks the columns a FORCE_* option names (nil when the
// option is not set).
func forceColumns(set bool, names []string, cols []pgtypes.Column) ([]bool, error) {
	if !set {
		return nil, nil
	}
	marks := make([]bool, len(cols))
	for _, name := range names {
		if name == "*" {
			for i := range marks {
				marks[i] = true
			}
			continue
		}
		found := false
		for i, c := range cols {
			if c.Name == name {
				marks[i], found = true, true
			}
		}
		if !found {
			return nil, copyErr(planner.KindUndefinedColumn, "column %q does not exist", name)
		}
	}
	return marks, nil
}

// stringLit consumes a string literal, '...' or E'...' with backslash
// escapes, and returns its value.
func (t *tokScan) stringLit() (string, bool) {
	tok := t.peekRaw()
	escapes := false
	if tok != "" && (tok[0] == 'E' || tok[0] == 'e') {
		escapes = true
		tok = tok[1:]
	}
	if len(tok) < 2 || tok[0] != '\'' || tok[len(tok)-1] != '\'' {
		return "", false
	}
	t.next()
	body := tok[1 : len(tok)-1]
	if !escapes {
		return strings.ReplaceAll(body, "''", "'"), true
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\'' && i+1 < len(body) && body[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\\' && i+1 < len(body):
			i++
			switch e := body[i]; e {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'x':
				v, n := 0, 0
				for n < 2 && i+1 < len(body) && strings.IndexByte("0123456789abcdefABCDEF", body[i+1]) >= 0 {
					i++
					v = v*16 + hexVal(body[i])
					n++
				}
				b.WriteByte(byte(v))
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for n := 0; n < 2 && i+1 < len(body) && body[i+1] >= '0' && body[i+1] <= '7'; n++ {
						i++
						v = v*8 + int(body[i]-'0')
					}
					b.WriteByte(byte(v))
				} else {
					b.WriteByte(e)
				}
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

func (s *Session) execCopy(ctx context.Context, st *Stmt, args []any, sink RowSink) (Result, error) {
	if st.cmd.copyIn != nil {
		return Result{}, errors.New("session: COPY FROM STDIN runs through BeginCopyIn, with the client's data")
	}
	res, err := s.execQuery(ctx, st.cmd.inner, args, sink)
	if err != nil {
		return res, err
	}
	res.Tag = fmt.Sprintf("COPY %d", res.Rows)
	return res, nil
}
