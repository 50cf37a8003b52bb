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
import { DatabaseSchema, MikroORM, SchemaComparator, SqlSchemaGenerator, type EntityClass, type EntitySchema } from '@mikro-orm/postgresql';

/** How MikroORM writes the diff: statements only, drops included (the down of an add is a drop). */
const DIFF_OPTIONS = { wrap: false, safe: false, dropTables: true } as const;

const DEFAULT_SCHEMA = 'public';

/**
 * Compares entity definitions with a PostgreSQL database, with MikroORM's own calls (those
 * of `SqlSchemaGenerator.getUpdateSchemaMigrationSQL`, which `@mikro-orm/migrations`
 * uses): the target schema from the entities' metadata, the database's from
 * introspection over the open connection (of the schemas the entities use, with their
 * enum types), `SchemaComparator.compare(database, entities)` for `up` and the reverse,
 * given the first as its inverse, for `down`.
 *
 * Entities without a schema of their own belong to the connection's current schema
 * (the adapter's `schema` option or the URL's `search_path`), as the tables migrations
 * create without one do. The entities get a MikroORM instance of their own that never
 * connects: it only holds their metadata.
 *
 * @throws {ConfigInvalidError} when MikroORM rejects the entity definitions.
 * @throws {DatabaseError} when the schema cannot be read.
 */
export async function comparePostgresSchema(live: MikroORM, dbName: string, request: SchemaCompareRequest): Promise<SchemaComparison> {
  const connection = live.driver.getConnection();
  let schema: string;
  try {
    const [row] = await connection.execute<{ name: string | null }[]>('select current_schema() as name');
    schema = row?.name ?? DEFAULT_SCHEMA;
  } catch (error) {
    throw new DatabaseError('Reading the current PostgreSQL schema', { cause: error });
  }
  const target = entityOrm(dbName, schema, request.entities);
  try {
    const generator = new SqlSchemaGenerator(target.driver);
    const platform = target.driver.getPlatform();
    const toEntities = generator.getTargetSchema();
    let fromDatabase: DatabaseSchema;
    try {
      fromDatabase = await DatabaseSchema.create(connection, platform, target.config, schema, toEntities.getNamespaces());
    } catch (error) {
      throw new DatabaseError('Reading the PostgreSQL schema', { cause: error });
    }
    filterComparedSchemas(fromDatabase, toEntities, request.include);
    fromDatabase.prune(undefined, []);
    toEntities.prune(undefined, []);
    // Introspection (and prune) know a schema by its tables: one that exists but holds none of the
    // entities' tables would be "added" by up() and dropped by down().
    const existing = await existingSchemas(live, toEntities.getNamespaces());
    fromDatabase.setNamespaces(new Set([...fromDatabase.getNamespaces(), ...existing]));

    const comparator = new SchemaComparator(platform);
    const upDiff = comparator.compare(fromDatabase, toEntities);
    const downDiff = comparator.compare(toEntities, fromDatabase, upDiff);
    const up = splitStatements(generator.diffToSQL(upDiff, DIFF_OPTIONS));
    const down = splitStatements(generator.diffToSQL(downDiff, DIFF_OPTIONS));
    return { up, down, changes: describeSchemaDifference(upDiff), warnings: [] };
  } finally {
    await target.close(true);
  }
}

async function existingSchemas(live: MikroORM, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  try {
    const rows = await live.driver
      .getConnection()
      .execute<{ name: string }[]>(`select nspname as name from pg_namespace where nspname in (${names.map(() => '?').join(', ')})`, [...names]);
    return rows.map((row) => row.name);
  } catch (error) {
    throw new DatabaseError('Reading the PostgreSQL schemas', { cause: error });
  }
}

/**
 * A MikroORM instance that holds the entities' metadata and never connects. Discovery
 * runs here rather than in the constructor, which would also build an EntityManager
 * and decorate every entity prototype for it, none of which the schema generator uses.
 */
function entityOrm(dbName: string, schema: string, entities: readonly unknown[]): MikroORM {
  try {
    const orm = new MikroORM({
      dbName,
      ...(schema === DEFAULT_SCHEMA ? {} : { schema }),
      // Checked by MikroORM's discovery, which names what it cannot use.
      entities: [...entities] as (EntityClass<object> | EntitySchema)[],
      discovery: { skipSyncDiscovery: true },
      allowGlobalContext: true,
      ensureDatabase: false,
      preferTs: false,
      debug: false,
      logger: () => {},
    });
    orm.driver.setMetadata(new MetadataDiscovery(new MetadataStorage(), orm.driver.getPlatform(), orm.config).discoverSync());
    return orm;
  } catch (error) {
    if (isMigrateError(error)) throw error;
    throw new ConfigInvalidError(undefined, `entities: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
