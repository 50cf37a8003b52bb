import { appliedRevisionAudits } from '../runtime/audit.js';
import { readDatabaseState, type DatabaseState } from './check.js';
import { readCurrentRevisions } from './current.js';
import { loadScripts, type MigrationEnvironment } from './environment.js';
import { summarizeRevision, type RevisionSummary } from './revision-summary.js';

/** Options of {@link history}. */
export interface HistoryOptions {
  /** A range `lower:upper` such as `base:head`, `-3:`, `current:` or `ae10:`; every revision when absent. */
  readonly range?: string | undefined;
  /** Read the database and mark the revisions it is at (`isCurrent`). */
  readonly indicateCurrent?: boolean | undefined;
  /**
   * Read the database's audit table and give each applied revision `appliedAt` and
   * `appliedBy` (from the step that applied it), and `acceptedEdit` when an edit of its
   * file was accepted since.
   */
  readonly withAudit?: boolean | undefined;
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
 * only when the range mentions `current`, or `indicateCurrent` or `withAudit` is set.
 *
 * ### Examples
 * ```ts
 * const { revisions } = await history(env, { range: '-3:' });
 * ```
 * @throws {RangeNotAncestorError} when the range's ends are unrelated.
 */
export async function history(env: MigrationEnvironment, options: HistoryOptions = {}): Promise<HistoryResult> {
  const [scripts, state] = await Promise.all([loadScripts(env), readState(env, options)]);
  const map = scripts.map;
  const { current, audit } = state;
  const marks = options.indicateCurrent ? new Set(current) : undefined;
  const audits = options.withAudit ? appliedRevisionAudits(map, current, audit) : undefined;
  const revisions = map.history(options.range, current).map((rev) => {
    const summary = summarizeRevision(map, rev, marks);
    const found = audits?.get(rev.id);
    if (found === undefined) return summary;
    const applied = { ...summary, appliedAt: found.applied.appliedAt, appliedBy: found.applied.appliedBy };
    return found.accepted ? { ...applied, acceptedEdit: found.accepted } : applied;
  });
  return { revisions, current };
}

async function readState(env: MigrationEnvironment, options: HistoryOptions): Promise<DatabaseState> {
  if (options.withAudit) return readDatabaseState(env);
  const needsCurrent = options.indicateCurrent === true || (options.range?.includes('current') ?? false);
  return { current: needsCurrent ? await readCurrentRevisions(env) : [], audit: [] };
}
