import path from 'node:path';

import { AdapterRegistry, builtinAdapterRegistry } from '../adapter/adapter-registry.js';
import type { DialectAdapter } from '../adapter/dialect-adapter.js';
import { check, type CheckOptions, type CheckResult } from '../commands/check.js';
import { current, readCurrentRevisions, type CurrentResult } from '../commands/current.js';
import { createEnvironment, loadScripts, type MigrationEnvironment } from '../commands/environment.js';
import { history, type HistoryOptions, type HistoryResult } from '../commands/history.js';
import { heads, type HeadsOptions, type HeadsResult } from '../commands/inspect.js';
import { stamp } from '../commands/stamp.js';
import { acceptEditedMigration, type AcceptEditedMigrationOptions, type AcceptEditedMigrationResult } from '../commands/accept-edit.js';
import { downgrade, upgrade, type DowngradeResult, type MigrateResult, type UpgradeResult } from '../commands/upgrade.js';
import type { ResolvedConfig } from '../config/define-config.js';
import { loadConfig } from '../config/load-config.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import type { MigrationApiOptions } from './api-options.js';
import { describeSetup, progressListener } from './progress.js';
import { registeredAdapters } from './register-adapter.js';
import { SharedConnection } from './shared-connection.js';

/** What {@link MigrationManager.stamp} did: the version rows before and after. */
export type StampResult = MigrateResult;

/** Options of {@link MigrationManager.stamp}. */
export interface StampCallOptions {
  /** Replace whatever the version table holds, even revisions no script defines (`stamp head --purge`). */
  readonly purge?: boolean | undefined;
}

interface Opened {
  readonly env: MigrationEnvironment;
  readonly shared: SharedConnection;
}

/**
 * Runs cgmigrate's commands from a service, with the configuration the CLI would use
 * (see {@link MigrationApiOptions}), returning typed data and printing nothing.
 *
 * The configuration is read and the adapter chosen at the first call; from then on
 * the manager keeps one database connection for every command that changes or reads
 * the database (a read-only call before any change uses a light connection of its
 * own, closed after it). Calls on one manager run one after another, in the order they
 * were made. {@link close} releases the connection; a later call opens a new one.
 * `await using` closes it automatically.
 *
 * ### Examples
 * ```ts
 * import { MigrationManager } from '@cloudguard/migrate-core';
 *
 * await using manager = new MigrationManager({ logger: console });
 * await manager.upgrade('head');
 * const { revisions } = await manager.current();        // [{ id: '000003', isHead: true, … }]
 * const { revisions: all } = await manager.history();  // newest first, with appliedAt
 * ```
 */
export class MigrationManager implements AsyncDisposable {
  readonly #options: MigrationApiOptions;
  #opened: Promise<Opened> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** Reads nothing yet: the configuration is resolved at the first call. */
  constructor(options: MigrationApiOptions = {}) {
    this.#options = options;
  }

  /**
   * The configuration in use: URL (it may hold a password), script location, version
   * table, and where each came from.
   *
   * @throws {ConfigNotFoundError} when `config` names a file that does not exist.
   * @throws {ConfigInvalidError} when the config file cannot be loaded or a key is wrong.
   */
  async config(): Promise<ResolvedConfig> {
    return (await this.#open()).env.config;
  }

  /**
   * Upgrades the database to `target` under the migration lock: `head` (default),
   * `heads`, a revision id or unique prefix, `+N`, `<id>+N`, `<branch>@head`.
   *
   * ### Examples
   * ```ts
   * const { from, to, steps } = await manager.upgrade('head');
   * ```
   * @throws {MultipleHeadsError} (`MULTIPLE_HEADS`) when `head` names several revisions: upgrade `heads` or merge them.
   * @throws {RevisionNotFoundError} (`REVISION_NOT_FOUND`) for an unknown target, or a database revision no script defines.
   * @throws {MigrationFailedError} (`MIGRATION_FAILED`) when a migration fails; its transaction is rolled back.
   * @throws {LockTimeoutError} (`LOCK_TIMEOUT`) when another runner holds the lock past `lockTimeout`.
   * @throws {InterruptedError} (`INTERRUPTED`) when the options' `signal` interrupts the run.
   */
  upgrade(target = 'head'): Promise<UpgradeResult> {
    return this.#run((env) => upgrade(env, { target, signal: this.#options.signal }));
  }

  /**
   * Downgrades the database to `target` under the migration lock: `-N`, a revision id,
   * `base`, `<branch>@base`, `<branch>@-N`. Every migration to undo must have a
   * `down()`; that is checked before anything changes.
   *
   * ### Examples
   * ```ts
   * await manager.downgrade('-1');
   * ```
   * @throws {IrreversibleMigrationError} (`IRREVERSIBLE_MIGRATION`) before any change, when a migration has no `down()`.
   * @throws {InvalidTargetError} (`INVALID_TARGET`) for a target below base or above the current revision.
   * @throws {MigrationFailedError} (`MIGRATION_FAILED`) when a `down()` fails.
   */
  downgrade(target: string): Promise<DowngradeResult> {
    return this.#run((env) => downgrade(env, { target, signal: this.#options.signal }));
  }

  /**
   * The revisions the database is at (empty at base), each with its id, parents,
   * message, branch labels and whether it is a head.
   *
   * ### Examples
   * ```ts
   * const { revisions } = await manager.current();
   * const upToDate = revisions.length > 0 && revisions.every((rev) => rev.isHead);
   * ```
   * @throws {RevisionNotFoundError} (`REVISION_NOT_FOUND`, `source: 'database'`) when the database is at a revision no script defines.
   */
  current(): Promise<CurrentResult> {
    return this.#run((env) => current(env));
  }

  /**
   * The head revisions of the migration scripts. Reads no database.
   *
   * ### Examples
   * ```ts
   * const { revisions } = await manager.heads();
   * if (revisions.length > 1) log.warn('several heads: run `cgmigrate merge heads`');
   * ```
   */
  heads(options: HeadsOptions = {}): Promise<HeadsResult> {
    return this.#run((env) => heads(env, options));
  }

  /**
   * Every revision, newest first, optionally within a `range` such as `-3:` or
   * `base:head`. Unlike the CLI's default, it reads the database: each revision the
   * database is at or past carries `isCurrent` and, from the audit table, `appliedAt`
   * and `appliedBy` (pass `{ withAudit: false, indicateCurrent: false }` to read only
   * the scripts).
   *
   * ### Examples
   * ```ts
   * for (const rev of (await manager.history()).revisions) log.info(`${rev.id} ${rev.message} ${rev.appliedAt?.toISOString() ?? 'pending'}`);
   * ```
   * @throws {RangeNotAncestorError} (`RANGE_NOT_ANCESTOR`) when the range's ends are unrelated.
   */
  history(options: HistoryOptions = {}): Promise<HistoryResult> {
    return this.#run((env) => history(env, { withAudit: true, indicateCurrent: true, ...options }));
  }

  /**
   * Records revisions in the version table without running their migrations
   * (`head`, `heads`, `base`, ids, `<branch>@head`), under the migration lock.
   *
   * ### Examples
   * ```ts
   * await manager.stamp('head');                   // an existing schema, now managed by cgmigrate
   * await manager.stamp('head', { purge: true });  // recover from "Can't locate revision identified by …"
   * ```
   * @throws {RevisionNotFoundError} (`REVISION_NOT_FOUND`) for an unknown revision, or when the database is at one and `purge` is not set.
   */
  stamp(revisions: string | readonly string[], options: StampCallOptions = {}): Promise<StampResult> {
    const list = typeof revisions === 'string' ? [revisions] : revisions;
    return this.#run((env) => stamp(env, { revisions: list, purge: options.purge, signal: this.#options.signal }));
  }

  /**
   * Accepts a reviewed edit of an applied migration's file, so that {@link check} and
   * {@link upgrade} compare it with its new SHA-256 from now on: appends an audit entry
   * with who, when, `reason`, and the old and new checksums, under the migration lock.
   * See {@link acceptEditedMigration}.
   *
   * ### Examples
   * ```ts
   * await manager.acceptEditedMigration({ revision: 'ae1027', reason: 'reformatted, reviewed in #412' });
   * ```
   * @throws {MigrationNotEditedError} (`MIGRATION_NOT_EDITED`) when the file is unchanged; see
   *   {@link acceptEditedMigration} for the other refusals.
   */
  acceptEditedMigration(options: AcceptEditedMigrationOptions): Promise<AcceptEditedMigrationResult> {
    return this.#run((env) => acceptEditedMigration(env, options));
  }

  /**
   * Checks, without changing anything, that the database is at the heads, that no
   * applied migration's file was edited since it ran, and (with `entities` configured)
   * that the schema matches them. Findings are returned in `problems`; `ok` is true
   * when there are none.
   *
   * ### Examples
   * ```ts
   * const { ok, problems } = await manager.check();
   * if (!ok) for (const problem of problems) log.error(`${problem.code}: ${problem.message}`);
   * ```
   * @throws {RevisionNotFoundError} (`REVISION_NOT_FOUND`) when the database is at a revision no script defines.
   */
  check(options: CheckOptions = {}): Promise<CheckResult> {
    return this.#run((env) => check(env, options));
  }

  /**
   * The revisions `upgrade('heads')` would apply, in order; empty when the database
   * is up to date.
   *
   * ### Examples
   * ```ts
   * const pending = await manager.pendingRevisions(); // ['000002', '000003']
   * ```
   * @throws {RevisionNotFoundError} (`REVISION_NOT_FOUND`) when the database is at a revision no script defines.
   */
  pendingRevisions(): Promise<readonly string[]> {
    return this.#run(async (env) => {
      const [scripts, currentHeads] = await Promise.all([loadScripts(env), readCurrentRevisions(env)]);
      return planUpgrade(scripts.map, currentHeads, 'heads').map((step) => step.revision.id);
    });
  }

  /**
   * `true` when the database is BEHIND the scripts, i.e. some migrations are pending
   * and `upgrade('heads')` would run them; `false` when it is up to date.
   *
   * ### Examples
   * ```ts
   * if (await manager.hasPendingMigrations()) throw new Error('run the migrations first');
   * ```
   */
  async hasPendingMigrations(): Promise<boolean> {
    return (await this.pendingRevisions()).length > 0;
  }

  /**
   * Closes the database connection the manager holds, after the calls already made
   * finish. Safe to call more than once; a call made afterwards opens a new connection.
   */
  close(): Promise<void> {
    return this.#enqueue(async () => {
      const opened = this.#opened;
      this.#opened = undefined;
      if (opened === undefined) return;
      let shared: SharedConnection;
      try {
        shared = (await opened).shared;
      } catch {
        return;
      }
      await shared.close();
    });
  }

  /** Same as {@link close}, for `await using manager = new MigrationManager()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #run<T>(command: (env: MigrationEnvironment) => Promise<T>): Promise<T> {
    return this.#enqueue(async () => command((await this.#open()).env));
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work, work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #open(): Promise<Opened> {
    if (this.#opened === undefined) {
      const opening = openEnvironment(this.#options);
      this.#opened = opening;
      // A configuration error is reported to this call and retried at the next one.
      opening.catch(() => {
        if (this.#opened === opening) this.#opened = undefined;
      });
    }
    return this.#opened;
  }
}

async function openEnvironment(options: MigrationApiOptions): Promise<Opened> {
  const config = await loadApiConfig(options);
  const adapters = apiAdapterRegistry(options, config);

  const shared = new SharedConnection(async () => {
    const adapter = await adapters.forConfig(config);
    options.logger?.debug?.(describeSetup(config, adapter.name));
    return adapter;
  });
  const onEvent = progressListener(options.onEvent, options.logger);
  const env = createEnvironment(config, { adapters: new SharedAdapters(shared), onEvent });
  return { env, shared };
}

/** The configuration the API options ask for, resolved as the CLI resolves its own. */
export async function loadApiConfig(options: Pick<MigrationApiOptions, 'cwd' | 'config' | 'url' | 'env' | 'adapter' | 'stepTimeout'>): Promise<ResolvedConfig> {
  return loadConfig({
    cwd: options.cwd ?? process.cwd(),
    configPath: typeof options.config === 'string' ? options.config : undefined,
    inline: typeof options.config === 'object' ? options.config : undefined,
    url: options.url,
    env: options.env ?? process.env,
    overrides: { adapter: options.adapter, stepTimeout: options.stepTimeout },
  });
}

/** Where the API finds adapters: the options' `adapters`, then {@link registerAdapter}'s, then the built-in packages imported from the project. */
export function apiAdapterRegistry(options: Pick<MigrationApiOptions, 'adapters'>, config: ResolvedConfig): AdapterRegistry {
  const adapters = new AdapterRegistry();
  if (options.adapters) adapters.fallBackTo(options.adapters);
  adapters.fallBackTo(registeredAdapters());
  const projectDirs = config.configPath ? [path.dirname(config.configPath), config.cwd] : [config.cwd];
  return adapters.fallBackTo(builtinAdapterRegistry(projectDirs));
}

/** The registry a manager's commands see: whatever they ask for, the shared adapter. */
class SharedAdapters extends AdapterRegistry {
  readonly #shared: SharedConnection;

  constructor(shared: SharedConnection) {
    super();
    this.#shared = shared;
  }

  override forConfig(): Promise<DialectAdapter> {
    return this.#shared.adapter();
  }

  override forUrl(): Promise<DialectAdapter> {
    return this.#shared.adapter();
  }
}
