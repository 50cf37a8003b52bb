import { describe, expect, it } from 'vitest';
import { checkHeads } from '../../src/commands/check-heads.js';
import { UnexpectedHeadsError } from '../../src/errors.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { rev } from '../support/graph.js';

/** The pre-merge guard (issue 20): pure, on the revision map. */
describe('checkHeads', () => {
  // a ← b1 (core), a ← b2; r (reporting) on its own line
  const map = RevisionMap.from([
    { ...rev('a'), path: '/m/versions/a.ts' },
    { ...rev('b1', 'a', { branchLabels: 'core' }), path: '/m/versions/b1.ts' },
    { ...rev('b2', 'a'), path: '/m/versions/b2.ts' },
    { ...rev('r1', undefined, { branchLabels: 'reporting' }), path: '/m/versions/r1.ts' },
  ]);

  it('passes with one head, or none, when nothing is declared', () => {
    expect(checkHeads(RevisionMap.from([rev('a'), rev('b', 'a')]))).toEqual({
      ok: true,
      heads: [{ id: 'b', path: undefined, branchLabels: [] }],
      expected: undefined,
      extra: [],
      missing: [],
      ambiguous: [],
    });
    expect(checkHeads(RevisionMap.from([])).ok).toBe(true);
  });

  it('fails on several heads when nothing is declared, every head extra', () => {
    const check = checkHeads(map);
    expect(check).toMatchObject({ ok: false, extra: ['b1', 'b2', 'r1'], missing: [], ambiguous: [] });
    expect(check.heads).toEqual([
      { id: 'b1', path: '/m/versions/b1.ts', branchLabels: ['core'] },
      { id: 'b2', path: '/m/versions/b2.ts', branchLabels: [] },
      { id: 'r1', path: '/m/versions/r1.ts', branchLabels: ['reporting'] },
    ]);
  });

  it('passes when each declared label, id or prefix names one head and every head is named', () => {
    expect(checkHeads(map, ['core', 'b2', 'reporting']).ok).toBe(true);
    expect(checkHeads(map, ['b1', 'b2', 'r']).ok).toBe(true);
  });

  it('names what is extra, missing or ambiguous', () => {
    expect(checkHeads(map, ['core', 'reporting'])).toMatchObject({ ok: false, extra: ['b2'], missing: [], ambiguous: [] });
    // `a` is a revision, but below the heads: it names none.
    expect(checkHeads(map, ['core', 'b2', 'reporting', 'a', 'zz'])).toMatchObject({ ok: false, extra: [], missing: ['a', 'zz'] });
    expect(checkHeads(map, ['b', 'reporting'])).toMatchObject({ ok: false, extra: [], ambiguous: [{ entry: 'b', heads: ['b1', 'b2'] }] });
  });

  it('becomes an UnexpectedHeadsError that states the facts', () => {
    const undeclared = new UnexpectedHeadsError(checkHeads(RevisionMap.from([{ ...rev('a'), path: '/m/a.ts' }, rev('b')])));
    expect(undeclared.message).toBe('The migration scripts have 2 heads where one is expected: a (/m/a.ts), b');
    expect(undeclared).toMatchObject({ code: 'UNEXPECTED_HEADS', heads: ['a', 'b'], headPaths: ['/m/a.ts', null], extraHeads: ['a', 'b'] });
    const declared = new UnexpectedHeadsError(checkHeads(map, ['core', 'b', 'zz']));
    expect(declared.message).toBe(
      'The heads of the migration scripts are not the expected ones (expectedHeads: core, b, zz); ' +
        "r1 (/m/versions/r1.ts) is a head that no entry names; 'zz' names no head; 'b' names several heads (b1, b2)",
    );
    expect(declared).toMatchObject({
      expectedHeads: ['core', 'b', 'zz'],
      extraHeads: ['r1'],
      missingHeads: ['zz'],
      ambiguousHeads: [{ entry: 'b', heads: ['b1', 'b2'] }],
    });
  });
});
