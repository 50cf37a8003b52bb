import { InvalidTargetError } from '../errors.js';
import { loadScripts, type MigrationEnvironment } from './environment.js';
import { checkMessage, writeRevision, type RevisionResult } from './revision.js';

/** Options of {@link merge}. */
export interface MergeOptions {
  /** Revisions to merge: `heads`, or two or more ids, prefixes or `<branch>@head`. */
  readonly revisions: readonly string[];
  readonly message: string;
  readonly branchLabel?: string | undefined;
  readonly revId?: string | undefined;
  readonly now?: Date | undefined;
}

/**
 * Writes a merge revision whose `downRevision` lists the given revisions, joining
 * their branches into one head (Alembic's `merge`).
 *
 * ### Examples
 * ```ts
 * await merge(env, { revisions: ['heads'], message: 'Merge migrations' });
 * ```
 * @throws {InvalidTargetError} when fewer than two revisions are named.
 * @throws {PostWriteHookError} when a post-write hook fails (the file is written and kept).
 */
export async function merge(env: MigrationEnvironment, options: MergeOptions): Promise<RevisionResult> {
  const message = checkMessage(options.message);
  const scripts = await loadScripts(env);
  const map = scripts.map;
  const parents = [...new Set(options.revisions.flatMap((text) => map.resolve(text).map((rev) => rev.id)))];
  if (parents.length < 2) {
    throw new InvalidTargetError(options.revisions.join(' '), `a merge needs at least two revisions, and this names ${parents.length}`);
  }
  return writeRevision(env, scripts, {
    revId: options.revId,
    parents: map.sortNewestFirst(parents).reverse(),
    dependsOn: [],
    branchLabels: options.branchLabel ? [options.branchLabel] : [],
    message,
    now: options.now,
  });
}
