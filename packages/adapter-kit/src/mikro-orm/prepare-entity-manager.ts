import { ConfigInvalidError, type MigrationClassIdentity } from '@cloudguard/migrate-core/adapter';

import type { MigrationOrmRegistration } from '../migration-orms.js';
import { explainUnknownEntities } from './unknown-entities.js';

/**
 * What the first `this.getEntityManager()` left on each adapter MikroORM instance:
 * `true` once it knows the configured entities, or the error their discovery failed
 * with (thrown again to every later asker, since a failed discovery may have left part
 * of them behind).
 */
const prepared = new WeakMap<object, true | ConfigInvalidError>();

/**
 * Makes the adapter's MikroORM instance ready to hand out an EntityManager that knows
 * the configured entities: the first time a migration class of the run (of the
 * connection the instance belongs to) calls `this.getEntityManager()`, the entities are
 * discovered on it (MikroORM's `orm.discoverEntity`, which also decorates their
 * prototypes as `MikroORM.init()` does), and an entity it still does not know is
 * explained (see {@link explainUnknownEntities}). Later calls do nothing. A run whose
 * migrations never ask never comes here, and pays nothing for the entities.
 *
 * ### Examples
 * ```ts
 * prepareEntityManager(migrationOrmOf(op.connection)!, identity);
 * const em = migration.getEntityManager();
 * ```
 *
 * @throws {ConfigInvalidError} (key `entities`) when MikroORM cannot discover the
 *   entities: its message names the revision that asked and what MikroORM rejected.
 */
export function prepareEntityManager(registration: MigrationOrmRegistration, identity: MigrationClassIdentity): void {
  const { orm, entities } = registration;
  const state = prepared.get(orm);
  if (state === true) return;
  if (state !== undefined) throw state;
  try {
    if (entities.length > 0) orm.discoverEntity([...entities] as Parameters<typeof orm.discoverEntity>[0]);
    explainUnknownEntities(orm.driver.getMetadata(), entities.length > 0);
    prepared.set(orm, true);
  } catch (error) {
    const failure = new ConfigInvalidError(
      undefined,
      `entities: MikroORM could not discover them for this.getEntityManager() in revision ${identity.revision} (${identity.path}): ` +
        (error instanceof Error ? error.message : String(error)),
      { key: 'entities', cause: error },
    );
    prepared.set(orm, failure);
    throw failure;
  }
}
