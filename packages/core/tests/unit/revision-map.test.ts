import { describe, expect, it } from 'vitest';
import {
  AmbiguousRevisionError,
  DependencyCycleError,
  DuplicateBranchLabelError,
  DuplicateRevisionError,
  InvalidRevisionIdError,
  InvalidTargetError,
  MissingParentError,
  MultipleHeadsError,
  RangeNotAncestorError,
  RevisionCycleError,
  RevisionNotFoundError,
  RevisionNotInBranchError,
} from '../../src/errors.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { rev, thrown } from '../support/graph.js';
import type { RevisionInput } from '../../src/revision/revision.js';

const ids = (revisions: Iterable<{ readonly id: string }>): string[] => [...revisions].map((r) => r.id);

describe('RevisionMap.from validation', () => {
  it('rejects a duplicate id, naming both files', () => {
    const error = thrown(() =>
      RevisionMap.from([rev('a', undefined, { path: 'v/a1.ts' }), rev('a', undefined, { path: 'v/a2.ts' })]),
    );
    expect(error).toBeInstanceOf(DuplicateRevisionError);
    expect(error).toMatchObject({ code: 'DUPLICATE_REVISION', revision: 'a', paths: ['v/a1.ts', 'v/a2.ts'] });
  });

  it('rejects a missing parent and a missing dependency', () => {
    expect(thrown(() => RevisionMap.from([rev('b', 'x')]))).toBeInstanceOf(MissingParentError);
    expect(thrown(() => RevisionMap.from([rev('a'), rev('b', 'x', { path: 'v/b.ts' })]))).toMatchObject({
      code: 'MISSING_PARENT',
      revision: 'b',
      missing: 'x',
      relation: 'downRevision',
      path: 'v/b.ts',
    });
    expect(thrown(() => RevisionMap.from([rev('a'), rev('b', 'a', { dependsOn: 'zz' })]))).toMatchObject({
      code: 'MISSING_PARENT',
      revision: 'b',
      missing: 'zz',
      relation: 'dependsOn',
    });
  });

  it('rejects an invalid id', () => {
    expect(thrown(() => RevisionMap.from([rev('a-b')]))).toBeInstanceOf(InvalidRevisionIdError);
  });

  it.each([
    ['solitary loop', [rev('a', 'a')], ['a']],
    ['base loop', [rev('a', 'a'), rev('b', 'a'), rev('c', 'b')], ['a']],
    ['head loop', [rev('a'), rev('b', 'a'), rev('c', ['b', 'c'])], ['c']],
    ['merge point loop', [rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c', ['b1', 'b2', 'c'])], ['c']],
    ['simple cycle', [rev('a', 'c'), rev('b', 'a'), rev('c', 'b')], ['a', 'b', 'c']],
    ['extra simple cycle', [rev('a', 'c'), rev('b', 'a'), rev('c', 'b'), rev('d'), rev('e', 'd')], ['a', 'b', 'c']],
    ['lower cycle', [rev('a', 'c'), rev('b', 'a'), rev('c', 'b'), rev('d', 'c'), rev('e', 'd')], ['a', 'b', 'c', 'd', 'e']],
    ['upper cycle', [rev('a'), rev('b', 'a'), rev('c', ['b', 'e']), rev('d', 'c'), rev('e', 'd')], ['a', 'b', 'c', 'd', 'e']],
    // Alembic's reachability test misses this one: the cycle x↔y is entered from base a and left towards head h
    ['cycle between a base and a head', [rev('a'), rev('x', ['a', 'y']), rev('y', 'x'), rev('h', 'y')], ['h', 'x', 'y']],
  ])('detects a cycle through downRevisions: %s', (_name, revisions, members) => {
    const error = thrown(() => RevisionMap.from(revisions));
    expect(error).toBeInstanceOf(RevisionCycleError);
    expect(error).toMatchObject({ code: 'REVISION_CYCLE', revisions: members });
  });

  it.each([
    ['solitary dependency loop', [rev('a', undefined, { dependsOn: 'a' })], ['a']],
    ['simple dependency cycle', [rev('a', undefined, { dependsOn: 'c' }), rev('b', 'a'), rev('c', 'b')], ['a', 'b', 'c']],
    [
      'upper dependency cycle',
      [rev('a'), rev('b', 'a'), rev('c', 'b', { dependsOn: 'e' }), rev('d', 'c'), rev('e', 'd')],
      ['a', 'b', 'c', 'd', 'e'],
    ],
  ])('detects a cycle through dependencies: %s', (_name, revisions, members) => {
    const error = thrown(() => RevisionMap.from(revisions));
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect(error).toMatchObject({ code: 'DEPENDENCY_CYCLE', revisions: members });
  });

  it('rejects a branch label used twice, or equal to a revision id', () => {
    const twice = [rev('a'), rev('b', 'a'), rev('c', 'b', { branchLabels: 'xy1' }), rev('d'), rev('e', 'd', { branchLabels: ['xy1'] })];
    expect(thrown(() => RevisionMap.from(twice))).toBeInstanceOf(DuplicateBranchLabelError);
    expect(thrown(() => RevisionMap.from(twice))).toMatchObject({
      code: 'DUPLICATE_BRANCH_LABEL',
      label: 'xy1',
      revision: 'e',
      usedBy: 'c',
    });
    expect(thrown(() => RevisionMap.from([rev('a'), rev('b', 'a', { branchLabels: 'a' })]))).toMatchObject({
      code: 'DUPLICATE_BRANCH_LABEL',
      label: 'a',
      revision: 'b',
      usedBy: 'a',
    });
  });

  it('pins the messages of its errors', () => {
    expect(String(thrown(() => RevisionMap.from([rev('a', undefined, { path: 'x.ts' }), rev('a', undefined, { path: 'y.ts' })])))).toBe(
      "DuplicateRevisionError: Revision 'a' is present more than once: x.ts and y.ts",
    );
    expect((thrown(() => RevisionMap.from([rev('b', 'x', { path: 'v/b.ts' })])) as Error).message).toBe(
      "Revision b (v/b.ts) revises 'x', which is not present",
    );
    expect((thrown(() => RevisionMap.from([rev('a', 'c'), rev('b', 'a'), rev('c', 'b')])) as Error).message).toBe(
      'Cycle is detected in revisions (a, b, c)',
    );
    expect((thrown(() => RevisionMap.from([rev('a', undefined, { dependsOn: 'a' })])) as Error).message).toBe(
      'Dependency cycle is detected in revisions (a)',
    );
    expect((thrown(() => RevisionMap.from([rev('c', undefined, { branchLabels: 'x' }), rev('e', undefined, { branchLabels: 'x' })])) as Error).message).toBe(
      "Branch name 'x' in revision e already used by revision c",
    );
  });

  it('keeps Revision objects it is given, and builds the others', () => {
    const map = RevisionMap.from([rev('a')]);
    const a = map.get('a');
    expect(RevisionMap.from([a]).get('a')).toBe(a);
    expect(a).toEqual({ id: 'a', downRevisions: [], dependsOn: [], branchLabels: [], message: undefined, path: undefined });
  });
});

describe('RevisionMap structure', () => {
  const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'b')]);

  it('knows its size, heads, bases and children', () => {
    expect(map.size).toBe(4);
    expect(map.heads).toEqual(['c1', 'c2']);
    expect(map.bases).toEqual(['a']);
    expect(map.children('b')).toEqual(['c1', 'c2']);
    expect(map.has('b')).toBe(true);
    expect(map.has('zz')).toBe(false);
  });

  it('gets by exact id only', () => {
    expect(map.get('c1').downRevisions).toEqual(['b']);
    expect(thrown(() => map.get('c'))).toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'c', source: 'argument' });
  });

  it('does not count a dependency as a child', () => {
    const deps = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', undefined, { dependsOn: 'b' })]);
    expect(deps.heads).toEqual(['b', 'c']);
    expect(deps.realHeads).toEqual(['c']);
    expect(deps.bases).toEqual(['a', 'c']);
    expect(deps.children('b')).toEqual([]);
    expect(deps.children('b', { includeDependencies: true })).toEqual(['c']);
  });

  it('iterates parents and dependencies before children', () => {
    const deps = RevisionMap.from([rev('c', 'b', { dependsOn: 'x' }), rev('b', 'a'), rev('x'), rev('a')]);
    expect(ids(deps)).toEqual(['x', 'a', 'b', 'c']);
    expect(ids(map)).toEqual(['a', 'b', 'c2', 'c1']);
  });

  it('walks ancestors and descendants, optionally through dependencies', () => {
    const deps = RevisionMap.from([rev('y1'), rev('x1'), rev('y2', 'y1', { dependsOn: 'x1' }), rev('x2', 'x1')]);
    expect([...deps.ancestors(['y2'])].sort()).toEqual(['y1', 'y2']);
    expect([...deps.ancestors(['y2'], { includeDependencies: true })].sort()).toEqual(['x1', 'y1', 'y2']);
    expect([...deps.descendants(['x1'])].sort()).toEqual(['x1', 'x2']);
    expect([...deps.descendants(['x1'], { includeDependencies: true })].sort()).toEqual(['x1', 'x2', 'y2']);
    expect(thrown(() => deps.ancestors(['nope']))).toBeInstanceOf(RevisionNotFoundError);
  });

  it('normalizes dependencies that an ancestor already declares (NormalizedDownRevTest)', () => {
    const normalized = RevisionMap.from([
      rev('a1'),
      rev('a2', 'a1'),
      rev('a3', 'a2'),
      rev('b1'),
      rev('b2', 'b1', { dependsOn: 'a3' }),
      rev('b3', 'b2'),
      rev('b4', 'b3', { dependsOn: 'a3' }),
      rev('b5', 'b4', { dependsOn: 'b4' }),
    ]);
    expect(normalized.normalizedDownRevisions('b4')).toEqual(['b3']);
    expect(normalized.normalizedDownRevisions('b2')).toEqual(['b1', 'a3']);
    expect(normalized.normalizedDownRevisions('b5')).toEqual(['b4']);
  });

  it('resolves a dependency given as a branch label', () => {
    const labelled = RevisionMap.from([rev('a1', undefined, { branchLabels: 'lib' }), rev('b1'), rev('b2', 'b1', { dependsOn: 'lib' })]);
    expect(labelled.normalizedDownRevisions('b2')).toEqual(['b1', 'a1']);
  });
});

describe('RevisionMap.resolve', () => {
  const labelled = RevisionMap.from([
    rev('a', undefined, { branchLabels: 'abranch' }),
    rev('b', 'a'),
    rev('somelongername', 'b'),
    rev('c', 'somelongername'),
    rev('d'),
    rev('e', 'd', { branchLabels: ['ebranch'] }),
    rev('someothername', 'e'),
    rev('f', 'someothername'),
  ]);
  const one = (map: RevisionMap, identifier: string): string | undefined => map.resolveOne(identifier)?.id;

  it('resolves head, heads and base', () => {
    const line = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b')]);
    expect(ids(line.resolve('head'))).toEqual(['c']);
    expect(ids(line.resolve('heads'))).toEqual(['c']);
    expect(line.resolve('base')).toEqual([]);
    expect(line.resolveOne('base')).toBeUndefined();
    expect(RevisionMap.from([]).resolve('head')).toEqual([]);
  });

  it('refuses head when there are several', () => {
    const branched = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'b')]);
    const error = thrown(() => branched.resolve('head'));
    expect(error).toBeInstanceOf(MultipleHeadsError);
    expect(error).toMatchObject({ code: 'MULTIPLE_HEADS', heads: ['c1', 'c2'], target: 'head' });
    expect(ids(branched.resolve('heads'))).toEqual(['c1', 'c2']);
    expect(thrown(() => branched.resolveOne('heads'))).toMatchObject({ heads: ['c1', 'c2'], target: 'heads' });
    expect((thrown(() => branched.resolve('head')) as Error).message).toBe(
      "Multiple head revisions are present for given argument 'head': c1, c2",
    );
  });

  it('resolves unique prefixes of names longer than three characters', () => {
    const map = RevisionMap.from([rev('ae1027a6acf'), rev('ae10f3c2', 'ae1027a6acf'), rev('b2c4d6e8', 'ae10f3c2')]);
    expect(one(map, 'b')).toBe('b2c4d6e8');
    expect(one(map, 'ae102')).toBe('ae1027a6acf');
    const error = thrown(() => map.resolve('ae10'));
    expect(error).toBeInstanceOf(AmbiguousRevisionError);
    expect(error).toMatchObject({ code: 'AMBIGUOUS_REVISION', prefix: 'ae10', candidates: ['ae1027a6acf', 'ae10f3c2'] });
    expect((error as Error).message).toBe("Revision prefix 'ae10' is ambiguous; it could be any of: ae1027a6acf, ae10f3c2");
    expect(thrown(() => map.resolve('ff'))).toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'ff', source: 'argument' });
    expect((thrown(() => map.resolve('ff')) as Error).message).toBe("Can't locate revision identified by 'ff'");
  });

  it('does not prefix-match short ids, as Alembic', () => {
    const map = RevisionMap.from([rev('c1'), rev('c2')]);
    expect(thrown(() => map.resolve('c'))).toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'c' });
  });

  it('resolves branch labels and <branch>@ forms (LabeledBranchTest)', () => {
    expect(one(labelled, 'abranch')).toBe('a');
    expect(one(labelled, 'ebranch')).toBe('e');
    expect(one(labelled, 'e')).toBe('e');
    expect(one(labelled, 'abranch@head')).toBe('c');
    expect(one(labelled, 'ebranch@head')).toBe('f');
    expect(one(labelled, 'abranch@heads')).toBe('c');
    expect(one(labelled, 'abranch@base')).toBeUndefined();
    expect(one(labelled, 'ebranch@d')).toBe('d');
    expect(one(labelled, 'ebranch@ebranch')).toBe('e');
    expect(one(labelled, 'ebranch@some')).toBe('someothername');
    expect(one(labelled, 'abranch@some')).toBe('somelongername');
    expect(one(labelled, 'e@d')).toBe('d');
    expect(one(labelled, 'someoth@d')).toBe('d');
  });

  it('rejects a revision outside the branch, and unknown branches', () => {
    const error = thrown(() => labelled.resolve('ebranch@b'));
    expect(error).toBeInstanceOf(RevisionNotInBranchError);
    expect(error).toMatchObject({ code: 'REVISION_NOT_IN_BRANCH', revision: 'b', branch: 'ebranch' });
    expect((error as Error).message).toBe("Revision b is not a member of branch 'ebranch'");
    expect(thrown(() => labelled.resolve('abranch@d'))).toMatchObject({ revision: 'd', branch: 'abranch' });
    expect(thrown(() => labelled.resolve('abranch@qprstuv'))).toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'qprstuv' });
    expect(thrown(() => labelled.resolve('x@d'))).toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'x' });
  });

  it('resolves current to the database heads', () => {
    expect(ids(labelled.resolve('current', ['c', 'e']))).toEqual(['c', 'e']);
    expect(thrown(() => labelled.resolve('current', ['zz']))).toMatchObject({ revision: 'zz', source: 'database' });
  });

  it('refuses relative targets', () => {
    expect(thrown(() => labelled.resolve('+1'))).toBeInstanceOf(InvalidTargetError);
    expect(thrown(() => labelled.resolve('c-1'))).toMatchObject({ code: 'INVALID_TARGET', target: 'c-1' });
  });
});

describe('RevisionMap branch labels', () => {
  it('applies a label to its descendants and to the unbranched line below it', () => {
    const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b', { branchLabels: 'x' }), rev('d', 'c')]);
    expect(['a', 'b', 'c', 'd'].map((id) => map.branchLabels(id))).toEqual([['x'], ['x'], ['x'], ['x']]);
    expect(map.branchRevision('x')?.id).toBe('c');
    expect(map.branchRevision('nope')).toBeUndefined();
  });

  it('stops below at a branch point, and does not label the other branch', () => {
    const map = RevisionMap.from([
      rev('a'),
      rev('b', 'a'),
      rev('c1', 'b', { branchLabels: 'c1branch' }),
      rev('d1', 'c1'),
      rev('c2', 'b', { branchLabels: 'c2branch' }),
      rev('d2', 'c2'),
    ]);
    expect(map.branchLabels('b')).toEqual([]);
    expect(map.branchLabels('d1')).toEqual(['c1branch']);
    expect(map.branchLabels('d2')).toEqual(['c2branch']);
  });

  it('labels descendants through a merge, but not ancestors when the label sits below a branch point', () => {
    const map = RevisionMap.from([
      rev('a'),
      rev('b', 'a', { branchLabels: 'lib' }),
      rev('c1', 'b'),
      rev('c2', 'b'),
      rev('m', ['c1', 'c2']),
    ]);
    expect(map.branchLabels('m')).toEqual(['lib']);
    expect(map.branchLabels('a')).toEqual([]);
  });
});

describe('RevisionMap.history (iterate_revisions)', () => {
  const history = (map: RevisionMap, range: string, current: readonly string[] = []): string[] => ids(map.history(range, current));

  it('orders a diamond (DiamondTest)', () => {
    const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c', ['b1', 'b2']), rev('d', 'c')]);
    expect(history(map, 'a:d')).toEqual(['d', 'c', 'b1', 'b2', 'a']);
  });

  it('iterates an empty map', () => {
    expect(history(RevisionMap.from([]), 'base:head')).toEqual([]);
  });

  it('orders a long and a short branch (LongShortBranchTest)', () => {
    const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('b2', 'a'), rev('c1', 'b1'), rev('d11', 'c1'), rev('d12', 'c1')]);
    expect(history(map, 'base:heads')).toEqual(['b2', 'd11', 'd12', 'c1', 'b1', 'a']);
    expect(history(map, ':')).toEqual(['b2', 'd11', 'd12', 'c1', 'b1', 'a']);
  });

  describe('MultipleBranchTest', () => {
    const map = RevisionMap.from([
      rev('a'),
      rev('b1', 'a'),
      rev('b2', 'a'),
      rev('cb1', 'b1'),
      rev('cb2', 'b2'),
      rev('d1cb1', 'cb1'),
      rev('d2cb1', 'cb1'),
      rev('d1cb2', 'cb2'),
      rev('d2cb2', 'cb2'),
      rev('d3cb2', 'cb2'),
      rev('d1d2cb2', ['d1cb2', 'd2cb2']),
    ]);

    it('iterates from a merge point and along single branches', () => {
      expect(history(map, 'a:d1d2cb2')).toEqual(['d1d2cb2', 'd1cb2', 'd2cb2', 'cb2', 'b2', 'a']);
      expect(history(map, 'a:d3cb2')).toEqual(['d3cb2', 'cb2', 'b2', 'a']);
      expect(history(map, 'base:d3cb2')).toEqual(['d3cb2', 'cb2', 'b2', 'a']);
    });

    it('rejects ranges whose ends are unrelated or reversed', () => {
      const reversed = thrown(() => map.history('d1cb1:b1'));
      expect(reversed).toBeInstanceOf(RangeNotAncestorError);
      expect(reversed).toMatchObject({ code: 'RANGE_NOT_ANCESTOR', lower: 'd1cb1', upper: 'b1' });
      expect((reversed as Error).message).toBe('Revision d1cb1 is not an ancestor of revision b1');
      expect(thrown(() => map.history('b1:d2cb2'))).toMatchObject({ lower: 'b1', upper: 'd2cb2' });
      expect(thrown(() => map.history('d1cb1:base'))).toMatchObject({ lower: 'd1cb1', upper: 'base' });
    });
  });

  describe('BranchTravellingTest', () => {
    const map = RevisionMap.from([
      rev('a1'),
      rev('a2', 'a1'),
      rev('a3', 'a2'),
      rev('b1', 'a3'),
      rev('b2', 'a3'),
      rev('cb1', 'b1'),
      rev('cb2', 'b2'),
      rev('db1', 'cb1'),
      rev('db2', 'cb2'),
      rev('e1b1', 'db1'),
      rev('fe1b1', 'e1b1'),
      rev('e2b1', 'db1'),
      rev('e2b2', 'db2'),
      rev('merge', ['e2b1', 'e2b2']),
    ]);

    it('goes depth-first along branches and ends them at their branch point', () => {
      expect(history(map, 'a1:merge')).toEqual(['merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3', 'a2', 'a1']);
      expect(history(map, 'b1:merge')).toEqual(['merge', 'e2b1', 'db1', 'cb1', 'b1']);
      expect(history(map, 'a2:merge')).toEqual(['merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3', 'a2']);
      expect(history(map, 'base:fe1b1')).toEqual(['fe1b1', 'e1b1', 'db1', 'cb1', 'b1', 'a3', 'a2', 'a1']);
    });

    it('orders three branches ending in one (with the heads in input order)', () => {
      expect(history(map, 'a3:heads')).toEqual([
        'fe1b1', 'e1b1', 'merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3',
      ]);
      expect(history(map, 'a1:heads')).toEqual([
        'fe1b1', 'e1b1', 'merge', 'e2b1', 'db1', 'cb1', 'b1', 'e2b2', 'db2', 'cb2', 'b2', 'a3', 'a2', 'a1',
      ]);
    });
  });

  it('orders several bases (MultipleBaseTest)', () => {
    const map = RevisionMap.from([
      rev('base1'),
      rev('base2'),
      rev('base3'),
      rev('a1a', 'base1'),
      rev('a1b', 'base1'),
      rev('a2', 'base2'),
      rev('a3', 'base3'),
      rev('b1a', 'a1a'),
      rev('b1b', 'a1b'),
      rev('b2', 'a2'),
      rev('b3', 'a3'),
      rev('c2', 'b2'),
      rev('d2', 'c2'),
      rev('mergeb3d2', ['b3', 'd2']),
    ]);
    expect(history(map, 'base:heads')).toEqual([
      'b1a', 'a1a', 'b1b', 'a1b', 'base1', 'mergeb3d2', 'b3', 'a3', 'base3', 'd2', 'c2', 'b2', 'a2', 'base2',
    ]);
    expect(history(map, 'c2:heads')).toEqual(['mergeb3d2', 'd2', 'c2']);
    expect(history(map, 'base3:b3')).toEqual(['b3', 'a3', 'base3']);
  });

  it('orders cross-dependent bases (MultipleBaseCrossDependencyTestOne)', () => {
    const map = RevisionMap.from([
      rev('base1', undefined, { branchLabels: 'b_1' }),
      rev('a1a', 'base1'),
      rev('a1b', 'base1'),
      rev('b1a', 'a1a'),
      rev('b1b', 'a1b', { dependsOn: 'a3' }),
      rev('base2', undefined, { branchLabels: 'b_2' }),
      rev('a2', 'base2'),
      rev('b2', 'a2'),
      rev('c2', 'b2', { dependsOn: 'a3' }),
      rev('d2', 'c2'),
      rev('base3', undefined, { branchLabels: 'b_3' }),
      rev('a3', 'base3'),
      rev('b3', 'a3'),
    ]);
    expect(map.heads).toEqual(['b1a', 'b1b', 'd2', 'b3']);
    expect(history(map, 'base:heads')).toEqual([
      'b1a', 'a1a', 'b1b', 'a1b', 'base1', 'd2', 'c2', 'b2', 'a2', 'base2', 'b3', 'a3', 'base3',
    ]);
    expect(thrown(() => map.history('d2:b2'))).toMatchObject({ lower: 'd2', upper: 'b2' });
    expect(thrown(() => map.history('d2:b3'))).toMatchObject({ lower: 'd2', upper: 'b3' });
  });

  describe('LabeledBranchTest', () => {
    const map = RevisionMap.from([
      rev('a', undefined, { branchLabels: 'abranch' }),
      rev('b', 'a'),
      rev('somelongername', 'b'),
      rev('c', 'somelongername'),
      rev('d'),
      rev('e', 'd', { branchLabels: ['ebranch'] }),
      rev('someothername', 'e'),
      rev('f', 'someothername'),
    ]);

    it('iterates to a named base and from a named head', () => {
      expect(history(map, 'ebranch@base:heads')).toEqual(['f', 'someothername', 'e', 'd']);
      expect(history(map, 'abranch@base:heads')).toEqual(['c', 'somelongername', 'b', 'a']);
      expect(history(map, 'base:ebranch@head')).toEqual(['f', 'someothername', 'e', 'd']);
      expect(history(map, 'base:abranch@head')).toEqual(['c', 'somelongername', 'b', 'a']);
      expect(history(map, 'ebranch@head:heads')).toEqual(['f']);
      expect(history(map, 'ebranch@d:heads')).toEqual(['f', 'someothername', 'e', 'd']);
      expect(history(map, 'e@base:heads')).toEqual(['f', 'someothername', 'e', 'd']);
      expect(history(map, 'c@base:heads')).toEqual(['c', 'somelongername', 'b', 'a']);
    });

    it('iterates relative ends', () => {
      expect(history(map, 'ebranch@-2:heads')).toEqual(['f', 'someothername', 'e']);
      expect(history(map, 'base:ebranch@+2')).toEqual(['e', 'd']);
      expect(history(map, '-1:ebranch@head')).toEqual(['f', 'someothername']);
      expect(history(map, '-10:ebranch@head')).toEqual(['f', 'someothername', 'e', 'd']);
      expect(history(map, 'd:+2')).toEqual(['someothername', 'e', 'd']);
      expect(history(map, 'd:+20')).toEqual(['f', 'someothername', 'e', 'd']);
    });

    it('iterates from the current revisions', () => {
      expect(history(map, 'current:', ['someothername', 'b'])).toEqual(['c', 'somelongername', 'b', 'f', 'someothername']);
    });
  });

  it('rejects a malformed range', () => {
    const map = RevisionMap.from([rev('a')]);
    expect(thrown(() => map.history('a'))).toMatchObject({ code: 'INVALID_TARGET', target: 'a' });
    expect(thrown(() => map.history('a:b:c'))).toBeInstanceOf(InvalidTargetError);
  });
});

describe('RevisionMap at scale', () => {
  it('builds, walks and sorts a 10,000-revision chain without recursion', () => {
    const count = 10_000;
    const revisions = Array.from({ length: count }, (_, i) => rev(`r${i}`, i === 0 ? undefined : `r${i - 1}`));
    const map = RevisionMap.from(revisions);
    expect(map.heads).toEqual([`r${count - 1}`]);
    expect(map.ancestors([`r${count - 1}`]).size).toBe(count);
    expect(map.history().length).toBe(count);
    expect(ids(map)[count - 1]).toBe(`r${count - 1}`);
  });

  it('builds a wide graph with a shared dependency', () => {
    const revisions: RevisionInput[] = [rev('lib')];
    for (let i = 0; i < 5_000; i++) revisions.push(rev(`r${i}`, i === 0 ? undefined : `r${i - 1}`, { dependsOn: 'lib' }));
    const map = RevisionMap.from(revisions);
    expect(map.normalizedDownRevisions('r0')).toEqual(['lib']);
    expect(map.normalizedDownRevisions('r4999')).toEqual(['r4998']);
  });
});
