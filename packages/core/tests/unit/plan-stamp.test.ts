import { describe, expect, it } from 'vitest';
import { InvalidTargetError, MultipleHeadsError, OverlappingRevisionsError, RevisionNotFoundError } from '../../src/errors.js';
import { planStamp } from '../../src/plan/plan-stamp.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { rev, headsAfter, thrown } from '../support/graph.js';


const keep = { purge: false } as const;

describe('planStamp on a line', () => {
  const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b'), rev('d', 'c'), rev('e', 'd')]);

  it('stamps base by deleting the row (RevisionPathTest)', () => {
    expect(planStamp(map, ['d'], ['base'], keep)).toEqual([
      { direction: 'stamp', revision: map.get('d'), from: ['d'], to: [], versionChanges: [{ kind: 'delete', from: 'd' }] },
    ]);
    expect(planStamp(map, ['d'], [], keep)).toHaveLength(1);
  });

  it('stamps up, down, onto an empty table, and onto itself', () => {
    expect(planStamp(map, ['b'], ['d'], keep)).toEqual([
      { direction: 'stamp', revision: map.get('d'), from: ['b'], to: ['d'], versionChanges: [{ kind: 'update', from: 'b', to: 'd' }] },
    ]);
    expect(planStamp(map, ['d'], ['b'], keep)[0]?.versionChanges).toEqual([{ kind: 'update', from: 'd', to: 'b' }]);
    expect(planStamp(map, [], ['head'], keep)[0]?.versionChanges).toEqual([{ kind: 'insert', to: 'e' }]);
    expect(planStamp(map, ['e'], ['head'], keep)).toEqual([]);
  });

  it('rejects relative targets, unknown current heads and unknown targets', () => {
    expect(thrown(() => planStamp(map, ['a'], ['+1'], keep))).toBeInstanceOf(InvalidTargetError);
    expect(thrown(() => planStamp(map, ['a'], ['+1'], keep))).toMatchObject({ target: '+1', reason: 'stamp counts up from a revision: name it, as in <revision>+1' });
    expect(thrown(() => planStamp(map, ['a'], ['-6'], keep))).toBeInstanceOf(InvalidTargetError);
    const unknown = thrown(() => planStamp(map, ['zz'], ['head'], keep));
    expect(unknown).toBeInstanceOf(RevisionNotFoundError);
    expect(unknown).toMatchObject({ revision: 'zz', source: 'database' });
    expect(thrown(() => planStamp(map, [], ['nope'], keep))).toMatchObject({ revision: 'nope', source: 'argument' });
  });
});

describe('planStamp with relative targets, as Alembic counts them (issue 17)', () => {
  const map = RevisionMap.from([
    rev('a'),
    rev('b', 'a'),
    rev('c', 'b'),
    rev('x', undefined, { branchLabels: 'side' }),
    rev('y', 'x'),
  ]);
  const after = (heads: string[], targets: string[]): Set<string> => headsAfter(heads, planStamp(map, heads, targets, keep));

  it('counts -N below each head of the scripts, whatever the rows', () => {
    expect(after([], ['-1'])).toEqual(new Set(['b', 'x']));
    expect(after(['c', 'y'], ['-1'])).toEqual(new Set(['b', 'x']));
    expect(after(['a'], ['-1'])).toEqual(new Set(['b', 'x']));
    expect(after(['c', 'y'], ['-2'])).toEqual(new Set(['a']));
  });

  it('counts <branch>@-N below that branch\'s heads, and <id>±N from a revision', () => {
    expect(after(['c', 'y'], ['side@-1'])).toEqual(new Set(['c', 'x']));
    expect(after(['c', 'y'], ['side@-2'])).toEqual(new Set(['c']));
    expect(after(['c', 'y'], ['c-2'])).toEqual(new Set(['a', 'y']));
    expect(after(['y'], ['a+1'])).toEqual(new Set(['b', 'y']));
  });

  it('refuses a walk past base, and one through a merge with the targets that take each way', () => {
    expect(thrown(() => planStamp(map, [], ['-4'], keep))).toBeInstanceOf(InvalidTargetError);
    const merged = RevisionMap.from([rev('a'), rev('b'), rev('m', ['a', 'b'])]);
    expect(thrown(() => planStamp(merged, ['m'], ['-1'], keep))).toMatchObject({
      code: 'AMBIGUOUS_STEP',
      target: '-1',
      at: 'm',
      walk: 'down',
      choices: [
        { through: 'a', target: 'a' },
        { through: 'b', target: 'b' },
      ],
    });
    // Below a first revision, a choice stamps that line's base; the other targets are kept.
    expect(thrown(() => planStamp(merged, ['m'], ['m-2', 'heads'], keep))).toMatchObject({
      target: 'm-2 heads',
      choices: [
        { through: 'a', target: 'a@base heads' },
        { through: 'b', target: 'b@base heads' },
      ],
    });
  });
});

describe('planStamp with several targets (issue 17)', () => {
  it('refuses targets where one descends from another, whatever the rows', () => {
    const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b')]);
    for (const heads of [[], ['c'], ['a']]) {
      const error = thrown(() => planStamp(map, heads, ['a', 'b'], keep));
      expect(error).toBeInstanceOf(OverlappingRevisionsError);
      expect(error).toMatchObject({ revision: 'b', overlaps: ['a'], source: 'argument' });
    }
    expect(thrown(() => planStamp(map, ['c'], ['c', 'a'], keep))).toMatchObject({ revision: 'c', overlaps: ['a'] });
  });

  it('accepts a target next to one it depends on, as rows Alembic\'s own downgrades go through', () => {
    const map = RevisionMap.from([rev('a'), { id: 'x', dependsOn: ['a'] }]);
    expect(headsAfter([], planStamp(map, [], ['a', 'x'], keep))).toEqual(new Set(['a', 'x']));
  });

  it('records a revision named twice once', () => {
    const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('m', ['b', 'a'])]);
    expect(planStamp(map, ['m'], ['b', 'b'], keep).map((step) => step.versionChanges)).toEqual([[{ kind: 'update', from: 'm', to: 'b' }]]);
  });

  it('moves each row on its own target\'s line, against the rows the earlier targets left', () => {
    const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c'), rev('d', 'c'), rev('m', ['b', 'd'])]);
    expect(headsAfter(['b', 'd'], planStamp(map, ['b', 'd'], ['a', 'c'], keep))).toEqual(new Set(['a', 'c']));
    expect(headsAfter(['m'], planStamp(map, ['m'], ['b', 'd'], keep))).toEqual(new Set(['b', 'd']));
  });
});

describe('planStamp with branches (BranchedPathTest)', () => {
  const map = RevisionMap.from([
    rev('a'),
    rev('b', 'a'),
    rev('c1', 'b', { branchLabels: 'c1branch' }),
    rev('d1', 'c1'),
    rev('c2', 'b', { branchLabels: 'c2branch' }),
    rev('d2', 'c2'),
  ]);

  it('stamps down across several branches to the branch point in one step', () => {
    const plan = planStamp(map, ['d1', 'c2'], ['b'], keep);
    expect(plan).toEqual([
      {
        direction: 'stamp',
        revision: map.get('b'),
        from: ['d1', 'c2'],
        to: ['b'],
        versionChanges: [
          { kind: 'delete', from: 'd1' },
          { kind: 'update', from: 'c2', to: 'b' },
        ],
      },
    ]);
  });

  it('stamps a labelled base, deleting only that branch', () => {
    const plan = planStamp(map, ['d1', 'c2'], ['c1branch@base'], keep);
    expect(plan.map((s) => s.versionChanges)).toEqual([[{ kind: 'delete', from: 'd1' }]]);
  });

  it('stamps a labelled head, leaving the other branch', () => {
    const plan = planStamp(map, ['d1', 'c2'], ['c2branch@head'], keep);
    expect(plan.map((s) => s.versionChanges)).toEqual([[{ kind: 'update', from: 'c2', to: 'd2' }]]);
  });

  it('stamps several targets as new branches', () => {
    const plan = planStamp(map, [], ['d1', 'd2'], keep);
    expect(plan.map((s) => s.versionChanges)).toEqual([[{ kind: 'insert', to: 'd1' }], [{ kind: 'insert', to: 'd2' }]]);
  });

  it('refuses head with several heads', () => {
    expect(thrown(() => planStamp(map, [], ['head'], keep))).toBeInstanceOf(MultipleHeadsError);
  });
});

describe('planStamp across a dependency (DependsOnBranchTestOne)', () => {
  it('moves both heads down to one revision', () => {
    const map = RevisionMap.from([
      rev('a1', undefined, { branchLabels: 'lib1' }),
      rev('b1', 'a1'),
      rev('c1', 'b1'),
      rev('a2'),
      rev('b2', 'a2'),
      rev('c2', 'b2', { dependsOn: 'c1' }),
      rev('d1', 'c1'),
      rev('e1', 'd1'),
      rev('f1', 'e1'),
    ]);
    expect(headsAfter(['e1', 'c2'], planStamp(map, ['e1', 'c2'], ['b1'], keep))).toEqual(new Set(['b1']));
  });
});

describe('planStamp on a forest (ForestTest)', () => {
  const map = RevisionMap.from([rev('a1'), rev('b1', 'a1'), rev('a2'), rev('b2', 'a2')]);

  it('stamps heads from nothing as two new rows', () => {
    const plan = planStamp(map, [], ['heads'], keep);
    expect(plan.map((s) => s.to)).toEqual([['b1'], ['b2']]);
    expect(headsAfter([], plan)).toEqual(new Set(['b1', 'b2']));
  });

  it('needs no move when the heads are current', () => {
    expect(planStamp(map, ['b1', 'b2'], ['heads'], keep)).toEqual([]);
  });
});

describe('planStamp across a merge point (MergedPathTest)', () => {
  const map = RevisionMap.from([
    rev('a'),
    rev('b', 'a'),
    rev('c1', 'b'),
    rev('d1', 'c1'),
    rev('c2', 'b', { branchLabels: 'c2branch' }),
    rev('d2', 'c2'),
    rev('e', ['d1', 'd2']),
    rev('f', 'e'),
  ]);
  const changes = (current: readonly string[], target: string): unknown =>
    planStamp(map, current, [target], keep).map((s) => s.versionChanges);

  it('moves one row across the merge point', () => {
    expect(changes(['e'], 'c2')).toEqual([[{ kind: 'update', from: 'e', to: 'c2' }]]);
    expect(changes(['e'], 'a')).toEqual([[{ kind: 'update', from: 'e', to: 'a' }]]);
    expect(changes(['c2'], 'e')).toEqual([[{ kind: 'update', from: 'c2', to: 'e' }]]);
    expect(changes(['b'], 'e')).toEqual([[{ kind: 'update', from: 'b', to: 'e' }]]);
  });

  it('merges several rows into one', () => {
    expect(changes(['d1', 'c2'], 'e')).toEqual([[{ kind: 'delete', from: 'd1' }, { kind: 'update', from: 'c2', to: 'e' }]]);
    expect(changes(['d1', 'c2'], 'c2branch@head')).toEqual([
      [{ kind: 'delete', from: 'd1' }, { kind: 'update', from: 'c2', to: 'f' }],
    ]);
  });
});

describe('planStamp --purge', () => {
  const map = RevisionMap.from([rev('a'), rev('b', 'a')]);

  it('deletes every current row, known or not, then stamps onto an empty table', () => {
    const plan = planStamp(map, ['zz', 'a', 'zz'], ['head'], { purge: true });
    expect(plan.map((s) => [s.revision.id, s.from, s.to, s.versionChanges])).toEqual([
      ['zz', ['zz'], [], [{ kind: 'delete', from: 'zz' }]],
      ['a', ['a'], [], [{ kind: 'delete', from: 'a' }]],
      ['b', [], ['b'], [{ kind: 'insert', to: 'b' }]],
    ]);
    expect(plan.every((s) => s.direction === 'stamp')).toBe(true);
    expect(plan[0]?.revision).toEqual({ id: 'zz', downRevisions: [], dependsOn: [], branchLabels: [], message: undefined, path: undefined });
    expect(headsAfter(['zz', 'a'], plan)).toEqual(new Set(['b']));
  });

  it('empties the table when stamping base', () => {
    expect(headsAfter(['zz'], planStamp(map, ['zz'], ['base'], { purge: true }))).toEqual(new Set());
  });
});
