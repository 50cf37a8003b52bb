import { describe, expect, it } from 'vitest';
import { adjacencyOfIds, reverseAdjacency } from '../../src/revision/index-adjacency.js';
import { cycleMembers, downFirstOrder } from '../../src/revision/revision-cycles.js';

/** The parents of each id as an adjacency, with its reverse. */
function graph(parents: Readonly<Record<string, readonly string[]>>) {
  const ids = Object.keys(parents);
  const down = adjacencyOfIds(Object.values(parents), (id) => ids.indexOf(id));
  return { ids, down, up: reverseAdjacency(down) };
}

describe('downFirstOrder (Kahn)', () => {
  it('puts every node after its down nodes, starting from those without any', () => {
    const { ids, down, up } = graph({ d: ['b', 'c'], b: ['a'], c: ['a'], a: [] });
    expect(downFirstOrder(down, up).map((index) => ids[index])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('leaves out a cycle and what lies above it', () => {
    const { ids, down, up } = graph({ a: [], x: ['a', 'y'], y: ['x'], h: ['y'] });
    expect(downFirstOrder(down, up).map((index) => ids[index])).toEqual(['a']);
  });
});

describe('cycleMembers', () => {
  it('reports every revision when there is no head or no base', () => {
    const { ids, down, up } = graph({ a: ['c'], b: ['a'], c: ['b'] });
    expect(cycleMembers(ids, down, up)).toEqual(['a', 'b', 'c']);
  });

  it('reports what is not both below a head and above a base, sorted', () => {
    const { ids, down, up } = graph({ e: ['d'], d: ['c'], a: ['c'], b: ['a'], c: ['b'] });
    expect(cycleMembers(ids, down, up)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it("reports what Kahn's algorithm cannot order when the reachability test finds nothing", () => {
    const { ids, down, up } = graph({ a: [], x: ['a', 'y'], y: ['x'], h: ['y'] });
    expect(cycleMembers(ids, down, up)).toEqual(['h', 'x', 'y']);
  });
});
