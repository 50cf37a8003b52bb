import { describe, expect, it } from 'vitest';
import { buildRevisionGraph } from '../../src/revision/build-revision-graph.js';
import type { IndexAdjacency } from '../../src/revision/index-adjacency.js';
import { nodeOf, type RevisionGraph } from '../../src/revision/revision-graph.js';
import { rev, thrown } from '../support/graph.js';

/** An adjacency's lists as ids. */
const idLists = (graph: RevisionGraph, adjacency: IndexAdjacency): string[][] =>
  graph.byIndex.map((_, index) =>
    adjacency.list.slice(adjacency.start[index], adjacency.start[index + 1]).map((other) => graph.byIndex[other]!.revision.id),
  );

describe('buildRevisionGraph', () => {
  it('indexes the nodes in input order, with their children as ids', () => {
    const { graph } = buildRevisionGraph([rev('b', 'a'), rev('a'), rev('c', 'a')]);
    expect([...graph.indexOf]).toEqual([['b', 0], ['a', 1], ['c', 2]]);
    expect(nodeOf(graph, 'a')).toMatchObject({ index: 1, children: ['b', 'c'], allChildren: ['b', 'c'] });
    expect(graph.heads).toEqual(['b', 'c']);
    expect(graph.bases).toEqual(['a']);
  });

  it('counts dependents among allChildren, not among children', () => {
    const { graph } = buildRevisionGraph([rev('a'), rev('b', 'a'), rev('c', 'a'), rev('x', undefined, { dependsOn: 'b' })]);
    expect(nodeOf(graph, 'a')).toMatchObject({ children: ['b', 'c'], allChildren: ['b', 'c'] });
    expect(nodeOf(graph, 'b')).toMatchObject({ children: [], allChildren: ['x'] });
    expect(graph.heads).toEqual(['b', 'c', 'x']);
    expect(graph.realHeads).toEqual(['c', 'x']);
  });

  it('hands back the newest-first order when it is the cycle check (no dependencies)', () => {
    const { graph, newestFirst } = buildRevisionGraph([rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c', ['b1', 'b2'])]);
    expect(Array.from(newestFirst ?? [], (index) => graph.byIndex[index]!.revision.id)).toEqual(['c', 'b1', 'b2', 'a']);
    expect(buildRevisionGraph([rev('a'), rev('b', undefined, { dependsOn: 'a' })]).newestFirst).toBeUndefined();
  });

  it('links nodes down through normalized down revisions, and up the other way', () => {
    const { graph } = buildRevisionGraph([
      rev('lib'),
      rev('a', undefined, { dependsOn: 'lib' }),
      rev('b', 'a', { dependsOn: 'lib' }),
    ]);
    expect(nodeOf(graph, 'b').down).toEqual(['a']);
    expect(idLists(graph, graph.down)).toEqual([[], ['lib'], ['a']]);
    expect(idLists(graph, graph.up)).toEqual([['a'], ['b'], []]);
  });

  it('drops a parent named twice from the links but keeps the revision as declared', () => {
    const { graph } = buildRevisionGraph([rev('a'), rev('b', ['a', 'a'])]);
    expect(nodeOf(graph, 'a').children).toEqual(['b']);
    expect(nodeOf(graph, 'b').revision.downRevisions).toEqual(['a', 'a']);
    expect(idLists(graph, graph.down)).toEqual([[], ['a']]);
  });

  it('reports the first fault in a fixed order: ids, links to itself, labels, missing links, cycles', () => {
    expect(thrown(() => buildRevisionGraph([rev('a', 'a'), rev('a')]))).toMatchObject({ code: 'DUPLICATE_REVISION' });
    expect(thrown(() => buildRevisionGraph([rev('b', 'x'), rev('a', 'a')]))).toMatchObject({ code: 'REVISION_CYCLE' });
    expect(
      thrown(() => buildRevisionGraph([rev('b', 'x'), rev('c', undefined, { branchLabels: 'b' })])),
    ).toMatchObject({ code: 'DUPLICATE_BRANCH_LABEL' });
    expect(thrown(() => buildRevisionGraph([rev('a', 'c'), rev('c', 'a'), rev('b', 'x')]))).toMatchObject({
      code: 'MISSING_PARENT',
    });
  });
});
