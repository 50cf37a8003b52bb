import { RevisionNotFoundError } from '../errors.js';
import type { IndexAdjacency } from './index-adjacency.js';
import type { Revision } from './revision.js';

/** One revision of a {@link RevisionGraph}, with its links as ids. */
export interface GraphNode {
  readonly revision: Revision;
  /** Position in the input: the tie-breaker of every ordering. */
  readonly index: number;
  /** Revisions whose `downRevisions` name this one, in input order. */
  readonly children: readonly string[];
  /** `children` and the revisions that depend on this one, in input order. */
  readonly allChildren: readonly string[];
  /** `downRevisions` plus the dependencies not already declared by an ancestor (Alembic's `_normalized_down_revisions`). */
  readonly down: readonly string[];
  /** Own and inherited branch labels. */
  readonly labels: ReadonlySet<string>;
}

/**
 * A validated revision graph: plain read-only data, built once by `buildRevisionGraph`
 * and read by the graph orders and the queries, as Alembic's `script/revision.py` is a
 * pure graph. {@link RevisionMap} is its public face.
 *
 * ### Examples
 * ```ts
 * const { graph } = buildRevisionGraph([{ id: 'a' }, { id: 'b', downRevisions: 'a' }]);
 * graph.heads;                  // ['b']
 * nodeOf(graph, 'a').children;  // ['b']
 * ```
 */
export interface RevisionGraph {
  /** Every node by index (input order). */
  readonly byIndex: readonly GraphNode[];
  /** Revision id → node index, in input order. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Branch label → the revision that declares it. */
  readonly labelOwners: ReadonlyMap<string, string>;
  /** Revisions without children (a dependent is not a child, as in Alembic), in input order. */
  readonly heads: readonly string[];
  /** Heads that no revision depends on either (Alembic's `_real_heads`), in input order. */
  readonly realHeads: readonly string[];
  /** Revisions without parents, in input order. */
  readonly bases: readonly string[];
  /** Each node's `down` as node indices, repeats dropped. */
  readonly down: IndexAdjacency;
  /** {@link RevisionGraph.down} reversed: for each node, the nodes whose `down` holds it. */
  readonly up: IndexAdjacency;
}

/**
 * The node of the revision with exactly this id.
 *
 * @throws {RevisionNotFoundError}
 */
export function nodeOf(graph: RevisionGraph, id: string): GraphNode {
  const index = graph.indexOf.get(id);
  if (index === undefined) throw new RevisionNotFoundError(id);
  return graph.byIndex[index]!;
}
