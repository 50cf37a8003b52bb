import {
  ConfigInvalidError,
  DatabaseError,
  filterComparedSchemas,
  isMigrateError,
  splitStatements,
  type SchemaCompareRequest,
  type SchemaComparison,
  type SchemaOperation,
} from '@cloudguard/migrate-core/adapter';
import { MetadataDiscovery, MetadataStorage, type Configuration, type EntityClass, type EntityProperty, type EntitySchema, type Options } from '@mikro-orm/core';
import { operationsFromDiff } from './diff-operations.js';
import { SchemaComparator, SqlSchemaGenerator, type AbstractSqlDriver, type AbstractSqlPlatform, type DatabaseSchema, type SchemaDifference } from '@mikro-orm/sql';

/** What the comparison needs of a MikroORM instance: its SQL driver and configuration. */
export interface EntityOrm {
  readonly driver: AbstractSqlDriver;
  readonly config: Configuration;
  close(force?: boolean): Promise<void>;
}

/**
 * The options {@link entityMetadataOrm} starts a dialect's MikroORM with; `any` driver,
 * since each dialect's `MikroORM` class narrows the driver to its own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EntityOrmOptions = Partial<Options<any, any, any>>;

/** How MikroORM writes the diff: statements only, drops included (the down of an add is a drop). */
const DIFF_OPTIONS = { wrap: false, safe: false, dropTables: true } as const;

/**
 * A MikroORM instance of the adapter's dialect that holds the entities' metadata and
 * never connects, so that the migrate connection's own instance stays as it was.
 * Discovery runs here rather than in the constructor, which would also build an
 * EntityManager and decorate every entity prototype for it (a third of the discovery's
 * time at 200 entities), none of which the schema generator uses.
 *
 * ### Examples
 * ```ts
 * const target = entityMetadataOrm((options) => new MikroORM(options), { dbName: 'app.db' }, request.entities);
 * ```
 * @throws {ConfigInvalidError} when MikroORM rejects the entity definitions (its message names what it cannot use).
 */
export function entityMetadataOrm<O extends EntityOrm>(
  create: (options: EntityOrmOptions) => O,
  location: { readonly dbName: string; readonly schema?: string | undefined },
  entities: readonly unknown[],
): O {
  try {
    const orm = create({
      dbName: location.dbName,
      ...(location.schema === undefined ? {} : { schema: location.schema }),
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
    throw new ConfigInvalidError(undefined, `entities: ${error instanceof Error ? error.message : String(error)}`, { cause: error, key: 'entities' });
  }
}

/** The two directions of a comparison: MikroORM's differences and the statements it writes for them. */
export interface EntityComparison {
  /** From the database to the entities. */
  readonly upDiff: SchemaDifference;
  /** From the entities back to the database (the inverse of {@link upDiff}). */
  readonly downDiff: SchemaDifference;
  readonly up: string[];
  readonly down: string[];
  /** Both directions as schema operations, or why they cannot be written as such. */
  readonly operations: { readonly up: readonly SchemaOperation[]; readonly down: readonly SchemaOperation[] } | { readonly unavailable: string };
}

/**
 * Compares the entities of `target` with a database, with MikroORM's own calls (those of
 * `SqlSchemaGenerator.getUpdateSchemaMigrationSQL`, which `@mikro-orm/migrations` uses):
 * the target schema from the entities' metadata, the database's from `readDatabase`,
 * both filtered by the request's `include` and pruned, then
 * `SchemaComparator.compare(database, entities)` for `up` and the reverse, given the
 * first as its inverse, for `down`. `target` is closed at the end.
 *
 * @param database - the database's name in messages (`SQLite`, `PostgreSQL`), and the
 *   dialect (`op.dialect`) a generated column's `nativeType` is keyed by.
 * @param readDatabase - introspects the database for the entities' namespaces.
 * @param adjust - a last change to the introspected schema before comparing.
 * @throws {DatabaseError} when the schema cannot be read.
 */
export async function compareEntitiesWithDatabase(
  target: EntityOrm,
  request: SchemaCompareRequest,
  database: { readonly name: string; readonly dialect: string },
  readDatabase: (platform: AbstractSqlPlatform, config: Configuration, namespaces: string[]) => Promise<DatabaseSchema>,
  adjust?: (fromDatabase: DatabaseSchema, toEntities: DatabaseSchema) => Promise<void>,
): Promise<EntityComparison> {
  try {
    const generator = new SqlSchemaGenerator(target.driver);
    const platform = target.driver.getPlatform();
    const toEntities = generator.getTargetSchema();
    let fromDatabase: DatabaseSchema;
    try {
      fromDatabase = await readDatabase(platform, target.config, toEntities.getNamespaces());
    } catch (error) {
      throw new DatabaseError(`Reading the ${database.name} schema`, { cause: error });
    }
    filterComparedSchemas(fromDatabase, toEntities, request.include);
    fromDatabase.prune(undefined, []);
    toEntities.prune(undefined, []);
    await adjust?.(fromDatabase, toEntities);

    const comparator = new SchemaComparator(platform);
    const upDiff = comparator.compare(fromDatabase, toEntities);
    const downDiff = comparator.compare(toEntities, fromDatabase, upDiff);
    // Writing SQL consumes the difference it writes (MikroORM deletes the foreign key of a new
    // column from addedForeignKeys once it wrote it after the column): the SQL is written from
    // differences of its own, so that the operations and the described changes keep that key.
    const up = splitStatements(generator.diffToSQL(comparator.compare(fromDatabase, toEntities), DIFF_OPTIONS));
    const down = splitStatements(generator.diffToSQL(comparator.compare(toEntities, fromDatabase, upDiff), DIFF_OPTIONS));
    // The down direction creates what the database holds: its columns were not made from properties.
    const upOperations = operationsFromDiff(upDiff, { dialect: database.dialect, platform, property: entityProperties(target) });
    const downOperations = operationsFromDiff(downDiff, { dialect: database.dialect, platform });
    const operations =
      upOperations.operations !== undefined && downOperations.operations !== undefined
        ? { up: upOperations.operations, down: downOperations.operations }
        : { unavailable: upOperations.unsupported ?? downOperations.unsupported ?? '' };
    return { upDiff, downDiff, up, down, operations };
  } finally {
    await target.close(true);
  }
}


/**
 * The operations fields of a {@link SchemaComparison} from an {@link EntityComparison}:
 * both directions as operations, or why there are none.
 */
export function comparedOperations(
  operations: EntityComparison['operations'],
): Pick<SchemaComparison, 'upOperations' | 'downOperations' | 'operationsUnavailable'> {
  return 'unavailable' in operations ? { operationsUnavailable: operations.unavailable } : { upOperations: operations.up, downOperations: operations.down };
}

/**
 * The entity property each column of the entities' tables was made from, by table and
 * column name (a relation's columns included).
 */
function entityProperties(target: EntityOrm): (table: string, column: string) => EntityProperty | undefined {
  const byColumn = new Map<string, EntityProperty>();
  for (const meta of target.driver.getMetadata().getAll().values()) {
    if (meta.embeddable || meta.virtual) continue;
    for (const property of Object.values(meta.properties) as EntityProperty[]) {
      for (const field of property.fieldNames ?? []) byColumn.set(`${meta.tableName}.${field}`, property);
    }
  }
  return (table, column) => byColumn.get(`${table}.${column}`);
}
