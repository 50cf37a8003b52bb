import {
  DependencyCycleError,
  DuplicateBranchLabelError,
  DuplicateRevisionError,
  MissingParentError,
  RevisionCycleError,
} from '../errors.js';
import { alembicOrder } from './alembic-order.js';
import { propagateBranchLabels } from './branch-label-propagation.js';
import { adjacencyOfIds, type IndexAdjacency, reverseAdjacency } from './index-adjacency.js';
import { normalizeDependencies } from './normalize-dependencies.js';
import { assertValidRevisionId, createRevision, NO_REVISIONS, type Revision, type RevisionInput } from './revision.js';
import { cycleMembers, downFirstOrder } from './revision-cycles.js';
import type { GraphNode, RevisionGraph } from './revision-graph.js';

/** What {@link buildRevisionGraph} returns. */
export interface BuiltRevisionGraph {
  readonly graph: RevisionGraph;
  /**
   * Every node newest first, as node indices, when building computed it: without
   * `dependsOn` links the newest-first order is the cycle check.
   */
  readonly newestFirst: Int32Array | undefined;
}

/** The `labels` of every node without any. */
const NO_LABELS: ReadonlySet<string> = new Set<string>();

/** The label owners of a graph without labels. */
const NO_LABEL_OWNERS: ReadonlyMap<string, string> = new Map<string, string>();

/**
 * Validates revisions and builds their graph. Input order is kept as the tie-breaker of
 * every ordering. The checks run in a fixed order (ids and duplicates, links to itself,
 * branch labels, missing parents and dependencies, cycles), so that an input with several
 * faults always reports the same one.
 *
 * The passes work on node indices and typed arrays, and the nodes are made at the end,
 * once all they hold is known: at 10,000 revisions this runs once per command, mostly
 * before the JIT has optimised it, so what counts is the operations per revision.
 *
 * ### Examples
 * ```ts
 * const { graph } = buildRevisionGraph([{ id: 'a' }, { id: 'b', downRevisions: 'a', branchLabels: 'shop' }]);
 * graph.heads; // ['b']
 * ```
 * @throws {InvalidRevisionIdError} for an id that cannot be stored.
 * @throws {DuplicateRevisionError} when two revisions share an id (with both paths).
 * @throws {DuplicateBranchLabelError} when a branch label is declared twice or equals a revision id.
 * @throws {MissingParentError} for a `downRevisions` or `dependsOn` entry that names nothing.
 * @throws {RevisionCycleError} for a cycle through `downRevisions`.
 * @throws {DependencyCycleError} for a cycle through `downRevisions` and `dependsOn`.
 */
export function buildRevisionGraph(input: Iterable<Revision | RevisionInput>): BuiltRevisionGraph {
  const { revisions, indexOf, anyLabels, anyDependsOn } = indexRevisions(input);
  rejectLinksToItself(revisions, anyDependsOn);
  const labelOwners = anyLabels ? branchLabelOwners(revisions, indexOf) : NO_LABEL_OWNERS;
  const { parents, dependencies } = linkRevisions(revisions, indexOf, labelOwners);
  const links =
    dependencies === undefined
      ? orderByParents(revisions, parents)
      : orderByParentsAndDependencies(revisions, indexOf, parents, dependencies);
  const labels = anyLabels ? propagateBranchLabels(revisions, { parents, ...links }) : undefined;
  const graph: RevisionGraph = {
    ...makeNodes(revisions, links, labels),
    indexOf,
    labelOwners,
    down: links.downAdjacency,
    up: links.upAdjacency,
  };
  return { graph, newestFirst: links.newestFirst };
}

/**
 * The revisions in input order (building those given as inputs) and their indices by id.
 *
 * @throws {InvalidRevisionIdError}
 * @throws {DuplicateRevisionError}
 */
function indexRevisions(input: Iterable<Revision | RevisionInput>): {
  revisions: Revision[];
  indexOf: Map<string, number>;
  /** Whether any revision declares a branch label. */
  anyLabels: boolean;
  /** Whether any revision declares a dependency. */
  anyDependsOn: boolean;
} {
  const inputs: readonly (Revision | RevisionInput)[] = Array.isArray(input) ? input : [...input];
  const revisions = new Array<Revision>(inputs.length);
  const indexOf = new Map<string, number>();
  let anyLabels = false;
  let anyDependsOn = false;
  for (let index = 0; index < inputs.length; index++) {
    const given = inputs[index]!;
    let revision: Revision;
    if (isRevision(given)) {
      assertValidRevisionId(given.id);
      revision = given;
    } else {
      revision = createRevision(given);
    }
    const existing = indexOf.get(revision.id);
    if (existing !== undefined) {
      const paths = [revisions[existing]!.path, revision.path].filter((p): p is string => p !== undefined);
      throw new DuplicateRevisionError(revision.id, paths);
    }
    anyLabels ||= revision.branchLabels.length > 0;
    anyDependsOn ||= revision.dependsOn.length > 0;
    revisions[index] = revision;
    indexOf.set(revision.id, index);
  }
  return { revisions, indexOf, anyLabels, anyDependsOn };
}

/**
 * @throws {RevisionCycleError} for a revision among its own parents.
 * @throws {DependencyCycleError} for a revision that depends on itself by id.
 */
function rejectLinksToItself(revisions: readonly Revision[], anyDependsOn: boolean): void {
  for (let index = 0; index < revisions.length; index++) {
    const revision = revisions[index]!;
    if (revision.downRevisions.includes(revision.id)) throw new RevisionCycleError([revision.id]);
    if (anyDependsOn && revision.dependsOn.includes(revision.id)) throw new DependencyCycleError([revision.id]);
  }
}

/**
 * Branch label → the revision that declares it.
 *
 * @throws {DuplicateBranchLabelError} for a label declared twice or equal to a revision id.
 */
function branchLabelOwners(revisions: readonly Revision[], indexOf: ReadonlyMap<string, number>): Map<string, string> {
  const owners = new Map<string, string>();
  for (let index = 0; index < revisions.length; index++) {
    const revision = revisions[index]!;
    for (const label of revision.branchLabels) {
      const usedBy = indexOf.has(label) ? label : owners.get(label);
      if (usedBy !== undefined) throw new DuplicateBranchLabelError(label, revision.id, usedBy);
      owners.set(label, revision.id);
    }
  }
  return owners;
}

/**
 * Resolves parents and dependencies, revision by revision: the parents as node indices
 * (repeats dropped), the dependencies as ids (branch labels resolved, repeats dropped;
 * `undefined` when no revision has any).
 *
 * @throws {MissingParentError} for a parent or dependency that names nothing.
 * @throws {DependencyCycleError} for a dependency on a branch label of the revision itself.
 */
function linkRevisions(
  revisions: readonly Revision[],
  indexOf: ReadonlyMap<string, number>,
  labelOwners: ReadonlyMap<string, string>,
): { parents: IndexAdjacency; dependencies: (readonly string[])[] | undefined } {
  const size = revisions.length;
  let dependencies: (readonly string[])[] | undefined;
  const parentStart = new Int32Array(size + 1);
  const parentList: number[] = [];
  for (let index = 0; index < size; index++) {
    const revision = revisions[index]!;
    const declared = revision.downRevisions;
    parentStart[index] = parentList.length;
    for (let p = 0; p < declared.length; p++) {
      const parent = indexOf.get(declared[p]!);
      if (parent === undefined) throw new MissingParentError(revision.id, declared[p]!, 'downRevision', revision.path);
      if (p === 0 || !parentList.includes(parent, parentStart[index])) parentList.push(parent);
    }
    if (revision.dependsOn.length === 0) continue;
    const resolved: string[] = [];
    for (const dependency of revision.dependsOn) {
      const id = indexOf.has(dependency) ? dependency : labelOwners.get(dependency);
      if (id === undefined) throw new MissingParentError(revision.id, dependency, 'dependsOn', revision.path);
      if (id === revision.id) throw new DependencyCycleError([revision.id]);
      if (!resolved.includes(id)) resolved.push(id);
    }
    dependencies ??= new Array<readonly string[]>(size).fill(NO_REVISIONS);
    dependencies[index] = resolved;
  }
  parentStart[size] = parentList.length;
  return { parents: { start: parentStart, list: parentList }, dependencies };
}

/** The orders and reversed links the cycle checks leave behind. */
interface CheckedLinks {
  /** Each node's children (parents reversed). */
  readonly children: IndexAdjacency;
  /** Each node's children and dependents; the same object as `children` without dependencies. */
  readonly childrenAndDependents: IndexAdjacency;
  /** Each node's normalized down revisions as ids; `undefined` without dependencies (they are the parents). */
  readonly down: readonly (readonly string[])[] | undefined;
  /** The normalized down revisions as node indices. */
  readonly downAdjacency: IndexAdjacency;
  /** `downAdjacency` reversed. */
  readonly upAdjacency: IndexAdjacency;
  /** Every node newest first, where the cycle check computed it. */
  readonly newestFirst: Int32Array | undefined;
  /** Every node after its parents. */
  readonly parentsFirst: ArrayLike<number>;
}

/**
 * Without dependencies: walks the graph newest first from its heads, which is both the
 * cycle check and the order `history` prints.
 *
 * @throws {RevisionCycleError}
 */
function orderByParents(revisions: readonly Revision[], parents: IndexAdjacency): CheckedLinks {
  const children = reverseAdjacency(parents);
  const heads: number[] = [];
  for (let index = 0; index < revisions.length; index++) if (children.start[index] === children.start[index + 1]) heads.push(index);
  const newestFirst = alembicOrder(parents, children, undefined, heads);
  if (newestFirst.length < revisions.length) throw new RevisionCycleError(cycleMembers(idsOf(revisions), parents, children));
  return {
    children,
    childrenAndDependents: children,
    down: undefined,
    downAdjacency: parents,
    upAdjacency: children,
    newestFirst,
    parentsFirst: newestFirst.slice().reverse(),
  };
}

/**
 * With dependencies: checks for cycles through parents, then through parents and
 * dependencies (Kahn's algorithm), and normalizes each node's down revisions.
 *
 * @throws {RevisionCycleError}
 * @throws {DependencyCycleError}
 */
function orderByParentsAndDependencies(
  revisions: readonly Revision[],
  indexOf: ReadonlyMap<string, number>,
  parents: IndexAdjacency,
  dependencies: readonly (readonly string[])[],
): CheckedLinks {
  const toIndex = (id: string): number => indexOf.get(id)!;
  const children = reverseAdjacency(parents);
  const parentsFirst = downFirstOrder(parents, children);
  if (parentsFirst.length < revisions.length) throw new RevisionCycleError(cycleMembers(idsOf(revisions), parents, children));
  const linked = adjacencyOfIds(
    revisions.map((revision, index) => [...revision.downRevisions, ...dependencies[index]!]),
    toIndex,
  );
  const childrenAndDependents = reverseAdjacency(linked);
  if (downFirstOrder(linked, childrenAndDependents).length < revisions.length) {
    throw new DependencyCycleError(cycleMembers(idsOf(revisions), linked, childrenAndDependents));
  }
  const down = normalizeDependencies(revisions, children, dependencies);
  const downAdjacency = adjacencyOfIds(down, toIndex);
  return {
    children,
    childrenAndDependents,
    down,
    downAdjacency,
    upAdjacency: reverseAdjacency(downAdjacency),
    newestFirst: undefined,
    parentsFirst,
  };
}

/** The nodes, once all they hold is known, and the heads and bases among them. */
function makeNodes(
  revisions: readonly Revision[],
  links: CheckedLinks,
  labels: readonly (ReadonlySet<string> | undefined)[] | undefined,
): Pick<RevisionGraph, 'byIndex' | 'heads' | 'realHeads' | 'bases'> {
  const byIndex = new Array<GraphNode>(revisions.length);
  const heads: string[] = [];
  const realHeads: string[] = [];
  const bases: string[] = [];
  const { down, childrenAndDependents } = links;
  const dependents = childrenAndDependents !== links.children;
  for (let index = 0; index < revisions.length; index++) {
    const revision = revisions[index]!;
    const children = idsAt(revisions, links.children, index);
    const allChildren = dependents ? idsAt(revisions, childrenAndDependents, index) : children;
    byIndex[index] = {
      revision,
      index,
      children,
      allChildren,
      down: down === undefined ? revision.downRevisions : down[index]!,
      labels: labels?.[index] ?? NO_LABELS,
    };
    if (children.length === 0) heads.push(revision.id);
    if (allChildren.length === 0) realHeads.push(revision.id);
    if (revision.downRevisions.length === 0) bases.push(revision.id);
  }
  return { byIndex, heads, realHeads, bases };
}

/** The ids of the nodes an adjacency lists for the node at `index`, in its order. */
function idsAt(revisions: readonly Revision[], adjacency: IndexAdjacency, index: number): readonly string[] {
  const start = adjacency.start[index]!;
  const end = adjacency.start[index + 1]!;
  if (start === end) return NO_REVISIONS;
  // A literal for the usual single child: cheaper than the Array constructor in a cold process.
  if (end - start === 1) return [revisions[adjacency.list[start]!]!.id];
  const ids = new Array<string>(end - start);
  for (let e = start; e < end; e++) ids[e - start] = revisions[adjacency.list[e]!]!.id;
  return ids;
}

function idsOf(revisions: readonly Revision[]): string[] {
  return revisions.map((revision) => revision.id);
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
