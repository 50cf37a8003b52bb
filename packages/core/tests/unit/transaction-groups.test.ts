import { describe, expect, it } from 'vitest';
import {
  groupKind,
  importsAhead,
  joinsGroup,
  rollsBack,
  transactionGroups,
  type TransactionGroupKind,
  type TransactionSettings,
} from '../../src/runtime/transaction-groups.js';

const wholeRun: TransactionSettings = { transactionalDdl: true, transactionPerMigration: false, recordEachStep: false };
const perMigration: TransactionSettings = { ...wholeRun, transactionPerMigration: true };
const noTransactionalDdl: TransactionSettings = { ...wholeRun, transactionalDdl: false };
const offline: TransactionSettings = { ...wholeRun, recordEachStep: true };

/** `T` for a transactional migration, `F` for `transactional: false`. */
const plan = (shape: string): boolean[] => [...shape].map((flag) => flag === 'T');
/** Groups as `kind start-end`, to read at a glance. */
const describeGroups = (settings: TransactionSettings, shape: string, start?: number): string[] =>
  transactionGroups(settings, plan(shape), start).map((group) => `${group.kind} ${group.start}-${group.end}`);

describe('transactionGroups', () => {
  it('puts a whole run in one transaction by default', () => {
    expect(describeGroups(wholeRun, 'TTT')).toEqual(['run 0-3']);
  });

  it('runs a transactional: false migration on its own, and the transactional steps around it in one transaction each side', () => {
    expect(describeGroups(wholeRun, 'TTFTT')).toEqual(['run 0-2', 'none 2-3', 'run 3-5']);
    expect(describeGroups(wholeRun, 'FFT')).toEqual(['none 0-1', 'none 1-2', 'run 2-3']);
  });

  it('gives each transactional migration its own transaction with transactionPerMigration', () => {
    expect(describeGroups(perMigration, 'TTFT')).toEqual(['migration 0-1', 'migration 1-2', 'none 2-3', 'migration 3-4']);
  });

  it('gives each step its own transaction without transactional DDL, whatever transactionPerMigration says', () => {
    expect(describeGroups(noTransactionalDdl, 'TTF')).toEqual(['step 0-1', 'step 1-2', 'none 2-3']);
    expect(describeGroups({ ...noTransactionalDdl, transactionPerMigration: true }, 'TT')).toEqual(['step 0-1', 'step 1-2']);
  });

  it('keeps the whole run in one transaction in an offline script', () => {
    expect(describeGroups(offline, 'TTFT')).toEqual(['run 0-2', 'none 2-3', 'run 3-4']);
  });

  it('groups the steps from `start` on, indexed in the whole plan: what follows the group that imported ahead', () => {
    expect(describeGroups(wholeRun, 'TTFTT', 2)).toEqual(['none 2-3', 'run 3-5']);
    expect(describeGroups(wholeRun, 'TTT', 3)).toEqual([]);
    expect(describeGroups(perMigration, '')).toEqual([]);
  });

  it('covers every step once, in order, with only runs of transactional steps sharing a transaction', () => {
    const everySettings = [wholeRun, perMigration, noTransactionalDdl, offline];
    for (let bits = 0; bits < 2 ** 6; bits++) {
      const transactional = Array.from({ length: 6 }, (_, index) => (bits & (1 << index)) !== 0);
      for (const settings of everySettings) {
        const groups = transactionGroups(settings, transactional);
        expect(groups.map((group) => group.start)).toEqual([0, ...groups.slice(0, -1).map((group) => group.end)]);
        expect(groups.at(-1)?.end).toBe(6);
        for (const [index, group] of groups.entries()) {
          const flags = transactional.slice(group.start, group.end);
          expect(group.kind === 'none').toBe(flags.includes(false));
          if (group.kind !== 'run') expect(group.end - group.start).toBe(1);
          // A run group is as long as it can be: the step after it is not transactional.
          if (group.kind === 'run') expect(groups[index + 1]?.kind).not.toBe('run');
        }
      }
    }
  });
});

describe('importsAhead', () => {
  it('imports ahead only when the whole run is one online transaction', () => {
    expect(importsAhead(wholeRun)).toBe(true);
    expect([perMigration, noTransactionalDdl, offline].map(importsAhead)).toEqual([false, false, false]);
  });

  it('ends the group that imports ahead where transactionGroups ends the first run group: at the first transactional: false migration', () => {
    for (const shape of ['TTT', 'TTFT', 'FTT', 'TFFT', '']) {
      const flags = plan(shape);
      let end = 0;
      while (end < flags.length && joinsGroup('run', flags[end]!)) end++;
      const first = transactionGroups(wholeRun, flags)[0];
      expect(end).toBe(first?.kind === 'run' ? first.end : 0);
    }
  });
});

describe('groupKind, joinsGroup and rollsBack', () => {
  it('names the kind of group each step begins', () => {
    expect(groupKind(wholeRun, true)).toBe('run');
    expect(groupKind(perMigration, true)).toBe('migration');
    expect(groupKind(noTransactionalDdl, true)).toBe('step');
    for (const settings of [wholeRun, perMigration, noTransactionalDdl, offline]) expect(groupKind(settings, false)).toBe('none');
  });

  it('lets only a transactional step join, and only a run group', () => {
    const kinds: TransactionGroupKind[] = ['run', 'migration', 'step', 'none'];
    expect(kinds.map((kind) => joinsGroup(kind, true))).toEqual([true, false, false, false]);
    expect(kinds.map((kind) => joinsGroup(kind, false))).toEqual([false, false, false, false]);
  });

  it('rolls back (and so may retry) only a group that ran in a transaction with transactional DDL', () => {
    const kinds: TransactionGroupKind[] = ['run', 'migration', 'step', 'none'];
    expect(kinds.map(rollsBack)).toEqual([true, true, false, false]);
  });
});
