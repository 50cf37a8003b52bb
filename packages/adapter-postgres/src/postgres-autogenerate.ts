import { comparedOperations, compareEntitiesWithDatabase, entityMetadataOrm } from '@cloudguard/migrate-adapter-kit/autogenerate';
import { DatabaseError, describeSchemaDifference, type SchemaCompareRequest, type SchemaComparison } from '@cloudguard/migrate-core/adapter';
import { DatabaseSchema, MikroORM } from '@mikro-orm/postgresql';

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
  const target = entityMetadataOrm(
    (options) => new MikroORM(options),
    { dbName, schema: schema === DEFAULT_SCHEMA ? undefined : schema },
    request.entities,
  );
  const compared = await compareEntitiesWithDatabase(
    target,
    request,
    { name: 'PostgreSQL', dialect: 'postgresql' },
    (platform, config, namespaces) => DatabaseSchema.create(connection, platform, config, schema, namespaces),
    async (fromDatabase, toEntities) => {
      // Introspection (and prune) know a schema by its tables: one that exists but holds none of the
      // entities' tables would be "added" by up() and dropped by down().
      const existing = await existingSchemas(live, toEntities.getNamespaces());
      fromDatabase.setNamespaces(new Set([...fromDatabase.getNamespaces(), ...existing]));
    },
  );
  return {
    up: compared.up,
    down: compared.down,
    changes: describeSchemaDifference(compared.upDiff),
    warnings: [],
    ...comparedOperations(compared.operations),
  };
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
