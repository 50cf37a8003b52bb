import { AmbiguousRevisionError, RevisionNotFoundError, RevisionNotInBranchError } from '../errors.js';
import { lineageOf } from './revision-closure.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';

/** Prefix lookups only consider names longer than this, as Alembic does. */
const MIN_PREFIX_CANDIDATE_LENGTH = 4;

/**
 * The revision id an identifier names (Alembic's `_revision_for_ident`): an exact id or
 * branch label, else the one id or label (longer than three characters) it is a prefix
 * of; with `branch`, only among the lineage of the revision `branch` names, and the
 * result must lie in it.
 *
 * ### Examples
 * ```ts
 * revisionForIdent(graph, 'ae1');               // 'ae1027a6acf'
 * revisionForIdent(graph, 'some', 'ebranch');   // 'someothername'
 * ```
 * @throws {RevisionNotFoundError} when nothing matches.
 * @throws {AmbiguousRevisionError} when a prefix matches several revisions.
 * @throws {RevisionNotInBranchError} when the revision lies outside `branch`.
 */
export function revisionForIdent(graph: RevisionGraph, ident: string, branch?: string): string {
  const branchId = branch === undefined ? undefined : revisionForIdent(graph, branch);
  let id = graph.indexOf.has(ident) ? ident : graph.labelOwners.get(ident);
  if (id === undefined) {
    let candidates = prefixCandidates(graph, ident);
    if (branchId !== undefined) {
      const lineage = lineageOf(graph, branchId);
      candidates = candidates.filter((c) => lineage.has(c));
    }
    if (candidates.length === 0) throw new RevisionNotFoundError(ident);
    if (candidates.length > 1) throw new AmbiguousRevisionError(ident, candidates);
    id = candidates[0]!;
  }
  if (branch !== undefined && branchId !== undefined && !lineageOf(graph, branchId).has(id)) {
    throw new RevisionNotInBranchError(id, branch);
  }
  return id;
}

/**
 * The branch label a `<branch>@` qualifier stands for: itself when it is a label, else the
 * single label of the revision it names (or itself when that revision has none or several).
 *
 * @throws {RevisionNotFoundError}
 * @throws {AmbiguousRevisionError}
 */
export function branchLabelOf(graph: RevisionGraph, branch: string): string {
  if (graph.labelOwners.has(branch)) return branch;
  const labels = nodeOf(graph, revisionForIdent(graph, branch)).labels;
  if (labels.size !== 1) return branch;
  const [label] = labels;
  return label!;
}

/** The revisions whose id or branch label starts with `prefix`, in input order. */
function prefixCandidates(graph: RevisionGraph, prefix: string): string[] {
  const found = new Set<string>();
  for (const id of graph.indexOf.keys()) {
    if (id.length >= MIN_PREFIX_CANDIDATE_LENGTH && id.startsWith(prefix)) found.add(id);
  }
  for (const [label, owner] of graph.labelOwners) {
    if (label.length >= MIN_PREFIX_CANDIDATE_LENGTH && label.startsWith(prefix)) found.add(owner);
  }
  return [...found].sort((a, b) => nodeOf(graph, a).index - nodeOf(graph, b).index);
}
