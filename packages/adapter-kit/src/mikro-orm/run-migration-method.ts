import type { MigrationOperations } from '@cloudguard/migrate-core';
import { OfflineReadNotSupportedError, OperationNotSupportedError, type MigrationClassIdentity } from '@cloudguard/migrate-core/adapter';
import type { Transaction } from '@mikro-orm/core';
import type { Migration, Query } from '@mikro-orm/migrations';

import { migrationOrmOf, type MigrationOrm } from '../migration-orms.js';
import { migrationQueryText } from './migration-query-text.js';
import { prepareEntityManager } from './prepare-entity-manager.js';
import { serviceOrmInScope } from './service-orm-scope.js';
import { statementReturnsRows } from './statement-returns-rows.js';

/** A MikroORM migration class, as its constructor is called: `new Migration2024…(driver, config)`. */
export type MigrationClass = new (driver: MigrationOrm['driver'], config: MigrationOrm['config']) => Migration;

/** What {@link runMigrationMethod} runs. */
export interface MigrationMethodRun {
  readonly migrationClass: MigrationClass;
  readonly identity: MigrationClassIdentity;
  readonly method: 'up' | 'down';
  readonly op: MigrationOperations;
  /** The dialect's MikroORM that never connects: offline, and online when the adapter registered none. */
  readonly unconnected: MigrationOrm;
}

/** A fresh instance of a migration class on `orm`'s driver and configuration. */
export function constructMigration(migrationClass: MigrationClass, orm: MigrationOrm): Migration {
  return new migrationClass(orm.driver, orm.config);
}

/**
 * Runs `up()` or `down()` of a fresh instance of a MikroORM migration class through
 * `op`, so that cgmigrate's step supervision, `--verbose` echo and failing-statement
 * naming hold for what it runs:
 *
 * - `this.execute(query, params)` runs at once through `op.query` and returns its rows;
 * - the queries `addSql()` collected run through `op.execute`, in order, once the method
 *   has returned (as MikroORM's `MigrationRunner` runs them);
 * - online, the instance is built on the adapter's MikroORM instance registered for
 *   `op.connection`, with `op.db` as its transaction context: `this.getEntityManager()`
 *   is an EntityManager of that instance whose queries run in the step's transaction,
 *   new for each instance (so each step starts with an empty identity map), and its
 *   first call in the run discovers the configured entities on that instance (see
 *   {@link prepareEntityManager});
 * - online within an `orm.migrator` call ({@link serviceOrmInScope}), the instance is
 *   built on the service's own MikroORM instance instead, as MikroORM's migrator builds
 *   it, with the same transaction context: `this.getEntityManager()` is MikroORM's own,
 *   an EntityManager of the service's instance (its entities, naming strategy and other
 *   options) whose queries run in the step's transaction on cgmigrate's connection.
 *   Nothing is discovered, so the service's entity classes, which the adapter's
 *   instance would decorate anew, are left as its ORM decorated them.
 *
 * Queries are turned into statements as MikroORM's connection does (see
 * {@link migrationQueryText}). Nothing is added around them: MikroORM's runner prepends
 * `getSchemaBeginning()` (PostgreSQL: `set names 'utf8'`, a session setting pg already
 * has at connect, which would outlive the migration on the connection) and, with its
 * `disableForeignKeys` option (off by default), turns foreign key checks off and on
 * around them; a migration that needs that says so with `addSql()`.
 *
 * Offline (`op.offline`, `--sql`), queries are rendered through `op.execute`; a
 * `this.execute()` of a statement that may return rows (see {@link statementReturnsRows})
 * and `this.getEntityManager()` fail with `OFFLINE_READ_NOT_SUPPORTED`.
 *
 * `execute` (and `getEntityManager` where there is no MikroORM to build one from) are
 * replaced on the instance: a class's own override of them is not called. Online,
 * `getEntityManager` is wrapped instead, so an override still runs.
 *
 * @throws {OfflineReadNotSupportedError} offline, for a read as above.
 * @throws {OperationNotSupportedError} from `this.getEntityManager()` online, when the
 *   adapter registered no MikroORM instance for `op.connection`.
 * @throws {ConfigInvalidError} from the first `this.getEntityManager()` of a run, when
 *   MikroORM cannot discover the configured entities (never within `orm.migrator`).
 */
export async function runMigrationMethod(run: MigrationMethodRun): Promise<void> {
  const { identity, op } = run;
  const registration = op.offline ? undefined : migrationOrmOf(op.connection);
  // Through `orm.migrator`, the service's own instance: its entities are known to it already, with its options.
  const serviceOrm = registration === undefined ? undefined : serviceOrmInScope();
  const orm = serviceOrm ?? registration?.orm;
  const migration = constructMigration(run.migrationClass, orm ?? run.unconnected);
  const platform = (orm ?? run.unconnected).driver.getPlatform();
  const statement = (query: Query, params?: unknown): string => migrationQueryText(query, params, platform);

  migration.execute = async (query, params) => {
    const sql = statement(query, params);
    if (!op.offline) return op.query(sql);
    if (statementReturnsRows(sql)) throw new OfflineReadNotSupportedError(identity.revision, identity.path, `this.execute('${abbreviated(sql)}')`);
    await op.execute(sql);
    return [];
  };
  if (registration !== undefined) {
    // Kysely's transaction (or, outside one, the connection the session holds): what MikroORM runs a context's queries on.
    // MikroORM's flush sees the context and writes in it, without a transaction of its own.
    migration.setTransactionContext(op.db as Transaction);
    if (serviceOrm === undefined) {
      const getEntityManager = migration.getEntityManager;
      migration.getEntityManager = function (this: Migration) {
        prepareEntityManager(registration, identity);
        return getEntityManager.call(this);
      };
    }
  } else {
    migration.getEntityManager = () => {
      if (op.offline) throw new OfflineReadNotSupportedError(identity.revision, identity.path, 'this.getEntityManager()');
      throw new OperationNotSupportedError(
        'this.getEntityManager()',
        op.dialect,
        'the adapter registered no MikroORM instance for its connection (registerMigrationOrm)',
        identity.revision,
        identity.path,
      );
    };
  }

  await migration[run.method]();
  for (const query of migration.getQueries()) {
    // MikroORM's runner skips blank queries too.
    if (typeof query === 'string' && query.trim() === '') continue;
    await op.execute(statement(query));
  }
}

/** The start of a statement for a message, on one line. */
function abbreviated(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
