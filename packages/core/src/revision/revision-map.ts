import {
  AmbiguousRevisionError,
  DependencyCycleError,
  DuplicateBranchLabelError,
  DuplicateRevisionError,
  InvalidTargetError,
  MissingParentError,
  MultipleHeadsError,
  RangeNotAncestorError,
  RevisionCycleError,
  RevisionNotFoundError,
  RevisionNotInBranchError,
} from '../errors.js';
import { assertValidRevisionId, createRevision, NO_REVISIONS, type Revision, type RevisionInput } from './revision.js';
import { parseRevisionRange, parseRevisionTarget, type RevisionTarget } from './revision-target.js';

/** Whether a walk follows `dependsOn` links as well as `downRevisions`. */
export interface DependencyOption {
  /** Follow `dependsOn` links too, as Alembic's `include_dependencies=True`. Defaults to `false`. */
  readonly includeDependencies?: boolean;
}

/**
 * Where a walk of `±N` steps ends: a revision id, `'base'` (below every base), or
 * `undefined` when it went past the end of the graph.
 */
export type WalkEnd = string | 'base' | undefined;

interface Node {
  readonly revision: Revision;
  readonly index: number;
  /** Revisions whose `downRevisions` name this one; {@link NO_REVISIONS} until the first. */
  children: readonly string[];
  /**
   * `children` plus revisions that depend on this one: the very same list as `children`
   * until a dependent arrives (most revisions have none), so that a linear history of
   * 10,000 revisions allocates one list per revision, not two.
   */
  allChildren: readonly string[];
  /** `dependsOn`, with branch labels resolved to ids. */
  deps: readonly string[];
  /** `downRevisions` plus the dependencies not already declared by an ancestor (Alembic's `_normalized_down_revisions`). */
  down: readonly string[];
  /** Own and inherited branch labels; {@link NO_LABELS} until a label reaches the node. */
  labels: Set<string>;
}

/** The `labels` of every node without any: one shared set, never written to. */
const NO_LABELS: ReadonlySet<string> = new Set<string>();

/** A node's labels, ready to be added to. */
function writableLabels(node: Node): Set<string> {
  if (node.labels === NO_LABELS) node.labels = new Set();
  return node.labels;
}

/** Prefix lookups only consider names longer than this, as Alembic does. */
const MIN_PREFIX_CANDIDATE_LENGTH = 4;

/**
 * The revision graph: an immutable, validated DAG of {@link Revision}s linked by
 * `downRevisions` (parents) and `dependsOn` (dependencies), with Alembic's
 * identifier resolution (`head`, `heads`, `base`, prefixes, branch labels,
 * `<branch>@…`) and traversals. Pure: no I/O.
 *
 * Every traversal is iterative and linear in the part of the graph it visits, so
 * long histories neither overflow the stack nor go quadratic.
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
  readonly #nodes: ReadonlyMap<string, Node>;
  /** The nodes by `index` (input order). */
  readonly #byIndex: readonly Node[];
  /** Branch label → the revision that declares it. */
  readonly #labelOwners: ReadonlyMap<string, string>;
  readonly #heads: readonly string[];
  readonly #realHeads: readonly string[];
  readonly #bases: readonly string[];
  /**
   * Each revision's normalized down revisions by node index: its parents when no revision
   * has dependencies, else built on first use.
   */
  #down: Adjacency | undefined;
  /** Every revision newest first, as node indices. */
  #wholeOrder: Int32Array | undefined;
  /** {@link RevisionMap.#down} reversed, built on first use. */
  #up: Adjacency | undefined;

  private constructor(
    nodes: ReadonlyMap<string, Node>,
    byIndex: readonly Node[],
    labelOwners: ReadonlyMap<string, string>,
    down: Adjacency | undefined,
    wholeOrder: Int32Array | undefined,
  ) {
    this.#nodes = nodes;
    this.#down = down;
    this.#wholeOrder = wholeOrder;
    this.#byIndex = byIndex;
    this.#labelOwners = labelOwners;
    const heads: string[] = [];
    const realHeads: string[] = [];
    const bases: string[] = [];
    for (let index = 0; index < byIndex.length; index++) {
      const node = byIndex[index] as Node;
      if (node.children.length === 0) heads.push(node.revision.id);
      if (node.allChildren.length === 0) realHeads.push(node.revision.id);
      if (node.revision.downRevisions.length === 0) bases.push(node.revision.id);
    }
    this.#heads = heads;
    this.#realHeads = realHeads;
    this.#bases = bases;
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
    // Index loops over one array and no per-pass closures: at 10,000 revisions this runs
    // once per command, mostly before the JIT has optimised it, so every operation counts.
    const inputs = Array.isArray(revisions) ? (revisions as readonly (Revision | RevisionInput)[]) : [...revisions];
    const nodes = new Map<string, Node>();
    const byIndex: Node[] = new Array<Node>(inputs.length);
    let anyLabels = false;
    let anyDependsOn = false;
    for (let index = 0; index < inputs.length; index++) {
      const input = inputs[index] as Revision | RevisionInput;
      let revision: Revision;
      if (isRevision(input)) {
        assertValidRevisionId(input.id);
        revision = input;
      } else {
        revision = createRevision(input);
      }
      const existing = nodes.get(revision.id);
      if (existing) {
        const paths = [existing.revision.path, revision.path].filter((p): p is string => p !== undefined);
        throw new DuplicateRevisionError(revision.id, paths);
      }
      const hasLabels = revision.branchLabels.length > 0;
      anyLabels ||= hasLabels;
      anyDependsOn ||= revision.dependsOn.length > 0;
      const node: Node = {
        revision,
        index,
        children: NO_REVISIONS,
        allChildren: NO_REVISIONS,
        deps: NO_REVISIONS,
        down: revision.downRevisions,
        labels: hasLabels ? new Set(revision.branchLabels) : (NO_LABELS as Set<string>),
      };
      nodes.set(revision.id, node);
      byIndex[index] = node;
    }

    for (let index = 0; index < byIndex.length; index++) {
      const { revision } = byIndex[index] as Node;
      if (revision.downRevisions.includes(revision.id)) throw new RevisionCycleError([revision.id]);
      if (anyDependsOn && revision.dependsOn.includes(revision.id)) throw new DependencyCycleError([revision.id]);
    }

    const labelOwners = new Map<string, string>();
    for (let index = 0; anyLabels && index < byIndex.length; index++) {
      const { revision } = byIndex[index] as Node;
      for (const label of revision.branchLabels) {
        const usedBy = nodes.has(label) ? label : labelOwners.get(label);
        if (usedBy !== undefined) throw new DuplicateBranchLabelError(label, revision.id, usedBy);
        labelOwners.set(label, revision.id);
      }
    }

    const parentStart = new Int32Array(byIndex.length + 1);
    const parentList: number[] = [];
    for (let index = 0; index < byIndex.length; index++) {
      const node = byIndex[index] as Node;
      const { revision } = node;
      const parents = revision.downRevisions;
      parentStart[index] = parentList.length;
      for (let p = 0; p < parents.length; p++) {
        const parent = parents[p] as string;
        const parentNode = nodes.get(parent);
        if (!parentNode) throw new MissingParentError(revision.id, parent, 'downRevision', revision.path);
        if (p === 0 || !parentList.includes(parentNode.index, parentStart[index])) parentList.push(parentNode.index);
        addChild(parentNode, revision.id);
      }
      if (revision.dependsOn.length === 0) continue;
      const deps: string[] = [];
      for (const dependency of revision.dependsOn) {
        const id = nodes.has(dependency) ? dependency : labelOwners.get(dependency);
        if (id === undefined) throw new MissingParentError(revision.id, dependency, 'dependsOn', revision.path);
        if (id === revision.id) throw new DependencyCycleError([revision.id]);
        if (!deps.includes(id)) deps.push(id);
      }
      node.deps = deps;
      for (const id of deps) addDependent(nodes.get(id) as Node, revision.id);
    }
    parentStart[byIndex.length] = parentList.length;
    const parentAdjacency: Adjacency = { start: parentStart, list: parentList };

    // Every declared dependency has resolved to an id by now (or thrown).
    if (!anyDependsOn) {
      // One walk serves as the cycle check and as the order `history` prints: without
      // dependencies, the newest-first order runs through parents only.
      const heads: number[] = [];
      for (let index = 0; index < byIndex.length; index++) if ((byIndex[index] as Node).children.length === 0) heads.push(index);
      const order = alembicOrder(parentAdjacency, reverseAdjacency(parentAdjacency), undefined, heads);
      if (order.length < byIndex.length) throw new RevisionCycleError(cycleMembers(nodes, byIndex, false));
      if (anyLabels) {
        const parentsFirst: Node[] = [];
        for (let i = order.length - 1; i >= 0; i--) parentsFirst.push(byIndex[order[i]!] as Node);
        propagateBranchLabels(nodes, parentsFirst);
      }
      return new RevisionMap(nodes, byIndex, labelOwners, parentAdjacency, order);
    }

    const versionedOrder = topologicalOrder(nodes, byIndex, false);
    if (versionedOrder.length < byIndex.length) {
      throw new RevisionCycleError(cycleMembers(nodes, byIndex, false));
    }
    if (topologicalOrder(nodes, byIndex, true).length < byIndex.length) {
      throw new DependencyCycleError(cycleMembers(nodes, byIndex, true));
    }
    normalizeDependencies(nodes);
    if (anyLabels) propagateBranchLabels(nodes, versionedOrder);
    return new RevisionMap(nodes, byIndex, labelOwners, undefined, undefined);
  }

  /** Number of revisions. */
  get size(): number {
    return this.#nodes.size;
  }

  /**
   * Revisions that no other revision names as a parent (a dependent is not a child, as in
   * Alembic), in input order.
   */
  get heads(): readonly string[] {
    return this.#heads;
  }

  /**
   * Heads that no revision depends on either: what `heads` resolves to (Alembic's `_real_heads`).
   * A head that another branch depends on is reached by upgrading that branch.
   */
  get realHeads(): readonly string[] {
    return this.#realHeads;
  }

  /** Revisions without parents (they may still have dependencies), in input order. */
  get bases(): readonly string[] {
    return this.#bases;
  }

  /** Whether a revision with exactly this id exists. */
  has(id: string): boolean {
    return this.#nodes.has(id);
  }

  /**
   * The revision with exactly this id (no prefixes or symbols; see {@link RevisionMap.resolve}).
   *
   * @throws {RevisionNotFoundError}
   */
  get(id: string): Revision {
    return this.#node(id).revision;
  }

  /**
   * The revisions that name `id` as a parent, and with `includeDependencies` also those that
   * depend on it, in input order.
   *
   * @throws {RevisionNotFoundError}
   */
  children(id: string, options?: DependencyOption): readonly string[] {
    const node = this.#node(id);
    return options?.includeDependencies ? node.allChildren : node.children;
  }

  /**
   * A revision's parents plus those dependencies that no ancestor already declares:
   * what an upgrade of it starts from (Alembic's `_normalized_down_revisions`).
   *
   * @throws {RevisionNotFoundError}
   */
  normalizedDownRevisions(id: string): readonly string[] {
    return this.#node(id).down;
  }

  /**
   * The branch labels of a revision: its own, those of its ancestors, and those of the
   * descendants whose unbranched line of parents reaches it (Alembic's label propagation).
   * Sorted.
   *
   * @throws {RevisionNotFoundError}
   */
  branchLabels(id: string): readonly string[] {
    const labels = this.#node(id).labels;
    return labels.size === 0 ? NO_REVISIONS : [...labels].sort();
  }

  /** The revision that declares a branch label, or `undefined`. */
  branchRevision(label: string): Revision | undefined {
    const owner = this.#labelOwners.get(label);
    return owner === undefined ? undefined : this.#node(owner).revision;
  }

  /** All revisions, parents and dependencies before their children; deterministic. */
  *[Symbol.iterator](): IterableIterator<Revision> {
    const order = this.#newestFirstAll();
    for (let i = order.length - 1; i >= 0; i--) yield (this.#byIndex[order[i]!] as Node).revision;
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
    return this.#closure(ids, options.includeDependencies ? (n) => n.down : (n) => n.revision.downRevisions);
  }

  /**
   * The given revisions and all their descendants.
   *
   * @throws {RevisionNotFoundError}
   */
  descendants(ids: Iterable<string>, options: DependencyOption = {}): ReadonlySet<string> {
    return this.#closure(ids, options.includeDependencies ? (n) => n.allChildren : (n) => n.children);
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
    return this.#resolveTarget(parseRevisionTarget(identifier), identifier, currentHeads).map(
      (id) => this.#node(id).revision,
    );
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
    const parsed = parseRevisionRange(range);
    const lowerText = range.slice(0, range.indexOf(':')) || 'base';
    const upperText = range.slice(range.indexOf(':') + 1) || 'heads';
    const lowerTarget = parsed.lower ?? { kind: 'symbol', symbol: 'base', branch: undefined };
    const upperTarget = parsed.upper ?? { kind: 'symbol', symbol: 'heads', branch: undefined };

    let lower: readonly string[];
    let targets: readonly string[];
    if (upperTarget.kind === 'relative' && upperTarget.anchor === undefined && upperTarget.steps > 0) {
      lower = this.#resolveTarget(lowerTarget, lowerText, currentHeads);
      if (lower.length > 1) throw new MultipleHeadsError(lower, upperText);
      targets = endAsList(this.walk(lower[0] ?? 'base', upperTarget.steps, upperTarget.branch, false, upperText));
    } else {
      targets = this.#resolveAbsoluteOrAnchored(upperTarget, upperText, currentHeads, false);
      if (lowerTarget.kind === 'relative' && lowerTarget.anchor === undefined && lowerTarget.steps < 0) {
        const starts =
          lowerTarget.branch === undefined ? targets : this.filterForLineage(targets, lowerTarget.branch);
        const ends = starts.map((id) => this.walk(id, lowerTarget.steps, undefined, false, lowerText));
        lower = [...new Set(ends.flatMap(endAsList))];
      } else {
        lower = this.#resolveAbsoluteOrAnchored(lowerTarget, lowerText, currentHeads, false);
      }
    }

    if (lowerTarget.branch !== undefined) {
      const label = this.#labelOf(lowerTarget.branch);
      targets = targets.filter((id) => this.#node(id).labels.has(label));
    }

    // A fresh set from #closure: changed in place below.
    const wholeGraph =
      lower.length === 0 &&
      lowerTarget.branch === undefined &&
      upperTarget.kind === 'symbol' &&
      upperTarget.symbol === 'heads' &&
      upperTarget.branch === undefined;
    // Every revision lies below some real head (through parents or dependencies): no walk needed.
    if (wholeGraph) {
      const byIndex = this.#byIndex;
      const order = this.#newestFirstAll();
      const revisions = new Array<Revision>(order.length);
      for (let i = 0; i < order.length; i++) revisions[i] = (byIndex[order[i]!] as Node).revision;
      return revisions;
    }
    const required = this.ancestors(targets, { includeDependencies: true }) as Set<string>;
    if (lower.some((id) => !required.has(id))) throw new RangeNotAncestorError(lowerText, upperText);
    const below = this.ancestors(lower, { includeDependencies: true });
    for (const id of below) required.delete(id);
    for (const id of lower) required.add(id);
    if (lower.length > 0) {
      const above = this.descendants(lower);
      for (const id of required) if (!above.has(id)) required.delete(id);
    }
    return this.sortNewestFirst(required, targets).map((id) => this.#node(id).revision);
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
    const byIndex = this.#byIndex;
    const member = new Uint8Array(byIndex.length);
    for (const id of ids) member[this.#node(id).index] = 1;
    const down = this.#downAdjacency();
    const up = this.#upAdjacency();
    let starts: number[];
    if (heads === undefined) {
      starts = [];
      for (let index = 0; index < byIndex.length; index++) {
        if (member[index] === 0) continue;
        let above = false;
        for (let e = up.start[index]!; e < up.start[index + 1]! && !above; e++) above = member[up.list[e] as number] === 1;
        if (!above) starts.push(index);
      }
    } else {
      starts = [...heads].map((id) => this.#node(id).index);
    }
    const order = alembicOrder(down, up, member, starts);
    const output = new Array<string>(order.length);
    for (let i = 0; i < order.length; i++) output[i] = (byIndex[order[i]!] as Node).revision.id;
    return output;
  }

  /** Every revision newest first, as node indices (computed once): Alembic's order from the real heads. */
  #newestFirstAll(): Int32Array {
    if (this.#wholeOrder) return this.#wholeOrder;
    const heads = this.#realHeads.map((id) => this.#node(id).index);
    return (this.#wholeOrder = alembicOrder(this.#downAdjacency(), this.#upAdjacency(), undefined, heads));
  }

  /** {@link RevisionMap.#downAdjacency} reversed: each node's children and dependents, as indices. */
  #upAdjacency(): Adjacency {
    return (this.#up ??= reverseAdjacency(this.#downAdjacency()));
  }

  /** The normalized down revisions of each node as indices; built on first use where dependencies exist. */
  #downAdjacency(): Adjacency {
    if (this.#down) return this.#down;
    const start = new Int32Array(this.#byIndex.length + 1);
    const list: number[] = [];
    for (let index = 0; index < this.#byIndex.length; index++) {
      start[index] = list.length;
      for (const id of (this.#byIndex[index] as Node).down) {
        const parent = this.#node(id).index;
        if (!list.includes(parent, start[index])) list.push(parent);
      }
    }
    start[this.#byIndex.length] = list.length;
    return (this.#down = { start, list });
  }

  /**
   * Walks `steps` revisions up (> 0, through children, keeping to `branch` when given) or
   * down (< 0, through parents) from `start` (`'base'`: below every base), as Alembic's
   * `_walk`. Going past an end returns `undefined` with `noOverwalk`, else stops there.
   *
   * @internal used by the planners.
   * @throws {InvalidTargetError} when a step has several revisions to go to.
   */
  walk(start: string | 'base', steps: number, branch: string | undefined, noOverwalk: boolean, target: string): WalkEnd {
    const lineage = branch === undefined ? undefined : this.#lineage(this.#revisionForIdent(branch));
    let at: string | 'base' = start;
    for (let i = 0; i < Math.abs(steps); i++) {
      let next: readonly string[];
      if (steps > 0) {
        next = at === 'base' ? this.#bases : this.#node(at).children;
        if (lineage) next = next.filter((id) => lineage.has(id));
      } else if (at === 'base') {
        next = [];
      } else {
        next = this.#node(at).revision.downRevisions;
        if (next.length === 0) next = ['base'];
      }
      if (next.length === 0) return noOverwalk ? undefined : at;
      if (next.length > 1) {
        throw new InvalidTargetError(target, `ambiguous walk from ${at}: it could go to ${next.join(', ')}`);
      }
      at = next[0] as string;
    }
    return at;
  }

  /**
   * Keeps the `candidates` that are an ancestor or descendant of what `against` names
   * (a revision, a branch label, `<branch>@…`, `heads`…), as Alembic's `filter_for_lineage`.
   *
   * @internal used by the planners.
   */
  filterForLineage(candidates: readonly string[], against: string, includeDependencies = false): string[] {
    const at = against.indexOf('@');
    const branch = at === -1 ? undefined : against.slice(0, at);
    const name = at === -1 ? against : against.slice(at + 1);
    const shares: string[] = branch === undefined || branch === '' ? [] : [branch];
    if (name === 'heads') {
      shares.push(...(branch ? this.filterForLineage(this.#heads, branch) : this.#realHeads));
    } else if (name === 'head') {
      shares.push(...this.#currentHead(branch || undefined));
    } else if (name !== 'base' && name !== '') {
      shares.push(name);
    }
    if (shares.length === 0) return [...candidates];
    const lineages = shares.map((share) => this.#lineage(this.#revisionForIdent(share), includeDependencies));
    return candidates.filter((id) => lineages.some((lineage) => lineage.has(id)));
  }

  /**
   * Of `ids` (with their ancestors), the ones that no other one descends from through
   * parents (Alembic's `_get_all_current` + `_filter_into_branch_heads`).
   *
   * @internal used by the planners.
   */
  branchHeadsOf(ids: readonly string[]): string[] {
    const all = this.ancestors(ids, { includeDependencies: true });
    return [...all]
      .filter((id) => !this.#node(id).children.some((child) => all.has(child)))
      .sort((a, b) => this.#node(a).index - this.#node(b).index);
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
  overlapOf(ids: readonly string[], options: DependencyOption = {}): { readonly revision: string; readonly overlaps: readonly string[] } | undefined {
    if (ids.length < 2) return undefined;
    const named = new Set(ids);
    for (const id of named) {
      const overlaps = [...this.ancestors([id], options)].filter((other) => other !== id && named.has(other));
      if (overlaps.length > 0) return { revision: id, overlaps };
    }
    return undefined;
  }

  /**
   * Resolves the branch part of `<branch>@…`: a branch label, else a revision id or prefix.
   *
   * @internal used by the planners.
   * @throws {RevisionNotFoundError}
   */
  resolveBranch(branch: string): string {
    return this.#revisionForIdent(branch);
  }

  #resolveAbsoluteOrAnchored(
    target: RevisionTarget,
    text: string,
    currentHeads: readonly string[],
    noOverwalk: boolean,
  ): readonly string[] {
    if (target.kind !== 'relative') return this.#resolveTarget(target, text, currentHeads);
    if (target.anchor === undefined) {
      throw new InvalidTargetError(text, 'a relative step without a revision is not valid here');
    }
    const anchorText = target.steps < 0 && target.branch !== undefined ? `${target.branch}@${target.anchor}` : target.anchor;
    const start = this.#resolveTarget(parseRevisionTarget(anchorText), anchorText, currentHeads);
    if (start.length > 1) throw new MultipleHeadsError(start, anchorText);
    const end = this.walk(start[0] ?? 'base', target.steps, target.steps > 0 ? target.branch : undefined, noOverwalk, text);
    if (end === undefined) throw new InvalidTargetError(text, 'walked past the end of the revision graph');
    return endAsList(end);
  }

  #resolveTarget(target: RevisionTarget, text: string, currentHeads: readonly string[]): readonly string[] {
    switch (target.kind) {
      case 'relative':
        throw new InvalidTargetError(text, 'a relative target needs a starting point; plan an upgrade or downgrade');
      case 'revision':
        return [this.#revisionForIdent(target.revision, target.branch)];
      case 'symbol':
        switch (target.symbol) {
          case 'base':
            if (target.branch !== undefined) this.#revisionForIdent(target.branch);
            return [];
          case 'current':
            for (const id of currentHeads) if (!this.#nodes.has(id)) throw new RevisionNotFoundError(id, 'database');
            return [...new Set(currentHeads)];
          case 'heads':
            return target.branch === undefined ? this.#realHeads : this.filterForLineage(this.#heads, target.branch);
          case 'head':
            return this.#currentHead(target.branch);
        }
    }
  }

  #currentHead(branch: string | undefined): readonly string[] {
    const heads = branch === undefined ? this.#heads : this.filterForLineage(this.#heads, branch);
    if (heads.length > 1) throw new MultipleHeadsError(heads, branch === undefined ? 'head' : `${branch}@head`);
    return heads;
  }

  /** Alembic's `_revision_for_ident`: exact id or label, else a unique prefix; checked against a branch. */
  #revisionForIdent(ident: string, branch?: string): string {
    const branchId = branch === undefined ? undefined : this.#revisionForIdent(branch);
    let id = this.#nodes.has(ident) ? ident : this.#labelOwners.get(ident);
    if (id === undefined) {
      let candidates = this.#prefixCandidates(ident);
      if (branchId !== undefined) {
        const lineage = this.#lineage(branchId);
        candidates = candidates.filter((c) => lineage.has(c));
      }
      if (candidates.length === 0) throw new RevisionNotFoundError(ident);
      if (candidates.length > 1) throw new AmbiguousRevisionError(ident, candidates);
      id = candidates[0] as string;
    }
    if (branch !== undefined && branchId !== undefined && !this.#lineage(branchId).has(id)) {
      throw new RevisionNotInBranchError(id, branch);
    }
    return id;
  }

  #prefixCandidates(prefix: string): string[] {
    const found = new Set<string>();
    for (const id of this.#nodes.keys()) {
      if (id.length >= MIN_PREFIX_CANDIDATE_LENGTH && id.startsWith(prefix)) found.add(id);
    }
    for (const [label, owner] of this.#labelOwners) {
      if (label.length >= MIN_PREFIX_CANDIDATE_LENGTH && label.startsWith(prefix)) found.add(owner);
    }
    return [...found].sort((a, b) => this.#node(a).index - this.#node(b).index);
  }

  /** The label a `<branch>@` qualifier stands for: itself, or the single label of the revision it names. */
  #labelOf(branch: string): string {
    if (this.#labelOwners.has(branch)) return branch;
    const labels = this.#node(this.#revisionForIdent(branch)).labels;
    return labels.size === 1 ? (labels.values().next().value as string) : branch;
  }

  /** Ancestors and descendants of one revision, itself included. */
  #lineage(id: string, includeDependencies = false): Set<string> {
    const options = { includeDependencies };
    const lineage = new Set(this.ancestors([id], options));
    for (const d of this.descendants([id], options)) lineage.add(d);
    return lineage;
  }

  #closure(ids: Iterable<string>, next: (node: Node) => readonly string[]): Set<string> {
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const id of ids) {
      this.#node(id);
      stack.push(id);
    }
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const other of next(this.#node(id))) if (!seen.has(other)) stack.push(other);
    }
    return seen;
  }

  #node(id: string): Node {
    const node = this.#nodes.get(id);
    if (!node) throw new RevisionNotFoundError(id);
    return node;
  }
}

function endAsList(end: WalkEnd): readonly string[] {
  return end === undefined || end === 'base' ? [] : [end];
}

function isRevision(value: Revision | RevisionInput): value is Revision {
  return (
    Array.isArray(value.downRevisions) &&
    Array.isArray(value.dependsOn) &&
    Array.isArray(value.branchLabels) &&
    'message' in value &&
    'path' in value
  );
}

function allDown(node: Node): readonly string[] {
  return node.deps.length === 0 ? node.revision.downRevisions : [...node.revision.downRevisions, ...node.deps];
}

/** For each node index, a list of node indices: entries `start[i]` to `start[i + 1]` of `list`. */
interface Adjacency {
  readonly start: Int32Array;
  readonly list: readonly number[];
}

/** Node indices of the adjacency lists, reversed: for each node, the nodes whose list holds it. */
function reverseAdjacency(down: Adjacency): Adjacency {
  const { start, list } = down;
  const size = start.length - 1;
  const upStart = new Int32Array(size + 1);
  for (let e = 0; e < list.length; e++) upStart[(list[e] as number) + 1]!++;
  for (let index = 0; index < size; index++) upStart[index + 1]! += upStart[index]!;
  const fill = upStart.slice(0, size);
  const upList = new Array<number>(list.length);
  for (let index = 0; index < size; index++) {
    for (let e = start[index]!; e < start[index + 1]!; e++) upList[fill[list[e] as number]!++] = index;
  }
  return { start: upStart, list: upList };
}

/**
 * Alembic 1.8.1's `_topological_sort`, step for step: the members (`member[index]` is 1,
 * or every node without `member`) newest first, every node before its `down` nodes.
 *
 * Alembic keeps a list of current heads, starting with the given `heads` that are members,
 * in input order, and a candidate position in it. The candidate is emitted unless another
 * head lies above it; then the first such head in the list becomes the candidate. An
 * emitted head is replaced in place by its first `down` member not already a head, the
 * others going to the end of the list; with none, it leaves the list and the candidate
 * becomes the head before it (or the first).
 *
 * Alembic tests "another head lies above" against each head's ancestor set, and moves each
 * step. Here the test is a count per node of its members above it not emitted yet (every
 * member not emitted lies below some head, so the count is zero exactly when no other head
 * lies above), and only the move to another head searches: up from the candidate, through
 * members not emitted yet. List positions are slot numbers that only grow, so the first
 * head in the list is the one with the smallest slot. Alembic fails an assertion when
 * members are left that no head reaches (a `history` range whose lower end is joined to
 * the rest only through a dependency); here the walk goes on from those left, newest first
 * by input order. Nodes on a cycle are left out.
 *
 * Cost: linear, plus one search per move to another head, over the members not emitted
 * that lie above the waiting revision. A history that branches and merges back (the usual
 * shape) moves once per branch and searches only that branch; many branches off one
 * revision that stays waiting are searched again at each move, where Alembic recomputes
 * ancestor sets of the whole graph.
 */
function alembicOrder(down: Adjacency, up: Adjacency, member: Uint8Array | undefined, heads: readonly number[]): Int32Array {
  // Typed arrays over node indices: this runs over every revision on each `history` of 10,000.
  const size = down.start.length - 1;
  const { start, list } = down;
  /** 1 for a member not emitted yet. */
  const todo = new Uint8Array(size);
  let count = 0;
  for (let index = 0; index < size; index++) {
    if (member === undefined || member[index] === 1) {
      todo[index] = 1;
      count++;
    }
  }
  /** How many members not emitted yet list each node among their `down` nodes. */
  const pending = new Int32Array(size);
  for (let index = 0; index < size; index++) {
    if (todo[index] === 0) continue;
    for (let e = start[index]!; e < start[index + 1]!; e++) {
      const parent = list[e] as number;
      if (todo[parent] === 1) pending[parent]!++;
    }
  }
  /** The slot a node is the head of, or -1. */
  const slotOf = new Int32Array(size).fill(-1);
  const slotHead: number[] = [];
  const prev: number[] = [];
  const next: number[] = [];
  let first = -1;
  let last = -1;
  const append = (node: number): void => {
    const slot = slotHead.length;
    slotHead.push(node);
    prev.push(last);
    next.push(-1);
    if (last === -1) first = slot;
    else next[last] = slot;
    last = slot;
    slotOf[node] = slot;
  };
  const remove = (slot: number): void => {
    const before = prev[slot] as number;
    const after = next[slot] as number;
    if (before === -1) first = after;
    else next[before] = after;
    if (after === -1) last = before;
    else prev[after] = before;
  };
  /** Search marks: `seen[node] === stamp` once visited by the current search. */
  const seen = new Int32Array(size);
  let stamp = 0;
  const stack: number[] = [];
  /** The members the last search met that no member not emitted lies above. */
  const tops: number[] = [];
  const firstSlotAbove = (node: number): number => {
    stamp++;
    let best = -1;
    tops.length = 0;
    stack.push(node);
    seen[node] = stamp;
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (at !== node && slotOf[at] !== -1 && (best === -1 || slotOf[at]! < best)) best = slotOf[at]!;
      if (pending[at] === 0) tops.push(at);
      for (let e = up.start[at]!; e < up.start[at + 1]!; e++) {
        const child = up.list[e] as number;
        if (todo[child] === 1 && seen[child] !== stamp) {
          seen[child] = stamp;
          stack.push(child);
        }
      }
    }
    return best;
  };

  const sortedHeads = [...new Set(heads)].filter((index) => todo[index] === 1).sort((a, b) => a - b);
  for (const head of sortedHeads) append(head);
  const output = new Int32Array(count);
  let written = 0;
  let slot = first;
  while (written < count) {
    if (first === -1) {
      // Members no head reaches: go on from the newest of them (none left on a cycle).
      for (let index = 0; index < size; index++) if (todo[index] === 1 && pending[index] === 0) append(index);
      if (first === -1) break;
      slot = first;
    }
    const candidate = slotHead[slot] as number;
    if (pending[candidate]! > 0) {
      const above = firstSlotAbove(candidate);
      if (above !== -1) {
        slot = above;
        continue;
      }
      // Only members no head reaches lie above it (where Alembic fails its final assertion): they become
      // heads, newest first by input order. None at the top of them means a cycle: leave the line.
      if (tops.length === 0) {
        slotOf[candidate] = -1;
        const before = prev[slot] as number;
        remove(slot);
        slot = before === -1 ? first : before;
        continue;
      }
      tops.sort((a, b) => a - b);
      slot = slotHead.length;
      for (const top of tops) append(top);
      continue;
    }
    output[written++] = candidate;
    todo[candidate] = 0;
    slotOf[candidate] = -1;
    let replaced = false;
    for (let e = start[candidate]!; e < start[candidate + 1]!; e++) {
      const parent = list[e] as number;
      if (todo[parent] === 0) continue;
      pending[parent]!--;
      if (slotOf[parent] !== -1) continue;
      if (!replaced) {
        slotHead[slot] = parent;
        slotOf[parent] = slot;
        replaced = true;
      } else {
        append(parent);
      }
    }
    if (!replaced) {
      const before = prev[slot] as number;
      remove(slot);
      slot = before === -1 ? first : before;
    }
  }
  return written === count ? output : output.subarray(0, written);
}

/** Adds `child` to the children of `parent` (once), and so to its `allChildren`. */
function addChild(parent: Node, child: string): void {
  if (parent.children.length === 0) {
    const list = [child];
    if (parent.allChildren.length === 0) parent.allChildren = list;
    else (parent.allChildren as string[]).push(child);
    parent.children = list;
  } else if (!parent.children.includes(child)) {
    (parent.children as string[]).push(child);
    if (parent.allChildren !== parent.children) (parent.allChildren as string[]).push(child);
  }
}

/** Adds `dependent` to the `allChildren` of `target` (once), which then stops sharing `children`. */
function addDependent(target: Node, dependent: string): void {
  if (target.allChildren.includes(dependent)) return;
  target.allChildren = [...target.allChildren, dependent];
}

/** The parents of a node, and with `includeDependencies` its dependencies too. */
function parentsOf(node: Node, includeDependencies: boolean): readonly string[] {
  return includeDependencies ? allDown(node) : node.revision.downRevisions;
}

/**
 * Kahn's algorithm from the bases, through parents (and with `includeDependencies`,
 * dependencies): the nodes in an order parents-first; a cycle leaves some out.
 */
function topologicalOrder(nodes: ReadonlyMap<string, Node>, byIndex: readonly Node[], includeDependencies: boolean): Node[] {
  // Counts by node index rather than in a map of ids: this runs over every revision on each load.
  const waiting = new Int32Array(byIndex.length);
  const order: Node[] = [];
  for (let index = 0; index < byIndex.length; index++) {
    const node = byIndex[index] as Node;
    const list = parentsOf(node, includeDependencies);
    // A Set only where duplicates are possible: one per revision is most of this loop's cost at 10,000.
    const count = list.length < 2 ? list.length : new Set(list).size;
    if (count === 0) order.push(node);
    else waiting[index] = count;
  }
  for (let i = 0; i < order.length; i++) {
    const children = includeDependencies ? (order[i] as Node).allChildren : (order[i] as Node).children;
    for (let c = 0; c < children.length; c++) {
      const childNode = nodes.get(children[c] as string) as Node;
      if (--waiting[childNode.index]! === 0) order.push(childNode);
    }
  }
  return order;
}

/**
 * The revisions to report for a cycle, as Alembic does: all of them when there is no head
 * or no base, else those not both reachable down from a head and up from a base. Sorted.
 */
function cycleMembers(nodes: ReadonlyMap<string, Node>, byIndex: readonly Node[], includeDependencies: boolean): string[] {
  const parents = (n: Node): readonly string[] => parentsOf(n, includeDependencies);
  const children = (n: Node): readonly string[] => (includeDependencies ? n.allChildren : n.children);
  const heads = byIndex.filter((n) => children(n).length === 0);
  const bases = byIndex.filter((n) => parents(n).length === 0);
  if (heads.length === 0 || bases.length === 0) return byIndex.map((n) => n.revision.id).sort();
  const reach = (starts: readonly Node[], next: (n: Node) => readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = starts.map((n) => n.revision.id);
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...next(nodes.get(id) as Node));
    }
    return seen;
  };
  const fromHeads = reach(heads, parents);
  const fromBases = reach(bases, children);
  const members = byIndex.map((n) => n.revision.id).filter((id) => !fromHeads.has(id) || !fromBases.has(id));
  if (members.length > 0) return members.sort();
  // A cycle entered from a base and left towards a head passes Alembic's reachability test; report what Kahn's
  // algorithm could not order instead.
  const ordered = new Set(topologicalOrder(nodes, byIndex, includeDependencies));
  return byIndex.filter((n) => !ordered.has(n)).map((n) => n.revision.id).sort();
}

/**
 * Drops from each revision's dependencies those an ancestor (through parents) already
 * declares, as Alembic's `_normalize_depends_on`. One breadth-first pass per dependency
 * target that several revisions share, instead of one ancestor walk per revision.
 */
function normalizeDependencies(nodes: ReadonlyMap<string, Node>): void {
  const dependents = new Map<string, string[]>();
  for (const node of nodes.values()) {
    for (const dep of node.deps) {
      const list = dependents.get(dep);
      if (list) list.push(node.revision.id);
      else dependents.set(dep, [node.revision.id]);
    }
  }
  const implied = new Map<string, Set<string>>();
  for (const [dep, list] of dependents) {
    if (list.length < 2) continue;
    const below = new Set<string>();
    const stack = list.flatMap((id) => (nodes.get(id) as Node).children);
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (below.has(id)) continue;
      below.add(id);
      stack.push(...(nodes.get(id) as Node).children);
    }
    for (const id of list) {
      if (!below.has(id)) continue;
      const set = implied.get(id);
      if (set) set.add(dep);
      else implied.set(id, new Set([dep]));
    }
  }
  for (const node of nodes.values()) {
    const drop = implied.get(node.revision.id);
    const deps = drop ? node.deps.filter((d) => !drop.has(d)) : node.deps;
    if (deps.length === 0) {
      node.down = node.revision.downRevisions;
      continue;
    }
    const down = [...node.revision.downRevisions];
    for (const d of deps) if (!down.includes(d)) down.push(d);
    node.down = down;
  }
}

/**
 * Alembic's `_add_branches`: a label applies to its revision's descendants (through
 * parents), and, when those descendants form one unbranched line, to the ancestors
 * reached by walking down from its tip until a branch point (counting dependents) or a
 * merge point.
 */
function propagateBranchLabels(nodes: ReadonlyMap<string, Node>, parentsFirst: readonly Node[]): void {
  const own = new Map<string, readonly string[]>();
  for (const node of nodes.values()) {
    if (node.revision.branchLabels.length > 0) own.set(node.revision.id, node.revision.branchLabels);
  }
  if (own.size === 0) return;
  for (const node of parentsFirst) {
    for (const parent of node.revision.downRevisions) {
      const inherited = (nodes.get(parent) as Node).labels;
      if (inherited.size > 0) for (const label of inherited) writableLabels(node).add(label);
    }
  }
  for (const id of own.keys()) {
    const start = nodes.get(id) as Node;
    let tip = start;
    while (tip.children.length === 1) tip = nodes.get(tip.children[0] as string) as Node;
    if (tip.children.length > 1) continue;
    const labels = [...start.labels];
    let at: Node | undefined = tip;
    while (at && at.allChildren.length <= 1 && at.revision.downRevisions.length <= 1) {
      for (const label of labels) writableLabels(at).add(label);
      const parent: string | undefined = at.revision.downRevisions[0];
      at = parent === undefined ? undefined : nodes.get(parent);
    }
  }
}
