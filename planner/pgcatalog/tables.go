package pgcatalog

import (
	"fmt"
	"strings"
)

// The emulated system catalogs: their columns exactly as PostgreSQL 15
// declares them (generated from a PostgreSQL 15 server: attname and
// format_type of each relation's attributes, in attnum order), and the
// relation's OID there. Engine columns stand in for the Postgres types
// (engineType); relations whose rows lakegate has no use for exist empty.
// See https://www.postgresql.org/docs/15/catalogs.html

// relationSpec is a relation as PostgreSQL 15 declares it.
type relationSpec struct {
	name    string
	columns string // "col pgtype, ..."
	oid     int64  // pg_class.oid of the relation
}

type catalogRelation struct {
	name string
	oid  int64
	cols []catalogColumn
}

type catalogColumn struct {
	name, pgType string
}

var pgRelationSpecs = []relationSpec{
	{"pg_namespace", `oid oid, nspname name, nspowner oid, nspacl aclitem[]`, 2615},
	{"pg_class", `oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid, relfilenode oid, reltablespace oid, relpages integer, reltuples real, relallvisible integer, reltoastrelid oid, relhasindex boolean, relisshared boolean, relpersistence "char", relkind "char", relnatts smallint, relchecks smallint, relhasrules boolean, relhastriggers boolean, relhassubclass boolean, relrowsecurity boolean, relforcerowsecurity boolean, relispopulated boolean, relreplident "char", relispartition boolean, relrewrite oid, relfrozenxid xid, relminmxid xid, relacl aclitem[], reloptions text[], relpartbound pg_node_tree`, 1259},
	{"pg_attribute", `attrelid oid, attname name, atttypid oid, attstattarget integer, attlen smallint, attnum smallint, attndims integer, attcacheoff integer, atttypmod integer, attbyval boolean, attalign "char", attstorage "char", attcompression "char", attnotnull boolean, atthasdef boolean, atthasmissing boolean, attidentity "char", attgenerated "char", attisdropped boolean, attislocal boolean, attinhcount integer, attcollation oid, attacl aclitem[], attoptions text[], attfdwoptions text[], attmissingval anyarray`, 1249},
	{"pg_type", `oid oid, typname name, typnamespace oid, typowner oid, typlen smallint, typbyval boolean, typtype "char", typcategory "char", typispreferred boolean, typisdefined boolean, typdelim "char", typrelid oid, typsubscript regproc, typelem oid, typarray oid, typinput regproc, typoutput regproc, typreceive regproc, typsend regproc, typmodin regproc, typmodout regproc, typanalyze regproc, typalign "char", typstorage "char", typnotnull boolean, typbasetype oid, typtypmod integer, typndims integer, typcollation oid, typdefaultbin pg_node_tree, typdefault text, typacl aclitem[]`, 1247},
	{"pg_description", `objoid oid, classoid oid, objsubid integer, description text`, 2609},
	{"pg_shdescription", `objoid oid, classoid oid, description text`, 2396},
	{"pg_database", `oid oid, datname name, datdba oid, encoding integer, datlocprovider "char", datistemplate boolean, datallowconn boolean, datconnlimit integer, datfrozenxid xid, datminmxid xid, dattablespace oid, datcollate text, datctype text, daticulocale text, datcollversion text, datacl aclitem[], daticurules text, datlocale text`, 1262},
	{"pg_roles", `rolname name, rolsuper boolean, rolinherit boolean, rolcreaterole boolean, rolcreatedb boolean, rolcanlogin boolean, rolreplication boolean, rolconnlimit integer, rolpassword text, rolvaliduntil timestamp with time zone, rolbypassrls boolean, rolconfig text[], oid oid`, 12000},
	{"pg_user", `usename name, usesysid oid, usecreatedb boolean, usesuper boolean, userepl boolean, usebypassrls boolean, passwd text, valuntil timestamp with time zone, useconfig text[]`, 12014},
	{"pg_auth_members", `roleid oid, member oid, grantor oid, admin_option boolean`, 1261},
	{"pg_am", `oid oid, amname name, amhandler regproc, amtype "char"`, 2601},
	{"pg_tablespace", `oid oid, spcname name, spcowner oid, spcacl aclitem[], spcoptions text[]`, 1213},
	{"pg_settings", `name text, setting text, unit text, category text, short_desc text, extra_desc text, context text, vartype text, source text, min_val text, max_val text, enumvals text[], boot_val text, reset_val text, sourcefile text, sourceline integer, pending_restart boolean`, 12104},
	{"pg_tables", `schemaname name, tablename name, tableowner name, tablespace name, hasindexes boolean, hasrules boolean, hastriggers boolean, rowsecurity boolean`, 12033},
	{"pg_attrdef", `oid oid, adrelid oid, adnum smallint, adbin pg_node_tree`, 2604},
	{"pg_index", `indexrelid oid, indrelid oid, indnatts smallint, indnkeyatts smallint, indisunique boolean, indnullsnotdistinct boolean, indisprimary boolean, indisexclusion boolean, indimmediate boolean, indisclustered boolean, indisvalid boolean, indcheckxmin boolean, indisready boolean, indislive boolean, indisreplident boolean, indkey int2vector, indcollation oidvector, indclass oidvector, indoption int2vector, indexprs pg_node_tree, indpred pg_node_tree`, 2610},
	{"pg_constraint", `oid oid, conname name, connamespace oid, contype "char", condeferrable boolean, condeferred boolean, convalidated boolean, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid, confupdtype "char", confdeltype "char", confmatchtype "char", conislocal boolean, coninhcount integer, connoinherit boolean, conkey smallint[], confkey smallint[], conpfeqop oid[], conppeqop oid[], conffeqop oid[], confdelsetcols smallint[], conexclop oid[], conbin pg_node_tree`, 2606},
	{"pg_inherits", `inhrelid oid, inhparent oid, inhseqno integer, inhdetachpending boolean`, 2611},
	{"pg_trigger", `oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype smallint, tgenabled "char", tgisinternal boolean, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable boolean, tginitdeferred boolean, tgnargs smallint, tgattr int2vector, tgargs bytea, tgqual pg_node_tree, tgoldtable name, tgnewtable name`, 2620},
	{"pg_rewrite", `oid oid, rulename name, ev_class oid, ev_type "char", ev_enabled "char", is_instead boolean, ev_qual pg_node_tree, ev_action pg_node_tree`, 2618},
	{"pg_policy", `oid oid, polname name, polrelid oid, polcmd "char", polpermissive boolean, polroles oid[], polqual pg_node_tree, polwithcheck pg_node_tree`, 3256},
	{"pg_statistic_ext", `oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget integer, stxkeys int2vector, stxkind "char"[], stxexprs pg_node_tree`, 3381},
	{"pg_publication", `oid oid, pubname name, pubowner oid, puballtables boolean, pubinsert boolean, pubupdate boolean, pubdelete boolean, pubtruncate boolean, pubviaroot boolean`, 6104},
	{"pg_publication_namespace", `oid oid, pnpubid oid, pnnspid oid`, 6237},
	{"pg_publication_rel", `oid oid, prpubid oid, prrelid oid, prqual pg_node_tree, prattrs int2vector`, 6106},
	{"pg_proc", `oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost real, prorows real, provariadic oid, prosupport regproc, prokind "char", prosecdef boolean, proleakproof boolean, proisstrict boolean, proretset boolean, provolatile "char", proparallel "char", pronargs smallint, pronargdefaults smallint, prorettype oid, proargtypes oidvector, proallargtypes oid[], proargmodes "char"[], proargnames text[], proargdefaults pg_node_tree, protrftypes oid[], prosrc text, probin text, prosqlbody pg_node_tree, proconfig text[], proacl aclitem[]`, 1255},
	{"pg_collation", `oid oid, collname name, collnamespace oid, collowner oid, collprovider "char", collisdeterministic boolean, collencoding integer, collcollate text, collctype text, colliculocale text, collversion text`, 3456},
	{"pg_extension", `oid oid, extname name, extowner oid, extnamespace oid, extrelocatable boolean, extversion text, extconfig oid[], extcondition text[]`, 3079},
	{"pg_enum", `oid oid, enumtypid oid, enumsortorder real, enumlabel name`, 3501},
	{"pg_range", `rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid, rngsubopc oid, rngcanonical regproc, rngsubdiff regproc`, 3541},
	{"pg_depend", `classid oid, objid oid, objsubid integer, refclassid oid, refobjid oid, refobjsubid integer, deptype "char"`, 2608},
	{"pg_sequence", `seqrelid oid, seqtypid oid, seqstart bigint, seqincrement bigint, seqmax bigint, seqmin bigint, seqcache bigint, seqcycle boolean`, 2224},
	{"pg_views", `schemaname name, viewname name, viewowner name, definition text`, 12028},
	{"pg_matviews", `schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes boolean, ispopulated boolean, definition text`, 12038},
	{"pg_foreign_table", `ftrelid oid, ftserver oid, ftoptions text[]`, 3118},
	{"pg_partitioned_table", `partrelid oid, partstrat "char", partnatts smallint, partdefid oid, partattrs int2vector, partclass oidvector, partcollation oidvector, partexprs pg_node_tree`, 3350},
	{"pg_event_trigger", `oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, evtenabled "char", evttags text[]`, 3466},
	{"pg_language", `oid oid, lanname name, lanowner oid, lanispl boolean, lanpltrusted boolean, lanplcallfoid oid, laninline oid, lanvalidator oid, lanacl aclitem[]`, 2612},
	{"pg_stat_user_tables", `relid oid, schemaname name, relname name, seq_scan bigint, seq_tup_read bigint, idx_scan bigint, idx_tup_fetch bigint, n_tup_ins bigint, n_tup_upd bigint, n_tup_del bigint, n_tup_hot_upd bigint, n_live_tup bigint, n_dead_tup bigint, n_mod_since_analyze bigint, n_ins_since_vacuum bigint, last_vacuum timestamp with time zone, last_autovacuum timestamp with time zone, last_analyze timestamp with time zone, last_autoanalyze timestamp with time zone, vacuum_count bigint, autovacuum_count bigint, analyze_count bigint, autoanalyze_count bigint`, 12161},
	{"pg_replication_slots", `slot_name name, plugin name, slot_type text, datoid oid, database name, temporary boolean, active boolean, active_pid integer, xmin xid, catalog_xmin xid, restart_lsn pg_lsn, confirmed_flush_lsn pg_lsn, wal_status text, safe_wal_size bigint, two_phase boolean`, 12257},
	{"pg_indexes", `schemaname name, tablename name, indexname name, tablespace name, indexdef text`, 12043},
	{"pg_stat_activity", `datid oid, datname name, pid integer, leader_pid integer, usesysid oid, usename name, application_name text, client_addr inet, client_hostname text, client_port integer, backend_start timestamp with time zone, xact_start timestamp with time zone, query_start timestamp with time zone, state_change timestamp with time zone, wait_event_type text, wait_event text, state text, backend_xid xid, backend_xmin xid, query_id bigint, query text, backend_type text`, 12222},
	{"pg_opclass", `oid oid, opcmethod oid, opcname name, opcnamespace oid, opcowner oid, opcfamily oid, opcintype oid, opcdefault boolean, opckeytype oid`, 2616},
	{"pg_operator", `oid oid, oprname name, oprnamespace oid, oprowner oid, oprkind "char", oprcanmerge boolean, oprcanhash boolean, oprleft oid, oprright oid, oprresult oid, oprcom oid, oprnegate oid, oprcode regproc, oprrest regproc, oprjoin regproc`, 2617},
	{"pg_cast", `oid oid, castsource oid, casttarget oid, castfunc oid, castcontext "char", castmethod "char"`, 2605},
	{"pg_group", `groname name, grosysid oid, grolist oid[]`, 12010},
	{"pg_stat_database", `datid oid, datname name, numbackends integer, xact_commit bigint, xact_rollback bigint, blks_read bigint, blks_hit bigint, tup_returned bigint, tup_fetched bigint, tup_inserted bigint, tup_updated bigint, tup_deleted bigint, conflicts bigint, temp_files bigint, temp_bytes bigint, deadlocks bigint, checksum_failures bigint, checksum_last_failure timestamp with time zone, blk_read_time double precision, blk_write_time double precision, session_time double precision, active_time double precision, idle_in_transaction_time double precision, sessions bigint, sessions_abandoned bigint, sessions_fatal bigint, sessions_killed bigint, stats_reset timestamp with time zone`, 12266},
	// pg_dump reads these (all empty here).
	{"pg_init_privs", `objoid oid, classoid oid, objsubid integer, privtype "char", initprivs aclitem[]`, 3394},
	{"pg_opfamily", `oid oid, opfmethod oid, opfname name, opfnamespace oid, opfowner oid`, 2753},
	{"pg_ts_parser", `oid oid, prsname name, prsnamespace oid, prsstart regproc, prstoken regproc, prsend regproc, prsheadline regproc, prslextype regproc`, 3601},
	{"pg_ts_template", `oid oid, tmplname name, tmplnamespace oid, tmplinit regproc, tmpllexize regproc`, 3764},
	{"pg_ts_dict", `oid oid, dictname name, dictnamespace oid, dictowner oid, dicttemplate oid, dictinitoption text`, 3600},
	{"pg_ts_config", `oid oid, cfgname name, cfgnamespace oid, cfgowner oid, cfgparser oid`, 3602},
	{"pg_default_acl", `oid oid, defaclrole oid, defaclnamespace oid, defaclobjtype "char", defaclacl aclitem[]`, 826},
	{"pg_conversion", `oid oid, conname name, connamespace oid, conowner oid, conforencoding integer, contoencoding integer, conproc regproc, condefault boolean`, 2607},
	{"pg_transform", `oid oid, trftype oid, trflang oid, trffromsql regproc, trftosql regproc`, 3576},
	{"pg_subscription", `oid oid, subdbid oid, subskiplsn pg_lsn, subname name, subowner oid, subenabled boolean, subbinary boolean, substream boolean, subtwophasestate "char", subdisableonerr boolean, subconninfo text, subslotname name, subsynccommit text, subpublications text[]`, 6100},
	{"pg_seclabels", `objoid oid, classoid oid, objsubid integer, objtype text, objnamespace oid, objname text, provider text, label text`, 12099},
	{"pg_foreign_data_wrapper", `oid oid, fdwname name, fdwowner oid, fdwhandler oid, fdwvalidator oid, fdwacl aclitem[], fdwoptions text[]`, 2328},
	{"pg_foreign_server", `oid oid, srvname name, srvowner oid, srvfdw oid, srvtype text, srvversion text, srvacl aclitem[], srvoptions text[]`, 1417},
	{"pg_amop", `oid oid, amopfamily oid, amoplefttype oid, amoprighttype oid, amopstrategy smallint, amoppurpose "char", amopopr oid, amopmethod oid, amopsortfamily oid`, 2602},
	{"pg_amproc", `oid oid, amprocfamily oid, amproclefttype oid, amprocrighttype oid, amprocnum smallint, amproc regproc`, 2603},
}

var isRelationSpecs = []relationSpec{
	{"schemata", `catalog_name information_schema.sql_identifier, schema_name information_schema.sql_identifier, schema_owner information_schema.sql_identifier, default_character_set_catalog information_schema.sql_identifier, default_character_set_schema information_schema.sql_identifier, default_character_set_name information_schema.sql_identifier, sql_path information_schema.character_data`, 13382},
	{"tables", `table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, table_type information_schema.character_data, self_referencing_column_name information_schema.sql_identifier, reference_generation information_schema.character_data, user_defined_type_catalog information_schema.sql_identifier, user_defined_type_schema information_schema.sql_identifier, user_defined_type_name information_schema.sql_identifier, is_insertable_into information_schema.yes_or_no, is_typed information_schema.yes_or_no, commit_action information_schema.character_data`, 13425},
	{"columns", `table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, column_name information_schema.sql_identifier, ordinal_position information_schema.cardinal_number, column_default information_schema.character_data, is_nullable information_schema.yes_or_no, data_type information_schema.character_data, character_maximum_length information_schema.cardinal_number, character_octet_length information_schema.cardinal_number, numeric_precision information_schema.cardinal_number, numeric_precision_radix information_schema.cardinal_number, numeric_scale information_schema.cardinal_number, datetime_precision information_schema.cardinal_number, interval_type information_schema.character_data, interval_precision information_schema.cardinal_number, character_set_catalog information_schema.sql_identifier, character_set_schema information_schema.sql_identifier, character_set_name information_schema.sql_identifier, collation_catalog information_schema.sql_identifier, collation_schema information_schema.sql_identifier, collation_name information_schema.sql_identifier, domain_catalog information_schema.sql_identifier, domain_schema information_schema.sql_identifier, domain_name information_schema.sql_identifier, udt_catalog information_schema.sql_identifier, udt_schema information_schema.sql_identifier, udt_name information_schema.sql_identifier, scope_catalog information_schema.sql_identifier, scope_schema information_schema.sql_identifier, scope_name information_schema.sql_identifier, maximum_cardinality information_schema.cardinal_number, dtd_identifier information_schema.sql_identifier, is_self_referencing information_schema.yes_or_no, is_identity information_schema.yes_or_no, identity_generation information_schema.character_data, identity_start information_schema.character_data, identity_increment information_schema.character_data, identity_maximum information_schema.character_data, identity_minimum information_schema.character_data, identity_cycle information_schema.yes_or_no, is_generated information_schema.character_data, generation_expression information_schema.character_data, is_updatable information_schema.yes_or_no`, 13295},
	{"views", `table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, view_definition information_schema.character_data, check_option information_schema.character_data, is_updatable information_schema.yes_or_no, is_insertable_into information_schema.yes_or_no, is_trigger_updatable information_schema.yes_or_no, is_trigger_deletable information_schema.yes_or_no, is_trigger_insertable_into information_schema.yes_or_no`, 13483},
	{"table_privileges", `grantor information_schema.sql_identifier, grantee information_schema.sql_identifier, table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, privilege_type information_schema.character_data, is_grantable information_schema.yes_or_no, with_hierarchy information_schema.yes_or_no`, 13416},
	{"table_constraints", `constraint_catalog information_schema.sql_identifier, constraint_schema information_schema.sql_identifier, constraint_name information_schema.sql_identifier, table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, constraint_type information_schema.character_data, is_deferrable information_schema.yes_or_no, initially_deferred information_schema.yes_or_no, enforced information_schema.yes_or_no, nulls_distinct information_schema.yes_or_no`, 13411},
	{"key_column_usage", `constraint_catalog information_schema.sql_identifier, constraint_schema information_schema.sql_identifier, constraint_name information_schema.sql_identifier, table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, column_name information_schema.sql_identifier, ordinal_position information_schema.cardinal_number, position_in_unique_constraint information_schema.cardinal_number`, 13329},
	{"referential_constraints", `constraint_catalog information_schema.sql_identifier, constraint_schema information_schema.sql_identifier, constraint_name information_schema.sql_identifier, unique_constraint_catalog information_schema.sql_identifier, unique_constraint_schema information_schema.sql_identifier, unique_constraint_name information_schema.sql_identifier, match_option information_schema.character_data, update_rule information_schema.character_data, delete_rule information_schema.character_data`, 13339},
	{"routines", `specific_catalog information_schema.sql_identifier, specific_schema information_schema.sql_identifier, specific_name information_schema.sql_identifier, routine_catalog information_schema.sql_identifier, routine_schema information_schema.sql_identifier, routine_name information_schema.sql_identifier, routine_type information_schema.character_data, module_catalog information_schema.sql_identifier, module_schema information_schema.sql_identifier, module_name information_schema.sql_identifier, udt_catalog information_schema.sql_identifier, udt_schema information_schema.sql_identifier, udt_name information_schema.sql_identifier, data_type information_schema.character_data, character_maximum_length information_schema.cardinal_number, character_octet_length information_schema.cardinal_number, character_set_catalog information_schema.sql_identifier, character_set_schema information_schema.sql_identifier, character_set_name information_schema.sql_identifier, collation_catalog information_schema.sql_identifier, collation_schema information_schema.sql_identifier, collation_name information_schema.sql_identifier, numeric_precision information_schema.cardinal_number, numeric_precision_radix information_schema.cardinal_number, numeric_scale information_schema.cardinal_number, datetime_precision information_schema.cardinal_number, interval_type information_schema.character_data, interval_precision information_schema.cardinal_number, type_udt_catalog information_schema.sql_identifier, type_udt_schema information_schema.sql_identifier, type_udt_name information_schema.sql_identifier, scope_catalog information_schema.sql_identifier, scope_schema information_schema.sql_identifier, scope_name information_schema.sql_identifier, maximum_cardinality information_schema.cardinal_number, dtd_identifier information_schema.sql_identifier, routine_body information_schema.character_data, routine_definition information_schema.character_data, external_name information_schema.character_data, external_language information_schema.character_data, parameter_style information_schema.character_data, is_deterministic information_schema.yes_or_no, sql_data_access information_schema.character_data, is_null_call information_schema.yes_or_no, sql_path information_schema.character_data, schema_level_routine information_schema.yes_or_no, max_dynamic_result_sets information_schema.cardinal_number, is_user_defined_cast information_schema.yes_or_no, is_implicitly_invocable information_schema.yes_or_no, security_type information_schema.character_data, to_sql_specific_catalog information_schema.sql_identifier, to_sql_specific_schema information_schema.sql_identifier, to_sql_specific_name information_schema.sql_identifier, as_locator information_schema.yes_or_no, created information_schema.time_stamp, last_altered information_schema.time_stamp, new_savepoint_level information_schema.yes_or_no, is_udt_dependent information_schema.yes_or_no, result_cast_from_data_type information_schema.character_data, result_cast_as_locator information_schema.yes_or_no, result_cast_char_max_length information_schema.cardinal_number, result_cast_char_octet_length information_schema.cardinal_number, result_cast_char_set_catalog information_schema.sql_identifier, result_cast_char_set_schema information_schema.sql_identifier, result_cast_char_set_name information_schema.sql_identifier, result_cast_collation_catalog information_schema.sql_identifier, result_cast_collation_schema information_schema.sql_identifier, result_cast_collation_name information_schema.sql_identifier, result_cast_numeric_precision information_schema.cardinal_number, result_cast_numeric_precision_radix information_schema.cardinal_number, result_cast_numeric_scale information_schema.cardinal_number, result_cast_datetime_precision information_schema.cardinal_number, result_cast_interval_type information_schema.character_data, result_cast_interval_precision information_schema.cardinal_number, result_cast_type_udt_catalog information_schema.sql_identifier, result_cast_type_udt_schema information_schema.sql_identifier, result_cast_type_udt_name information_schema.sql_identifier, result_cast_scope_catalog information_schema.sql_identifier, result_cast_scope_schema information_schema.sql_identifier, result_cast_scope_name information_schema.sql_identifier, result_cast_maximum_cardinality information_schema.cardinal_number, result_cast_dtd_identifier information_schema.sql_identifier`, 13377},
	{"parameters", `specific_catalog information_schema.sql_identifier, specific_schema information_schema.sql_identifier, specific_name information_schema.sql_identifier, ordinal_position information_schema.cardinal_number, parameter_mode information_schema.character_data, is_result information_schema.yes_or_no, as_locator information_schema.yes_or_no, parameter_name information_schema.sql_identifier, data_type information_schema.character_data, character_maximum_length information_schema.cardinal_number, character_octet_length information_schema.cardinal_number, character_set_catalog information_schema.sql_identifier, character_set_schema information_schema.sql_identifier, character_set_name information_schema.sql_identifier, collation_catalog information_schema.sql_identifier, collation_schema information_schema.sql_identifier, collation_name information_schema.sql_identifier, numeric_precision information_schema.cardinal_number, numeric_precision_radix information_schema.cardinal_number, numeric_scale information_schema.cardinal_number, datetime_precision information_schema.cardinal_number, interval_type information_schema.character_data, interval_precision information_schema.cardinal_number, udt_catalog information_schema.sql_identifier, udt_schema information_schema.sql_identifier, udt_name information_schema.sql_identifier, scope_catalog information_schema.sql_identifier, scope_schema information_schema.sql_identifier, scope_name information_schema.sql_identifier, maximum_cardinality information_schema.cardinal_number, dtd_identifier information_schema.sql_identifier, parameter_default information_schema.character_data`, 13334},
	{"character_sets", `character_set_catalog information_schema.sql_identifier, character_set_schema information_schema.sql_identifier, character_set_name information_schema.sql_identifier, character_repertoire information_schema.sql_identifier, form_of_use information_schema.sql_identifier, default_collate_catalog information_schema.sql_identifier, default_collate_schema information_schema.sql_identifier, default_collate_name information_schema.sql_identifier`, 13250},
	{"column_privileges", `grantor information_schema.sql_identifier, grantee information_schema.sql_identifier, table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, column_name information_schema.sql_identifier, privilege_type information_schema.character_data, is_grantable information_schema.yes_or_no`, 13285},
	{"check_constraints", `constraint_catalog information_schema.sql_identifier, constraint_schema information_schema.sql_identifier, constraint_name information_schema.sql_identifier, check_clause information_schema.character_data`, 13260},
	{"constraint_column_usage", `table_catalog information_schema.sql_identifier, table_schema information_schema.sql_identifier, table_name information_schema.sql_identifier, column_name information_schema.sql_identifier, constraint_catalog information_schema.sql_identifier, constraint_schema information_schema.sql_identifier, constraint_name information_schema.sql_identifier`, 13300},
	{"sequences", `sequence_catalog information_schema.sql_identifier, sequence_schema information_schema.sql_identifier, sequence_name information_schema.sql_identifier, data_type information_schema.character_data, numeric_precision information_schema.cardinal_number, numeric_precision_radix information_schema.cardinal_number, numeric_scale information_schema.cardinal_number, start_value information_schema.character_data, minimum_value information_schema.character_data, maximum_value information_schema.character_data, increment information_schema.character_data, cycle_option information_schema.yes_or_no`, 13386},
}

var (
	pgRelationList = relations(pgRelationSpecs)
	isRelationList = relations(isRelationSpecs)
	pgRelations    = relationIndex(pgRelationList)
	isRelations    = relationIndex(isRelationList)
)

func relations(specs []relationSpec) []catalogRelation {
	out := make([]catalogRelation, len(specs))
	for i, sp := range specs {
		out[i] = catalogRelation{name: sp.name, oid: sp.oid}
		for _, c := range strings.Split(sp.columns, ", ") {
			name, typ, _ := strings.Cut(c, " ")
			if _, err := engineType(typ); err != nil {
				panic(fmt.Sprintf("catalog relation %s: %v", sp.name, err))
			}
			out[i].cols = append(out[i].cols, catalogColumn{name: name, pgType: typ})
		}
	}
	return out
}

func relationIndex(list []catalogRelation) map[string]*catalogRelation {
	m := make(map[string]*catalogRelation, len(list))
	for i := range list {
		m[list[i].name] = &list[i]
	}
	return m
}

// columnCount is the number of columns of a relation.
func (r *catalogRelation) columnCount() int { return len(r.cols) }

// column returns the index of a column by name, or -1.
func (r *catalogRelation) column(name string) int {
	for i, c := range r.cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

// engineDDL is the column list of the relation's engine table.
func (r *catalogRelation) engineDDL() string {
	parts := make([]string, len(r.cols))
	for i, c := range r.cols {
		t, _ := engineType(c.pgType)
		parts[i] = fmt.Sprintf("%q %s", c.name, t)
	}
	return strings.Join(parts, ", ")
}

// engineType is the engine type that holds a Postgres catalog column type.
// OIDs are UINTEGER, which the server reports as oid: like Postgres' oid
// they are unsigned 32-bit, so comparisons and joins behave the same.
func engineType(pgType string) (string, error) {
	switch pgType {
	case "oid", "regclass", "regtype", "regnamespace", "regrole", "regprocedure", "regoper":
		return "UINTEGER", nil
	case "oid[]", "oidvector", "regtype[]":
		return "UINTEGER[]", nil
	case "name", "text", `"char"`, "regproc", "pg_node_tree", "pg_lsn", "inet", "anyarray",
		"information_schema.sql_identifier", "information_schema.character_data", "information_schema.yes_or_no":
		return "VARCHAR", nil
	case "text[]", "name[]", "aclitem[]", `"char"[]`:
		return "VARCHAR[]", nil
	case "boolean":
		return "BOOLEAN", nil
	case "smallint":
		return "SMALLINT", nil
	case "integer", "information_schema.cardinal_number":
		return "INTEGER", nil
	case "bigint", "xid", "xid8", "cid":
		return "BIGINT", nil
	case "real":
		return "REAL", nil
	case "real[]":
		return "REAL[]", nil
	case "double precision":
		return "DOUBLE", nil
	case "smallint[]", "int2vector":
		return "SMALLINT[]", nil
	case "bytea":
		return "BLOB", nil
	case "timestamp with time zone", "information_schema.time_stamp":
		return "TIMESTAMPTZ", nil
	case "interval":
		return "INTERVAL", nil
	}
	return "", fmt.Errorf("no engine type for %s", pgType)
}

// pgTypeInfo is one row of the emulated pg_type (types.go).
type pgTypeInfo struct {
	oid                          int64
	name                         string
	length                       int
	byval                        bool
	typtype, category            string
	preferred                    bool
	delim, subscript             string
	elem, array                  int64
	input, output, receive, send string
	modin, modout, analyze       string
	align, storage               string
	collation                    int64
	display                      string // format_type(oid, NULL)
}

// pgTableFunctionList are set-returning catalog functions clients call in
// FROM; each is a relation of its rows (the rewrite turns the call into a
// reference to it).
var (
	pgTableFunctionList = relations([]relationSpec{
		{"pg_get_keywords", `word text, catcode "char", barelabel boolean, catdesc text, baredesc text`, 0},
	})
	pgTableFunctions = relationIndex(pgTableFunctionList)
)

// pgProcInfo is one row of the emulated pg_proc (procs.go).
type pgProcInfo struct {
	oid, rettype   int64
	name           string
	args           []int64
	retset         bool
	kind, volatile string
}
