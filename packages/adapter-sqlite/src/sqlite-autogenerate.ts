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
import { DatabaseSchema, MikroORM, SchemaComparator, type EntityClass, type EntitySchema } from '@mikro-orm/sqlite';

/** How MikroORM writes the diff: statements only, drops included (the down of an add is a drop). */
const DIFF_OPTIONS = { wrap: false, safe: false, dropTables: true } as const;

/** MikroORM's table rebuild toggles foreign keys around it; see {@link compareSqliteSchema}. */
const FOREIGN_KEYS_PRAGMA = /^pragma foreign_keys\s*=\s*(on|off)$/i;
const REBUILD = /^create table `(.+)__temp_alter` /;

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
 * migration's transaction the pragma does nothing, and outside one (a
 * `transactional: false` migration) its `on` would turn on the foreign keys this
 * adapter keeps off. Each rebuild is reported as a warning to review.
 *
 * @throws {ConfigInvalidError} when MikroORM rejects the entity definitions.
 * @throws {DatabaseError} when the schema cannot be read.
 */
export async function compareSqliteSchema(live: MikroORM, dbName: string, request: SchemaCompareRequest): Promise<SchemaComparison> {
  const target = entityOrm(dbName, request.entities);
  try {
    const generator = target.schema;
    const platform = target.driver.getPlatform();
    const toEntities = generator.getTargetSchema();
    let fromDatabase: DatabaseSchema;
    try {
      fromDatabase = await DatabaseSchema.create(live.driver.getConnection(), platform, target.config, undefined, toEntities.getNamespaces());
    } catch (error) {
      throw new DatabaseError('Reading the SQLite schema', { cause: error });
    }
    filterComparedSchemas(fromDatabase, toEntities, request.include);
    fromDatabase.prune(undefined, []);
    toEntities.prune(undefined, []);

    const comparator = new SchemaComparator(platform);
    const upDiff = comparator.compare(fromDatabase, toEntities);
    const downDiff = comparator.compare(toEntities, fromDatabase, upDiff);
    const up = statements(generator.diffToSQL(upDiff, DIFF_OPTIONS));
    const down = statements(generator.diffToSQL(downDiff, DIFF_OPTIONS));
    return { up, down, changes: describeSchemaDifference(upDiff), warnings: rebuildWarnings(up) };
  } finally {
    await target.close(true);
  }
}

function entityOrm(dbName: string, entities: readonly unknown[]): MikroORM {
  try {
    return new MikroORM({
      dbName,
      // Checked by MikroORM's discovery, which names what it cannot use.
      entities: [...entities] as (EntityClass<object> | EntitySchema)[],
      allowGlobalContext: true,
      ensureDatabase: false,
      preferTs: false,
      debug: false,
      logger: () => {},
    });
  } catch (error) {
    if (isMigrateError(error)) throw error;
    throw new ConfigInvalidError(undefined, `entities: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function statements(script: string): string[] {
  return splitStatements(script).filter((statement) => !FOREIGN_KEYS_PRAGMA.test(statement));
}

function rebuildWarnings(up: readonly string[]): string[] {
  return up.flatMap((statement) => {
    const table = REBUILD.exec(statement)?.[1];
    if (table === undefined) return [];
    return [
      `Table '${table}' is rebuilt, because SQLite cannot ALTER what changed: its rows are copied into a new table by column name ` +
        '(a new NOT NULL column without a default fails the copy), then the old table is dropped. Triggers and views that use it ' +
        'are not recreated, and foreign keys are not checked during the copy: run PRAGMA foreign_key_check afterwards.',
    ];
  });
}
