"""psycopg 3's COPY FROM STDIN (text rows, binary rows, an error) against
the DSN in argv[1]; prints what a comparison with PostgreSQL needs."""
import datetime
import decimal
import sys
import uuid

import psycopg

conn = psycopg.connect(sys.argv[1], autocommit=True)
conn.execute("set timezone = 'UTC'")
cur = conn.cursor()
utc = datetime.timezone.utc
cols = "id, name, amount, ratio, n, ok, day, at, ts, u, raw"
with cur.copy(f"COPY payments.loads ({cols}) FROM STDIN") as cp:
    cp.write_row((200, "psycopg \t tab\nnewline \\ back", decimal.Decimal("3.14"), 0.5, 3, True,
                  datetime.date(2026, 1, 2), datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=utc),
                  datetime.datetime(2026, 1, 2, 3, 4, 5), uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a99"),
                  b"\x00\x01\\"))
    cp.write_row((201, None, None, None, None, None, None, None, None, None, None))
print("text rows", cur.rowcount)
with cur.copy("COPY payments.loads (id, name, amount, at) FROM STDIN (FORMAT BINARY)") as cp:
    cp.set_types(["int8", "text", "numeric", "timestamptz"])
    cp.write_row((202, "binary", decimal.Decimal("-7.25"), datetime.datetime(1999, 12, 31, 23, 59, tzinfo=utc)))
print("binary rows", cur.rowcount)
try:
    with cur.copy("COPY payments.loads (id, n) FROM STDIN") as cp:
        cp.write_row((203, "not a number"))
except psycopg.Error as e:
    print("error", e.sqlstate)
cur.execute("select count(*) from payments.loads where id >= 200")
print("rows", cur.fetchone()[0])
