/**
 * The `Reviewed-Conflicts:` line of a migration's header comment, beside Alembic's
 * `Revision ID:` and `Revises:`: the revisions on concurrent branches whose overlap
 * with this one was reviewed, so that `check` does not report it as a branch conflict.
 *
 * ```ts
 * /**
 *  * Add scan notes
 *  *
 *  * Revision ID: b71e04
 *  * Revises: 000002
 *  * Reviewed-Conflicts: 3f2a9c, 5d1e
 *  *\/
 * ```
 *
 * @packageDocumentation
 */

/** The header key, compared without regard to case. */
export const REVIEWED_CONFLICTS_KEY = 'Reviewed-Conflicts';

/**
 * The revision ids (or prefixes) a migration's comments list after `Reviewed-Conflicts:`,
 * separated by commas or spaces; several such lines add up. Only comment lines count
 * (`//` lines, and lines of a block comment, with or without a leading `*`).
 *
 * ### Examples
 * ```ts
 * reviewedConflictsOf('/**\n * Revision ID: b2\n * Reviewed-Conflicts: c1, c2\n *\/') // ['c1', 'c2']
 * ```
 */
export function reviewedConflictsOf(source: string): string[] {
  const ids: string[] = [];
  let inBlock = false;
  for (const rawLine of source.split('\n')) {
    let line = rawLine.trim();
    let comment: string | undefined;
    if (inBlock) {
      comment = line;
    } else if (line.startsWith('//')) {
      comment = line.slice(2);
    } else if (line.startsWith('/*')) {
      inBlock = true;
      line = line.slice(2);
      comment = line;
    }
    if (comment === undefined) continue;
    const end = comment.indexOf('*/');
    if (inBlock && end !== -1) {
      inBlock = false;
      comment = comment.slice(0, end);
    }
    const text = comment.replace(/^\*+/, '').trim();
    const colon = text.indexOf(':');
    if (colon === -1 || text.slice(0, colon).trim().toLowerCase() !== REVIEWED_CONFLICTS_KEY.toLowerCase()) continue;
    for (const id of text.slice(colon + 1).split(/[\s,]+/)) if (id !== '') ids.push(id);
  }
  return ids;
}
