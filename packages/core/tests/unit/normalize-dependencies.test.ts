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

  it('drops a dependency an ancestor already declares (NormalizedDownRevTest)', () => {
    const down = normalized([
      rev('a1'),
      rev('a2', 'a1'),
      rev('a3', 'a2'),
      rev('b1'),
      rev('b2', 'b1', { dependsOn: 'a3' }),
      rev('b3', 'b2'),
      rev('b4', 'b3', { dependsOn: 'a3' }),
    ]);
    expect(down.b2).toEqual(['b1', 'a3']);
    expect(down.b4).toEqual(['b3']);
  });

  it('does not repeat a dependency that is also a parent', () => {
    expect(normalized([rev('a'), rev('b', 'a', { dependsOn: 'a' })]).b).toEqual(['a']);
  });

  it('hands back the declared parents of a revision without dependencies', () => {
    expect(normalized([rev('a'), rev('b', 'a')]).b).toEqual(['a']);
  });
});
