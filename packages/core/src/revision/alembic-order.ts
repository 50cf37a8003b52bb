import type { IndexAdjacency } from './index-adjacency.js';

/**
 * Alembic 1.8.1's `_topological_sort`, step for step: the members (`member[index]` is 1,
 * or every node without `member`) newest first, every node before its `down` nodes.
 *
 * Alembic keeps a list of current heads, starting with the given `heads` that are members,
 * in input order, and a candidate position in it. The candidate is emitted unless another
 * head lies above it; then the first such head in the list becomes the candidate. An
 * emitted head is replaced in place by its first `down` member not already a head, the
 * others going to the end of the list; with none, it leaves the list and the candidate
 * becomes the head before it (or the first).
 *
 * Alembic tests "another head lies above" against each head's ancestor set, and moves each
 * step. Here the test is a count per node of its members above it not emitted yet (every
 * member not emitted lies below some head, so the count is zero exactly when no other head
 * lies above), and only the move to another head searches: up from the candidate, through
 * members not emitted yet. List positions are slot numbers that only grow, so the first
 * head in the list is the one with the smallest slot. Alembic fails an assertion when
 * members are left that no head reaches (a `history` range whose lower end is joined to
 * the rest only through a dependency); here the walk goes on from those left, newest first
 * by input order. Nodes on a cycle are left out.
 *
 * Cost: linear, plus one search per move to another head, over the members not emitted
 * that lie above the waiting revision. A history that branches and merges back (the usual
 * shape) moves once per branch and searches only that branch; many branches off one
 * revision that stays waiting are searched again at each move, where Alembic recomputes
 * ancestor sets of the whole graph.
 *
 * ### Examples
 * ```ts
 * // a ← b1, a ← b2, c merges b1 and b2 (indices 0 to 3): newest first from the head c
 * const down = { start: Int32Array.of(0, 0, 1, 2, 4), list: [0, 0, 1, 2] };
 * alembicOrder(down, reverseAdjacency(down), undefined, [3]); // Int32Array [3, 1, 2, 0]
 * ```
 * @param down each node's `down` nodes (parents, or normalized down revisions).
 * @param up `down` reversed.
 * @param member which nodes to order (1 for a member); `undefined` for all of them.
 * @param heads where the walk starts, in the order Alembic lists them.
 */
export function alembicOrder(
  down: IndexAdjacency,
  up: IndexAdjacency,
  member: Uint8Array | undefined, heads: readonly number[]): Int32Array {
  // Typed arrays over node indices: this runs over every revision on each `history` of 10,000.
  const size = down.start.length - 1;
  const { start, list } = down;
  /** 1 for a member not emitted yet. */
  const todo = new Uint8Array(size);
  let count = 0;
  for (let index = 0; index < size; index++) {
    if (member === undefined || member[index] === 1) {
      todo[index] = 1;
      count++;
    }
  }
  /** How many members not emitted yet list each node among their `down` nodes. */
  const pending = new Int32Array(size);
  for (let index = 0; index < size; index++) {
    if (todo[index] === 0) continue;
    for (let e = start[index]!; e < start[index + 1]!; e++) {
      const parent = list[e]!;
      if (todo[parent] === 1) pending[parent]!++;
    }
  }
  /** The slot a node is the head of, or -1. */
  const slotOf = new Int32Array(size).fill(-1);
  const slotHead: number[] = [];
  const prev: number[] = [];
  const next: number[] = [];
  let first = -1;
  let last = -1;
  const append = (node: number): void => {
    const slot = slotHead.length;
    slotHead.push(node);
    prev.push(last);
    next.push(-1);
    if (last === -1) first = slot;
    else next[last] = slot;
    last = slot;
    slotOf[node] = slot;
  };
  const remove = (slot: number): void => {
    const before = prev[slot]!;
    const after = next[slot]!;
    if (before === -1) first = after;
    else next[before] = after;
    if (after === -1) last = before;
    else prev[after] = before;
  };
  /** Search marks: `seen[node] === stamp` once visited by the current search. */
  const seen = new Int32Array(size);
  let stamp = 0;
  const stack: number[] = [];
  /** The members the last search met that no member not emitted lies above. */
  const tops: number[] = [];
  const firstSlotAbove = (node: number): number => {
    stamp++;
    let best = -1;
    tops.length = 0;
    stack.push(node);
    seen[node] = stamp;
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (at !== node && slotOf[at] !== -1 && (best === -1 || slotOf[at]! < best)) best = slotOf[at]!;
      if (pending[at] === 0) tops.push(at);
      for (let e = up.start[at]!; e < up.start[at + 1]!; e++) {
        const child = up.list[e]!;
        if (todo[child] === 1 && seen[child] !== stamp) {
          seen[child] = stamp;
          stack.push(child);
        }
      }
    }
    return best;
  };

  const sortedHeads = [...new Set(heads)].filter((index) => todo[index] === 1).sort((a, b) => a - b);
  for (const head of sortedHeads) append(head);
  const output = new Int32Array(count);
  let written = 0;
  let slot = first;
  while (written < count) {
    if (first === -1) {
      // Members no head reaches: go on from the newest of them (none left on a cycle).
      for (let index = 0; index < size; index++) if (todo[index] === 1 && pending[index] === 0) append(index);
      if (first === -1) break;
      slot = first;
    }
    const candidate = slotHead[slot]!;
    if (pending[candidate]! > 0) {
      const above = firstSlotAbove(candidate);
      if (above !== -1) {
        slot = above;
        continue;
      }
      // Only members no head reaches lie above it (where Alembic fails its final assertion): they become
      // heads, newest first by input order. None at the top of them means a cycle: leave the line.
      if (tops.length === 0) {
        slotOf[candidate] = -1;
        const before = prev[slot]!;
        remove(slot);
        slot = before === -1 ? first : before;
        continue;
      }
      tops.sort((a, b) => a - b);
      slot = slotHead.length;
      for (const top of tops) append(top);
      continue;
    }
    output[written++] = candidate;
    todo[candidate] = 0;
    slotOf[candidate] = -1;
    let replaced = false;
    for (let e = start[candidate]!; e < start[candidate + 1]!; e++) {
      const parent = list[e]!;
      if (todo[parent] === 0) continue;
      pending[parent]!--;
      if (slotOf[parent] !== -1) continue;
      if (!replaced) {
        slotHead[slot] = parent;
        slotOf[parent] = slot;
        replaced = true;
      } else {
        append(parent);
      }
    }
    if (!replaced) {
      const before = prev[slot]!;
      remove(slot);
      slot = before === -1 ? first : before;
    }
  }
  return written === count ? output : output.subarray(0, written);
}
