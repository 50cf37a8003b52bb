import { alembicOrder } from './alembic-order.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';

/**
 * Orders revisions newest first, exactly as Alembic 1.8.1's `_topological_sort` does (what
 * `history` prints, and reversed, the order `upgrade` runs): every revision before its
 * parents and dependencies, walking down from `heads` (those of them in `ids`, in input
 * order) one line at a time, and leaving a line for the first head above the revision it
 * reached. Without `heads`, from the revisions of `ids` that none of the others lists as a
 * parent or dependency. Ties follow input order.
 *
 * ### Examples
 * ```ts
 * // a ← b1, a ← b2, c merges b1 and b2
 * sortNewestFirst(graph, ['a', 'b1', 'b2', 'c']);       // ['c', 'b1', 'b2', 'a']
 * sortNewestFirst(graph, ['a', 'b1', 'b2'], ['b2']);    // ['b2', 'b1', 'a']
 * ```
 * @throws {RevisionNotFoundError}
 */
export function sortNewestFirst(graph: RevisionGraph, ids: Iterable<string>, heads?: Iterable<string>): string[] {
  const { byIndex, up } = graph;
  const member = new Uint8Array(byIndex.length);
  for (const id of ids) member[nodeOf(graph, id).index] = 1;
  let starts: number[];
  if (heads === undefined) {
    starts = [];
    for (let index = 0; index < byIndex.length; index++) {
      if (member[index] === 0) continue;
      let above = false;
      for (let e = up.start[index]!; e < up.start[index + 1]! && !above; e++) above = member[up.list[e]!] === 1;
      if (!above) starts.push(index);
    }
  } else {
    starts = [...heads].map((id) => nodeOf(graph, id).index);
  }
  const order = alembicOrder(graph.down, up, member, starts);
  const output = new Array<string>(order.length);
  for (let i = 0; i < order.length; i++) output[i] = byIndex[order[i]!]!.revision.id;
  return output;
}

/**
 * Every revision newest first, as node indices: Alembic's order from the real heads, what
 * a whole `history` prints.
 */
export function newestFirstOrder(graph: RevisionGraph): Int32Array {
  const heads = graph.realHeads.map((id) => nodeOf(graph, id).index);
  return alembicOrder(graph.down, graph.up, undefined, heads);
}
