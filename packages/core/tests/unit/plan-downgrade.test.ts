import { describe, expect, it } from 'vitest';
import { InvalidTargetError, MultipleHeadsError, RangeNotAncestorError, RevisionNotFoundError } from '../../src/errors.js';
import { planDowngrade } from '../../src/plan/plan-downgrade.js';
import { planUpgrade } from '../../src/plan/plan-upgrade.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { rev, headsAfter, thrown } from '../support/graph.js';


function downgrade(map: RevisionMap, current: readonly string[], target: string): { steps: string[]; heads: Set<string> } {
  const plan = planDowngrade(map, current, target);
  return { steps: plan.map((s) => s.revision.id), heads: headsAfter(current, plan) };
}

describe('planDowngrade on a line (RevisionPathTest)', () => {
  const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b'), rev('d', 'c'), rev('e', 'd')]);

  it('downgrades along the path, to base, and to what is already current', () => {
    expect(downgrade(map, ['e'], 'c')).toEqual({ steps: ['e', 'd'], heads: new Set(['c']) });
    expect(downgrade(map, ['c'], 'base')).toEqual({ steps: ['c', 'b', 'a'], heads: new Set() });
    expect(downgrade(map, [], 'base')).toEqual({ steps: [], heads: new Set() });
    expect(downgrade(map, ['a'], 'a')).toEqual({ steps: [], heads: new Set(['a']) });
    expect(downgrade(map, ['e'], 'e')).toEqual({ steps: [], heads: new Set(['e']) });
  });

  it('records each step as Alembic logs and maintains the rows', () => {
    expect(planDowngrade(map, ['b'], 'base')).toEqual([
      { direction: 'downgrade', revision: map.get('b'), from: ['b'], to: ['a'], versionChanges: [{ kind: 'update', from: 'b', to: 'a' }] },
      { direction: 'downgrade', revision: map.get('a'), from: ['a'], to: [], versionChanges: [{ kind: 'delete', from: 'a' }] },
    ]);
  });

  it('downgrades relative to the current revision or to a given one', () => {
    expect(downgrade(map, ['c'], '-1')).toEqual({ steps: ['c'], heads: new Set(['b']) });
    expect(downgrade(map, ['e'], '-3')).toEqual({ steps: ['e', 'd', 'c'], heads: new Set(['b']) });
    expect(downgrade(map, ['d'], 'a+2')).toEqual({ steps: ['d'], heads: new Set(['c']) });
    expect(downgrade(map, ['d'], 'c-2')).toEqual({ steps: ['d', 'c', 'b'], heads: new Set(['a']) });
    expect(downgrade(map, ['a'], '-1')).toEqual({ steps: ['a'], heads: new Set() });
  });

  it('rejects -N past base, +N, and -N with nothing current', () => {
    expect(thrown(() => planDowngrade(map, ['b'], '-5'))).toMatchObject({
      code: 'INVALID_TARGET',
      target: '-5',
      reason: "relative revision -5 didn't produce 5 migrations",
    });
    const plus = thrown(() => planDowngrade(map, ['b'], '+2'));
    expect(plus).toBeInstanceOf(InvalidTargetError);
    expect(plus).toMatchObject({ target: '+2', reason: "relative revision +2 didn't produce 2 migrations" });
    expect(thrown(() => planDowngrade(map, [], '-1'))).toMatchObject({
      target: '-1',
      reason: "relative revision -1 didn't produce 1 migrations",
    });
    expect(thrown(() => planDowngrade(map, ['e'], 'c+9'))).toBeInstanceOf(InvalidTargetError);
  });

  it('rejects a target that is not below the current revisions', () => {
    const fromNothing = thrown(() => planDowngrade(map, [], 'b'));
    expect(fromNothing).toBeInstanceOf(RangeNotAncestorError);
    expect(fromNothing).toMatchObject({ code: 'RANGE_NOT_ANCESTOR', lower: 'b', upper: 'base' });
    expect(thrown(() => planDowngrade(map, ['b'], 'c'))).toMatchObject({ lower: 'c', upper: 'b' });
  });

  it('rejects a current head no revision defines', () => {
    const error = thrown(() => planDowngrade(map, ['a', 'zz'], 'base'));
    expect(error).toBeInstanceOf(RevisionNotFoundError);
    expect(error).toMatchObject({ revision: 'zz', source: 'database' });
  });
});

describe('planDowngrade with branches (BranchedPathTest)', () => {
  const map = RevisionMap.from([
    rev('a'),
    rev('b', 'a'),
    rev('c1', 'b', { branchLabels: 'c1branch' }),
    rev('d1', 'c1'),
    rev('c2', 'b', { branchLabels: 'c2branch' }),
    rev('d2', 'c2'),
  ]);

  it('downgrades both branches to below the branch point', () => {
    expect(downgrade(map, ['d1', 'd2'], 'a')).toEqual({ steps: ['d1', 'c1', 'd2', 'c2', 'b'], heads: new Set(['a']) });
    const plan = planDowngrade(map, ['d1', 'd2'], 'a');
    expect(plan[1]?.versionChanges).toEqual([{ kind: 'delete', from: 'c1' }]);
  });

  it('downgrades to base+N and <branch>@base+N', () => {
    expect(downgrade(map, ['d2', 'd1'], 'base+2')).toEqual({ steps: ['d1', 'c1', 'd2', 'c2'], heads: new Set(['b']) });
    expect(downgrade(map, ['d2', 'd1'], 'c2branch@base+2')).toEqual({ steps: ['d2', 'c2'], heads: new Set(['d1']) });
    expect(downgrade(map, ['d2', 'd1'], 'c2')).toEqual({ steps: ['d2'], heads: new Set(['d1', 'c2']) });
    expect(downgrade(map, ['d2', 'd1'], 'c2branch@base+3')).toEqual({ steps: ['d2'], heads: new Set(['d1', 'c2']) });
  });

  it('refuses -1 from several current heads, giving the target that takes the step from each (issue 17)', () => {
    // Alembic 1.8.1 warns and takes the first row; which branch went down depended on row order.
    for (const rows of [['d2', 'd1'], ['c2', 'd1'], ['d1', 'd2'], ['c1', 'd2']]) {
      const error = thrown(() => planDowngrade(map, rows, '-1'));
      expect(error).toBeInstanceOf(MultipleHeadsError);
      expect(error).toMatchObject({ heads: rows, target: '-1' });
    }
    expect(thrown(() => planDowngrade(map, ['d2', 'd1'], '-2'))).toMatchObject({ perHead: ['c2branch@-2', 'c1branch@-2'] });
    // Each target does what Alembic's -1 did when that head was the first row.
    expect(downgrade(map, ['d2', 'd1'], 'c2branch@-1')).toEqual({ steps: ['d2'], heads: new Set(['d1', 'c2']) });
    expect(downgrade(map, ['c2', 'd1'], 'c2branch@-1')).toEqual({ steps: ['c2'], heads: new Set(['d1']) });
    expect(downgrade(map, ['d1', 'd2'], 'c1branch@-1')).toEqual({ steps: ['d1'], heads: new Set(['d2', 'c1']) });
    expect(downgrade(map, ['c1', 'd2'], 'c1branch@-1')).toEqual({ steps: ['c1'], heads: new Set(['d2']) });
  });

  it('names a head by its id when no label covers it alone', () => {
    const forest = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c')]);
    const error = thrown(() => planDowngrade(forest, ['b', 'c'], '-1'));
    expect(error).toMatchObject({ heads: ['b', 'c'], perHead: ['b@-1', 'c@-1'] });
    expect(downgrade(forest, ['b', 'c'], 'b@-1')).toEqual({ steps: ['b'], heads: new Set(['a', 'c']) });
    expect(downgrade(forest, ['b', 'c'], 'c@-1')).toEqual({ steps: ['c'], heads: new Set(['b']) });
  });

  it('downgrades one branch by label or revision', () => {
    expect(downgrade(map, ['d1', 'd2'], 'c1branch@-1')).toEqual({ steps: ['d1'], heads: new Set(['c1', 'd2']) });
    expect(downgrade(map, ['d2', 'c1'], 'd2-1')).toEqual({ steps: ['d2'], heads: new Set(['c1', 'c2']) });
    expect(downgrade(map, ['c1', 'd2'], 'd2-1')).toEqual({ steps: ['d2'], heads: new Set(['c1', 'c2']) });
    expect(downgrade(map, ['c1', 'd2'], 'c1branch@b')).toEqual({ steps: ['c1'], heads: new Set(['d2']) });
    expect(downgrade(map, ['c1', 'd2'], 'c2branch@b')).toEqual({ steps: ['d2', 'c2'], heads: new Set(['c1']) });
    expect(downgrade(map, ['d1', 'd2'], 'c2@b')).toEqual({ steps: ['d2', 'c2'], heads: new Set(['d1']) });
    expect(downgrade(map, ['d1', 'd2'], 'd1@b')).toEqual({ steps: ['d1', 'c1'], heads: new Set(['d2']) });
    expect(downgrade(map, ['d1', 'd2'], 'c1branch@head-1')).toEqual({ steps: ['d1'], heads: new Set(['c1', 'd2']) });
  });

  it('does nothing for a target that is already a current head', () => {
    expect(downgrade(map, ['d1', 'c2'], 'c2')).toEqual({ steps: [], heads: new Set(['d1', 'c2']) });
    expect(downgrade(map, ['d1', 'c2'], 'd1')).toEqual({ steps: [], heads: new Set(['d1', 'c2']) });
  });
});

describe('planDowngrade across merge points', () => {
  it('downgrades one side of a merge point (BranchFromMergepointTest)', () => {
    const map = RevisionMap.from([
      rev('a1'),
      rev('b1', 'a1'),
      rev('c1', 'b1'),
      rev('a2'),
      rev('b2', 'a2'),
      rev('c2', 'b2'),
      rev('d1', ['c1', 'c2']),
      rev('d2', 'c2'),
    ]);
    expect(downgrade(map, ['d2', 'd1'], 'b1')).toEqual({ steps: ['d1', 'c1'], heads: new Set(['d2', 'b1']) });
  });

  it('downgrades one side of a 3-way merge point (BranchFrom3WayMergepointTest)', () => {
    const map = RevisionMap.from([
      rev('a1'),
      rev('b1', 'a1'),
      rev('c1', 'b1'),
      rev('a2'),
      rev('b2', 'a2'),
      rev('c2', 'b2'),
      rev('a3'),
      rev('b3', 'a3'),
      rev('c3', 'b3'),
      rev('d1', ['c1', 'c2', 'c3']),
      rev('d2', 'c2'),
      rev('d3', 'c3'),
    ]);
    const plan = planDowngrade(map, ['d3', 'd2', 'd1'], 'b1');
    expect(plan.map((s) => s.revision.id)).toEqual(['d1', 'c1']);
    expect(plan[0]).toMatchObject({ from: ['d1'], to: ['c1', 'c2', 'c3'], versionChanges: [{ kind: 'update', from: 'd1', to: 'c1' }] });
    expect(headsAfter(['d3', 'd2', 'd1'], plan)).toEqual(new Set(['d3', 'd2', 'b1']));
  });

  it('unmerges a merge point (MergedPathTest)', () => {
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
    const plan = planDowngrade(map, ['f'], 'b');
    expect(plan.map((s) => [s.revision.id, s.versionChanges])).toEqual([
      ['f', [{ kind: 'update', from: 'f', to: 'e' }]],
      ['e', [{ kind: 'insert', to: 'd1' }, { kind: 'update', from: 'e', to: 'd2' }]],
      ['d1', [{ kind: 'update', from: 'd1', to: 'c1' }]],
      ['c1', [{ kind: 'delete', from: 'c1' }]],
      ['d2', [{ kind: 'update', from: 'd2', to: 'c2' }]],
      ['c2', [{ kind: 'update', from: 'c2', to: 'b' }]],
    ]);
    expect(headsAfter(['f'], plan)).toEqual(new Set(['b']));
  });
});

describe('planDowngrade with dependencies', () => {
  it('drops a row whose parent another head depends on (DependsOnBranchTestOne)', () => {
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
    expect(downgrade(map, ['c2', 'd1'], 'c1')).toEqual({ steps: ['d1'], heads: new Set(['c2']) });
  });

  describe('DependsOnBranchTestTwo', () => {
    const map = RevisionMap.from([
      rev('a1'),
      rev('a2'),
      rev('a3'),
      rev('amerge', ['a1', 'a2', 'a3']),
      rev('b1'),
      rev('b2'),
      rev('bmerge', ['b1', 'b2']),
      rev('c1'),
      rev('c2'),
      rev('c3'),
      rev('cmerge', ['c1', 'c2', 'c3']),
      rev('d1', undefined, { dependsOn: ['a3', 'b2', 'c1'] }),
    ]);

    it('unmerges only the parent no other head implies', () => {
      expect(downgrade(map, ['amerge', 'bmerge', 'cmerge', 'd1'], 'b2')).toEqual({
        steps: ['bmerge'],
        heads: new Set(['amerge', 'b1', 'cmerge', 'd1']),
      });
    });

    it('inserts a dependency that a removed revision implied', () => {
      expect(downgrade(map, ['amerge', 'd1', 'b1', 'cmerge'], 'd1@base')).toEqual({
        steps: ['d1'],
        heads: new Set(['amerge', 'b1', 'b2', 'cmerge']),
      });
    });

    it('downgrades everything to base', () => {
      const result = downgrade(map, ['amerge', 'b1', 'b2', 'cmerge'], 'base');
      expect(result.steps.sort()).toEqual(['a1', 'a2', 'a3', 'amerge', 'b1', 'b2', 'c1', 'c2', 'c3', 'cmerge']);
      expect(result.heads).toEqual(new Set());
    });
  });

  it('removes half of a criss-crossed merge (DependsOnBranchTestThree)', () => {
    const map = RevisionMap.from([
      rev('a1'),
      rev('a2', 'a1'),
      rev('b1'),
      rev('b2', 'b1', { dependsOn: 'a2' }),
      rev('b3', 'b2'),
      rev('a3', 'a2', { dependsOn: 'b1' }),
    ]);
    expect(downgrade(map, ['a3', 'b2'], 'b1')).toEqual({ steps: ['b2'], heads: new Set(['a3']) });
  });

  it('downgrades a revision that depends on its own parent (DependsOnOwnDownrevTest)', () => {
    const map = RevisionMap.from([rev('a1'), rev('a2', 'a1', { dependsOn: 'a1' })]);
    expect(downgrade(map, ['a2'], 'a1')).toEqual({ steps: ['a2'], heads: new Set(['a1']) });
  });

  it('keeps a normalized dependency implied (DependsOnBranchTestFour)', () => {
    const map = RevisionMap.from([
      rev('a1'),
      rev('a2', 'a1'),
      rev('a3', 'a2'),
      rev('b1'),
      rev('b2', 'b1', { dependsOn: 'a3' }),
      rev('b3', 'b2'),
      rev('b4', 'b3', { dependsOn: 'a3' }),
    ]);
    expect(downgrade(map, ['b4'], 'b3')).toEqual({ steps: ['b4'], heads: new Set(['b3']) });
  });

  it('returns to the dependent base (DependsOnBranchTestFive)', () => {
    const map = RevisionMap.from([rev('a1'), rev('b1', undefined, { dependsOn: 'a1' }), rev('bmerge', ['a1', 'b1'])]);
    expect(downgrade(map, ['bmerge'], 'a1')).toEqual({ steps: ['bmerge'], heads: new Set(['b1']) });
    expect(downgrade(map, ['bmerge'], 'b1')).toEqual({ steps: ['bmerge'], heads: new Set(['b1']) });
  });

  describe('BranchedPathTestCrossDependencies', () => {
    const map = RevisionMap.from([
      rev('a'),
      rev('b', 'a'),
      rev('c1', 'b', { branchLabels: 'c1branch' }),
      rev('d1', 'c1'),
      rev('c2', 'b', { branchLabels: 'c2branch' }),
      rev('d2', 'c2', { dependsOn: 'c1' }),
    ]);

    it('takes down the dependent branch on its own', () => {
      expect(downgrade(map, ['d1', 'd2'], 'c2branch@b')).toEqual({ steps: ['d2', 'c2'], heads: new Set(['d1']) });
    });

    it('takes down what depends on the branch too', () => {
      const { steps, heads } = downgrade(map, ['d1', 'd2'], 'c1branch@b');
      expect([...steps].sort()).toEqual(['c1', 'd1', 'd2']);
      expect(steps.indexOf('d1')).toBeLessThan(steps.indexOf('c1'));
      expect(steps.indexOf('d2')).toBeLessThan(steps.indexOf('c1'));
      expect(heads).toEqual(new Set(['c2']));
    });
  });

  describe('MultipleBranchEffectiveHead', () => {
    const map = RevisionMap.from([
      rev('y1', undefined, { branchLabels: 'y' }),
      rev('x1', undefined, { branchLabels: 'x' }),
      rev('y2', 'y1', { dependsOn: 'x1' }),
      rev('x2', 'x1'),
    ]);

    it('downgrades a branch whose head another branch depends on', () => {
      expect(downgrade(map, ['x2', 'y2'], 'x@-1')).toEqual({ steps: ['x2'], heads: new Set(['y2']) });
      expect(downgrade(map, ['x1', 'y2'], 'x@-1')).toEqual({ steps: ['y2', 'x1'], heads: new Set(['y1']) });
      expect(downgrade(map, ['y2'], 'x@-1')).toEqual({ steps: ['y2', 'x1'], heads: new Set(['y1']) });
    });
  });
});

describe('planDowngrade after planUpgrade', () => {
  it('returns a 10,000-revision chain to base', () => {
    const count = 10_000;
    const map = RevisionMap.from(Array.from({ length: count }, (_, i) => rev(`r${i}`, i === 0 ? undefined : `r${i - 1}`)));
    const up = planUpgrade(map, [], 'head');
    const heads = [...headsAfter([], up)];
    const down = planDowngrade(map, heads, 'base');
    expect(down).toHaveLength(count);
    expect(headsAfter(heads, down)).toEqual(new Set());
    expect(downgrade(map, heads, '-2').heads).toEqual(new Set([`r${count - 3}`]));
  });
});
