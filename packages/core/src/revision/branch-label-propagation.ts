import type { IndexAdjacency } from './index-adjacency.js';
import type { Revision } from './revision.js';

/** The links {@link propagateBranchLabels} follows, as node indices. */
export interface LabelLinks {
  /** Each node's parents, in the order of its `downRevisions`, repeats dropped. */
  readonly parents: IndexAdjacency;
  /** `parents` reversed: each node's children. */
  readonly children: IndexAdjacency;
  /** Each node's children and the nodes that depend on it. */
  readonly childrenAndDependents: IndexAdjacency;
  /** Every node index, each after its parents. */
  readonly parentsFirst: ArrayLike<number>;
}

/**
 * Each revision's branch labels, as Alembic's `_add_branches` spreads them: a label applies
 * to its revision's descendants (through parents), and, when those descendants form one
 * unbranched line, to the ancestors reached by walking down from its tip until a branch
 * point (counting dependents) or a merge point.
 *
 * ### Examples
 * ```ts
 * // a ← b ← c (label x) ← d: x reaches all four
 * propagateBranchLabels(revisions, links); // [Set {x}, Set {x}, Set {x}, Set {x}]
 * ```
 * @param revisions the revisions by node index.
 * @returns the labels by node index; `undefined` for a revision without any.
 */
export function propagateBranchLabels(revisions: readonly Revision[], links: LabelLinks): (Set<string> | undefined)[] {
  const { parents, children, childrenAndDependents, parentsFirst } = links;
  const degree = (adjacency: IndexAdjacency, index: number): number => adjacency.start[index + 1]! - adjacency.start[index]!;
  const labels = new Array<Set<string> | undefined>(revisions.length);
  const labelled: number[] = [];
  for (let index = 0; index < revisions.length; index++) {
    const own = revisions[index]!.branchLabels;
    if (own.length === 0) continue;
    labelled.push(index);
    labels[index] = new Set(own);
  }
  for (let i = 0; i < parentsFirst.length; i++) {
    const index = parentsFirst[i]!;
    for (let e = parents.start[index]!; e < parents.start[index + 1]!; e++) {
      const inherited = labels[parents.list[e]!];
      if (inherited) for (const label of inherited) (labels[index] ??= new Set()).add(label);
    }
  }
  for (const index of labelled) {
    let tip = index;
    while (degree(children, tip) === 1) tip = children.list[children.start[tip]!]!;
    if (degree(children, tip) > 1) continue;
    const spread = [...labels[index]!];
    let at: number | undefined = tip;
    // The length of `downRevisions` as declared: a parent named twice ends the walk.
    while (at !== undefined && degree(childrenAndDependents, at) <= 1 && revisions[at]!.downRevisions.length <= 1) {
      for (const label of spread) (labels[at] ??= new Set()).add(label);
      at = degree(parents, at) === 0 ? undefined : parents.list[parents.start[at]!];
    }
  }
  return labels;
}
