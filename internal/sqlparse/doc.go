// Package sqlparse holds the lexical rules of Postgres SQL text that the
// rooms reading it share: where a token ends (SkipToken), identifier
// folding and quoting (UnquoteIdent, QuoteIdent), string literals
// (QuoteLiteral, StringValue) and array input syntax (ArrayLiteral). The
// planner's statement splitter and the pg catalog emulation's rewrite both
// build on it, so they agree on where a string or comment ends.
//
// What flows in: SQL text (client text included, so every function is
// total: any input returns, none panics). What flows out: byte offsets,
// unquoted names, quoted text.
//
// Must never: import anything of lakegate (archtest keeps it a leaf),
// execute SQL, or decide what a statement means: it reads text, the rooms
// above it give the text its meaning.
package sqlparse
