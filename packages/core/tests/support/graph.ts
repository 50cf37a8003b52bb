import { applyVersionChanges, type MigrationStep } from '../../src/plan/migration-step.js';
import type { RevisionInput } from '../../src/revision/revision.js';

type Extra = Omit<RevisionInput, 'id' | 'downRevisions'>;

/** A revision for `RevisionMap.from`, written as Alembic's tests write them: `rev('b', 'a')`. */
export const rev = (id: string, down?: string | readonly string[], extra: Extra = {}): RevisionInput => ({
  id,
  downRevisions: down,
  ...extra,
});

/** The version table after a plan's version changes are applied to `current`. */
export function headsAfter(current: readonly string[], plan: readonly MigrationStep[]): Set<string> {
  return new Set(plan.reduce<string[]>((heads, step) => applyVersionChanges(heads, step.versionChanges), [...current]));
}

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
