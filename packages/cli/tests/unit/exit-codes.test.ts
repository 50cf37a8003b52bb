import { InterruptedError, MigrationFailedError } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, ExitStatus, exitStatusFor, exitStatusForError } from '../../src/exit-codes.js';

describe('exit codes', () => {
  it('gives usage errors status 2 and execution failures status 1', () => {
    expect(exitStatusFor('REVISION_NOT_FOUND')).toBe(2);
    expect(exitStatusFor('MULTIPLE_HEADS')).toBe(2);
    expect(exitStatusFor('INVALID_TARGET')).toBe(2);
    expect(exitStatusFor('INVALID_URL')).toBe(2);
    expect(exitStatusFor('CONFIG_INVALID')).toBe(2);
    expect(exitStatusFor('MALFORMED_MIGRATION')).toBe(2);
    expect(exitStatusFor('INVALID_MESSAGE')).toBe(2);
    expect(exitStatusFor('MIGRATION_FAILED')).toBe(1);
    expect(exitStatusFor('DATABASE_ERROR')).toBe(1);
    expect(exitStatusFor('LOCK_TIMEOUT')).toBe(1);
  });

  it('gives check findings status 1, like any failure, so CI needs only "zero or not"', () => {
    expect(ExitStatus.check).toBe(1);
    expect(exitStatusFor('DB_NOT_UP_TO_DATE')).toBe(1);
    expect(exitStatusFor('SCHEMA_DRIFT')).toBe(1);
  });

  it('uses only the documented statuses 1 and 2 for errors', () => {
    expect(new Set(Object.values(EXIT_CODES))).toEqual(new Set([1, 2]));
  });

  it('treats an unknown code as a failure', () => {
    expect(exitStatusFor('SOMETHING_NEW')).toBe(1);
    expect(exitStatusFor('toString')).toBe(1);
  });

  it('never maps a code to success', () => {
    expect(Object.values(EXIT_CODES)).not.toContain(ExitStatus.ok);
  });

  it('exits 128 + the signal number after an interruption by a signal, 1 after any other', () => {
    expect(exitStatusForError(new InterruptedError('SIGINT'))).toBe(130);
    expect(exitStatusForError(new InterruptedError('SIGTERM'))).toBe(143);
    expect(exitStatusForError(new InterruptedError(undefined))).toBe(1);
    expect(exitStatusForError(new MigrationFailedError('a1', 'upgrade', undefined, undefined, [], { cause: new Error('x') }))).toBe(1);
  });
});
