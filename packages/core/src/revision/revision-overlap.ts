import { ancestorsOf } from './revision-closure.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';

/** What {@link overlapOf} finds: a revision that descends from others of the same list. */
export interface RevisionOverlap {
  readonly revision: string;
  readonly overlaps: readonly string[];
}

/**
 * Of `ids` and their ancestors (through parents and dependencies), the ones that no other
 * one descends from through parents, in input order (Alembic's `_get_all_current` +
 * `_filter_into_branch_heads`).
 *
 * ### Examples
 * ```ts
 * branchHeadsOf(graph, ['b', 'c1']); // ['c1'] on a ← b ← c1
 * ```
 * @throws {RevisionNotFoundError}
 */
export function branchHeadsOf(graph: RevisionGraph, ids: readonly string[]): string[] {
  const all = ancestorsOf(graph, ids, true);
  return [...all]
    .filter((id) => !nodeOf(graph, id).children.some((child) => all.has(child)))
    .sort((a, b) => nodeOf(graph, a).index - nodeOf(graph, b).index);
}

/**
 * The first of `ids` (in order) that descends from others of them through parents (and
 * with `includeDependencies`, dependencies), with those others: what Alembic reports as
 * "Requested revision b overlaps with other requested revisions a". `undefined` when none
 * does. Walks each id's ancestors, so only for the few ids of a command line or a version
 * table.
 *
 * ### Examples
 * ```ts
 * overlapOf(graph, ['a', 'b'], false); // { revision: 'b', overlaps: ['a'] } on a ← b
 * ```
 * @throws {RevisionNotFoundError}
 */
export function overlapOf(
  graph: RevisionGraph,
  ids: readonly string[],
  includeDependencies: boolean,
): RevisionOverlap | undefined {
  if (ids.length < 2) return undefined;
  const named = new Set(ids);
  for (const id of named) {
    const overlaps = [...ancestorsOf(graph, [id], includeDependencies)].filter((other) => other !== id && named.has(other));
    if (overlaps.length > 0) return { revision: id, overlaps };
  }
  return undefined;
}
