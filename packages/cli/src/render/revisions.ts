import type { RevisionSummary } from '@cloudguard/migrate-core';
import { formatAcceptedEditLine } from './accepted-edit.js';

/** What {@link formatRevision} adds to the revision id. */
export interface RevisionFormat {
  /** `<down> -> <rev>` (history) instead of the id alone (current). */
  readonly parents?: boolean | undefined;
  /** ` (label)` after the id. */
  readonly branchLabels?: boolean | undefined;
  /** `, <message>` at the end. */
  readonly message?: boolean | undefined;
  /**
   * ` (branchpoint)` and ` (mergepoint)` (Alembic's `tree_indicators`); on unless `false`.
   * `heads` leaves them out.
   */
  readonly treeIndicators?: boolean | undefined;
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
  // A head that another revision depends on is not reached by `heads` by itself: Alembic's `(effective head)`.
  if (rev.isHead) text += rev.isEffectiveHead ? ' (effective head)' : ' (head)';
  if (rev.isCurrent) text += ' (current)';
  if (format.treeIndicators ?? true) text += treeIndicators(rev);
  if (format.message && rev.message !== undefined && rev.message !== '') text += `, ${firstParagraph(rev.message)}`;
  return text;
}

/** A `history` line: `<down> -> <rev> (head) (current) (branchpoint) (mergepoint), <message>`. */
export function formatHistoryLine(rev: RevisionSummary): string {
  return formatRevision(rev, HISTORY_FORMAT);
}

const HISTORY_FORMAT: RevisionFormat = { parents: true, branchLabels: true, message: true };

/** A `current` line: `<rev> (head)`, or `<rev> (effective head)` for a head another revision depends on. */
export function formatCurrentLine(rev: RevisionSummary): string {
  return formatRevision(rev);
}

/**
 * A `heads` line: `<rev> (<labels>) (head)`, or `(effective head)` for a head that
 * another revision depends on; no branch or merge marks (Alembic's `heads`).
 *
 * ### Examples
 * ```ts
 * formatHeadLine(rev)       // '2a95102259be (networking) (head)'
 * formatHeadLine(dependedOn) // '53fffde5ad5 (effective head)'
 * ```
 */
export function formatHeadLine(rev: RevisionSummary): string {
  return formatRevision(rev, { branchLabels: true, treeIndicators: false });
}

/**
 * A `branches` block: the branch point, then one `-> <child>` line per revision that
 * follows it, indented to the end of the id, as Alembic prints it. With `verbose`, the
 * branch point is its {@link formatRevisionEntry} and each child line ends with its message.
 *
 * ### Examples
 * ```ts
 * formatBranchPoint(point, [ae10, c27])
 * // '1975ea83b712 (branchpoint)\n             -> ae1027a6acf (head)\n             -> 27c6a30d7c24 (head)\n'
 * ```
 */
export function formatBranchPoint(
  point: RevisionSummary,
  children: readonly RevisionSummary[],
  options: { verbose?: boolean | undefined } = {},
): string {
  const header = options.verbose ? formatRevisionEntry(point) : formatRevision(point, { branchLabels: true });
  const indent = ' '.repeat(point.id.length);
  const lines = children.map(
    (child) => `${indent} -> ${formatRevision(child, { branchLabels: true, message: options.verbose })}`,
  );
  return `${header}\n${lines.join('\n')}\n`;
}

/**
 * The `--verbose` block of one revision (Alembic's `log_entry`): `Rev:` with its marks,
 * `Parent:` or `Merges:`, dependencies, branches, labels, the file and the message,
 * indented. Ends with a newline, so blocks printed one per line are separated by a blank line.
 *
 * ### Examples
 * ```ts
 * formatRevisionEntry(rev) // 'Rev: b (head)\nParent: a\nPath: /m/versions/b.ts\n\n    Add b\n'
 * ```
 */
export function formatRevisionEntry(rev: RevisionSummary): string {
  // log_entry's order differs from cmd_format's: (current) comes last.
  const lines = [`Rev: ${rev.id}${rev.isHead ? ' (head)' : ''}${treeIndicators(rev)}${rev.isCurrent ? ' (current)' : ''}`];
  lines.push(`${rev.isMergePoint ? 'Merges' : 'Parent'}: ${formatDownRevisions(rev)}`);
  if (rev.dependsOn.length > 0) lines.push(`Also depends on: ${rev.dependsOn.join(', ')}`);
  if (rev.isBranchPoint) lines.push(`Branches into: ${rev.nextRevisions.join(', ')}`);
  if (rev.branchLabels.length > 0) lines.push(`Branch names: ${rev.branchLabels.join(', ')}`);
  if (rev.path !== undefined) lines.push(`Path: ${rev.path}`);
  if (rev.appliedAt !== undefined) {
    lines.push(`Applied: ${new Date(rev.appliedAt).toISOString()}${rev.appliedBy ? ` by ${rev.appliedBy}` : ''}`);
  }
  if (rev.acceptedEdit !== undefined) lines.push(formatAcceptedEditLine(rev.acceptedEdit));
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
  const down = rev.downRevisions;
  // One parent is the common case: no join for it.
  return down.length === 0 ? '<base>' : down.length === 1 ? (down[0] as string) : down.join(', ');
}

function treeIndicators(rev: RevisionSummary): string {
  return (rev.isBranchPoint ? ' (branchpoint)' : '') + (rev.isMergePoint ? ' (mergepoint)' : '');
}

function firstParagraph(message: string): string {
  // Most messages are one line: no split (and no array) for those.
  if (!message.includes('\n')) return message.trim();
  return message.trim().split(/\n\s*\n/)[0] ?? '';
}
