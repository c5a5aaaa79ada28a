package write

import "github.com/lakegate/lakegate/internal/sqlparse"

// The token rules of SQL text are internal/sqlparse's.

func skipToken(s string, i int) int { return sqlparse.SkipToken(s, i) }
func isIdentByte(c byte) bool       { return sqlparse.IsIdentByte(c) }
func unquoteIdent(t string) string  { return sqlparse.UnquoteIdent(t) }
func quoteIdent(s string) string    { return sqlparse.QuoteIdent(s) }
