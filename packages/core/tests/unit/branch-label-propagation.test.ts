import { describe, expect, it } from 'vitest';
import { propagateBranchLabels } from '../../src/revision/branch-label-propagation.js';
import { adjacencyOfIds, reverseAdjacency } from '../../src/revision/index-adjacency.js';
import { createRevision, type RevisionInput } from '../../src/revision/revision.js';
import { rev } from '../support/graph.js';

/** The labels of each revision (in input order, parents first), sorted. */
function labels(inputs: readonly RevisionInput[]): Record<string, string[]> {
  const revisions = inputs.map(createRevision);
  const ids = revisions.map((revision) => revision.id);
  const toIndex = (id: string): number => ids.indexOf(id);
  const parents = adjacencyOfIds(
    revisions.map((revision) => revision.downRevisions),
    toIndex,
  );
  const children = reverseAdjacency(parents);
  const linked = adjacencyOfIds(
    revisions.map((revision) => [...revision.downRevisions, ...revision.dependsOn]),
    toIndex,
  );
  const result = propagateBranchLabels(revisions, {
    parents,
    children,
    childrenAndDependents: reverseAdjacency(linked),
    parentsFirst: ids.map((_, index) => index),
  });
  return Object.fromEntries(ids.map((id, index) => [id, [...(result[index] ?? [])].sort()]));
}

describe('propagateBranchLabels (Alembic _add_branches)', () => {
  it('labels the descendants and the unbranched line below the tip', () => {
    expect(labels([rev('a'), rev('b', 'a'), rev('c', 'b', { branchLabels: 'x' }), rev('d', 'c')])).toEqual({
      a: ['x'],
      b: ['x'],
      c: ['x'],
      d: ['x'],
    });
  });

  it('stops below at a branch point, and leaves the other branch alone', () => {
    expect(
      labels([rev('a'), rev('b', 'a'), rev('c1', 'b', { branchLabels: 'p' }), rev('c2', 'b', { branchLabels: 'q' })]),
    ).toEqual({ a: [], b: [], c1: ['p'], c2: ['q'] });
  });

  it('counts a dependent as a branch below the tip', () => {
    expect(
      labels([rev('a'), rev('b', 'a', { branchLabels: 'x' }), rev('y', undefined, { dependsOn: 'a' })]),
    ).toEqual({ a: [], b: ['x'], y: [] });
  });

  it("labels no ancestor when the labelled revision's descendants branch", () => {
    expect(labels([rev('a'), rev('b', 'a', { branchLabels: 'x' }), rev('c1', 'b'), rev('c2', 'b')])).toEqual({
      a: [],
      b: ['x'],
      c1: ['x'],
      c2: ['x'],
    });
  });
});
