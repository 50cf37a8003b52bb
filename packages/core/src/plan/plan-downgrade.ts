import { InvalidTargetError, MultipleHeadsError, RangeNotAncestorError } from '../errors.js';
import type { RevisionMap } from '../revision/revision-map.js';
import { parseRevisionTarget } from '../revision/revision-target.js';
import type { MigrationStep } from './migration-step.js';
import { checkCurrentHeads, VersionRows } from './plan-upgrade.js';

/**
 * Plans `downgrade <target>`: the applied revisions above the target (and everything
 * that depends on them), newest first, each with the version-table changes Alembic's
 * `HeadMaintainer` would make (a merge point unmerges into a row per parent; a branch
 * that ends, or whose parent another head implies, loses its row).
 *
 * Targets: `base`, an id or unique prefix, `<branch>@base`, `<branch>@<id>`, `-N` (from
 * the one current head; with several it is refused, where Alembic takes the first row), `<branch>@-N`, `<id>-N`, `<branch>@head-N`,
 * `base+N`, `<branch>@base+N`, `<id>+N`. A target that is already current plans nothing.
 *
 * `-N` counts through merges, where Alembic stops with "Ambiguous walk": when its line of
 * parents meets a merge, it undoes the first N revisions of the order `downgrade base`
 * runs from its starting revision (and whatever depends on them), so `-1` at a merge
 * undoes the merge and leaves a version row per parent. Without a merge on the way, `-N`
 * is Alembic's walk, exactly as before.
 *
 * ### Examples
 * ```ts
 * const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b')]);
 * planDowngrade(map, ['c'], '-1').map((s) => s.revision.id);   // ['c']
 * planDowngrade(map, ['c'], 'base').at(-1)?.versionChanges;    // [{ kind: 'delete', from: 'a' }]
 * // m merges b1 and b2
 * planDowngrade(merged, ['m'], '-1')[0]?.versionChanges;        // [{ kind: 'insert', to: 'b1' }, { kind: 'update', from: 'm', to: 'b2' }]
 * ```
 * @throws {RevisionNotFoundError} for a current head no revision defines (source `database`), or an unknown target.
 * @throws {RangeNotAncestorError} when the target is not below the current revisions (nothing to drop).
 * @throws {InvalidTargetError} for `+N` without a revision, `-N` past base, or a branch with nothing to drop.
 * @throws {AmbiguousStepError} for `<id>+N` that meets a branch point with more than one way to go.
 * @throws {MultipleHeadsError} when `-N` starts from several current heads (with `perHead`), or `<branch>@-N` matches several.
 * @throws {AmbiguousRevisionError} for a prefix matching several revisions.
 * @throws {OverlappingRevisionsError} (source `database`) when one version row descends from another.
 */
export function planDowngrade(map: RevisionMap, currentHeads: readonly string[], target: string): MigrationStep[] {
  const current = checkCurrentHeads(map, currentHeads);
  const parsed = downgradeTarget(map, current, target);
  const active = map.ancestors(current, { includeDependencies: true });
  if ('undone' in parsed) {
    // Counted through a merge: drop what the counted steps undo, and what depends on it.
    const dropped = [...map.descendants(parsed.undone, { includeDependencies: true })].filter((id) => active.has(id));
    if (dropped.length === 0 && !parsed.heads.every((id) => active.has(id))) {
      throw new RangeNotAncestorError(target, current.length > 0 ? current.join(', ') : 'base');
    }
    return downgradeSteps(map, current, dropped);
  }
  const { branch, revision } = parsed;

  let roots: readonly string[] =
    revision === undefined ? map.bases : map.children(revision);
  if (branch !== undefined && roots.length > 1) {
    const onBranch = map.ancestors([map.resolveBranch(branch)]);
    roots = roots.filter((id) => onBranch.has(id));
    if (roots.length === 0) throw new InvalidTargetError(target, 'not a valid downgrade target from the current heads');
  }
  const dropped = [...map.descendants(roots, { includeDependencies: true })].filter((id) => active.has(id));
  if (revision !== undefined && dropped.length === 0 && !current.includes(revision)) {
    throw new RangeNotAncestorError(target, current.length > 0 ? current.join(', ') : 'base');
  }
  return downgradeSteps(map, current, dropped);
}

/** The downgrade steps that drop `dropped` from the database at `current`, with their version-row changes. */
function downgradeSteps(map: RevisionMap, current: readonly string[], dropped: readonly string[]): MigrationStep[] {
  const rows = new VersionRows(map, current);
  // Alembic's newest-first order from the current heads.
  return map.sortNewestFirst(dropped, current).map((id) => {
    const step = map.get(id);
    return {
      direction: 'downgrade',
      revision: step,
      from: [id],
      to: step.downRevisions,
      versionChanges: rows.downgrade(id),
    };
  });
}

/**
 * Alembic's `_parse_downgrade_target`: the branch to keep to, and the revision to end at
 * (`undefined`: base); or, for `-N` whose walk meets a merge, the revisions the N steps
 * undo and the heads they leave.
 */
function downgradeTarget(
  map: RevisionMap,
  current: readonly string[],
  text: string,
): { branch: string | undefined; revision: string | undefined } | { undone: readonly string[]; heads: readonly string[] } {
  const target = parseRevisionTarget(text);
  if (target.kind === 'symbol' && target.symbol === 'base') {
    if (target.branch !== undefined) map.resolveBranch(target.branch);
    return { branch: target.branch, revision: undefined };
  }
  if (target.kind !== 'relative') {
    const resolved = map.resolveOne(text, current);
    return { branch: target.branch, revision: resolved?.id };
  }

  const { steps, anchor } = target;
  let { branch } = target;
  if (steps > 0) {
    if (anchor === undefined) {
      throw new InvalidTargetError(text, `relative revision +${steps} didn't produce ${steps} migrations`);
    }
    const start = map.resolveOne(anchor, current);
    const end = map.walk(start?.id ?? 'base', steps, branch, true, text);
    if (end === undefined) throw new InvalidTargetError(text, 'walked past the end of the revision graph');
    return { branch, revision: end === 'base' ? undefined : end };
  }

  let symbol = anchor;
  if (symbol === undefined) {
    if (branch !== undefined) {
      let onBranch = map.filterForLineage(current, branch);
      if (onBranch.length === 0) onBranch = map.filterForLineage(map.branchHeadsOf(current), branch);
      if (onBranch.length > 1) throw new MultipleHeadsError(onBranch, text);
      if (onBranch.length === 0) {
        throw new InvalidTargetError(text, `relative revision ${steps} didn't produce ${-steps} migrations`);
      }
      symbol = onBranch[0] as string;
    } else {
      if (current.length === 0) {
        throw new InvalidTargetError(text, `relative revision ${steps} didn't produce ${-steps} migrations`);
      }
      // Alembic takes the first row of the version table (and warns) when there are several heads: which
      // branch goes down would depend on row order, so the step is refused with a target for each head.
      if (current.length > 1) throw new MultipleHeadsError(current, text, current.map((head) => perHeadTarget(map, current, head, steps)));
      symbol = current[0] as string;
      branch = symbol;
    }
  }
  const start = map.resolveOne(branch === undefined ? symbol : `${branch}@${symbol}`, current);
  const end = map.walkDown(start?.id ?? 'base', steps, text);
  if (end === undefined) {
    throw new InvalidTargetError(
      text,
      anchor === undefined
        ? `relative revision ${steps} didn't produce ${-steps} migrations`
        : 'walked past the end of the revision graph',
    );
  }
  if (end.kind === 'count') return { undone: end.undone, heads: end.heads };
  return { branch, revision: end.end === 'base' ? undefined : end.end };
}

/**
 * The target that takes a relative step down from one of several current heads alone: `<label>@-N`
 * when a branch label of the head covers no other current head, else `<head>@-N`.
 */
function perHeadTarget(map: RevisionMap, current: readonly string[], head: string, steps: number): string {
  const label = map.branchLabels(head).find((l) => map.filterForLineage(current, l).length === 1);
  return `${label ?? head}@${steps}`;
}
