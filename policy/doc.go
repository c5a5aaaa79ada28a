// Package policy makes pure decisions: may principal P see, read or write
// table T, as native or external, with which row filter and column masks,
// and which rule said so. It reads the policy file and keeps it current.
//
// # What it owns
//
//   - The policy file format (YAML, below), its strict parser (Parse, Load)
//     and the Store that holds the policy in force: Current, Reload (the
//     cmd/ SIGHUP handler calls it), Watch (polls the file's content).
//   - Ownership resolution: Policy.Owner picks the owner domain from the
//     file's owners (table entry, then namespace entry), else the Iceberg
//     property owner-domain that the catalog put in Table.Owner.
//   - Decide (one caller, one table -> Decision), Decision.WriteError (the
//     client-facing text of a refused write) and Explain (the text of
//     `lakegate explain-access`).
//   - Quoting the caller's name, groups and domain into SQL literals
//     (Expr, QuoteLiteral).
//
// # What it must never do
//
//   - Import anything of lakegate but auth (for auth.Principal), nor
//     DuckDB, iceberg-go or the wire library: planner/ asks, policy answers.
//     It does no I/O besides reading the policy file.
//   - Fail open. No file, an empty or invalid file, an unknown key or
//     privilege: NewStore refuses to start, a reload keeps the previous
//     policy. Unknown columns get every mask that might apply. A write grant
//     never reaches an external table. A foreign table is never native.
//   - Put a caller's value into SQL other than as a literal built by
//     QuoteLiteral, or accept an expression in which a literal could be
//     unquoted (placeholder inside quotes, next to a word, comments, ';',
//     '$', unbalanced parentheses).
//   - Build SQLSTATEs: it returns ErrDenied and ErrExternalWrite (server/
//     maps both to 42501). Invisible tables are reported by the planner as
//     missing (42P01), so that their existence does not leak.
//
// # Data flow
//
//	cmd:     store, err := policy.NewStore(path, log)   // invalid file: do not start
//	         go store.Watch(ctx, time.Second)           // content change -> reload
//	         SIGHUP -> if err := store.Reload(); err != nil { log.Error(...) }
//	planner: p := store.Current()                       // once per statement: one
//	                                                    // policy for all its tables
//	         d := p.Decide(principal, policy.Table{Schema, Name, Owner, Columns, Foreign})
//	         !d.Visible         -> catalog.ErrNoSuchTable (the table does not exist)
//	         reading            -> scan WHERE (d.RowFilter), columns replaced by d.Masks
//	         writing            -> d.WriteError(principal, table) (nil: allowed)
//	cmd:     lakegate explain-access -> policy.Explain(p, principal, table)
//
// # Decisions
//
// A table is native to a caller when it is not Foreign, has an owner domain
// and the caller's domain is that domain; otherwise it is external to them.
//
//   - Native: visible and readable without any grant, every row, no masks
//     (owners read their own data). Writable only with a write grant that
//     applies to the caller and the table.
//   - External: visible, read-only, if at least one read grant applies,
//     else invisible ("default deny"). Write grants are ignored.
//   - Several read grants apply: the caller sees the rows any of them
//     allows, so row filters are OR-ed ("(f1) OR (f2)") and a grant
//     without a row filter removes the filter. A column is masked only if
//     every applicable grant masks it; the expression is the first such
//     grant's, in file order.
//   - A table with no owner (no owners entry, no property) is external to
//     everyone; so is every table of a foreign catalog.
//
// Decision.Rule names what decided: `owner domain payments; write: grant
// #5 (domain:payments write payments.*)`, `grant #1 (group:analysts read *)`
// (several joined by " + "), `default deny`. Grants are numbered from 1 in
// file order.
//
// # Policy file
//
//	owners:                      # NAMESPACE or NAMESPACE.TABLE -> owner domain;
//	  payments: payments         # overrides the Iceberg property owner-domain,
//	  users: users               # a table entry overrides its namespace's
//	  users.audit: security
//	grants:
//	  - subjects: [group:analysts]      # user:NAME, group:NAME, domain:NAME, "*" (every caller)
//	    objects: ["*"]                  # "*", "NAMESPACE.*", "NAMESPACE.TABLE"
//	    privileges: [read]              # read, write (write: native tables only)
//	    row_filter: "region = {{domain}}"   # optional SQL boolean over the table's columns
//	    masks:                          # optional; COLUMN -> SQL expression replacing it
//	      email: "md5(email)"           #   in every table of objects that has it
//	      users.customers.phone: "NULL" #   NAMESPACE.TABLE.COLUMN: that table only; it
//	                                    #   must be among objects, and wins over COLUMN
//
// Only these keys are accepted; subjects, objects and privileges are
// required non-empty lists; row_filter and masks need the read privilege.
// Namespace, table and column names match case-insensitively (as DuckDB
// resolves them); user, group and domain names match exactly. A write grant
// to domain:X on objects that owners gives to another domain is rejected, as
// it could never apply. Errors name the line: `policy: line 7: grants[2].
// privileges: unknown privilege "delete" (want read, write)`.
//
// Row filters and masks may use {{user}}, {{domain}} and {{groups}}; see
// Expr for the literals they become. A filter applies to every table of its
// grant's objects, so it must name columns they all have: write one grant
// per table when filters differ.
package policy
