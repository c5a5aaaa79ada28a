package server_test

import (
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/lib/pq"
)

// goDriverScript runs what Go services send through database/sql: lib/pq
// (text parameters of unspecified type, arrays through pq.Array) or pgx's
// stdlib (parameters typed from the statement's description, slices as
// arrays), and prints each result as a line, errors as their SQLSTATE.
func goDriverScript(t *testing.T, driver string) func(host, port, user, password, db string) string {
	return func(host, port, user, password, db string) string {
		t.Helper()
		dsn := fmt.Sprintf("host=%s port=%s user=%s password=%s dbname=%s sslmode=disable", host, port, user, password, db)
		conn, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		ints := any([]int64{3, 1, 999999})
		texts := any([]string{"3", "1", "x"})
		if driver == "postgres" {
			ints, texts = pq.Array(ints), pq.Array(texts)
		}
		steps := []struct {
			name string
			sql  string
			args []any
		}{
			// parameters in the select list, typed by a cast and not
			{"select list", `select $1::int + 1, $2::text || 'x', $3::bigint * 2`, []any{41, "a", int64(1) << 40}},
			{"untyped select list", `select $1 as v`, []any{"plain text"}},
			// = any($1) with arrays of int and text
			{"any int8[]", `select id from payments.charges where id = any($1) order by id`, []any{ints}},
			{"any text[]", `select count(*) from payments.charges where id::text = any($1)`, []any{texts}},
			// numeric parameters stay exact
			{"numeric exact", `select $1::numeric(38,9) * 3, $2::numeric * 2`, []any{"12345678901234567890.123456789", "12345.678"}},
			{"numeric typmod", `select $1::numeric(12,2) + 0.01`, []any{"9999999999.98"}},
			{"round param", `select round($1, 2), round($2, 1) + 1`, []any{"2.345", "12345678901234.56789"}},
			{"numeric compare", `select count(*) from payments.charges where id * 1.25 = $1`, []any{"12.50"}},
			// a numeric parameter keeps its own scale, beside a numeric(12,2)
			// column (the demo's amounts are not the same in both)
			{"numeric by column", `select a * $1, a + $2, a * $3 from (select 10.25::numeric(12,2) as a) t`, []any{"1.5", "0.001", "1.10"}},
			{"numeric equal", `select count(*) from (select 10.25::numeric(12,2) as a) t where a = $1`, []any{"10.251"}},
			{"numeric bare", `select $1::numeric * 3, round($2, 2), sum(a) / $3 from (select 10.25::numeric(12,2) as a) t`, []any{"12345678901234567890.123456789", "2.3", "7"}},
			// parameters compared with columns take the column's type
			{"typed by column", `select id from users.customers where id = $1`, []any{int64(7)}},
			{"timestamp param", `select count(*) from payments.charges where created_at < $1::timestamptz + interval '1 day'`, []any{"2100-01-01 00:00:00+00"}},
			{"null param", `select coalesce($1::text, 'was null')`, []any{nil}},
			// errors: the client sees Postgres' SQLSTATE
			{"bad int", `select $1::int`, []any{"twelve"}},
			{"division by zero", `select 1 / $1::int`, []any{0}},
			{"no table", `select * from payments.nope where id = $1`, []any{1}},
		}
		var b strings.Builder
		for _, st := range steps {
			fmt.Fprintf(&b, "%s:", st.name)
			rows, err := conn.Query(st.sql, st.args...)
			if err != nil {
				fmt.Fprintf(&b, " error %s\n", driverState(err))
				continue
			}
			cols, _ := rows.Columns()
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatalf("%s: %s: scan: %v", driver, st.name, err)
				}
				b.WriteString(" [")
				for i, v := range vals {
					if i > 0 {
						b.WriteString(" ")
					}
					if v.Valid {
						b.WriteString(v.String)
					} else {
						b.WriteString("NULL")
					}
				}
				b.WriteString("]")
			}
			if err := rows.Err(); err != nil {
				fmt.Fprintf(&b, " error %s", driverState(err))
			}
			rows.Close()
			b.WriteString("\n")
		}
		return b.String()
	}
}

// driverState is the SQLSTATE of a lib/pq or pgx error.
func driverState(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	if c := sqlState(err); c != "" {
		return c
	}
	return "not a server error: " + err.Error()
}

// TestGoDrivers runs the same script through lib/pq and pgx's stdlib against
// PostgreSQL 15 and the gateway, and compares every line.
func TestGoDrivers(t *testing.T) {
	t.Parallel()
	g := startPolicyGW(t)
	pg := startDemoPostgres(t, demoTablesDDL+"\n"+demoTablesRows)
	for _, driver := range []string{"postgres", "pgx"} {
		t.Run(driver, func(t *testing.T) {
			want, got := onBoth(goDriverScript(t, driver), pg, g.gateway)
			if got != want {
				t.Errorf("%s differs\npostgres:\n%s\nlakegate:\n%s", driver, want, got)
			}
			// A numeric parameter of more than the engine's 38 digits is
			// refused, never rounded (README).
			host, port, _ := net.SplitHostPort(g.addr)
			conn, err := sql.Open(driver, fmt.Sprintf("host=%s port=%s user=payments_svc password=pw-payments_svc dbname=lakegate sslmode=disable", host, port))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var v string
			err = conn.QueryRow(`select $1::numeric * 3`, "12345678901234567890.1234567890123456789").Scan(&v)
			if code := driverState(err); err == nil || code != "0A000" {
				t.Errorf("numeric parameter of 39 digits: %q, %v (want 0A000)", v, err)
			}
		})
	}
	// The audit log records what each client saw: the failures with their
	// SQLSTATEs, and the rows of the array lookup.
	failed := map[string]int{}
	var anyRows []int64
	for _, rec := range auditRecords(t, g.audit.String()) {
		if rec.User != "payments_svc" {
			continue
		}
		if rec.SQLState != "00000" {
			failed[rec.SQLState]++
		}
		if strings.HasPrefix(rec.Statement, "select id from payments.charges where id = any(") {
			anyRows = append(anyRows, rec.Rows)
		}
	}
	if want := map[string]int{"22P02": 2, "22012": 2, "42P01": 2, "0A000": 2}; !maps.Equal(failed, want) {
		t.Errorf("audited failures %v, want %v", failed, want)
	}
	if !slices.Equal(anyRows, []int64{2, 2}) {
		t.Errorf("audited rows of the array lookup %v, want 2 for each driver", anyRows)
	}
}
