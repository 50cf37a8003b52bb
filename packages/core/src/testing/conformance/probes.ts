import { expect } from 'vitest';

import type { AdapterConnection, AuditEntry, AuditStore, Session, VersionStore } from '../../adapter/dialect-adapter.js';
import type { ConformanceSql } from './options.js';

/** The error `promise` rejects with; fails the check when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value: unknown) => expect.unreachable(`expected a rejection, but it resolved with ${describeValue(value)}`),
    (error: unknown) => error,
  );
}

function describeValue(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  return `a ${value.constructor?.name ?? 'object'}`;
}

/** An error the checks throw on purpose, to see it come out of `transaction()` unchanged. */
export class ConformanceAbort extends Error {
  constructor() {
    super('aborted on purpose by the conformance check');
    this.name = 'ConformanceAbort';
  }
}

/**
 * Whether `store`'s table exists, seen through the adapter alone: inserting a row
 * without `ensure()` succeeds exactly when it does. The probe row is rolled back.
 */
export async function versionTableExists(connection: AdapterConnection, store: VersionStore = connection.versionStore): Promise<boolean> {
  const abort = new ConformanceAbort();
  const error = await rejection(
    connection.transaction(async (session) => {
      await store.insert(session, 'cgm_probe');
      throw abort;
    }),
  );
  return error === abort;
}

/** Whether `store`'s table exists: recording an entry without `ensure()` succeeds exactly when it does. Rolled back. */
export async function auditTableExists(connection: AdapterConnection, store: AuditStore = connection.auditStore): Promise<boolean> {
  const abort = new ConformanceAbort();
  const error = await rejection(
    connection.transaction(async (session) => {
      await store.record(session, auditEntry('cgm_probe', 'stamp', '2024-01-01T00:00:00.000Z'));
      throw abort;
    }),
  );
  return error === abort;
}

/** The number of rows in `table`, or `undefined` when counting fails (the table does not exist). */
export async function countRows(connection: AdapterConnection, sql: ConformanceSql, table: string): Promise<number | undefined> {
  try {
    return await connection.autocommit((session) => countIn(session, sql, table));
  } catch {
    return undefined;
  }
}

/** The number of rows in `table`, counted in `session`. */
export async function countIn(session: Session, sql: ConformanceSql, table: string): Promise<number> {
  const rows = await session.query<{ n: unknown }>(sql.countRows(table));
  expect(rows).toHaveLength(1);
  return Number(rows[0]!.n);
}

/** An audit entry with every field set, as core fills them. */
export function auditEntry(revision: string, direction: AuditEntry['direction'], at: string, checksum?: string): AuditEntry {
  return {
    revision,
    direction,
    checksum,
    appliedAt: new Date(at),
    durationMs: 7,
    appliedBy: 'deploy',
    host: 'ci-runner-1',
    toolVersion: '0.1.0',
  };
}

/** An accepted edit of `revision`'s file, from checksum `from` to `to`, as `acceptEditedMigration` records it. */
export function acceptEntry(revision: string, at: string, from: string, to: string, reason: string): AuditEntry {
  return { ...auditEntry(revision, 'accept', at, to), durationMs: 0, reason, previousChecksum: from };
}

/** A version list in a stable order: the store promises one row per head, not an order. */
export const sorted = (versions: readonly string[]): string[] => [...versions].sort();
