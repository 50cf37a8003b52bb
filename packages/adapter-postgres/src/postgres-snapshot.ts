import { catalogSnapshot, DatabaseError, type CatalogRow, type SchemaObjectFilter, type SchemaSnapshot } from '@cloudguard/migrate-core/adapter';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';

/**
 * Every object of the database's own schemas (not `pg_catalog`, `information_schema`,
 * the toast and temporary schemas, nor what an extension owns), one row each, with its
 * definition as the server writes it: `format_type`, `pg_get_expr`,
 * `pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_triggerdef`, `pg_get_viewdef`. No
 * OID or attribute number appears, so the same schema made again reads the same; columns
 * are rows of their own, so their order does not count. Equal rows, equal schemas; rows
 * that differ may still be the same schema to MikroORM (a default written `now()` once
 * and `CURRENT_TIMESTAMP` the other time), which `postgres-introspection` then decides.
 */
const CATALOG_QUERY = `
with ns as (
  select oid, nspname from pg_namespace
  where nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    and nspname not like 'pg\\_temp\\_%' and nspname not like 'pg\\_toast\\_temp\\_%'
),
extension_member as (select classid, objid from pg_depend where deptype = 'e'),
rel as (
  select c.oid, c.relname, c.relkind, n.nspname from pg_class c join ns n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'f')
    and not exists (select 1 from extension_member e where e.classid = 'pg_class'::regclass and e.objid = c.oid)
)
select 'schema' as object, n.nspname as schema, null as tbl, n.nspname as name, '' as definition from ns n
  where n.nspname <> 'public'
    and not exists (select 1 from extension_member e where e.classid = 'pg_namespace'::regclass and e.objid = n.oid)
union all
select case when r.relkind in ('v', 'm') then 'view' else 'table' end, r.nspname, r.relname, r.relname,
  r.relkind::text || coalesce(' ' || case when r.relkind in ('v', 'm') then pg_get_viewdef(r.oid) end, '')
  from rel r
union all
select 'column', r.nspname, r.relname, a.attname,
  format_type(a.atttypid, a.atttypmod)
  || case when a.attnotnull then ' not null' else '' end
  || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
  || case when a.attidentity <> '' then ' identity ' || a.attidentity::text else '' end
  || case when a.attgenerated <> '' then ' generated ' || a.attgenerated::text else '' end
  || case when a.attcollation <> t.typcollation then ' collate ' || coalesce((select collname from pg_collation where oid = a.attcollation), '?') else '' end
  from rel r join pg_attribute a on a.attrelid = r.oid join pg_type t on t.oid = a.atttypid
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attnum > 0 and not a.attisdropped
union all
select case con.contype when 'p' then 'primary_key' when 'u' then 'unique' when 'f' then 'foreign_key' else 'check' end,
  r.nspname, r.relname, con.conname, pg_get_constraintdef(con.oid)
  from pg_constraint con join rel r on r.oid = con.conrelid
union all
select 'index', r.nspname, r.relname, i.relname, pg_get_indexdef(i.oid)
  from pg_index x join pg_class i on i.oid = x.indexrelid join rel r on r.oid = x.indrelid
union all
select 'trigger', r.nspname, r.relname, tg.tgname, pg_get_triggerdef(tg.oid)
  from pg_trigger tg join rel r on r.oid = tg.tgrelid where not tg.tgisinternal
union all
select 'enum', n.nspname, null, t.typname, string_agg(e.enumlabel, ', ' order by e.enumsortorder)
  from pg_type t join ns n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
  where not exists (select 1 from extension_member m where m.classid = 'pg_type'::regclass and m.objid = t.oid)
  group by n.nspname, t.typname
union all
select 'sequence', n.nspname, owner.relname, s.relname,
  format_type(q.seqtypid, null) || ' start ' || q.seqstart || ' increment ' || q.seqincrement || ' min ' || q.seqmin || ' max ' || q.seqmax
  from pg_class s join ns n on n.oid = s.relnamespace join pg_sequence q on q.seqrelid = s.oid
  left join pg_depend dep on dep.classid = 'pg_class'::regclass and dep.objid = s.oid and dep.deptype in ('a', 'i')
    and dep.refclassid = 'pg_class'::regclass
  left join pg_class owner on owner.oid = dep.refobjid
  where not exists (select 1 from extension_member e where e.classid = 'pg_class'::regclass and e.objid = s.oid)
union all
select 'function', n.nspname, null, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', md5(pg_get_functiondef(p.oid))
  from pg_proc p join ns n on n.oid = p.pronamespace
  where p.prokind in ('f', 'p')
    and not exists (select 1 from extension_member e where e.classid = 'pg_proc'::regclass and e.objid = p.oid)`;

interface CatalogQueryRow {
  readonly object: CatalogRow['object'];
  readonly schema: string;
  readonly tbl: string | null;
  readonly name: string;
  readonly definition: string | null;
}

/**
 * Records the schema of a PostgreSQL database in one catalog query (see
 * {@link CATALOG_QUERY}); objects of the connection's current schema are named without
 * it, as the rest of cgmigrate names them.
 *
 * @throws {DatabaseError} when the catalogs cannot be read.
 */
export async function snapshotPostgresSchema(connection: PostgreSqlConnection, include: SchemaObjectFilter): Promise<SchemaSnapshot> {
  let rows: CatalogQueryRow[];
  let current: string | undefined;
  try {
    const [schemaRow] = await connection.execute<{ name: string | null }[]>('select current_schema() as name');
    current = schemaRow?.name ?? undefined;
    rows = await connection.execute<CatalogQueryRow[]>(CATALOG_QUERY);
  } catch (error) {
    throw new DatabaseError('Reading the PostgreSQL schema (catalog query)', { cause: error });
  }
  return catalogSnapshot(
    rows.map((row) => ({
      object: row.object,
      schema: row.schema === current && row.object !== 'schema' ? undefined : row.schema,
      table: row.tbl ?? undefined,
      name: row.name,
      definition: row.definition ?? '',
    })),
    include,
  );
}
