package session

import (
	"context"
	"fmt"
	"maps"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/internal/sqlparse"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/planner/write"
)

// Session commands: transaction blocks and savepoints, DISCARD, DEALLOCATE,
// SQL-level PREPARE/EXECUTE, cursors (cursor.go) and COPY (copy.go). None
// of them reaches the engine as text; they change the session's state.
//
// Transactions. lakegate commits every data-changing statement on its own
// (write.go refuses them inside a block), so a transaction block is about
// what clients observe: the status byte of ReadyForQuery (I, T, E), the
// aborted state after an error (every statement but COMMIT, ROLLBACK and
// ROLLBACK TO SAVEPOINT fails with 25P02), settings changed in the block
// (rolled back with it; SET LOCAL ends with it), and cursors (closed at the
// end of the block unless WITH HOLD). At READ COMMITTED each statement
// reads the newest snapshot of its tables; at REPEATABLE READ and
// SERIALIZABLE each table keeps the snapshot of its first read (txn.go).
// https://www.postgresql.org/docs/15/sql-begin.html,
// https://www.postgresql.org/docs/15/sql-savepoint.html

// Statement kinds of session commands, numbered apart from session.go's.
const (
	KindSavepoint  StmtKind = 100 + iota
	KindRelease             // RELEASE SAVEPOINT
	KindRollbackTo          // ROLLBACK TO SAVEPOINT
	KindDiscard
	KindDeallocate
	KindPrepare   // SQL-level PREPARE name AS statement
	KindDeclare   // DECLARE name CURSOR FOR query
	KindFetch     // FETCH (rows) and MOVE (no rows)
	KindClose     // CLOSE cursor
	KindCopy      // COPY ... TO STDOUT, COPY ... FROM STDIN
	KindSetConfig // SELECT set_config(...) alone (settings.go)
)

// cmdStmt is what a session command needs at execution.
type cmdStmt struct {
	name    string      // savepoint, cursor or prepared statement
	all     bool        // DEALLOCATE ALL, CLOSE ALL, DISCARD ALL
	assign  [][2]string // SET / BEGIN: settings to assign
	local   bool        // SET LOCAL, SET TRANSACTION: ends with the block
	txnOnly bool        // SET TRANSACTION: only inside a block
	chain   bool        // COMMIT / ROLLBACK AND CHAIN
	inner   *Stmt       // the statement of DECLARE, COPY, PREPARE
	types   []string    // PREPARE: declared parameter types
	cursor  cursorSpec
	fetch   fetchSpec
	copy    *CopyOut
	copyIn  *CopyIn
}

// cmdState is the session's state for session commands.
type cmdState struct {
	reset    map[string]string // values RESET restores: defaults and startup parameters
	txn      *txnState         // nil outside a transaction block
	cursors  map[string]*cursor
	prepared map[string]*Stmt // PREPARE name AS ...
	notices  []Notice
	proto    ProtocolStatements
	txnSeq   int64   // counts transaction blocks, to tell cursors' creators apart
	active   *cursor // cursor being read, for Cancel (guarded by engMu)
}

type txnState struct {
	seq int64
	// read: a statement of the block read a table; pins: at REPEATABLE
	// READ and SERIALIZABLE, each table as its first read found it.
	read       bool
	pins       map[catalog.Ident]*catalog.Table
	rollback   map[string]string // settings before BEGIN
	commit     map[string]string // settings COMMIT keeps (SET LOCAL excluded)
	savepoints []savepoint
}

type savepoint struct {
	name             string
	settings, commit map[string]string
	cursors          map[string]bool // cursors open when it was set
}

// Notice is a message for the client that does not fail the statement
// (NoticeResponse). Err carries the text and, through its type, the SQLSTATE.
type Notice struct {
	Severity string // WARNING, NOTICE
	Err      error
}

// TakeNotices returns the notices raised since the last call.
func (s *Session) TakeNotices() []Notice {
	n := s.cmd.notices
	s.cmd.notices = nil
	return n
}

func (s *Session) warn(err error) {
	s.cmd.notices = append(s.cmd.notices, Notice{Severity: "WARNING", Err: err})
}

// ProtocolStatements is the wire layer's cache of prepared statements
// (Parse messages). PostgreSQL keeps them in one namespace with SQL-level
// PREPARE, so DEALLOCATE and DISCARD ALL reach them too.
type ProtocolStatements interface {
	// Deallocate drops a named statement and reports whether it existed.
	Deallocate(name string) bool
	// DeallocateAll drops every named statement.
	DeallocateAll()
	// ClosePortals closes every portal (DISCARD ALL).
	ClosePortals()
}

// SetProtocolStatements connects the session to the wire layer's cache.
func (s *Session) SetProtocolStatements(p ProtocolStatements) { s.cmd.proto = p }

// StateErrorCode says which rule of the session's state a command broke.
type StateErrorCode int

// State error codes; the server maps each to its SQLSTATE.
const (
	StateNoActiveTransaction StateErrorCode = iota // 25P01
	StateActiveTransaction                         // 25001
	StateReadOnlyTransaction                       // 25006
	StateNoSuchCursor                              // 34000
	StateDuplicateCursor                           // 42P03
	StateCursorForwardOnly                         // 55000
	StateNoSuchSavepoint                           // 3B001
	StateNoSuchPrepared                            // 26000
	StateDuplicatePrepared                         // 42P05
	StateLimitExceeded                             // 53400: a per-session bound (prepared statements, portals)
)

// StateError is an error of the transaction, cursor or prepared-statement
// state of a session.
type StateError struct {
	Code StateErrorCode
	Msg  string
}

func (e *StateError) Error() string { return e.Msg }

func stateErr(code StateErrorCode, format string, args ...any) error {
	return &StateError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

func syntaxErrAt(tok string) error {
	if tok == "" {
		return &planner.EngineError{Kind: planner.KindSyntax, Msg: "syntax error at end of input"}
	}
	return &planner.EngineError{Kind: planner.KindSyntax, Msg: fmt.Sprintf("syntax error at or near %q", tok)}
}

// tokScan walks a statement's tokens: sqlparse's cursor, with the
// planner's syntax errors.
type tokScan struct{ *sqlparse.Cursor }

func newTokScan(sql string) *tokScan { return &tokScan{sqlparse.NewCursor(sql)} }

// rest returns the text from the next token on.
func (t *tokScan) rest() string { return t.Rest() }

func (t *tokScan) done() bool { return t.Done() }

// peek returns the next token upper-cased, "" at the end.
func (t *tokScan) peek() string { return t.PeekUpper(0) }

func (t *tokScan) next() string { return t.Next().Text }

// accept consumes the keywords if they come next, in order.
func (t *tokScan) accept(words ...string) bool { return t.Accept(words...) }

// expect consumes the keywords or reports a syntax error.
func (t *tokScan) expect(words ...string) error {
	if !t.Expect(words...) {
		return syntaxErrAt(t.Near())
	}
	return nil
}

func (t *tokScan) peekRaw() string { return t.PeekText() }

// end reports a syntax error unless every token was consumed.
func (t *tokScan) end() error {
	if !t.done() {
		return syntaxErrAt(t.peekRaw())
	}
	return nil
}

// ident consumes a name: folded to lower case unless quoted.
func (t *tokScan) ident() (string, error) {
	tok := t.Peek(0)
	if tok.Kind != sqlparse.Word && !(tok.Kind == sqlparse.QuotedIdent && len(tok.Text) >= 2) {
		return "", syntaxErrAt(tok.Text)
	}
	t.Next()
	return sqlparse.UnquoteIdent(tok.Text), nil
}

// exitStatement reports statements an aborted transaction block accepts.
func exitStatement(kw string) bool {
	switch kw {
	case "COMMIT", "END", "ROLLBACK", "ABORT":
		return true
	}
	return false
}

// prepareCommand classifies and prepares session commands. It reports
// false for statements it does not handle. It also refuses everything but
// the end of the block in an aborted transaction, before any planning.
func (s *Session) prepareCommand(ctx context.Context, st *Stmt, sql string, kw []string) (bool, *Stmt, error) {
	if s.cmd.reset == nil {
		// The first statement: what the session started with is what RESET
		// returns to.
		s.cmd.reset = maps.Clone(s.settings)
	}
	if s.failed && !exitStatement(kw[0]) {
		return true, nil, ErrInFailedTransaction
	}
	if write.Verbs[kw[0]] {
		if s.settings["transaction_read_only"] == "on" {
			what := kw[0]
			if len(kw) > 1 && (what == "CREATE" || what == "DROP" || what == "ALTER") {
				what += " " + kw[1]
			}
			return true, nil, stateErr(StateReadOnlyTransaction, "cannot execute %s in a read-only transaction", what)
		}
		if s.settings["lakegate.as_of"] != "" {
			return true, nil, stateErr(StateReadOnlyTransaction, "cannot execute %s while lakegate.as_of is set", kw[0])
		}
	}
	var err error
	switch kw[0] {
	case "RESET":
		err = s.prepareReset(st, sql)
	case "BEGIN", "START":
		err = s.prepareBegin(st, sql)
	case "COMMIT", "END":
		err = s.prepareCommit(st, sql)
	case "ROLLBACK", "ABORT":
		err = s.prepareRollback(st, sql)
	case "SAVEPOINT", "RELEASE":
		err = s.prepareSavepoint(st, sql)
	case "DISCARD":
		err = s.prepareDiscard(st, sql)
	case "DEALLOCATE":
		err = s.prepareDeallocate(st, sql)
	case "PREPARE":
		err = s.prepareSQLPrepare(ctx, st, sql)
	case "EXECUTE":
		err = s.prepareSQLExecute(ctx, st, sql)
	case "DECLARE":
		err = s.prepareDeclare(ctx, st, sql)
	case "FETCH", "MOVE":
		err = s.prepareFetch(st, sql)
	case "CLOSE":
		err = s.prepareClose(st, sql)
	case "COPY":
		err = s.prepareCopy(ctx, st, sql)
	default:
		return false, nil, nil
	}
	if err != nil {
		return true, nil, err
	}
	return true, st, nil
}

// execCommand runs session commands; it reports false for other
// statements, after checking the rules of the transaction state that hold
// for every statement.
func (s *Session) execCommand(ctx context.Context, st *Stmt, args []any, sink RowSink) (bool, Result, error) {
	if st.Kind == KindEmpty {
		return false, Result{}, nil
	}
	if s.failed && st.Kind != KindCommit && st.Kind != KindRollback && st.Kind != KindRollbackTo {
		return true, Result{}, ErrInFailedTransaction
	}
	if st.Kind == KindWrite && s.settings["transaction_read_only"] == "on" {
		return true, Result{}, stateErr(StateReadOnlyTransaction, "cannot execute %s in a read-only transaction", st.write.Verb())
	}
	if st.Kind == KindWrite && s.settings["lakegate.as_of"] != "" {
		return true, Result{}, stateErr(StateReadOnlyTransaction, "cannot execute %s while lakegate.as_of is set", st.write.Verb())
	}
	var (
		res Result
		err error
	)
	switch st.Kind {
	case KindBegin:
		res, err = s.execBegin(st)
	case KindCommit:
		res, err = s.execCommit(st)
	case KindRollback:
		res, err = s.execRollback(st)
	case KindSavepoint:
		res, err = s.execSavepoint(st)
	case KindRelease:
		res, err = s.execRelease(st)
	case KindRollbackTo:
		res, err = s.execRollbackTo(st)
	case KindDiscard:
		res, err = s.execDiscard(st)
	case KindDeallocate:
		res, err = s.execDeallocate(st)
	case KindPrepare:
		res, err = s.execSQLPrepare(st)
	case KindDeclare:
		res, err = s.execDeclare(ctx, st, args)
	case KindFetch:
		res, err = s.execFetch(ctx, st, sink)
	case KindClose:
		res, err = s.execClose(st)
	case KindCopy:
		res, err = s.execCopy(ctx, st, args, sink)
	case KindSetConfig:
		res, err = s.execSetConfig(st, sink)
	default:
		return false, Result{}, nil
	}
	return true, res, err
}

func (s *Session) prepareDiscard(st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	var what string
	switch {
	case t.accept("ALL"):
		what = "ALL"
	case t.accept("PLANS"):
		what = "PLANS"
	case t.accept("SEQUENCES"):
		what = "SEQUENCES"
	case t.accept("TEMP"), t.accept("TEMPORARY"):
		what = "TEMP"
	default:
		return syntaxErrAt(t.peekRaw())
	}
	if err := t.end(); err != nil {
		return err
	}
	st.Kind, st.Tag, st.cmd = KindDiscard, "DISCARD "+what, &cmdStmt{all: what == "ALL"}
	return nil
}

// execDiscard: DISCARD ALL returns the session to its state at connection
// (settings, cursors, prepared statements); the others have nothing to
// discard (lakegate keeps no plans across statements, no sequences or
// temporary tables).
func (s *Session) execDiscard(st *Stmt) (Result, error) {
	if !st.cmd.all {
		return Result{Tag: st.Tag}, nil
	}
	if s.inTxn {
		return Result{}, stateErr(StateActiveTransaction, "DISCARD ALL cannot run inside a transaction block")
	}
	for name := range s.cmd.cursors {
		s.closeCursor(name)
	}
	clear(s.cmd.prepared)
	if s.cmd.proto != nil {
		s.cmd.proto.DeallocateAll()
		s.cmd.proto.ClosePortals()
	}
	err := s.restoreSettings(s.cmd.reset)
	s.syncTxnSettings()
	return Result{Tag: st.Tag}, err
}

func (s *Session) prepareDeallocate(st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	_ = t.accept("PREPARE")
	c := &cmdStmt{}
	if t.accept("ALL") {
		c.all = true
	} else {
		name, err := t.ident()
		if err != nil {
			return err
		}
		c.name = name
	}
	if err := t.end(); err != nil {
		return err
	}
	st.Kind, st.cmd = KindDeallocate, c
	st.Tag = "DEALLOCATE"
	if c.all {
		st.Tag = "DEALLOCATE ALL"
	}
	return nil
}

func (s *Session) execDeallocate(st *Stmt) (Result, error) {
	if st.cmd.all {
		clear(s.cmd.prepared)
		if s.cmd.proto != nil {
			s.cmd.proto.DeallocateAll()
		}
		return Result{Tag: st.Tag}, nil
	}
	_, found := s.cmd.prepared[st.cmd.name]
	delete(s.cmd.prepared, st.cmd.name)
	if s.cmd.proto != nil && s.cmd.proto.Deallocate(st.cmd.name) {
		found = true
	}
	if !found {
		return Result{}, stateErr(StateNoSuchPrepared, "prepared statement %q does not exist", st.cmd.name)
	}
	return Result{Tag: st.Tag}, nil
}
