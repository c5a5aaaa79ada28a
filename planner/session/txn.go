package session

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/lakegate/lakegate/catalog"
	"github.com/lakegate/lakegate/planner"
	"github.com/lakegate/lakegate/policy"
)

// Transaction blocks: BEGIN / START TRANSACTION, COMMIT, ROLLBACK, their
// AND CHAIN forms, savepoints, and the settings a block undoes (SET LOCAL,
// transaction_*). At READ COMMITTED (and READ UNCOMMITTED, which Postgres
// runs as READ COMMITTED) each statement reads the snapshots current when it
// is planned; at REPEATABLE READ and SERIALIZABLE, and in a READ ONLY
// block, every table stays at the snapshot of its first read in the block
// (loadTable): Iceberg snapshots
// never change, so the block reads one consistent state of each table.
// Writes are refused inside a block (writes.go).

// parseTxnModes reads BEGIN's and SET TRANSACTION's modes: ISOLATION LEVEL
// ..., READ WRITE / READ ONLY, [NOT] DEFERRABLE, optionally comma-separated.
// The names returned are the transaction_* settings.
func parseTxnModes(t *tokScan) ([][2]string, error) {
	var out [][2]string
	for !t.done() {
		switch {
		case t.accept("ISOLATION", "LEVEL"):
			var level string
			switch {
			case t.accept("SERIALIZABLE"):
				level = "serializable"
			case t.accept("REPEATABLE", "READ"):
				level = "repeatable read"
			case t.accept("READ", "COMMITTED"):
				level = "read committed"
			case t.accept("READ", "UNCOMMITTED"):
				level = "read uncommitted"
			default:
				return nil, syntaxErrAt(t.peekRaw())
			}
			out = append(out, [2]string{"transaction_isolation", level})
		case t.accept("READ", "WRITE"):
			out = append(out, [2]string{"transaction_read_only", "off"})
		case t.accept("READ", "ONLY"):
			out = append(out, [2]string{"transaction_read_only", "on"})
		case t.accept("NOT", "DEFERRABLE"):
			out = append(out, [2]string{"transaction_deferrable", "off"})
		case t.accept("DEFERRABLE"):
			out = append(out, [2]string{"transaction_deferrable", "on"})
		default:
			return nil, syntaxErrAt(t.peekRaw())
		}
		if t.accept(",") && t.done() {
			return nil, syntaxErrAt("")
		}
	}
	return out, nil
}

func (s *Session) prepareBegin(st *Stmt, sql string) error {
	t := newTokScan(sql)
	if t.accept("START") {
		if err := t.expect("TRANSACTION"); err != nil {
			return err
		}
		st.Tag = "START TRANSACTION"
	} else {
		t.next()
		_ = t.accept("WORK") || t.accept("TRANSACTION")
		st.Tag = "BEGIN"
	}
	modes, err := parseTxnModes(t)
	if err != nil {
		return err
	}
	st.Kind, st.cmd = KindBegin, &cmdStmt{assign: modes}
	return nil
}

// parseChain reads the end of COMMIT / ROLLBACK: [WORK|TRANSACTION]
// [AND [NO] CHAIN].
func parseChain(t *tokScan) (bool, error) {
	_ = t.accept("WORK") || t.accept("TRANSACTION")
	chain := false
	if t.accept("AND") {
		no := t.accept("NO")
		if err := t.expect("CHAIN"); err != nil {
			return false, err
		}
		chain = !no
	}
	return chain, t.end()
}

func (s *Session) prepareCommit(st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	if t.accept("PREPARED") {
		return fmt.Errorf("%w: two-phase commit", planner.ErrNotSupported)
	}
	chain, err := parseChain(t)
	if err != nil {
		return err
	}
	st.Kind, st.Tag, st.cmd = KindCommit, "COMMIT", &cmdStmt{chain: chain}
	return nil
}

func (s *Session) prepareRollback(st *Stmt, sql string) error {
	t := newTokScan(sql)
	t.next()
	if t.accept("PREPARED") {
		return fmt.Errorf("%w: two-phase commit", planner.ErrNotSupported)
	}
	save := t.Index()
	_ = t.accept("WORK") || t.accept("TRANSACTION")
	if t.accept("TO") {
		_ = t.accept("SAVEPOINT")
		name, err := t.ident()
		if err != nil {
			return err
		}
		if err := t.end(); err != nil {
			return err
		}
		st.Kind, st.Tag, st.cmd = KindRollbackTo, "ROLLBACK", &cmdStmt{name: name}
		return nil
	}
	t.Seek(save)
	chain, err := parseChain(t)
	if err != nil {
		return err
	}
	st.Kind, st.Tag, st.cmd = KindRollback, "ROLLBACK", &cmdStmt{chain: chain}
	return nil
}

func (s *Session) prepareSavepoint(st *Stmt, sql string) error {
	t := newTokScan(sql)
	if t.accept("RELEASE") {
		_ = t.accept("SAVEPOINT")
		st.Kind, st.Tag = KindRelease, "RELEASE"
	} else {
		t.next()
		st.Kind, st.Tag = KindSavepoint, "SAVEPOINT"
	}
	name, err := t.ident()
	if err != nil {
		return err
	}
	st.cmd = &cmdStmt{name: name}
	return t.end()
}

func (s *Session) beginBlock(st *Stmt) error {
	s.cmd.txnSeq++
	s.cmd.txn = &txnState{seq: s.cmd.txnSeq, rollback: maps.Clone(s.settings), commit: maps.Clone(s.settings)}
	s.inTxn, s.failed = true, false
	for _, a := range st.cmd.assign {
		if err := s.applySetting(a[0], a[1]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) execBegin(st *Stmt) (Result, error) {
	if s.inTxn {
		s.warn(stateErr(StateActiveTransaction, "there is already a transaction in progress"))
		return Result{Tag: st.Tag}, nil
	}
	return Result{Tag: st.Tag}, s.beginBlock(st)
}

func (s *Session) execCommit(st *Stmt) (Result, error) {
	if !s.inTxn {
		if st.cmd.chain {
			return Result{}, stateErr(StateNoActiveTransaction, "COMMIT AND CHAIN can only be used in transaction blocks")
		}
		s.warn(stateErr(StateNoActiveTransaction, "there is no transaction in progress"))
		return Result{Tag: "COMMIT"}, nil
	}
	tag := "COMMIT"
	if s.failed {
		tag = "ROLLBACK"
	}
	return Result{Tag: tag}, s.endBlock(!s.failed, st.cmd.chain)
}

func (s *Session) execRollback(st *Stmt) (Result, error) {
	if !s.inTxn {
		if st.cmd.chain {
			return Result{}, stateErr(StateNoActiveTransaction, "ROLLBACK AND CHAIN can only be used in transaction blocks")
		}
		s.warn(stateErr(StateNoActiveTransaction, "there is no transaction in progress"))
		return Result{Tag: "ROLLBACK"}, nil
	}
	return Result{Tag: "ROLLBACK"}, s.endBlock(false, st.cmd.chain)
}

// endBlock commits or rolls back the transaction block: settings, cursors;
// with chain a new block starts with the same transaction modes.
func (s *Session) endBlock(commit, chain bool) error {
	tx := s.cmd.txn
	modes := [][2]string{
		{"transaction_isolation", s.settings["transaction_isolation"]},
		{"transaction_read_only", s.settings["transaction_read_only"]},
		{"transaction_deferrable", s.settings["transaction_deferrable"]},
	}
	s.closeCursorsAtEnd(tx.seq, commit)
	s.cmd.txn = nil
	s.inTxn, s.failed = false, false
	target := tx.rollback
	if commit {
		target = tx.commit
	}
	err := s.restoreSettings(target)
	s.syncTxnSettings()
	if chain {
		if berr := s.beginBlock(&Stmt{cmd: &cmdStmt{assign: modes}}); err == nil {
			err = berr
		}
	}
	return err
}

// restoreSettings makes the session's settings equal to m.
func (s *Session) restoreSettings(m map[string]string) error {
	var first error
	for k, v := range m {
		if s.settings[k] != v {
			if err := s.applySetting(k, v); err != nil && first == nil {
				first = err
			}
		}
	}
	for k := range s.settings {
		if _, ok := m[k]; !ok {
			delete(s.settings, k)
		}
	}
	return first
}

// syncTxnSettings makes the transaction_* settings follow their defaults
// outside a transaction block, as each statement is its own transaction.
func (s *Session) syncTxnSettings() {
	if s.inTxn {
		return
	}
	for _, n := range []string{"isolation", "read_only", "deferrable"} {
		s.settings["transaction_"+n] = s.settings["default_transaction_"+n]
	}
}

// setSetting is SET and RESET: inside a block the change is undone by
// ROLLBACK, and a local one also by COMMIT. Outside a block SET LOCAL and
// SET TRANSACTION have no effect (with a warning, as in PostgreSQL).
func (s *Session) setSetting(name, value string, local, txnOnly bool) error {
	if !s.inTxn {
		switch {
		case txnOnly:
			s.warn(stateErr(StateNoActiveTransaction, "SET TRANSACTION can only be used in transaction blocks"))
			return nil
		case local:
			s.warn(stateErr(StateNoActiveTransaction, "SET LOCAL can only be used in transaction blocks"))
			return nil
		}
	}
	if name == "transaction_isolation" && s.inTxn && s.cmd.txn.read && value != s.settings[name] {
		// The block's snapshots may already be taken (Postgres: once the
		// first query ran).
		return stateErr(StateActiveTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query")
	}
	if err := s.applySetting(name, value); err != nil {
		return err
	}
	if s.inTxn && !local {
		s.cmd.txn.commit[name] = value
	}
	s.syncTxnSettings()
	return nil
}

func (s *Session) requireBlock(what string) error {
	if !s.inTxn {
		return stateErr(StateNoActiveTransaction, "%s can only be used in transaction blocks", what)
	}
	return nil
}

func (s *Session) execSavepoint(st *Stmt) (Result, error) {
	if err := s.requireBlock("SAVEPOINT"); err != nil {
		return Result{}, err
	}
	open := map[string]bool{}
	for n := range s.cmd.cursors {
		open[n] = true
	}
	tx := s.cmd.txn
	tx.savepoints = append(tx.savepoints, savepoint{name: st.cmd.name, settings: maps.Clone(s.settings), commit: maps.Clone(tx.commit), cursors: open})
	return Result{Tag: "SAVEPOINT"}, nil
}

// findSavepoint returns the index of the newest savepoint with the name.
func (s *Session) findSavepoint(name string) (int, error) {
	sps := s.cmd.txn.savepoints
	for i := len(sps) - 1; i >= 0; i-- {
		if sps[i].name == name {
			return i, nil
		}
	}
	return 0, stateErr(StateNoSuchSavepoint, "savepoint %q does not exist", name)
}

func (s *Session) execRelease(st *Stmt) (Result, error) {
	if err := s.requireBlock("RELEASE SAVEPOINT"); err != nil {
		return Result{}, err
	}
	i, err := s.findSavepoint(st.cmd.name)
	if err != nil {
		return Result{}, err
	}
	s.cmd.txn.savepoints = s.cmd.txn.savepoints[:i]
	return Result{Tag: "RELEASE"}, nil
}

func (s *Session) execRollbackTo(st *Stmt) (Result, error) {
	if err := s.requireBlock("ROLLBACK TO SAVEPOINT"); err != nil {
		return Result{}, err
	}
	i, err := s.findSavepoint(st.cmd.name)
	if err != nil {
		return Result{}, err
	}
	tx := s.cmd.txn
	sp := tx.savepoints[i]
	tx.savepoints = tx.savepoints[:i+1]
	for name := range s.cmd.cursors {
		if !sp.cursors[name] {
			s.closeCursor(name)
		}
	}
	tx.commit = maps.Clone(sp.commit)
	s.failed = false
	return Result{Tag: "ROLLBACK"}, s.restoreSettings(sp.settings)
}

// snapshotIsolation reports whether an isolation level keeps one snapshot
// of each table for the whole block.
func snapshotIsolation(level string) bool {
	return level == "repeatable read" || level == "serializable"
}

// loadTable is the catalog's LoadTable for a statement of the session. In
// a REPEATABLE READ or SERIALIZABLE block, and in a READ ONLY block at any
// level, a table's first load is kept and every later read in the block
// gets it again: the block sees each table as it was when the block first
// read it, so a join across domains reads one state of each (a READ ONLY
// block at READ COMMITTED differs from Postgres here, on purpose: it is
// lakegate's way to read several domains at one point without as_of).
func (s *Session) loadTable(ctx context.Context, id catalog.Ident) (*catalog.Table, error) {
	tx := s.cmd.txn
	if tx == nil {
		return s.p.cat.LoadTable(ctx, id)
	}
	tx.read = true
	if !snapshotIsolation(s.settings["transaction_isolation"]) && s.settings["transaction_read_only"] != "on" {
		return s.p.cat.LoadTable(ctx, id)
	}
	if t, ok := tx.pins[id]; ok {
		return t, nil
	}
	t, err := s.p.cat.LoadTable(ctx, id)
	if err != nil {
		return nil, err
	}
	if tx.pins == nil {
		tx.pins = map[catalog.Ident]*catalog.Table{}
	}
	tx.pins[id] = t
	return t, nil
}

// prepareLock: LOCK [TABLE] [ONLY] name [*] [, ...] [IN ACCESS SHARE MODE]
// [NOWAIT]. lakegate takes no locks: a block's reads are of immutable
// snapshots, which no writer changes, so ACCESS SHARE (what pg_dump takes)
// holds without one. Each table must be one the caller may read, as
// Postgres checks; stronger modes, meant to keep writers out, are refused.
func (s *Session) prepareLock(ctx context.Context, st *Stmt, sql string) error {
	if !s.inTxn {
		return stateErr(StateNoActiveTransaction, "LOCK TABLE can only be used in transaction blocks")
	}
	t := newTokScan(sql)
	t.next()
	_ = t.accept("TABLE")
	for {
		_ = t.accept("ONLY")
		name, err := t.ident()
		if err != nil {
			return err
		}
		schema := ""
		if t.accept(".") {
			schema = name
			if name, err = t.ident(); err != nil {
				return err
			}
		}
		_ = t.accept("*")
		tbl, _, err := s.findTable(ctx, schema, name, func(d policy.Decision) bool { return d.Read })
		if err != nil {
			return err
		}
		if tbl == nil {
			if schema != "" {
				name = schema + "." + name
			}
			return &planner.UndefinedTableError{Name: name}
		}
		if !t.accept(",") {
			break
		}
	}
	if t.accept("IN") {
		if !t.accept("ACCESS", "SHARE", "MODE") {
			return fmt.Errorf("%w: LOCK TABLE IN %s MODE: lakegate takes no locks (reads are of immutable snapshots; writes commit on their own)",
				planner.ErrNotSupported, strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(t.rest()), "NOWAIT")))
		}
	}
	_ = t.accept("NOWAIT")
	st.Kind, st.Tag = KindNoop, "LOCK TABLE"
	return t.end()
}
