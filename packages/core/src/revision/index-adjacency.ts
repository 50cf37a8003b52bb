/**
 * Links of the revision graph over node indices (input positions) rather than ids: for
 * node `i`, entries `start[i]` to `start[i + 1]` of `list`. The graph orders walk these
 * so that a pass over 10,000 revisions reads typed arrays instead of looking ids up in
 * maps.
 *
 * ### Examples
 * ```ts
 * // a ← b, a ← c (b and c revise a): the parents of each node
 * const down: IndexAdjacency = { start: Int32Array.of(0, 0, 1, 2), list: [0, 0] };
 * reverseAdjacency(down); // { start: [0, 2, 2, 2], list: [1, 2] }: the children of a
 * ```
 */
export interface IndexAdjacency {
  readonly start: Int32Array;
  readonly list: readonly number[];
}

/**
 * The adjacency reversed: for each node, the nodes whose lists hold it, in increasing
 * index order.
 */
export function reverseAdjacency(adjacency: IndexAdjacency): IndexAdjacency {
  const { start, list } = adjacency;
  const size = start.length - 1;
  const reversedStart = new Int32Array(size + 1);
  for (let e = 0; e < list.length; e++) reversedStart[list[e]! + 1]!++;
  for (let index = 0; index < size; index++) reversedStart[index + 1]! += reversedStart[index]!;
  const fill = reversedStart.slice(0, size);
  const reversedList = new Array<number>(list.length);
  for (let index = 0; index < size; index++) {
    for (let e = start[index]!; e < start[index + 1]!; e++) reversedList[fill[list[e]!]!++] = index;
  }
  return { start: reversedStart, list: reversedList };
}

/**
 * The adjacency of one list of ids per node (in index order), each id as its node's index
 * and each repeat dropped.
 */
export function adjacencyOfIds(lists: readonly (readonly string[])[], indexOf: (id: string) => number): IndexAdjacency {
  const start = new Int32Array(lists.length + 1);
  const list: number[] = [];
  for (let index = 0; index < lists.length; index++) {
    start[index] = list.length;
    for (const id of lists[index]!) {
      const other = indexOf(id);
      if (!list.includes(other, start[index])) list.push(other);
    }
  }
  start[lists.length] = list.length;
  return { start, list };
}
