import { AsyncLocalStorage } from 'node:async_hooks';

import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/sql';

import type { MigrationOrm } from '../migration-orms.js';

/**
 * The service's MikroORM instance, for the async flow of one `orm.migrator` call.
 *
 * A context of the call rather than an option threaded through cgmigrate's API to the
 * adapter's connection: only this package sets it (`CgmigrateMigrator`) and reads it
 * (`runMigrationMethod`), so core's API and the adapter contract stay free of an ORM
 * object that means something to MikroORM adapters alone. `run()` scopes it to the
 * call's async flow: no set and unset, nothing process-wide, and two ORMs migrating at
 * once (or the CLI, which never sets it) each see their own. Both ends read this one
 * module: the extension and the adapter that the call's `MigrationManager` loads from
 * the project come with the same copy of this package as installed.
 */
const serviceOrms = new AsyncLocalStorage<MigrationOrm>();

/**
 * Runs `work` (one `orm.migrator` call) so that the MikroORM migration classes it runs
 * are built on `orm`, the service's own instance, as MikroORM's migrator builds them:
 * `this.driver`, `this.config` and `this.getEntityManager()` are the service's, its
 * entities known with its options, and nothing is discovered on the adapter's instance.
 *
 * ### Examples
 * ```ts
 * return runWithServiceOrm(this.#orm, () => work(manager));
 * ```
 */
export function runWithServiceOrm<T>(orm: MikroORM, work: () => Promise<T>): Promise<T> {
  // The extension is registered per SQL dialect, so the ORM's driver is MikroORM's SQL driver.
  return serviceOrms.run({ driver: orm.driver as unknown as AbstractSqlDriver, config: orm.config }, work);
}

/**
 * The service's MikroORM instance when called within {@link runWithServiceOrm}'s `work`,
 * else `undefined` (the `cgmigrate` CLI, the programmatic API).
 */
export function serviceOrmInScope(): MigrationOrm | undefined {
  return serviceOrms.getStore();
}
