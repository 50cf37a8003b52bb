import { describe, expect, it } from 'vitest';
import { EXIT_CODES, ExitStatus, exitStatusFor } from '../../src/exit-codes.js';

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

  it('keeps status 3 for check results only', () => {
    const checks = Object.entries(EXIT_CODES)
      .filter(([, status]) => status === ExitStatus.check)
      .map(([code]) => code);
    expect(checks.sort()).toEqual(['DB_NOT_UP_TO_DATE', 'SCHEMA_DRIFT']);
  });

  it('treats an unknown code as a failure', () => {
    expect(exitStatusFor('SOMETHING_NEW')).toBe(1);
    expect(exitStatusFor('toString')).toBe(1);
  });

  it('never maps a code to success', () => {
    expect(Object.values(EXIT_CODES)).not.toContain(ExitStatus.ok);
  });
});
