package pgcatalog

// pgTypes are the rows of the emulated pg_type: the types lakegate's
// columns and results use, the ones clients look up by name or OID, and
// their array types, exactly as PostgreSQL 15 has them. Generated from a
// PostgreSQL 15 server with
//
//	select format('{%s, %L, %s, %s, %L, %L, %s, %L, %L, %s, %s, %L, %L, %L, %L, %L, %L, %L, %L, %L, %s, %L},',
//	  oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typdelim, typsubscript, typelem,
//	  typarray, typinput, typoutput, typreceive, typsend, typmodin, typmodout, typanalyze, typalign,
//	  typstorage, typcollation, format_type(oid, NULL))
//	from pg_type where oid in (<the types below>) or typelem in (<the same>) and typcategory = 'A'
//	order by oid
var pgTypes = []pgTypeInfo{
	{16, "bool", 1, true, "b", "B", true, ",", "-", 0, 1000, "boolin", "boolout", "boolrecv", "boolsend", "-", "-", "-", "c", "p", 0, "boolean"},
	{17, "bytea", -1, false, "b", "U", false, ",", "-", 0, 1001, "byteain", "byteaout", "bytearecv", "byteasend", "-", "-", "-", "i", "x", 0, "bytea"},
	{18, "char", 1, true, "b", "Z", false, ",", "-", 0, 1002, "charin", "charout", "charrecv", "charsend", "-", "-", "-", "c", "p", 0, `"char"`},
	{19, "name", 64, false, "b", "S", false, ",", "raw_array_subscript_handler", 18, 1003, "namein", "nameout", "namerecv", "namesend", "-", "-", "-", "c", "p", 950, "name"},
	{20, "int8", 8, true, "b", "N", false, ",", "-", 0, 1016, "int8in", "int8out", "int8recv", "int8send", "-", "-", "-", "d", "p", 0, "bigint"},
	{21, "int2", 2, true, "b", "N", false, ",", "-", 0, 1005, "int2in", "int2out", "int2recv", "int2send", "-", "-", "-", "s", "p", 0, "smallint"},
	{22, "int2vector", -1, false, "b", "A", false, ",", "array_subscript_handler", 21, 1006, "int2vectorin", "int2vectorout", "int2vectorrecv", "int2vectorsend", "-", "-", "-", "i", "p", 0, "int2vector"},
	{23, "int4", 4, true, "b", "N", false, ",", "-", 0, 1007, "int4in", "int4out", "int4recv", "int4send", "-", "-", "-", "i", "p", 0, "integer"},
	{24, "regproc", 4, true, "b", "N", false, ",", "-", 0, 1008, "regprocin", "regprocout", "regprocrecv", "regprocsend", "-", "-", "-", "i", "p", 0, "regproc"},
	{25, "text", -1, false, "b", "S", true, ",", "-", 0, 1009, "textin", "textout", "textrecv", "textsend", "-", "-", "-", "i", "x", 100, "text"},
	{26, "oid", 4, true, "b", "N", true, ",", "-", 0, 1028, "oidin", "oidout", "oidrecv", "oidsend", "-", "-", "-", "i", "p", 0, "oid"},
	{27, "tid", 6, false, "b", "U", false, ",", "-", 0, 1010, "tidin", "tidout", "tidrecv", "tidsend", "-", "-", "-", "s", "p", 0, "tid"},
	{28, "xid", 4, true, "b", "U", false, ",", "-", 0, 1011, "xidin", "xidout", "xidrecv", "xidsend", "-", "-", "-", "i", "p", 0, "xid"},
	{29, "cid", 4, true, "b", "U", false, ",", "-", 0, 1012, "cidin", "cidout", "cidrecv", "cidsend", "-", "-", "-", "i", "p", 0, "cid"},
	{30, "oidvector", -1, false, "b", "A", false, ",", "array_subscript_handler", 26, 1013, "oidvectorin", "oidvectorout", "oidvectorrecv", "oidvectorsend", "-", "-", "-", "i", "p", 0, "oidvector"},
	{114, "json", -1, false, "b", "U", false, ",", "-", 0, 199, "json_in", "json_out", "json_recv", "json_send", "-", "-", "-", "i", "x", 0, "json"},
	{142, "xml", -1, false, "b", "U", false, ",", "-", 0, 143, "xml_in", "xml_out", "xml_recv", "xml_send", "-", "-", "-", "i", "x", 0, "xml"},
	{143, "_xml", -1, false, "b", "A", false, ",", "array_subscript_handler", 142, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "xml[]"},
	{194, "pg_node_tree", -1, false, "b", "Z", false, ",", "-", 0, 0, "pg_node_tree_in", "pg_node_tree_out", "pg_node_tree_recv", "pg_node_tree_send", "-", "-", "-", "i", "x", 100, "pg_node_tree"},
	{199, "_json", -1, false, "b", "A", false, ",", "array_subscript_handler", 114, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "json[]"},
	{600, "point", 16, false, "b", "G", false, ",", "raw_array_subscript_handler", 701, 1017, "point_in", "point_out", "point_recv", "point_send", "-", "-", "-", "d", "p", 0, "point"},
	{650, "cidr", -1, false, "b", "I", false, ",", "-", 0, 651, "cidr_in", "cidr_out", "cidr_recv", "cidr_send", "-", "-", "-", "i", "m", 0, "cidr"},
	{651, "_cidr", -1, false, "b", "A", false, ",", "array_subscript_handler", 650, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "cidr[]"},
	{700, "float4", 4, true, "b", "N", false, ",", "-", 0, 1021, "float4in", "float4out", "float4recv", "float4send", "-", "-", "-", "i", "p", 0, "real"},
	{701, "float8", 8, true, "b", "N", true, ",", "-", 0, 1022, "float8in", "float8out", "float8recv", "float8send", "-", "-", "-", "d", "p", 0, "double precision"},
	{705, "unknown", -2, false, "p", "X", false, ",", "-", 0, 0, "unknownin", "unknownout", "unknownrecv", "unknownsend", "-", "-", "-", "c", "p", 0, "unknown"},
	{790, "money", 8, true, "b", "N", false, ",", "-", 0, 791, "cash_in", "cash_out", "cash_recv", "cash_send", "-", "-", "-", "d", "p", 0, "money"},
	{791, "_money", -1, false, "b", "A", false, ",", "array_subscript_handler", 790, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "d", "x", 0, "money[]"},
	{829, "macaddr", 6, false, "b", "U", false, ",", "-", 0, 1040, "macaddr_in", "macaddr_out", "macaddr_recv", "macaddr_send", "-", "-", "-", "i", "p", 0, "macaddr"},
	{869, "inet", -1, false, "b", "I", true, ",", "-", 0, 1041, "inet_in", "inet_out", "inet_recv", "inet_send", "-", "-", "-", "i", "m", 0, "inet"},
	{1000, "_bool", -1, false, "b", "A", false, ",", "array_subscript_handler", 16, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "boolean[]"},
	{1001, "_bytea", -1, false, "b", "A", false, ",", "array_subscript_handler", 17, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "bytea[]"},
	{1002, "_char", -1, false, "b", "A", false, ",", "array_subscript_handler", 18, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, `"char"[]`},
	{1003, "_name", -1, false, "b", "A", false, ",", "array_subscript_handler", 19, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 950, "name[]"},
	{1005, "_int2", -1, false, "b", "A", false, ",", "array_subscript_handler", 21, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "smallint[]"},
	{1006, "_int2vector", -1, false, "b", "A", false, ",", "array_subscript_handler", 22, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "int2vector[]"},
	{1007, "_int4", -1, false, "b", "A", false, ",", "array_subscript_handler", 23, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "integer[]"},
	{1008, "_regproc", -1, false, "b", "A", false, ",", "array_subscript_handler", 24, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "regproc[]"},
	{1009, "_text", -1, false, "b", "A", false, ",", "array_subscript_handler", 25, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 100, "text[]"},
	{1010, "_tid", -1, false, "b", "A", false, ",", "array_subscript_handler", 27, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "tid[]"},
	{1011, "_xid", -1, false, "b", "A", false, ",", "array_subscript_handler", 28, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "xid[]"},
	{1012, "_cid", -1, false, "b", "A", false, ",", "array_subscript_handler", 29, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "cid[]"},
	{1013, "_oidvector", -1, false, "b", "A", false, ",", "array_subscript_handler", 30, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "oidvector[]"},
	{1014, "_bpchar", -1, false, "b", "A", false, ",", "array_subscript_handler", 1042, 0, "array_in", "array_out", "array_recv", "array_send", "bpchartypmodin", "bpchartypmodout", "array_typanalyze", "i", "x", 100, "character[]"},
	{1015, "_varchar", -1, false, "b", "A", false, ",", "array_subscript_handler", 1043, 0, "array_in", "array_out", "array_recv", "array_send", "varchartypmodin", "varchartypmodout", "array_typanalyze", "i", "x", 100, "character varying[]"},
	{1016, "_int8", -1, false, "b", "A", false, ",", "array_subscript_handler", 20, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "d", "x", 0, "bigint[]"},
	{1017, "_point", -1, false, "b", "A", false, ",", "array_subscript_handler", 600, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "d", "x", 0, "point[]"},
	{1021, "_float4", -1, false, "b", "A", false, ",", "array_subscript_handler", 700, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "real[]"},
	{1022, "_float8", -1, false, "b", "A", false, ",", "array_subscript_handler", 701, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "d", "x", 0, "double precision[]"},
	{1028, "_oid", -1, false, "b", "A", false, ",", "array_subscript_handler", 26, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "oid[]"},
	{1033, "aclitem", 12, false, "b", "U", false, ",", "-", 0, 1034, "aclitemin", "aclitemout", "-", "-", "-", "-", "-", "i", "p", 0, "aclitem"},
	{1034, "_aclitem", -1, false, "b", "A", false, ",", "array_subscript_handler", 1033, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "aclitem[]"},
	{1040, "_macaddr", -1, false, "b", "A", false, ",", "array_subscript_handler", 829, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "macaddr[]"},
	{1041, "_inet", -1, false, "b", "A", false, ",", "array_subscript_handler", 869, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "inet[]"},
	{1042, "bpchar", -1, false, "b", "S", false, ",", "-", 0, 1014, "bpcharin", "bpcharout", "bpcharrecv", "bpcharsend", "bpchartypmodin", "bpchartypmodout", "-", "i", "x", 100, "character"},
	{1043, "varchar", -1, false, "b", "S", false, ",", "-", 0, 1015, "varcharin", "varcharout", "varcharrecv", "varcharsend", "varchartypmodin", "varchartypmodout", "-", "i", "x", 100, "character varying"},
	{1082, "date", 4, true, "b", "D", false, ",", "-", 0, 1182, "date_in", "date_out", "date_recv", "date_send", "-", "-", "-", "i", "p", 0, "date"},
	{1083, "time", 8, true, "b", "D", false, ",", "-", 0, 1183, "time_in", "time_out", "time_recv", "time_send", "timetypmodin", "timetypmodout", "-", "d", "p", 0, "time without time zone"},
	{1114, "timestamp", 8, true, "b", "D", false, ",", "-", 0, 1115, "timestamp_in", "timestamp_out", "timestamp_recv", "timestamp_send", "timestamptypmodin", "timestamptypmodout", "-", "d", "p", 0, "timestamp without time zone"},
	{1115, "_timestamp", -1, false, "b", "A", false, ",", "array_subscript_handler", 1114, 0, "array_in", "array_out", "array_recv", "array_send", "timestamptypmodin", "timestamptypmodout", "array_typanalyze", "d", "x", 0, "timestamp without time zone[]"},
	{1182, "_date", -1, false, "b", "A", false, ",", "array_subscript_handler", 1082, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "date[]"},
	{1183, "_time", -1, false, "b", "A", false, ",", "array_subscript_handler", 1083, 0, "array_in", "array_out", "array_recv", "array_send", "timetypmodin", "timetypmodout", "array_typanalyze", "d", "x", 0, "time without time zone[]"},
	{1184, "timestamptz", 8, true, "b", "D", true, ",", "-", 0, 1185, "timestamptz_in", "timestamptz_out", "timestamptz_recv", "timestamptz_send", "timestamptztypmodin", "timestamptztypmodout", "-", "d", "p", 0, "timestamp with time zone"},
	{1185, "_timestamptz", -1, false, "b", "A", false, ",", "array_subscript_handler", 1184, 0, "array_in", "array_out", "array_recv", "array_send", "timestamptztypmodin", "timestamptztypmodout", "array_typanalyze", "d", "x", 0, "timestamp with time zone[]"},
	{1186, "interval", 16, false, "b", "T", true, ",", "-", 0, 1187, "interval_in", "interval_out", "interval_recv", "interval_send", "intervaltypmodin", "intervaltypmodout", "-", "d", "p", 0, "interval"},
	{1187, "_interval", -1, false, "b", "A", false, ",", "array_subscript_handler", 1186, 0, "array_in", "array_out", "array_recv", "array_send", "intervaltypmodin", "intervaltypmodout", "array_typanalyze", "d", "x", 0, "interval[]"},
	{1231, "_numeric", -1, false, "b", "A", false, ",", "array_subscript_handler", 1700, 0, "array_in", "array_out", "array_recv", "array_send", "numerictypmodin", "numerictypmodout", "array_typanalyze", "i", "x", 0, "numeric[]"},
	{1263, "_cstring", -1, false, "b", "A", false, ",", "array_subscript_handler", 2275, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "cstring[]"},
	{1266, "timetz", 12, false, "b", "D", false, ",", "-", 0, 1270, "timetz_in", "timetz_out", "timetz_recv", "timetz_send", "timetztypmodin", "timetztypmodout", "-", "d", "p", 0, "time with time zone"},
	{1270, "_timetz", -1, false, "b", "A", false, ",", "array_subscript_handler", 1266, 0, "array_in", "array_out", "array_recv", "array_send", "timetztypmodin", "timetztypmodout", "array_typanalyze", "d", "x", 0, "time with time zone[]"},
	{1560, "bit", -1, false, "b", "V", false, ",", "-", 0, 1561, "bit_in", "bit_out", "bit_recv", "bit_send", "bittypmodin", "bittypmodout", "-", "i", "x", 0, "bit"},
	{1561, "_bit", -1, false, "b", "A", false, ",", "array_subscript_handler", 1560, 0, "array_in", "array_out", "array_recv", "array_send", "bittypmodin", "bittypmodout", "array_typanalyze", "i", "x", 0, "bit[]"},
	{1562, "varbit", -1, false, "b", "V", true, ",", "-", 0, 1563, "varbit_in", "varbit_out", "varbit_recv", "varbit_send", "varbittypmodin", "varbittypmodout", "-", "i", "x", 0, "bit varying"},
	{1563, "_varbit", -1, false, "b", "A", false, ",", "array_subscript_handler", 1562, 0, "array_in", "array_out", "array_recv", "array_send", "varbittypmodin", "varbittypmodout", "array_typanalyze", "i", "x", 0, "bit varying[]"},
	{1700, "numeric", -1, false, "b", "N", false, ",", "-", 0, 1231, "numeric_in", "numeric_out", "numeric_recv", "numeric_send", "numerictypmodin", "numerictypmodout", "-", "i", "m", 0, "numeric"},
	{2202, "regprocedure", 4, true, "b", "N", false, ",", "-", 0, 2207, "regprocedurein", "regprocedureout", "regprocedurerecv", "regproceduresend", "-", "-", "-", "i", "p", 0, "regprocedure"},
	{2203, "regoper", 4, true, "b", "N", false, ",", "-", 0, 2208, "regoperin", "regoperout", "regoperrecv", "regopersend", "-", "-", "-", "i", "p", 0, "regoper"},
	{2205, "regclass", 4, true, "b", "N", false, ",", "-", 0, 2210, "regclassin", "regclassout", "regclassrecv", "regclasssend", "-", "-", "-", "i", "p", 0, "regclass"},
	{2206, "regtype", 4, true, "b", "N", false, ",", "-", 0, 2211, "regtypein", "regtypeout", "regtyperecv", "regtypesend", "-", "-", "-", "i", "p", 0, "regtype"},
	{2207, "_regprocedure", -1, false, "b", "A", false, ",", "array_subscript_handler", 2202, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "regprocedure[]"},
	{2208, "_regoper", -1, false, "b", "A", false, ",", "array_subscript_handler", 2203, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "regoper[]"},
	{2210, "_regclass", -1, false, "b", "A", false, ",", "array_subscript_handler", 2205, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "regclass[]"},
	{2211, "_regtype", -1, false, "b", "A", false, ",", "array_subscript_handler", 2206, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "regtype[]"},
	{2249, "record", -1, false, "p", "P", false, ",", "-", 0, 2287, "record_in", "record_out", "record_recv", "record_send", "-", "-", "-", "d", "x", 0, "record"},
	{2275, "cstring", -2, false, "p", "P", false, ",", "-", 0, 1263, "cstring_in", "cstring_out", "cstring_recv", "cstring_send", "-", "-", "-", "c", "p", 0, "cstring"},
	{2276, "any", 4, true, "p", "P", false, ",", "-", 0, 0, "any_in", "any_out", "-", "-", "-", "-", "-", "i", "p", 0, `"any"`},
	{2277, "anyarray", -1, false, "p", "P", false, ",", "-", 0, 0, "anyarray_in", "anyarray_out", "anyarray_recv", "anyarray_send", "-", "-", "-", "d", "x", 0, "anyarray"},
	{2278, "void", 4, true, "p", "P", false, ",", "-", 0, 0, "void_in", "void_out", "void_recv", "void_send", "-", "-", "-", "i", "p", 0, "void"},
	{2279, "trigger", 4, true, "p", "P", false, ",", "-", 0, 0, "trigger_in", "trigger_out", "-", "-", "-", "-", "-", "i", "p", 0, "trigger"},
	{2281, "internal", 8, true, "p", "P", false, ",", "-", 0, 0, "internal_in", "internal_out", "-", "-", "-", "-", "-", "d", "p", 0, "internal"},
	{2283, "anyelement", 4, true, "p", "P", false, ",", "-", 0, 0, "anyelement_in", "anyelement_out", "-", "-", "-", "-", "-", "i", "p", 0, "anyelement"},
	{2950, "uuid", 16, false, "b", "U", false, ",", "-", 0, 2951, "uuid_in", "uuid_out", "uuid_recv", "uuid_send", "-", "-", "-", "c", "p", 0, "uuid"},
	{2951, "_uuid", -1, false, "b", "A", false, ",", "array_subscript_handler", 2950, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "uuid[]"},
	{3220, "pg_lsn", 8, true, "b", "U", false, ",", "-", 0, 3221, "pg_lsn_in", "pg_lsn_out", "pg_lsn_recv", "pg_lsn_send", "-", "-", "-", "d", "p", 0, "pg_lsn"},
	{3221, "_pg_lsn", -1, false, "b", "A", false, ",", "array_subscript_handler", 3220, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "d", "x", 0, "pg_lsn[]"},
	{3614, "tsvector", -1, false, "b", "U", false, ",", "-", 0, 3643, "tsvectorin", "tsvectorout", "tsvectorrecv", "tsvectorsend", "-", "-", "ts_typanalyze", "i", "x", 0, "tsvector"},
	{3643, "_tsvector", -1, false, "b", "A", false, ",", "array_subscript_handler", 3614, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "tsvector[]"},
	{3802, "jsonb", -1, false, "b", "U", false, ",", "jsonb_subscript_handler", 0, 3807, "jsonb_in", "jsonb_out", "jsonb_recv", "jsonb_send", "-", "-", "-", "i", "x", 0, "jsonb"},
	{3807, "_jsonb", -1, false, "b", "A", false, ",", "array_subscript_handler", 3802, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "jsonb[]"},
	{4089, "regnamespace", 4, true, "b", "N", false, ",", "-", 0, 4090, "regnamespacein", "regnamespaceout", "regnamespacerecv", "regnamespacesend", "-", "-", "-", "i", "p", 0, "regnamespace"},
	{4090, "_regnamespace", -1, false, "b", "A", false, ",", "array_subscript_handler", 4089, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "regnamespace[]"},
	{4096, "regrole", 4, true, "b", "N", false, ",", "-", 0, 4097, "regrolein", "regroleout", "regrolerecv", "regrolesend", "-", "-", "-", "i", "p", 0, "regrole"},
	{4097, "_regrole", -1, false, "b", "A", false, ",", "array_subscript_handler", 4096, 0, "array_in", "array_out", "array_recv", "array_send", "-", "-", "array_typanalyze", "i", "x", 0, "regrole[]"},
}

// pgDomainTypes are information_schema's domains, the declared types of
// its views' columns, as PostgreSQL 15 has them:
//
//	select oid, typname, typlen, typbyval, ..., typbasetype, typtypmod
//	from pg_type where typnamespace = 'information_schema'::regnamespace and typtype = 'd'
var pgDomainTypes = []pgDomainInfo{
	{pgTypeInfo{13221, "cardinal_number", 4, true, "d", "N", false, ",", "-", 0, 13220, "domain_in", "int4out", "domain_recv", "int4send", "-", "-", "-", "i", "p", 0, "information_schema.cardinal_number"}, 23, -1},
	{pgTypeInfo{13224, "character_data", -1, false, "d", "S", false, ",", "-", 0, 13223, "domain_in", "varcharout", "domain_recv", "varcharsend", "-", "-", "-", "i", "x", 950, "information_schema.character_data"}, 1043, -1},
	{pgTypeInfo{13226, "sql_identifier", 64, false, "d", "S", false, ",", "-", 0, 13225, "domain_in", "nameout", "domain_recv", "namesend", "-", "-", "-", "c", "p", 950, "information_schema.sql_identifier"}, 19, -1},
	{pgTypeInfo{13232, "time_stamp", 8, true, "d", "D", false, ",", "-", 0, 13231, "domain_in", "timestamptz_out", "domain_recv", "timestamptz_send", "-", "-", "-", "d", "p", 0, "information_schema.time_stamp"}, 1184, 2},
	{pgTypeInfo{13234, "yes_or_no", -1, false, "d", "S", false, ",", "-", 0, 13233, "domain_in", "varcharout", "domain_recv", "varcharsend", "-", "-", "-", "i", "x", 950, "information_schema.yes_or_no"}, 1043, 7},
}

// pgDomainInfo is a domain's pg_type row.
type pgDomainInfo struct {
	pgTypeInfo
	base   int64 // typbasetype
	typmod int   // typtypmod
}
