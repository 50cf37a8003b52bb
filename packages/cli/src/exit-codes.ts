import { constants } from 'node:os';
import type { MigrateError, MigrateErrorCode } from '@cloudguard/migrate-core';

/**
 * The exit statuses of `cgmigrate` (documented in docs/cli.md#exit-codes):
 * - `0`: success;
 * - `1`: the database or a migration failed, an unexpected error, or a check found a
 *   problem (`check`, like Alembic's, which fails with 1 when it finds differences);
 * - `2`: usage or configuration: a bad argument or target, an unknown revision or
 *   command, an invalid config, URL or migration file (oclif's own parse errors also exit 2).
 *
 * `check` is its own name so the reason stays visible where it is used, but it shares
 * status 1: CI scripts need only "zero or not", and 2 keeps meaning "you called it wrong".
 */
export const ExitStatus = {
  ok: 0,
  failure: 1,
  usage: 2,
  check: 1,
} as const;

/** One of the {@link ExitStatus} values. */
export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

/**
 * Exit status for every {@link MigrateErrorCode}. A `Record` over the whole union, so a
 * code added to core does not compile here until someone decides its status.
 */
export const EXIT_CODES: Readonly<Record<MigrateErrorCode, ExitStatus>> = {
  // revision graph: what the user asked for, or what the scripts declare, is wrong
  MULTIPLE_HEADS: ExitStatus.usage,
  REVISION_NOT_FOUND: ExitStatus.usage,
  AMBIGUOUS_REVISION: ExitStatus.usage,
  REVISION_CYCLE: ExitStatus.usage,
  DEPENDENCY_CYCLE: ExitStatus.usage,
  RANGE_NOT_ANCESTOR: ExitStatus.usage,
  INVALID_REVISION_ID: ExitStatus.usage,
  DUPLICATE_REVISION: ExitStatus.usage,
  MISSING_PARENT: ExitStatus.usage,
  INVALID_TARGET: ExitStatus.usage,
  AMBIGUOUS_STEP: ExitStatus.usage,
  DUPLICATE_BRANCH_LABEL: ExitStatus.usage,
  REVISION_NOT_IN_BRANCH: ExitStatus.usage,
  OVERLAPPING_REVISIONS: ExitStatus.usage,
  // script directory
  SCRIPT_LOCATION_NOT_FOUND: ExitStatus.usage,
  MALFORMED_MIGRATION: ExitStatus.usage,
  TEMPLATE_NOT_FOUND: ExitStatus.usage,
  INVALID_MESSAGE: ExitStatus.usage,
  FILE_EXISTS: ExitStatus.usage,
  MIGRATION_FORMAT_NOT_SUPPORTED: ExitStatus.usage,
  // execution
  MIGRATION_FAILED: ExitStatus.failure,
  IRREVERSIBLE_MIGRATION: ExitStatus.failure,
  LOCK_TIMEOUT: ExitStatus.failure,
  LOCK_LOST: ExitStatus.failure,
  LOCK_UNAVAILABLE: ExitStatus.failure,
  // 128 + the signal's number when a signal caused it (130 SIGINT, 143 SIGTERM: exitStatusForError); 1 otherwise
  INTERRUPTED: ExitStatus.failure,
  VERSION_TABLE_CONFLICT: ExitStatus.failure,
  DATABASE_ERROR: ExitStatus.failure,
  // checks
  DB_NOT_UP_TO_DATE: ExitStatus.check,
  SCHEMA_DRIFT: ExitStatus.check,
  UNEXPECTED_HEADS: ExitStatus.check,
  LINT_FAILED: ExitStatus.check,
  // setup
  CONFIG_NOT_FOUND: ExitStatus.usage,
  CONFIG_INVALID: ExitStatus.usage,
  INVALID_URL: ExitStatus.usage,
  ADAPTER_NOT_FOUND: ExitStatus.usage,
  ADAPTER_INCOMPATIBLE: ExitStatus.usage,
  SHADOW_DATABASE_UNUSABLE: ExitStatus.usage,
  // schema operations: the cause of a MIGRATION_FAILED; the migration was rolled back
  INVALID_OPERATION: ExitStatus.failure,
  OPERATION_NOT_SUPPORTED: ExitStatus.failure,
  SCHEMA_CHECK_FAILED: ExitStatus.failure,
  // offline mode (--sql): the migration or the adapter cannot be rendered; nothing ran
  OFFLINE_READ_NOT_SUPPORTED: ExitStatus.failure,
  OFFLINE_NOT_SUPPORTED: ExitStatus.usage,
  // post-write hooks: the file is written, the hook failed
  POST_WRITE_HOOK_FAILED: ExitStatus.failure,
  // audit accept: a bad --reason is usage; a refusal (nothing to accept here) changes nothing and fails
  INVALID_REASON: ExitStatus.usage,
  MIGRATION_NOT_APPLIED: ExitStatus.failure,
  MIGRATION_NOT_EDITED: ExitStatus.failure,
  MIGRATION_FILE_UNREADABLE: ExitStatus.failure,
  NO_RECORDED_CHECKSUM: ExitStatus.failure,
  ACCEPT_NOT_SUPPORTED: ExitStatus.usage,
  // fleets: a source, report or option that keeps the fleet from starting is usage; a target's own failure is 1
  TARGET_SOURCE_INVALID: ExitStatus.usage,
  FLEET_REPORT_INVALID: ExitStatus.usage,
  FLEET_OPTIONS_INVALID: ExitStatus.usage,
  TARGET_SCHEMA_NOT_SUPPORTED: ExitStatus.failure,
  TARGET_SCHEMA_NOT_FOUND: ExitStatus.failure,
  TARGET_UNKNOWN: ExitStatus.failure,
  FLEET_SCRIPTS_MISMATCH: ExitStatus.failure,
  // an ORM migrator's call with no counterpart in the revision graph: the call is wrong, nothing ran
  MIGRATOR_CALL_NOT_SUPPORTED: ExitStatus.usage,
  // import mikro-orm: a config that cannot be read is usage; the database's state (no table, unsafe history) is 1; nothing was written
  MIKRO_ORM_CONFIG_NOT_FOUND: ExitStatus.usage,
  MIKRO_ORM_CONFIG_INVALID: ExitStatus.usage,
  MIKRO_ORM_HISTORY_NOT_FOUND: ExitStatus.failure,
  MIKRO_ORM_IMPORT_REFUSED: ExitStatus.failure,
};

/**
 * The exit status for an error code; {@link ExitStatus.failure} for a code this CLI
 * does not know (a newer core, or a plugin's own error).
 *
 * ### Examples
 * ```ts
 * exitStatusFor('REVISION_NOT_FOUND') // 2
 * exitStatusFor('MIGRATION_FAILED')   // 1
 * ```
 */
export function exitStatusFor(code: string): ExitStatus {
  return Object.hasOwn(EXIT_CODES, code) ? EXIT_CODES[code as MigrateErrorCode] : ExitStatus.failure;
}

/** How a process interrupted by a signal exits: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM); 1 for an unknown name. */
export function signalExitStatus(signal: string): number {
  const number = (constants.signals as Record<string, number | undefined>)[signal];
  return number === undefined ? ExitStatus.failure : 128 + number;
}

/**
 * The exit status for an error: {@link exitStatusFor} its code, except an interruption by
 * a signal, which exits with 128 + the signal's number as shells report it (130 for
 * SIGINT, 143 for SIGTERM).
 */
export function exitStatusForError(error: MigrateError): number {
  const signal = error.code === 'INTERRUPTED' ? (error as { signal?: unknown }).signal : undefined;
  return typeof signal === 'string' ? signalExitStatus(signal) : exitStatusFor(error.code);
}
