import { AmbiguousStepError, InvalidTargetError, OverlappingRevisionsError } from '../errors.js';
import type { RevisionMap } from '../revision/revision-map.js';
import type { Revision } from '../revision/revision.js';
import { parseRevisionTarget } from '../revision/revision-target.js';
import type { MigrationStep } from './migration-step.js';
import { checkCurrentHeads, VersionRows } from './plan-upgrade.js';

/** Options of {@link planStamp}. */
export interface StampOptions {
  /**
   * Ignore the current rows: delete every one of them (even revisions no script defines),
   * then record the targets as on an empty table (Alembic's `stamp --purge`).
   */
  readonly purge: boolean;
}

/**
 * Plans `stamp <targets…>`: version-table changes that record the targets without
 * running any migration (Alembic's `_stamp_revs`). For each target, the current heads on
 * its line are moved to it in one step (down or up, merging them), a target on a line
 * with no current head becomes a new row, and `base` (or `<branch>@base`) deletes the
 * heads on its line. A target that is already a head changes nothing. Every step has
 * direction `stamp`. Relative targets count as Alembic's do: `-N` is N below each head of
 * the scripts, `<branch>@-N` N below that branch's heads, `<id>-N` and `<id>+N` N from a
 * revision; a walk that ends below a first revision stamps that line's base.
 *
 * With `purge`, the first steps delete each current row, one per row; a row that no
 * script defines is represented by a bare {@link Revision} with only its id.
 *
 * ### Examples
 * ```ts
 * planStamp(map, ['d1', 'c2'], ['b'], { purge: false })[0]?.versionChanges;
 * // [{ kind: 'delete', from: 'd1' }, { kind: 'update', from: 'c2', to: 'b' }]
 * planStamp(map, ['zz'], ['head'], { purge: true });  // delete 'zz', insert the head
 * planStamp(map, ['e'], ['-1'], { purge: false });     // move the row from e to d
 * ```
 * @throws {RevisionNotFoundError} for a current head no revision defines (source `database`, unless purging), or an unknown target.
 * @throws {MultipleHeadsError} for `head` with several heads.
 * @throws {AmbiguousRevisionError} for a prefix matching several revisions.
 * @throws {InvalidTargetError} for `+N` without a revision, or a relative walk past the graph's end.
 * @throws {AmbiguousStepError} for a relative walk through a merge or branch point, with the targets (all
 *   of `targets`, one replaced) that take each way.
 * @throws {OverlappingRevisionsError} when one target descends from another (`stamp a b` with b after a),
 *   or (source `database`, unless purging) one version row from another.
 */
export function planStamp(
  map: RevisionMap,
  currentHeads: readonly string[],
  targets: readonly string[],
  options: StampOptions,
): MigrationStep[] {
  const steps: MigrationStep[] = [];
  let heads: readonly string[];
  if (options.purge) {
    const purged = new Set(currentHeads);
    for (const id of purged) {
      steps.push({
        direction: 'stamp',
        revision: map.has(id) ? map.get(id) : bareRevision(id),
        from: [id],
        to: [],
        versionChanges: [{ kind: 'delete', from: id }],
      });
    }
    heads = [];
  } else {
    heads = checkCurrentHeads(map, currentHeads);
  }

  const wanted = targets.filter((t) => t !== '');
  if (wanted.length === 0) wanted.push('base');
  // A revision named twice is recorded once (Alembic 1.8.1 moves the row twice and fails).
  const destinations = wanted
    .flatMap((text, i) => {
      try {
        return stampDestinations(map, text, heads);
      } catch (error) {
        if (!(error instanceof AmbiguousStepError)) throw error;
        // Each choice as the whole argument list, the other targets kept.
        const withChoice = (choice: string): string => wanted.map((t, j) => (j === i ? choice : t)).join(' ');
        const choices = error.choices.map((choice) => ({ through: choice.through, target: withChoice(choice.target) }));
        throw new AmbiguousStepError(wanted.join(' '), error.at, error.walk, choices);
      }
    })
    .filter((destination, i, all) => destination.id === undefined || all.findIndex((d) => d.id === destination.id) === i);
  // One row per branch: `stamp a b` with b after a would write a row that b implies (Alembic writes both).
  const overlap = map.overlapOf(destinations.flatMap(({ id }) => (id === undefined ? [] : [id])));
  if (overlap) throw new OverlappingRevisionsError(overlap.revision, overlap.overlaps);

  const rows = new VersionRows(map, heads);
  const record = (revision: Revision, from: readonly string[], to: readonly string[], isUpgrade: boolean, branchMove: boolean): void => {
    steps.push({ direction: 'stamp', revision, from, to, versionChanges: rows.stamp(from, to, isUpgrade, branchMove) });
  };
  for (const { line, id: destination } of destinations) {
    // The rows on this target's line that no earlier target has moved: `stamp a c` from rows b and d moves b to
    // a and d to c, and `stamp b d` from a merge of them moves the merge to b and adds d (Alembic 1.8.1 moves
    // the rows of every target's line to the first target, then fails on rows that are gone).
    const present = new Set(rows.heads);
    const onLine = map.filterForLineage(heads.filter((head) => present.has(head)), line, true);
    if (destination === undefined) {
      for (const head of onLine) record(map.get(head), [head], [], false, true);
      continue;
    }
    if (onLine.includes(destination)) continue;
    const revision = map.get(destination);
    const above = map.descendants([destination], { includeDependencies: true });
    const below = map.ancestors([destination], { includeDependencies: true });
    if (onLine.some((head) => above.has(head))) record(revision, onLine, [destination], false, false);
    else if (onLine.some((head) => below.has(head))) record(revision, onLine, [destination], true, false);
    else record(revision, [], [destination], true, true);
  }
  return steps;
}

/** Where one stamp target puts its line: a revision, or `undefined` (base); `line` names the line for the lineage filter. */
interface StampDestination {
  readonly line: string;
  readonly id: string | undefined;
}

/**
 * The destinations of one stamp target. An absolute target resolves as everywhere else. A
 * relative one counts as Alembic's `get_revisions` does: `-N` is N below each head of the
 * scripts (`heads`), `<branch>@-N` N below the heads of that branch, and `<id>-N` / `<id>+N`
 * N from that revision. A walk that ends below a first revision stamps that line's base.
 *
 * @throws {InvalidTargetError} for `+N` without a revision, or a walk past the end of the graph.
 * @throws {AmbiguousStepError} for a walk through a merge or branch point, with a choice of targets for each way.
 */
function stampDestinations(map: RevisionMap, text: string, heads: readonly string[]): StampDestination[] {
  const target = parseRevisionTarget(text);
  if (target.kind !== 'relative') {
    const ids = map.resolve(text, heads).map((r) => r.id);
    return ids.length === 0 ? [{ line: text, id: undefined }] : ids.map((id) => ({ line: text, id }));
  }
  const { steps, anchor, branch } = target;
  let starts: readonly string[];
  if (anchor !== undefined) {
    const start = map.resolveOne(steps < 0 && branch !== undefined ? `${branch}@${anchor}` : anchor, heads);
    starts = [start?.id ?? 'base'];
  } else if (steps > 0) {
    throw new InvalidTargetError(text, `stamp counts up from a revision: name it, as in <revision>+${steps}`);
  } else if (branch === undefined) {
    starts = map.realHeads;
  } else {
    starts = map.branchRevision(branch)
      ? map.realHeads.filter((head) => map.branchLabels(head).includes(branch))
      : map.filterForLineage(map.realHeads, branch);
  }
  if (starts.length === 0) throw new InvalidTargetError(text, 'no head to count from');
  return starts.map((start) => {
    let end;
    try {
      end = map.walk(start, steps, steps > 0 ? branch : undefined, true, text);
    } catch (error) {
      if (!(error instanceof AmbiguousStepError) || starts.length === 1) throw error;
      // `-N` from several heads: each choice also names the other heads' steps, anchored (`<head>-N`).
      const others = starts.filter((other) => other !== start).map((other) => `${other}${steps}`);
      const choices = error.choices.map((choice) => ({ through: choice.through, target: [...others, choice.target].join(' ') }));
      throw new AmbiguousStepError(text, error.at, error.walk, choices);
    }
    if (end === undefined) throw new InvalidTargetError(text, `relative revision ${text} goes past the end of the revision graph`);
    return end === 'base' ? { line: `${start}@base`, id: undefined } : { line: end, id: end };
  });
}

function bareRevision(id: string): Revision {
  return Object.freeze({
    id,
    downRevisions: [],
    dependsOn: [],
    branchLabels: [],
    message: undefined,
    path: undefined,
  });
}
