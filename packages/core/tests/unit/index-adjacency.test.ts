import { describe, expect, it } from 'vitest';
import { adjacencyOfIds, reverseAdjacency, type IndexAdjacency } from '../../src/revision/index-adjacency.js';

/** Each node's list, read back out of an adjacency. */
const lists = (adjacency: IndexAdjacency): number[][] =>
  Array.from({ length: adjacency.start.length - 1 }, (_, index) =>
    adjacency.list.slice(adjacency.start[index], adjacency.start[index + 1]),
  );

describe('index adjacency', () => {
  // a ← b, a ← c, b and c ← d (d merges b and c)
  const parents = adjacencyOfIds([[], ['a'], ['a'], ['b', 'c']], (id) => ['a', 'b', 'c', 'd'].indexOf(id));

  it('holds one list of node indices per node', () => {
    expect(lists(parents)).toEqual([[], [0], [0], [1, 2]]);
  });

  it('drops an id named twice in one list', () => {
    expect(lists(adjacencyOfIds([[], ['a', 'a']], (id) => (id === 'a' ? 0 : 1)))).toEqual([[], [0]]);
  });

  it('reverses, each list in increasing index order', () => {
    expect(lists(reverseAdjacency(parents))).toEqual([[1, 2], [3], [3], []]);
    expect(lists(reverseAdjacency(reverseAdjacency(parents)))).toEqual(lists(parents));
  });

  it('reverses an empty graph', () => {
    expect(lists(reverseAdjacency({ start: Int32Array.of(0), list: [] }))).toEqual([]);
  });
});
