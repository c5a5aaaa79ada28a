-- arithmetic
select 1 + 2
select 7 / 2
select -7 / 2
select 7 % 3
select -7 % 3
select 2 ^ 10
select 2.0 ^ 0.5
select 10 - 3 * 2
select 1 / 0
select 1.0 / 0
select 1 % 0
select 1::float8 / 0
select 5 / 2.0
select 2147483647 + 1
select 9223372036854775807 + 1
select (-2147483648)::int / -1
select abs(-5), abs(-5.5)
select sign(-3), sign(0.0)
select mod(10, 3), mod(-10, 3)
select div(7, 2)
select div(-7, 2), div(7.5, 2), div(7.5, 0.5), div(-7.6, 0.5)
select div(a, b), a # b from (values (7, 2), (-9, 4)) t(a, b)
select div(1, 0)
select sqrt(16), cbrt(27.0)
select exp(1.0)
select ln(10), log(100), log(2, 8)
select power(2, 3), power(2.0, -1)
select floor(-1.5), ceil(-1.5), ceiling(1.2)
select round(2.5), round(-2.5), round(2.5::float8), round(3.5::float8)
select round(1.2345, 2), round(1234.5, -2)
select trunc(1.789, 1), trunc(-1.789)
select greatest(1, 3, 2), least(1, 3, 2)
select greatest(1, null, 2), least(null::int, null)
select greatest(x, 0), least(x, 1.5), greatest(x, 0.000, -1) from (values (-2.50::numeric(12,2)), (3.25), (null)) t(x)
select greatest(1.5::numeric(3,1), 1.25), least(1.50, 1.5), greatest(0.00, 0)
select greatest(x, 0) + 1 from (values (-2.50::numeric(12,2))) t(x)
select 3 & 5, 3 | 5, 3 # 5, ~5, 1 << 4, 16 >> 2
select pi()
select degrees(pi()), radians(180)
select gcd(12, 18), lcm(4, 6)
select factorial(5)
select width_bucket(5.35, 0.024, 10.06, 5)
select width_bucket(x, 0, 10, 5), width_bucket(x, 10, 0, 5), width_bucket(x, array[1, 3, 6]) from (values (-1), (5), (10)) t(x)
select width_bucket(1, 0, 10, 0)
select width_bucket(1, 1, 1, 3)
select 0.1 + 0.2
select 0.1::float8 + 0.2::float8
select 1e300 * 1e300
select 1e300::float8 * 1e300::float8
select 1e-300::float8 * 1e-300::float8
select 1e300::float8 / 1e-300::float8
select 1e-300::float8 / 1e300::float8
select 'Infinity'::float8 * 2, 0::float8 * 1e300::float8, 1::float8 / 'Infinity'::float8
select 'Infinity'::float8 + 1, 1e308::float8 - 'Infinity'::float8, 3.5::float4 + 1.25::float4
select sum(x) from (values (1e308::float8), (1e308::float8)) t(x)
select sum(x) from (values ('Infinity'::float8), (1e308::float8), (1e308::float8)) t(x)
select sum(x) over (order by x) from (values (1e308::float8), (1e308::float8)) t(x)
select sum(x) filter (where x > 0), sum(distinct x) from (values (1e308::float8), (1e308::float8)) t(x)
select 1e308::float8 + 1e308::float8
select -1e308::float8 - 1e308::float8, 1
select x + y as s from (values (1e308::float8, 1e308::float8)) t(x, y)
select x - y, x + y from (values (1e308::float8, 1e307::float8), (null, 1)) t(x, y)
select t.x + t.y from (values (1e308::float8, 1e308::float8)) as t(x, y)
select coalesce(x, 0) + x from (values (1e308::float8)) t(x)
select float8 '1e308' + x, 1 from (values (1e308::float8)) t(x)
select float8 '1.0' || 'a', 'a' || t.x, t.x - t.y, t.x + 'Infinity'::float8 from (values (1.5::float8, 1e308::float8)) t(x, y)
select t.x + 1, t.x / 2 + t.x, 'x' || t.x / 4 from (values (1.5::float8)) t(x)
select abs(x + y) + 1e308::float8 from (values (1e308::float8, 1e307::float8)) t(x, y)
select 1::float8 + (select 2::float8) - 0.5::float8, 'Infinity'::float8 + (select 1e308::float8), 'Infinity'::float8 + 1e308::float8 + 1e308::float8
select 'Infinity'::float8 - 'Infinity'::float8, 'NaN'::float8 + 1, x - y from (values ('NaN'::float8, 1e308::float8)) t(x, y)
select 1e308::float8 + (select 1e308::float8)
select 1e308::float8 + 1e308::float8 + 'Infinity'::float8
select x + 1 from (values (1.5::float8), ('Infinity'::float8)) t(x) where x - 1e308::float8 < 'Infinity'::float8
select 'a' || 1::float8, array[1, 2] || 3, 1e308::float8 + 1e308::float8
select 1e308::float8 + 1e308::float8 from pg_class
select 1e308::float8 + 1e308::float8 from pg_catalog.pg_class
select 'a' || 1::float8, 7 / 2.0, array[1, 2] || 3 from pg_namespace where nspname = 'pg_catalog'
select (select count(*) from pg_class where relname = 'no such'), 1e308::float8 - -1e308::float8 from pg_namespace where nspname = 'pg_catalog'
select 3.4e38::float4 + 3.4e38::float4
select 'Infinity'::float8 - 'Infinity'::float8, (x + 1) * 2 - 1 from (values (1.5::float8)) t(x)
select a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p from (values (1.5::float8, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)) v(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p)
select sum(x), sum(x) filter (where x > 1) from (values (1.5::float8), (2.5::float8)) t(x)
select sum(x) from (values (1.5::float8)) t(x) where false
select g, sum(x) from (values (1, null::float8), (2, 2.5::float8)) t(g, x) group by g order by g
select date '2024-01-01' + interval '1 day', interval '1 day' + interval '1 hour', time '10:00' - interval '1 hour'
select 1e30::float4 * 1e30::float4
select x * y from (values (1e200::float8, 1e200::float8)) t(x, y)
select 2.5::float8 * 4, 7::float8 / 2, 3 * interval '1 hour', 1.5 * 2
select 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8
select 'NaN'::float8 = 'NaN'::float8
select 100000000000000000000
select 12345678901234567890::numeric * 10
select -0.0::float8
select 1::int2 + 1::int2
select 32767::int2 + 1::int2
select scale(1.2300), min_scale(1.2300), trim_scale(1.2300)
-- numeric
select 1.5e2, 1e-3, -2E+1
select round(3.5::float4), ceil(1.5::float4), floor(-2.5::float4)
select '1.23456'::numeric
select 0.000123::numeric
select 1.5::numeric(10, 2)
select 123.456::numeric(5, 2)
select 12345.678::numeric(5, 2)
select '12345.6789'::numeric
select 1::numeric / 3
select 10::numeric / 4
select 2::numeric ^ 0.5
select avg(x) from (values (1), (2), (2)) t(x)
select avg(x) from (values (1.5::numeric), (2.25)) t(x)
select sum(x) from (values (1.5::numeric), (2.25)) t(x)
select sum(x) from (values (1), (2)) t(x)
select sum(x::bigint) from (values (1), (2)) t(x)
select round(avg(x), 2) from (values (1), (2), (2)) t(x)
select 1.10 + 2.205
select 1.10 * 2.205
select 123456789.123456789::numeric
select '1e5'::numeric
select 'NaN'::numeric
select numeric '3.14159' * 2
select 3.14159::numeric(10, 3)
select 0.5::numeric::int, 1.5::numeric::int, 2.5::numeric::int
select (-0.5)::numeric::int
select 99.995::numeric(4, 2)
select stddev(x), variance(x) from (values (1), (2), (4)) t(x)
select stddev_pop(x), var_pop(x) from (values (1.0), (2.0), (4.0)) t(x)
select 1::numeric / 3, 2.0 / 3, 10 / 4.0, 1 / 3.000000
select 7.5 / 2, -7.5 / 2, 1 / 7.0, 100000 / 3.0, 0.001 / 3, 123456789.12 / 0.0003
select x / y from (values (1.50, 4), (10.00, 3), (-7.25, 2)) t(x, y)
select x / 3 as q from (values (1.5::numeric(10, 2)), (null)) t(x)
select 0 / 3.0, 0.0 / 7, 9999 / 9999.0, 10000 / 9999.0
select 5.5 % 2, 5.50 % 2.0, -7.5 % 2, 10.25 % 0.1
select avg(x) from (values (1::int2), (2::int2), (2::int2)) t(x)
select avg(x::int8), sum(x::int8) from (values (1), (2), (4)) t(x)
select avg(x), sum(x) from (values (1.25::numeric), (2.5), (null)) t(x)
select avg(x) from (values (1)) t(x) where false
select g, avg(x), sum(x) from (values (1, 1.50), (1, 2.25), (2, 10.00)) t(g, x) group by g order by g
select g, avg(x) as a, stddev(x) as s from (values ('a', 1), ('a', 2), ('b', 7)) t(g, x) group by g order by g
select var_samp(x), var_pop(x), stddev_samp(x), stddev_pop(x) from (values (1.5), (2.5), (4.0)) t(x)
select variance(x), stddev(x) from (values (3), (3)) t(x)
select avg(x), stddev(x) from (values (1000000000000), (3), (7)) t(x)
select sum(x) / count(x) from (values (1.5), (2.5)) t(x)
select round(avg(x), 2), round(1 / 3.0, 4), round(avg(x), -1) from (values (14), (15), (15)) t(x)
select avg(x) * 2 from (values (1), (2), (2)) t(x)
select sum(a) / count(*) + 1 from (values (1.5), (2.5)) t(a)
select x from (values (1.0, 3), (2.0, 4)) t(x, y) where round(x / y, 2) > 0.4
select x from (values (1.0, 3), (2.0, 4)) t(x, y) order by round(x / y, 2) desc
select round(x / y, 2) + 1, 'q' || round((x / y)::numeric, 3), -round( ( x / y )::decimal, 1) from (values (2.01, 2), (-2.01, 2), (7.0, 2), (1.0, 3)) t(x, y)
select x from (values (2.01, 2), (2.03, 2)) t(x, y) where round(x / y, 2) = 1.01
select round(x / y, 2) * 10, round(x / y, -1) + 0 from (values (7, 2), (-7, 2), (75, 2)) t(x, y)
select 1 + round((1e20::float8 / 3)::numeric, 2), round((x / 60)::numeric, 2) + 0 from (values (125.5::float8)) t(x)
select round((x / 3)::numeric(10, 2), 3) + 0 from (values (2.0)) t(x)
select round(x / y, 2) + 1 from (values (1.0, 0)) t(x, y)
select round(5, 2), round(5::bigint, 1), round(2.5, 3), round(1234, -2), round(7 / 2, 2), round(12.5::numeric(10,1), 0)
select round(x, 2), round(y, 3) + 1, round(x + y, 0) from (values (7, 2.5)) t(x, y)
select (5 / 2.0)::float8 * 2, (x / 4.0)::float8 from (values (1)) t(x)
select x / y * 2, (x + 1) / (y - 1) + 1 from (values (7, 2)) t(x, y)
select x from (values (7, 2)) t(x, y) where x / y > 2 order by x / y
select q * 2 from (select x / 4.0 as q from (values (1)) t(x)) s
select trim_scale(x) from (values (1.500), (2.000), (null)) t(x)
select scale(x), min_scale(x) from (values (1.500), (-2.010)) t(x)
select coalesce(sum(a), 0) as total from (values (1.50::numeric(12,2))) t(a) where false
select g, coalesce(sum(a), 0) as total from (values (1, 1.50::numeric(12,2)), (2, null), (3, 10.25)) t(g, a) group by g order by total desc, g
select g, coalesce(sum(a), 0) from (values (1, 1.50::numeric(12,2)), (2, null)) t(g, a) group by g order by 2, 1
select coalesce(a, b), case when a > 1 then a else b end from (values (1.5::numeric(10,1), 2.25::numeric(10,2)), (null, 3.75)) t(a, b)
select case x when 1 then 1.0 when 2 then 2.50 else 3 end as v from (values (1), (2), (3)) t(x) order by v desc
select case when x then 1.5 else 2 end, coalesce(null::numeric, 1.5) from (values (true), (false)) t(x)
select round(coalesce(sum(a), 0), 2), coalesce(sum(a), 0)::float8 from (values (1.50::numeric(12,2))) t(a) where false
select coalesce(x, 0) in (0, 1.5), sum(coalesce(x, 0)) over () from (values (1.5::numeric(10,1)), (null)) t(x)
select sum(coalesce(a, 0)) from (values (null::numeric(10,1)), (null)) t(a)
select g, sum(coalesce(a, 0)) as s from (values (1, 1.5::numeric(10,1)), (2, null)) t(g, a) group by g order by s desc
select count(*), max(n) from (select coalesce(a, 0) as v, 'x' as n from (values (1.5::numeric(10,1)), (null)) t(a)) s where v < 1
select sum(distinct coalesce(a, 0)), sum(coalesce(a, 0)) filter (where a is null) from (values (null::numeric(10,1)), (null)) t(a)
select b, sum(coalesce(a, 0)) over w from (values (1.5::numeric(10,1), 2.25::numeric(10,2)), (null, 3.75)) t(a, b) window w as (order by b) order by b
select (select coalesce(t.a, t.b) from (values (o.x, 2.5::numeric(10,1))) t(a, b)) from (values (1.5::numeric(10,1)), (null)) o(x)
select y from (values (1.5::numeric(10,1)), (null)) t(a), lateral (values (t.a), (2.5)) v(y) order by y
select sum(coalesce(a, 0)) / 3 from (values (1.5::numeric(10,1)), (null)) t(a)
select 100.00 * sum(coalesce(a, 10000000000000000)) / 1, avg(coalesce(a, 10000000000000000) * 100.00) from (values (null::numeric(10,1))) t(a)
select sum(y), count(y) from (values (1.5::numeric(10,1), 2.5::numeric(10,1))) t(a, b), lateral (values (t.a), (t.b)) v(y)
select x / 3.0 as q from (values (1), (20), (3)) t(x) order by q
select g, avg(x) a from (values (1, 1.50), (1, 20.25), (2, 3.00)) t(g, x) group by g order by a desc
select octet_length('é'::text), octet_length('\x0102'::bytea)
-- casts
select 1e15::float8::text, 1234567.0::float4::text, (-0.0)::float8::text, 'inf'::float8::text, 1e-5::float8::text
select x::text from (values (1.5::float8), (2.0::float8)) t(x)
select '42'::int
select '  42  '::int
select '12.7'::int
select '0x1A'::int
select 'abc'::int
select '99999999999'::int
select 12.7::int, 12.5::int, 13.5::int, -12.5::int
select 12.7::float8::int, 12.5::float8::int, 13.5::float8::int
select '3.7'::float8::int
select 'abc'::varchar(2)
select 'abc'::char(2), 'a'::char(3)
select 'abc'::varchar(2)::text
select length('a'::char(3)), 'a'::char(3) || 'b'
select '1'::bool, 'yes'::bool, 'off'::bool, 't'::bool
select 'of'::bool, bool ' TRUE ', cast('n' as boolean), '{t,off}'::bool[]
select 'o'::bool
select 'maybe'::bool
select true::int, false::int
select 1::bool, 0::bool
select 42::text, 4.20::text, true::text
select 1.0::float8::text, 0.1::float4::text
select 123::bigint::text || 'x'
select '2024-03-15'::date
select '2024-02-30'::date
select '2024-03-15 10:11:12'::timestamp
select '2024-03-15 10:11:12.123456789'::timestamp
select cast('10:11:12' as time)
select '1 day 2 hours'::interval
select '[1,2]'::json
select '{1,2,3}'::int[]
select '{a,b}'::text[]
select 'a'::bytea
select '\x4142'::bytea
select 65::char
select cast(3.99 as integer), cast(-3.99 as integer)
select '1.5'::numeric::int
select 'infinity'::date, '-infinity'::timestamp
select 2147483648::int
select 40000::int2
select '9223372036854775808'::bigint
select 1.5e10::int8
select '0.1'::float4
select 1::money
-- text
select cast(1::float8 as varchar), 1::float8::varchar, cast(1.5::float4 as varchar), cast(x as varchar) as v, x::varchar(3) from (values (100::float8)) t(x)
select format('%1$s %1$s %2$L', 'a', null), format('%I', 'select'), format('%s', true), format('[%-3s|%3s]', 'x', 'y')
select format('%s %s', 1)
select quote_ident('Ab'), quote_literal('it''s'), quote_nullable(null)
select 'abc' || 'def'
select 'abc' || null
select 'abc' || 1
select 'a' || 1.5::float8, 'a' || 1::float8, 1.0::float4 || 'b', 'a' || 1e15::float8, 'a' || 2 * 1.5::float8
select 'x' || x || 'y', ('x' || x) || (x / 4) from (values (1e15::float8), (0.1::float8), (null)) t(x)
select 'a' || (select 2::float8), upper('a' || 3::float8) || 1::float8, lower(s) || f from (values ('A', 1.5::float4)) t(s, f)
select array[1] || array[2], '\x01'::bytea || '\x02'::bytea, s || t from (values ('a', 'b')) v(s, t)
select s || f from (values ('a', 1::float8)) t(s, f)
select concat('a', null, 'b'), concat_ws('-', 'a', null, 'b')
select length('héllo'), char_length('héllo'), octet_length('héllo')
select upper('abc'), lower('ÄBC')
select initcap('hello world')
select initcap(s) from (values ('hELLO wORLD-foo bar2baz'), ('')) t(s)
select substring('hello', 2, 3), substring('hello' from 2 for 3)
select substr('hello', 2), substr('hello', 0, 2)
select position('l' in 'hello'), strpos('hello', 'l')
select left('hello', 2), right('hello', 2), left('hello', -2)
select lpad('5', 3, '0'), rpad('5', 3, '0'), lpad('hello', 3)
select trim('  x  '), ltrim('xxabc', 'x'), rtrim('abcxx', 'x'), btrim('xxaxx', 'x')
select replace('hello', 'l', 'L')
select repeat('ab', 3)
select reverse('abc')
select split_part('a,b,c', ',', 2), split_part('a,b,c', ',', -1)
select translate('12345', '143', 'ax')
select ascii('A'), chr(65)
select md5('abc')
select 'abc' like 'a%', 'abc' ilike 'A%', 'abc' not like 'b%'
select 'abc' similar to 'a%'
select 'abc' similar to '(a|b)%c'
select 'a.c' similar to 'a.c', 'abc' similar to 'a.c', 'a^b$' similar to 'a^b$'
select s, s similar to '[a-c]_%', s not similar to '%(x|z)' from (values ('abz'), ('dx'), ('b'), (null)) t(s) order by s
select 'a%b' similar to 'a\%b', 'axb' similar to 'a\%b'
select s similar to p from (values ('abc', 'a%')) t(s, p)
select 'abc' ~ '^a', 'abc' ~* '^A', 'abc' !~ 'z'
select regexp_replace('foobar', 'o+', 'X')
select regexp_replace('foobar', 'o', 'X', 'g')
select regexp_matches('a1b22', '[0-9]+', 'g')
select regexp_match('a1b22', '[0-9]+')
select regexp_match('a1b22', 'x'), regexp_match('ABC', 'b', 'i'), regexp_match(s, '\d{2}') from (values ('a1b22')) t(s)
select regexp_match('a(b', 'a\(b'), regexp_match('a\b', 'a\\b'), regexp_match('ab', '(?:a)b')
select format('%s-%I-%L', 'a', 'b c', 'd')
select format('%s and %s', 1, 'x')
select quote_ident('a b'), quote_literal('it''s'), quote_nullable(null)
select to_hex(255)
select encode('abc'::bytea, 'hex'), encode('abc'::bytea, 'base64')
select encode(repeat('a', 57)::bytea, 'base64'), encode(repeat('a', 60)::bytea, 'base64')
select encode('abc'::bytea, 'x')
select decode('616263', 'hex')
select string_to_array('a,b,c', ',')
select array_to_string(array[1, 2, 3], '-')
select starts_with('hello', 'he')
select 'a' < 'B', 'a' < 'b'
select 'abc'::text = 'abc '::text
select 'abc'::char(5) = 'abc'
select length(''), '' is null
select lower(null) is null
select overlay('hello' placing 'XX' from 2 for 3)
select overlay(s placing 'XX' from 2), overlay(s placing '' from 2 for 1) from (values ('hello')) t(s)
select E'a\tb', 'a\tb'
select 'It''s'
select $$dollar$$
-- dates and intervals
select date '2024-03-15' + 1
select date '2024-03-15' - date '2024-03-01'
select date '2024-03-15' + interval '1 month'
select timestamp '2024-03-15 10:00' + interval '90 minutes'
select timestamp '2024-01-31 00:00' + interval '1 month'
select extract(year from date '2024-03-15')
select extract(epoch from timestamp '2024-03-15 00:00:00')
select extract(dow from date '2024-03-17'), extract(isodow from date '2024-03-17')
select extract(doy from date '2024-03-15'), extract(week from date '2024-03-15')
select extract(quarter from date '2024-03-15')
select date_part('month', date '2024-03-15')
select date_trunc('month', timestamp '2024-03-15 10:11:12')
select date_trunc('week', timestamp '2024-03-15 10:11:12')
select interval '1 day' * 3, interval '1 hour' / 2
select interval '25 hours'
select justify_hours(interval '25 hours')
select justify_days(interval '35 days')
select justify_hours(i), justify_days(i) from (values (interval '-25 hours'), (interval '1 day -1 hour'), (interval '1 mon -1 day'), (interval '2 mons 50 hours 3.5 seconds')) t(i)
select make_interval(1, 2, 3, 4, 5, 6, 7.5), make_interval(secs => 1.25)
select make_date(2024, 3, 15)
select make_timestamp(2024, 3, 15, 10, 11, 12.5)
select make_interval(days => 3)
select age(timestamp '2024-03-15', timestamp '2023-01-01')
select to_char(date '2024-03-15', 'YYYY-MM-DD')
select to_char(timestamp '2024-03-15 13:04:05', 'YY/MM/DD HH24:MI:SS HH12 AM Mon Dy %'), to_char(timestamp '2024-03-15 01:04:05', 'HH:MI PM')
select to_char(d, 'Dy Mon DD YYYY') from (values (date '2024-03-10'), (date '2024-12-31')) t(d)
select to_char(1234.5, '9999.99')
select to_date('15/03/2024', 'DD/MM/YYYY')
select to_timestamp(0)
select date '2024-03-15' > '2024-03-01'
select '2024-03-15'::date - 1
select interval '1 year 2 months 3 days 04:05:06'
select interval '-1 day'
select interval '1.5 days'
select (date '2024-03-15')::timestamp
select timestamp '2024-03-15 10:11:12'::date
select timestamp '2024-03-15 10:11:12'::time
select date '2024-02-29' + interval '1 year'
select isfinite(date '2024-03-15')
select overlaps_check from (select (date '2024-01-01', date '2024-02-01') overlaps (date '2024-01-15', date '2024-03-01') as overlaps_check) s
select extract(hour from interval '3 hours 20 minutes')
select date_bin('15 minutes', timestamp '2024-03-15 10:11:12', timestamp '2024-01-01')
select date_bin('1 month', timestamp '2024-03-15 10:11:12', timestamp '2024-01-01')
-- time zones
select timestamptz '2024-03-15 10:00+00'
select '2024-03-15 10:00 +02:30'::timestamptz, timestamptz '2024-03-15 10:00:00 -0230', '2024-03-15 10:00Z'::timestamptz
select timestamptz '2024-03-15 10:00:00+02'
select '2024-03-15 10:00:00+00'::timestamptz at time zone 'America/New_York'
select timestamp '2024-03-15 10:00' at time zone 'UTC'
select '2024-07-01 12:00'::timestamptz
select extract(timezone from timestamptz '2024-03-15 10:00+00')
select date_trunc('day', timestamptz '2024-03-15 10:00+00')
select timestamptz '2024-03-15 10:00+00' + interval '1 day'
select to_timestamp(1710496800)::text
select now() is not null, current_date is not null
select timestamptz '2024-03-15 10:00+00' = timestamp '2024-03-15 10:00'
select current_setting('TimeZone')
-- json and jsonb
select '{"b": [1, {"y": 2, "x": 1e2}], "aa": "q\"", "a": null, "a": 2}'::jsonb
select jsonb '{"a": 1}' -> 'a', '{"a": 1}'::jsonb ->> 'a'
select '["a", 1]'::jsonb ? 'a', '["a", 1]'::jsonb ? '1', '{"a": 1}'::jsonb ? 'b'
select '{"a": {"b": [5, 6]}}'::jsonb #> '{a,b,1}'
select '{"a": 1}' <@ '{"a": 1, "b": 2}'::jsonb, jsonb '[1, 2, [3]]' @> '[[3], 1]'::jsonb
select jsonb_build_array(1, 'x', null)
select '{"a": 1}'::json -> 'a'
select '{"a": 1}'::json ->> 'a'
select '{"a": {"b": 2}}'::json #>> '{a,b}'
select '{"a": 1}'::jsonb
select '{"b": 1, "a": 2}'::jsonb
select '{"a": 1}'::jsonb ? 'a'
select '{"a": 1, "b": 2}'::jsonb @> '{"a": 1}'
select '[1, 2, 3]'::json -> 1
select '[1, 2, 3]'::jsonb -> 1
select json_array_length('[1, 2, 3]')
select jsonb_array_length('[1, 2, 3]')
select json_build_object('a', 1, 'b', 'x')
select jsonb_build_object('a', 1)
select json_build_array(1, 'a', null)
select to_json('x'::text), to_jsonb(1)
select row_to_json(t) from (select 1 as a, 'x' as b) t
select json_agg(x) from (values (1), (2)) t(x)
select json_agg(x), json_agg(y) from (values (1, 'a'), (null, 'b"c')) t(x, y)
select json_agg(x) from (values (1)) t(x) where false
select jsonb_agg(x) from (values (1), (2)) t(x)
select json_object_agg(k, v) from (values ('a', 1), ('b', 2)) t(k, v)
select json_object_agg(k, v) from (values ('a', null), (null, 2)) t(k, v)
select json_typeof('{"a": 1}'), json_typeof('[1]'), json_typeof('1')
select json_typeof(j) from (values ('1.5'::json), ('"x"'), ('null'), ('true'), (null)) t(j)
select '{"a": [1, 2]}'::json -> 'a' ->> 0
select json_extract_path_text('{"a": {"b": "c"}}', 'a', 'b')
select '{"a":1}'::json::text
select '{"a": 1}'::jsonb - 'a'
select jsonb_set('{"a": 1}', '{a}', '2')
select jsonb_pretty('{"a": 1}')
select k from json_object_keys('{"a": 1, "b": 2}') k
select * from json_each_text('{"a": "1", "b": "2"}')
select * from jsonb_array_elements('[1, "a"]')
select '{"a": 1, "b": 2}'::jsonb ?| array['b', 'c'], '{"a": 1, "b": 2}'::jsonb ?& array['a', 'c'], '{"a": 1}'::jsonb ?& '{a}', '["x"]'::jsonb ?| '{y,x}'
select jsonb_typeof('{"a": 1}'), jsonb_typeof('[1]'), jsonb_typeof('"x"'), jsonb_typeof('1.5'), jsonb_typeof('null'), jsonb_typeof('true')
select jsonb_extract_path_text('{"a": [10, 20]}', 'a', '1'), json_extract_path_text('{"a": 1}', 'b')
select * from jsonb_each_text('{"b": 2, "a": "x", "c": null, "d": true}')
select * from jsonb_array_elements_text('[1, "a", null, true]')
select value from json_array_elements_text('["x", "y"]')
select * from jsonb_object_keys('{"bb": 1, "a": 2, "c": 3}')
select '{"a": 1, "b": 2}'::jsonb - 'a', '["a", "b", 1, "a"]'::jsonb - 'a', '{"a": 1}'::jsonb - 'z'
select '[1, 2, 3]'::jsonb - 1, '[1, 2, 3]'::jsonb - -1, '[1, 2, 3]'::jsonb - 5
select '{"a": 1, "b": 2, "c": 3}'::jsonb - '{a,c}'::text[], '["a", "b", "c"]'::jsonb - '{a,b}'::text[]
select '1'::jsonb - 'a'
select '{"a": 1, "b": 2}'::jsonb #- '{a}', '[1, 2, 3]'::jsonb #- '{-1}', '[1, 2, 3]'::jsonb #- '{7}', '{"1": 2}'::jsonb #- '{1}', '[]'::jsonb #- '{a}', '{"a": 1}'::jsonb #- '{}'
select '[1, 2]'::jsonb #- '{a}'
select '5'::jsonb #- '{a}'
select j #- '{a}', j #- null, j #- '{b}'::text[] from (values ('{"a": 1, "b": [1]}'::jsonb), (null)) t(j)
select '{"a": {"b": 1, "c": 2}}'::jsonb #- '{a,b}'
select '{"a": 1}'::jsonb - 0
select jsonb_set('{"a": 1, "b": {"c": 2}}', '{b}', '[1, 2]'), jsonb_set('{"a": 1}', '{z}', '2', false), jsonb_set('{"a": 1}', '{z}', '{"y": null}')
select jsonb_set('[1, 2, 3]', '{-1}', '"x"'), jsonb_set('[1, 2]', '{5}', '3'), jsonb_set('[1, 2]', '{-5}', '0'), jsonb_set('[1, 2]', '{9}', '3', false)
select jsonb_set('"x"', '{a}', '1')
select * from jsonb_each('{"b": 1, "a": [1, 2], "c": {"y": 2, "x": null}}')
select key, value from jsonb_each('{"b": "x", "a": true}') order by key
select e from jsonb_array_elements('[{"b": 1, "a": 2}, 3, "s"]') e
select value from jsonb_array_elements('[[1, 2], null]')
select * from json_array_elements('[1, "a", true]')
select k from jsonb_object_keys('{"b": 1, "aa": 2}') k
select v from jsonb_array_elements_text('["x", "y"]') v
select * from json_object_keys('{"bb": 1, "a": 2}')
select * from json_each_text('[1]')
select '{"a": [1,  2], "b": {"c" : 3}}'::json -> 'a', '{"a": [1,  2], "b": {"c" : 3}}'::json ->> 'b'
select '[1, [2,  3]]'::json -> -1, '[1]'::json -> 5, '{"a": 1}'::json -> 0, '"x"'::json ->> 0
select '{"a": {"b": [5,6]}}'::jsonb #>> '{a,b}', '{"a": {"b": [5,  6]}}'::json #> '{a,b}', '{"a": [1, 2]}'::jsonb ->> 'a'
select '{"a": 1, "a": 2}'::json -> 'a', '{"a": null}'::json ->> 'a', '{"a": null}'::json -> 'a', '{"a": 1, "a": 2}'::jsonb
select j -> 'x', j ->> 'x', j #>> '{x,y,1}' from (values ('{"x": {"y" : [1, 2]}}'::json), (null), ('[1]')) t(j)
select j -> k, j ->> k from (values ('{"a": [5,6], "b": 1}'::jsonb, 'a'), ('{"a": 1}'::jsonb, 'b'), (null, 'a')) t(j, k)
select j -> k, j ->> k from (values ('{"a": [5,  6], "b": 1}'::json, 'a'), ('{"a": 1}'::json, null)) t(j, k)
select j -> i, j ->> i, j -> (i + 1) from (values ('[[5,6], 2, "x"]'::jsonb, 0), ('[[5,6], 2, "x"]'::jsonb, -1)) t(j, i)
select j #> p, j #>> p, j #> array['a', k] from (values ('{"a": {"b": [5,  6]}}'::json, array['a','b'], 'b'), ('{"a": {"b": [5,  6]}}'::json, array['a', null], null)) t(j, p, k)
select j #> p, j #>> p from (values ('{"a": {"b": [5,6]}}'::jsonb, array['a','b'])) t(j, p)
select json_typeof(j -> k), '{"a": [5,6]}'::jsonb -> k from (values ('{"a": [5,6]}'::json, 'a')) t(j, k)
select jsonb_build_object('a', jsonb_build_array(5, 6)) ->> 'a', jsonb_build_object('a', jsonb_build_array(5, 6)) #>> '{a}'
select to_jsonb(array[5,6]) ->> 0, jsonb_build_array(jsonb_build_object('b', 1, 'a', 2)) ->> 0, jsonb_set('{"a": 1}', '{b}', '[1,2]') ->> 'b'
select jsonb_agg(x) ->> 0 from (values ('{"b":1,"a":2}'::jsonb)) t(x)
select e.value, k.x from jsonb_each('{"a": [5,6], "b": {"y":1,"x":2}}') e join (values ('a'), ('b')) k(x) on k.x = e.key order by k.x
select value ->> 'x', value -> 'x' from jsonb_array_elements('[{"x": [1,2]}, {"x": {"b":1,"a":2}}]')
select x.v, x.v ->> 0 from (select value as v from jsonb_each('{"a": [1,2]}')) x
select s.j -> 'b', j ->> 'b', j from (select '{"b": [5,6], "a": 1}'::jsonb as j) s
with s as (select '{"b": [5,6]}'::jsonb as j) select j, j -> 'b', s.j from s
with s(x) as (select value from jsonb_array_elements('[{"b": [5,6]}]')) select x, x ->> 'b' from s
select * from json_each('{"a": [1,  2], "b": "x", "a": {"y" : 1}}')
select value, value ->> 0 from json_array_elements('[[1,  2], {"b": 1, "a": 2}, null]')
select * from jsonb_each('{"b": 1.50, "a": [1,2], "c": {"y": 1e2, "x": null}}')
select e.value, value from json_array_elements('[1, {"b":  2}]') e
select * from jsonb_array_elements('[{"b": 1, "a": 2}]') as e
select e.value from jsonb_array_elements_text('["x", null]') e
select e.key, e.value from json_each('{"a": [1,  2], "b": null}') e
select '{"b": 1, "a": 2}'::jsonb as j union all select '[1,2]'::jsonb union all select null order by 1
select (select '{"b": 1, "a": 2}'::jsonb), coalesce(null, '{"b": [1, 2]}'::jsonb), case when true then '[1,2]'::jsonb end
select array_agg(j) from (values ('{"b": 1, "a": 2}'::jsonb), ('[1]'::jsonb)) t(j)
select '{}'::jsonb = '{}', '{"a": 1}'::jsonb = '{"a":1}', '{"a": 1}'::jsonb <> '{"a":1}', '{}' = '{}'::jsonb
select '{"a":1.0, "b":2}'::jsonb = '{"b":2, "a":1.00}'::jsonb, '1e2'::jsonb = '100', '[1]'::jsonb is distinct from '[1.0]'
select nullif('{}'::jsonb, '{}'), nullif(j, '{"a": 1.0}') as n, j in ('{}', '{"a":1}'), case j when '[1]' then 'x' when '{ }' then 'y' end from (values ('{"a":1}'::jsonb), ('{}'), ('[1]')) t(j)
select j, j > '[2]', j <= '3', j < '{"b": 1}' from (values ('{"a":1}'::jsonb), ('[1,2]'), ('1'), ('"a"'), ('null'), ('true'), ('{}'), ('[]')) t(j)
select count(*) from jsonb_array_elements('[{"b": 1, "a": 2}, {"a": 2.0, "b": 1}, 1]') e where e.value = '{"a": 2, "b": 1}'
select '{}'::jsonb = '{'
select j from (values ('{"b":1}'::jsonb), ('[1,2]'), ('1'), ('"a"'), ('null'), ('true'), ('{}'), ('[]'), ('1.0'), ('-2')) t(j) order by j, j::text
select j::jsonb as k, count(*) from (values ('{"b":1}'), ('[1,2]'), ('1'), ('[]')) t(j) group by 1 order by 1 desc
select '1'::jsonb -> 0, '1'::jsonb -> -1, '1'::jsonb -> 1, '"a"'::jsonb ->> 0, 'null'::jsonb -> 0, 'null'::jsonb ->> 0
select '1'::jsonb #> '{0}', '1'::jsonb #>> '{0}', '1'::json -> 0, '"a"'::json ->> -1, ('{"a": 2}'::jsonb -> 'a') -> 0, '{"a": 1}'::jsonb -> 0
select j -> 0, j ->> -1, j -> '0' from (values ('1'::jsonb), ('[5, 6]'), ('{"a": 1}'), ('"x"')) t(j)
-- arrays
select s from generate_series(1, 2) s
select generate_series(1, 3), generate_series(1::bigint, 2::bigint)
select array[1, 2, 3]
select array[1, 2, 3][2]
select array[1, 2, 3][5]
select (array[1, 2, 3])[2:3]
select array_length(array[1, 2, 3], 1)
select cardinality(array[1, 2, 3])
select cardinality(array[]::int[])
select array_append(array[1, 2], 3), array_prepend(0, array[1, 2])
select array_cat(array[1], array[2, 3])
select array[1, 2] || 3
select array[1, 2] || array[3]
select array_position(array['a', 'b'], 'b')
select array_remove(array[1, 2, 1], 1)
select array_replace(array[1, 2, 1], 1, 9)
select array_replace(array[1, null], null, 3), array_to_string(array['a', null], '-', '?')
select 2 = any(array[1, 2, 3]), 5 = all(array[5, 5])
select array[1, 2] @> array[2], array[1] <@ array[1, 2], array[1, 2] && array[2, 3]
select unnest(array[1, 2, 3])
select * from unnest(array['a', 'b']) with ordinality
select array_agg(x order by x desc) from (values (1), (3), (2)) t(x)
select array_dims(array[[1, 2], [3, 4]])
select array[[1, 2], [3, 4]]
select array_upper(array[1, 2, 3], 1), array_lower(array[1, 2, 3], 1)
select array[1, null, 3]
select array['a', 'b c', null]
select array[]::int[]
select array_to_string(array[1, null, 3], ',', '*')
select '{1,2}'::int[] = array[1, 2]
select array[1.5, 2.25]
select array[true, false]
select array[date '2024-01-01']
select generate_series(1, 5, 2)
select * from generate_series(1, 3)
select generate_series(date '2024-01-01', date '2024-01-03', interval '1 day')
select string_agg(x, ',' order by x) from (values ('b'), ('a')) t(x)
-- NULL ordering
select x from (values (1), (null), (2)) t(x) order by x
select x from (values (1), (null), (2)) t(x) order by x desc
select x from (values (1), (null), (2)) t(x) order by x nulls first
select x from (values (1), (null), (2)) t(x) order by x desc nulls last
select x, y from (values (1, 'a'), (null, 'b'), (1, null)) t(x, y) order by x desc, y
select array_agg(x order by x) from (values (1), (null), (2)) t(x)
select array_agg(x order by x desc) from (values (1), (null), (2)) t(x)
select x, row_number() over (order by x desc) from (values (1), (null), (2)) t(x) order by 2
select max(x), min(x) from (values (1), (null)) t(x)
select x from (values ('b'), (null), ('a')) t(x) order by 1 desc
select null = null, null is null, null is distinct from null, 1 is distinct from null
select coalesce(null, 2), nullif(1, 1), nullif(1, 2)
-- aggregates
select count(*), count(x), count(distinct x) from (values (1), (1), (null)) t(x)
select sum(x), avg(x), min(x), max(x) from (values (1), (2), (3)) t(x)
select sum(x) from (values (1.5::float8), (2.5)) t(x)
select avg(x) from (values (1.5::float8), (2.5)) t(x)
select avg(x::int2), sum(x::int2) from (values (1), (2)) t(x)
select bool_and(x), bool_or(x) from (values (true), (false)) t(x)
select every(x) from (values (true), (false)) t(x)
select every(x > 0) from (values (1), (2)) t(x)
select string_agg(x, ', ') from (values ('a'), ('b')) t(x)
select count(*) from (values (1)) t(x) where false
select sum(x) from (values (1)) t(x) where false
select x % 2 as k, count(*) from (values (1), (2), (3)) t(x) group by 1 order by 1
select x % 2, count(*) from (values (1), (2), (3)) t(x) group by x % 2 having count(*) > 1
select percentile_cont(0.5) within group (order by x) from (values (1), (2), (3), (4)) t(x)
select percentile_disc(0.5) within group (order by x) from (values (1), (2), (3), (4)) t(x)
select mode() within group (order by x) from (values (1), (2), (2)) t(x)
select count(*) filter (where x > 1) from (values (1), (2), (3)) t(x)
select corr(x, y), covar_pop(x, y) from (values (1, 2), (2, 4), (3, 7)) t(x, y)
select regr_slope(y, x) from (values (1, 2), (2, 4), (3, 6)) t(x, y)
select bit_and(x), bit_or(x) from (values (3), (5)) t(x)
select avg(x) from (values (interval '1 hour'), (interval '3 hours')) t(x)
select sum(x) from (values (2147483647), (1)) t(x)
select sum(x) from (values (9223372036854775807), (1)) t(x)
select count(distinct (x, y)) from (values (1, 2), (1, 2), (2, 1)) t(x, y)
select array_agg(distinct x) from (values (2), (1), (2)) t(x)
select x, sum(y) from (values ('a', 1), ('a', 2), ('b', 3)) t(x, y) group by rollup (x) order by 1
select grouping(x), count(*) from (values ('a'), ('b')) t(x) group by cube (x) order by 1, 2
select max(x) - min(x), count(*) - count(x) from (values (1), (5), (null)) t(x)
select max(x) - min(x) from (values (1.25), (5.50)) t(x)
select max(t) - min(t) from (values (timestamp '2024-03-01 10:00'), (timestamp '2024-03-02 10:00:09')) v(t)
select max(d) - min(d), max(d) - 1 from (values (date '2024-03-15'), (date '2024-03-01')) v(d)
select x - lag(x) over (order by x) from (values (1), (4)) t(x) order by 1
-- windows
select x, row_number() over (order by x) from (values (3), (1), (2)) t(x) order by x
select x, rank() over (order by x), dense_rank() over (order by x) from (values (1), (1), (2)) t(x) order by x
select x, sum(x) over (order by x) from (values (1), (2), (3)) t(x) order by x
select x, sum(x) over () from (values (1), (2)) t(x) order by x
select x, lag(x) over (order by x), lead(x, 1, 0) over (order by x) from (values (1), (2), (3)) t(x) order by x
select x, first_value(x) over w, last_value(x) over w from (values (1), (2)) t(x) window w as (order by x) order by x
select x, ntile(2) over (order by x) from (values (1), (2), (3)) t(x) order by x
select x, percent_rank() over (order by x), cume_dist() over (order by x) from (values (1), (2), (3)) t(x) order by x
select x, avg(x) over (order by x rows between 1 preceding and current row) from (values (1), (2), (3)) t(x) order by x
select g, x, avg(x) over (partition by g) from (values (1, 2.50), (1, 3.00), (2, 5.25)) t(g, x) order by g, x
select g, x, row_number() over (partition by g order by x) from (values ('a', 1), ('a', 2), ('b', 1)) t(g, x) order by g, x
select x, nth_value(x, 2) over (order by x rows between unbounded preceding and unbounded following) from (values (1), (2), (3)) t(x) order by x
select x, count(*) over (order by x range between 1 preceding and current row) from (values (1), (2), (4)) t(x) order by x
select row_number() over () from (values (1)) t(x)
select sum(x) over (partition by x % 2) from (values (1), (2), (3)) t(x) order by 1
-- set operations
select 1 union select 2 order by 1
select 1 union all select 1
select 1 union select 1
select 1 intersect select 1
select 1 except select 2
select x from (values (1), (2), (2)) t(x) intersect all select x from (values (2), (2)) s(x)
select x from (values (1), (2), (2)) t(x) except all select 2
select 1 as a union select 2 order by a desc
select 1, 'a' union all select 2, 'b' order by 1
select 1::int union select 2.5 order by 1
select null union select 1 order by 1
select 'a' union select 'b' order by 1 desc limit 1
select * from (select 1 union all select 2) s(x) order by x offset 1
select a from (values (1.00::numeric(10,2))) t(a) union all select b from (values (1.0000::numeric(10,4))) s(b)
select a from (values (1.00::numeric(10,2))) t(a) union all select 2
select a from (values (1.00::numeric(10,2))) t(a) union select b from (values (2.50::numeric(10,2))) s(b) order by 1
select x from (select a as x from (values (1.00::numeric(10,2))) t(a) union all select b from (values (2.5::numeric(10,1))) s(b)) u order by x
with u as (select a as x from (values (1.50::numeric(10,2))) t(a) union all select 2) select x from u order by x
with t as (select 1.50::numeric(10,2) as a), s as (select 2.5::numeric(10,1) as b) select max(x) from (select a as x from t union all select b from s) u
select count(*), sum(x) from (select a as x from (values (1.00::numeric(10,2))) t(a) union all select b from (values (2.50::numeric(10,2))) s(b)) u
select count(*), max(x::float8) from (select 1.00::numeric(10,2) as x union all select 1) s

-- column names
select 1
select 1 + 1
select 'a'
select true
select null
select x::text from (values (1)) t(x)
select cast(x as text) from (values (1)) t(x)
select count(*) from (values (1)) t(x)
select count(x) from (values (1)) t(x)
select sum(x), max(x) from (values (1)) t(x)
select extract(year from date '2024-01-01')
select row_number() over () from (values (1)) t(x)
select x + 1 from (values (1)) t(x)
select -x from (values (1)) t(x)
select case when true then 1 end
select coalesce(null, 1)
select nullif(1, 2)
select greatest(1, 2)
select upper('a')
select (select 1)
select exists (select 1)
select array[1]
select x from (values (1)) t(x)
select t.x from (values (1)) t(x)
select x as "My Col" from (values (1)) t(x)
select 1 as a, 2 as a
select 'a' || 'b'
select current_date is not null
select x is null from (values (1)) t(x)
select x between 1 and 2 from (values (1)) t(x)
select x in (1, 2) from (values (1)) t(x)
select not true
select date '2024-01-01'
select interval '1 day'
select 1::int8
select 1.5::numeric(3, 1)
select row(1, 2)
select (1, 2)
select * from (values (1, 'a')) t
select * from (values (1, 'a')) t(a, b)
select array_length(array[1], 1)
select substring('abc', 1, 1)
select trim(' a ')
select position('a' in 'abc')
select 1 = 1
select 'x'::varchar(3)
select 'x'::char(3)
select current_user = current_user
-- errors
select no_such_column
select * from no_such_table
select no_such_function(1)
select 1 +
selec 1
select 'a' + 1
select 1 / (select 0)
select (select x from (values (1), (2)) t(x))
select x from (values (1)) t(x) group by 1 having y > 1
select x from (values (1, 2)) t(x, y) group by 1 having y > 1
select sum(x), x from (values (1)) t(x)
select 1::int + 'x'
select '2024-13-01'::date
select 'x'::bool
select ln(0)
select ln(-1)
select sqrt(-1)
select power(0, -1)
select array[1, 2][1][1]
select repeat('x', -1)
select substring('abc', 1, -1)
select chr(0)
select x from (values (1)) t(x) order by y
select 1 from (values (1)) t(x) limit -1
select 1 limit 'a'
select * from (values (1)) t(x) join (values (2)) s(x) using (x, y)
select '{"a":'::json
select '[1,2'::jsonb
select to_number('abc', '999')
select to_number('12,454.8-', '99G999D9S')
select 'a' collate "no_such_collation"
select cast('1' as no_such_type)
select interval 'x'
select date '2024-01-01' + date '2024-01-02'
select make_date(2024, 2, 30)

-- over column values
select gcd(x, y), lcm(x, y), sign(x), sign(z), sign(z::float8) from (values (12, 18, -2.5)) t(x, y, z)
select d - e from (values (date '2024-03-15', date '2024-03-01')) t(d, e)
select decode(s, 'hex'), decode(s, 'base64') from (values ('6162')) t(s)
select extract(second from ts), extract(epoch from ts), extract(milliseconds from ts), date_part('second', ts) from (values (timestamp '2024-03-15 10:11:12.5')) t(ts)
select extract(epoch from d), extract(month from d), date_part('epoch', d) from (values (date '2024-03-15')) t(d)
select extract(second from i), extract(epoch from i) from (values (interval '1 minute 3.5 seconds')) t(i)
select json_build_object(k, v), json_build_array(k, v) from (values ('a', 1), ('b', null)) t(k, v) order by k
select sum(x), sum(y), sum(z), sum(x::int2) from (values (1, 10000000000, 1.5)) t(x, y, z)
select x, sum(x) over (order by x), sum(y) over (), ntile(2) over (order by x) from (values (1, 10000000000), (2, 1)) t(x, y) order by x
select round(x), round(-x), round(y), round(z) from (values (2.5::float8, 2.5, 3.5::float4)) t(x, y, z)
select exp(x), ln(x), power(x, 2), x ^ 2, sqrt(x) from (values (2::float8)) t(x)
select exp(x) from (values (1.5)) t(x)
select power(1 + rate, years) as growth from (values (0.05, 10), (0.035, 30), (-0.02, 3)) t(rate, years)
select 100.00 * sum(case when k like 'P%' then p * (1 - d) else 0 end) / sum(p * (1 - d)) as share from (values ('PX', 10.50, 0.05, date '1995-09-10'), ('Q', 4.25, 0.10, date '1995-09-20'), ('PY', 3.00, 0.00, date '1995-11-01')) t(k, p, d, s) where s >= date '1995-09-01' and s < date '1995-09-01' + interval '1 month'
select sum(p) / count(*) as q, (date '2024-01-31' + interval '1 month')::date as m, timestamp '2024-03-15 10:00' - interval '90 minutes' as t from (values (1.50), (2.25)) v(p)
select sum(p) / count(*) as q, (date '2024-03-15' - date '2024-03-01') + 1e308::float8 + 1e308::float8 as f from (values (1.50), (2.25)) v(p)
select sqrt(amount), round(sqrt(amount), 2) from (values (2.25::numeric(10, 2)), (10.00), (0.01)) t(amount)
select ln(x), log(x), log10(x), log(2.0, x) from (values (1000.0000), (0.5000), (1.0001)) t(x)
select x ^ 0.5, x ^ 2, exp(x) from (values (2.00), (9.00), (0.25)) t(x)
select power(x, 1.5), 2.0 ^ 10, exp(-x) from (values (4.00), (0.10)) t(x)
select exp(7000.0)
select ln(0.0)
select log(1.0, 10)
select power(0.0, -2)
select sqrt(-4.0)
select power(-8.0, 0.5)
select exp(x) * 2, log10(x) + 1 from (values (1.5)) t(x)
select log(2, 8) + 1
select * from (values (1, 'a'), (2, 'b')) v order by 1
select s::varchar(2), s::char(4), length(s::char(4)), s::char(4) = 'abc', s::char(2) || '|' from (values ('abc')) t(s)
select cast(s as varchar(2)), cast(s as char(4)), cast('abc' as char(2)) || '|' from (values ('abc')) t(s)
select CAST(x AS text), cast(y as text), CAST(1.0::float8 AS text), cast(x as text) || 'z' from (values (1.0::float8, 0.1::float4)) t(x, y)
select cast(1e20::float8 as text), cast(-0.0::float8 as text), cast('Infinity'::float8 as text), cast('NaN'::float8 as text), cast(1.50 as text)
-- NULL arguments
select round(NULL::numeric), sign(NULL::numeric), abs(NULL::numeric(12,2))
select 1.5 - NULL, NULL + 2.5, 1.5 * NULL::int
select NULL::numeric(12,2) * 2, CAST(NULL AS numeric) / 4, 2.5::numeric % NULL::int
select x - NULL, round(x - NULL::numeric, 1) from (values (1.25::numeric(12,2)), (null)) t(x)
select round(2.5, NULL::int), round(NULL::numeric, 2), trunc(NULL::numeric, 1)
select 'a' || NULL::text, NULL::text || 'b', 'c' || NULL
select width_bucket(5, NULL, 10, 2), width_bucket(NULL::numeric, 0, 10, 2), width_bucket(NULL::int, array[1, 3])
select '{"a": 1}'::jsonb ? NULL, NULL::jsonb ? 'a', '{"a": 1}'::jsonb ?| NULL::text[]
select greatest(NULL::int, 3), least(2.5, NULL::numeric(12,2)), coalesce(NULL::numeric, 1.5) + 1
select NULL::date - '2024-01-01'::date, '2024-03-15'::date - NULL::int, NULL::timestamp - '1 day'::interval
select make_interval(days => NULL), justify_hours(NULL::interval), to_char(NULL::timestamp, 'YYYY')
select upper(NULL::text), length(NULL::text), substring(NULL::text, 2), lpad(NULL::text, 4)
select mod(7, 3), mod(-7.5, 2), mod(7::bigint, 2), 7.5 % 2, div(7, 2), div(-7.5, 2), mod(2.5, 1.25)
select mod(2.5::float8, 7)
select div(7, 2.5::float8)
select trunc(7, 1), trunc(2.5, 3), trunc(-2.567, 2), trunc(1234.5, -2), trunc(NULL::int, 1)
select trunc(2.5::float8, 1)
select quote_ident('select'), quote_ident('Hello'), quote_literal('it''s'), quote_literal(42), quote_ident(NULL::text)
select overlay('abcdef' placing 'XY' from 2 for 3), overlay('abc' placing 'Z' from 2), repeat('ab', 3), repeat('ab', -1)
select string_to_array('a,b', ','), string_to_array('', ','), string_to_array('abc', ''), string_to_array('abc', NULL), string_to_array('a,,b', ',')
select extract(second from '2024-03-15 10:30:00.5'::timestamp), extract(millisecond from '2024-03-15 10:30:00'::timestamp), extract(epoch from '2024-03-15'::date)
select array_remove('{1,2,2}'::int[], 2), array_replace('{a,b}'::text[], 'a', 'z'), array_to_string('{a,NULL,b}'::text[], ','), array_to_string(ARRAY['a', NULL], ',', '*')
select 7 = any('{1,7}'::int[]), 7 = any('{1,NULL}'::int[]), 7 = any('{}'::int[]), 3 > all('{1,2}'::int[]), 7 <> any(NULL::int[]), 7 = all(NULL::int[])
select x = any(array[1, 2]) from (values (1), (3)) v(x)
select '{1}'::int[] || '{2}'::int[], array[1, 2] || array[3], ARRAY[1] || NULL::int[] || ARRAY[2], '{"a":1}'::jsonb || NULL
select nullif('a'::text, 'x'), nullif(NULL, 1), nullif(NULL, 'x'), nullif(NULL, 2.5)
select (select sum(x) from (values (1), (2)) v(x)), (select sum(x) from (values (1::bigint), (2)) v(x))
-- issue 14: jsonb operators, bytea hashes, bit strings, date_trunc, pg_typeof, LIKE escapes, arrays as text, char(n), float4
select '{"a":1}'::jsonb || '{"b":2}'
select '[1]'::jsonb || '[2]'::jsonb
select '{"a":1}'::jsonb || '[2]', '1'::jsonb || '2'::jsonb, '{}'::jsonb || '{"a":null}'
select '[1]'::jsonb || '{"a":2}'::jsonb || '3'
select '{"a":1,"b":2}'::jsonb || '{"b":3}'::jsonb
select pg_typeof('{"a":1}'::jsonb || '{"b":2}')
select to_jsonb(1.50::numeric), to_json(1.50::numeric), to_jsonb(x), to_json(x), jsonb_build_object('a', x), json_build_array(x, 2.0) from (values (-2.50::numeric(12,2)), (null)) t(x)
select json_agg(x), jsonb_agg(x), json_object_agg('k', x), to_jsonb(array_agg(x)) from (values (1.50::numeric(10,2)), (2.25)) t(x)
select '{"a":1}'::jsonb || 'x'::text
select '{"a":1,"b":2}'::jsonb - 'a', '["a","b"]'::jsonb - 1
select '{"a":1}'::jsonb ? 'a', '{"a":1}'::jsonb ?| array['b','a'], '{"a":1}'::jsonb ?& array['a','b']
select '{"a":1,"b":2}'::jsonb @> '{"a":1}', '{"a":1}'::jsonb <@ '{"a":1,"b":2}'::jsonb
select '{"a":{"b":[1,2]}}'::jsonb #> '{a,b}', '{"a":{"b":[1,2]}}'::jsonb #>> '{a,b,1}'
select sha256('abc'::bytea)
select md5('abc'), md5('abc'::bytea)
select encode(sha256('abc'::bytea), 'hex'), encode('abc'::bytea, 'base64')
select sha512('abc'::bytea)
select length('abc'::bytea), octet_length('abc'), decode('616263', 'hex')
select 255::bit(8), 5::bit(4)
select '101'::bit(3)
select date_trunc('quarter', date '2024-05-05')
select date_trunc('day', timestamp '2024-05-05 10:00'), date_trunc('month', timestamptz '2024-05-05 10:00+00')
select date_trunc('week', date '2024-05-05')
select pg_typeof(1.5), pg_typeof('a'), pg_typeof(1.5::float8), pg_typeof(now()::timestamp), pg_typeof(10::numeric)
select pg_typeof(now()), pg_typeof(1), pg_typeof(1::bigint), pg_typeof(true), pg_typeof(current_date), pg_typeof(interval '1 day')
select pg_typeof('a'::text), pg_typeof(array[1]), pg_typeof('{}'::jsonb), pg_typeof('{}'::json), pg_typeof(1::float4), pg_typeof(null)
select pg_typeof(jsonb_build_object('a', 1)), pg_typeof(date_trunc('month', date '2024-05-05'))
select 'a_b' like 'a\_b', 'a_b' ilike 'A\_B', 'axb' not like 'a\_b', 'a_b' ~~ 'a\_b'
select 'a%' not ilike 'A\%', 'a\b' like 'a\\b', 'a_b' like 'a\\_b'
select 'a_b' like 'a\_b' escape '#', 'abc' like 'a%', 'abc' like '_b_'
select 'ab\' like 'ab\'
select array['a','b']::text, array[1,2]::text
select string_to_array('a,b', ',')::text, array['a b', null, '', 'x"y']::text
select array[true, false]::text, array[1.5::float8, 2]::text
select x::text from (values (array[1, 2])) t(x)
select length('a '::char(3)), 'a'::char(3) = 'a  ', 'a '::char(3) || 'b', 'a'::char(3)
select 'ab'::char(3) > 'ab ', 'abcd'::char(2), 'abcd'::varchar(2)
select pg_typeof('a'::varchar), pg_typeof('a'::varchar(3)), pg_typeof('a'::char(3)), pg_typeof(cast('a' as character varying(2))), pg_typeof('a'::char), pg_typeof('a'::varchar || 'b')
select octet_length('ab '::char(5)), length('ab '::char(5)), char_length('ab'::char(5)), octet_length('é'::char(3)), octet_length(cast('ab' as char(4))), octet_length('ab'::varchar(5))
select octet_length(x::char(6)), length(x::char(6)), pg_typeof(x::varchar(2)) from (values ('ab'), (null)) t(x)
select 1 / 3::float4, 2::float4 * 1.5, 0.1::float4 + 1, 3::float4 - 1
select 1.5::float4 * 2::float4, pg_typeof(1 / 3::float4), pg_typeof(1::float4 + 1::float4)
select round(7), round(-3::bigint), trunc(7), trunc(-3::bigint), round(x), trunc(x) from (values (5::int)) v(x)
select round(5::int2) / 2, trunc(7) / 2, round(2.5::numeric), trunc(-2.7::numeric), trunc(-2.7::float8), trunc(3.789, 2)
