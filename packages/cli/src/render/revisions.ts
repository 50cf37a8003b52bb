import type { RevisionSummary } from '@cloudguard/migrate-core';

/** What {@link formatRevision} adds to the revision id. */
export interface RevisionFormat {
  /** `<down> -> <rev>` (history) instead of the id alone (current). */
  readonly parents?: boolean | undefined;
  /** ` (label)` after the id. */
  readonly branchLabels?: boolean | undefined;
  /** `, <message>` at the end. */
  readonly message?: boolean | undefined;
}

/**
 * One revision on one line, in Alembic's `cmd_format` words so scripts that grep
 * Alembic's output keep working: `<base> -> ae1027 (head), Add users`.
 *
 * ### Examples
 * ```ts
 * formatRevision(rev, { parents: true, branchLabels: true, message: true }) // 'ae1027 -> 27c6a3 (head), Add scans'
 * formatRevision(rev)                                                        // '27c6a3 (head)'
 * ```
 */
export function formatRevision(rev: RevisionSummary, format: RevisionFormat = {}): string {
  let text = rev.id;
  if (format.parents) {
    const deps = rev.dependsOn.length > 0 ? ` (${rev.dependsOn.join(', ')})` : '';
    text = `${formatDownRevisions(rev)}${deps} -> ${text}`;
  }
  if (format.branchLabels && rev.branchLabels.length > 0) text += ` (${rev.branchLabels.join(', ')})`;
  text += indicators(rev);
  if (format.message && rev.message !== undefined && rev.message !== '') text += `, ${firstParagraph(rev.message)}`;
  return text;
}

/** A `history` line: `<down> -> <rev> (head) (current) (branchpoint) (mergepoint), <message>`. */
export function formatHistoryLine(rev: RevisionSummary): string {
  return formatRevision(rev, { parents: true, branchLabels: true, message: true });
}

/** A `current` line: `<rev> (head)`. */
export function formatCurrentLine(rev: RevisionSummary): string {
  return formatRevision(rev);
}

/** The `--verbose` block of one revision (Alembic's `log_entry`). */
export function formatRevisionEntry(rev: RevisionSummary): string {
  const lines = [`Rev: ${rev.id}${indicators(rev)}`];
  lines.push(`${rev.isMergePoint ? 'Merges' : 'Parent'}: ${formatDownRevisions(rev)}`);
  if (rev.dependsOn.length > 0) lines.push(`Also depends on: ${rev.dependsOn.join(', ')}`);
  if (rev.isBranchPoint) lines.push(`Branches into: ${rev.nextRevisions.join(', ')}`);
  if (rev.branchLabels.length > 0) lines.push(`Branch names: ${rev.branchLabels.join(', ')}`);
  if (rev.path !== undefined) lines.push(`Path: ${rev.path}`);
  lines.push('');
  for (const line of (rev.message ?? '').split('\n')) lines.push(`    ${line}`);
  lines.push('');
  return lines.join('\n');
}

/** Every `--verbose` block of a list, separated by blank lines. */
export function formatRevisionEntries(revisions: readonly RevisionSummary[]): string {
  return revisions.map(formatRevisionEntry).join('\n');
}

function formatDownRevisions(rev: RevisionSummary): string {
  return rev.downRevisions.length === 0 ? '<base>' : rev.downRevisions.join(', ');
}

function indicators(rev: RevisionSummary): string {
  return (
    (rev.isHead ? ' (head)' : '') +
    (rev.isCurrent ? ' (current)' : '') +
    (rev.isBranchPoint ? ' (branchpoint)' : '') +
    (rev.isMergePoint ? ' (mergepoint)' : '')
  );
}

function firstParagraph(message: string): string {
  return message.trim().split(/\n\s*\n/)[0] ?? '';
}
