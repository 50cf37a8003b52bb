import { MultipleHeadsError } from '../errors.js';
import { filterForLineage } from './branch-lineage.js';
import { buildRevisionGraph } from './build-revision-graph.js';
import { newestFirstOrder, sortNewestFirst } from './newest-first.js';
import { NO_REVISIONS, type Revision, type RevisionInput } from './revision.js';
import { ancestorsOf, type DependencyOption, descendantsOf } from './revision-closure.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';
import { revisionHistory } from './revision-history.js';
import { branchHeadsOf, overlapOf, type RevisionOverlap } from './revision-overlap.js';
import { parseRevisionTarget } from './revision-target.js';
import { revisionForIdent } from './resolve-identifier.js';
import { resolveTarget } from './resolve-target.js';
import { walk, walkDown, type WalkEnd } from './revision-walk.js';

export type { DependencyOption } from './revision-closure.js';
export type { WalkEnd } from './revision-walk.js';

/**
 * The revision graph: an immutable, validated DAG of {@link Revision}s linked by
 * `downRevisions` (parents) and `dependsOn` (dependencies), with Alembic's
 * identifier resolution (`head`, `heads`, `base`, prefixes, branch labels,
 * `<branch>@…`) and traversals. Pure: no I/O.
 *
 * The public face of three kinds of module over one read-only {@link RevisionGraph}:
 * building and validating it (`build-revision-graph.ts`), its orders
 * (`newest-first.ts`, `alembic-order.ts`) and its queries (`resolve-*.ts`,
 * `revision-closure.ts`, `revision-history.ts`, …). Every traversal is iterative and
 * linear in the part of the graph it visits, so long histories neither overflow the
 * stack nor go quadratic.
 *
 * ### Examples
 * ```ts
 * const rev = (id: string, down?: string | string[]) => ({ id, downRevisions: down });
 * const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'b')]);
 * map.heads;                    // ['c1', 'c2']
 * map.resolve('heads');         // [c1, c2]
 * map.resolve('head');          // throws MultipleHeadsError
 * ```
 */
export class RevisionMap {
  readonly #graph: RevisionGraph;
  /** Every revision newest first, as node indices: computed on first use unless building did. */
  #newestFirst: Int32Array | undefined;

  private constructor(graph: RevisionGraph, newestFirst: Int32Array | undefined) {
    this.#graph = graph;
    this.#newestFirst = newestFirst;
  }

  /**
   * Builds and validates a map. Input order is kept as the tie-breaker of every ordering.
   *
   * ### Examples
   * ```ts
   * RevisionMap.from([{ id: 'a' }, { id: 'b', downRevisions: 'a', branchLabels: 'shop' }])
   * ```
   * @throws {InvalidRevisionIdError} for an id that cannot be stored.
   * @throws {DuplicateRevisionError} when two revisions share an id (with both paths).
   * @throws {DuplicateBranchLabelError} when a branch label is declared twice or equals a revision id.
   * @throws {MissingParentError} for a `downRevisions` or `dependsOn` entry that names nothing.
   * @throws {RevisionCycleError} for a cycle through `downRevisions`.
   * @throws {DependencyCycleError} for a cycle through `downRevisions` and `dependsOn`.
   */
  static from(revisions: Iterable<Revision | RevisionInput>): RevisionMap {
    const { graph, newestFirst } = buildRevisionGraph(revisions);
    return new RevisionMap(graph, newestFirst);
  }

  /** Number of revisions. */
  get size(): number {
    return this.#graph.byIndex.length;
  }

  /**
   * Revisions that no other revision names as a parent (a dependent is not a child, as in
   * Alembic), in input order.
   */
  get heads(): readonly string[] {
    return this.#graph.heads;
  }

  /**
   * Heads that no revision depends on either: what `heads` resolves to (Alembic's `_real_heads`).
   * A head that another branch depends on is reached by upgrading that branch.
   */
  get realHeads(): readonly string[] {
    return this.#graph.realHeads;
  }

  /** Revisions without parents (they may still have dependencies), in input order. */
  get bases(): readonly string[] {
    return this.#graph.bases;
  }

  /** Whether a revision with exactly this id exists. */
  has(id: string): boolean {
    return this.#graph.indexOf.has(id);
  }

  /**
   * The revision with exactly this id (no prefixes or symbols; see {@link RevisionMap.resolve}).
   *
   * @throws {RevisionNotFoundError}
   */
  get(id: string): Revision {
    return nodeOf(this.#graph, id).revision;
  }

  /**
   * The revisions that name `id` as a parent, and with `includeDependencies` also those that
   * depend on it, in input order.
   *
   * @throws {RevisionNotFoundError}
   */
  children(id: string, options?: DependencyOption): readonly string[] {
    const node = nodeOf(this.#graph, id);
    return options?.includeDependencies ? node.allChildren : node.children;
  }

  /**
   * A revision's parents plus those dependencies that no ancestor already declares:
   * what an upgrade of it starts from (Alembic's `_normalized_down_revisions`).
   *
   * @throws {RevisionNotFoundError}
   */
  normalizedDownRevisions(id: string): readonly string[] {
    return nodeOf(this.#graph, id).down;
  }

  /**
   * The branch labels of a revision: its own, those of its ancestors, and those of the
   * descendants whose unbranched line of parents reaches it (Alembic's label propagation).
   * Sorted.
   *
   * @throws {RevisionNotFoundError}
   */
  branchLabels(id: string): readonly string[] {
    const labels = nodeOf(this.#graph, id).labels;
    return labels.size === 0 ? NO_REVISIONS : [...labels].sort();
  }

  /** The revision that declares a branch label, or `undefined`. */
  branchRevision(label: string): Revision | undefined {
    const owner = this.#graph.labelOwners.get(label);
    return owner === undefined ? undefined : nodeOf(this.#graph, owner).revision;
  }

  /** All revisions, parents and dependencies before their children; deterministic. */
  *[Symbol.iterator](): IterableIterator<Revision> {
    const order = this.#newestFirstAll();
    for (let i = order.length - 1; i >= 0; i--) yield this.#graph.byIndex[order[i]!]!.revision;
  }

  /**
   * The given revisions and all their ancestors.
   *
   * ### Examples
   * ```ts
   * map.ancestors(['c1'])                               // Set { 'c1', 'b', 'a' }
   * map.ancestors(['y2'], { includeDependencies: true }) // parents and dependencies
   * ```
   * @throws {RevisionNotFoundError}
   */
  ancestors(ids: Iterable<string>, options: DependencyOption = {}): ReadonlySet<string> {
    return ancestorsOf(this.#graph, ids, options.includeDependencies ?? false);
  }

  /**
   * The given revisions and all their descendants.
   *
   * @throws {RevisionNotFoundError}
   */
  descendants(ids: Iterable<string>, options: DependencyOption = {}): ReadonlySet<string> {
    return descendantsOf(this.#graph, ids, options.includeDependencies ?? false);
  }

  /**
   * Resolves an identifier as Alembic's `get_revisions` does: `head` (exactly one head),
   * `heads`, `base` (empty), `current` (the given database heads), a full id, a unique
   * prefix, a branch label, `<branch>@head`, `<branch>@heads`, `<branch>@base` and
   * `<branch>@<id-or-prefix>`.
   *
   * ### Examples
   * ```ts
   * map.resolve('ae1')            // [the one revision whose id starts with 'ae1']
   * map.resolve('shop@head')      // [head of the 'shop' branch]
   * map.resolve('base')           // []
   * ```
   * @throws {MultipleHeadsError} for `head` (or `<branch>@head`) when there are several.
   * @throws {RevisionNotFoundError} when nothing matches (source `database` for an unknown current head).
   * @throws {AmbiguousRevisionError} when a prefix matches several revisions.
   * @throws {RevisionNotInBranchError} for `<branch>@<id>` outside that branch.
   * @throws {InvalidTargetError} for relative targets (`+1`, `x-2`), which need a planner.
   */
  resolve(identifier: string, currentHeads: readonly string[] = []): readonly Revision[] {
    const ids = resolveTarget(this.#graph, parseRevisionTarget(identifier), identifier, currentHeads);
    return ids.map((id) => nodeOf(this.#graph, id).revision);
  }

  /**
   * Like {@link RevisionMap.resolve} for an identifier that must name at most one revision;
   * `undefined` means base.
   *
   * @throws {MultipleHeadsError} when it names several (for example `heads`).
   * @throws {RevisionNotFoundError}
   * @throws {AmbiguousRevisionError}
   */
  resolveOne(identifier: string, currentHeads: readonly string[] = []): Revision | undefined {
    const revisions = this.resolve(identifier, currentHeads);
    if (revisions.length > 1) throw new MultipleHeadsError(revisions.map((r) => r.id), identifier);
    return revisions[0];
  }

  /**
   * The revisions of a `history` range `lower:upper`, newest first, both ends included
   * (Alembic's `iterate_revisions(upper, lower, inclusive=True)`). An empty end means
   * `base` or `heads`; `current` means the given database heads; `-N` as the lower end
   * is N below the upper end, `+N` as the upper end N above the lower end (both stop at
   * the graph's ends).
   *
   * ### Examples
   * ```ts
   * map.history()                       // everything
   * map.history('-3:')                  // the heads and three revisions below
   * map.history('current:', dbHeads)    // what an upgrade to heads would add, plus the current revisions
   * ```
   * @throws {RangeNotAncestorError} when the lower end is not an ancestor of the upper end.
   * @throws {InvalidTargetError} for a malformed range.
   * @throws {RevisionNotFoundError}
   * @throws {MultipleHeadsError}
   */
  history(range = 'base:heads', currentHeads: readonly string[] = []): readonly Revision[] {
    return revisionHistory(this.#graph, range, currentHeads, () => this.#newestFirstAll());
  }

  /**
   * Orders revisions newest first, exactly as Alembic 1.8.1's `_topological_sort` does
   * (what `history` prints, and reversed, the order `upgrade` runs): every revision before
   * its parents and dependencies, walking down from `heads` (those of them in `ids`, in
   * input order) one line at a time, and leaving a line for the first head above the
   * revision it reached. Without `heads`, from the revisions of `ids` that none of the
   * others lists as a parent or dependency. Ties follow input order.
   *
   * @internal used by the planners.
   */
  sortNewestFirst(ids: Iterable<string>, heads?: Iterable<string>): string[] {
    return sortNewestFirst(this.#graph, ids, heads);
  }

  /**
   * Walks `steps` revisions up (> 0, through children, keeping to `branch` when given) or
   * down (< 0, through parents) from `start` (`'base'`: below every base), as Alembic's
   * `_walk`. Going past an end returns `undefined` with `noOverwalk`, else stops there.
   *
   * @internal used by the planners.
   * @throws {AmbiguousStepError} when a step has several revisions to go to.
   */
  walk(start: string | 'base', steps: number, branch: string | undefined, noOverwalk: boolean, target: string): WalkEnd {
    return walk(this.#graph, start, steps, branch, noOverwalk, target);
  }

  /**
   * `steps` (< 0) down from `start`: Alembic's walk where the line of parents has no merge,
   * else counted through merges in the order `downgrade` runs them (see `walkDown`).
   * `undefined` past the end of the graph.
   *
   * @internal used by the planners.
   */
  walkDown(start: string | 'base', steps: number, target: string): ReturnType<typeof walkDown> {
    return walkDown(this.#graph, start, steps, true, target);
  }

  /**
   * Keeps the `candidates` that are an ancestor or descendant of what `against` names
   * (a revision, a branch label, `<branch>@…`, `heads`…), as Alembic's `filter_for_lineage`.
   *
   * @internal used by the planners.
   */
  filterForLineage(candidates: readonly string[], against: string, includeDependencies = false): string[] {
    return filterForLineage(this.#graph, candidates, against, includeDependencies);
  }

  /**
   * Of `ids` (with their ancestors), the ones that no other one descends from through
   * parents (Alembic's `_get_all_current` + `_filter_into_branch_heads`).
   *
   * @internal used by the planners.
   */
  branchHeadsOf(ids: readonly string[]): string[] {
    return branchHeadsOf(this.#graph, ids);
  }

  /**
   * The first of `ids` (in order) that descends from others of them through parents (and
   * with `includeDependencies`, dependencies), with those others: what Alembic reports as
   * "Requested revision b overlaps with other requested revisions a". `undefined` when none
   * does. Walks each id's ancestors, so only for the few ids of a command line or a
   * version table.
   *
   * @internal used by the planners.
   * @throws {RevisionNotFoundError}
   */
  overlapOf(ids: readonly string[], options: DependencyOption = {}): RevisionOverlap | undefined {
    return overlapOf(this.#graph, ids, options.includeDependencies ?? false);
  }

  /**
   * Resolves the branch part of `<branch>@…`: a branch label, else a revision id or prefix.
   *
   * @internal used by the planners.
   * @throws {RevisionNotFoundError}
   */
  resolveBranch(branch: string): string {
    return revisionForIdent(this.#graph, branch);
  }

  /** Every revision newest first, as node indices (computed once): Alembic's order from the real heads. */
  #newestFirstAll(): Int32Array {
    return (this.#newestFirst ??= newestFirstOrder(this.#graph));
  }
}
