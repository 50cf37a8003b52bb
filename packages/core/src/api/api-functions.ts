import type { UpgradeResult } from '../commands/upgrade.js';
import type { MigrationApiOptions } from './api-options.js';
import { MigrationManager } from './migration-manager.js';

/** Options of {@link upgradeDatabase}. */
export interface UpgradeDatabaseOptions extends MigrationApiOptions {
  /** The revision to upgrade to: `head` (default), `heads`, an id, `+N`, `<branch>@head`. */
  readonly target?: string | undefined;
}

/**
 * Upgrades the database to `head` (or `target`) with the configuration the CLI would
 * use, then closes its connection: what a service calls at start-up. Safe to run from
 * several replicas at once (they take turns on the migration lock); a database already
 * at head is left alone. Prints nothing; pass `logger` or `onEvent` to see progress.
 *
 * ### Examples
 * ```ts
 * import { upgradeDatabase } from '@cloudguard/migrate-core';
 *
 * const { steps } = await upgradeDatabase({ logger: { info: (line) => log.info(line) } });
 * log.info(`${steps.length} migration(s) applied`);
 * ```
 * @throws {MultipleHeadsError} (`MULTIPLE_HEADS`) when the scripts have several heads and `target` is `head`.
 * @throws {MigrationFailedError} (`MIGRATION_FAILED`) when a migration fails; its transaction is rolled back.
 * @throws {LockTimeoutError} (`LOCK_TIMEOUT`) when another runner holds the lock past `lockTimeout`.
 * @throws {AdapterNotFoundError} (`ADAPTER_NOT_FOUND`) when no adapter serves the URL; `packageName` names the package to install.
 * @throws {ConfigInvalidError} / {ConfigNotFoundError} / {InvalidUrlError} for a bad configuration.
 */
export async function upgradeDatabase(options: UpgradeDatabaseOptions = {}): Promise<UpgradeResult> {
  const manager = new MigrationManager(options);
  try {
    return await manager.upgrade(options.target ?? 'head');
  } finally {
    await manager.close();
  }
}

/**
 * Answers "are migrations pending?": resolves to **`true` when the database is
 * behind** (some revisions are not applied yet, so the service should not start on
 * it) and to **`false` when it is up to date**. It changes nothing and opens the
 * database read-only. Same as {@link checkMigrations}, under a name that says what
 * `true` means.
 *
 * ### Examples
 * ```ts
 * if (await hasPendingMigrations()) {
 *   log.error('Database schema is behind: run `cgmigrate upgrade head`');
 *   process.exit(1);
 * }
 * ```
 * @throws {RevisionNotFoundError} (`REVISION_NOT_FOUND`, `source: 'database'`) when the database is at a revision no script defines.
 * @throws {AdapterNotFoundError} / {ConfigInvalidError} / {DatabaseError} as {@link upgradeDatabase}.
 */
export async function hasPendingMigrations(options: MigrationApiOptions = {}): Promise<boolean> {
  const manager = new MigrationManager(options);
  try {
    return await manager.hasPendingMigrations();
  } finally {
    await manager.close();
  }
}

/**
 * The seed API's name for {@link hasPendingMigrations}: resolves to **`true` when
 * migrations are PENDING** (the database is behind and needs `upgrade`), **`false`
 * when the database is up to date**. It does not throw for a database that is behind:
 * use {@link MigrationManager.check} for a full report, or throw
 * {@link DatabaseNotUpToDateError} yourself.
 *
 * ### Examples
 * ```ts
 * if (await checkMigrations()) console.warn('Migrations pending!');
 * ```
 */
export const checkMigrations: (options?: MigrationApiOptions) => Promise<boolean> = hasPendingMigrations;
