import { InvalidTargetError, MultipleHeadsError, OverlappingRevisionsError, RevisionNotFoundError } from '../errors.js';
import type { DependencyOption, RevisionMap } from '../revision/revision-map.js';
import { parseRevisionTarget } from '../revision/revision-target.js';
import type { MigrationStep, VersionChange } from './migration-step.js';

/**
 * Plans `upgrade <target>`: the migrations to run, parents and dependencies first, each
 * with the version-table changes Alembic's `HeadMaintainer` would make (one row per
 * head; a new branch inserts a row, a merge deletes all but one of its parents' rows
 * and updates the last).
 *
 * Targets: `head`, `heads`, an id or unique prefix, a branch label, `<branch>@head`,
 * `<branch>@<id>`, `+N` (from the current revision), `<branch>@+N`, `<id>+N`, `<id>-N`,
 * `<branch>@head-N`. A target already applied plans nothing. `<id>-N` counts through a
 * merge as `downgrade` does (`<merge>-1` is both parents of the merge); `+N` that meets a
 * branch point is refused with a target for each way ({@link AmbiguousStepError}).
 *
 * ### Examples
 * ```ts
 * const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b')]);
 * planUpgrade(map, ['a'], 'head').map((s) => s.revision.id);   // ['b', 'c']
 * planUpgrade(map, [], '+1')[0]?.versionChanges;               // [{ kind: 'insert', to: 'a' }]
 * ```
 * @throws {RevisionNotFoundError} for a current head no revision defines (source `database`), or an unknown target.
 * @throws {MultipleHeadsError} for `head` with several heads, or `+N` from several current heads without a branch.
 * @throws {AmbiguousRevisionError} for a prefix matching several revisions.
 * @throws {InvalidTargetError} for `-N` without a revision, or a relative step past the end of the graph.
 * @throws {AmbiguousStepError} for `+N` that meets a branch point (or several bases) with more than one way to go.
 * @throws {OverlappingRevisionsError} (source `database`) when one version row descends from another.
 */
export function planUpgrade(map: RevisionMap, currentHeads: readonly string[], target: string): MigrationStep[] {
  const current = checkCurrentHeads(map, currentHeads, { includeDependencies: true });
  const targets = upgradeTargets(map, current, target);
  const needed = new Set(map.ancestors(targets, { includeDependencies: true }));
  for (const id of map.ancestors(current, { includeDependencies: true })) needed.delete(id);
  const rows = new VersionRows(map, current);
  return map
    // Alembic runs its newest-first order from the targets, reversed.
    .sortNewestFirst(needed, targets)
    .reverse()
    .map((id) => {
      const revision = map.get(id);
      return {
        direction: 'upgrade',
        revision,
        from: revision.downRevisions,
        to: [id],
        versionChanges: rows.upgrade(id),
      };
    });
}

/** Alembic's `_parse_upgrade_target`. */
function upgradeTargets(map: RevisionMap, current: readonly string[], text: string): readonly string[] {
  const target = parseRevisionTarget(text);
  if (target.kind !== 'relative') return map.resolve(text, current).map((r) => r.id);
  const { steps, anchor, branch } = target;
  if (steps < 0 && anchor === undefined) {
    throw new InvalidTargetError(text, `relative revision ${steps} didn't produce ${-steps} migrations`);
  }
  if (anchor === undefined) {
    let starts: readonly string[] = current.length === 0 ? ['base'] : current;
    if (branch !== undefined && current.length > 0) {
      starts = map.filterForLineage(current, branch);
      if (starts.length === 0) {
        // the branch has no current head: start from the newest applied revisions on it, or from base
        const active = map.filterForLineage([...map.ancestors(current, { includeDependencies: true })], branch);
        const below = new Set(active.flatMap((id) => map.normalizedDownRevisions(id)));
        starts = active.filter((id) => !below.has(id));
        if (starts.length === 0) starts = ['base'];
      }
    }
    if (starts.length > 1) throw new MultipleHeadsError(starts, text);
    const end = map.walk(starts[0] as string, steps, branch, true, text);
    if (end === undefined) {
      throw new InvalidTargetError(text, `relative revision +${steps} didn't produce ${steps} migrations`);
    }
    return end === 'base' ? [] : [end];
  }
  const anchorText = steps < 0 && branch !== undefined ? `${branch}@${anchor}` : anchor;
  const start = map.resolveOne(anchorText, current);
  if (steps < 0) {
    // `<id>-N` through a merge: up to where N downgrade steps from the anchor would leave the database.
    const end = map.walkDown(start?.id ?? 'base', steps, text);
    if (end === undefined) throw new InvalidTargetError(text, 'walked past the end of the revision graph');
    if (end.kind === 'count') return end.heads;
    return end.end === 'base' ? [] : [end.end];
  }
  const end = map.walk(start?.id ?? 'base', steps, branch, true, text);
  if (end === undefined) throw new InvalidTargetError(text, 'walked past the end of the revision graph');
  return end === 'base' ? [] : [end];
}

/**
 * Checks the database's heads against the map and drops repeated rows. Rows where one
 * descends from another through parents (another tool wrote them: Alembic's `stamp a b`)
 * are refused, as Alembic refuses to upgrade from them: which of them the database is at
 * is a guess, and every later row change would carry the redundant row along. An upgrade
 * also refuses a row that another depends on, as Alembic's does; downgrades and stamps go
 * through such rows (a state Alembic's own `MultipleBranchEffectiveHead` downgrades use).
 *
 * @internal shared by the planners.
 * @throws {RevisionNotFoundError} with source `database`.
 * @throws {OverlappingRevisionsError} with source `database`.
 */
export function checkCurrentHeads(map: RevisionMap, currentHeads: readonly string[], options: DependencyOption = {}): readonly string[] {
  for (const id of currentHeads) if (!map.has(id)) throw new RevisionNotFoundError(id, 'database');
  const heads = [...new Set(currentHeads)];
  const overlap = map.overlapOf(heads, options);
  if (overlap) throw new OverlappingRevisionsError(overlap.revision, overlap.overlaps, 'database');
  return heads;
}

/**
 * A simulated version table: the heads, and which revisions they imply are applied.
 * Each method returns the row changes for one step and updates the simulation, following
 * Alembic's `HeadMaintainer.update_to_step` with `RevisionStep` / `StampStep`.
 *
 * @internal shared by the planners.
 */
export class VersionRows {
  readonly #map: RevisionMap;
  readonly #heads: Set<string>;
  readonly #applied: Set<string>;

  constructor(map: RevisionMap, heads: readonly string[]) {
    this.#map = map;
    this.#heads = new Set(heads);
    this.#applied = new Set(map.ancestors(heads, { includeDependencies: true }));
  }

  /** The simulated heads, in row order. */
  get heads(): readonly string[] {
    return [...this.#heads];
  }

  /** Running a revision's `up`: a new branch inserts, a merge deletes and updates, otherwise one update. */
  upgrade(id: string): VersionChange[] {
    const down = this.#map.normalizedDownRevisions(id);
    const present = down.filter((d) => this.#heads.has(d));
    let changes: VersionChange[];
    if (present.length === 0) {
      changes = [{ kind: 'insert', to: id }];
    } else if (present.length > 1) {
      const others = new Set([...this.#heads].filter((h) => !down.includes(h)));
      const merged = present.filter((d) => others.size === 0 || !this.#isAncestorOfAny(d, others, undefined));
      changes =
        merged.length === 0
          ? [{ kind: 'insert', to: id }]
          : [
              ...merged.slice(0, -1).map((from): VersionChange => ({ kind: 'delete', from })),
              { kind: 'update', from: merged[merged.length - 1] as string, to: id },
            ];
    } else {
      changes = [{ kind: 'update', from: present[0] as string, to: id }];
    }
    this.#apply(changes);
    this.#applied.add(id);
    return changes;
  }

  /** Running a revision's `down`: back to its parents (unmerging a merge), or deleting its row. */
  downgrade(id: string): VersionChange[] {
    if (!this.#heads.has(id)) {
      throw new Error(`cgmigrate internal error: downgrading ${id}, which is not a head of ${this.heads.join(', ')}`);
    }
    const down = this.#map.normalizedDownRevisions(id);
    const others = [...this.#heads].filter((h) => h !== id);
    // Alembic drops the parents implied by other heads, or, without other heads, those implied by the other
    // parents; doing both keeps a redundant row out when a merge of related parents sits next to another branch.
    const to =
      others.length === 0 && down.length <= 1
        ? down
        : down.filter((d) => !this.#isAncestorOfAny(d, new Set([...others, ...down.filter((o) => o !== d)]), id));
    let changes: VersionChange[];
    if (to.length === 0) {
      changes = [{ kind: 'delete', from: id }];
    } else if (down.length > 1) {
      changes = [
        ...to.slice(0, -1).map((insert): VersionChange => ({ kind: 'insert', to: insert })),
        { kind: 'update', from: id, to: to[to.length - 1] as string },
      ];
    } else {
      changes = [{ kind: 'update', from: id, to: down[0] as string }];
    }
    this.#apply(changes);
    this.#applied.delete(id);
    return changes;
  }

  /**
   * Recording a move from the rows `from` to `to` without running anything (Alembic's
   * `StampStep`): `branchMove` with a downgrade deletes `from[0]`; an upgrade onto a row
   * not present inserts; several `from` rows merge into `to[0]`; else one update.
   */
  stamp(from: readonly string[], to: readonly string[], isUpgrade: boolean, branchMove: boolean): VersionChange[] {
    let changes: VersionChange[];
    if (!isUpgrade && branchMove) {
      changes = [{ kind: 'delete', from: from[0] as string }];
    } else if (
      isUpgrade &&
      (branchMove || from.some((f) => !this.#heads.has(f))) &&
      to.some((t) => !this.#heads.has(t))
    ) {
      changes = [{ kind: 'insert', to: to[0] as string }];
    } else if (from.length > 1) {
      changes = [
        ...from.slice(0, -1).map((f): VersionChange => ({ kind: 'delete', from: f })),
        { kind: 'update', from: from[from.length - 1] as string, to: to[0] as string },
      ];
    } else {
      changes = [{ kind: 'update', from: from[0] as string, to: to[0] as string }];
    }
    this.#apply(changes);
    return changes;
  }

  /**
   * Whether `id` is one of `targets` or an ancestor (through parents or dependencies) of
   * one. Searches up from `id` through applied revisions only: every revision between an
   * applied head and its ancestor is applied, so the search stays within the database's
   * state instead of walking all of the head's ancestors.
   */
  #isAncestorOfAny(id: string, targets: ReadonlySet<string>, exclude: string | undefined): boolean {
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const at = stack.pop() as string;
      if (targets.has(at)) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      for (const child of this.#map.children(at, { includeDependencies: true })) {
        if (child !== exclude && this.#applied.has(child) && !seen.has(child)) stack.push(child);
      }
    }
    return false;
  }

  #apply(changes: readonly VersionChange[]): void {
    for (const change of changes) {
      if (change.kind !== 'insert') {
        if (!this.#heads.delete(change.from)) {
          throw new Error(`cgmigrate internal error: ${change.from} is not a head of ${this.heads.join(', ')}`);
        }
      }
      if (change.kind !== 'delete') {
        if (this.#heads.has(change.to)) {
          throw new Error(`cgmigrate internal error: ${change.to} is already a head`);
        }
        this.#heads.add(change.to);
      }
    }
  }
}
