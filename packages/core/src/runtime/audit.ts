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

/**
 * An accepted edit of an applied migration's file (`cgmigrate audit accept`): who
 * accepted which checksum in place of which, when, and why.
 */
export interface AcceptedEdit {
  /** When the edit was accepted. */
  readonly acceptedAt: Date;
  /** The operating-system user who accepted it. */
  readonly acceptedBy: string | undefined;
  /** The host name of the machine it was accepted on. */
  readonly host: string | undefined;
  /** Why, as given with `--reason`. */
  readonly reason: string | undefined;
  /** SHA-256 the file had before the edit: recorded when it ran, or by the acceptance before. */
  readonly previousChecksum: string | undefined;
  /** SHA-256 of the file as accepted. */
  readonly checksum: string | undefined;
  /** The version of cgmigrate that recorded the acceptance. */
  readonly toolVersion: string | undefined;
}

/** What the audit table says of one revision the database is at or past. */
export interface AppliedRevisionAudit {
  /** The newest `upgrade` or `stamp` entry: when, by whom, and with which file it was applied. */
  readonly applied: AuditEntry;
  /** The newest edit accepted since, if any: its checksum is the one the file must have now. */
  readonly accepted: AcceptedEdit | undefined;
}

/**
 * What the audit table says of each revision the database is at or past (an ancestor
 * of a current head), from {@link AuditStore.latest}'s entries: the step that applied
 * it and the newest edit accepted after that step. An acceptance recorded before the
 * revision's newest step (it was downgraded and upgraded again since) no longer counts;
 * nor does one without a step before it (a store that keeps only the newest row).
 *
 * ### Examples
 * ```ts
 * appliedRevisionAudits(map, ['c3'], await store.latest()).get('b2')?.accepted?.reason // 'reformatted'
 * ```
 */
export function appliedRevisionAudits(
  map: RevisionMap,
  currentHeads: readonly string[],
  latest: readonly AuditEntry[],
): ReadonlyMap<string, AppliedRevisionAudit> {
  const applied = map.ancestors(
    currentHeads.filter((id) => map.has(id)),
    { includeDependencies: true },
  );
  const steps = new Map<string, AuditEntry>();
  const accepted = new Map<string, AuditEntry>();
  // Oldest first: a later step replaces an earlier one and voids the acceptances before it.
  for (const entry of latest) {
    if (entry.direction === 'accept') {
      if (steps.has(entry.revision)) accepted.set(entry.revision, entry);
    } else {
      steps.set(entry.revision, entry);
      accepted.delete(entry.revision);
    }
  }
  const audits = new Map<string, AppliedRevisionAudit>();
  for (const [revision, step] of steps) {
    if (step.direction === 'downgrade' || !applied.has(revision)) continue;
    const acceptance = accepted.get(revision);
    audits.set(revision, { applied: step, accepted: acceptance && acceptedEdit(acceptance) });
  }
  return audits;
}

function acceptedEdit(entry: AuditEntry): AcceptedEdit {
  return {
    acceptedAt: entry.appliedAt,
    acceptedBy: entry.appliedBy,
    host: entry.host,
    reason: entry.reason,
    previousChecksum: entry.previousChecksum,
    checksum: entry.checksum,
    toolVersion: entry.toolVersion,
  };
}

/**
 * The checksum an applied migration's file must have now: the one of its newest
 * accepted edit, else the one recorded when it ran; `undefined` when nothing was
 * recorded (a stamp, which ran no code, or a revision without a file).
 */
export function expectedChecksum(audit: AppliedRevisionAudit): string | undefined {
  if (audit.applied.direction !== 'upgrade') return undefined;
  return audit.accepted?.checksum ?? audit.applied.checksum;
}

/** An applied migration whose file no longer has the checksum recorded when it ran (or last accepted). */
export interface EditedMigration {
  readonly revision: string;
  /** The migration file now. */
  readonly path: string | undefined;
  /** SHA-256 recorded when it was applied, or by the newest accepted edit since. */
  readonly recordedChecksum: string;
  /** SHA-256 of the file now; `undefined` when it cannot be read. */
  readonly currentChecksum: string | undefined;
  /** When it was applied. */
  readonly appliedAt: Date;
  /** Who applied it. */
  readonly appliedBy: string | undefined;
  /** The newest accepted edit, whose checksum `recordedChecksum` is; absent when none was accepted. */
  readonly accepted?: AcceptedEdit | undefined;
}

/**
 * The applied revisions whose migration file changed since it ran, or since its edit
 * was last accepted. Pure, apart from `checksumOf` (which reads the files).
 *
 * A revision counts when the database is at it or past it (an ancestor of a current
 * head) and its newest step is an `upgrade` with a checksum. Stamps and downgrades are
 * not compared: a stamp ran no code, and a downgraded revision's file may change freely
 * until it runs again.
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
  const edited: EditedMigration[] = [];
  for (const [revision, audit] of appliedRevisionAudits(map, currentHeads, latest)) {
    const recorded = expectedChecksum(audit);
    if (recorded === undefined) continue;
    const path = map.get(revision).path;
    const now = checksumOf(path);
    if (now === recorded) continue;
    edited.push({
      revision,
      path,
      recordedChecksum: recorded,
      currentChecksum: now,
      appliedAt: audit.applied.appliedAt,
      appliedBy: audit.applied.appliedBy,
      ...(audit.accepted ? { accepted: audit.accepted } : {}),
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
  const now = edited.currentChecksum === undefined ? 'the file cannot be read' : `now ${abbreviateChecksum(edited.currentChecksum)}`;
  const accepted = edited.accepted
    ? ` and an edit of it was accepted on ${edited.accepted.acceptedAt.toISOString()}${edited.accepted.acceptedBy ? ` by ${edited.accepted.acceptedBy}` : ''}`
    : '';
  return (
    `Migration ${edited.revision}${edited.path ? ` (${edited.path})` : ''} was changed after it was applied on ` +
    `${edited.appliedAt.toISOString()}${by}${accepted}: its SHA-256 was ${abbreviateChecksum(edited.recordedChecksum)}, ${now}`
  );
}

/**
 * A SHA-256 as messages show it: its first 12 hex digits.
 *
 * ### Examples
 * ```ts
 * abbreviateChecksum('8d0c3a5944e2b1…') // '8d0c3a5944e2'
 * ```
 */
export function abbreviateChecksum(checksum: string): string {
  return checksum.slice(0, 12);
}

/**
 * The newest `upgrade` or `stamp` entry of each revision the database is at or past:
 * when, and by whom, it was applied (never an acceptance). For `history`.
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
  const entries = new Map<string, AuditEntry>();
  for (const [revision, audit] of appliedRevisionAudits(map, currentHeads, latest)) entries.set(revision, audit.applied);
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
