import { MultipleHeadsError } from '../errors.js';
import { lineageOf } from './revision-closure.js';
import type { RevisionGraph } from './revision-graph.js';
import { revisionForIdent } from './resolve-identifier.js';

/**
 * Keeps the `candidates` that are an ancestor or descendant of what `against` names (a
 * revision, a branch label, `<branch>@…`, `heads`…), as Alembic's `filter_for_lineage`.
 *
 * ### Examples
 * ```ts
 * filterForLineage(graph, graph.heads, 'ebranch'); // the heads of the 'ebranch' line
 * ```
 * @throws {RevisionNotFoundError}
 * @throws {MultipleHeadsError} for `head` or `<branch>@head` when there are several.
 */
export function filterForLineage(
  graph: RevisionGraph,
  candidates: readonly string[],
  against: string,
  includeDependencies = false,
): string[] {
  const at = against.indexOf('@');
  const branch = at === -1 ? undefined : against.slice(0, at);
  const name = at === -1 ? against : against.slice(at + 1);
  const shares: string[] = branch === undefined || branch === '' ? [] : [branch];
  if (name === 'heads') {
    shares.push(...(branch ? filterForLineage(graph, graph.heads, branch) : graph.realHeads));
  } else if (name === 'head') {
    shares.push(...branchHead(graph, branch || undefined));
  } else if (name !== 'base' && name !== '') {
    shares.push(name);
  }
  if (shares.length === 0) return [...candidates];
  const lineages = shares.map((share) => lineageOf(graph, revisionForIdent(graph, share), includeDependencies));
  return candidates.filter((id) => lineages.some((lineage) => lineage.has(id)));
}

/**
 * What `head` (or `<branch>@head`) names: the one head of the graph, or of the heads in the
 * lineage of `branch`; empty for an empty graph or branch.
 *
 * @throws {MultipleHeadsError} when there are several.
 * @throws {RevisionNotFoundError} for an unknown branch.
 */
export function branchHead(graph: RevisionGraph, branch: string | undefined): readonly string[] {
  const heads = branch === undefined ? graph.heads : filterForLineage(graph, graph.heads, branch);
  if (heads.length > 1) throw new MultipleHeadsError(heads, branch === undefined ? 'head' : `${branch}@head`);
  return heads;
}
