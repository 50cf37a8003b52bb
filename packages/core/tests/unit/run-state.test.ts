import { describe, expect, it } from 'vitest';
import { InterruptedError, LockLostError, MigrationFailedError } from '../../src/errors.js';
import type { MigrationStep } from '../../src/plan/migration-step.js';
import { RunState } from '../../src/runtime/run-state.js';
import type { PreparedStep } from '../../src/runtime/step-preparer.js';

function prepared(revision: string, transactional = true): PreparedStep {
  const info = { direction: 'upgrade', revision, from: [], to: [revision], message: undefined, transactional, path: `${revision}.mjs` } as const;
  return { step: { direction: 'upgrade' } as MigrationStep, migration: undefined, info, checksum: undefined };
}

const resultOf = (item: PreparedStep) => ({ ...item.info, durationMs: 1 });
const a1 = prepared('a1');
const b2 = prepared('b2');
const c3 = prepared('c3', false);

/** a1 committed; b2 started in a group of `kind`. */
function runningB2(kind: 'run' | 'step'): RunState {
  const state = new RunState();
  state.beginGroup(kind);
  state.beginStep(a1);
  state.commit([resultOf(a1)]);
  state.beginGroup(kind);
  state.beginStep(b2);
  return state;
}

describe('RunState.failure', () => {
  it('names the failed step, what committed, and whether its transaction rolled back', () => {
    const cause = Object.assign(new Error('relation "b" exists'), { sql: 'CREATE   TABLE b' });
    const failure = runningB2('run').failure(cause, undefined);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect(failure).toMatchObject({ revision: 'b2', completed: ['a1'], statement: 'CREATE TABLE b', rolledBack: true, cause });
    // Without transactional DDL the transaction rolled back, but DDL may have committed: not known…
    expect(runningB2('step').failure(cause, undefined)).toMatchObject({ revision: 'b2', rolledBack: null });
    // …unless the adapter reports what the database committed by itself.
    const partial = Object.assign(new Error('no such table'), { cause, committedStatements: ['CREATE TABLE b'] });
    expect(runningB2('step').failure(partial, undefined)).toMatchObject({ revision: 'b2', rolledBack: false });
    const wrapped = new Error('wrapped', { cause: partial });
    expect(runningB2('step').failure(wrapped, undefined)).toMatchObject({ revision: 'b2', rolledBack: false });
  });

  it('reports a transactional: false migration that failed as not rolled back', () => {
    const state = new RunState();
    state.beginGroup('none', c3);
    state.beginStep(c3);
    expect(state.failure(new Error('x'), undefined)).toMatchObject({ revision: 'c3', rolledBack: false });
  });

  it('passes a typed error, or one no step was running for, through', () => {
    const typed = new MigrationFailedError('x', 'upgrade', undefined, undefined, [], { cause: new Error('x') });
    expect(runningB2('run').failure(typed, undefined)).toBe(typed);
    const error = new Error('connection refused');
    expect(new RunState().failure(error, undefined)).toBe(error);
  });

  it('says what a lost lock left: the rolled-back transaction as not committed, a step without transactional DDL as maybe committed', () => {
    const reason = new LockLostError("the lock's session has ended");
    expect(runningB2('run').failure(reason, undefined)).toMatchObject({ completed: ['a1'], notCommitted: ['b2'], mayHaveCommitted: [] });
    expect(runningB2('step').failure(reason, undefined)).toMatchObject({ completed: ['a1'], notCommitted: [], mayHaveCommitted: ['b2'] });
  });

  it('names a transactional: false migration as not committed before it starts, and as maybe committed once it ran', () => {
    const reason = new LockLostError("the lock's session has ended");
    const state = new RunState();
    state.beginGroup('none', c3);
    expect(state.failure(reason, undefined)).toMatchObject({ completed: [], notCommitted: ['c3'], mayHaveCommitted: [] });
    state.beginStep(c3);
    expect(state.failure(reason, undefined)).toMatchObject({ completed: [], notCommitted: [], mayHaveCommitted: ['c3'] });
  });

  it('turns the signal firing into an InterruptedError saying what was rolled back', () => {
    const controller = new AbortController();
    const reason = new InterruptedError('SIGINT');
    controller.abort(reason);
    const failure = runningB2('run').failure(reason, controller.signal);
    expect(failure).toBeInstanceOf(InterruptedError);
    expect(failure).toMatchObject({ signal: 'SIGINT', completed: ['a1'], rolledBack: ['b2'], mayHaveCommitted: [] });
    // Any other error is the step's failure, even once the signal has fired.
    expect(runningB2('run').failure(new Error('stop'), controller.signal)).toBeInstanceOf(MigrationFailedError);
  });
});
