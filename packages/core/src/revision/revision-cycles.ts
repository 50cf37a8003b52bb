import type { IndexAdjacency } from './index-adjacency.js';

/**
 * Kahn's algorithm: node indices with every node after its `down` nodes, starting from the
 * nodes with none, in index order. A cycle leaves its members, and every node above them,
 * out, so a result shorter than the graph means a cycle.
 *
 * ### Examples
 * ```ts
 * // b revises a, a revises b
 * const down = { start: Int32Array.of(0, 1, 2), list: [1, 0] };
 * downFirstOrder(down, reverseAdjacency(down)); // []
 * ```
 */
export function downFirstOrder(down: IndexAdjacency, up: IndexAdjacency): number[] {
  const size = down.start.length - 1;
  const waiting = new Int32Array(size);
  const order: number[] = [];
  for (let index = 0; index < size; index++) {
    const count = down.start[index + 1]! - down.start[index]!;
    if (count === 0) order.push(index);
    else waiting[index] = count;
  }
  for (let i = 0; i < order.length; i++) {
    const at = order[i]!;
    for (let e = up.start[at]!; e < up.start[at + 1]!; e++) {
      const above = up.list[e]!;
      if (--waiting[above]! === 0) order.push(above);
    }
  }
  return order;
}

/**
 * The revisions to report for a cycle, as Alembic does: all of them when there is no head
 * or no base, else those not both reachable down from a head and up from a base (what
 * {@link downFirstOrder} leaves out when that test finds none). Sorted.
 *
 * @param ids the revision ids by node index.
 */
export function cycleMembers(ids: readonly string[], down: IndexAdjacency, up: IndexAdjacency): string[] {
  const size = ids.length;
  const heads: number[] = [];
  const bases: number[] = [];
  for (let index = 0; index < size; index++) {
    if (up.start[index] === up.start[index + 1]) heads.push(index);
    if (down.start[index] === down.start[index + 1]) bases.push(index);
  }
  if (heads.length === 0 || bases.length === 0) return [...ids].sort();
  const fromHeads = reach(heads, down);
  const fromBases = reach(bases, up);
  const members = ids.filter((_, index) => fromHeads[index] === 0 || fromBases[index] === 0);
  if (members.length > 0) return members.sort();
  // A cycle entered from a base and left towards a head passes Alembic's reachability test; report what Kahn's
  // algorithm could not order instead.
  const ordered = new Uint8Array(size);
  for (const index of downFirstOrder(down, up)) ordered[index] = 1;
  return ids.filter((_, index) => ordered[index] === 0).sort();
}

/** 1 for each node reachable from `starts` through `next`, starts included. */
function reach(starts: readonly number[], next: IndexAdjacency): Uint8Array {
  const seen = new Uint8Array(next.start.length - 1);
  const stack = [...starts];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (seen[at] === 1) continue;
    seen[at] = 1;
    for (let e = next.start[at]!; e < next.start[at + 1]!; e++) stack.push(next.list[e]!);
  }
  return seen;
}
