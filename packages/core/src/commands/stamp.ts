import { planStamp } from '../plan/plan-stamp.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';
import { runLocked, type MigrateResult } from './upgrade.js';

/** Options of {@link stamp}. */
export interface StampOptions {
  /** Revisions to record: `head`, `heads`, `base`, ids, `<branch>@head`. */
  readonly revisions: readonly string[];
  /** Replace whatever the version table holds, even revisions no script defines. */
  readonly purge?: boolean | undefined;
  /** Interrupts the run: see `UpgradeOptions.signal`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Records revisions in the version table without running any migration (Alembic's
 * `stamp`), under the migration lock.
 *
 * ### Examples
 * ```ts
 * await stamp(env, { revisions: ['head'] });           // mark an existing schema as current
 * await stamp(env, { revisions: ['head'], purge: true }); // recover from an unknown revision
 * ```
 * @throws {RevisionNotFoundError} when the database is at an unknown revision and `purge` is not set.
 */
export async function stamp(env: MigrationEnvironment, options: StampOptions): Promise<MigrateResult> {
  const scripts = await loadScripts(env);
  const adapter = await resolveAdapter(env);
  return withConnection(env, adapter, 'migrate', (connection) =>
    runLocked(
      env,
      adapter,
      connection,
      scripts,
      (map, currentHeads) => planStamp(map, currentHeads, options.revisions, { purge: options.purge ?? false }),
      undefined,
      { signal: options.signal },
    ),
  );
}
