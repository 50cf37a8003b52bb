import { AmbiguousStepError, type StepChoice } from '../errors.js';
import { ancestorsOf, lineageOf } from './revision-closure.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';
import { revisionForIdent } from './resolve-identifier.js';
import { stepsDown, type StepsDown } from './steps-down.js';

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
 * walk(graph, 'b', 1, undefined, true, '+1');      // AmbiguousStepError on b ← c1, b ← c2
 * ```
 * @throws {AmbiguousStepError} (naming `target`) when a step has several revisions to go to: a
 *   branch point going up, a merge going down. Its choices are the ways that can take all the
 *   steps, each with the revision it reaches.
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
      const left = (Math.abs(steps) - i - 1) * Math.sign(steps);
      const choices = next.flatMap((through) => choiceThrough(graph, through, left, branch, noOverwalk));
      if (choices.length === 0) return undefined;
      throw new AmbiguousStepError(target, at, steps > 0 ? 'up' : 'down', choices);
    }
    at = next[0]!;
  }
  return at;
}

/**
 * The way through `through` with `left` steps still to walk: the revision it reaches, or
 * `<through>±N` when it meets another fork (that command then lists its own choices); none
 * when it runs out of revisions (with `noOverwalk`).
 */
function choiceThrough(
  graph: RevisionGraph,
  through: string,
  left: number,
  branch: string | undefined,
  noOverwalk: boolean,
): StepChoice[] {
  if (left === 0) return [{ through, target: through }];
  const rest = `${through}${left > 0 ? '+' : ''}${left}`;
  try {
    const end = walk(graph, through, left, branch, noOverwalk, rest);
    if (end === undefined) return [];
    // Below a first revision: that line's base (`<id>@base`), not `base`, which names every line.
    return [{ through, target: end === 'base' ? `${through}@base` : end }];
  } catch (error) {
    if (error instanceof AmbiguousStepError) return [{ through, target: rest }];
    throw error;
  }
}

/**
 * Where `steps` (< 0) down from `start` end: `walk` when the walk's line of parents has no
 * merge on it (exactly Alembic's result, so every target that worked before means what it
 * meant), and counted as `downgrade` runs the migrations ({@link stepsDown}) when the walk
 * would have to choose a parent of a merge. `undefined` past the end with `noOverwalk`
 * (else counting stops at base, as the walk does).
 *
 * ### Examples
 * ```ts
 * // a ← b1, a ← b2, m merges b1 and b2, c on m
 * walkDown(graph, 'c', -1, true, '-1'); // { kind: 'walk', end: 'm' }
 * walkDown(graph, 'c', -2, true, '-2'); // { kind: 'count', undone: ['c', 'm'], heads: ['b1', 'b2'] }
 * ```
 * @throws {RevisionNotFoundError}
 */
export function walkDown(
  graph: RevisionGraph,
  start: string | 'base',
  steps: number,
  noOverwalk: boolean,
  target: string,
): { readonly kind: 'walk'; readonly end: string } | ({ readonly kind: 'count' } & StepsDown) | undefined {
  if (start === 'base' || !meetsMerge(graph, start, -steps)) {
    const end = walk(graph, start, steps, undefined, noOverwalk, target);
    return end === undefined ? undefined : { kind: 'walk', end };
  }
  const counted =
    stepsDown(graph, start, -steps) ?? (noOverwalk ? undefined : stepsDown(graph, start, ancestorsOf(graph, [start], true).size));
  return counted === undefined ? undefined : { kind: 'count', ...counted };
}

/** Whether `count` steps down through first parents from `start` reach a merge before their last step is taken. */
function meetsMerge(graph: RevisionGraph, start: string, count: number): boolean {
  let at: string | undefined = start;
  for (let i = 0; i < count && at !== undefined; i++) {
    const parents: readonly string[] = nodeOf(graph, at).revision.downRevisions;
    if (parents.length > 1) return true;
    at = parents[0];
  }
  return false;
}

/** The ids where a {@link walkDown} leaves the database: the walk's end, or the heads counting left. */
export function downEndAsList(end: ReturnType<typeof walkDown>): readonly string[] {
  if (end === undefined) return [];
  return end.kind === 'walk' ? endAsList(end.end) : end.heads;
}

/** The ids a walk's end stands for: none for `'base'` or past the end, else the one it reached. */
export function endAsList(end: WalkEnd): readonly string[] {
  return end === undefined || end === 'base' ? [] : [end];
}
