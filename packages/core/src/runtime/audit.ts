import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

import type { AuditEntry } from '../adapter/dialect-adapter.js';
import type { RevisionMap } from '../revision/revision-map.js';

/** Who runs migrations, as the audit table records it. */
export interface AuditIdentity {
  /** The operating-system user. */
  readonly appliedBy: string | undefined;
  /** The machine's host name. */
  readonly host: string | undefined;
  /** The version of cgmigrate (this core package). */
  readonly toolVersion: string | undefined;
}

let processIdentity: AuditIdentity | undefined;

/**
 * This process's {@link AuditIdentity}, read once. A container without a passwd
 * entry for its user makes `os.userInfo()` throw: `USER`/`USERNAME` or the numeric
 * uid stand in.
 */
export function currentIdentity(): AuditIdentity {
  processIdentity ??= {
    appliedBy: safely(() => userInfo().username) ?? process.env['USER'] ?? process.env['USERNAME'] ?? uid(),
    host: safely(() => hostname()),
    toolVersion: safely(() => {
      // By package name rather than relative to this file: the CLI's fast entry runs core from its bundle.
      const manifest = JSON.parse(readFileSync(new URL(import.meta.resolve('@cloudguard/migrate-core/package.json')), 'utf8')) as {
        version?: unknown;
      };
      return typeof manifest.version === 'string' ? manifest.version : undefined;
    }),
  };
  return processIdentity;
}

/** Reads a file's bytes; injectable for tests. */
export type ReadBytes = (file: string) => Uint8Array;

/**
 * The checksum the audit table records for a migration file: SHA-256 of its bytes, in
 * hex. `undefined` when there is no file (a stamp of a revision no script defines) or
 * it cannot be read.
 *
 * ### Examples
 * ```ts
 * fileChecksum('/srv/app/migrations/versions/20240501_ae1027_add_users.ts') // '9f86d0…'
 * ```
 */
export function fileChecksum(file: string | undefined, read: ReadBytes = readFileSync): string | undefined {
  if (file === undefined) return undefined;
  const bytes = safely(() => read(file));
  if (bytes === undefined) return undefined;
  let checksum = checksums.get(bytes);
  if (checksum === undefined) {
    checksum = hash('sha256', bytes, 'hex');
    checksums.set(bytes, checksum);
  }
  return checksum;
}

/**
 * Checksums by the very bytes they were computed from. A run reads each file once
 * (`ScriptFileCache`) and asks twice, for the edited-migration check and for the audit
 * row, so the second answer is a lookup; bytes read anew are hashed anew.
 */
const checksums = new WeakMap<Uint8Array, string>();

/** An applied migration whose file no longer has the checksum recorded when it ran. */
export interface EditedMigration {
  readonly revision: string;
  /** The migration file now. */
  readonly path: string | undefined;
  /** SHA-256 recorded when it was applied. */
  readonly recordedChecksum: string;
  /** SHA-256 of the file now; `undefined` when it cannot be read. */
  readonly currentChecksum: string | undefined;
  /** When it was applied. */
  readonly appliedAt: Date;
  /** Who applied it. */
  readonly appliedBy: string | undefined;
}

/**
 * The applied revisions whose migration file changed since it ran. Pure, apart from
 * `checksumOf` (which reads the files).
 *
 * A revision counts when the database is at it or past it (an ancestor of a current
 * head) and its newest audit entry is an `upgrade` with a checksum. Stamps and
 * downgrades are not compared: a stamp ran no code, and a downgraded revision's file
 * may change freely until it runs again.
 *
 * ### Examples
 * ```ts
 * findEditedMigrations(map, ['c3'], await store.latest(), (path) => fileChecksum(path))
 * // [{ revision: 'b2', path: '…/b2.ts', recordedChecksum: 'aa…', currentChecksum: 'bb…', … }]
 * ```
 */
export function findEditedMigrations(
  map: RevisionMap,
  currentHeads: readonly string[],
  latest: readonly AuditEntry[],
  checksumOf: (path: string | undefined) => string | undefined,
): EditedMigration[] {
  const applied = map.ancestors(
    currentHeads.filter((id) => map.has(id)),
    { includeDependencies: true },
  );
  const edited: EditedMigration[] = [];
  for (const entry of latest) {
    if (entry.direction !== 'upgrade' || entry.checksum === undefined || !applied.has(entry.revision)) continue;
    const path = map.get(entry.revision).path;
    const now = checksumOf(path);
    if (now === entry.checksum) continue;
    edited.push({
      revision: entry.revision,
      path,
      recordedChecksum: entry.checksum,
      currentChecksum: now,
      appliedAt: entry.appliedAt,
      appliedBy: entry.appliedBy,
    });
  }
  return edited;
}

/**
 * The sentence for an edited migration, used in `upgrade`'s warning and `check`'s report.
 *
 * ### Examples
 * ```ts
 * describeEditedMigration(edited)
 * // "Migration b2 (…/b2.ts) was changed after it was applied on 2024-05-01T10:00:00.000Z by deploy: its SHA-256 was 9f86d081…, now 60303ae2…"
 * ```
 */
export function describeEditedMigration(edited: EditedMigration): string {
  const by = edited.appliedBy ? ` by ${edited.appliedBy}` : '';
  const now = edited.currentChecksum === undefined ? 'the file cannot be read' : `now ${edited.currentChecksum.slice(0, 12)}`;
  return (
    `Migration ${edited.revision}${edited.path ? ` (${edited.path})` : ''} was changed after it was applied on ` +
    `${edited.appliedAt.toISOString()}${by}: its SHA-256 was ${edited.recordedChecksum.slice(0, 12)}, ${now}`
  );
}

/**
 * The newest `upgrade` or `stamp` entry of each revision the database is at or past:
 * when, and by whom, it was applied. For `history`.
 *
 * ### Examples
 * ```ts
 * appliedEntries(map, ['c3'], await store.latest()).get('b2')?.appliedAt // Date
 * ```
 */
export function appliedEntries(
  map: RevisionMap,
  currentHeads: readonly string[],
  latest: readonly AuditEntry[],
): ReadonlyMap<string, AuditEntry> {
  const applied = map.ancestors(
    currentHeads.filter((id) => map.has(id)),
    { includeDependencies: true },
  );
  const entries = new Map<string, AuditEntry>();
  for (const entry of latest) {
    if (entry.direction !== 'downgrade' && applied.has(entry.revision)) entries.set(entry.revision, entry);
  }
  return entries;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function uid(): string | undefined {
  return typeof process.getuid === 'function' ? String(process.getuid()) : undefined;
}
