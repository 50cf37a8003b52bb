import type { Configuration } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/sql';

/** What a migration class needs of an adapter's MikroORM instance: its driver and configuration. */
export interface MigrationOrm {
  readonly driver: AbstractSqlDriver;
  readonly config: Configuration;
}

/**
 * The MikroORM instance behind each migrate connection, by the connection object its
 * sessions hand migrations as `op.connection` (MikroORM's `SqliteConnection`,
 * `PostgreSqlConnection`, …). A MikroORM migration class run as a revision receives
 * `op` only; this is how it reaches the instance its `getEntityManager()` is made from,
 * without reading an adapter's private fields. Weak: an entry goes with its connection.
 */
const orms = new WeakMap<object, MigrationOrm>();

/**
 * Makes an adapter's MikroORM instance the one that migration classes run on its
 * sessions use (`this.driver`, `this.config`, `this.getEntityManager()`). Call it where
 * the migrate connection creates the instance; its sessions must hand out
 * `orm.driver.getConnection()` as `op.connection`.
 *
 * ### Examples
 * ```ts
 * const orm = new MikroORM({ dbName, driverOptions, ...ORM_WITHOUT_ENTITIES });
 * registerMigrationOrm(orm);
 * ```
 */
export function registerMigrationOrm(orm: MigrationOrm): void {
  orms.set(orm.driver.getConnection(), orm);
}

/**
 * The MikroORM instance registered for `connection` (a session's `op.connection`), or
 * `undefined` when none was (an offline session, or an adapter that does not register).
 */
export function migrationOrmOf(connection: unknown): MigrationOrm | undefined {
  return typeof connection === 'object' && connection !== null ? orms.get(connection) : undefined;
}
