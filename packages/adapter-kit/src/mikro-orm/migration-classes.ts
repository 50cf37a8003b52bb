import type { Migration as Revision, MigrationOperations } from '@cloudguard/migrate-core';
import type { MigrationClassIdentity, MigrationClassSupport } from '@cloudguard/migrate-core/adapter';
import { Configuration } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/sql';

import type { MigrationOrm } from '../migration-orms.js';
import { ORM_WITHOUT_ENTITIES } from '../transactions.js';
import { readMigrationClassShape } from './migration-class-shape.js';
import { renderMikroOrmMigrationFile } from './migration-file.js';
import { constructMigration, runMigrationMethod, type MigrationClass } from './run-migration-method.js';

/** What {@link mikroOrmMigrationClasses} needs of the adapter's dialect. */
export interface MikroOrmMigrationDialect {
  /**
   * The dialect's MikroORM driver class (`SqliteDriver`, `PostgreSqlDriver`). An instance
   * of it that never connects is what a class is built with where the adapter's own
   * MikroORM instance is not at hand: to ask `isTransactional()`, and offline (`--sql`),
   * where it gives `this.driver.getPlatform()` and the SQL of `raw()` and query builders.
   */
  readonly driver: unknown;
  /** The database name that instance's configuration carries (`this.config.get('dbName')` offline). */
  readonly dbName: string;
}

/**
 * Runs MikroORM's migration classes (`class Migration20241116000001 extends Migration`
 * from `@mikro-orm/migrations`) as cgmigrate revisions, for an adapter built on
 * MikroORM: returned by its `DialectAdapter.migrationClasses()`.
 *
 * - A class must extend MikroORM's `Migration` (this package's copy or the one the user's
 *   project resolves) and define `up()`; otherwise `toMigration` answers the problem, which
 *   core reports as `MALFORMED_MIGRATION`. A class that does not override `down()` becomes
 *   a migration without `down` (MikroORM's own `down()` only throws "cannot be reverted").
 * - `transactional` is the answer of `isTransactional()` of an instance.
 * - Each `up(op)`/`down(op)` builds a fresh instance and runs it through `op` (see
 *   {@link runMigrationMethod}): online on the adapter's own MikroORM instance, the one it
 *   registered for `op.connection` with `registerMigrationOrm`, or within an
 *   `orm.migrator` call on the service's instance; offline on an instance of
 *   `dialect.driver` that never connects.
 *
 * ### Examples
 * ```ts
 * migrationClasses: async () => {
 *   const [{ SqliteDriver }, { mikroOrmMigrationClasses }] = await Promise.all([
 *     import('@mikro-orm/sqlite'),
 *     import('@cloudguard/migrate-adapter-kit/mikro-orm'),
 *   ]);
 *   return mikroOrmMigrationClasses({ driver: SqliteDriver, dbName: ':memory:' });
 * },
 * ```
 */
export function mikroOrmMigrationClasses(dialect: MikroOrmMigrationDialect): MigrationClassSupport {
  const unconnected = unconnectedOrm(dialect);
  return {
    framework: 'MikroORM',
    renderMigrationFile: renderMikroOrmMigrationFile,
    toMigration(migrationClass, identity) {
      const shape = readMigrationClassShape(migrationClass);
      if (typeof shape === 'string') return shape;
      const transactional = transactionalOf(migrationClass as MigrationClass, identity, unconnected);
      if (typeof transactional === 'string') return transactional;
      const run =
        (method: 'up' | 'down') =>
        (op: MigrationOperations): Promise<void> =>
          runMigrationMethod({ migrationClass: migrationClass as MigrationClass, identity, method, op, unconnected });
      const revision: Revision = {
        revision: identity.revision,
        downRevision: identity.downRevision,
        branchLabels: identity.branchLabels,
        dependsOn: identity.dependsOn,
        message: identity.message,
        transactional,
        up: run('up'),
      };
      return shape.overridesDown ? { ...revision, down: run('down') } : revision;
    },
  };
}

/** `isTransactional()` of an instance, or a problem when building it or asking fails. */
function transactionalOf(migrationClass: MigrationClass, identity: MigrationClassIdentity, orm: MigrationOrm): boolean | string {
  try {
    return Boolean(constructMigration(migrationClass, orm).isTransactional());
  } catch (error) {
    return `new ${identity.name}(driver, config).isTransactional() failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The dialect's MikroORM driver and configuration, never connected. */
function unconnectedOrm(dialect: MikroOrmMigrationDialect): MigrationOrm {
  const config = new Configuration({ driver: dialect.driver, dbName: dialect.dbName, ...ORM_WITHOUT_ENTITIES } as never, false);
  return { driver: config.getDriver() as AbstractSqlDriver, config };
}
