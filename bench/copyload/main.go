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
package main

import (
	"bufio"
	"context"
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
	flag.Parse()
	var err error
	if *csvOut != "" {
		err = writeCSV(*csvOut, *rows)
	} else {
		err = load(*dsn, *tbl, *rows)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "copyload:", err)
		os.Exit(1)
	}
}

func load(dsn, tbl string, rows int64) error {
	schema, name, ok := strings.Cut(tbl, ".")
	if dsn == "" || !ok {
		return fmt.Errorf("need -dsn and -table schema.name")
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
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
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
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
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
