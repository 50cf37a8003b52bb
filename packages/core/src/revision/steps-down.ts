import { sortNewestFirst } from './newest-first.js';
import { ancestorsOf } from './revision-closure.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';

/** What `count` downgrade steps from one revision undo, and where they leave the database. */
export interface StepsDown {
  /** The revisions undone, in the order `downgrade` runs them. */
  readonly undone: readonly string[];
  /** The revisions left on top (one version row each): none when the steps reach base. */
  readonly heads: readonly string[];
}

/**
 * Counts `count` steps down from `start` the way `downgrade` runs them: `start` and its
 * ancestors (through parents and dependencies) newest first, the order of `downgrade base`
 * from `start` alone, and the first `count` of them. Unlike a walk through parents, this
 * goes through a merge: `-1` at a merge undoes it and leaves its parents on top, `-2` then
 * also undoes the revision `downgrade` would run next. `undefined` when fewer revisions are
 * there to undo.
 *
 * ### Examples
 * ```ts
 * // a ← b1, a ← b2, m merges b1 and b2
 * stepsDown(graph, 'm', 1); // { undone: ['m'], heads: ['b1', 'b2'] }
 * stepsDown(graph, 'm', 2); // { undone: ['m', 'b1'], heads: ['b2'] }
 * stepsDown(graph, 'm', 5); // undefined
 * ```
 * @throws {RevisionNotFoundError}
 */
export function stepsDown(graph: RevisionGraph, start: string, count: number): StepsDown | undefined {
  const applied = ancestorsOf(graph, [start], true);
  if (applied.size < count) return undefined;
  const order = sortNewestFirst(graph, applied, [start]);
  const left = new Set(order.slice(count));
  const heads = order.slice(count).filter((id) => !nodeOf(graph, id).allChildren.some((child) => left.has(child)));
  return { undone: order.slice(0, count), heads };
}
