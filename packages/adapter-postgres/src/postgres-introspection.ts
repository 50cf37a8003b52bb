import {
  catalogDifference,
  catalogSnapshot,
  DatabaseError,
  describeSchemaDifference,
  type CatalogRow,
  type CatalogSnapshot,
  type SchemaChange,
  type SchemaObjectFilter,
  type SchemaSnapshot,
} from '@cloudguard/migrate-core/adapter';
import { DatabaseSchema, SchemaComparator, type AbstractSqlPlatform, type MikroORM, type PostgreSqlConnection } from '@mikro-orm/postgresql';

import { snapshotPostgresSchema } from './postgres-snapshot.js';

/** A snapshot of {@link introspectPostgresSchema}: the catalog's rows, and the schema as MikroORM introspects it. */
interface IntrospectedSnapshot extends CatalogSnapshot {
  readonly introspected: {
    readonly schema: DatabaseSchema;
    /** The connection's current schema, whose objects cgmigrate names without it. */
    readonly current: string;
  };
}

/**
 * What MikroORM's introspection does not read, left to the catalog's rows: functions,
 * and sequences (MikroORM knows a column's, by its `nextval` default, not the sequence).
 */
const CATALOG_ONLY: ReadonlySet<CatalogRow['object']> = new Set(['function', 'sequence']);

/**
 * Records the schema of a PostgreSQL database as MikroORM introspects it
 * (`DatabaseSchema.create` over every schema of the database, with its enum types,
 * checks, foreign keys, indexes, triggers and views), the tables and views `include`
 * lets through, with the catalog snapshot of the same moment. Many queries: taken only
 * when two catalog snapshots differ, for {@link comparePostgresSnapshots} to decide.
 *
 * ### Examples
 * ```ts
 * const before = await introspectPostgresSchema(orm, include); // on the database rebuilt to before the up
 * const after = await introspectPostgresSchema(otherOrm, include);
 * comparePostgresSnapshots(platform, before, after); // [] when MikroORM sees the same schema
 * ```
 * @throws {DatabaseError} when the schema cannot be read.
 */
export async function introspectPostgresSchema(orm: MikroORM, include: SchemaObjectFilter): Promise<SchemaSnapshot> {
  const connection = orm.driver.getConnection() as PostgreSqlConnection;
  const platform = orm.driver.getPlatform();
  const catalog = (await snapshotPostgresSchema(connection, include)) as CatalogSnapshot;
  let schema: DatabaseSchema;
  let current: string;
  try {
    const [row] = await connection.execute<{ name: string | null }[]>('select current_schema() as name');
    current = row?.name ?? platform.getDefaultSchemaName() ?? 'public';
    const namespaces = await platform.getSchemaHelper()!.getNamespaces(connection);
    schema = await DatabaseSchema.create(connection, platform, orm.config, current, namespaces);
    // Introspection knows a schema by its tables: one that holds none is still there.
    schema.setNamespaces(new Set([...schema.getNamespaces(), ...namespaces]));
  } catch (error) {
    throw new DatabaseError('Reading the PostgreSQL schema (MikroORM introspection)', { cause: error });
  }
  keepIncluded(schema, include, current);
  const snapshot: IntrospectedSnapshot = { ...catalog, introspected: { schema, current } };
  return snapshot;
}

/**
 * What changed from one PostgreSQL snapshot to another. Two snapshots of
 * {@link introspectPostgresSchema} are compared by MikroORM's `SchemaComparator`, which
 * decides whether they differ and how (a default written `now()` in one and
 * `CURRENT_TIMESTAMP` in the other is the same default to it), with the catalog's rows
 * for what MikroORM does not read (functions, sequences). Catalog snapshots are compared
 * row by row, which tells that two schemas differ, not whether MikroORM would see it.
 */
export function comparePostgresSnapshots(platform: AbstractSqlPlatform, before: SchemaSnapshot, after: SchemaSnapshot): SchemaChange[] {
  const from = before as CatalogSnapshot | IntrospectedSnapshot;
  const to = after as CatalogSnapshot | IntrospectedSnapshot;
  if (!('introspected' in from) || !('introspected' in to)) return catalogDifference(from, to);
  const diff = new SchemaComparator(platform).compare(from.introspected.schema, to.introspected.schema);
  const changes = describeSchemaDifference(diff).map((change) => unqualified(change, to.introspected.current));
  const unread = catalogDifference(only(from, CATALOG_ONLY), only(to, CATALOG_ONLY));
  return [...changes, ...unread];
}

/** Leaves out the tables and views `include` rejects, named as the catalog snapshot names them (without the current schema). */
function keepIncluded(schema: DatabaseSchema, include: SchemaObjectFilter, current: string): void {
  const own = (name: string | undefined) => (name === current ? undefined : name);
  schema.setTables(schema.getTables().filter((table) => include({ type: 'table', name: table.name, schema: own(table.schema) }, 'database')));
  schema.setViews(schema.getViews().filter((view) => include({ type: 'view', name: view.name, schema: own(view.schema) }, 'database')));
}

/** A change of MikroORM's, its names without the current schema, as the rest of cgmigrate names objects there (`users`, not `public.users`). */
function unqualified(change: SchemaChange, current: string): SchemaChange {
  if (change.object === 'schema') return change;
  const strip = (name: string) => (name.startsWith(`${current}.`) ? name.slice(current.length + 1) : name);
  return { ...change, name: strip(change.name), ...(change.table === undefined ? {} : { table: strip(change.table) }) };
}

function only(snapshot: CatalogSnapshot, objects: ReadonlySet<CatalogRow['object']>): CatalogSnapshot {
  return catalogSnapshot(
    snapshot.rows.filter((row) => objects.has(row.object)),
    () => true,
  );
}
