import { describe, expect, it } from 'vitest';
import { alembicOrder } from '../../src/revision/alembic-order.js';
import { adjacencyOfIds, reverseAdjacency } from '../../src/revision/index-adjacency.js';

/** Orders `members` (default: all) newest first from `heads`, by id. */
function order(
  parents: Readonly<Record<string, readonly string[]>>,
  heads: readonly string[],
  members?: readonly string[],
): string[] {
  const ids = Object.keys(parents);
  const down = adjacencyOfIds(Object.values(parents), (id) => ids.indexOf(id));
  const member = members === undefined ? undefined : Uint8Array.from(ids, (id) => (members.includes(id) ? 1 : 0));
  const result = alembicOrder(
    down,
    reverseAdjacency(down),
    member,
    heads.map((id) => ids.indexOf(id)),
  );
  return Array.from(result, (index) => ids[index]!);
}

describe('alembicOrder (Alembic 1.8.1 _topological_sort)', () => {
  const diamond = { a: [], b1: ['a'], b2: ['a'], c: ['b1', 'b2'], d: ['c'] };

  it('walks one line at a time and waits at a branch point for the other lines (DiamondTest)', () => {
    expect(order(diamond, ['d'])).toEqual(['d', 'c', 'b1', 'b2', 'a']);
  });

  it('starts from the heads in input order', () => {
    const forked = { a: [], b1: ['a'], b2: ['a'] };
    expect(order(forked, ['b2', 'b1'])).toEqual(['b1', 'b2', 'a']);
  });

  it('orders members only', () => {
    expect(order(diamond, ['c'], ['a', 'b1', 'b2', 'c'])).toEqual(['c', 'b1', 'b2', 'a']);
  });

  it('goes on from members no head reaches, newest first by input order', () => {
    expect(order(diamond, ['b2'], ['a', 'b1', 'b2'])).toEqual(['b2', 'b1', 'a']);
  });

  it('stops at a cycle, leaving out what only the cycle leads to', () => {
    expect(order({ a: [], x: ['a', 'y'], y: ['x'] }, [])).toEqual([]);
  });
});
