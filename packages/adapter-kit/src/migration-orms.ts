import type { Configuration, MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/sql';

/** What a migration class needs of an adapter's MikroORM instance: its driver and configuration. */
export interface MigrationOrm {
  readonly driver: AbstractSqlDriver;
  readonly config: Configuration;
}

/**
 * An adapter's MikroORM instance as {@link registerMigrationOrm} takes it: the instance
 * itself, whose `discoverEntity` makes the configured entities known to it when a
 * migration first asks for an EntityManager.
 */
export type RegisteredMigrationOrm = MigrationOrm & Pick<MikroORM, 'discoverEntity'>;

/** What {@link migrationOrmOf} answers: the instance behind a connection, and the entities configured for it. */
export interface MigrationOrmRegistration {
  readonly orm: RegisteredMigrationOrm;
  /** The configured entities (`ConnectOptions.entities`), not discovered yet; `[]` when none are. */
  readonly entities: readonly unknown[];
}

/**
 * The MikroORM instance behind each migrate connection, by the connection object its
 * sessions hand migrations as `op.connection` (MikroORM's `SqliteConnection`,
 * `PostgreSqlConnection`, …). A MikroORM migration class run as a revision receives
 * `op` only; this is how it reaches the instance its `getEntityManager()` is made from,
 * without reading an adapter's private fields. Weak: an entry goes with its connection.
 */
const registrations = new WeakMap<object, MigrationOrmRegistration>();

/**
 * Makes an adapter's MikroORM instance the one that migration classes run on its
 * sessions use (`this.driver`, `this.config`, `this.getEntityManager()`). Call it where
 * the migrate connection creates the instance; its sessions must hand out
 * `orm.driver.getConnection()` as `op.connection`.
 *
 * `entities` are kept as given: the first `this.getEntityManager()` of a migration class
 * discovers them on `orm`, so that runs which never ask for an EntityManager pay nothing
 * for them.
 *
 * ### Examples
 * ```ts
 * const orm = new MikroORM({ dbName, driverOptions, ...ORM_WITHOUT_ENTITIES });
 * registerMigrationOrm(orm, options.entities);
 * ```
 */
export function registerMigrationOrm(orm: RegisteredMigrationOrm, entities: readonly unknown[] = []): void {
  registrations.set(orm.driver.getConnection(), { orm, entities });
}

/**
 * The MikroORM instance registered for `connection` (a session's `op.connection`) with
 * its configured entities, or `undefined` when none was (an offline session, or an
 * adapter that does not register).
 */
export function migrationOrmOf(connection: unknown): MigrationOrmRegistration | undefined {
  return typeof connection === 'object' && connection !== null ? registrations.get(connection) : undefined;
}
