import { LockTimeoutError, MigrationFailedError, RevisionNotFoundError, type TargetOutcome } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { FleetJobPayloadError, parseFleetJob } from '../../src/fleet-queue/fleet-job.js';
import { fleetJobKey } from '../../src/fleet-queue/queue-layout.js';
import { isTransientFailure } from '../../src/fleet-queue/retry-policy.js';
import { workerLockKey } from '../../src/fleet-queue/worker-liveness.js';

const outcome = (status: TargetOutcome['status'], code?: string): TargetOutcome => ({
  name: 't',
  target: 't',
  status,
  durationMs: 1,
  wave: 1,
  ...(code === undefined ? {} : { error: { code, message: code } }),
});

const driverError = (code: string): Error => Object.assign(new Error(code), { code });

describe('fleet job payloads', () => {
  it('reads back what enqueueFleet writes', () => {
    const payload = { name: 'db/app#t1', command: { command: 'stamp', revisions: ['a1'], purge: true }, runId: 'r' };
    expect(parseFleetJob(payload)).toEqual(payload);
    expect(parseFleetJob({ name: 't', command: { command: 'downgrade', target: '-1' }, runId: 'r' }).command).toEqual({ command: 'downgrade', target: '-1' });
  });

  it.each([
    [null, 'it is not an object'],
    [{ command: { command: 'upgrade' }, runId: 'r' }, 'it names no target'],
    [{ name: 't', command: { command: 'upgrade' } }, 'it has no run id'],
    [{ name: 't', command: { command: 'drop-everything' }, runId: 'r' }, 'unknown command "drop-everything"'],
    [{ name: 't', command: { command: 'downgrade' }, runId: 'r' }, "the downgrade command's options are malformed"],
    [{ name: 't', command: { command: 'stamp', revisions: [1] }, runId: 'r' }, "the stamp command's options are malformed"],
    [{ name: 't', command: { command: 'verify', shadowUrl: 'postgresql://u:p@h/db' }, runId: 'r' }, "the verify command's options are malformed"],
  ])('refuses %j', (payload, problem) => {
    expect(() => parseFleetJob(payload)).toThrow(new FleetJobPayloadError(problem));
  });
});

describe('which failures go back to the queue', () => {
  it('retries what depends on the moment', () => {
    expect(isTransientFailure(outcome('interrupted', 'INTERRUPTED'), undefined)).toBe(true);
    expect(isTransientFailure(outcome('skipped'), undefined)).toBe(true);
    for (const code of ['DATABASE_ERROR', 'LOCK_TIMEOUT', 'LOCK_LOST', 'ECONNREFUSED', '57P01', '08006']) {
      expect(isTransientFailure(outcome('failed', code), undefined), code).toBe(true);
    }
    expect(isTransientFailure(outcome('failed', 'LOCK_TIMEOUT'), new LockTimeoutError(100, undefined))).toBe(true);
  });

  it('retries a rolled-back migration whose connection was cut, not one that raised or left statements committed', () => {
    const failed = (cause: unknown, rolledBack: boolean) => new MigrationFailedError('a1', 'upgrade', undefined, undefined, [], { cause, rolledBack });
    expect(isTransientFailure(outcome('failed', 'MIGRATION_FAILED'), failed(driverError('57P01'), true))).toBe(true);
    expect(isTransientFailure(outcome('failed', 'MIGRATION_FAILED'), failed(driverError('40P01'), true))).toBe(true);
    expect(isTransientFailure(outcome('failed', 'MIGRATION_FAILED'), failed(driverError('57P01'), false))).toBe(false);
    expect(isTransientFailure(outcome('failed', 'MIGRATION_FAILED'), failed(driverError('42P07'), true))).toBe(false);
    expect(isTransientFailure(outcome('failed', 'MIGRATION_FAILED'), failed(new Error('boom'), true))).toBe(false);
  });

  it('records at once what would fail again', () => {
    expect(isTransientFailure(outcome('succeeded'), undefined)).toBe(false);
    expect(isTransientFailure(outcome('failed', 'REVISION_NOT_FOUND'), new RevisionNotFoundError('x', 'database'))).toBe(false);
    for (const code of ['TARGET_UNKNOWN', 'NOT_AT_HEAD', 'LINT_FAILED', 'IRREVERSIBLE_MIGRATION', 'ERROR']) {
      expect(isTransientFailure(outcome('failed', code), undefined), code).toBe(false);
    }
  });
});

describe('queue keys', () => {
  it('keys jobs by target name, apart from other applications of the queue', () => {
    expect(fleetJobKey('db:5432/app#tenant_7')).toBe('cgmigrate_fleet:db:5432/app#tenant_7');
  });

  it('derives a fixed signed 64-bit liveness key from the worker id', () => {
    const key = BigInt(workerLockKey('pool-0123'));
    expect(key).toBe(BigInt(workerLockKey('pool-0123')));
    expect(key).not.toBe(BigInt(workerLockKey('pool-0124')));
    expect(key >= -(2n ** 63n) && key < 2n ** 63n).toBe(true);
  });
});
