import type { Revision } from '../revision/revision.js';

/** One change to the version table; see {@link VersionStore}. */
export type VersionChange =
  | { readonly kind: 'insert'; readonly to: string }
  | { readonly kind: 'delete'; readonly from: string }
  | { readonly kind: 'update'; readonly from: string; readonly to: string };

/**
 * One step of a plan: run one migration (or, for a stamp, only move the version
 * rows) and apply its version changes in the same transaction.
 *
 * The planner is pure: it simulates the heads as the steps go, so each step carries
 * exactly the rows to insert, delete or update (Alembic's `HeadMaintainer` work),
 * and the runner only executes them.
 */
export interface MigrationStep {
  /** `upgrade` runs `up`, `downgrade` runs `down`, `stamp` runs nothing. */
  readonly direction: 'upgrade' | 'downgrade' | 'stamp';
  /** The revision whose script runs (for a stamp: the revision being recorded or removed). */
  readonly revision: Revision;
  /** Revisions the database is at for this branch before the step, for the log line. */
  readonly from: readonly string[];
  /** Revisions the database is at for this branch after the step, for the log line. */
  readonly to: readonly string[];
  /** Version table changes, in order. */
  readonly versionChanges: readonly VersionChange[];
}

/** Applies version changes to a set of heads; what the version table holds after a step. */
export function applyVersionChanges(heads: readonly string[], changes: readonly VersionChange[]): string[] {
  const result = [...heads];
  for (const change of changes) {
    if (change.kind !== 'insert') {
      const at = result.indexOf(change.from);
      if (at === -1) throw new Error(`version change removes ${change.from}, which is not a head`);
      result.splice(at, 1);
    }
    if (change.kind !== 'delete') result.push(change.to);
  }
  return result;
}
