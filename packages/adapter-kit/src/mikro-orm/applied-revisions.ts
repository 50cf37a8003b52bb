import type { RevisionSummary } from '@cloudguard/migrate-core';

/** An applied revision and when it became applied. */
export interface ExecutedRevision {
  readonly revision: RevisionSummary;
  /**
   * From the audit table: when the step that applied it ran; for a revision recorded
   * only as part of a later step (a `stamp` of a revision above it), when that step
   * ran; the Unix epoch when no audit entry tells (applied by Alembic, or before
   * cgmigrate kept an audit).
   */
  readonly executedAt: Date;
}

/** What `unlogMigration` of a revision amounts to in version rows. */
export type UnlogPlan =
  /** `stamp` these revisions, which moves only the revision's own branch. */
  | { readonly kind: 'stamp'; readonly revisions: readonly string[] }
  /** A plain `stamp` would move other branches too: only a purge to exactly `heads` leaves them. */
  | { readonly kind: 'purge'; readonly heads: readonly string[] }
  /** Applied revisions revise or depend on it: it cannot leave the version table alone. */
  | { readonly kind: 'built-on'; readonly by: readonly string[] };

const UNKNOWN_TIME = new Date(0);

/**
 * The revisions a database has applied, read from a `history` that marked the current
 * revisions and carried the audit's `appliedAt`: the current revisions and everything they
 * revise or depend on, down to base. Answers what MikroORM's migrator asks (which are
 * executed, in which order) and where cgmigrate's graph must go to revert or unrecord
 * exactly one revision. Pure: no I/O.
 *
 * ### Examples
 * ```ts
 * const applied = new AppliedRevisions(history.revisions, history.current);
 * applied.executed().map(({ revision }) => revision.id); // ['a1f3c2', 'b7d9e4'], oldest first
 * applied.revertTarget('b7d9e4');                        // 'b7d9e4@a1f3c2'
 * ```
 */
export class AppliedRevisions {
  /** Every revision the scripts define, newest first, as `history` gave them. */
  readonly revisions: readonly RevisionSummary[];
  /** The database's version rows. */
  readonly current: readonly string[];
  readonly #byId: ReadonlyMap<string, RevisionSummary>;
  /** Every revision, parents before the revisions built on them. */
  readonly #parentsFirst: readonly RevisionSummary[];
  readonly #applied: ReadonlySet<string>;
  /** Revisions that revise or depend on each revision. */
  readonly #builtOn: ReadonlyMap<string, readonly string[]>;

  constructor(revisions: readonly RevisionSummary[], current: readonly string[]) {
    this.revisions = revisions;
    this.current = current;
    this.#byId = new Map(revisions.map((revision) => [revision.id, revision]));
    const builtOn = new Map<string, string[]>();
    for (const revision of revisions) {
      for (const below of basis(revision)) builtOn.set(below, [...(builtOn.get(below) ?? []), revision.id]);
    }
    this.#builtOn = builtOn;
    this.#parentsFirst = parentsFirst(revisions, this.#byId);
    this.#applied = this.#below(current);
  }

  /** Whether the database has applied the revision. */
  has(id: string): boolean {
    return this.#applied.has(id);
  }

  /** The revision with this id, if a script defines it. */
  get(id: string): RevisionSummary | undefined {
    return this.#byId.get(id);
  }

  /**
   * Every applied revision, in the order it was applied: by `executedAt`, and parents
   * before the revisions built on them where the times are equal (one step recording
   * several revisions, or no audit).
   */
  executed(): readonly ExecutedRevision[] {
    const applied = this.#parentsFirst.filter((revision) => this.#applied.has(revision.id));
    const times = new Map<string, Date>();
    // Children first, so that a revision without its own entry can take the earliest of the steps above it.
    for (const revision of [...applied].reverse()) {
      let time = revision.appliedAt;
      for (const above of this.#builtOn.get(revision.id) ?? []) {
        const aboveTime = times.get(above);
        if (aboveTime !== undefined && aboveTime !== UNKNOWN_TIME && (time === undefined || aboveTime < time)) time = aboveTime;
      }
      times.set(revision.id, time ?? UNKNOWN_TIME);
    }
    const order = new Map(applied.map((revision, index) => [revision.id, index]));
    return applied
      .map((revision) => ({ revision, executedAt: times.get(revision.id)! }))
      .sort((a, b) => a.executedAt.getTime() - b.executedAt.getTime() || order.get(a.revision.id)! - order.get(b.revision.id)!);
  }

  /** Applied revisions that revise or depend on the revision. */
  appliedBuiltOn(id: string): readonly string[] {
    return (this.#builtOn.get(id) ?? []).filter((above) => this.#applied.has(above));
  }

  /** The revisions that the revision revises or depends on and the database has not applied. */
  missingBasis(id: string): readonly string[] {
    const revision = this.#byId.get(id);
    return revision === undefined ? [] : basis(revision).filter((below) => !this.#applied.has(below));
  }

  /**
   * The `downgrade` target that reverts the revision and the applied revisions built on
   * it, and nothing else: `<id>@<parent>` walks down the revision's own branch to its
   * parent (for a merge, to one of its parents: the others stay), `<id>@base` for a first
   * revision.
   */
  revertTarget(id: string): string {
    const parent = this.#byId.get(id)?.downRevisions[0];
    return `${id}@${parent ?? 'base'}`;
  }

  /**
   * How to remove an applied revision from the version rows without running its
   * `down()`, when no applied revision builds on it: a `stamp` of its parents (or
   * `<id>@base`) moves only its branch, unless a parent is also below another current
   * revision, in which case `stamp` would move that branch too and only a purge to the
   * exact new rows does the job.
   */
  unlogPlan(id: string): UnlogPlan {
    const by = this.appliedBuiltOn(id);
    if (by.length > 0) return { kind: 'built-on', by };
    const revision = this.#byId.get(id);
    const parents = revision?.downRevisions ?? [];
    const others = this.current.filter((head) => head !== id);
    const belowOthers = this.#below(others);
    if (!parents.some((parent) => belowOthers.has(parent))) {
      return { kind: 'stamp', revisions: parents.length === 0 ? [`${id}@base`] : parents };
    }
    const heads = [...others, ...parents.filter((parent) => !belowOthers.has(parent))];
    return { kind: 'purge', heads };
  }

  /** The revisions and everything they revise or depend on, known to the scripts. */
  #below(tops: readonly string[]): ReadonlySet<string> {
    const found = new Set<string>();
    const pending = tops.filter((id) => this.#byId.has(id));
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (found.has(id)) continue;
      found.add(id);
      for (const below of basis(this.#byId.get(id)!)) if (this.#byId.has(below)) pending.push(below);
    }
    return found;
  }
}

/** What a revision stands on: the revisions it revises and those it depends on. */
function basis(revision: RevisionSummary): readonly string[] {
  return [...revision.downRevisions, ...revision.dependsOn];
}

/**
 * The revisions in an order where each comes after everything it stands on, otherwise
 * keeping `history`'s order reversed (oldest first): a depth-first walk that places a
 * revision's basis before it.
 */
function parentsFirst(newestFirst: readonly RevisionSummary[], byId: ReadonlyMap<string, RevisionSummary>): readonly RevisionSummary[] {
  const placed = new Set<string>();
  const result: RevisionSummary[] = [];
  for (const start of [...newestFirst].reverse()) {
    // An explicit stack: a linear history of thousands of revisions would overflow recursion.
    const stack: { readonly revision: RevisionSummary; expanded: boolean }[] = [{ revision: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (placed.has(top.revision.id)) {
        stack.pop();
      } else if (top.expanded) {
        stack.pop();
        placed.add(top.revision.id);
        result.push(top.revision);
      } else {
        top.expanded = true;
        for (const below of basis(top.revision)) {
          const revision = byId.get(below);
          // The script directory refuses cycles, so this ends; a revision pushed twice is placed once.
          if (revision !== undefined && !placed.has(below)) stack.push({ revision, expanded: false });
        }
      }
    }
  }
  return result;
}
