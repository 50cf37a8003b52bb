import { UnexpectedHeadsError } from '../errors.js';
import { checkHeads, type HeadsCheck } from './check-heads.js';
import { loadScripts, type MigrationEnvironment } from './environment.js';
import { summarizeRevision, type RevisionSummary } from './revision-summary.js';

/** Options of {@link heads}. */
export interface HeadsOptions {
  /** Count a revision that others depend on as not a head (Alembic's `--resolve-dependencies`). */
  readonly resolveDependencies?: boolean | undefined;
  /**
   * Check the heads as a pre-merge guard ({@link checkHeads} with the config's
   * `expectedHeads`): fail with {@link UnexpectedHeadsError} unless they are as expected.
   */
  readonly check?: boolean | undefined;
}

/** Revisions found by {@link heads}, {@link branches} or {@link show}. */
export interface RevisionsResult {
  readonly revisions: readonly RevisionSummary[];
}

/** What {@link heads} found. */
export interface HeadsResult extends RevisionsResult {
  /**
   * Heads that another revision depends on (`dependsOn`): Alembic's "effective heads",
   * which `--resolve-dependencies` leaves out.
   */
  readonly effectiveHeads: readonly string[];
  /** With `check`: the check that passed. */
  readonly check?: HeadsCheck | undefined;
}

/**
 * The head revisions of the scripts (no database is read).
 *
 * ### Examples
 * ```ts
 * const { revisions } = await heads(env);
 * if (revisions.length > 1) console.warn('several heads: merge them');
 * await heads(env, { check: true }); // throws UnexpectedHeadsError on unmerged branches
 * ```
 * @throws {UnexpectedHeadsError} with `check`, when the heads are not as expected.
 */
export async function heads(env: MigrationEnvironment, options: HeadsOptions = {}): Promise<HeadsResult> {
  const { map } = await loadScripts(env);
  let check: HeadsCheck | undefined;
  if (options.check) {
    check = checkHeads(map, env.config.expectedHeads);
    if (!check.ok) throw new UnexpectedHeadsError(check);
  }
  const realHeads = new Set(map.realHeads);
  const ids = options.resolveDependencies ? [...realHeads] : map.heads;
  return {
    // In the scripts' order, as Alembic lists them.
    revisions: ids.map((id) => summarizeRevision(map, map.get(id))),
    effectiveHeads: map.heads.filter((id) => !realHeads.has(id)),
    ...(check === undefined ? {} : { check }),
  };
}

/**
 * The branch points of the scripts: revisions with more than one child.
 *
 * ### Examples
 * ```ts
 * const { revisions } = await branches(env); // each with its nextRevisions
 * ```
 */
export async function branches(env: MigrationEnvironment): Promise<RevisionsResult> {
  const { map } = await loadScripts(env);
  // In `history`'s order, as Alembic walks every revision to find them.
  const points = map.history().filter((rev) => map.children(rev.id).length > 1);
  return { revisions: points.map((rev) => summarizeRevision(map, rev)) };
}

/**
 * The revisions an identifier names (`head`, an id or prefix, `<branch>@head`, …).
 *
 * ### Examples
 * ```ts
 * const { revisions: [rev] } = await show(env, 'ae10');
 * ```
 * @throws {RevisionNotFoundError} / {AmbiguousRevisionError} / {MultipleHeadsError}
 */
export async function show(env: MigrationEnvironment, identifier: string): Promise<RevisionsResult> {
  const { map } = await loadScripts(env);
  return { revisions: map.resolve(identifier).map((rev) => summarizeRevision(map, rev)) };
}
