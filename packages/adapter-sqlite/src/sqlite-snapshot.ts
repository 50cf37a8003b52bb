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
import { DatabaseSchema, SchemaComparator, type AbstractSqlPlatform } from '@mikro-orm/sqlite';
import type { Configuration } from '@mikro-orm/core';
import type BetterSqlite3 from 'better-sqlite3';

import { introspection } from './sqlite-autogenerate.js';
import type { DatabaseConstructor } from './sqlite-lock.js';

/** An SQLite snapshot: `sqlite_master`'s rows, and their `CREATE` statements in the order SQLite keeps them. */
interface SqliteSnapshot extends CatalogSnapshot {
  /** Every `CREATE` statement of the snapshot (tables first, in `rowid` order), to build the schema again elsewhere. */
  readonly statements: readonly string[];
}

interface MasterRow {
  readonly type: string;
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string | null;
}

const MASTER_QUERY = "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite\\_%' escape '\\' order by rowid";

const OBJECTS: Readonly<Record<string, CatalogRow['object'] | undefined>> = { table: 'table', index: 'index', view: 'view', trigger: 'trigger' };

/**
 * Records the schema of an SQLite database: one read of `sqlite_master`, whose `sql`
 * column holds each table's, index's, view's and trigger's `CREATE` statement as
 * written. Two snapshots with the same rows are the same schema, compared as one string.
 *
 * @throws {DatabaseError} when the catalog cannot be read.
 */
export function snapshotSqliteSchema(database: BetterSqlite3.Database, include: SchemaObjectFilter): SchemaSnapshot {
  let master: MasterRow[];
  try {
    master = database.prepare(MASTER_QUERY).all([]) as MasterRow[];
  } catch (error) {
    throw new DatabaseError('Reading the SQLite schema (sqlite_master)', { cause: error });
  }
  const rows: CatalogRow[] = [];
  for (const row of master) {
    const object = OBJECTS[row.type];
    if (object === undefined) continue;
    const table = object === 'table' || object === 'view' ? row.name : row.tbl_name;
    rows.push({ object, schema: undefined, table, name: row.name, definition: row.sql ?? '' });
  }
  const snapshot = catalogSnapshot(rows, include);
  const kept = new Set(snapshot.rows);
  const statements = rows
    .filter((row) => kept.has(row) && row.definition !== '')
    // Tables before what refers to them (indexes, views, triggers), each kind in rowid order.
    .sort((a, b) => rank(a) - rank(b))
    .map((row) => row.definition);
  const result: SqliteSnapshot = { ...snapshot, statements };
  return result;
}

function rank(row: CatalogRow): number {
  return row.object === 'table' ? 0 : row.object === 'index' ? 1 : row.object === 'view' ? 2 : 3;
}

/**
 * What changed from one SQLite snapshot to another. Equal catalogs are equal at once.
 * Otherwise the same text is not required: a table rebuilt by a `down` (SQLite's
 * procedure for what `ALTER TABLE` cannot do) is written again in the rebuilder's words,
 * so both schemas are built again in memory from their `CREATE` statements and compared
 * with MikroORM's introspection and `SchemaComparator`, which decide whether they differ
 * and how. Views, whose text MikroORM compares as written, differ when their text does.
 *
 * @throws {DatabaseError} when a snapshot's statements cannot be built again.
 */
export function compareSqliteSnapshots(
  Database: DatabaseConstructor,
  platform: AbstractSqlPlatform,
  config: Configuration,
  before: SchemaSnapshot,
  after: SchemaSnapshot,
): Promise<SchemaChange[]> {
  const from = before as SqliteSnapshot;
  const to = after as SqliteSnapshot;
  if (from.fingerprint === to.fingerprint) return Promise.resolve([]);
  return compareWithMikroOrm(Database, platform, config, from, to);
}

async function compareWithMikroOrm(
  Database: DatabaseConstructor,
  platform: AbstractSqlPlatform,
  config: Configuration,
  before: SqliteSnapshot,
  after: SqliteSnapshot,
): Promise<SchemaChange[]> {
  const [fromSchema, toSchema] = [await schemaOf(Database, platform, config, before), await schemaOf(Database, platform, config, after)];
  const diff = new SchemaComparator(platform).compare(fromSchema, toSchema);
  const changes = describeSchemaDifference(diff);
  // What MikroORM does not model (a trigger's body) still counts when its text differs.
  const unmodelled = catalogDifference(only(before, 'trigger'), only(after, 'trigger'));
  return [...changes, ...unmodelled.filter((change) => !changes.some((c) => c.object === change.object && c.name === change.name))];
}

/** The snapshot's schema as MikroORM introspects it, from an in-memory database built from its statements. */
async function schemaOf(Database: DatabaseConstructor, platform: AbstractSqlPlatform, config: Configuration, snapshot: SqliteSnapshot): Promise<DatabaseSchema> {
  const memory = new Database(':memory:');
  try {
    for (const statement of snapshot.statements) memory.exec(statement);
    return await DatabaseSchema.create(introspection(memory, platform), platform, config);
  } catch (error) {
    throw new DatabaseError('Building an SQLite schema again in memory to compare it', { cause: error });
  } finally {
    memory.close();
  }
}

function only(snapshot: SqliteSnapshot, object: CatalogRow['object']): CatalogSnapshot {
  const rows = snapshot.rows.filter((row) => row.object === object);
  return catalogSnapshot(rows, () => true);
}
