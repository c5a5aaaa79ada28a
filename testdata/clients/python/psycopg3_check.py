"""Drives psycopg 3 (Debian's python3-psycopg) the way services do, and
prints one line per observation for the Go test to compare with the same
script run against PostgreSQL 15:

    param ...         bound parameters, in the select list and in filters
    named ...         server-side cursors: DECLARE, Describe of the cursor's
                      portal, FETCH in portions, CLOSE; Decimal parameters
    error ...         a failed statement and the session afterwards

Usage: psycopg3_check.py LIBPQ_DSN
"""

import sys

from decimal import Decimal

import psycopg


def out(*parts):
    print(" ".join(str(p) for p in parts))


def main():
    dsn = sys.argv[1]
    with psycopg.connect(dsn, autocommit=True) as conn:
        cur = conn.execute(
            "select id, amount, currency from payments.charges where id between %s and %s order by id",
            (10, 12))
        out("param", "rows", *[r[0] for r in cur.fetchall()])
        out("param", "description", *["%s:%d" % (d.name, d.type_code) for d in cur.description])
        # a parameter alone in the select list is text; declared types hold
        cur = conn.execute("select %s as a, 1 as b", ("x",))
        out("param", "select list", cur.fetchone(), *["%s:%d" % (d.name, d.type_code) for d in cur.description])
        cur = conn.execute("select %s + 1 as big, %s as small, %s as flag", (2**40, 7, True))
        out("param", "declared", cur.fetchone(), *["%s:%d" % (d.name, d.type_code) for d in cur.description])
        cur = conn.execute("select %s, %s, %s::text as t, 1", ("x", 7, "y"))
        out("param", "names", cur.fetchone(), *["%s:%d" % (d.name, d.type_code) for d in cur.description])
        cur = conn.execute("select count(*) from payments.charges where id = any(%s)", ([1, 2, 3, 5000],))
        out("param", "any int", cur.fetchone()[0])
        cur = conn.execute("select 'b' = any(%s), 'c' = any(%s)", (["a", "b"], ["a", "b"]))
        out("param", "any text", cur.fetchone())
        # Decimal parameters are declared numeric and keep their own scale
        cur = conn.execute("select a * %s, a + %s, a = %s, %s::numeric from (select 10.25::numeric(12,2) as a) t",
                           (Decimal("1.5"), Decimal("0.001"), Decimal("10.2500"), Decimal("0.000123")))
        out("param", "numeric", cur.fetchone(), *["%s:%d" % (d.name, d.type_code) for d in cur.description])

    with psycopg.connect(dsn) as conn:
        # DECLARE "big" CURSOR WITHOUT HOLD FOR ..., then a Describe of the
        # portal "big" for the description, then FETCH FORWARD n FROM "big".
        with conn.cursor(name="big") as cur:
            cur.itersize = 300
            cur.execute("select id, amount, currency from payments.charges order by id")
            out("named", "description", *["%s:%d" % (d.name, d.type_code) for d in cur.description])
            first = cur.fetchmany(5)
            out("named", "fetchmany", *[r[0] for r in first])
            out("named", "fetchone", cur.fetchone()[0])
            rest = sum(1 for _ in cur)
            out("named", "rest", rest)
        conn.commit()
        with conn.cursor(name="held", withhold=True) as cur:
            cur.execute("select id, id * 2 as twice from payments.charges where id <= %s order by id", (3,))
            conn.commit()
            out("named", "held", *[r for row in cur.fetchall() for r in row])
        # a named cursor's Decimal parameters keep their own scale too
        with conn.cursor(name="dec") as cur:
            cur.execute("select a * %s as x, %s::numeric as y, a + %s as z from (values (10.25::numeric(12,2)), (-1.50::numeric(12,2))) t(a)",
                        (Decimal("1.0005"), Decimal("0.000123"), Decimal("-12345678901234567.125")))
            out("named", "numeric", *cur.fetchall(), *["%s:%d" % (d.name, d.type_code) for d in cur.description])
        conn.commit()
        # the same name declared again with other columns
        with conn.cursor(name="big") as cur:
            cur.execute("select count(*) as n from payments.charges")
            out("named", "again", cur.description[0].name, cur.fetchone()[0])
        conn.commit()

    with psycopg.connect(dsn, autocommit=True) as conn:
        try:
            conn.execute("select no_such_column from payments.charges")
        except psycopg.Error as e:
            out("error", e.sqlstate)
        out("error", "after", conn.execute("select 1").fetchone()[0])


if __name__ == "__main__":
    main()
