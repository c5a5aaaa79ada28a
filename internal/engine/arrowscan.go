package engine

/*
#include <stdlib.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/cdata"
	duck "github.com/duckdb/duckdb-go-bindings"
)

// scanArrow makes view, a temporary view on the connection, read the
// batches of rdr through DuckDB's Arrow scan (DuckDB reads the batches'
// buffers; no value passes through SQL text). The view can be read once.
// release ends the export; call it after the last statement reading view.
func (c *Conn) scanArrow(view string, rdr array.RecordReader) (release func(), err error) {
	stream := (*cdata.CArrowArrayStream)(C.calloc(1, C.size_t(unsafe.Sizeof(cdata.CArrowArrayStream{}))))
	cdata.ExportRecordReader(rdr, stream)
	release = func() {
		cdata.ReleaseCArrowArrayStream(stream)
		C.free(unsafe.Pointer(stream))
	}
	if duck.ArrowScan(c.conn, view, duck.ArrowStream{Ptr: unsafe.Pointer(stream)}) != duck.StateSuccess {
		release()
		return nil, errors.New("arrow scan")
	}
	return release, nil
}

// InsertArrow appends the rows of batches, all of schema sc, to table (an
// engine name, quoted where it needs to be), column by column in order:
// the engine reads the batches' buffers, where an INSERT ... VALUES of the
// same rows would parse and bind an expression per value. The batches stay
// the caller's, unchanged; several connections may insert the same batches
// at once.
func (c *Conn) InsertArrow(table string, sc *arrow.Schema, batches []arrow.RecordBatch) error {
	rdr, err := array.NewRecordReader(sc, batches)
	if err != nil {
		return fmt.Errorf("engine: insert %s: %w", table, err)
	}
	defer rdr.Release()
	const view = "__lakegate_insert"
	release, err := c.scanArrow(view, rdr)
	if err != nil {
		return fmt.Errorf("engine: insert %s: %w", table, err)
	}
	defer release()
	err = c.Exec("INSERT INTO " + table + ` SELECT * FROM "` + view + `"`)
	// The view reads a stream that ends with release: it goes first.
	if derr := c.Exec(`DROP VIEW "` + view + `"`); err == nil && derr != nil {
		err = derr
	}
	return err
}
