package planner

import "strings"

// The emulated system catalogs: their columns, with engine types standing
// in for Postgres ones (oid -> BIGINT, name and "char" -> VARCHAR, arrays
// -> lists). Columns follow PostgreSQL 15 (plus the few later ones psql 16+
// asks for), so client queries bind; relations whose rows lakegate has no
// use for exist empty. See https://www.postgresql.org/docs/15/catalogs.html

type catalogRelation struct {
	name    string
	columns string // "col TYPE, ..."
	oid     int64  // pg_class.oid of the relation itself
}

var pgRelationList = []catalogRelation{
	{"pg_namespace", "oid BIGINT, nspname VARCHAR, nspowner BIGINT, nspacl VARCHAR[]", 2615},
	{"pg_class", `oid BIGINT, relname VARCHAR, relnamespace BIGINT, reltype BIGINT, reloftype BIGINT, relowner BIGINT,
		relam BIGINT, relfilenode BIGINT, reltablespace BIGINT, relpages INTEGER, reltuples REAL, relallvisible INTEGER,
		reltoastrelid BIGINT, relhasindex BOOLEAN, relisshared BOOLEAN, relpersistence VARCHAR, relkind VARCHAR,
		relnatts SMALLINT, relchecks SMALLINT, relhasrules BOOLEAN, relhastriggers BOOLEAN, relhassubclass BOOLEAN,
		relrowsecurity BOOLEAN, relforcerowsecurity BOOLEAN, relispopulated BOOLEAN, relreplident VARCHAR,
		relispartition BOOLEAN, relrewrite BIGINT, relfrozenxid BIGINT, relminmxid BIGINT, relacl VARCHAR[],
		reloptions VARCHAR[], relpartbound VARCHAR`, 1259},
	{"pg_attribute", `attrelid BIGINT, attname VARCHAR, atttypid BIGINT, attstattarget INTEGER, attlen SMALLINT,
		attnum SMALLINT, attndims INTEGER, attcacheoff INTEGER, atttypmod INTEGER, attbyval BOOLEAN, attalign VARCHAR,
		attstorage VARCHAR, attcompression VARCHAR, attnotnull BOOLEAN, atthasdef BOOLEAN, atthasmissing BOOLEAN,
		attidentity VARCHAR, attgenerated VARCHAR, attisdropped BOOLEAN, attislocal BOOLEAN, attinhcount INTEGER,
		attcollation BIGINT, attacl VARCHAR[], attoptions VARCHAR[], attfdwoptions VARCHAR[], attmissingval VARCHAR`, 1249},
	{"pg_type", `oid BIGINT, typname VARCHAR, typnamespace BIGINT, typowner BIGINT, typlen SMALLINT, typbyval BOOLEAN,
		typtype VARCHAR, typcategory VARCHAR, typispreferred BOOLEAN, typisdefined BOOLEAN, typdelim VARCHAR,
		typrelid BIGINT, typsubscript VARCHAR, typelem BIGINT, typarray BIGINT, typinput VARCHAR, typoutput VARCHAR,
		typreceive VARCHAR, typsend VARCHAR, typmodin VARCHAR, typmodout VARCHAR, typanalyze VARCHAR, typalign VARCHAR,
		typstorage VARCHAR, typnotnull BOOLEAN, typbasetype BIGINT, typtypmod INTEGER, typndims INTEGER,
		typcollation BIGINT, typdefaultbin VARCHAR, typdefault VARCHAR, typacl VARCHAR[]`, 1247},
	{"pg_description", "objoid BIGINT, classoid BIGINT, objsubid INTEGER, description VARCHAR", 2609},
	{"pg_shdescription", "objoid BIGINT, classoid BIGINT, description VARCHAR", 2396},
	{"pg_database", `oid BIGINT, datname VARCHAR, datdba BIGINT, encoding INTEGER, datlocprovider VARCHAR,
		datistemplate BOOLEAN, datallowconn BOOLEAN, datconnlimit INTEGER, datfrozenxid BIGINT, datminmxid BIGINT,
		dattablespace BIGINT, datcollate VARCHAR, datctype VARCHAR, daticulocale VARCHAR, daticurules VARCHAR,
		datcollversion VARCHAR, datacl VARCHAR[]`, 1262},
	{"pg_roles", `oid BIGINT, rolname VARCHAR, rolsuper BOOLEAN, rolinherit BOOLEAN, rolcreaterole BOOLEAN,
		rolcreatedb BOOLEAN, rolcanlogin BOOLEAN, rolreplication BOOLEAN, rolconnlimit INTEGER, rolpassword VARCHAR,
		rolvaliduntil TIMESTAMPTZ, rolbypassrls BOOLEAN, rolconfig VARCHAR[]`, 0},
	{"pg_user", `usename VARCHAR, usesysid BIGINT, usecreatedb BOOLEAN, usesuper BOOLEAN, userepl BOOLEAN,
		usebypassrls BOOLEAN, passwd VARCHAR, valuntil TIMESTAMPTZ, useconfig VARCHAR[]`, 0},
	{"pg_auth_members", "roleid BIGINT, member BIGINT, grantor BIGINT, admin_option BOOLEAN", 1261},
	{"pg_am", "oid BIGINT, amname VARCHAR, amhandler VARCHAR, amtype VARCHAR", 2601},
	{"pg_tablespace", "oid BIGINT, spcname VARCHAR, spcowner BIGINT, spcacl VARCHAR[], spcoptions VARCHAR[]", 1213},
	{"pg_settings", `name VARCHAR, setting VARCHAR, unit VARCHAR, category VARCHAR, short_desc VARCHAR,
		extra_desc VARCHAR, context VARCHAR, vartype VARCHAR, source VARCHAR, min_val VARCHAR, max_val VARCHAR,
		enumvals VARCHAR[], boot_val VARCHAR, reset_val VARCHAR, sourcefile VARCHAR, sourceline INTEGER,
		pending_restart BOOLEAN`, 0},
	{"pg_tables", `schemaname VARCHAR, tablename VARCHAR, tableowner VARCHAR, tablespace VARCHAR,
		hasindexes BOOLEAN, hasrules BOOLEAN, hastriggers BOOLEAN, rowsecurity BOOLEAN`, 0},
	{"pg_attrdef", "oid BIGINT, adrelid BIGINT, adnum SMALLINT, adbin VARCHAR", 2604},
	{"pg_index", `indexrelid BIGINT, indrelid BIGINT, indnatts SMALLINT, indnkeyatts SMALLINT, indisunique BOOLEAN,
		indnullsnotdistinct BOOLEAN, indisprimary BOOLEAN, indisexclusion BOOLEAN, indimmediate BOOLEAN,
		indisclustered BOOLEAN, indisvalid BOOLEAN, indcheckxmin BOOLEAN, indisready BOOLEAN, indislive BOOLEAN,
		indisreplident BOOLEAN, indkey SMALLINT[], indcollation BIGINT[], indclass BIGINT[], indoption SMALLINT[],
		indexprs VARCHAR, indpred VARCHAR`, 2610},
	{"pg_constraint", `oid BIGINT, conname VARCHAR, connamespace BIGINT, contype VARCHAR, condeferrable BOOLEAN,
		condeferred BOOLEAN, convalidated BOOLEAN, conrelid BIGINT, contypid BIGINT, conindid BIGINT,
		conparentid BIGINT, confrelid BIGINT, confupdtype VARCHAR, confdeltype VARCHAR, confmatchtype VARCHAR,
		conislocal BOOLEAN, coninhcount INTEGER, connoinherit BOOLEAN, conkey SMALLINT[], confkey SMALLINT[],
		conpfeqop BIGINT[], conppeqop BIGINT[], conffeqop BIGINT[], confdelsetcols SMALLINT[], conexclop BIGINT[],
		conbin VARCHAR`, 2606},
	{"pg_inherits", "inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER, inhdetachpending BOOLEAN", 2611},
	{"pg_trigger", `oid BIGINT, tgrelid BIGINT, tgparentid BIGINT, tgname VARCHAR, tgfoid BIGINT, tgtype SMALLINT,
		tgenabled VARCHAR, tgisinternal BOOLEAN, tgconstrrelid BIGINT, tgconstrindid BIGINT, tgconstraint BIGINT,
		tgdeferrable BOOLEAN, tginitdeferred BOOLEAN, tgnargs SMALLINT, tgattr SMALLINT[], tgargs BLOB,
		tgqual VARCHAR, tgoldtable VARCHAR, tgnewtable VARCHAR`, 2620},
	{"pg_rewrite", "oid BIGINT, rulename VARCHAR, ev_class BIGINT, ev_type VARCHAR, ev_enabled VARCHAR, is_instead BOOLEAN, ev_qual VARCHAR, ev_action VARCHAR", 2618},
	{"pg_policy", `oid BIGINT, polname VARCHAR, polrelid BIGINT, polcmd VARCHAR, polpermissive BOOLEAN,
		polroles BIGINT[], polqual VARCHAR, polwithcheck VARCHAR`, 3256},
	{"pg_statistic_ext", `oid BIGINT, stxrelid BIGINT, stxname VARCHAR, stxnamespace BIGINT, stxowner BIGINT,
		stxstattarget INTEGER, stxkeys SMALLINT[], stxkind VARCHAR[], stxexprs VARCHAR`, 3381},
	{"pg_publication", `oid BIGINT, pubname VARCHAR, pubowner BIGINT, puballtables BOOLEAN, pubinsert BOOLEAN,
		pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN`, 6104},
	{"pg_publication_namespace", "oid BIGINT, pnpubid BIGINT, pnnspid BIGINT", 6237},
	{"pg_publication_rel", "oid BIGINT, prpubid BIGINT, prrelid BIGINT, prqual VARCHAR, prattrs SMALLINT[]", 6106},
	{"pg_proc", `oid BIGINT, proname VARCHAR, pronamespace BIGINT, proowner BIGINT, prolang BIGINT, procost REAL,
		prorows REAL, provariadic BIGINT, prosupport VARCHAR, prokind VARCHAR, prosecdef BOOLEAN, proleakproof BOOLEAN,
		proisstrict BOOLEAN, proretset BOOLEAN, provolatile VARCHAR, proparallel VARCHAR, pronargs SMALLINT,
		pronargdefaults SMALLINT, prorettype BIGINT, proargtypes BIGINT[], proallargtypes BIGINT[],
		proargmodes VARCHAR[], proargnames VARCHAR[], proargdefaults VARCHAR, protrftypes BIGINT[], prosrc VARCHAR,
		probin VARCHAR, prosqlbody VARCHAR, proconfig VARCHAR[], proacl VARCHAR[]`, 1255},
	{"pg_collation", `oid BIGINT, collname VARCHAR, collnamespace BIGINT, collowner BIGINT, collprovider VARCHAR,
		collisdeterministic BOOLEAN, collencoding INTEGER, collcollate VARCHAR, collctype VARCHAR,
		colliculocale VARCHAR, collversion VARCHAR`, 3456},
	{"pg_extension", `oid BIGINT, extname VARCHAR, extowner BIGINT, extnamespace BIGINT, extrelocatable BOOLEAN,
		extversion VARCHAR, extconfig BIGINT[], extcondition VARCHAR[]`, 3079},
	{"pg_enum", "oid BIGINT, enumtypid BIGINT, enumsortorder REAL, enumlabel VARCHAR", 3501},
	{"pg_range", `rngtypid BIGINT, rngsubtype BIGINT, rngmultitypid BIGINT, rngcollation BIGINT, rngsubopc BIGINT,
		rngcanonical VARCHAR, rngsubdiff VARCHAR`, 3541},
	{"pg_depend", `classid BIGINT, objid BIGINT, objsubid INTEGER, refclassid BIGINT, refobjid BIGINT,
		refobjsubid INTEGER, deptype VARCHAR`, 2608},
	{"pg_sequence", `seqrelid BIGINT, seqtypid BIGINT, seqstart BIGINT, seqincrement BIGINT, seqmax BIGINT,
		seqmin BIGINT, seqcache BIGINT, seqcycle BOOLEAN`, 2224},
	{"pg_views", "schemaname VARCHAR, viewname VARCHAR, viewowner VARCHAR, definition VARCHAR", 0},
	{"pg_matviews", `schemaname VARCHAR, matviewname VARCHAR, matviewowner VARCHAR, tablespace VARCHAR,
		hasindexes BOOLEAN, ispopulated BOOLEAN, definition VARCHAR`, 0},
	{"pg_foreign_table", "ftrelid BIGINT, ftserver BIGINT, ftoptions VARCHAR[]", 3118},
	{"pg_partitioned_table", `partrelid BIGINT, partstrat VARCHAR, partnatts SMALLINT, partdefid BIGINT,
		partattrs SMALLINT[], partclass BIGINT[], partcollation BIGINT[], partexprs VARCHAR`, 3350},
	{"pg_event_trigger", "oid BIGINT, evtname VARCHAR, evtevent VARCHAR, evtowner BIGINT, evtfoid BIGINT, evtenabled VARCHAR, evttags VARCHAR[]", 3466},
	{"pg_language", "oid BIGINT, lanname VARCHAR, lanowner BIGINT, lanispl BOOLEAN, lanpltrusted BOOLEAN, lanplcallfoid BIGINT, laninline BIGINT, lanvalidator BIGINT, lanacl VARCHAR[]", 2612},
	{"pg_stat_user_tables", `relid BIGINT, schemaname VARCHAR, relname VARCHAR, seq_scan BIGINT, seq_tup_read BIGINT,
		idx_scan BIGINT, idx_tup_fetch BIGINT, n_tup_ins BIGINT, n_tup_upd BIGINT, n_tup_del BIGINT,
		n_live_tup BIGINT, n_dead_tup BIGINT`, 0},
	{"pg_replication_slots", "slot_name VARCHAR, plugin VARCHAR, slot_type VARCHAR, datoid BIGINT, database VARCHAR, temporary BOOLEAN, active BOOLEAN", 0},
	// lakegate's own helpers for the session macros.
	{"lakegate_owners", "oid BIGINT, rolname VARCHAR", 0},
	{"lakegate_search_path", "pos INTEGER, nspname VARCHAR", 0},
}

var isRelationList = []catalogRelation{
	{"schemata", `catalog_name VARCHAR, schema_name VARCHAR, schema_owner VARCHAR, default_character_set_catalog VARCHAR,
		default_character_set_schema VARCHAR, default_character_set_name VARCHAR, sql_path VARCHAR`, 0},
	{"tables", `table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, table_type VARCHAR,
		self_referencing_column_name VARCHAR, reference_generation VARCHAR, user_defined_type_catalog VARCHAR,
		user_defined_type_schema VARCHAR, user_defined_type_name VARCHAR, is_insertable_into VARCHAR,
		is_typed VARCHAR, commit_action VARCHAR`, 0},
	{"columns", `table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR,
		ordinal_position INTEGER, column_default VARCHAR, is_nullable VARCHAR, data_type VARCHAR,
		character_maximum_length INTEGER, character_octet_length INTEGER, numeric_precision INTEGER,
		numeric_precision_radix INTEGER, numeric_scale INTEGER, datetime_precision INTEGER,
		interval_type VARCHAR, interval_precision INTEGER, character_set_catalog VARCHAR,
		character_set_schema VARCHAR, character_set_name VARCHAR, collation_catalog VARCHAR,
		collation_schema VARCHAR, collation_name VARCHAR, domain_catalog VARCHAR, domain_schema VARCHAR,
		domain_name VARCHAR, udt_catalog VARCHAR, udt_schema VARCHAR, udt_name VARCHAR, scope_catalog VARCHAR,
		scope_schema VARCHAR, scope_name VARCHAR, maximum_cardinality INTEGER, dtd_identifier VARCHAR,
		is_self_referencing VARCHAR, is_identity VARCHAR, identity_generation VARCHAR, identity_start VARCHAR,
		identity_increment VARCHAR, identity_maximum VARCHAR, identity_minimum VARCHAR, identity_cycle VARCHAR,
		is_generated VARCHAR, generation_expression VARCHAR, is_updatable VARCHAR`, 0},
	{"views", `table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, view_definition VARCHAR,
		check_option VARCHAR, is_updatable VARCHAR, is_insertable_into VARCHAR, is_trigger_updatable VARCHAR,
		is_trigger_deletable VARCHAR, is_trigger_insertable_into VARCHAR`, 0},
	{"table_privileges", `grantor VARCHAR, grantee VARCHAR, table_catalog VARCHAR, table_schema VARCHAR,
		table_name VARCHAR, privilege_type VARCHAR, is_grantable VARCHAR, with_hierarchy VARCHAR`, 0},
	{"table_constraints", `constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR,
		table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, constraint_type VARCHAR,
		is_deferrable VARCHAR, initially_deferred VARCHAR, enforced VARCHAR, nulls_distinct VARCHAR`, 0},
	{"key_column_usage", `constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR,
		table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR,
		ordinal_position INTEGER, position_in_unique_constraint INTEGER`, 0},
	{"referential_constraints", `constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR,
		unique_constraint_catalog VARCHAR, unique_constraint_schema VARCHAR, unique_constraint_name VARCHAR,
		match_option VARCHAR, update_rule VARCHAR, delete_rule VARCHAR`, 0},
	{"routines", "specific_catalog VARCHAR, specific_schema VARCHAR, specific_name VARCHAR, routine_catalog VARCHAR, routine_schema VARCHAR, routine_name VARCHAR, routine_type VARCHAR, data_type VARCHAR", 0},
	{"parameters", "specific_catalog VARCHAR, specific_schema VARCHAR, specific_name VARCHAR, ordinal_position INTEGER, parameter_mode VARCHAR, parameter_name VARCHAR, data_type VARCHAR", 0},
	{"character_sets", "character_set_catalog VARCHAR, character_set_schema VARCHAR, character_set_name VARCHAR, character_repertoire VARCHAR, form_of_use VARCHAR, default_collate_catalog VARCHAR, default_collate_schema VARCHAR, default_collate_name VARCHAR", 0},
}

var (
	pgRelations = relationIndex(pgRelationList)
	isRelations = relationIndex(isRelationList)
)

func relationIndex(list []catalogRelation) map[string]*catalogRelation {
	m := make(map[string]*catalogRelation, len(list))
	for i := range list {
		m[list[i].name] = &list[i]
	}
	return m
}

// columnCount is the number of columns of a relation spec.
func (r *catalogRelation) columnCount() int { return strings.Count(r.columns, ",") + 1 }

// pgTypeInfo is one row of the emulated pg_type.
type pgTypeInfo struct {
	oid       int64
	name      string
	display   string // format_type without a typmod
	length    int
	byval     bool
	category  string
	array     int64
	collation int64
	align     string
}

// pgTypes are the types lakegate's columns and results use, plus the ones
// clients look up by name. Array types are derived.
var pgTypes = []pgTypeInfo{
	{16, "bool", "boolean", 1, true, "B", 1000, 0, "c"},
	{17, "bytea", "bytea", -1, false, "U", 1001, 0, "i"},
	{18, "char", `"char"`, 1, true, "Z", 1002, 0, "c"},
	{19, "name", "name", 64, false, "S", 1003, 950, "c"},
	{20, "int8", "bigint", 8, true, "N", 1016, 0, "d"},
	{21, "int2", "smallint", 2, true, "N", 1005, 0, "s"},
	{23, "int4", "integer", 4, true, "N", 1007, 0, "i"},
	{24, "regproc", "regproc", 4, true, "N", 1008, 0, "i"},
	{25, "text", "text", -1, false, "S", 1009, 100, "i"},
	{26, "oid", "oid", 4, true, "N", 1028, 0, "i"},
	{114, "json", "json", -1, false, "U", 199, 0, "i"},
	{700, "float4", "real", 4, true, "N", 1021, 0, "i"},
	{701, "float8", "double precision", 8, true, "N", 1022, 0, "d"},
	{1042, "bpchar", "character", -1, false, "S", 1014, 100, "i"},
	{1043, "varchar", "character varying", -1, false, "S", 1015, 100, "i"},
	{1082, "date", "date", 4, true, "D", 1182, 0, "i"},
	{1083, "time", "time without time zone", 8, true, "D", 1183, 0, "d"},
	{1114, "timestamp", "timestamp without time zone", 8, true, "D", 1115, 0, "d"},
	{1184, "timestamptz", "timestamp with time zone", 8, true, "D", 1185, 0, "d"},
	{1186, "interval", "interval", 16, false, "T", 1187, 0, "d"},
	{1700, "numeric", "numeric", -1, false, "N", 1231, 0, "i"},
	{2205, "regclass", "regclass", 4, true, "N", 2210, 0, "i"},
	{2206, "regtype", "regtype", 4, true, "N", 2211, 0, "i"},
	{2950, "uuid", "uuid", 16, false, "U", 2951, 0, "c"},
	{3802, "jsonb", "jsonb", -1, false, "U", 3807, 0, "i"},
}
