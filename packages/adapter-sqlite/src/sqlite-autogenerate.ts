import { comparedOperations, compareEntitiesWithDatabase, entityMetadataOrm } from '@cloudguard/migrate-adapter-kit/autogenerate';
import { DatabaseError, describeSchemaDifference, type SchemaCompareRequest, type SchemaComparison } from '@cloudguard/migrate-core/adapter';
import { DatabaseSchema, MikroORM, type AbstractSqlConnection, type AbstractSqlPlatform } from '@mikro-orm/sqlite';
import type BetterSqlite3 from 'better-sqlite3';

import { completeRebuilds, DEPENDENTS_QUERY, rebuiltTables, withoutForeignKeyPragmas, type SchemaDependent } from './sqlite-rebuild.js';

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
  const target = entityMetadataOrm((options) => new MikroORM(options), { dbName }, request.entities);
  const compared = await compareEntitiesWithDatabase(target, request, { name: 'SQLite', dialect: 'sqlite' }, (platform, config, namespaces) =>
    DatabaseSchema.create(introspection(database, platform), platform, config, undefined, namespaces),
  );
  const upStatements = withoutForeignKeyPragmas(compared.up);
  const downStatements = withoutForeignKeyPragmas(compared.down);
  const rebuilds = rebuiltTables(upStatements).length + rebuiltTables(downStatements).length;
  const dependents = rebuilds === 0 ? [] : readDependents(database);
  const up = completeRebuilds(upStatements, compared.upDiff, dependents);
  const down = completeRebuilds(downStatements, compared.downDiff, dependents);
  return {
    up: up.statements,
    down: down.statements,
    upChecks: up.checks,
    downChecks: down.checks,
    changes: describeSchemaDifference(compared.upDiff),
    warnings: up.notes,
    ...comparedOperations(compared.operations),
  };
}

/**
 * What MikroORM's schema introspection calls on a connection, straight on the
 * better-sqlite3 database: its ~8 statements per table then skip Kysely, the
 * connection's logging and its parameter formatting. Its lookups of one table's row
 * (or its indexes' or triggers' rows) in `sqlite_master` are answered from one read of
 * that table: SQLite has no index on it, so each lookup scans every table's, index's
 * and trigger's SQL (at 200 tables, 600 lookups took longer than everything else).
 */
export function introspection(database: BetterSqlite3.Database, platform: AbstractSqlPlatform): AbstractSqlConnection {
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
