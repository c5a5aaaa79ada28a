"""Drives psycopg2 and SQLAlchemy (Debian's python3-psycopg2 and
python3-sqlalchemy) the way notebooks and services do, and prints one line
per observation for the Go test to check:

    server ...        connection facts psycopg2 reads
    param ...         a query with bound parameters, Python types of the values
    iter ...          a client-side cursor iterated
    named ...         a server-side cursor (DECLARE/FETCH) in portions of 1000
    error ...         a failed statement and the session afterwards
    sa ...            SQLAlchemy engine connect (dialect initialisation)
    inspect ...       SQLAlchemy Inspector results
    core ...          a SQLAlchemy Core select on a reflected table

Usage: driver_check.py LIBPQ_DSN SQLALCHEMY_URL
"""

import sys

import psycopg2
import psycopg2.errors
import sqlalchemy as sa


def out(*parts):
    print(" ".join(str(p) for p in parts))


def main():
    dsn, url = sys.argv[1], sys.argv[2]

    conn = psycopg2.connect(dsn)
    out("server", "version", conn.server_version // 10000, "encoding", conn.encoding,
        "datestyle", conn.get_parameter_status("DateStyle"))

    cur = conn.cursor()
    cur.execute(
        "select id, amount, currency, created_at, customer_id from payments.charges"
        " where id between %s and %s and currency <> %s and amount > %s order by id",
        (10, 12, "XXX", 0),
    )
    rows = cur.fetchall()
    out("param", "rows", len(rows), "first", rows[0][0])
    out("param", "types", *[type(v).__name__ for v in rows[0]])
    out("param", "amount", "exponent", rows[0][1].as_tuple().exponent,
        "tz", rows[0][3].utcoffset() is not None)
    out("param", "description", *["%s:%d" % (d.name, d.type_code) for d in cur.description])
    cur.execute("select name from users.customers where name = %s or id = %s", ("it's nobody", 7))
    out("param", "quoted", cur.fetchone()[0].endswith(" 7"))

    cur.execute("select id, email from users.customers order by id")
    n = 0
    for row in cur:
        n += 1
    out("iter", "rows", n, "rowcount", cur.rowcount)
    conn.commit()

    # psycopg2's named cursor: DECLARE "big" CURSOR WITHOUT HOLD FOR ...,
    # then FETCH FORWARD itersize FROM "big" until it runs dry
    named = conn.cursor(name="big")
    named.itersize = 1000
    named.execute("select c.id, ch.id from users.customers c cross join payments.charges ch")
    n, total = 0, 0
    for a, b in named:
        n += 1
        total += a * 1000 + b
    named.close()
    conn.commit()
    out("named", "rows", n, "sum", total)

    # a hold cursor survives the commit that follows it
    held = conn.cursor(name="held", withhold=True)
    held.execute("select id from payments.charges order by id")
    first = held.fetchmany(5)
    conn.commit()
    rest = held.fetchall()
    held.close()
    out("named", "withhold", len(first) + len(rest), first[0][0], rest[-1][0])

    try:
        cur.execute("select * from users.nope")
    except psycopg2.errors.UndefinedTable as e:
        out("error", e.pgcode, type(e).__name__)
    conn.rollback()
    cur.execute("select 1 + %s", (1,))
    out("error", "after", cur.fetchone()[0])
    conn.close()

    engine = sa.create_engine(url)
    with engine.connect() as c:
        out("sa", "server_version_info", engine.dialect.server_version_info[0])
        out("sa", "count", c.execute(sa.text("select count(*) from payments.charges")).scalar())
        out("sa", "default_schema", engine.dialect.default_schema_name)

    insp = sa.inspect(engine)
    schemas = sorted(s for s in insp.get_schema_names() if s != "information_schema")
    out("inspect", "schemas", *schemas)
    for s in schemas:
        out("inspect", "tables", s, *sorted(insp.get_table_names(schema=s)))
        out("inspect", "views", s, *sorted(insp.get_view_names(schema=s)))
    for s, t in (("payments", "charges"), ("users", "customers")):
        for col in insp.get_columns(t, schema=s):
            out("inspect", "column", "%s.%s.%s" % (s, t, col["name"]), repr(col["type"]),
                "nullable=%s" % col["nullable"], "default=%s" % col["default"],
                "comment=%s" % col.get("comment"))
        out("inspect", "pk", s, t, insp.get_pk_constraint(t, schema=s)["constrained_columns"])
        out("inspect", "fks", s, t, len(insp.get_foreign_keys(t, schema=s)))
        out("inspect", "indexes", s, t, len(insp.get_indexes(t, schema=s)))
        out("inspect", "unique", s, t, len(insp.get_unique_constraints(t, schema=s)))
        out("inspect", "checks", s, t, len(insp.get_check_constraints(t, schema=s)))
        out("inspect", "comment", s, t, insp.get_table_comment(t, schema=s)["text"])
        out("inspect", "has_table", s, t, insp.has_table(t, schema=s))
    out("inspect", "has_table", "comms", "bounces", insp.has_table("bounces", schema="comms"))

    md = sa.MetaData()
    charges = sa.Table("charges", md, schema="payments", autoload_with=engine)
    with engine.connect() as c:
        q = sa.select(charges.c.id, charges.c.amount).where(charges.c.id < 4).order_by(charges.c.id)
        out("core", "rows", *["%d:%s" % (r.id, type(r.amount).__name__) for r in c.execute(q)])
        q = sa.select(sa.func.count()).select_from(charges).where(charges.c.currency.in_(["USD", "EUR"]))
        out("core", "in", c.execute(q).scalar() > 0)


if __name__ == "__main__":
    main()
