package server_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lakegate/lakegate/internal/demo"
	"github.com/lakegate/lakegate/internal/pgtest"
)

// The Postgres corpus (testdata/pgcorpus.sql, one statement per line,
// "-- " lines name a section) runs on PostgreSQL 15 and on lakegate, each
// statement on its own, and compares what a client sees: SQLSTATE, column
// names, type OIDs and rows in text. A case that differs must be listed in
// testdata/pgcorpus-known.txt with how it differs:
//
//	error   lakegate refuses what Postgres answers (README lists these)
//	state   both refuse, with different SQLSTATEs
//	silent  lakegate answers differently, or answers what Postgres refuses
//
// and a listed case that no longer differs fails the test too, so the list
// only shrinks. LAKEGATE_CORPUS_UPDATE=1 rewrites the list from a run.
const (
	corpusFile = "testdata/pgcorpus.sql"
	knownFile  = "testdata/pgcorpus-known.txt"
)

type corpusCase struct{ section, sql string }

func readCorpus(t *testing.T) []corpusCase {
	f, err := os.Open(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case strings.HasPrefix(line, "-- "):
			section = strings.TrimPrefix(line, "-- ")
		default:
			cases = append(cases, corpusCase{section, line})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// corpusAnswer is what a client sees of one statement.
type corpusAnswer struct {
	state string // SQLSTATE, "" on success
	cols  string // name:oid, ...
	rows  string
}

func (a corpusAnswer) String() string {
	if a.state != "" {
		return "ERROR " + a.state
	}
	return "[" + a.cols + "] " + a.rows
}

func runCorpusCase(c *pgconn.PgConn, sql string) corpusAnswer {
	results, err := c.Exec(context.Background(), sql).ReadAll()
	if err != nil {
		return corpusAnswer{state: sqlState(err)}
	}
	var a corpusAnswer
	var cols, rows []string
	for _, r := range results {
		for _, f := range r.FieldDescriptions {
			cols = append(cols, fmt.Sprintf("%s:%d", f.Name, f.DataTypeOID))
		}
		for _, row := range r.Rows {
			cells := make([]string, len(row))
			for i, v := range row {
				if v == nil {
					cells[i] = "NULL"
				} else {
					cells[i] = string(v)
				}
			}
			rows = append(rows, "("+strings.Join(cells, ",")+")")
		}
	}
	a.cols, a.rows = strings.Join(cols, ", "), strings.Join(rows, " ")
	return a
}

// differs names how lakegate's answer differs from Postgres', "" if not.
func differs(pg, lg corpusAnswer) string {
	switch {
	case pg == lg:
		return ""
	case pg.state == "" && lg.state != "":
		return "error"
	case pg.state != "" && lg.state != "":
		return "state"
	default:
		return "silent"
	}
}

func readKnown(t *testing.T) map[string]string { return readKnownFile(t, knownFile) }

// readKnownFile reads a list of KIND<TAB>STATEMENT lines.
func readKnownFile(t *testing.T, knownFile string) map[string]string {
	known := map[string]string{}
	b, err := os.ReadFile(knownFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, sql, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s: %q: want KIND<TAB>STATEMENT", knownFile, line)
		}
		known[sql] = kind
	}
	return known
}

func TestPostgresCorpus(t *testing.T) {
	t.Parallel()
	cases := readCorpus(t)
	known := readKnown(t)
	pg := pgtest.Start(t)
	g := sharedGW(t, demo.Sizes{Customers: 5, Charges: 5, Bounces: 5})
	pc, lc := openScriptConn(t, pg.DSN), openScriptConn(t, g.dsn(""))
	for _, c := range []*scriptConn{pc, lc} {
		if a := runCorpusCase(c.c, "SET TimeZone = 'UTC'"); a.state != "" {
			t.Fatalf("SET TimeZone: %s", a.state)
		}
	}
	counts := map[string]int{}
	bySection := map[string][2]int{}
	var update []string
	for _, c := range cases {
		want, got := runCorpusCase(pc.c, c.sql), runCorpusCase(lc.c, c.sql)
		kind := differs(want, got)
		counts[kind]++
		s := bySection[c.section]
		s[1]++
		if kind == "" {
			s[0]++
		}
		bySection[c.section] = s
		if kind != "" {
			update = append(update, kind+"\t"+c.sql)
		}
		switch listed := known[c.sql]; {
		case kind == listed:
		case kind == "":
			t.Errorf("%s\n  now answers as Postgres does: remove it from %s", c.sql, knownFile)
		default:
			t.Errorf("%s\n  postgres: %s\n  lakegate: %s\n  (%s difference; listed as %q)", c.sql, want, got, kind, listed)
		}
	}
	var sections []string
	for s, n := range bySection {
		sections = append(sections, fmt.Sprintf("%s %d/%d", s, n[0], n[1]))
	}
	sort.Strings(sections)
	t.Logf("%d cases: %d as Postgres (%.1f%%), %d lakegate errors, %d other SQLSTATEs, %d silent differences; by section: %s",
		len(cases), counts[""], 100*float64(counts[""])/float64(len(cases)), counts["error"], counts["state"], counts["silent"], strings.Join(sections, ", "))
	if os.Getenv("LAKEGATE_CORPUS_UPDATE") != "" {
		head := "# Cases of testdata/pgcorpus.sql that lakegate answers differently from PostgreSQL 15\n" +
			"# (KIND<TAB>STATEMENT; kinds in pgcorpus_test.go). Written by LAKEGATE_CORPUS_UPDATE=1.\n"
		if err := os.WriteFile(knownFile, []byte(head+strings.Join(update, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
