import { InvalidTargetError, MultipleHeadsError, RevisionNotFoundError } from '../errors.js';
import { branchHead, filterForLineage } from './branch-lineage.js';
import type { RevisionGraph } from './revision-graph.js';
import { parseRevisionTarget, type RevisionTarget } from './revision-target.js';
import { revisionForIdent } from './resolve-identifier.js';
import { downEndAsList, endAsList, walk, walkDown } from './revision-walk.js';

/**
 * The revision ids a parsed target names, as Alembic's `get_revisions`: `head` (at most
 * one), `heads`, `base` (none), `current` (the given database heads, each once), an id,
 * prefix or branch label, and their `<branch>@` forms. `text` is the target as written,
 * for errors.
 *
 * ### Examples
 * ```ts
 * resolveTarget(graph, parseRevisionTarget('shop@head'), 'shop@head', []); // ['<head of shop>']
 * ```
 * @throws {MultipleHeadsError} for `head` (or `<branch>@head`) when there are several.
 * @throws {RevisionNotFoundError} when nothing matches (source `database` for an unknown current head).
 * @throws {AmbiguousRevisionError} when a prefix matches several revisions.
 * @throws {RevisionNotInBranchError} for `<branch>@<id>` outside that branch.
 * @throws {InvalidTargetError} for a relative target, which needs a planner.
 */
export function resolveTarget(
  graph: RevisionGraph,
  target: RevisionTarget,
  text: string,
  currentHeads: readonly string[],
): readonly string[] {
  switch (target.kind) {
    case 'relative':
      throw new InvalidTargetError(text, 'a relative target needs a starting point; plan an upgrade or downgrade');
    case 'revision':
      return [revisionForIdent(graph, target.revision, target.branch)];
    case 'symbol':
      switch (target.symbol) {
        case 'base':
          if (target.branch !== undefined) revisionForIdent(graph, target.branch);
          return [];
        case 'current':
          for (const id of currentHeads) if (!graph.indexOf.has(id)) throw new RevisionNotFoundError(id, 'database');
          return [...new Set(currentHeads)];
        case 'heads':
          return target.branch === undefined ? graph.realHeads : filterForLineage(graph, graph.heads, target.branch);
        case 'head':
          return branchHead(graph, target.branch);
      }
  }
}

/**
 * Like {@link resolveTarget}, and also `<anchor>±N` (a walk from the one revision the
 * anchor names, keeping to the branch when walking up), as one end of a `history` range.
 * `-N` counts through a merge as `downgrade` does, and then names the revisions N steps
 * leave on top (`<merge>-1`: both parents).
 *
 * ### Examples
 * ```ts
 * resolveAnchoredTarget(graph, parseRevisionTarget('a+2'), 'a+2', []); // ['c'] on a ← b ← c
 * ```
 * @throws {InvalidTargetError} for `±N` without an anchor.
 * @throws {AmbiguousStepError} for `+N` that meets a branch point with several ways to go.
 * @throws {MultipleHeadsError} when the anchor names several revisions.
 */
export function resolveAnchoredTarget(
  graph: RevisionGraph,
  target: RevisionTarget,
  text: string,
  currentHeads: readonly string[],
): readonly string[] {
  if (target.kind !== 'relative') return resolveTarget(graph, target, text, currentHeads);
  if (target.anchor === undefined) {
    throw new InvalidTargetError(text, 'a relative step without a revision is not valid here');
  }
  const anchorText = target.steps < 0 && target.branch !== undefined ? `${target.branch}@${target.anchor}` : target.anchor;
  const start = resolveTarget(graph, parseRevisionTarget(anchorText), anchorText, currentHeads);
  if (start.length > 1) throw new MultipleHeadsError(start, anchorText);
  // Without `noOverwalk` a walk stops at the end of the graph rather than going past it.
  if (target.steps < 0) return downEndAsList(walkDown(graph, start[0] ?? 'base', target.steps, false, text));
  return endAsList(walk(graph, start[0] ?? 'base', target.steps, target.branch, false, text));
}
