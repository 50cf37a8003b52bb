import { InvalidTargetError } from '../errors.js';
import { lineageOf } from './revision-closure.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';
import { revisionForIdent } from './resolve-identifier.js';

/**
 * Where a walk of `±N` steps ends: a revision id, `'base'` (below every base), or
 * `undefined` when it went past the end of the graph.
 */
export type WalkEnd = string | 'base' | undefined;

/**
 * Walks `steps` revisions up (> 0, through children, keeping to the lineage of `branch`
 * when given) or down (< 0, through parents) from `start` (`'base'`: below every base), as
 * Alembic's `_walk`. Going past an end returns `undefined` with `noOverwalk`, else stops
 * there.
 *
 * ### Examples
 * ```ts
 * walk(graph, 'a', 2, undefined, false, 'a+2');    // 'c' on a ← b ← c
 * walk(graph, 'a', -1, undefined, false, 'a-1');   // 'base'
 * ```
 * @throws {InvalidTargetError} (naming `target`) when a step has several revisions to go to.
 * @throws {RevisionNotFoundError}
 */
export function walk(
  graph: RevisionGraph,
  start: string | 'base',
  steps: number,
  branch: string | undefined,
  noOverwalk: boolean,
  target: string,
): WalkEnd {
  const lineage = branch === undefined ? undefined : lineageOf(graph, revisionForIdent(graph, branch));
  let at: string | 'base' = start;
  for (let i = 0; i < Math.abs(steps); i++) {
    let next: readonly string[];
    if (steps > 0) {
      next = at === 'base' ? graph.bases : nodeOf(graph, at).children;
      if (lineage) next = next.filter((id) => lineage.has(id));
    } else if (at === 'base') {
      next = [];
    } else {
      next = nodeOf(graph, at).revision.downRevisions;
      if (next.length === 0) next = ['base'];
    }
    if (next.length === 0) return noOverwalk ? undefined : at;
    if (next.length > 1) {
      throw new InvalidTargetError(target, `ambiguous walk from ${at}: it could go to ${next.join(', ')}`);
    }
    at = next[0]!;
  }
  return at;
}

/** The ids a walk's end stands for: none for `'base'` or past the end, else the one it reached. */
export function endAsList(end: WalkEnd): readonly string[] {
  return end === undefined || end === 'base' ? [] : [end];
}
