package write

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lakegate/lakegate/catalog"
)

// Load writes the rows next returns (batches of t's write schema, nil at
// the end) as data files of t and commits them as one append snapshot
// labeled with verb (COPY FROM STDIN): the same optimistic commit as
// INSERT, the files written by pw where it can write them
// (catalog.StageWith; nil: by the catalog's own writer). If next fails,
// nothing is committed and the staged files are removed; its error is
// returned as it is.
func (s *Writer) Load(ctx context.Context, t *catalog.Table, verb string, next func() (arrow.RecordBatch, error), pw catalog.ParquetWriter) (int64, error) {
	st, err := s.cat.StageWith(ctx, t, next, pw)
	if err != nil {
		return 0, err
	}
	// As for INSERT: once started, the commit runs to its end.
	if err := s.cat.CommitAppend(context.WithoutCancel(ctx), t.Ident, st, catalog.CommitInfo{Statement: verb, User: s.user}); err != nil {
		return 0, err
	}
	return st.Rows, nil
}
