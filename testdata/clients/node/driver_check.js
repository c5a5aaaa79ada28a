// Drives node-postgres (npm "pg") as a service would and prints one line
// per observation for the Go test to compare with PostgreSQL's:
//
//   fields ...   column names and type OIDs of a result
//   value ...    each value's JavaScript type and rendering after pg-types
//   param ...    parameterized queries (unnamed and named statements)
//   error ...    failed statements (SQLSTATE) and the session afterwards
//
// Usage: node driver_check.js HOST PORT USER PASSWORD DATABASE
// (run with TZ=UTC so Date values print the same everywhere)
const { Client } = require('pg');

function show(v) {
  if (v === null) return 'null';
  if (v instanceof Date) return 'Date:' + v.toISOString();
  if (Buffer.isBuffer(v)) return 'Buffer:' + v.toString('hex');
  if (Array.isArray(v)) return 'Array:[' + v.map(show).join(',') + ']';
  if (typeof v === 'object') return 'object:' + JSON.stringify(v);
  return typeof v + ':' + String(v);
}

function report(label, res) {
  console.log('fields', label, res.fields.map((f) => f.name + ':' + f.dataTypeID).join(' '));
  res.rows.forEach((row, i) => {
    for (const f of res.fields) {
      console.log('value', label, i, f.name, show(row[f.name]));
    }
  });
}

async function main() {
  const [host, port, user, password, database] = process.argv.slice(2);
  const c = new Client({ host, port: Number(port), user, password, database, ssl: false });
  await c.connect();

  report('literals', await c.query(
    "select 1::int4 as i4, 2::int2 as i2, 9007199254740993::int8 as i8, 1.50::numeric(12,2) as num, " +
    "true as t, false as f, null::text as n, 1.5::float8 as f8, 0.25::float4 as f4, 'x y'::text as txt, " +
    "'2026-01-02 03:04:05.123+00'::timestamptz as tstz, '2026-01-02 03:04:05'::timestamp as ts, " +
    "'2026-01-02'::date as d, array[1, 2, null]::int4[] as ai4, array[3, 4]::int8[] as ai8, " +
    "array['a', 'b c', null]::text[] as atxt, array[true, false] as abool, array[1.5, 2]::numeric[] as anum, " +
    "'\\xdeadbeef'::bytea as by, '{\"a\": [1, 2]}'::json as js, " +
    "'6ecd8c99-4036-403d-bf84-cf8400f67836'::uuid as u"));

  report('table', await c.query(
    'select id, customer_id, amount, currency, created_at from payments.charges where id = $1', [7]));

  report('params', await c.query(
    'select $1::int8 + 1 as a, $2::text || \'!\' as b, $3::bool as c, $4::numeric(12,2) * 2 as d, ' +
    '$5::timestamptz as e, $6::int4[] as f, $7::text as g, $8::int4 as h',
    ['41', 'it\'s', true, '1.25', new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), [1, 2], null, 7]));

  // a named statement, parsed once and executed twice
  for (const id of [3, 4]) {
    const r = await c.query({ name: 'by-id', text: 'select id, name from users.customers where id = $1', values: [id] });
    console.log('param named', r.rows.length, show(r.rows[0].id), r.rows[0].name.endsWith(' ' + id));
  }
  const arr = await c.query({ text: 'select id from payments.charges where id < $1 order by id', values: [4], rowMode: 'array' });
  console.log('param rowMode', JSON.stringify(arr.rows), arr.rowCount, arr.command);

  for (const [label, sql, values] of [
    ['undefined table', 'select * from users.nope', []],
    ['bad integer', 'select $1::int4 as v', ['abc']],
    ['undefined column', 'select nosuch from payments.charges where id = $1', [1]],
    ['undefined function', 'select nosuch($1::int4)', [1]],
    ['syntax', 'selec 1', []],
  ]) {
    try {
      await c.query(sql, values);
      console.log('error', label, 'none');
    } catch (e) {
      console.log('error', label, e.code, e.severity);
    }
    const r = await c.query('select count(*) as n from payments.charges where id <= $1', [10]);
    console.log('error', label, 'after', show(r.rows[0].n));
  }
  await c.end();
}

main().catch((e) => {
  console.error('FAILED', e.code || '', e.message);
  process.exit(1);
});
