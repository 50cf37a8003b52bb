import { MAX_ACCEPT_REASON_LENGTH, type AdapterConnection, type AuditEntry } from '../adapter/dialect-adapter.js';
import {
  AcceptNotSupportedError,
  DatabaseError,
  InvalidReasonError,
  isMigrateError,
  MigrationFileUnreadableError,
  MigrationNotAppliedError,
  MigrationNotEditedError,
  NoRecordedChecksumError,
} from '../errors.js';
import { appliedRevisionAudits, currentIdentity, expectedChecksum, fileChecksum } from '../runtime/audit.js';
import { acquireLockReportingWait } from '../runtime/lock-wait-notice.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';

/** Options of {@link acceptEditedMigration}. */
export interface AcceptEditedMigrationOptions {
  /** The applied revision whose edited file to accept: an id, a unique prefix, `head`, `<branch>@head`, `current`. */
  readonly revision: string;
  /**
   * Why the edit is harmless (it was reviewed): kept in the audit table and shown by
   * `history --verbose`. Trimmed; 1 to {@link MAX_ACCEPT_REASON_LENGTH} characters.
   */
  readonly reason: string;
}

/** What {@link acceptEditedMigration} recorded. */
export interface AcceptEditedMigrationResult {
  readonly revision: string;
  /** The migration file. */
  readonly path: string;
  /** The SHA-256 the file had to have until now: recorded when it ran, or by the acceptance before. */
  readonly previousChecksum: string;
  /** The SHA-256 of the file now, which `check` and `upgrade` compare with from now on. */
  readonly checksum: string;
  /** The reason, as recorded (trimmed). */
  readonly reason: string;
  /** When the acceptance was recorded. */
  readonly acceptedAt: Date;
  /** The operating-system user who accepted it. */
  readonly acceptedBy: string | undefined;
  /** The host it was accepted on. */
  readonly host: string | undefined;
  /** The version of cgmigrate that recorded it. */
  readonly toolVersion: string | undefined;
}

/**
 * Accepts a reviewed edit of an applied migration's file (`cgmigrate audit accept`):
 * appends an `accept` entry to the audit table that records who, when, why, the checksum
 * the file had to have and the one it has now. From then on `check` and `upgrade`
 * compare the file with the accepted checksum, so the `MIGRATION_EDITED` problem is gone
 * for that revision until the file changes again. The version table and the schema are
 * not touched; `history --verbose` shows the acceptance.
 *
 * Runs under the migration lock, like `upgrade` and `stamp`: the table is brought up to
 * date (`AuditStore.ensure`, which adds the `reason` and `previous_checksum` columns to
 * a table an older version created) in a transaction of its own, and the entry is
 * appended in one transaction after the lock is confirmed.
 *
 * ### Examples
 * ```ts
 * const accepted = await acceptEditedMigration(env, { revision: 'ae1027', reason: 'reformatted by prettier 3, reviewed in #412' });
 * console.log(`${accepted.previousChecksum.slice(0, 12)} -> ${accepted.checksum.slice(0, 12)}`);
 * ```
 * @throws {InvalidReasonError} (`INVALID_REASON`) when the reason is empty or too long; nothing is read.
 * @throws {MigrationNotAppliedError} (`MIGRATION_NOT_APPLIED`) when the database is not at or past the revision.
 * @throws {NoRecordedChecksumError} (`NO_RECORDED_CHECKSUM`) when its newest audit entry has no checksum (a stamp) or there is none.
 * @throws {MigrationFileUnreadableError} (`MIGRATION_FILE_UNREADABLE`) when its file cannot be read.
 * @throws {MigrationNotEditedError} (`MIGRATION_NOT_EDITED`) when the file has the checksum recorded: nothing to accept.
 * @throws {AcceptNotSupportedError} (`ACCEPT_NOT_SUPPORTED`) when the adapter's audit store cannot keep accepted edits.
 * @throws {RevisionNotFoundError} / {AmbiguousRevisionError} / {MultipleHeadsError} when `revision` names no single revision.
 * @throws {LockTimeoutError} when another runner holds the migration lock too long.
 */
export async function acceptEditedMigration(env: MigrationEnvironment, options: AcceptEditedMigrationOptions): Promise<AcceptEditedMigrationResult> {
  const reason = checkedReason(options.reason);
  const scripts = await loadScripts(env);
  const adapter = await resolveAdapter(env);
  return withConnection(env, adapter, 'migrate', async (connection) => {
    if (connection.auditStore.recordsAcceptances !== true) throw new AcceptNotSupportedError(adapter.name);
    const lock = await acquireLockReportingWait(connection, env.config.lockWait, env.onEvent);
    try {
      const accepted = await decide(connection, scripts, options.revision, reason);
      await storeFailure('Preparing the audit table', () =>
        connection.transaction((session) => connection.auditStore.ensure(session)),
      );
      await storeFailure('Recording the accepted edit in the audit table', () =>
        connection.transaction(async (session) => {
          await lock.verify?.(session);
          await connection.auditStore.record(session, accepted);
        }),
      );
      return resultOf(accepted, scripts);
    } finally {
      await lock.release();
    }
  });
}

/** The reason trimmed, or {@link InvalidReasonError}. */
function checkedReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_ACCEPT_REASON_LENGTH) throw new InvalidReasonError(trimmed.length, MAX_ACCEPT_REASON_LENGTH);
  return trimmed;
}

/** Reads the database under the lock and builds the `accept` entry, or refuses. */
async function decide(connection: AdapterConnection, scripts: ScriptDirectory, identifier: string, reason: string): Promise<AuditEntry> {
  const map = scripts.map;
  const current = await connection.versionStore.read();
  const revision = map.resolveOne(identifier, current);
  if (revision === undefined) throw new MigrationNotAppliedError(identifier, current);
  const applied = map.ancestors(
    current.filter((id) => map.has(id)),
    { includeDependencies: true },
  );
  if (!applied.has(revision.id)) throw new MigrationNotAppliedError(revision.id, current);
  const audit = appliedRevisionAudits(map, current, await connection.auditStore.latest()).get(revision.id);
  const previousChecksum = audit && expectedChecksum(audit);
  if (audit === undefined || previousChecksum === undefined) throw new NoRecordedChecksumError(revision.id, audit?.applied.direction);
  const checksum = fileChecksum(revision.path);
  if (revision.path === undefined || checksum === undefined) throw new MigrationFileUnreadableError(revision.id, revision.path);
  if (checksum === previousChecksum) throw new MigrationNotEditedError(revision.id, revision.path, checksum);
  return {
    revision: revision.id,
    direction: 'accept',
    checksum,
    appliedAt: new Date(),
    durationMs: 0,
    ...currentIdentity(),
    reason,
    previousChecksum,
  };
}

function resultOf(entry: AuditEntry, scripts: ScriptDirectory): AcceptEditedMigrationResult {
  return {
    revision: entry.revision,
    path: scripts.map.get(entry.revision).path!,
    previousChecksum: entry.previousChecksum!,
    checksum: entry.checksum!,
    reason: entry.reason!,
    acceptedAt: entry.appliedAt,
    acceptedBy: entry.appliedBy,
    host: entry.host,
    toolVersion: entry.toolVersion,
  };
}

/** Runs `work`; a driver's error becomes a {@link DatabaseError} saying what was being done. */
async function storeFailure<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isMigrateError(error)) throw error;
    throw new DatabaseError(doing, { cause: error });
  }
}
