import { RevisionNotFoundError } from '../errors.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';
import { summarizeRevision, type RevisionSummary } from './revision-summary.js';

/** What {@link current} found. */
export interface CurrentResult {
  /** The revisions the database is at; empty at base. */
  readonly revisions: readonly RevisionSummary[];
}

/**
 * Reads the revisions the database is at. Opens the database read-only and creates
 * nothing.
 *
 * ### Examples
 * ```ts
 * const { revisions } = await current(env);
 * const upToDate = revisions.every((rev) => rev.isHead);
 * ```
 * @throws {RevisionNotFoundError} (source `database`) when the database is at a revision no script defines.
 */
export async function current(env: MigrationEnvironment): Promise<CurrentResult> {
  const [scripts, ids] = await Promise.all([loadScripts(env), readCurrentRevisions(env)]);
  const map = scripts.map;
  const revisions = ids.map((id) => {
    if (!map.has(id)) throw new RevisionNotFoundError(id, 'database');
    return summarizeRevision(map, map.get(id));
  });
  return { revisions };
}

/** The version table's rows, read without creating anything. */
export async function readCurrentRevisions(env: MigrationEnvironment): Promise<string[]> {
  const adapter = await resolveAdapter(env);
  return withConnection(env, adapter, 'inspect', (connection) => connection.versionStore.read());
}
