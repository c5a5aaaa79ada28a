// Package sqlparse owns the one lexer and the one cursor of SQL text in
// lakegate: Scan (the scanning function: one token, with its kind, text
// and byte span, by Postgres' lexical rules), Lex and Tokens (all tokens,
// or the significant ones) and Cursor (peek, next, accept keywords, the
// position for errors). It splits statements (Split), names their leading
// keywords (LeadingKeywords, TokenTexts) and redacts literals from
// statements and error messages (RedactLiterals, RedactMessage, Literals)
// for logs and the audit. Every reader of SQL text tokenizes through them:
// the splitter and redactor here, session commands, COPY,
// EXPLAIN, literal rewrite and write parser, the pg catalog emulation's
// rewrite and the policy's row filter and mask expressions, so they all agree on where a string, identifier or
// comment ends. It also holds the rules around tokens: where a quoted body
// ends (SkipToken, DollarTag), identifier folding and quoting
// (UnquoteIdent, QuoteIdent), string literals (QuoteLiteral, StringValue)
// and array input syntax (ArrayLiteral); and what the tokens right around
// a $n parameter say of its type (ParamUses, and the probe texts
// AnyOperandsAsScalars and ArithmeticAsComparison the planner asks the
// engine about). Its sub-package tree owns the typed parse tree of queries
// (the engine's json_serialize_sql): parsing, walking, rewriting and
// rendering it back to SQL.
//
// What flows in: SQL text (client text included, so every function is
// total: any input returns, none panics; FuzzLex checks that the tokens
// cover the input exactly, FuzzSplit that splitting keeps the text). What flows out: tokens, byte offsets, unquoted
// names, quoted text.
//
// Must never: import anything of lakegate (archtest keeps it a leaf), know
// about tables, sessions or the engine, execute SQL, or decide what a
// statement means: it reads text, the rooms above it give the text its
// meaning.
package sqlparse
