/**
 * PostgreSQL refuses to change the type of a column a view reads ("cannot alter type of
 * a column used by a view or rule"). An `alterColumn` that changes a type therefore
 * drops the views that read the column (and the views that read those) before the
 * `ALTER TABLE`, and creates them again after it from their definitions as the server
 * holds them (`pg_get_viewdef`), with their options, comments and grants, in the same
 * transaction: the migration author writes the `alterColumn` alone, as with Alembic's
 * operations on a schema without views.
 *
 * @packageDocumentation
 */

import type { AlterTableOperation, CompiledOperation, OperationCompileContext, QualifiedName } from '@cloudguard/migrate-core/adapter';
import type { AlterTableTools } from '@cloudguard/migrate-adapter-kit/operations';
import { hasTypeChange } from '@cloudguard/migrate-core/adapter';

/** A view (or materialized view) that reads a column being changed, directly or through other views. */
interface DependentView {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** `v` for a view, `m` for a materialized view. */
  readonly kind: string;
  readonly definition: string;
  readonly options: readonly string[] | null;
  readonly comment: string | null;
  readonly grants: readonly { readonly privilege: string; readonly grantee: string; readonly grantable: boolean }[];
  /** The longest chain of views from the table to it: views are created in this order. */
  readonly depth: number;
}

/** The views whose rules read given columns of a table (`?` the table, `?` the column names). */
const COLUMN_READERS = `
  select distinct r.ev_class as oid
    from pg_catalog.pg_depend d
    join pg_catalog.pg_rewrite r on r.oid = d.objid
    join pg_catalog.pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
   where d.classid = 'pg_catalog.pg_rewrite'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
     and d.refobjid = to_regclass(?) and r.ev_class <> d.refobjid and a.attname = any(string_to_array(?, chr(1)))`;

/** The views whose rules read a view (`?` its oid). */
const VIEW_READERS = `
  select distinct r.ev_class as oid
    from pg_catalog.pg_depend d
    join pg_catalog.pg_rewrite r on r.oid = d.objid
   where d.classid = 'pg_catalog.pg_rewrite'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
     and d.refobjid = ?::oid and r.ev_class <> d.refobjid`;

/** What is needed to create a view again (`?` its oid). */
const VIEW_DEFINITION = `
  select c.oid, n.nspname as schema, c.relname as name, c.relkind as kind, pg_catalog.pg_get_viewdef(c.oid) as definition,
         c.reloptions as options, pg_catalog.obj_description(c.oid, 'pg_class') as comment
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = ?::oid`;

/** The privileges granted on a view to others than its owner (`?` its oid), as `GRANT` statements write them. */
const VIEW_GRANTS = `
  select a.privilege_type as privilege, case when a.grantee = 0 then 'public' else pg_catalog.quote_ident(r.rolname) end as grantee,
         a.is_grantable as grantable
    from pg_catalog.pg_class c cross join lateral pg_catalog.aclexplode(c.relacl) a
    left join pg_catalog.pg_roles r on r.oid = a.grantee
   where c.oid = ?::oid and a.grantee <> c.relowner
   order by 2, 1`;

/**
 * Compiles an `alterTable` operation that changes the type of a column views read, with
 * those views dropped before and created after; `undefined` when no view reads such a
 * column (or offline, where the views cannot be read: PostgreSQL then names the view
 * if one is in the way).
 *
 * @throws {OperationNotSupportedError} when a materialized view reads the column: its
 *   rows and indexes would have to be rebuilt, which the migration should say itself.
 */
export async function withDependentViews(
  operation: AlterTableOperation,
  context: OperationCompileContext,
  tools: AlterTableTools,
): Promise<CompiledOperation | undefined> {
  const { query } = context;
  if (context.offline || query === undefined) return undefined;
  const retyped = operation.changes.flatMap((change) => (change.kind === 'alterColumn' && hasTypeChange(change.changes) ? [change.column] : []));
  if (retyped.length === 0) return undefined;
  const views = await dependentViews(query, operation.table, retyped);
  if (views.length === 0) return undefined;
  const materialized = views.filter((view) => view.kind === 'm');
  if (materialized.length > 0) {
    tools.refuse(
      operation,
      `materialized view ${materialized.map((view) => `${view.schema}.${view.name}`).join(', ')} reads ${describeColumns(operation.table, retyped)}: ` +
        'drop it before this operation and create it again after (op.execute), so that its rows and indexes are rebuilt as intended',
    );
  }
  const quote = (name: string): string => tools.platform.quoteIdentifier(name);
  const qualified = (view: DependentView): string => `${quote(view.schema)}.${quote(view.name)}`;
  const byDepth = [...views].sort((a, b) => a.depth - b.depth || a.oid - b.oid);
  const drops = [...byDepth].reverse().map((view) => `drop view ${qualified(view)}`);
  const creates = byDepth.flatMap((view) => [
    `create view ${qualified(view)}${view.options === null || view.options.length === 0 ? '' : ` with (${view.options.join(', ')})`} as ${view.definition.trim().replace(/;$/, '')}`,
    ...(view.comment === null ? [] : [`comment on view ${qualified(view)} is ${tools.platform.quoteValue(view.comment)}`]),
    ...view.grants.map((grant) => `grant ${grant.privilege.toLowerCase()} on ${qualified(view)} to ${grant.grantee}${grant.grantable ? ' with grant option' : ''}`),
  ]);
  const statements = await tools.changeStatements(operation, context);
  const checks = await tools.changePreconditions(operation, context);
  return { statements: [...drops, ...statements, ...creates], checks };
}

/** The views that read the columns, and every view that reads one of those, each with its longest chain from the table. */
async function dependentViews(query: NonNullable<OperationCompileContext['query']>, table: QualifiedName, columns: readonly string[]): Promise<DependentView[]> {
  const regclass = table.schema === undefined ? quotePg(table.name) : `${quotePg(table.schema)}.${quotePg(table.name)}`;
  const depths = new Map<number, number>();
  let level = (await query<{ oid: number | string }>(COLUMN_READERS, [regclass, columns.join('\u0001')])).map((row) => Number(row.oid));
  for (let depth = 1; level.length > 0; depth++) {
    // A view reached again by a longer chain moves down; a cycle cannot happen (views cannot read themselves).
    for (const oid of level) depths.set(oid, depth);
    const next = new Set<number>();
    for (const oid of level) for (const row of await query<{ oid: number | string }>(VIEW_READERS, [oid])) next.add(Number(row.oid));
    level = [...next];
  }
  const views: DependentView[] = [];
  for (const [oid, depth] of depths) {
    const [row] = await query<Omit<DependentView, 'depth' | 'oid' | 'grants'> & { oid: number | string }>(VIEW_DEFINITION, [oid]);
    const grants = await query<DependentView['grants'][number]>(VIEW_GRANTS, [oid]);
    if (row !== undefined) views.push({ ...row, oid: Number(row.oid), depth, grants });
  }
  return views;
}

function quotePg(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function describeColumns(table: QualifiedName, columns: readonly string[]): string {
  return columns.map((column) => `${table.name}.${column}`).join(', ');
}
