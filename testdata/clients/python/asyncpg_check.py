"""Drives asyncpg (Debian's python3-asyncpg) the way services do, and prints
one line per observation for the Go test to compare with the same script
run against PostgreSQL 15 over the same rows (payments.samples, see
server/drivers_test.go, and payments.charges' ids):

    array ...     array results of every common element type, NULL
                  elements included; asyncpg reads them in binary after
                  introspecting their types in pg_type
    param ...     parameters in the select list, = any($1) with arrays,
                  numeric parameters, and the types asyncpg was told
    prepared ...  a prepared statement's parameter and column types
    catalog ...   reg* casts and the type lookups of set_type_codec
    cursor ...    server-side cursors: iteration in a transaction, and
                  fetch / fetchrow on a cursor object (protocol-level
                  portals read in portions)
    copy ...      copy_from_query into a buffer (asyncpg inlines the
                  arguments by casting them to text on the server)
    error ...     a failed statement and the connection afterwards

Usage: asyncpg_check.py LIBPQ_DSN (host=... port=... user=... password=...
dbname=..., as the Go test's runner passes it)
"""

import asyncio
import decimal
import io
import json
import sys

import asyncpg


def out(*parts):
    print(" ".join(str(p) for p in parts))


def types(ts):
    return ",".join("%s.%s:%d:%s" % (t.schema, t.name, t.oid, t.kind) for t in ts)


def attributes(stmt):
    return ",".join("%s=%s:%d" % (a.name, a.type.name, a.type.oid) for a in stmt.get_attributes())


def row(r):
    return "(" + ", ".join("%s=%r" % (k, v) for k, v in r.items()) + ")"


async def arrays(conn):
    for label, query in [
        ("int", "select array_agg(n order by id) as a from payments.samples"),
        ("bigint", "select array_agg(id order by id) as a from payments.samples"),
        ("text", "select array_agg(label order by id) as a from payments.samples"),
        ("numeric", "select array_agg(amount order by id) as a from payments.samples"),
        ("timestamp", "select array_agg(ts order by id) as a from payments.samples"),
        ("bool", "select array_agg(flag order by id) as a from payments.samples"),
        ("literal int", "select array[1, null, 3] as a"),
        ("literal text", "select array['x', null, 'z'] as a"),
        ("literal bool", "select array[true, null] as a"),
        ("empty", "select array_agg(id) filter (where false) as a, '{}'::int[] as b from payments.samples"),
        ("per row", "select id, array[n, n + 1] as a from payments.samples order by id"),
    ]:
        stmt = await conn.prepare(query)
        out("array", label, attributes(stmt), *[row(r) for r in await stmt.fetch()])


async def params(conn):
    # a parameter alone in the select list is text in PostgreSQL
    stmt = await conn.prepare("select $1 as a, 1 as b")
    out("param", "select list", types(stmt.get_parameters()), attributes(stmt), row(await stmt.fetchrow("x")))
    stmt = await conn.prepare("select $1::int + 1 as a, $2::text as b, $3::bigint as c, $4::boolean as d")
    out("param", "casts", types(stmt.get_parameters()), attributes(stmt), row(await stmt.fetchrow(41, "y", 2**40, True)))
    stmt = await conn.prepare("select id, label from payments.samples where id = any($1) order by id")
    out("param", "any bigint", types(stmt.get_parameters()), *[row(r) for r in await stmt.fetch([1, 3, 5, 99])])
    stmt = await conn.prepare("select id from payments.samples where n = any($1) order by id")
    out("param", "any int", types(stmt.get_parameters()), *[r["id"] for r in await stmt.fetch([10, -7, 0])])
    stmt = await conn.prepare("select id from payments.samples where label = any($1) order by id")
    out("param", "any text", types(stmt.get_parameters()), *[r["id"] for r in await stmt.fetch(["alpha", "", "zeta"])])
    out("param", "any empty", await conn.fetchval("select count(*) from payments.samples where id = any($1)", []))
    out("param", "array result", await conn.fetchval("select $1::int[] as a", [3, None, 4]))
    out("param", "text array result", await conn.fetchval("select $1::text[] as a", ["p", None, "q r"]))
    # numeric parameters are exact
    stmt = await conn.prepare("select id from payments.samples where amount = $1")
    out("param", "numeric filter", types(stmt.get_parameters()), *[r["id"] for r in await stmt.fetch(decimal.Decimal("1234567890.12"))])
    stmt = await conn.prepare("select $1::numeric(20,6) as v")
    out("param", "numeric typmod", attributes(stmt), await stmt.fetchval(decimal.Decimal("12345.6789")))
    # a numeric parameter keeps its own scale (amount is numeric(12,2))
    stmt = await conn.prepare("select amount * $1 as p, amount + $2 as s, amount = $3 as e from payments.samples where id = 1")
    out("param", "numeric scale", types(stmt.get_parameters()), attributes(stmt),
        *await stmt.fetchrow(decimal.Decimal("1.5"), decimal.Decimal("0.001"), decimal.Decimal("10.250")))
    stmt = await conn.prepare("select $1::numeric as v, round($2, 2) as r, sum(amount) / $3 as q from payments.samples")
    for d in ("0.000000000000000001", "12345678901234567890.12", "7"):
        out("param", "numeric own scale", *await stmt.fetchrow(decimal.Decimal(d), decimal.Decimal("2.3"), decimal.Decimal(d)))


async def prepared(conn):
    stmt = await conn.prepare("select id, n, amount, label, ts, flag from payments.samples where id > $1 and label <> $2")
    out("prepared", "parameters", types(stmt.get_parameters()))
    out("prepared", "attributes", attributes(stmt))
    out("prepared", "rows", *[row(r) for r in await stmt.fetch(1, "beta")])
    out("prepared", "again", *[r["id"] for r in await stmt.fetch(3, "x")])


async def catalog(conn):
    for query in [
        "select 'numeric'::regtype::oid as o",
        "select 'pg_class'::regclass::oid as o",
        "select 1700::regtype::text as t",
        "select 'integer'::regtype::oid as o, 'pg_catalog.int8'::regtype::oid as p",
        "select typname, typarray, typelem, typtype from pg_type where oid = 'numeric'::regtype",
        "select 'numeric'::regtype as t, 'pg_class'::regclass as c",
        "select 'timestamp with time zone'::regtype::oid as o, 'character varying'::regtype::text as v",
        "select 'pg_namespace'::regclass::oid as o, 'pg_catalog.pg_type'::regclass::text as t",
        "select count(*) as n from pg_attribute where attrelid = 'pg_type'::regclass and attnum > 0",
    ]:
        stmt = await conn.prepare(query)
        out("catalog", attributes(stmt), row(await stmt.fetchrow()))
    # set_type_codec looks the type up by name in pg_type and pg_namespace
    stmt = await conn.prepare("select oid::regtype as t, typelem::regtype as e, typname from pg_type "
                              "where oid in (1231, 23, 1184) order by oid")
    out("catalog", attributes(stmt), *[row(r) for r in await stmt.fetch()])
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    out("catalog", "json codec", await conn.fetchval("""select '{"a": [1, 2]}'::json as j"""))


async def cursors(conn):
    async with conn.transaction():
        n, total = 0, 0
        async for r in conn.cursor("select id from payments.charges order by id", prefetch=100):
            n, total = n + 1, total + r["id"]
        out("cursor", "iterate", n, total)
        async for r in conn.cursor("select id, label from payments.samples where id >= $1 order by id", 2, prefetch=2):
            out("cursor", "iterate params", row(r))
    async with conn.transaction():
        cur = await conn.cursor("select id from payments.charges where id > $1 and id <= 1000 order by id", 990)
        out("cursor", "fetch", *[r["id"] for r in await cur.fetch(3)])
        out("cursor", "fetchrow", (await cur.fetchrow())["id"])
        out("cursor", "rest", *[r["id"] for r in await cur.fetch(100)])
        out("cursor", "after end", await cur.fetchrow())


async def copies(conn):
    for fmt, args in [("text", (3,)), ("csv", (3,))]:
        buf = io.BytesIO()
        status = await conn.copy_from_query(
            "select id, n, amount, label, ts, flag from payments.samples where id <= $1 order by id",
            *args, output=buf, format=fmt)
        out("copy", fmt, status, repr(buf.getvalue()))
    buf = io.BytesIO()
    status = await conn.copy_from_query(
        "select id, label from payments.samples where id > $1 and label <> $2 order by id", 1, "beta",
        output=buf, format="csv", header=True)
    out("copy", "header", status, repr(buf.getvalue()))
    buf = io.BytesIO()
    status = await conn.copy_from_query("select id, amount from payments.samples order by id", output=buf)
    out("copy", "no args", status, repr(buf.getvalue()))


async def errors(conn):
    try:
        await conn.fetch("select no_such_column from payments.samples")
    except asyncpg.PostgresError as e:
        out("error", e.sqlstate, type(e).__name__)
    out("error", "after", await conn.fetchval("select 1"))


async def main():
    dsn = dict(kv.split("=", 1) for kv in sys.argv[1].split())
    conn = await asyncpg.connect(host=dsn["host"], port=int(dsn["port"]), user=dsn["user"], password=dsn["password"],
                                 database=dsn["dbname"], ssl=False)
    try:
        for step in (arrays, params, prepared, catalog, cursors, copies, errors):
            await step(conn)
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
