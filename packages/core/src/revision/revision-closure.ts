import { type GraphNode, nodeOf, type RevisionGraph } from './revision-graph.js';

/** Whether a walk follows `dependsOn` links as well as `downRevisions`. */
export interface DependencyOption {
  /** Follow `dependsOn` links too, as Alembic's `include_dependencies=True`. Defaults to `false`. */
  readonly includeDependencies?: boolean;
}

/**
 * The given revisions and all their ancestors: through parents, and with
 * `includeDependencies` through normalized down revisions. A new set, in the order a
 * depth-first walk meets them.
 *
 * ### Examples
 * ```ts
 * ancestorsOf(graph, ['c1'], false); // Set { 'c1', 'b', 'a' }
 * ```
 * @throws {RevisionNotFoundError}
 */
export function ancestorsOf(graph: RevisionGraph, ids: Iterable<string>, includeDependencies: boolean): Set<string> {
  return closure(graph, ids, includeDependencies ? (node) => node.down : (node) => node.revision.downRevisions);
}

/**
 * The given revisions and all their descendants: through children, and with
 * `includeDependencies` through dependents too. A new set, in the order a depth-first walk
 * meets them.
 *
 * @throws {RevisionNotFoundError}
 */
export function descendantsOf(graph: RevisionGraph, ids: Iterable<string>, includeDependencies: boolean): Set<string> {
  return closure(graph, ids, includeDependencies ? (node) => node.allChildren : (node) => node.children);
}

/**
 * The ancestors and descendants of one revision, itself included: what Alembic's
 * `filter_for_lineage` calls sharing a lineage.
 *
 * @throws {RevisionNotFoundError}
 */
export function lineageOf(graph: RevisionGraph, id: string, includeDependencies = false): Set<string> {
  const lineage = ancestorsOf(graph, [id], includeDependencies);
  for (const descendant of descendantsOf(graph, [id], includeDependencies)) lineage.add(descendant);
  return lineage;
}

function closure(graph: RevisionGraph, ids: Iterable<string>, next: (node: GraphNode) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const id of ids) {
    nodeOf(graph, id);
    stack.push(id);
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const other of next(nodeOf(graph, id))) if (!seen.has(other)) stack.push(other);
  }
  return seen;
}
