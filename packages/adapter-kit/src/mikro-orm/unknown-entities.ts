import { EntitySchema, MetadataError, type EntityName, type MetadataStorage } from '@mikro-orm/core';

/** The start of MikroORM's own message for an entity it has no metadata for (`MetadataError.missingMetadata`). */
const MISSING_METADATA = /^Metadata for entity .* not found$/;

/**
 * Makes the metadata of an adapter's MikroORM instance answer an entity it does not know
 * with a `MetadataError` that says where entities come from: `entities` of the cgmigrate
 * config, which a migration class's `this.getEntityManager()` knows and nothing else.
 *
 * MikroORM says only `Metadata for entity User not found` for a class or a name, and for
 * an `EntitySchema` (what `defineEntity` returns) it says nothing at all: its metadata
 * lookup hands back the schema's own, never-initialised metadata, and the EntityManager
 * fails later with a `TypeError` (`meta.relations is not iterable`, `Cannot set
 * properties of undefined (setting '__schema')`). Both lookups (`get` and `find`) of
 * `storage` are replaced: `get` explains MikroORM's error, and both refuse a schema that
 * was not discovered. Everything known answers as before.
 *
 * Call it on the adapter's own instance only (never a project's), once, when a migration
 * first asks for an EntityManager.
 *
 * ### Examples
 * ```ts
 * explainUnknownEntities(orm.driver.getMetadata(), entities.length > 0);
 * await em.find(Unlisted, {}); // MetadataError: Metadata for entity Unlisted not found: it is not among the entities …
 * ```
 *
 * @param configured - whether the config lists any entities (the message differs).
 */
export function explainUnknownEntities(storage: MetadataStorage, configured: boolean): void {
  const get = storage.get.bind(storage);
  const find = storage.find.bind(storage);
  const undiscoveredSchema = (entityName: EntityName | undefined): EntitySchema | undefined =>
    EntitySchema.is(entityName) && !storage.has(entityName.meta.class) ? entityName : undefined;

  storage.get = ((entityName: EntityName, init?: boolean) => {
    const schema = init ? undefined : undiscoveredSchema(entityName);
    if (schema !== undefined) throw unknownEntity(schema.meta.className, configured);
    try {
      return get(entityName, init);
    } catch (error) {
      if (error instanceof MetadataError && MISSING_METADATA.test(error.message)) throw unknownEntity(nameOf(entityName), configured);
      throw error;
    }
  }) as MetadataStorage['get'];
  storage.find = ((entityName: EntityName | undefined) => {
    const schema = undiscoveredSchema(entityName);
    if (schema !== undefined) throw unknownEntity(schema.meta.className, configured);
    return find(entityName as EntityName);
  }) as MetadataStorage['find'];
}

/**
 * The error for an entity `this.getEntityManager()` does not know.
 *
 * ### Examples
 * ```ts
 * unknownEntity('User', false).message
 * // "Metadata for entity User not found: this.getEntityManager() knows the entities listed in `entities` of the cgmigrate config, …"
 * ```
 */
export function unknownEntity(name: string, configured: boolean): MetadataError {
  const known = configured
    ? 'it is not among the entities listed in `entities` of the cgmigrate config, the ones this.getEntityManager() knows'
    : 'this.getEntityManager() knows the entities listed in `entities` of the cgmigrate config, and none are listed';
  return new MetadataError(`Metadata for entity ${name} not found: ${known}; add it there (\`entities: [${name}, …]\` in cgmigrate.config.ts)`);
}

function nameOf(entityName: EntityName): string {
  if (typeof entityName === 'string') return entityName;
  if (EntitySchema.is(entityName)) return entityName.meta.className;
  return (entityName as { name?: string }).name ?? String(entityName);
}
