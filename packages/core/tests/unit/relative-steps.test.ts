import { describe, expect, it } from 'vitest';
import { AmbiguousStepError, InvalidTargetError, MultipleHeadsError, RangeNotAncestorError } from '../../src/errors.js';
import { planDowngrade } from '../../src/plan/plan-downgrade.js';
import { planUpgrade } from '../../src/plan/plan-upgrade.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { headsAfter, rev, thrown } from '../support/graph.js';

/**
 * Relative steps through merges and branch points (issue 20): where Alembic 1.8.1 stops
 * with "Ambiguous walk", `-N` counts through a merge in the order `downgrade` runs, and a
 * step that must choose a branch is refused with the target that takes each way.
 */

// a ← b ← c1 ← d1 ┐
//       ← c2 ─────┴ m ← e (tip)
const map = RevisionMap.from([
  rev('a'),
  rev('b', 'a'),
  rev('c1', 'b'),
  rev('d1', 'c1'),
  rev('c2', 'b'),
  rev('m', ['d1', 'c2']),
  rev('e', 'm', { branchLabels: 'tip' }),
]);

function downgrade(current: readonly string[], target: string): { steps: string[]; heads: Set<string> } {
  const plan = planDowngrade(map, current, target);
  return { steps: plan.map((s) => s.revision.id), heads: headsAfter(current, plan) };
}

function upgrade(current: readonly string[], target: string): { steps: string[]; heads: Set<string> } {
  const plan = planUpgrade(map, current, target);
  return { steps: plan.map((s) => s.revision.id), heads: headsAfter(current, plan) };
}

describe('downgrade -N through a merge', () => {
  const toBase = planDowngrade(map, ['m'], 'base').map((s) => s.revision.id);

  it('-1 at a merge undoes the merge and leaves a row per parent', () => {
    expect(downgrade(['m'], '-1')).toEqual({ steps: ['m'], heads: new Set(['d1', 'c2']) });
    expect(planDowngrade(map, ['m'], '-1')[0]?.versionChanges).toEqual([
      { kind: 'insert', to: 'd1' },
      { kind: 'update', from: 'm', to: 'c2' },
    ]);
  });

  it('-N counts the migrations in the order downgrade base runs them', () => {
    expect(toBase).toEqual(['m', 'd1', 'c1', 'c2', 'b', 'a']);
    expect(downgrade(['m'], '-2')).toEqual({ steps: ['m', 'd1'], heads: new Set(['c1', 'c2']) });
    for (let n = 1; n <= toBase.length; n++) expect(downgrade(['m'], `-${n}`).steps).toEqual(toBase.slice(0, n));
    expect(downgrade(['m'], `-${toBase.length}`).heads).toEqual(new Set());
  });

  it('keeps the walk where it meets no merge, and counts on from there', () => {
    expect(downgrade(['e'], '-1')).toEqual({ steps: ['e'], heads: new Set(['m']) });
    expect(downgrade(['e'], '-2')).toEqual({ steps: ['e', 'm'], heads: new Set(['d1', 'c2']) });
    expect(downgrade(['e'], '-3')).toEqual({ steps: ['e', 'm', 'd1'], heads: new Set(['c1', 'c2']) });
    expect(downgrade(['d1'], '-2')).toEqual({ steps: ['d1', 'c1'], heads: new Set(['b']) });
  });

  it('counts from a branch or a revision too: <branch>@-N, <branch>@head-N, <id>-N', () => {
    expect(downgrade(['e'], 'tip@-2')).toEqual({ steps: ['e', 'm'], heads: new Set(['d1', 'c2']) });
    expect(downgrade(['e'], 'tip@head-2')).toEqual({ steps: ['e', 'm'], heads: new Set(['d1', 'c2']) });
    expect(downgrade(['e'], 'm-1')).toEqual({ steps: ['e', 'm'], heads: new Set(['d1', 'c2']) });
    // Already there, or partly: only what is applied above the target goes.
    expect(downgrade(['d1', 'c2'], 'm-1')).toEqual({ steps: [], heads: new Set(['d1', 'c2']) });
    expect(downgrade(['d1', 'c2'], 'm-2')).toEqual({ steps: ['d1'], heads: new Set(['c1', 'c2']) });
  });

  it('refuses -N past base, a target above the database, and -N from several heads', () => {
    expect(thrown(() => planDowngrade(map, ['m'], '-7'))).toMatchObject({
      code: 'INVALID_TARGET',
      reason: "relative revision -7 didn't produce 7 migrations",
    });
    expect(thrown(() => planDowngrade(map, ['d1'], 'm-1'))).toBeInstanceOf(RangeNotAncestorError);
    const error = thrown(() => planDowngrade(map, ['d1', 'c2'], '-1'));
    expect(error).toBeInstanceOf(MultipleHeadsError);
    expect(error).toMatchObject({ heads: ['d1', 'c2'], perHead: ['d1@-1', 'c2@-1'] });
  });
});

describe('upgrade relative steps', () => {
  it('<merge>-N is where N downgrade steps from the merge would leave the database', () => {
    expect(upgrade([], 'm-1')).toEqual({ steps: ['a', 'b', 'c2', 'c1', 'd1'], heads: new Set(['d1', 'c2']) });
    expect(upgrade(['b'], 'e-2')).toEqual({ steps: ['c2', 'c1', 'd1'], heads: new Set(['d1', 'c2']) });
  });

  it('+N that meets a branch point is refused with the revision each way reaches', () => {
    const one = thrown(() => planUpgrade(map, ['b'], '+1'));
    expect(one).toBeInstanceOf(AmbiguousStepError);
    expect(one).toMatchObject({
      target: '+1',
      at: 'b',
      walk: 'up',
      choices: [
        { through: 'c1', target: 'c1' },
        { through: 'c2', target: 'c2' },
      ],
    });
    expect(thrown(() => planUpgrade(map, ['a'], '+3'))).toMatchObject({
      target: '+3',
      at: 'b',
      choices: [
        { through: 'c1', target: 'd1' },
        { through: 'c2', target: 'm' },
      ],
    });
    // Each choice, run, does what it names.
    expect(upgrade(['b'], 'd1').heads).toEqual(new Set(['d1']));
    expect(upgrade(['b'], 'm').heads).toEqual(new Set(['m']));
    expect(thrown(() => planUpgrade(map, ['b'], 'b+2'))).toMatchObject({
      target: 'b+2',
      choices: [
        { through: 'c1', target: 'd1' },
        { through: 'c2', target: 'm' },
      ],
    });
  });

  it('names several first revisions as base, keeps a way that meets another fork as <id>+N, and drops a way too short', () => {
    const forks = RevisionMap.from([rev('x'), rev('y1', 'x'), rev('y2', 'x'), rev('z1', 'y1'), rev('z2', 'y1'), rev('w')]);
    expect(thrown(() => planUpgrade(forks, [], '+1'))).toMatchObject({
      at: 'base',
      choices: [
        { through: 'x', target: 'x' },
        { through: 'w', target: 'w' },
      ],
    });
    expect(thrown(() => planUpgrade(forks, ['x'], 'x+2'))).toMatchObject({
      choices: [{ through: 'y1', target: 'y1+1' }],
    });
    // No way takes all the steps: past the end, as before.
    expect(thrown(() => planUpgrade(forks, ['x'], '+5'))).toBeInstanceOf(InvalidTargetError);
  });
});

describe('history ranges through merges and branch points', () => {
  it('-N: counts through a merge', () => {
    expect(map.history('-1:m').map((r) => r.id)).toEqual(['m', 'd1', 'c2']);
    expect(map.history('-1:').map((r) => r.id)).toEqual(['e', 'm']);
    expect(map.history('-2:').map((r) => r.id)).toEqual(['e', 'm', 'd1', 'c2']);
    expect(map.history('m-1:e').map((r) => r.id)).toEqual(['e', 'm', 'd1', 'c2']);
  });

  it('+N that meets a branch point names a whole range per way', () => {
    expect(thrown(() => map.history('b:b+1'))).toMatchObject({
      code: 'AMBIGUOUS_STEP',
      target: 'b:b+1',
      choices: [
        { through: 'c1', target: 'b:c1' },
        { through: 'c2', target: 'b:c2' },
      ],
    });
    expect(thrown(() => map.history('b+1:'))).toMatchObject({
      target: 'b+1:',
      choices: [
        { through: 'c1', target: 'c1:' },
        { through: 'c2', target: 'c2:' },
      ],
    });
  });
});
