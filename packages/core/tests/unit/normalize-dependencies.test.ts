import { describe, expect, it } from 'vitest';
import { adjacencyOfIds, reverseAdjacency } from '../../src/revision/index-adjacency.js';
import { normalizeDependencies } from '../../src/revision/normalize-dependencies.js';
import { createRevision, type RevisionInput } from '../../src/revision/revision.js';
import { rev } from '../support/graph.js';

/** Each revision's normalized down revisions, by id. */
function normalized(inputs: readonly RevisionInput[]): Record<string, readonly string[]> {
  const revisions = inputs.map(createRevision);
  const ids = revisions.map((revision) => revision.id);
  const parents = adjacencyOfIds(
    revisions.map((revision) => revision.downRevisions),
    (id) => ids.indexOf(id),
  );
  const down = normalizeDependencies(
    revisions,
    reverseAdjacency(parents),
    revisions.map((revision) => revision.dependsOn),
  );
  return Object.fromEntries(ids.map((id, index) => [id, down[index]!]));
}

describe('normalizeDependencies (Alembic _normalize_depends_on)', () => {
  it('keeps a dependency where no ancestor declares it, after the parents', () => {
    expect(normalized([rev('a'), rev('b1'), rev('b2', 'b1', { dependsOn: 'a' })]).b2).toEqual(['b1', 'a']);
  });

  it('drops a dependency that an ancestor through parents already declares', () => {
    const down = normalized([
      rev('lib'),
      rev('a', undefined, { dependsOn: 'lib' }),
      rev('b', 'a'),
      rev('c', 'b', { dependsOn: 'lib' }),
      rev('x', undefined, { dependsOn: 'lib' }),
    ]);
    expect(down.a).toEqual(['lib']);
    expect(down.c).toEqual(['b']);
    expect(down.x).toEqual(['lib']);
  });

  it('does not repeat a dependency that is also a parent', () => {
    expect(normalized([rev('a'), rev('b', 'a', { dependsOn: 'a' })]).b).toEqual(['a']);
  });

  it('hands back the declared parents of a revision without dependencies', () => {
    expect(normalized([rev('a'), rev('b', 'a')]).b).toEqual(['a']);
  });
});
