import { InterruptedError, MigrationFailedError } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { hintFor } from '../../src/hints.js';
import { interruptionLine } from '../../src/run/interruption.js';

describe('the line an interrupted run prints', () => {
  it('says the transaction was rolled back and where the database is', () => {
    expect(interruptionLine(new InterruptedError('SIGINT', ['a1'], ['b2'], { heads: ['a1'] }))).toBe(
      'Interrupted: the transaction was rolled back; the database is at a1.',
    );
    expect(interruptionLine(new InterruptedError('SIGTERM', [], ['a1'], { heads: [] }))).toBe(
      'Interrupted: the transaction was rolled back; the database is at base.',
    );
  });

  it('claims no rollback for a migration that ran outside a transaction', () => {
    const line = interruptionLine(new InterruptedError('SIGINT', [], [], { mayHaveCommitted: ['b2'], heads: ['a1'] }));
    expect(line).toBe(
      'Interrupted: b2 ran outside a transaction, so the statements it ran may have committed (its version change was not recorded); the database is at a1.',
    );
    expect(line).not.toContain('rolled back');
  });

  it('points at `current` when the heads are unknown', () => {
    expect(interruptionLine(new InterruptedError('SIGINT'))).toBe(
      'Interrupted: no migration was running; `cgmigrate current` shows the revision the database is at.',
    );
  });
});

describe('the MIGRATION_FAILED hint', () => {
  const failure = (rolledBack: boolean | null) =>
    new MigrationFailedError('b2', 'upgrade', 'b2.ts', undefined, [], { cause: new Error('x'), rolledBack });

  it('says the changes were rolled back only when they were', () => {
    expect(hintFor(failure(true))).toContain("The failing migration's changes were rolled back.");
    const hint = hintFor(failure(false))!;
    expect(hint).toContain('may have committed: nothing was rolled back');
    expect(hint).not.toContain('were rolled back');
  });

  it('after a partial commit, says to fix the schema by hand and stamp; when not known, says to check', () => {
    expect(hintFor(failure(false))).toContain('undo or finish those statements by hand, then either record the revision the schema now matches with `cgmigrate stamp <revision>`');
    const unknown = hintFor(failure(null))!;
    expect(unknown).toContain('is not known');
    expect(unknown).toContain('Check the schema; if any did, inspect the schema');
    expect(unknown).not.toContain('were rolled back');
  });
});
