import { describe, expect, it } from 'vitest';
import { InvalidTargetError, MultipleHeadsError, OverlappingRevisionsError, RevisionNotFoundError } from '../../src/errors.js';
import { planUpgrade } from '../../src/plan/plan-upgrade.js';
import { planDowngrade } from '../../src/plan/plan-downgrade.js';
import { planStamp } from '../../src/plan/plan-stamp.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { rev, headsAfter, thrown } from '../support/graph.js';
import type { RevisionInput } from '../../src/revision/revision.js';


function upgrade(map: RevisionMap, current: readonly string[], target: string): { steps: string[]; heads: Set<string> } {
  const plan = planUpgrade(map, current, target);
  return { steps: plan.map((s) => s.revision.id), heads: headsAfter(current, plan) };
}

describe('planUpgrade on a line (RevisionPathTest)', () => {
  const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b'), rev('d', 'c'), rev('e', 'd')]);

  it('upgrades along the path', () => {
    expect(upgrade(map, ['c'], 'e')).toEqual({ steps: ['d', 'e'], heads: new Set(['e']) });
    expect(upgrade(map, [], 'c')).toEqual({ steps: ['a', 'b', 'c'], heads: new Set(['c']) });
    expect(upgrade(map, [], 'head')).toEqual({ steps: ['a', 'b', 'c', 'd', 'e'], heads: new Set(['e']) });
  });

  it('records each step as Alembic logs and maintains the rows', () => {
    expect(planUpgrade(map, [], 'b')).toEqual([
      { direction: 'upgrade', revision: map.get('a'), from: [], to: ['a'], versionChanges: [{ kind: 'insert', to: 'a' }] },
      { direction: 'upgrade', revision: map.get('b'), from: ['a'], to: ['b'], versionChanges: [{ kind: 'update', from: 'a', to: 'b' }] },
    ]);
  });

  it('upgrades relative to the current revision or to a given one', () => {
    expect(upgrade(map, ['a'], '+2')).toEqual({ steps: ['b', 'c'], heads: new Set(['c']) });
    expect(upgrade(map, ['a'], '+1')).toEqual({ steps: ['b'], heads: new Set(['b']) });
    expect(upgrade(map, ['b'], '+3')).toEqual({ steps: ['c', 'd', 'e'], heads: new Set(['e']) });
    expect(upgrade(map, ['a'], 'b+2')).toEqual({ steps: ['b', 'c', 'd'], heads: new Set(['d']) });
    expect(upgrade(map, ['a'], 'd-2')).toEqual({ steps: ['b'], heads: new Set(['b']) });
  });

  it('rejects relative targets that do not produce enough migrations', () => {
    expect(thrown(() => planUpgrade(map, ['b'], '-2'))).toMatchObject({
      code: 'INVALID_TARGET',
      target: '-2',
      reason: "relative revision -2 didn't produce 2 migrations",
    });
    expect(thrown(() => planUpgrade(map, ['b'], '+5'))).toMatchObject({
      code: 'INVALID_TARGET',
      target: '+5',
      reason: "relative revision +5 didn't produce 5 migrations",
    });
    expect(thrown(() => planUpgrade(map, ['a'], 'c+9'))).toBeInstanceOf(InvalidTargetError);
  });

  it('plans nothing when the target is already applied', () => {
    expect(planUpgrade(map, ['e'], 'head')).toEqual([]);
    expect(planUpgrade(map, ['d'], 'b')).toEqual([]);
    expect(planUpgrade(map, [], 'base')).toEqual([]);
  });

  it('rejects a current head no revision defines', () => {
    const error = thrown(() => planUpgrade(map, ['zz'], 'head'));
    expect(error).toBeInstanceOf(RevisionNotFoundError);
    expect(error).toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'zz', source: 'database' });
  });

  it('tolerates a repeated current row', () => {
    expect(upgrade(map, ['c', 'c'], 'd').steps).toEqual(['d']);
  });
});

describe('planUpgrade with branches (BranchedPathTest)', () => {
  const map = RevisionMap.from([
    rev('a'),
    rev('b', 'a'),
    rev('c1', 'b', { branchLabels: 'c1branch' }),
    rev('d1', 'c1'),
    rev('c2', 'b', { branchLabels: 'c2branch' }),
    rev('d2', 'c2'),
  ]);

  it('upgrades a single branch', () => {
    expect(upgrade(map, ['b'], 'd1')).toEqual({ steps: ['c1', 'd1'], heads: new Set(['d1']) });
  });

  it('moves from one head to several', () => {
    expect(upgrade(map, ['a'], 'heads')).toEqual({ steps: ['b', 'c2', 'd2', 'c1', 'd1'], heads: new Set(['d1', 'd2']) });
    const branchPoint = planUpgrade(map, ['a'], 'heads')[3];
    expect(branchPoint?.versionChanges).toEqual([{ kind: 'insert', to: 'c1' }]);
  });

  it('refuses head when there are several heads', () => {
    const error = thrown(() => planUpgrade(map, ['a'], 'head'));
    expect(error).toBeInstanceOf(MultipleHeadsError);
    expect(error).toMatchObject({ code: 'MULTIPLE_HEADS', heads: ['d1', 'd2'], target: 'head' });
  });

  it('upgrades by branch label', () => {
    expect(upgrade(map, ['b'], 'c2branch@head-1')).toEqual({ steps: ['c2'], heads: new Set(['c2']) });
    expect(upgrade(map, ['b'], 'c1branch@head')).toEqual({ steps: ['c1', 'd1'], heads: new Set(['d1']) });
    expect(upgrade(map, ['c1'], 'c2branch@+1')).toEqual({ steps: ['c2'], heads: new Set(['c1', 'c2']) });
    expect(upgrade(map, ['c1', 'c2'], 'c2branch@+1')).toEqual({ steps: ['d2'], heads: new Set(['c1', 'd2']) });
  });

  it('refuses +N from several current heads', () => {
    const error = thrown(() => planUpgrade(map, ['c1', 'c2'], '+1'));
    expect(error).toBeInstanceOf(MultipleHeadsError);
    expect(error).toMatchObject({ heads: ['c1', 'c2'], target: '+1' });
  });

  it('upgrades from base', () => {
    expect(upgrade(map, [], 'base+1')).toEqual({ steps: ['a'], heads: new Set(['a']) });
    expect(upgrade(map, [], '+1')).toEqual({ steps: ['a'], heads: new Set(['a']) });
  });

  it('refuses a step that meets a branch point, with the target that takes each way', () => {
    const error = thrown(() => planUpgrade(map, ['b'], '+1'));
    expect(error).toMatchObject({
      code: 'AMBIGUOUS_STEP',
      target: '+1',
      at: 'b',
      walk: 'up',
      choices: [
        { through: 'c1', target: 'c1' },
        { through: 'c2', target: 'c2' },
      ],
    });
    expect((error as Error).message).toBe("Relative step '+1' is ambiguous: from b it could go up to c1 or c2");
  });
});

describe('planUpgrade across merge points', () => {
  it('upgrades one side of a merge point (BranchFromMergepointTest)', () => {
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
    expect(upgrade(map, ['d2', 'b1'], 'd1')).toEqual({ steps: ['c1', 'd1'], heads: new Set(['d2', 'd1']) });
  });

  describe('BranchFrom3WayMergepointTest', () => {
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

    it('upgrades one side', () => {
      expect(upgrade(map, ['d3', 'd2', 'b1'], 'd1')).toEqual({ steps: ['c1', 'd1'], heads: new Set(['d3', 'd2', 'd1']) });
    });

    it('merges two sides, then branches out again', () => {
      const plan = planUpgrade(map, ['d3', 'b2', 'b1'], 'd1');
      expect(plan.map((s) => s.revision.id)).toEqual(['c2', 'c1', 'd1']);
      expect(plan[2]?.versionChanges).toEqual([
        { kind: 'delete', from: 'c1' },
        { kind: 'update', from: 'c2', to: 'd1' },
      ]);
      expect(plan[2]).toMatchObject({ from: ['c1', 'c2', 'c3'], to: ['d1'] });
      expect(headsAfter(['d3', 'b2', 'b1'], plan)).toEqual(new Set(['d3', 'd1']));
      expect(upgrade(map, ['d3', 'd1'], 'd2')).toEqual({ steps: ['d2'], heads: new Set(['d3', 'd2', 'd1']) });
    });
  });

  it('merges three branches twice (TwinMergeTest)', () => {
    const map = RevisionMap.from([
      rev('a'),
      rev('b1', 'a'),
      rev('b2', 'a'),
      rev('b3', 'a'),
      rev('c1', ['b1', 'b2', 'b3']),
      rev('c2', ['b1', 'b2', 'b3']),
      rev('d1', 'c1'),
      rev('d2', 'c2'),
    ]);
    const plan = planUpgrade(map, ['a'], 'heads');
    expect(plan.map((s) => [s.revision.id, s.versionChanges])).toEqual([
      ['b3', [{ kind: 'update', from: 'a', to: 'b3' }]],
      ['b2', [{ kind: 'insert', to: 'b2' }]],
      ['b1', [{ kind: 'insert', to: 'b1' }]],
      ['c2', [{ kind: 'delete', from: 'b1' }, { kind: 'delete', from: 'b2' }, { kind: 'update', from: 'b3', to: 'c2' }]],
      ['d2', [{ kind: 'update', from: 'c2', to: 'd2' }]],
      ['c1', [{ kind: 'insert', to: 'c1' }]],
      ['d1', [{ kind: 'update', from: 'c1', to: 'd1' }]],
    ]);
    expect(headsAfter(['a'], plan)).toEqual(new Set(['d1', 'd2']));
  });

  it('merges overlapping pairs (NotQuiteTwinMergeTest)', () => {
    const map = RevisionMap.from([
      rev('a'),
      rev('b1', 'a'),
      rev('b2', 'a'),
      rev('b3', 'a'),
      rev('c1', ['b1', 'b2']),
      rev('c2', ['b2', 'b3']),
      rev('d1', 'c1'),
      rev('d2', 'c2'),
    ]);
    const plan = planUpgrade(map, ['a'], 'heads');
    // Alembic 1.8.1's order (its iterate_revisions on this graph, reversed).
    expect(plan.map((s) => s.revision.id)).toEqual(['b2', 'b3', 'c2', 'd2', 'b1', 'c1', 'd1']);
    expect(plan.find((s) => s.revision.id === 'c1')?.versionChanges).toEqual([{ kind: 'update', from: 'b1', to: 'c1' }]);
    expect(headsAfter(['a'], plan)).toEqual(new Set(['d1', 'd2']));
  });

  it('runs both branches before the merge point (MergedPathTest)', () => {
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
    const plan = planUpgrade(map, ['b'], 'f');
    expect(plan.map((s) => s.revision.id)).toEqual(['c2', 'd2', 'c1', 'd1', 'e', 'f']);
    expect(plan[2]?.versionChanges).toEqual([{ kind: 'insert', to: 'c1' }]);
    expect(plan[4]?.versionChanges).toEqual([
      { kind: 'delete', from: 'd1' },
      { kind: 'update', from: 'd2', to: 'e' },
    ]);
    expect(headsAfter(['b'], plan)).toEqual(new Set(['f']));
  });
});

describe('planUpgrade with dependencies', () => {
  it('runs a dependency on another branch first (DependsOnBranchLabelTest)', () => {
    const map = RevisionMap.from([
      rev('a1', undefined, { branchLabels: 'lib1' }),
      rev('b1', 'a1'),
      rev('c1', 'b1', { branchLabels: 'c1lib' }),
      rev('a2'),
      rev('b2', 'a2'),
      rev('c2', 'b2', { dependsOn: 'c1lib' }),
      rev('d1', 'c1'),
      rev('e1', 'd1'),
      rev('f1', 'e1'),
    ]);
    const plan = planUpgrade(map, ['a2'], 'c2');
    expect(plan.map((s) => s.revision.id)).toEqual(['a1', 'b1', 'c1', 'b2', 'c2']);
    expect(plan[4]).toMatchObject({
      from: ['b2'],
      versionChanges: [{ kind: 'delete', from: 'b2' }, { kind: 'update', from: 'c1', to: 'c2' }],
    });
    expect(headsAfter(['a2'], plan)).toEqual(new Set(['c2']));
  });

  it('depends on its own parent (DependsOnOwnDownrevTest)', () => {
    const map = RevisionMap.from([rev('a1'), rev('a2', 'a1', { dependsOn: 'a1' })]);
    expect(upgrade(map, [], 'a2')).toEqual({ steps: ['a1', 'a2'], heads: new Set(['a2']) });
  });

  it('upgrades a base that depends on another branch (DependsOnBranchTestFive)', () => {
    const map = RevisionMap.from([rev('a1'), rev('b1', undefined, { dependsOn: 'a1' }), rev('bmerge', ['a1', 'b1'])]);
    expect(upgrade(map, ['a1'], 'b1')).toEqual({ steps: ['b1'], heads: new Set(['b1']) });
    expect(upgrade(map, ['b1'], 'bmerge')).toEqual({ steps: ['bmerge'], heads: new Set(['bmerge']) });
  });

  it('resolves heads to the heads nothing depends on', () => {
    const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', undefined, { dependsOn: 'b' })]);
    expect(upgrade(map, [], 'heads')).toEqual({ steps: ['a', 'b', 'c'], heads: new Set(['c']) });
  });

  it('upgrades several roots (ForestTest)', () => {
    const map = RevisionMap.from([rev('a1'), rev('b1', 'a1'), rev('a2'), rev('b2', 'a2')]);
    expect(upgrade(map, [], 'heads')).toEqual({ steps: ['a2', 'b2', 'a1', 'b1'], heads: new Set(['b1', 'b2']) });
  });
});

describe('planUpgrade at scale', () => {
  it('plans upgrade head over a 10,000-revision chain', () => {
    const count = 10_000;
    const map = RevisionMap.from(Array.from({ length: count }, (_, i) => rev(`r${i}`, i === 0 ? undefined : `r${i - 1}`)));
    const plan = planUpgrade(map, [], 'head');
    expect(plan).toHaveLength(count);
    expect(plan[0]?.versionChanges).toEqual([{ kind: 'insert', to: 'r0' }]);
    expect(headsAfter([], plan)).toEqual(new Set([`r${count - 1}`]));
    expect(planUpgrade(map, ['r5000'], '+4999').at(-1)?.revision.id).toBe(`r${count - 1}`);
  });

  it('plans upgrade heads over two long branches sharing a dependency', () => {
    const revisions: RevisionInput[] = [rev('lib')];
    for (let i = 0; i < 4_000; i++) {
      revisions.push(rev(`x${i}`, i === 0 ? undefined : `x${i - 1}`, { dependsOn: 'lib' }));
      revisions.push(rev(`y${i}`, i === 0 ? undefined : `y${i - 1}`, { dependsOn: 'lib' }));
    }
    const map = RevisionMap.from(revisions);
    const plan = planUpgrade(map, [], 'heads');
    expect(plan).toHaveLength(8_001);
    expect(headsAfter([], plan)).toEqual(new Set(['x3999', 'y3999']));
  });
});

describe('version rows where one descends from another (issue 17)', () => {
  const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'b'), rev('x')]);

  it('are refused by every planner with the database as source, as Alembic refuses the upgrade', () => {
    const plans = [
      () => planUpgrade(map, ['a', 'b'], 'heads'),
      () => planDowngrade(map, ['a', 'b', 'x'], 'base'),
      () => planStamp(map, ['b', 'a'], ['c'], { purge: false }),
    ];
    for (const plan of plans) {
      const error = thrown(plan);
      expect(error).toBeInstanceOf(OverlappingRevisionsError);
      expect(error).toMatchObject({ revision: 'b', overlaps: ['a'], source: 'database' });
    }
    expect(headsAfter(['a', 'b'], planStamp(map, ['a', 'b'], ['b'], { purge: true }))).toEqual(new Set(['b']));
    expect(planUpgrade(map, ['b', 'x'], 'heads').map((step) => step.revision.id)).toEqual(['c']);
  });

  it('refuses an upgrade, as Alembic does, from a row next to one that depends on it; a downgrade goes through', () => {
    const deps = RevisionMap.from([rev('x1'), rev('y1'), rev('x2', 'x1'), rev('y2', 'y1', { dependsOn: 'x1' })]);
    expect(thrown(() => planUpgrade(deps, ['x1', 'y2'], 'heads'))).toMatchObject({ code: 'OVERLAPPING_REVISIONS', revision: 'y2', overlaps: ['x1'] });
    expect(planDowngrade(deps, ['x1', 'y2'], 'base').map((step) => step.revision.id)).toEqual(['y2', 'y1', 'x1']);
  });
});
