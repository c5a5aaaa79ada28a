SELECT current_schema(),session_user
;;
SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0 AND d.classoid='pg_namespace'::regclass ORDER BY nspname
;;
SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = 1034
;;
SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE pg_type.oid = 1034  ORDER BY sp.r, pg_type.oid DESC
;;
SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname='postgres'
;;
SELECT * FROM pg_catalog.pg_settings where name='standard_conforming_strings'
;;
SELECT string_agg(word, ',' ) from pg_catalog.pg_get_keywords() where word <> ALL ('{a,abs,absolute,action,ada,add,admin,after,all,allocate,alter,aIways,and,any,are,array,as,asc,asenstitive,assertion,assignment,asymmetric,at,atomic,attribute,attributes,authorization,avg,before,begin,bernoulli,between,bigint,binary,blob,boolean,both,breaadth,by,c,call,called,cardinaliity,cascade,cascaded,case,cast,catalog,catalog_name,ceil,ceiling,chain,char,char_length,character,character_length,character_set_catalog,character_set_name,character_set_schema,characteristics,characters,check,checkeed,class_origin,clob,close,coalesce,coboI,code_units,collate,collation,collaition_catalog,collaition_name,collaition_schema,collect,colum,column_name,command_function,command_function_code,commit,committed,condiition,condiition_number,connect,connection_name,constraint,constraint_catalog,constraint_name,constraint_schema,constraints,constructors,contains,continue,convert,corr,correspondiing,count,covar_pop,covar_samp,create,cross,cube,cume_dist,current,current_collation,current_date,current_default_transfom_group,current_path,current_role,current_time,current_timestamp,current_transfom_group_for_type,current_user,cursor,cursor_name,cycle,data,date,datetime_interval_code,datetime_interval_precision,day,deallocate,dec,decimaI,declare,default,defaults,not,null,nullable,nullif,nulls,number,numeric,object,octeet_length,octets,of,old,on,only,open,option,options,or,order,ordering,ordinaliity,others,out,outer,output,over,overlaps,overlay,overriding,pad,parameter,parameter_mode,parameter_name,parameter_ordinal_position,parameter_speciific_catalog,parameter_speciific_name,parameter_speciific_schema,partiaI,partitioon,pascal,path,percent_rank,percentile_cont,percentile_disc,placing,pli,position,power,preceding,precision,prepare,preseerv,primary,prior,privileges,procedure,public,range,rank,read,reads,real,recursivve,ref,references,referencing,regr_avgx,regr_avgy,regr_count,regr_intercept,regr_r2,regr_slope,regr_sxx,regr_sxy,regr_sy y,relative,release,repeatable,restart,result,retun,returned_cardinality,returned_length,returned_octeet_length,returned_sqlstate,returns,revoe,right,role,rollback,rollup,routine,routine_catalog,routine_name,routine_schema,row,row_count,row_number,rows,savepoint,scale,schema,schema_name,scope_catalog,scope_name,scope_schema,scroll,search,second,section,security,select,self,sensitive,sequence,seriializeable,server_name,session,session_user,set,sets,similar,simple,size,smalIint,some,source,space,specifiic,speciific_name,speciifictype,sql,sqlexception,sqlstate,sqlwarning,sqrt,start,state,statement,static,stddev_pop,stddev_samp,structure,style,subclass_origin,submultiset,substring,sum,symmetric,system,system_user,table,table_name,tablesample,temporary,then,ties,time,timesamp,timezone_hour,timezone_minute,to,top_level_count,trailing,transaction,transaction_active,transactions_committed,transactions_rolled_back,transfor,transforms,translate,translation,treat,trigger,trigger_catalog,trigger_name,trigger_schema,trim,true,type,unbounde,undefined,uncommitted,under,union,unique,unknown,unnaamed,unnest,update,upper,usage,user,user_defined_type_catalog,user_defined_type_code,user_defined_type_name,user_defined_type_schema,using,value,values,var_pop,var_samp,varchar,varying,view,when,whenever,where,width_bucket,window,with,within,without,work,write,year,zone}'::text[])
;;
SELECT version()
;;
SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1
;;
SELECT reltype FROM pg_catalog.pg_class WHERE 1<>1 LIMIT 1
;;
SELECT t.oid,t.*,c.relkind,format_type(nullif(t.typbasetype, 0), t.typtypmod) as base_type_name, d.description FROM pg_catalog.pg_type t LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=t.typelem LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid=t.typrelid LEFT OUTER JOIN pg_catalog.pg_description d ON t.oid=d.objoid WHERE t.typname IS NOT NULL AND (c.relkind IS NULL OR c.relkind = 'c') AND (et.typcategory IS NULL OR et.typcategory <> 'C')
;;
SELECT c.oid,c.*,d.description,pg_catalog.pg_get_expr(c.relpartbound, c.oid) as partition_expr,  pg_catalog.pg_get_partkeydef(c.oid) as partition_key
    FROM pg_catalog.pg_class c
    LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_class'::regclass
    WHERE c.relnamespace=11 AND c.relkind not in ('i','I','c')
;;
select c.oid,pg_catalog.pg_total_relation_size(c.oid) as total_rel_size,pg_catalog.pg_relation_size(c.oid) as rel_size
     FROM pg_class c
     WHERE c.relnamespace='public'
;;
SELECT i.*,i.indkey as keys,c.relname,c.relnamespace,c.relam,c.reltablespace,tc.relname as tabrelname,dsc.description,pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred_expr,pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr,pg_catalog.pg_relation_size(i.indexrelid) as index_rel_size,pg_catalog.pg_stat_get_numscans(i.indexrelid) as index_num_scans FROM pg_catalog.pg_index i
    INNER JOIN pg_catalog.pg_class c ON c.oid=i.indexrelid
    INNER JOIN pg_catalog.pg_class tc ON tc.oid=i.indrelid
    LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid=dsc.objoid
    WHERE  i.indrelid=1 ORDER BY tabrelname, c.relname
;;
SELECT c.oid,c.*,t.relname as tabrelname,rt.relnamespace as refnamespace,d.description, case when c.contype='c' then "substring"(pg_get_constraintdef(c.oid), 7) else null end consrc_copy
    FROM pg_catalog.pg_constraint c
    INNER JOIN pg_catalog.pg_class t ON t.oid=c.conrelid
    LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid=c.confrelid
    LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_constraint'::regclass
    WHERE c.conrelid=1
    ORDER BY c.oid
;;
SELECT
        CASE WHEN
              quote_ident(table_schema) IN (
              SELECT
                CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
              FROM
                generate_series(
                  array_lower(string_to_array(current_setting('search_path'),','),1),
                  array_upper(string_to_array(current_setting('search_path'),','),1)
                ) as i,
                string_to_array(current_setting('search_path'),',') s
              )
          THEN quote_ident(table_name)
          ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
        END AS "table"
        FROM information_schema.tables
        WHERE quote_ident(table_schema) NOT IN ('information_schema',
                                 'pg_catalog',
                                 '_timescaledb_cache',
                                 '_timescaledb_catalog',
                                 '_timescaledb_internal',
                                 '_timescaledb_config',
                                 'timescaledb_information',
                                 'timescaledb_experimental')
        ORDER BY CASE WHEN
              quote_ident(table_schema) IN (
              SELECT
                CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
              FROM
                generate_series(
                  array_lower(string_to_array(current_setting('search_path'),','),1),
                  array_upper(string_to_array(current_setting('search_path'),','),1)
                ) as i,
                string_to_array(current_setting('search_path'),',') s
              ) THEN 0 ELSE 1 END, 1
;;
SELECT quote_ident(column_name) AS "column", data_type AS "type"
        FROM information_schema.columns
        WHERE
          CASE WHEN array_length(parse_ident('public.games'),1) = 2
            THEN quote_ident(table_schema) = (parse_ident('public.games'))[1]
              AND quote_ident(table_name) = (parse_ident('public.games'))[2]
            ELSE quote_ident(table_name) = 'public.games'
              AND
              quote_ident(table_schema) IN (
              SELECT
                CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
              FROM
                generate_series(
                  array_lower(string_to_array(current_setting('search_path'),','),1),
                  array_upper(string_to_array(current_setting('search_path'),','),1)
                ) as i,
                string_to_array(current_setting('search_path'),',') s
              )
          END
;;
SELECT nspname AS "TABLE_SCHEM", current_database() AS "TABLE_CATALOG" FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY "TABLE_SCHEM"
;;
with table_privileges as (
         select
           NULL as role,
           t.schemaname as schema,
           t.objectname as table,
           pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'update') as update,
           pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'select') as select,
           pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'insert') as insert,
           pg_catalog.has_table_privilege(     current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'delete') as delete
         from (
           select schemaname, tablename as objectname from pg_catalog.pg_tables
           union
           select schemaname, viewname as objectname from pg_catalog.pg_views
           union
           select schemaname, matviewname as objectname from pg_catalog.pg_matviews
         ) t
         where t.schemaname !~ '^pg_'
           and t.schemaname <> 'information_schema'
           and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage')
        )
        select t.*
        from table_privileges t
;;
SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count" FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = '0') AND ("d"."classoid" = 'pg_class'::regclass) LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema') AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ('public')) ORDER BY "type" ASC, "schema" ASC, "name" ASC
;;
SELECT attname, atttypid FROM pg_catalog.pg_class AS cls INNER JOIN pg_catalog.pg_attribute AS attr ON cls.oid = attr.attrelid INNER JOIN pg_catalog.pg_type AS typ ON attr.atttypid = typ.oid WHERE attr.attnum >= 0 AND cls.oid = 'clubs'::regclass::oid ORDER BY attr.attnum
;;
SELECT CASE
        WHEN (SELECT count(extname) FROM pg_catalog.pg_extension WHERE extname='bdr') > 0
        THEN 'pgd'
        WHEN (SELECT COUNT(*) FROM pg_replication_slots) > 0
        THEN 'log'
        ELSE NULL
    END as type
;;
SELECT 1
;;
SELECT * FROM unnest(current_schemas(true))
;;
SELECT  nspname
                FROM    pg_catalog.pg_namespace
                ORDER BY 1
;;
SELECT  n.nspname schema_name,
                        c.relname table_name
                FROM    pg_catalog.pg_class c
                        LEFT JOIN pg_catalog.pg_namespace n
                            ON n.oid = c.relnamespace
                WHERE   c.relkind = ANY('{r,p,f}')
                ORDER BY 1,2
;;
SELECT  nsp.nspname schema_name,
                                cls.relname table_name,
                                att.attname column_name,
                                att.atttypid::regtype::text type_name,
                                att.atthasdef AS has_default,
                                pg_catalog.pg_get_expr(def.adbin, def.adrelid, true) as default
                        FROM    pg_catalog.pg_attribute att
                                INNER JOIN pg_catalog.pg_class cls
                                    ON att.attrelid = cls.oid
                                INNER JOIN pg_catalog.pg_namespace nsp
                                    ON cls.relnamespace = nsp.oid
                                LEFT OUTER JOIN pg_attrdef def
                                    ON def.adrelid = att.attrelid
                                    AND def.adnum = att.attnum
                        WHERE   cls.relkind = ANY('{r,p,f}')
                                AND NOT att.attisdropped
                                AND att.attnum  > 0
                        ORDER BY 1, 2, att.attnum
;;
SELECT s_p.nspname AS parentschema,
                               t_p.relname AS parenttable,
                               unnest((
                                select
                                    array_agg(attname ORDER BY i)
                                from
                                    (select unnest(confkey) as attnum, generate_subscripts(confkey, 1) as i) x
                                    JOIN pg_catalog.pg_attribute c USING(attnum)
                                    WHERE c.attrelid = fk.confrelid
                                )) AS parentcolumn,
                               s_c.nspname AS childschema,
                               t_c.relname AS childtable,
                               unnest((
                                select
                                    array_agg(attname ORDER BY i)
                                from
                                    (select unnest(conkey) as attnum, generate_subscripts(conkey, 1) as i) x
                                    JOIN pg_catalog.pg_attribute c USING(attnum)
                                    WHERE c.attrelid = fk.conrelid
                                )) AS childcolumn
                        FROM pg_catalog.pg_constraint fk
                        JOIN pg_catalog.pg_class      t_p ON t_p.oid = fk.confrelid
                        JOIN pg_catalog.pg_namespace  s_p ON s_p.oid = t_p.relnamespace
                        JOIN pg_catalog.pg_class      t_c ON t_c.oid = fk.conrelid
                        JOIN pg_catalog.pg_namespace  s_c ON s_c.oid = t_c.relnamespace
                        WHERE fk.contype = 'f'
;;
SELECT  n.nspname schema_name,
                        c.relname table_name
                FROM    pg_catalog.pg_class c
                        LEFT JOIN pg_catalog.pg_namespace n
                            ON n.oid = c.relnamespace
                WHERE   c.relkind = ANY('{v,m}')
                ORDER BY 1,2
;;
SELECT  nsp.nspname schema_name,
                                cls.relname table_name,
                                att.attname column_name,
                                att.atttypid::regtype::text type_name,
                                att.atthasdef AS has_default,
                                pg_catalog.pg_get_expr(def.adbin, def.adrelid, true) as default
                        FROM    pg_catalog.pg_attribute att
                                INNER JOIN pg_catalog.pg_class cls
                                    ON att.attrelid = cls.oid
                                INNER JOIN pg_catalog.pg_namespace nsp
                                    ON cls.relnamespace = nsp.oid
                                LEFT OUTER JOIN pg_attrdef def
                                    ON def.adrelid = att.attrelid
                                    AND def.adnum = att.attnum
                        WHERE   cls.relkind = ANY('{v,m}')
                                AND NOT att.attisdropped
                                AND att.attnum  > 0
                        ORDER BY 1, 2, att.attnum
;;
SELECT n.nspname schema_name,
                                   t.typname type_name
                            FROM   pg_catalog.pg_type t
                                   INNER JOIN pg_catalog.pg_namespace n
                                      ON n.oid = t.typnamespace
                            WHERE ( t.typrelid = 0  -- non-composite types
                                    OR (  -- composite type, but not a table
                                          SELECT c.relkind = 'c'
                                          FROM pg_catalog.pg_class c
                                          WHERE c.oid = t.typrelid
                                        )
                                  )
                                  AND NOT EXISTS( -- ignore array types
                                        SELECT  1
                                        FROM    pg_catalog.pg_type el
                                        WHERE   el.oid = t.typelem AND el.typarray = t.oid
                                      )
                                  AND n.nspname <> 'pg_catalog'
                                  AND n.nspname <> 'information_schema'
                            ORDER BY 1, 2
;;
SELECT d.datname
                FROM pg_catalog.pg_database d
                ORDER BY 1
;;
SELECT n.nspname schema_name,
                                p.proname func_name,
                                p.proargnames,
                                COALESCE(proallargtypes::regtype[], proargtypes::regtype[])::text[],
                                p.proargmodes,
                                prorettype::regtype::text return_type,
                                p.prokind = 'a' is_aggregate,
                                p.prokind = 'w' is_window,
                                p.proretset is_set_returning,
                                d.deptype = 'e' is_extension,
                                pg_get_expr(proargdefaults, 0) AS arg_defaults
                        FROM pg_catalog.pg_proc p
                                INNER JOIN pg_catalog.pg_namespace n
                                    ON n.oid = p.pronamespace
                        LEFT JOIN pg_depend d ON d.objid = p.oid and d.deptype = 'e'
                        WHERE p.prorettype::regtype != 'trigger'::regtype
                        ORDER BY 1, 2
;;
SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY TABLE_SCHEM
;;
SELECT nspname AS TABLE_SCHEM, NULL AS TABLE_CATALOG FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  AND nspname LIKE 'sales%' ORDER BY TABLE_SCHEM
;;
SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND n.nspname LIKE 'sales' AND c.relname LIKE '%' AND (false  OR ( c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' )  OR ( c.relkind = 'v' AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' ) )  ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME
;;
SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS TABLE_TYPE, d.description AS REMARKS,  '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND c.relname LIKE '%' ORDER BY TABLE_TYPE,TABLE_SCHEM,TABLE_NAME
;;
SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND n.nspname LIKE 'sales' AND c.relname LIKE 'lineitem') c WHERE true  AND attname LIKE '%' ORDER BY nspname,c.relname,attnum
;;
SELECT        result.TABLE_CAT,        result.TABLE_SCHEM,        result.TABLE_NAME,        result.COLUMN_NAME,        result.KEY_SEQ,        result.PK_NAME FROM      (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ, ci.relname AS PK_NAME,   information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON ( a.attrelid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE true  AND n.nspname = 'sales' AND ct.relname = 'lineitem' AND i.indisprimary  ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq
;;
SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'
;;
SELECT NULL::text AS PKTABLE_CAT, pkn.nspname AS PKTABLE_SCHEM, pkc.relname AS PKTABLE_NAME, pka.attname AS PKCOLUMN_NAME, NULL::text AS FKTABLE_CAT, fkn.nspname AS FKTABLE_SCHEM, fkc.relname AS FKTABLE_NAME, fka.attname AS FKCOLUMN_NAME, pos.n AS KEY_SEQ, CASE con.confupdtype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS UPDATE_RULE, CASE con.confdeltype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS DELETE_RULE, con.conname AS FK_NAME, pkic.relname AS PK_NAME, CASE  WHEN con.condeferrable AND con.condeferred THEN 5 WHEN con.condeferrable THEN 6 ELSE 7 END AS DEFERRABILITY  FROM  pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute pka,  pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, pg_catalog.pg_attribute fka,  pg_catalog.pg_constraint con,  pg_catalog.generate_series(1, 32) pos(n),  pg_catalog.pg_class pkic WHERE pkn.oid = pkc.relnamespace AND pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n] AND con.confrelid = pkc.oid  AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid AND fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid  AND con.contype = 'f' AND (pkic.relkind = 'i' OR pkic.relkind = 'I') AND pkic.oid = con.conindid  AND fkn.nspname = 'sales' AND fkc.relname = 'lineitem' ORDER BY pkn.nspname,pkc.relname, con.conname,pos.n
;;
SELECT NULL::text AS PKTABLE_CAT, pkn.nspname AS PKTABLE_SCHEM, pkc.relname AS PKTABLE_NAME, pka.attname AS PKCOLUMN_NAME, NULL::text AS FKTABLE_CAT, fkn.nspname AS FKTABLE_SCHEM, fkc.relname AS FKTABLE_NAME, fka.attname AS FKCOLUMN_NAME, pos.n AS KEY_SEQ, CASE con.confupdtype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS UPDATE_RULE, CASE con.confdeltype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS DELETE_RULE, con.conname AS FK_NAME, pkic.relname AS PK_NAME, CASE  WHEN con.condeferrable AND con.condeferred THEN 5 WHEN con.condeferrable THEN 6 ELSE 7 END AS DEFERRABILITY  FROM  pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute pka,  pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, pg_catalog.pg_attribute fka,  pg_catalog.pg_constraint con,  pg_catalog.generate_series(1, 32) pos(n),  pg_catalog.pg_class pkic WHERE pkn.oid = pkc.relnamespace AND pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n] AND con.confrelid = pkc.oid  AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid AND fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid  AND con.contype = 'f' AND (pkic.relkind = 'i' OR pkic.relkind = 'I') AND pkic.oid = con.conindid  AND pkn.nspname = 'sales' AND pkc.relname = 'lineitem' ORDER BY fkn.nspname,fkc.relname,con.conname,pos.n
;;
SELECT     tmp.TABLE_CAT,     tmp.TABLE_SCHEM,     tmp.TABLE_NAME,     tmp.NON_UNIQUE,     tmp.INDEX_QUALIFIER,     tmp.INDEX_NAME,     tmp.TYPE,     tmp.ORDINAL_POSITION,     trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS COLUMN_NAME,   CASE tmp.AM_NAME     WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint       WHEN 1 THEN 'D'       ELSE 'A'     END     ELSE NULL   END AS ASC_OR_DESC,     tmp.CARDINALITY,     tmp.PAGES,     tmp.FILTER_CONDITION FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE,   NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME,   CASE i.indisclustered     WHEN true THEN 1    ELSE CASE am.amname       WHEN 'hash' THEN 2      ELSE 3    END   END AS TYPE,   (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION,   ci.reltuples AS CARDINALITY,   ci.relpages AS PAGES,   pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION,   ci.oid AS CI_OID,   i.indoption AS I_INDOPTION,   am.amname AS AM_NAME FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)   JOIN pg_catalog.pg_am am ON (ci.relam = am.oid) WHERE true  AND n.nspname = 'sales' AND ct.relname = 'lineitem') AS tmp ORDER BY NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION
;;
SELECT n.nspname,c.relname,r.rolname,c.relacl  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c, pg_catalog.pg_roles r  WHERE c.relnamespace = n.oid  AND c.relowner = r.oid  AND c.relkind IN ('r','p','v','m','f')  AND n.nspname LIKE 'sales' AND c.relname LIKE 'lineitem' ORDER BY nspname, relname
;;
SELECT t.typname,t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON (t.typnamespace = n.oid)  WHERE n.nspname  != 'pg_toast' AND  (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))
;;
SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  ORDER BY sp.r, pg_type.oid DESC
;;
SELECT current_database() AS FUNCTION_CAT, n.nspname AS FUNCTION_SCHEM, p.proname AS FUNCTION_NAME,  d.description AS REMARKS,  CASE    WHEN (format_type(p.prorettype, null) = 'unknown') THEN 0   WHEN      (substring(pg_get_function_result(p.oid) from 0 for 6) = 'TABLE') OR      (substring(pg_get_function_result(p.oid) from 0 for 6) = 'SETOF') THEN 2   ELSE 1 END  AS FUNCTION_TYPE,  p.proname || '_' || p.oid AS SPECIFIC_NAME FROM pg_catalog.pg_proc p INNER JOIN pg_catalog.pg_namespace n ON p.pronamespace=n.oid LEFT JOIN pg_catalog.pg_description d ON p.oid=d.objoid WHERE true   AND p.prokind='f' AND n.nspname LIKE 'sales' AND p.proname LIKE '%' ORDER BY FUNCTION_SCHEM, FUNCTION_NAME, p.oid::text
;;
SELECT NULL AS PROCEDURE_CAT, n.nspname AS PROCEDURE_SCHEM, p.proname AS PROCEDURE_NAME, NULL, NULL, NULL, d.description AS REMARKS, 2 AS PROCEDURE_TYPE,  p.proname || '_' || p.oid AS SPECIFIC_NAME  FROM pg_catalog.pg_namespace n, pg_catalog.pg_proc p  LEFT JOIN pg_catalog.pg_description d ON (p.oid=d.objoid)  LEFT JOIN pg_catalog.pg_class c ON (d.classoid=c.oid AND c.relname='pg_proc')  LEFT JOIN pg_catalog.pg_namespace pn ON (c.relnamespace=pn.oid AND pn.nspname='pg_catalog')  WHERE p.pronamespace=n.oid  AND p.prokind='p' AND n.nspname LIKE 'sales' AND p.proname LIKE '%' ORDER BY PROCEDURE_SCHEM, PROCEDURE_NAME, p.oid::text
;;
select l_orderkey, l_comment, l_price from sales.lineitem
;;
SELECT c.oid, a.attnum, a.attname, c.relname, n.nspname, a.attnotnull OR (t.typtype = 'd' AND t.typnotnull), a.attidentity != '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE '%nextval(%' FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON (c.relnamespace = n.oid) JOIN pg_catalog.pg_attribute a ON (c.oid = a.attrelid) JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid) LEFT JOIN pg_catalog.pg_attrdef d ON (d.adrelid = a.attrelid AND d.adnum = a.attnum) JOIN (SELECT 16385 AS oid , 1 AS attnum UNION ALL SELECT 16385, 2 UNION ALL SELECT 16385, 4) vals ON (c.oid = vals.oid AND a.attnum = vals.attnum)
;;
select * from sales.lineitem where l_orderkey = $1
;;
select 1
;;
SELECT c.oid,
          n.nspname,
          c.relname
        FROM pg_catalog.pg_class c
             LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname OPERATOR(pg_catalog.~) '^(tt)$' COLLATE pg_catalog.default
          AND pg_catalog.pg_table_is_visible(c.oid)
        ORDER BY 2, 3
;;
SELECT a.attname,
          pg_catalog.format_type(a.atttypid, a.atttypmod),
          (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
           FROM pg_catalog.pg_attrdef d
           WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
          a.attnotnull,
          (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
           WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
          a.attidentity,
          a.attgenerated
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = '16384' AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
;;
SELECT pol.polname, pol.polpermissive,
          CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,
          pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
          pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
          CASE pol.polcmd
            WHEN 'r' THEN 'SELECT'
            WHEN 'a' THEN 'INSERT'
            WHEN 'w' THEN 'UPDATE'
            WHEN 'd' THEN 'DELETE'
            END AS cmd
        FROM pg_catalog.pg_policy pol
        WHERE pol.polrelid = '16384' ORDER BY 1
;;
SELECT pubname
             , NULL
             , NULL
        FROM pg_catalog.pg_publication p
             JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid
             JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid
        WHERE pc.oid ='16384' and pg_catalog.pg_relation_is_publishable('16384')
        UNION
        SELECT pubname
             , pg_get_expr(pr.prqual, c.oid)
             , (CASE WHEN pr.prattrs IS NOT NULL THEN
                 (SELECT string_agg(attname, ', ')
                   FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                        pg_catalog.pg_attribute
                  WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
                ELSE NULL END) FROM pg_catalog.pg_publication p
             JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
             JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
        WHERE pr.prrelid = '16384'
        UNION
        SELECT pubname
             , NULL
             , NULL
        FROM pg_catalog.pg_publication p
        WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('16384')
        ORDER BY 1
;;
SELECT c.oid::pg_catalog.regclass
        FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
        WHERE c.oid = i.inhparent AND i.inhrelid = '16384'
          AND c.relkind != 'p' AND c.relkind != 'I'
        ORDER BY inhseqno
;;
SELECT
      d.datname as "Name",
      pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
      pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
      CASE d.datlocprovider WHEN 'b' THEN 'builtin' WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
      d.datcollate as "Collate",
      d.datctype as "Ctype",
      d.daticulocale as "Locale",
      d.daticurules as "ICU Rules",
      CASE WHEN pg_catalog.array_length(d.datacl, 1) = 0 THEN '(none)' ELSE pg_catalog.array_to_string(d.datacl, E'\n') END AS "Access privileges"
    FROM pg_catalog.pg_database d
    ORDER BY 1
;;
SELECT c.oid,
        n.nspname,
        c.relname
      FROM pg_catalog.pg_class c
          LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname OPERATOR(pg_catalog.~) '^(customer)$' COLLATE pg_catalog.default
        AND pg_catalog.pg_table_is_visible(c.oid)
      ORDER BY 2, 3
;;
SELECT a.attname,
        pg_catalog.format_type(a.atttypid, a.atttypmod),
        (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
        FROM pg_catalog.pg_attrdef d
        WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
        a.attnotnull,
        (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
        WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
        a.attidentity,
        a.attgenerated
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = '16417' AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum
;;
SELECT true as sametable, conname,
        pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
        conrelid::pg_catalog.regclass AS ontable
      FROM pg_catalog.pg_constraint r
      WHERE r.conrelid = '16417' AND r.contype = 'f'
          AND conparentid = 0
      ORDER BY conname
;;
SELECT conname, conrelid::pg_catalog.regclass AS ontable,
            pg_catalog.pg_get_constraintdef(oid, true) AS condef
        FROM pg_catalog.pg_constraint c
      WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors('16417')
                          UNION ALL VALUES ('16417'::pg_catalog.regclass))
            AND contype = 'f' AND conparentid = 0
      ORDER BY conname
;;
SELECT pol.polname, pol.polpermissive,
        CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,
        pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
        pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
        CASE pol.polcmd
          WHEN 'r' THEN 'SELECT'
          WHEN 'a' THEN 'INSERT'
          WHEN 'w' THEN 'UPDATE'
          WHEN 'd' THEN 'DELETE'
          END AS cmd
      FROM pg_catalog.pg_policy pol
      WHERE pol.polrelid = '16417' ORDER BY 1
;;
SELECT pubname
          , NULL
          , NULL
      FROM pg_catalog.pg_publication p
          JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid
          JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid
      WHERE pc.oid ='16417' and pg_catalog.pg_relation_is_publishable('16417')
      UNION
      SELECT pubname
          , pg_get_expr(pr.prqual, c.oid)
          , (CASE WHEN pr.prattrs IS NOT NULL THEN
              (SELECT string_agg(attname, ', ')
                FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                      pg_catalog.pg_attribute
                WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
              ELSE NULL END) FROM pg_catalog.pg_publication p
          JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
          JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
      WHERE pr.prrelid = '16417'
      UNION
      SELECT pubname
          , NULL
          , NULL
      FROM pg_catalog.pg_publication p
      WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('16417')
      ORDER BY 1
;;
SELECT c.oid::pg_catalog.regclass
      FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
      WHERE c.oid = i.inhparent AND i.inhrelid = '16417'
        AND c.relkind != 'p' AND c.relkind != 'I'
      ORDER BY inhseqno
;;
SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype",
       d.daticulocale as "ICU Locale",
       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
       pg_catalog.array_to_string(d.datacl, E'\n') AS "Access privileges"
FROM pg_catalog.pg_database d
ORDER BY 1
;;
SELECT n.nspname AS "Name",
  pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner"
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1
;;
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2
;;
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2
;;
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','v','m','S','f','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2
;;
SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(lineitem)$' COLLATE pg_catalog.default
  AND n.nspname OPERATOR(pg_catalog.~) '^(sales)$' COLLATE pg_catalog.default
ORDER BY 2, 3
;;
SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '16385' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
;;
SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
  pg_catalog.pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))
WHERE c.oid = '16385' AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname
;;
SELECT pol.polname, pol.polpermissive,
  CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,
  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
  pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
  CASE pol.polcmd
    WHEN 'r' THEN 'SELECT'
    WHEN 'a' THEN 'INSERT'
    WHEN 'w' THEN 'UPDATE'
    WHEN 'd' THEN 'DELETE'
    END AS cmd
FROM pg_catalog.pg_policy pol
WHERE pol.polrelid = '16385' ORDER BY 1
;;
SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid
     JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid
WHERE pc.oid ='16385' and pg_catalog.pg_relation_is_publishable('16385')
UNION
SELECT pubname
     , pg_get_expr(pr.prqual, c.oid)
     , (CASE WHEN pr.prattrs IS NOT NULL THEN
         (SELECT string_agg(attname, ', ')
           FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                pg_catalog.pg_attribute
          WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
        ELSE NULL END) FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
     JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
WHERE pr.prrelid = '16385'
UNION
SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('16385')
ORDER BY 1
;;
SELECT c.oid::pg_catalog.regclass
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhparent AND i.inhrelid = '16385'
  AND c.relkind != 'p' AND c.relkind != 'I'
ORDER BY inhseqno
;;
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','t','s','')
  AND n.nspname OPERATOR(pg_catalog.~) '^(sales)$' COLLATE pg_catalog.default
ORDER BY 1,2
;;
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner",
  c2.relname as "Table"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid
WHERE c.relkind IN ('i','I','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2
;;
SELECT n.nspname as "Schema",
  p.proname as "Name",
  pg_catalog.pg_get_function_result(p.oid) as "Result data type",
  pg_catalog.pg_get_function_arguments(p.oid) as "Argument data types",
 CASE p.prokind
  WHEN 'a' THEN 'agg'
  WHEN 'w' THEN 'window'
  WHEN 'p' THEN 'proc'
  ELSE 'func'
 END as "Type"
FROM pg_catalog.pg_proc p
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE pg_catalog.pg_function_is_visible(p.oid)
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
ORDER BY 1, 2, 4
;;
SELECT n.nspname as "Schema",
  pg_catalog.format_type(t.oid, NULL) AS "Name",
  pg_catalog.obj_description(t.oid, 'pg_type') as "Description"
FROM pg_catalog.pg_type t
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE (t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))
  AND NOT EXISTS(SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid)
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_type_is_visible(t.oid)
ORDER BY 1, 2
;;
SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil,
  ARRAY(SELECT b.rolname
        FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid)
        WHERE m.member = r.oid) as memberof
, r.rolreplication
, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1
;;
SELECT e.extname AS "Name", e.extversion AS "Version", n.nspname AS "Schema", c.description AS "Description"
FROM pg_catalog.pg_extension e LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace LEFT JOIN pg_catalog.pg_description c ON c.objoid = e.oid AND c.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass
ORDER BY 1
;;
SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated,
  a.attstorage,
  a.attcompression AS attcompression,
  CASE WHEN a.attstattarget=-1 THEN NULL ELSE a.attstattarget END AS attstattarget,
  pg_catalog.col_description(a.attrelid, a.attnum)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '16385' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
;;
SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('m','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2
;;
SELECT s.name AS "Parameter", pg_catalog.current_setting(s.name) AS "Value"
FROM pg_catalog.pg_settings s
WHERE s.source <> 'default' AND
      s.setting IS DISTINCT FROM s.boot_val
ORDER BY 1
;;
SELECT t.oid, typarray
	FROM pg_type t JOIN pg_namespace ns
	    ON typnamespace = ns.oid
	WHERE typname = 'hstore'
;;
select pg_catalog.version()
;;
select current_schema()
;;
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' ORDER BY nspname
;;
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relkind in ('r', 'p')
;;
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relkind IN ('v', 'm')
;;
SELECT c.oid
	            FROM pg_catalog.pg_class c
	            LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE (n.nspname = 'sales')
	            AND c.relname = 'lineitem' AND c.relkind in
	            ('r', 'v', 'm', 'f', 'p')
;;
SELECT a.attname,
	              pg_catalog.format_type(a.atttypid, a.atttypmod),
	              (
	                SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid)
	                FROM pg_catalog.pg_attrdef d
	                WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum
	                AND a.atthasdef
	              ) AS DEFAULT,
	              a.attnotnull,
	              a.attrelid as table_oid,
	              pgd.description as comment,
	              a.attgenerated as generated,
	                              (SELECT json_build_object(
	                    'always', a.attidentity = 'a',
	                    'start', s.seqstart,
	                    'increment', s.seqincrement,
	                    'minvalue', s.seqmin,
	                    'maxvalue', s.seqmax,
	                    'cache', s.seqcache,
	                    'cycle', s.seqcycle)
	                FROM pg_catalog.pg_sequence s
	                JOIN pg_catalog.pg_class c on s.seqrelid = c."oid"
	                WHERE c.relkind = 'S'
	                AND a.attidentity != ''
	                AND s.seqrelid = pg_catalog.pg_get_serial_sequence(
	                    a.attrelid::regclass::text, a.attname
	                )::regclass::oid
	                ) as identity_options                
	            FROM pg_catalog.pg_attribute a
	            LEFT JOIN pg_catalog.pg_description pgd ON (
	                pgd.objoid = a.attrelid AND pgd.objsubid = a.attnum)
	            WHERE a.attrelid = 16385
	            AND a.attnum > 0 AND NOT a.attisdropped
	            ORDER BY a.attnum
;;
SELECT t.typname as "name",
	               pg_catalog.format_type(t.typbasetype, t.typtypmod) as "attype",
	               not t.typnotnull as "nullable",
	               t.typdefault as "default",
	               pg_catalog.pg_type_is_visible(t.oid) as "visible",
	               n.nspname as "schema"
	            FROM pg_catalog.pg_type t
	               LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
	            WHERE t.typtype = 'd'
;;
SELECT t.typname as "name",
	               pg_catalog.pg_type_is_visible(t.oid) as "visible",
	               n.nspname as "schema",
	               e.enumlabel as "label"
	            FROM pg_catalog.pg_type t
	                 LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
	                 LEFT JOIN pg_catalog.pg_enum e ON t.oid = e.enumtypid
	            WHERE t.typtype = 'e'
	        ORDER BY "schema", "name", e.oid
;;
SELECT a.attname
	                FROM pg_attribute a JOIN (
	                    SELECT unnest(ix.indkey) attnum,
	                           generate_subscripts(ix.indkey, 1) ord
	                    FROM pg_index ix
	                    WHERE ix.indrelid = 16385 AND ix.indisprimary
	                    ) k ON a.attnum=k.attnum
	                WHERE a.attrelid = 16385
	                ORDER BY k.ord
;;
SELECT conname
	           FROM  pg_catalog.pg_constraint r
	           WHERE r.conrelid = 16385 AND r.contype = 'p'
	           ORDER BY 1
;;
SELECT r.conname,
	                pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
	                n.nspname as conschema
	          FROM  pg_catalog.pg_constraint r,
	                pg_namespace n,
	                pg_class c
	
	          WHERE r.conrelid = 16385 AND
	                r.contype = 'f' AND
	                c.oid = confrelid AND
	                n.oid = c.relnamespace
	          ORDER BY 1
;;
SELECT
	                  i.relname as relname,
	                  ix.indisunique, ix.indexprs,
	                  a.attname, a.attnum, c.conrelid, ix.indkey::varchar,
	                  ix.indoption::varchar, i.reloptions, am.amname,
	                  pg_get_expr(ix.indpred, ix.indrelid),
	                  ix.indnkeyatts as indnkeyatts
	              FROM
	                  pg_class t
	                        join pg_index ix on t.oid = ix.indrelid
	                        join pg_class i on i.oid = ix.indexrelid
	                        left outer join
	                            pg_attribute a
	                            on t.oid = a.attrelid and a.attnum = ANY(ix.indkey)
	                        left outer join
	                            pg_constraint c
	                            on (ix.indrelid = c.conrelid and
	                                ix.indexrelid = c.conindid and
	                                c.contype in ('p', 'u', 'x'))
	                        left outer join
	                            pg_am am
	                            on i.relam = am.oid
	              WHERE
	                  t.relkind IN ('r', 'v', 'f', 'm', 'p')
	                  and t.oid = 16385
	                  and ix.indisprimary = 'f'
	              ORDER BY
	                  t.relname,
	                  i.relname
;;
SELECT
	                cons.conname as name,
	                cons.conkey as key,
	                a.attnum as col_num,
	                a.attname as col_name
	            FROM
	                pg_catalog.pg_constraint cons
	                join pg_attribute a
	                  on cons.conrelid = a.attrelid AND
	                    a.attnum = ANY(cons.conkey)
	            WHERE
	                cons.conrelid = 16385 AND
	                cons.contype = 'u'
;;
SELECT
	                pgd.description as table_comment
	            FROM
	                pg_catalog.pg_description pgd
	            WHERE
	                pgd.objsubid = 0 AND
	                pgd.objoid = 16385
;;
SELECT
	                cons.conname as name,
	                pg_get_constraintdef(cons.oid) as src
	            FROM
	                pg_catalog.pg_constraint cons
	            WHERE
	                cons.conrelid = 16385 AND
	                cons.contype = 'c'
;;
select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where n.nspname='sales' and relname='lineitem'
;;
SELECT pg_get_viewdef(c.oid) view_def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sales' AND c.relname = 'v_li' AND c.relkind IN ('v', 'm')
;;
SELECT current_setting('threads')::VARCHAR UNION ALL SELECT (7/2)::VARCHAR
;;
SELECT * FROM nowhere
;;
SELECT nocolumn
;;
SELECT error('boom')
;;
SELECT 'x'::INTEGER
;;
SELECT $1::BIGINT + 1 AS n, $2::VARCHAR AS s, [1, 2]::INTEGER[] AS l, 1.5::DECIMAL(9,2) AS d, '{}'::JSON AS j
;;
SELECT i FROM range(10000) t(i)
;;
SELECT count(*) FROM range(10000000000) a(i), range(1000) b(j) WHERE i + j = -1
;;
SELECT 'still here'
;;
select 1 -- end
;;
select 1 /* end */
;;
select current_setting('threads')::VARCHAR
;;
select c.oid, c.relname, c.relkind, n.nspacl, 1, c.relnatts from lakegate_pg.pg_class c join lakegate_pg.pg_namespace n on n.oid = c.relnamespace
;;
select * from (select t.typname as x, null as y from lakegate_pg.pg_type t) s
;;
with r as (select rolname from lakegate_pg.pg_roles) select max(rolname), array(select rolname from r) from r
;;
select current_user, session_user, current_schema(), coalesce(a.attname, 'x'), nullif(a.attidentity, ''), a.attnum from lakegate_pg.pg_attribute a
;;
select lakegate_varchar(x.indkey), x.indkey, x.indclass, x.indrelid::regclass::oid from lakegate_pg.pg_index x
;;
select relname from lakegate_pg.pg_class union all select 'x'
;;
select relname from lakegate_pg.pg_class union all select proname::text from lakegate_pg.pg_proc
;;
select * from users.customers, lakegate_pg.pg_class
;;
select c.*, u.id from lakegate_pg.pg_am c, users.customers u
;;
select case when c.relkind = 'r' then c.relname else 'x' end, case when true then c.relname else c.relkind end from lakegate_pg.pg_class c
;;
select n, g.n from generate_series(1, 3) g(n)
;;
select table_name, ordinal_position, is_nullable from lakegate_information_schema.columns
;;
select k.catcode, (select nspname from lakegate_pg.pg_namespace limit 1) from lakegate_pg.pg_get_keywords k
;;
select unnest(lakegate_current_schemas(true)), lakegate_regclass_name(c.oid) from lakegate_pg.pg_class c
;;
select sum(v) from t
;;
select current_user, (select count(*) from pg_catalog.pg_class where relname = 't')
;;
select count(*) from t
;;
select sum(v), current_setting('TimeZone') from s.t
;;
select sum(v) from s.t
;;
select sum(v) from s.u
;;
SELECT coalesce(sum(memory_usage_bytes), 0)::VARCHAR FROM duckdb_memory() WHERE tag = 'EXTERNAL_FILE_CACHE'
;;
SELECT partition_col::VARCHAR, user_id, event_type FROM TBL ORDER BY user_id
;;
SELECT count(*) FROM TBL
;;
SELECT sum(l_extendedprice * l_discount)::VARCHAR AS revenue FROM TBL
			WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
			AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24
;;
SELECT min(l_extendedprice)::VARCHAR, sum(l_quantity)::VARCHAR, sum(l_extendedprice)::VARCHAR FROM TBL
;;
SELECT id, name, bir::VARCHAR FROM TBL ORDER BY id
;;
SELECT id FROM TBL WHERE name = 'd'
;;
SELECT part, key, val FROM TBL ORDER BY part, key
;;
SELECT val FROM TBL ORDER BY val
;;
SELECT user_id FROM TBL WHERE partition_col = 42
;;
SELECT user_id FROM TBL WHERE partition_col = -9223372036854775808
;;
SELECT hex(partition_col), user_id, event_type FROM TBL ORDER BY user_id
;;
SELECT user_id FROM TBL WHERE partition_col = TIME '08:21:09'
;;
SELECT decode(partition_col), user_id, event_type FROM TBL ORDER BY user_id
;;
SELECT event_date::VARCHAR, user_id, event_type FROM TBL ORDER BY user_id
;;
SELECT count(*) FROM TBL WHERE event_type = 'view'
;;
SELECT count(*), sum(a), min(a), max(a), count(b) FROM TBL
;;
SELECT id, name, age, attributes['height'], list_sum(scores)::BIGINT, profile.email, profile.verified FROM TBL ORDER BY id
;;
SELECT user_id, "uSeR_Id_1" FROM TBL ORDER BY user_id
;;
SELECT count(*), count(flag), count(*) FILTER (WHERE flag), min(ts)::VARCHAR, max(name) FROM TBL
;;
SELECT id FROM TBL WHERE flag IS NOT NULL ORDER BY id
;;
SELECT count(*), count(value) FROM TBL
;;
SELECT id, value FROM TBL WHERE value IS NOT NULL ORDER BY id
;;
SELECT id FROM TBL WHERE value IS NULL ORDER BY id
;;
SELECT count(*), min(uuid)::VARCHAR, max(uuid)::VARCHAR FROM TBL
;;
SELECT count(*) FROM TBL WHERE uuid = '8dc314d8-3fd4-4b3a-8bf5-c008f363c2e4'
;;
SELECT id, value FROM TBL ORDER BY id
;;
SELECT id, category, amount FROM TBL ORDER BY id
;;
SELECT * FROM TBL
;;
SELECT user_id, event_type FROM TBL WHERE event_date = DATE '2024-01-03' ORDER BY user_id
;;
SELECT user_id FROM TBL WHERE partition_col = TIME '12:34:56'
;;
select $1::int, 1.5e-3, .5, 0x1f, 'x'::regclass, array[1,2] @> '{1}'
;;
select i, case when i = 70000 then error('boom') else 'x' end from range(100000) t(i)
;;
select count(*) from range(10)
;;
select current_setting('memory_limit')
;;
select * from duckdb_settings()
;;
select length(string_agg(repeat('y', 1000), '')) from range(300000)
;;
select count(*) from range(1000)
;;
select 'pg_catalog.pg_extension'::pg_catalog.regclass, x::varchar(3), y::regtype[]
;;
select n.nspname OPERATOR(pg_catalog.~) '^(a)$' COLLATE pg_catalog.default, a !~* 'b'
;;
select * from generate_series(1, 3) s, string_to_array('a,b', ',') t where 1 = ANY('{1,2}') and 2 <> ALL(x)
;;
select current_schema, pg_catalog.current_setting('x'), relnamespace = 'public' from pg_class
;;
select lakegate_regtype_name(c.reloftype)::text from lakegate_pg.pg_class c
;;
select 'pg_catalog.pg_extension'::pg_catalog.regclass
;;
select lakegate_regclass_name(lakegate_regclass_oid('pg_catalog.pg_extension'))
;;
select ix.indkey::varchar, (a || b)::character varying(10), c::varchar[] from pg_catalog.pg_index ix
;;
select lakegate_varchar(ix.indkey), lakegate_varchar((a || b)), c::varchar[] from lakegate_pg.pg_index ix
;;
select 1, f(a, 'x'::regclass) from t where c.oid = 'pg_catalog.pg_extension'::pg_catalog.regclass
;;
select 1, f(a, lakegate_regclass_oid('x')) from t where c.oid = lakegate_regclass_oid('pg_catalog.pg_extension')
;;
select x from t where n.nspname OPERATOR(pg_catalog.~) '^(a)$' COLLATE pg_catalog.default
;;
select x from t where n.nspname  ~^  '^(a)$'
;;
select case when x between ~1 and 2 then name ~ '^a' end, current_schema ~ 'p', null !~ 'q'
;;
select case when x between ~1 and 2 then name  ~^  '^a' end, current_schema()  ~^  'p', null  !~^  'q'
;;
select pg_catalog.current_setting('x'), f(a)::oid, p.polroles = '{0}', pr.prattrs::pg_catalog.int2[]
;;
select lakegate_current_setting('x'), f(a)::UINTEGER, p.polroles = '[0]', pr.prattrs::int2[]
;;
select 1 from information_schema.tables, information_schema.whatever
;;
select 1 from lakegate_information_schema.tables, information_schema.whatever
;;
select 'pg_catalog.pg_class' from users.pg_class
;;
select t.oid::pg_catalog.regtype::pg_catalog.oid from pg_catalog.pg_type t
;;
select lakegate_regtype_oid(t.oid)::UINTEGER from lakegate_pg.pg_type t
;;
select '\xdeadbeef'::BLOB
;;
select from_hex('deadbeef')::BLOB
;;
select '\x'::bytea
;;
select from_hex('')::bytea
;;
select 'a\000b\\'::bytea
;;
select from_hex('6100625c')::bytea
;;
select bytea '\xDEAD'
;;
select from_hex('dead')
;;
select cast('\x01' as bytea)
;;
select cast(from_hex('01') as bytea)
;;
select 'plain'::bytea
;;
select '0044-03-15 BC'::DATE
;;
select '0044-03-15 (BC)'::DATE
;;
select '0044-03-15 10:00:00 BC'::timestamp without time zone
;;
select '0044-03-15 (BC) 10:00:00'::timestamp without time zone
;;
select '0044-03-15 10:00:00+02 BC'::timestamptz
;;
select '0044-03-15 (BC) 10:00:00+02'::timestamptz
;;
select date '0044-03-15 BC'
;;
select CAST('0044-03-15 (BC)' AS date)
;;
select '2024-01-01'::date
;;
select '{1,NULL,3}'::INTEGER[]
;;
select ['1', NULL, '3']::INTEGER[]
;;
select '{}'::int[]
;;
select []::int[]
;;
select '{"a b",NULL,"x\"y",""}'::text[]
;;
select ['a b', NULL, 'x"y', '']::text[]
;;
select '{{1,2},{3,4}}'::int[][]
;;
select [['1', '2'], ['3', '4']]::int[][]
;;
select '{"\\xdead",NULL}'::BLOB[]
;;
select [from_hex('dead'), NULL]::BLOB[]
;;
select '0044-03-15 10:00:00Z BC'::TIMESTAMP
;;
select '0044-03-15 (BC) 10:00:00+00'::TIMESTAMP
;;
select '{"NULL"}'::varchar(10)[]
;;
select ['NULL']::varchar(10)[]
;;
select '{a}' as x, 'BC' from t
;;
select E'\\x01'::bytea
;;
select sum(v) from s.a
;;
select 'a''b', 42, 1.5e-3, 0x1F, 1_000 from t1 where c = $1
;;
select ?, ?, ?, ?, ? from t1 where c = $1
;;
select E'x\'y' || $$z$$ || $q$w$q$
;;
select "Col 1" from t -- note 123
;;
select "Col 1" from t --?
;;
select 'O''Brien', E'a\'b', $t$dollar$t$, 12.5, "ident", t1 -- 'comment'
;;
select n_regionkey, count(*), min(n_name) from tpch.nation group by n_regionkey order by 1
;;
select count(*) from s.t where v > 1
;;
select v from s.t order by v desc
;;
select count(*) from s.t
;;
select max(v) from s.t
;;
select count(*) from s.t where v = 10
;;
select count(*) from s.t where v = 20
;;
select count(*) from s.t where v < 5
;;
select v from s.t where v = 2
;;
select v from s.t where v > 25
;;
select (select sum(v) from s.t) + (select sum(v) from s.u)
;;
select count(*) from s.t where v > $1
;;
select v from s.t where v < 0
;;
select upper('x') || sum(v) from s.t
;;
select sum(v), now() from s.t
;;
select sum(v), current_timestamp from s.t
;;
select sum(v) + random() * 0 from s.t
;;
select sum(v), current_user from s.t
;;
select sum(v), version() from s.t
;;
select min(timestamptz '2024-01-01 00:00:00+00' + v * interval '1 hour')::varchar from s.t
;;
select count(*) + $1 from s.t
;;
SELECT v FROM t
;;
SELECT v FROM b.t
;;
SELECT sum(v) FROM t
;;
SELECT (TIMESTAMPTZ '2026-01-01 12:00:00+00' + v * INTERVAL 0 SECOND)::VARCHAR FROM a.t
;;
select a from s
;;
with a as (select 1) select * from a
;;
with a as (select 'delete from t') select * from a
;;
select 'SSN-123-45-6789'::int
;;
select cast('4111-1111-1111-1111' as date)
;;
select count(*) from users.customers where id = 'O''Brien-777'
;;
select 99999999999::int
;;
select E'esc\'aped-secret'::bigint
;;
select $$dollar-secret-5$$::int
;;
select 'not json: pin 8731'::json->>'x'
;;
select 1 /* comment-secret-8 */
;;
select 123456789 + 1
;;
select 'uuid-secret-11'::uuid
;;
select * from users.customers where email = "mail-secret-9"
;;
select $1::int
;;
select 'other value'::int
;;
select ?::int
;;
select count(*) from users.customers
;;
SELECT oid FROM pg_catalog.pg_type ORDER BY oid
;;
SELECT oid FROM pg_catalog.pg_proc ORDER BY oid
;;
SELECT oid FROM pg_catalog.pg_class WHERE relnamespace IN (11, 13207) AND relname <> 'pg_database' ORDER BY oid
;;
SELECT n.nspname, c.relname, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attlen, a.attbyval,
		   a.attalign, a.attstorage, a.attndims, a.attcollation, a.attisdropped, a.atthasdef, a.attidentity, a.attgenerated,
		   pg_catalog.format_type(a.atttypid, a.atttypmod)
		 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
		   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname IN ('users', 'payments', 'comms', 'sales', 'public') AND a.attnum > 0
		 ORDER BY 1, 2, 3
;;
SELECT n.nspname, c.relname, c.relkind, c.relnatts, c.relpersistence, c.relhasindex, c.relam,
		   c.relispartition, c.relchecks
		 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname IN ('users', 'payments', 'comms', 'sales', 'public') ORDER BY 1, 2
;;
SELECT table_schema, table_name, column_name, ordinal_position, column_default, is_nullable, data_type,
		   character_maximum_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision,
		   udt_catalog IS NOT NULL, udt_schema, udt_name, is_identity, is_generated
		 FROM information_schema.columns WHERE table_schema IN ('users', 'payments', 'comms', 'sales', 'public')
		 ORDER BY 1, 2, 4
;;
SELECT table_schema, table_name, table_type FROM information_schema.tables
		 WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2
;;
SELECT t, m, pg_catalog.format_type(t, m) FROM (VALUES (16, -1), (20, -1), (21, -1), (23, -1), (25, -1),
		   (700, -1), (701, -1), (1700, -1), (1700, 786438), (1700, 655364), (1043, -1), (1043, 14), (1042, 5),
		   (1082, -1), (1083, -1), (1114, -1), (1114, 3), (1184, -1), (1184, 0), (1186, -1), (17, -1), (2950, -1),
		   (114, -1), (3802, -1), (1007, -1), (1009, -1), (1231, 786438), (1016, -1), (1115, -1), (1185, -1),
		   (18, -1), (19, -1), (26, -1), (2205, -1), (0, -1)) v(t, m) ORDER BY 1, 2
;;
SELECT nspname, oid < 16384 FROM pg_catalog.pg_namespace
		 WHERE nspname IN ('pg_catalog', 'information_schema', 'public', 'users', 'payments', 'comms', 'sales') ORDER BY 1
;;
SELECT catcode, barelabel, count(*) FROM pg_catalog.pg_get_keywords() GROUP BY 1, 2 ORDER BY 1, 2
;;
SELECT 'payments.charges'::regclass::text AS rel, 'numeric'::regtype::oid, 'int4'::regtype,
		   'users'::regnamespace::text AS nsp, 'pg_catalog.pg_class'::regclass
;;
SELECT pg_catalog.quote_ident('Mixed'), pg_catalog.quote_ident('select'), pg_catalog.quote_ident('plain'),
		   pg_catalog.current_schema(), pg_catalog.current_schemas(false), pg_catalog.pg_encoding_to_char(6)
;;
SELECT c.oid, c.relname, c.relkind, c.relacl, a.attidentity, t.typinput, t.typname,
		  current_user, (SELECT array_agg(nspname ORDER BY nspname) FROM pg_catalog.pg_namespace), i.indkey
		FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = 3
		  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
		  LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid
		WHERE c.relname = 'charges'
;;
select id, currency, amount from payments.charges order by id limit 2
;;
select relname from pg_catalog.pg_class
;;
select relname from pg_class
;;
select nspname from pg_catalog.pg_namespace
;;
select table_name from information_schema.tables
;;
select table_schema from information_schema.tables
;;
select table_name from information_schema.columns
;;
select schema_name from information_schema.schemata
;;
select tablename from pg_catalog.pg_tables
;;
select table_name from information_schema.table_privileges
;;
select attname from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid where c.relname = 'bounces'
;;
select pg_catalog.format_type(1700, (12 << 16 | 2) + 4), version(), current_setting('search_path')
;;
select current_setting('no_such_setting')
;;
select current_setting('no_such_setting', true)
;;
select 'payments.charges'::regclass::oid, c.oid::regclass::text from pg_class c where relname = 'charges'
;;
select id, customer_id, amount, status, created_at from payments.charges
;;
SELECT * FROM (VALUES
	(1, 'plain', 1.5::float8, DATE '2024-02-29', TIMESTAMP '2024-01-02 03:04:05.5', true, 12.34::numeric(10,2), 'a' || chr(9) || 'b', '\x00ff'::bytea),
	(2, 'line1' || chr(10) || 'line2' || chr(13), -0.1::float8, DATE '1999-12-31', TIMESTAMP '2000-01-01 00:00:00', false, -5.00::numeric(10,2), 'back\slash', '\x'::bytea),
	(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	(4, '', 1e20::float8, DATE '2024-01-01', TIMESTAMP '2024-06-30 23:59:59.999999', true, 0.5::numeric(10,2), 'q"u,o|t''e', '\xdeadbeef'::bytea),
	(5, '\.', 3.0::float8, DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00', false, 1::numeric(10,2), 'N', '\x61'::bytea)
) AS t(id, txt, f, d, ts, b, n, s, bin) ORDER BY id
;;
SELECT 1 AS ok
;;
select id, customer_id, amount, status from payments.charges order by id
;;
SELECT count(*) FROM users.customers
;;
select id from users.customers order by id
;;
select status, count(*), sum(amount) from payments.charges join users.customers c on c.id = customer_id group by 1
;;
select * from nope.missing
;;
select nosuch from users.customers
;;
select 'abc'::integer
;;
select * from read_csv('/etc/passwd')
;;
select count(*) from comms.bounces
;;
select count(*) from range(1000000000000) a
;;
select b.id from comms.bounces b, range(20000) r
;;
select id from users.customers where id <= $1 order by id
;;
select (7/2)::text
;;
select (-7/2)::text
;;
select (7.0/2)::text
;;
select (7::float8/2)::text
;;
select (count(*)/3)::text from users.customers
;;
select $1::text
;;
select $1::text, $2::int4
;;
SELECT current_setting('server_version_num')
;;
SELECT '2024-01-01 12:00:00+00'::timestamptz::text
;;
select version()
;;
select * from no_such_table
;;
select id, email from users.customers order by id
;;
select email from users.customers where id = 1
;;
select count(*) from comms.nonexistent
;;
select count(*) from payments.charges
;;
select x from (values (1),(2),(3),(4),(5)) t(x) order by x
;;
select x from (values (1),(2),(3)) t(x) order by x
;;
select 'still here'
;;
select 340282366920938463463374607431768211455::uhugeint
;;
select 170141183460469231731687303715884105728::uhugeint
;;
select 7::uhugeint
;;
select '123456789012345678901234567890123456789012345'::varint
;;
select '-98765432109876543210987654321098765432100000000'::varint
;;
select 0::varint
;;
select '12:34:56+05:30'::timetz
;;
select ('12:34:56+05:30'::timetz)::text
;;
select count(*), max(name) from users.customers
;;
select * from read_csv_auto('x.csv')
;;
select * from read_json_auto('/etc/hostname')
;;
select * from glob('**/*.parquet')
;;
select * from sniff_csv('/etc/passwd')
;;
select length((select content from read_text('/etc/passwd')))
;;
select * from 'x.csv'
;;
select * from pragma_table_info('comms.bounces')
;;
select current_setting('allowed_directories')
;;
select list_transform(['allowed_directories'], x -> current_setting(x))
;;
select pg_catalog.current_setting('temp_directory')
;;
select system.main.current_setting('temp_directory')
;;
select getvariable('x')
;;
select getenv('HOME')
;;
select current_schemas(true)
;;
select pg_get_viewdef(oid) from pg_catalog.pg_class, users.customers limit 1
;;
select pg_get_viewdef('users.customers'::regclass)
;;
select * from "COMMS"."BOUNCES"
;;
select * from comms."bounces"
;;
select * from Comms.BOUNCES
;;
select * from "comms.bounces"
;;
select * from comms /* x */ . bounces
;;
select * from comms."bounces​"
;;
select * from comms.bоunces
;;
select * from memory.comms.bounces
;;
select * from lakegate.comms.bounces
;;
select * from system.main.duckdb_views
;;
select * from temp.main.sqlite_master
;;
select email from memory.users.customers
;;
select * from bounces
;;
with bounces as (select 1 as id) select * from comms.bounces
;;
with bounces as (select 1 as id) select count(*) from bounces
;;
select count(*) from users.customers as bounces
;;
with x as (select * from users.customers) select count(*) from x as bounces
;;
select s.sql from (with sqlite_master as (select 1 as a) select * from sqlite_master) x, sqlite_master s, (select 1 from users.customers limit 1) c
;;
select v.sql from (with duckdb_views as (select 1 as a) select * from duckdb_views) x, duckdb_views v, (select 1 from users.customers limit 1) c
;;
select v.definition from (with pg_views as (select 1 as a) select * from pg_views) x, pg_views v, (select 1 from users.customers limit 1) c
;;
select * from (with bounces as (select 1 as a) select * from bounces) x, bounces
;;
select * from users.customers at (timestamp => (select max(sql) from sqlite_master))
;;
select email from (select * from users.customers) s where id = 1
;;
with c as (select * from users.customers) select max(email) from c
;;
select count(*) from users.customers where email = 'customer1@example.com'
;;
select count(*) from users.customers where email in ('customer1@example.com', 'customer2@example.com')
;;
select count(*) from users.customers where email between 'customer1' and 'customer9~'
;;
select count(*) from users.customers where email = '***@example.com'
;;
select count(*) from users.customers where email < 'customer1'
;;
select count(*) from users.customers where exists (select 1 from users.customers c2 where c2.email = 'customer1@example.com')
;;
select count(*) from users.customers a join users.customers b on a.email = b.email
;;
select max(c.email) from payments.charges p join users.customers c on c.id = p.customer_id
;;
select first_value(email) over (order by id) from users.customers limit 1
;;
select string_agg(email, ',') from users.customers
;;
select list(email)::varchar from users.customers
;;
select json_object('e', email) from users.customers
;;
select c::text from users.customers c
;;
select c from users.customers c
;;
select to_json(c) from users.customers c
;;
select * exclude (name) from users.customers
;;
select columns(*) from users.customers
;;
select columns('e.*') from users.customers
;;
select email from users.customers union select email from users.customers
;;
select email, count(*) from users.customers group by all
;;
with customers as (select * from users.customers) select email from customers where id = 1
;;
select email::int from users.customers
;;
select error(email) from users.customers where id = 1
;;
select max(length(email)) from users.customers
;;
select table_schema, table_name, table_type from information_schema.tables, (select 1 from users.customers limit 1) x
;;
select table_schema, table_name, column_name from information_schema.columns
;;
select view_definition from information_schema.views, (select 1 from users.customers limit 1) x
;;
select relname, relkind from pg_catalog.pg_class
;;
select relname from pg_class, (select 1 from users.customers limit 1) x
;;
select schemaname, tablename from pg_catalog.pg_tables
;;
select definition from pg_catalog.pg_views, users.customers
;;
select definition from pg_views
;;
select attname from pg_catalog.pg_attribute
;;
select * from pg_catalog.pg_description, (select 1 from users.customers limit 1) x
;;
select name, setting from pg_catalog.pg_settings
;;
select proname from pg_catalog.pg_proc
;;
SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(bounces)$' AND n.nspname OPERATOR(pg_catalog.~) '^(comms)$' ORDER BY 2, 3
;;
select * from duckdb_tables()
;;
select sql from duckdb_views(), users.customers
;;
select path from duckdb_databases()
;;
select * from duckdb_functions()
;;
select sql from duckdb_views, users.customers
;;
select sql from main.duckdb_views
;;
select sql from pg_catalog.duckdb_views
;;
select sql from sqlite_master, users.customers
;;
select sql from main.sqlite_master, users.customers
;;
select sql from pg_catalog.sqlite_master, users.customers
;;
select sql from information_schema.sqlite_schema, users.customers
;;
select * from query('select * from comms.bounces')
;;
select * from query_table('comms.bounces')
;;
select * from json_execute_serialized_sql(json_serialize_sql('select 1'))
;;
select * from sql_auto_complete('select * from comms.b')
;;
select version(), current_database(), current_schema(), current_user
;;
select * from users.customers c join comms.bounces b on b.customer_id = c.id
;;
select exists (select 1 from comms.bounces)
;;
with x as (select * from comms.bounces) select count(*) from x
;;
select id from users.customers union all select id from comms.bounces
;;
select count(*) from users.customers where id in (select customer_id from comms.bounces)
;;
select id from users.customers order by (select count(*) from comms.bounces)
;;
select * from comms.bounces at (version => 1)
;;
select * from comms.bounces at (timestamp => now())
;;
select reason from comms.bounces
;;
select nosuchcolumn from users.customers
;;
select * from comms.bounce
;;
select read_parque('x')
;;
select lakegate_base.email from users.customers
;;
select count(*) from comms.bounces b join users.customers c on c.id = b.customer_id
;;
select table_schema, table_name from information_schema.tables
;;
select table_schema, table_name, column_name from information_schema.columns, (select 1 from users.customers limit 1) x
;;
select * from pg_catalog.pg_prepared_statements
;;
select database_name from duckdb_databases()
;;
SELECT 0::numeric(38,0) AS a, 0::numeric(12,2) AS b, 0.00::numeric(12,2) AS c
;;
SELECT 1::numeric(38,0) AS a, 10000::numeric(38,0) AS b, 100000000::numeric(18,0) AS c, (-10000)::numeric(12,2) AS d
;;
SELECT 12.34::numeric(10,2) AS a, (-0.0010)::numeric(5,4) AS b, 1.50::numeric(4,2) AS c, (-12.5)::numeric(4,1) AS d
;;
SELECT 0.0001::numeric(9,4) AS a, 0.00001::numeric(9,5) AS b, 123456789.5::numeric(10,1) AS c, 0.5::numeric(1,1) AS d
;;
SELECT (-12345678901234567890123456789.123456789)::numeric(38,9) AS a, 99999999999999999999999999999999999999::numeric(38,0) AS b
;;
SELECT 1.2345678901234567890123456789012345678::numeric(38,37) AS a, (-0.0000000000000000000000000000000000001)::numeric(38,37) AS b
;;
SELECT 1234567890123456789.1234567::numeric(26,7) AS a, (-9223372036854775808)::numeric(19,0) AS b, 18446744073709551616::numeric(20,0) AS c
;;
SELECT true AS a, false AS b, NULL::boolean AS c
;;
SELECT (-32768)::smallint AS a, 2147483647 AS b, (-9223372036854775808)::bigint AS c, 0::bigint AS d
;;
SELECT 1.5::real AS a, 0.1::real AS b, 1000000::real AS c, 1e-5::real AS d, 'NaN'::real AS e, '-Infinity'::real AS f
;;
SELECT 0.1::float8 AS a, 1e20::float8 AS b, 123456789012345.6::float8 AS c, 0.000015::float8 AS d, (-2.5)::float8 AS e, 'Infinity'::float8 AS f
;;
SELECT '' AS a, 'hÃ©llo, "world"' AS b, NULL::text AS c, E'tab\there' AS d
;;
SELECT '\xdeadbeef'::bytea AS a, '\x'::bytea AS b
;;
SELECT DATE '2024-02-29' AS a, DATE '1999-12-31' AS b, DATE '2000-01-01' AS c, DATE '0044-03-15 BC' AS d, DATE '0001-01-01' AS e
;;
SELECT 'infinity'::date AS a, '-infinity'::date AS b, DATE '9999-12-31' AS c, DATE '1970-01-01' AS d
;;
SELECT TIME '12:34:56.123456' AS a, TIME '00:00:00' AS b, TIME '23:59:59.5' AS c, TIME '00:00:01.000001' AS d
;;
SELECT TIMESTAMP '2024-02-29 12:34:56.123456' AS a, TIMESTAMP '1999-12-31 23:59:59' AS b, TIMESTAMP '0044-03-15 10:00:00 BC' AS c
;;
SELECT TIMESTAMP '1969-12-31 23:59:59.999999' AS a, TIMESTAMP '2000-01-01 00:00:00' AS b, 'infinity'::timestamp AS c, '-infinity'::timestamp AS d
;;
SELECT TIMESTAMPTZ '2024-02-29 12:34:56.123456+00' AS a, TIMESTAMPTZ '2024-07-01 12:00:00.5+02' AS b, TIMESTAMPTZ '1850-01-01 00:00:00+00' AS c, '-infinity'::timestamptz AS d
;;
SELECT 1 AS one
;;
SELECT * FROM no_such_table
;;
SELECT 2 AS two
;;
SELECT 3 AS three
;;
select count(*) from users.customers where id = 1
;;
select * from users.nope
;;
select $1::typ
;;
select count(*) from payments.charges where id = any($1)
;;
select 'b' = any($1)
;;
select $1 + 1
;;
select id, array_to_string(tags, ',') from payments.ledger where id <= 3
;;
select created_at::date::text from payments.ledger where id = 3
;;
select * from payments.ledger_copy
;;
select * from payments.ledger
;;
select id from payments.ledger
;;
select count(*) from payments.charges where created_at < '2026-01-10'
;;
select count(*) from payments.charges where status = 'failed'
;;
select count(*) from payments.charges where created_at >= '2026-03-01'
;;
select count(*) from payments.charges c where exists (select 1 from users.customers u where u.id = c.customer_id and u.country = 'DE')
;;
select count(*), count(*) filter (where status = 'failed'), count(*) filter (where created_at < '2026-01-10') from payments.charges
;;
select count(*) from payments.charges c join users.customers u on u.id = c.customer_id where u.country = 'DE'
;;
select id::text, 'hidden', country from users.customers where country = 'DE'
		union all select (id + 1000)::text, 'hidden', country from users.customers where country = 'DE' and id <= 20
;;
select count(*), count(distinct (writer, batch)), count(distinct (writer, batch, item)) from payments.batches
;;
select late, count(*), min(n), max(n) from payments.counters group by late