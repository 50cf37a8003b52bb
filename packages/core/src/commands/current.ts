import { RevisionNotFoundError } from '../errors.js';
import type { RevisionMap } from '../revision/revision-map.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';
import { summarizeRevision, type RevisionSummary } from './revision-summary.js';

/** What {@link current} found. */
export interface CurrentResult {
  /**
   * The revisions the database is at, as Alembic's `current` lists them: the version
   * table's rows, plus each revision a row depends on (`dependsOn`) that no applied
   * revision follows. Empty at base.
   */
  readonly revisions: readonly RevisionSummary[];
  /**
   * Those of {@link CurrentResult.revisions} that are heads only because another revision
   * depends on them (Alembic prints them as `(effective head)`).
   */
  readonly effectiveHeads: readonly string[];
  /** The version table's rows, as stored. */
  readonly rows: readonly string[];
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
  for (const id of ids) if (!map.has(id)) throw new RevisionNotFoundError(id, 'database');
  const currentIds = currentRevisionIds(map, ids);
  const realHeads = new Set(map.realHeads);
  return {
    revisions: currentIds.map((id) => summarizeRevision(map, map.get(id))),
    effectiveHeads: currentIds.filter((id) => map.children(id).length === 0 && !realHeads.has(id)),
    rows: ids,
  };
}

/**
 * Alembic's `_get_all_current`: the rows and everything they imply (parents and
 * dependencies), reduced to the revisions no applied revision follows as a child. With a
 * cross-branch `dependsOn`, Alembic keeps one row for both branches, yet reports the
 * dependency's branch as current too. A row that another row follows (another tool wrote
 * both) is left out, as Alembic leaves it out. Rows come first, in table order.
 */
function currentRevisionIds(map: RevisionMap, rows: readonly string[]): string[] {
  const applied = map.ancestors(rows, { includeDependencies: true });
  const isTip = (id: string): boolean => !map.children(id).some((child) => applied.has(child));
  const tips = new Set(rows.filter(isTip));
  for (const id of applied) if (isTip(id)) tips.add(id);
  return [...tips];
}

/** The version table's rows, read without creating anything. */
export async function readCurrentRevisions(env: MigrationEnvironment): Promise<string[]> {
  const adapter = await resolveAdapter(env);
  return withConnection(env, adapter, 'inspect', (connection) => connection.versionStore.read());
}
