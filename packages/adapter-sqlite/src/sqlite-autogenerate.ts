import {
  ConfigInvalidError,
  DatabaseError,
  describeSchemaDifference,
  filterComparedSchemas,
  isMigrateError,
  splitStatements,
  type SchemaCompareRequest,
  type SchemaComparison,
} from '@cloudguard/migrate-core';
import { MetadataDiscovery, MetadataStorage } from '@mikro-orm/core';
import {
  DatabaseSchema,
  MikroORM,
  SchemaComparator,
  SqlSchemaGenerator,
  type AbstractSqlConnection,
  type EntityClass,
  type EntitySchema,
} from '@mikro-orm/sqlite';
import type BetterSqlite3 from 'better-sqlite3';

import { completeRebuilds, DEPENDENTS_QUERY, rebuiltTables, type SchemaDependent } from './sqlite-rebuild.js';

/** How MikroORM writes the diff: statements only, drops included (the down of an add is a drop). */
const DIFF_OPTIONS = { wrap: false, safe: false, dropTables: true } as const;

/** MikroORM's table rebuild toggles foreign keys around it; see {@link compareSqliteSchema}. */
const FOREIGN_KEYS_PRAGMA = /^pragma foreign_keys\s*=\s*(on|off)$/i;

/**
 * Compares entity definitions with an SQLite database, with MikroORM's own calls (those
 * of `SqlSchemaGenerator.getUpdateSchemaMigrationSQL`, which `@mikro-orm/migrations`
 * uses): the target schema from the entities' metadata, the database's from
 * introspection over the open connection, `SchemaComparator.compare(database, entities)`
 * for `up` and the reverse, given the first as its inverse, for `down`.
 *
 * The entities get a MikroORM instance of their own that never connects: it only
 * holds their metadata, so that the migrate connection's ORM stays as it was.
 *
 * What SQLite cannot `ALTER` (a changed column, foreign key or check) MikroORM writes
 * as a table rebuild: create `<table>__temp_alter`, copy the rows, drop, rename. Its
 * `pragma foreign_keys = off/on` around the rebuild is left out: inside the
 * migration's transaction the pragma does nothing (the adapter turns enforcement off
 * around each migration transaction itself when `foreignKeys` is on), and outside
 * one (a `transactional: false` migration) its `on` would turn on the foreign keys
 * this adapter keeps off by default. The rest of SQLite's procedure is added by
 * {@link completeRebuilds} (dependent views and triggers, preconditions of the copy,
 * the foreign key check); each rebuild is reported as a warning to review.
 *
 * @throws {ConfigInvalidError} when MikroORM rejects the entity definitions.
 * @throws {DatabaseError} when the schema cannot be read.
 */
export async function compareSqliteSchema(
  database: BetterSqlite3.Database,
  dbName: string,
  request: SchemaCompareRequest,
): Promise<SchemaComparison> {
  const target = entityOrm(dbName, request.entities);
  try {
    const generator = new SqlSchemaGenerator(target.driver);
    const platform = target.driver.getPlatform();
    const toEntities = generator.getTargetSchema();
    let fromDatabase: DatabaseSchema;
    try {
      fromDatabase = await DatabaseSchema.create(introspection(database, platform), platform, target.config, undefined, toEntities.getNamespaces());
    } catch (error) {
      throw new DatabaseError('Reading the SQLite schema', { cause: error });
    }
    filterComparedSchemas(fromDatabase, toEntities, request.include);
    fromDatabase.prune(undefined, []);
    toEntities.prune(undefined, []);

    const comparator = new SchemaComparator(platform);
    const upDiff = comparator.compare(fromDatabase, toEntities);
    const downDiff = comparator.compare(toEntities, fromDatabase, upDiff);
    const upStatements = statements(generator.diffToSQL(upDiff, DIFF_OPTIONS));
    const downStatements = statements(generator.diffToSQL(downDiff, DIFF_OPTIONS));
    const rebuilds = rebuiltTables(upStatements).length + rebuiltTables(downStatements).length;
    const dependents = rebuilds === 0 ? [] : readDependents(database);
    const up = completeRebuilds(upStatements, upDiff, dependents);
    const down = completeRebuilds(downStatements, downDiff, dependents);
    return {
      up: up.statements,
      down: down.statements,
      upChecks: up.checks,
      downChecks: down.checks,
      changes: describeSchemaDifference(upDiff),
      warnings: up.notes,
    };
  } finally {
    await target.close(true);
  }
}

/**
 * A MikroORM instance that holds the entities' metadata and never connects. Discovery
 * runs here rather than in the constructor, which would also build an EntityManager
 * and decorate every entity prototype for it (a third of the discovery's time at 200
 * entities), none of which the schema generator uses.
 */
function entityOrm(dbName: string, entities: readonly unknown[]): MikroORM {
  try {
    const orm = new MikroORM({
      dbName,
      // Checked by MikroORM's discovery, which names what it cannot use.
      entities: [...entities] as (EntityClass<object> | EntitySchema)[],
      discovery: { skipSyncDiscovery: true },
      allowGlobalContext: true,
      ensureDatabase: false,
      preferTs: false,
      debug: false,
      logger: () => {},
    });
    const metadata = new MetadataDiscovery(new MetadataStorage(), orm.driver.getPlatform(), orm.config).discoverSync();
    orm.driver.setMetadata(metadata);
    return orm;
  } catch (error) {
    if (isMigrateError(error)) throw error;
    throw new ConfigInvalidError(undefined, `entities: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function statements(script: string): string[] {
  return splitStatements(script).filter((statement) => !FOREIGN_KEYS_PRAGMA.test(statement));
}

/**
 * What MikroORM's schema introspection calls on a connection, straight on the
 * better-sqlite3 database: its ~8 statements per table then skip Kysely, the
 * connection's logging and its parameter formatting. Its lookups of one table's row
 * (or its indexes' or triggers' rows) in `sqlite_master` are answered from one read of
 * that table: SQLite has no index on it, so each lookup scans every table's, index's
 * and trigger's SQL (at 200 tables, 600 lookups took longer than everything else).
 */
function introspection(database: BetterSqlite3.Database, platform: ReturnType<MikroORM['driver']['getPlatform']>): AbstractSqlConnection {
  // Several of its queries are the same text for every table, with the table as a parameter.
  const statements = new Map<string, BetterSqlite3.Statement>();
  let catalog: readonly CatalogRow[] | undefined;
  const connection = {
    getPlatform: () => platform,
    execute: async (sql: string, params: readonly unknown[] = [], method: 'all' | 'get' | 'run' = 'all') => {
      const lookup = catalogLookup(sql, params);
      if (lookup !== undefined) {
        catalog ??= database.prepare(CATALOG_QUERY).all([]) as CatalogRow[];
        const rows = catalog.filter(lookup.where).map(lookup.select);
        return method === 'get' ? rows[0] : rows;
      }
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (params.length > 0) statements.set(sql, statement);
      }
      if (!statement.reader) return statement.run([...params]);
      const rows = statement.all([...params]);
      return method === 'get' ? rows[0] : rows;
    },
  };
  return connection as unknown as AbstractSqlConnection;
}

interface CatalogRow {
  readonly type: string;
  readonly name: string;
  readonly tbl_name: string;
  readonly sql: string | null;
}

const CATALOG_QUERY = 'select type, name, tbl_name, sql from sqlite_master';

/**
 * The `sqlite_master` lookups of MikroORM 7.2's `SqliteSchemaHelper`, by their exact
 * text; any other query (a future version's) runs on SQLite as it is.
 */
function catalogLookup(
  sql: string,
  params: readonly unknown[],
): { where: (row: CatalogRow) => boolean; select: (row: CatalogRow) => Record<string, unknown> } | undefined {
  const [first] = params;
  if (sql === 'select sql from sqlite_master where type = ? and name = ?') {
    return { where: (row) => row.type === first && row.name === params[1], select: (row) => ({ sql: row.sql }) };
  }
  const byTable = /^select name, sql from sqlite_master where type = '(index|trigger)' and tbl_name = \?$/.exec(sql);
  if (byTable) {
    return { where: (row) => row.type === byTable[1] && row.tbl_name === first, select: (row) => ({ name: row.name, sql: row.sql }) };
  }
  return undefined;
}

function readDependents(database: BetterSqlite3.Database): SchemaDependent[] {
  try {
    return database.prepare(DEPENDENTS_QUERY).all([]) as SchemaDependent[];
  } catch (error) {
    throw new DatabaseError('Reading the views and triggers of the SQLite schema', { cause: error });
  }
}
