import { MigrationManager, isMigrateError } from '@cloudguard/migrate-core';

import type { ServiceLogger } from './logger.js';
import type { ServiceConfig } from './service-config.js';

/** Why the service will not start. */
export class StartupRefusedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupRefusedError';
  }
}

/**
 * Gets the database ready before the service takes traffic, with one
 * {@link MigrationManager} that the service keeps for its health check:
 *
 * - normally it upgrades to head (`upgrade('head')`, under cgmigrate's lock, so
 *   several replicas can start at once), routing each step to the service's logger;
 * - with `SERVICE_READ_ONLY=true` it changes nothing, and refuses to start when
 *   migrations are pending (`hasPendingMigrations()`, the same answer as
 *   `checkMigrations()`: `true` means the database is behind).
 *
 * @throws {StartupRefusedError} when the service must not start; the message says why and what to run.
 */
export async function prepareDatabase(config: ServiceConfig, log: ServiceLogger): Promise<MigrationManager> {
  const manager = new MigrationManager({ cwd: config.root, logger: log });
  try {
    if (config.readOnly) {
      const pending = await manager.pendingRevisions();
      if (pending.length > 0) {
        throw new StartupRefusedError(
          `Refusing to start in read-only mode: the database is ${pending.length} migration(s) behind ` +
            `(pending: ${pending.join(', ')}). Run \`cgmigrate upgrade head\` (or start once without SERVICE_READ_ONLY), then start again.`,
        );
      }
      log.info('Read-only mode: the database is up to date; no migration was run');
    } else {
      const { steps, to } = await manager.upgrade('head');
      log.info(steps.length === 0 ? `Database already at ${to.join(', ')}` : `Migrated the database to ${to.join(', ')} (${steps.length} step(s))`);
    }
    return manager;
  } catch (error) {
    await manager.close().catch(() => {});
    if (error instanceof StartupRefusedError) throw error;
    const code = isMigrateError(error) ? ` [${error.code}]` : '';
    throw new StartupRefusedError(`Refusing to start: the database could not be prepared${code}: ${(error as Error).message}`, { cause: error });
  }
}
