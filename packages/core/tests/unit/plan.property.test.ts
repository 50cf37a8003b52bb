import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMigrateError } from '../../src/errors.js';
import { applyVersionChanges, type MigrationStep } from '../../src/plan/migration-step.js';
import { planDowngrade } from '../../src/plan/plan-downgrade.js';
import { planStamp } from '../../src/plan/plan-stamp.js';
import { planUpgrade } from '../../src/plan/plan-upgrade.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import type { RevisionInput } from '../../src/revision/revision.js';

/** A random DAG: every revision points only at earlier ones, through parents and dependencies. */
interface Graph {
  readonly ids: readonly string[];
  readonly revisions: readonly RevisionInput[];
  /** Parents and dependencies of each revision. */
  readonly below: ReadonlyMap<string, readonly string[]>;
  readonly parents: ReadonlyMap<string, readonly string[]>;
}

const graphArbitrary: fc.Arbitrary<Graph> = fc
  .array(
    fc.record({
      parents: fc.uniqueArray(fc.nat(), { maxLength: 3 }),
      dependencies: fc.uniqueArray(fc.nat(), { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((specs) => {
    const ids = specs.map((_, i) => `r${i}`);
    const revisions: RevisionInput[] = [];
    const below = new Map<string, readonly string[]>();
    const parents = new Map<string, readonly string[]>();
    specs.forEach((spec, i) => {
      const id = ids[i] as string;
      const down = i === 0 ? [] : [...new Set(spec.parents.map((p) => ids[p % i] as string))];
      const deps = i === 0 ? [] : [...new Set(spec.dependencies.map((d) => ids[d % i] as string))].filter((d) => !down.includes(d));
      revisions.push({ id, downRevisions: down, dependsOn: deps });
      parents.set(id, down);
      below.set(id, [...down, ...deps]);
    });
    return { ids, revisions, below, parents };
  });

/** The reference model: plain closures over the graph, no cleverness. */
function closure(starts: Iterable<string>, next: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length > 0) {
    const id = todo.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...next(id));
  }
  return seen;
}

const above = (g: Graph, id: string): string[] => g.ids.filter((other) => g.below.get(other)?.includes(id));
const ancestorsOf = (g: Graph, ids: Iterable<string>): Set<string> => closure(ids, (id) => g.below.get(id) ?? []);
const descendantsOf = (g: Graph, ids: Iterable<string>): Set<string> => closure(ids, (id) => above(g, id));
/** The revisions of a set that nothing else in the set stands on: what the version table should hold. */
const headsOf = (g: Graph, applied: ReadonlySet<string>): Set<string> =>
  new Set([...applied].filter((id) => !above(g, id).some((other) => applied.has(other))));

interface State {
  rows: string[];
  readonly applied: Set<string>;
}

/** Replays a plan on the model, checking order, uniqueness and the rows after every step. */
function replay(g: Graph, state: State, plan: readonly MigrationStep[]): void {
  for (const step of plan) {
    const id = step.revision.id;
    if (step.direction === 'upgrade') {
      expect(state.applied.has(id), `${id} applied twice`).toBe(false);
      for (const needed of g.below.get(id) ?? []) expect(state.applied.has(needed), `${needed} before ${id}`).toBe(true);
      state.applied.add(id);
    } else {
      expect(step.direction).toBe('downgrade');
      expect(state.applied.has(id), `${id} downgraded while not applied`).toBe(true);
      for (const dependent of above(g, id)) expect(state.applied.has(dependent), `${dependent} still needs ${id}`).toBe(false);
      state.applied.delete(id);
    }
    state.rows = applyVersionChanges(state.rows, step.versionChanges);
    expect(new Set(state.rows).size, 'a row twice').toBe(state.rows.length);
    expect(new Set(state.rows)).toEqual(headsOf(g, state.applied));
  }
}

function upgradeTo(g: Graph, map: RevisionMap, state: State, target: string): void {
  const expected = new Set([...state.applied, ...ancestorsOf(g, target === 'heads' ? map.realHeads : [target])]);
  replay(g, state, planUpgrade(map, state.rows, target));
  expect(state.applied).toEqual(expected);
}

function downgradeTo(g: Graph, map: RevisionMap, state: State, target: string): void {
  const roots = target === 'base' ? g.ids.filter((id) => (g.parents.get(id) ?? []).length === 0) : g.ids.filter((id) => g.parents.get(id)?.includes(target));
  const dropped = [...descendantsOf(g, roots)].filter((id) => state.applied.has(id));
  if (target !== 'base' && dropped.length === 0 && !state.rows.includes(target)) {
    expect(() => planDowngrade(map, state.rows, target)).toThrow(expect.objectContaining({ code: 'RANGE_NOT_ANCESTOR' }));
    return;
  }
  const expected = new Set([...state.applied].filter((id) => !dropped.includes(id)));
  replay(g, state, planDowngrade(map, state.rows, target));
  expect(state.applied).toEqual(expected);
}

const scenario = fc
  .tuple(graphArbitrary, fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }))
  .map(([graph, picks, symbolic]) => {
    const pick = (i: number): string => graph.ids[(picks[i] ?? 0) % graph.ids.length] as string;
    return {
      graph,
      upgrades: [symbolic[0] ? 'heads' : pick(0), pick(1), symbolic[2] ? 'heads' : pick(2)] as const,
      downgrade: symbolic[3] ? 'base' : pick(3),
    };
  });

describe('planners on random graphs', () => {
  it('upgrade then downgrade then upgrade keeps the rows equal to the heads of what is applied', () => {
    fc.assert(
      fc.property(scenario, ({ graph, upgrades, downgrade }) => {
        const map = RevisionMap.from(graph.revisions);
        const state: State = { rows: [], applied: new Set() };
        upgradeTo(graph, map, state, upgrades[0]);
        upgradeTo(graph, map, state, upgrades[1]);
        downgradeTo(graph, map, state, downgrade);
        upgradeTo(graph, map, state, upgrades[2]);
      }),
      { numRuns: 400 },
    );
  });

  it('stamping a revision records exactly the heads of its ancestors, from any state', () => {
    fc.assert(
      fc.property(scenario, ({ graph, upgrades, downgrade }) => {
        const map = RevisionMap.from(graph.revisions);
        const rows = planUpgrade(map, [], upgrades[0]).reduce<string[]>((r, s) => applyVersionChanges(r, s.versionChanges), []);
        for (const purge of [true, false]) {
          const plan = planStamp(map, rows, [downgrade], { purge });
          expect(plan.every((s) => s.direction === 'stamp')).toBe(true);
          const after = plan.reduce<string[]>((r, s) => applyVersionChanges(r, s.versionChanges), [...rows]);
          if (purge || rows.length === 0) {
            expect(new Set(after)).toEqual(downgrade === 'base' ? new Set() : new Set([downgrade]));
          }
          expect(new Set(after).size).toBe(after.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('only ever throws typed errors', () => {
    fc.assert(
      fc.property(graphArbitrary, fc.array(fc.constantFrom('+1', '-1', '+2', '-2', 'head', 'heads', 'base', 'r0+1', 'r1-1'), { minLength: 3, maxLength: 3 }), (graph, targets) => {
        const map = RevisionMap.from(graph.revisions);
        let rows: string[] = [];
        for (const [i, target] of targets.entries()) {
          try {
            const plan = i % 2 === 0 ? planUpgrade(map, rows, target) : planDowngrade(map, rows, target);
            rows = plan.reduce<string[]>((r, s) => applyVersionChanges(r, s.versionChanges), rows);
          } catch (error) {
            expect(isMigrateError(error), String(error)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Alembic 1.8.1's `_topological_sort` (alembic/script/revision.py), line for line, with
 * its ancestor sets: the reference for `sortNewestFirst`. `undefined` where Alembic fails
 * its final `assert not todo`.
 */
function alembicTopologicalSort(map: RevisionMap, inputOrder: readonly string[], revisions: Iterable<string>, heads: Iterable<string>): string[] | undefined {
  const getAncestors = (id: string): Set<string> => closure([id], (r) => map.normalizedDownRevisions(r));
  const todo = new Set(revisions);
  const currentHeads = [...new Set([...heads].filter((id) => todo.has(id)))].sort((a, b) => inputOrder.indexOf(a) - inputOrder.indexOf(b));
  const ancestorsByIdx = currentHeads.map(getAncestors);
  const output: string[] = [];
  let currentCandidateIdx = 0;
  while (currentHeads.length > 0) {
    const candidate = currentHeads[currentCandidateIdx] as string;
    const blockedBy = ancestorsByIdx.findIndex((ancestors, i) => i !== currentCandidateIdx && ancestors.has(candidate));
    if (blockedBy !== -1) {
      currentCandidateIdx = blockedBy;
      continue;
    }
    if (todo.has(candidate)) {
      output.push(candidate);
      todo.delete(candidate);
    }
    const down = map.normalizedDownRevisions(candidate);
    const headsToAdd = down.filter((r) => todo.has(r) && !currentHeads.includes(r));
    if (headsToAdd.length === 0) {
      currentHeads.splice(currentCandidateIdx, 1);
      ancestorsByIdx.splice(currentCandidateIdx, 1);
      currentCandidateIdx = Math.max(currentCandidateIdx - 1, 0);
    } else {
      currentHeads[currentCandidateIdx] = headsToAdd[0] as string;
      ancestorsByIdx[currentCandidateIdx] = getAncestors(headsToAdd[0] as string);
      for (const head of headsToAdd.slice(1)) {
        currentHeads.push(head);
        ancestorsByIdx.push(getAncestors(head));
      }
    }
  }
  return todo.size === 0 ? output : undefined;
}

describe('sortNewestFirst', () => {
  it("orders what upgrades, downgrades and history walk exactly as Alembic's _topological_sort does", () => {
    fc.assert(
      fc.property(
        graphArbitrary.chain((g) =>
          fc.tuple(
            fc.constant(g),
            fc.shuffledSubarray([...g.revisions], { minLength: g.revisions.length }),
            fc.subarray([...g.ids]),
            fc.subarray([...g.ids], { minLength: 1 }),
          ),
        ),
        ([, shuffled, current, targets]) => {
          const map = RevisionMap.from(shuffled);
          const inputOrder = shuffled.map((r) => r.id);
          // upgrade: what the targets need beyond the current revisions, from the targets
          const needed = new Set(map.ancestors(targets, { includeDependencies: true }));
          for (const id of map.ancestors(current, { includeDependencies: true })) needed.delete(id);
          const upgrade = alembicTopologicalSort(map, inputOrder, needed, targets);
          if (upgrade) expect(map.sortNewestFirst(needed, targets)).toEqual(upgrade);
          // downgrade: what lies above the targets among the current revisions, from the current heads
          const active = map.ancestors(current, { includeDependencies: true });
          const dropped = [...map.descendants(targets, { includeDependencies: true })].filter((id) => active.has(id));
          const downgrade = alembicTopologicalSort(map, inputOrder, dropped, current);
          if (downgrade) expect(map.sortNewestFirst(dropped, current)).toEqual(downgrade);
          // the whole history, from the real heads
          expect(map.history().map((r) => r.id)).toEqual(alembicTopologicalSort(map, inputOrder, inputOrder, map.realHeads));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('orders any subset from any heads newest first, every member once, even where Alembic fails its assertion', () => {
    fc.assert(
      fc.property(
        graphArbitrary.chain((g) => fc.tuple(fc.constant(g), fc.subarray([...g.ids]), fc.subarray([...g.ids]))),
        ([g, subset, heads]) => {
          const map = RevisionMap.from(g.revisions);
          const order = map.sortNewestFirst(subset, heads);
          expect([...order].sort()).toEqual([...subset].sort());
          const position = new Map(order.map((id, i) => [id, i]));
          for (const id of order) {
            for (const down of map.normalizedDownRevisions(id)) {
              if (position.has(down)) expect(position.get(down)!).toBeGreaterThan(position.get(id)!);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
    // `history -r p:`: b reaches a only through its dependency; Alembic 1.8.1 fails an assertion.
    const map = RevisionMap.from([{ id: 'a', downRevisions: ['p'] }, { id: 'b', dependsOn: ['a'] }, { id: 'p' }, { id: 'x', downRevisions: ['p'] }]);
    expect(map.history('p:').map((r) => r.id)).toEqual(['x', 'a', 'p']);
  });

  it('orders the issue 17 graph as Alembic 1.8.1 does', () => {
    const map = RevisionMap.from([
      { id: '15c4' },
      { id: '3152' },
      { id: 'a379', downRevisions: ['3152', '15c4'] },
      { id: 'da46' },
    ]);
    expect(map.history().map((r) => r.id)).toEqual(['a379', '3152', 'da46', '15c4']);
    expect(planUpgrade(map, [], 'heads').map((step) => step.revision.id)).toEqual(['15c4', 'da46', '3152', 'a379']);
  });
});
