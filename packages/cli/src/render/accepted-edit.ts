import { abbreviateChecksum as abbreviate, type AcceptedEdit, type AcceptEditedMigrationResult } from '@cloudguard/migrate-core';

/**
 * The line `audit accept` prints once the acceptance is recorded.
 *
 * ### Examples
 * ```ts
 * formatAcceptedEdit(result)
 * // 'Accepted the edit of b2 (migrations/versions/…_b2.ts): SHA-256 8d0c3a5944e2 -> 6084ba4c99c3 by alice on build-7: "reformatted"'
 * ```
 */
export function formatAcceptedEdit(result: AcceptEditedMigrationResult): string {
  return (
    `Accepted the edit of ${result.revision} (${result.path}): SHA-256 ${abbreviate(result.previousChecksum)} -> ${abbreviate(result.checksum)}` +
    `${who(result.acceptedBy, result.host)}: "${result.reason}"`
  );
}

/**
 * The `Edit accepted:` line of `history --verbose`: when, by whom, why, and the checksums
 * abbreviated as the MIGRATION_EDITED message abbreviates them.
 *
 * ### Examples
 * ```ts
 * formatAcceptedEditLine(edit)
 * // 'Edit accepted: 2024-11-16T10:00:00.000Z by alice on build-7: "reformatted" (SHA-256 8d0c3a5944e2 -> 6084ba4c99c3)'
 * ```
 */
export function formatAcceptedEditLine(edit: AcceptedEdit): string {
  const checksums =
    edit.previousChecksum !== undefined && edit.checksum !== undefined
      ? ` (SHA-256 ${abbreviate(edit.previousChecksum)} -> ${abbreviate(edit.checksum)})`
      : '';
  const reason = edit.reason === undefined ? '' : `: "${edit.reason}"`;
  return `Edit accepted: ${new Date(edit.acceptedAt).toISOString()}${who(edit.acceptedBy, edit.host)}${reason}${checksums}`;
}

function who(user: string | undefined, host: string | undefined): string {
  if (user === undefined) return host === undefined ? '' : ` on ${host}`;
  return ` by ${user}${host === undefined ? '' : ` on ${host}`}`;
}
