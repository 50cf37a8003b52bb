import type { AdapterRegistry } from '../adapter/adapter-registry.js';
import type { DialectAdapter } from '../adapter/dialect-adapter.js';
import type { MigrateConfig } from '../config/define-config.js';
import type { MigrationEventListener } from '../runtime/events.js';

/**
 * Where a service's progress messages go: any object with these methods (`console`,
 * pino, winston and bunyan loggers all fit). Each method receives one line of text;
 * a missing method drops its level. For structured data use
 * {@link MigrationApiOptions.onEvent}.
 *
 * - `info`: each step as it starts, in Alembic's words (`Running upgrade  -> 000001, Initial schema`);
 * - `warn`: an applied migration whose file was edited, a transaction retried after a lock wait;
 * - `debug`: which config file, database (password hidden) and adapter are used; each step's duration.
 */
export interface MigrationLogger {
  info?(message: string): void;
  warn?(message: string): void;
  debug?(message: string): void;
}

/**
 * Options shared by {@link upgradeDatabase}, {@link checkMigrations} and
 * {@link MigrationManager}. Everything is optional: without options, the API resolves
 * its configuration exactly as the `cgmigrate` CLI does in the working directory.
 *
 * The database URL is, in order: `url`, then the `DATABASE_URL` variable of `env`,
 * then `url` in the configuration, then `sqlite:///cloudguard.db`. The adapter is, in
 * order: `adapter`, then the configuration's `adapter`, then the one serving the URL's
 * scheme: from `adapters`, then from {@link registerAdapter}, then the built-in
 * packages (`@cloudguard/migrate-adapter-sqlite`, `@cloudguard/migrate-adapter-postgres`)
 * imported from the project (`cwd`) when first needed.
 *
 * ### Examples
 * ```ts
 * const options: MigrationApiOptions = {
 *   cwd: new URL('..', import.meta.url).pathname, // the service's root, where cgmigrate.config.ts lives
 *   logger: { info: (m) => log.info(m), warn: (m) => log.warn(m) },
 * };
 * ```
 */
export interface MigrationApiOptions {
  /** The project directory: where the config file is looked for, relative SQLite paths resolve, and adapters are imported from. Default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /**
   * The configuration: a config file's path (relative to `cwd`; it must exist), or a
   * configuration object used instead of any file. Default: the first of
   * `cgmigrate.config.{ts,mts,js,mjs,json}` in `cwd`, if any.
   */
  readonly config?: string | MigrateConfig | undefined;
  /** A database URL that wins over `DATABASE_URL` and the configuration (the CLI's `--url`). */
  readonly url?: string | undefined;
  /** Environment variables read for `DATABASE_URL`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** An adapter object (or the name of a package exporting one) that wins over the configuration's and the URL's scheme. */
  readonly adapter?: DialectAdapter | string | undefined;
  /** Adapters by URL scheme, consulted before {@link registerAdapter}'s and the built-in ones. */
  readonly adapters?: AdapterRegistry | undefined;
  /** Receives every progress event as data. Nothing is printed by default. */
  readonly onEvent?: MigrationEventListener | undefined;
  /** Receives progress as text lines; see {@link MigrationLogger}. Nothing is printed by default. */
  readonly logger?: MigrationLogger | undefined;
  /**
   * Interrupts a running upgrade, downgrade or stamp when it fires (a service shutting
   * down): the migration running fails, its transaction is rolled back, the lock is
   * released, and the call rejects with `InterruptedError` (`INTERRUPTED`) when the
   * reason is an `AbortError` (`controller.abort()`) or an `InterruptedError`, else with
   * `MigrationFailedError` caused by the reason. cgmigrate installs no process-wide
   * handler of its own: to fail a migration on an unhandled rejection, abort this signal
   * from your `process.on('unhandledRejection')` listener.
   */
  readonly signal?: AbortSignal | undefined;
  /** `stepTimeout` (milliseconds or `'off'`), winning over the configuration's. */
  readonly stepTimeout?: number | 'off' | undefined;
}
