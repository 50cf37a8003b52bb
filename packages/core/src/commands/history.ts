import { readCurrentRevisions } from './current.js';
import { loadScripts, type MigrationEnvironment } from './environment.js';
import { summarizeRevision, type RevisionSummary } from './revision-summary.js';

/** Options of {@link history}. */
export interface HistoryOptions {
  /** A range `lower:upper` such as `base:head`, `-3:`, `current:` or `ae10:`; every revision when absent. */
  readonly range?: string | undefined;
  /** Read the database and mark the revisions it is at (`isCurrent`). */
  readonly indicateCurrent?: boolean | undefined;
}

/** What {@link history} found. */
export interface HistoryResult {
  /** Revisions, newest first. */
  readonly revisions: readonly RevisionSummary[];
  /** The database's revisions, when they were read. */
  readonly current: readonly string[];
}

/**
 * Lists revisions newest first, optionally limited to a range. Reads the database
 * only when the range mentions `current` or `indicateCurrent` is set.
 *
 * ### Examples
 * ```ts
 * const { revisions } = await history(env, { range: '-3:' });
 * ```
 * @throws {RangeNotAncestorError} when the range's ends are unrelated.
 */
export async function history(env: MigrationEnvironment, options: HistoryOptions = {}): Promise<HistoryResult> {
  const needsDatabase = options.indicateCurrent === true || (options.range?.includes('current') ?? false);
  const [scripts, current] = await Promise.all([
    loadScripts(env),
    needsDatabase ? readCurrentRevisions(env) : Promise.resolve<string[]>([]),
  ]);
  const map = scripts.map;
  const marks = options.indicateCurrent ? new Set(current) : undefined;
  const revisions = map.history(options.range, current).map((rev) => summarizeRevision(map, rev, marks));
  return { revisions, current };
}
