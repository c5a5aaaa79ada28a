// Command copyload is the client of server's BenchmarkCopyFrom: it loads
// charges-shaped rows (id, customer_id, amount numeric(12,2), currency,
// status, created_at timestamptz) into a table with COPY FROM STDIN, the
// way an application does, in a process of its own, so that the client's
// CPU is not the server's: the benchmark runs it once against PostgreSQL
// and once against lakegate.
//
//	copyload -dsn URI -table payments.copy1 -rows 1000000 -format binary
//
// loads the rows through pgx's CopyFrom (binary format, numeric through
// math/big as pgx encodes it), generating them as they are sent, and
// prints "ROWS SECONDS" (the time of the COPY alone, without connecting).
//
//	copyload -rows 1000000 -csv FILE
//
// writes the same rows as CSV to FILE, for psql's \copy.
//
//	copyload -rows 1000000 -encode FILE
//
// writes the same rows as the binary COPY stream pgx's CopyFrom sends (the
// PGCOPY header, the tuples with each value encoded by pgx's type map for
// the column's type, the trailer) to FILE, and
//
//	copyload -dsn URI -table payments.copy1 -from FILE
//
// streams FILE's bytes unchanged with pgconn's CopyFrom ("copy TABLE
// (columns) from stdin (format binary)") and prints "ROWS SECONDS". The
// client then only reads a file and writes a socket, so it sends faster
// than either server takes rows, and both servers get the same bytes:
// the rate measures the server, not pgx's encoding (math/big for numeric)
// running beside it on the same cores.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

var (
	chargeBase     = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	chargeStatuses = []string{"succeeded", "failed", "refunded"}
	chargeColumns  = []string{"id", "customer_id", "amount", "currency", "status", "created_at"}
)

func main() {
	dsn := flag.String("dsn", "", "the server to load into (a postgres:// URI)")
	tbl := flag.String("table", "", "the table, schema.name")
	rows := flag.Int64("rows", 1_000_000, "how many rows")
	csvOut := flag.String("csv", "", "write the rows as CSV to this file instead of loading them")
	encodeOut := flag.String("encode", "", "write the rows as a binary COPY stream to this file instead of loading them")
	from := flag.String("from", "", "load this binary COPY stream (written by -encode) instead of generating rows")
	flag.Parse()
	var err error
	switch {
	case *csvOut != "":
		err = writeCSV(*csvOut, *rows)
	case *encodeOut != "":
		err = writeBinary(*encodeOut, *rows)
	case *from != "":
		err = loadStream(*dsn, *tbl, *from)
	default:
		err = load(*dsn, *tbl, *rows)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "copyload:", err)
		os.Exit(1)
	}
}

func load(dsn, tbl string, rows int64) error {
	schema, name, ok := strings.Cut(tbl, ".")
	if !ok {
		return fmt.Errorf("need -table schema.name")
	}
	ctx := context.Background()
	c, err := connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	start := time.Now()
	n, err := c.CopyFrom(ctx, pgx.Identifier{schema, name}, chargeColumns, &chargeRows{n: rows})
	took := time.Since(start)
	if err != nil {
		return err
	}
	if n != rows {
		return fmt.Errorf("loaded %d rows of %d", n, rows)
	}
	fmt.Println(n, took.Seconds())
	return nil
}

func connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	if dsn == "" {
		return nil, fmt.Errorf("need -dsn")
	}
	return pgx.Connect(ctx, dsn)
}

// loadStream sends the binary COPY stream in path to tbl as it is.
func loadStream(dsn, tbl, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	ctx := context.Background()
	c, err := connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	sql := fmt.Sprintf("copy %s (%s) from stdin (format binary)", tbl, strings.Join(chargeColumns, ", "))
	start := time.Now()
	tag, err := c.PgConn().CopyFrom(ctx, f, sql)
	took := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Println(tag.RowsAffected(), took.Seconds())
	return nil
}

// chargeOIDs are the types of chargeColumns' values in the table.
var chargeOIDs = [6]uint32{pgtype.Int8OID, pgtype.Int8OID, pgtype.NumericOID, pgtype.TextOID, pgtype.TextOID, pgtype.TimestamptzOID}

// writeBinary writes the rows chargeRows generates as the binary COPY
// stream pgx's CopyFrom would send for them (copy_from.go: the same
// header, row layout and pgtype.Map encoding of each value).
func writeBinary(path string, n int64) error {
	return writeFile(path, func(w *bufio.Writer) error {
		m := pgtype.NewMap()
		b := append([]byte("PGCOPY\n\377\r\n\000"), 0, 0, 0, 0, 0, 0, 0, 0)
		src := &chargeRows{n: n}
		for src.Next() {
			vals, _ := src.Values()
			b = binary.BigEndian.AppendUint16(b, uint16(len(vals)))
			for i, v := range vals {
				at := len(b)
				b = append(b, 0, 0, 0, 0)
				var err error
				if b, err = m.Encode(chargeOIDs[i], pgtype.BinaryFormatCode, v, b); err != nil {
					return fmt.Errorf("encode %s: %w", chargeColumns[i], err)
				}
				binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
			}
			if len(b) >= 64<<10 {
				if _, err := w.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
		b = binary.BigEndian.AppendUint16(b, 0xffff) // the trailer: -1
		_, err := w.Write(b)
		return err
	})
}

// writeFile creates path and writes it through a buffer with fill.
func writeFile(path string, fill func(w *bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// chargeRows generates n charges for pgx's CopyFrom.
type chargeRows struct {
	n, i int64
	vals [6]any
}

func (r *chargeRows) Next() bool { r.i++; return r.i <= r.n }
func (r *chargeRows) Err() error { return nil }
func (r *chargeRows) Values() ([]any, error) {
	i := r.i
	r.vals = [6]any{i, i % 100000, pgtype.Numeric{Int: big.NewInt(i % 1000000), Exp: -2, Valid: true},
		"USD", chargeStatuses[i%3], chargeBase.Add(time.Duration(i) * time.Second)}
	return r.vals[:], nil
}

// writeCSV writes the rows chargeRows generates as CSV.
func writeCSV(path string, n int64) error {
	return writeFile(path, func(w *bufio.Writer) error {
		var b []byte
		for i := int64(1); i <= n; i++ {
			b = strconv.AppendInt(b[:0], i, 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, i%100000, 10)
			b = append(b, ',')
			a := i % 1000000
			b = strconv.AppendInt(b, a/100, 10)
			b = append(b, '.', byte('0'+a%100/10), byte('0'+a%10), ',')
			b = append(b, "USD,"...)
			b = append(b, chargeStatuses[i%3]...)
			b = append(b, ',')
			b = chargeBase.Add(time.Duration(i)*time.Second).AppendFormat(b, "2006-01-02 15:04:05Z07")
			b = append(b, '\n')
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	})
}
