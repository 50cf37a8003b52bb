import type { RevisionSummary } from '@cloudguard/migrate-core';
import { formatRevision } from '../revisions.js';

/**
 * The revision graph drawn in the terminal, one revision a line, newest first, in the
 * manner of `git log --graph`: each branch runs in its own lane (`|`), a branch point
 * gathers its lanes with `/`, a merge point opens one lane per extra parent with `\`.
 * A revision is `*`, or `@` when the database is at it; its line carries the id, the
 * branch labels, the marks and the message.
 *
 * `revisions` must come newest first with every child before its parents (the order
 * of `history`). A parent outside the list (a range) ends its lane. Each revision costs
 * one pass over the open lanes, so the drawing is linear in the number of revisions.
 *
 * ### Examples
 * ```ts
 * formatTerminalGraph(history.revisions)
 * // '*   d4 (head) (mergepoint), Merge heads\n|\\\n* | b2, Add B\n| * c3, Add C\n|/\n* a1 (branchpoint), Base'
 * ```
 */
export function formatTerminalGraph(revisions: readonly RevisionSummary[]): string {
  const shown = new Set(revisions.map((rev) => rev.id));
  /** What each open lane waits for: the id of the next revision drawn in it. */
  let lanes: string[] = [];
  const rows: string[] = [];
  for (const rev of revisions) {
    let column = lanes.indexOf(rev.id);
    if (column === -1) {
      column = lanes.length;
      lanes.push(rev.id);
    }
    // A branch point: every other lane that waits for it joins its column.
    const joining = new Set<number>();
    for (let lane = column + 1; lane < lanes.length; lane++) if (lanes[lane] === rev.id) joining.add(lane);
    if (joining.size > 0) {
      rows.push(joinRow(lanes.length, column, joining));
      lanes = lanes.filter((_id, lane) => !joining.has(lane));
    }

    const parents = rev.downRevisions.filter((id) => shown.has(id));
    const width = lanes.length + Math.max(0, parents.length - 1);
    const marker = rev.isCurrent ? '@' : '*';
    const cells = lanes.map((_id, lane) => (lane === column ? marker : '|'));
    const label = formatRevision(rev, { branchLabels: true, message: true });
    rows.push(`${padRow(cells.join(' '), width)} ${label}`);

    if (parents.length === 0) {
      // The lane ends here; lanes to its right move one column left.
      const after = lanes.length - column - 1;
      lanes.splice(column, 1);
      if (after > 0) rows.push(shiftLeftRow(lanes.length + 1, column));
    } else {
      lanes.splice(column, 1, ...parents);
      if (parents.length > 1) rows.push(forkRow(lanes.length, column));
    }
  }
  return rows.map((row) => row.trimEnd()).join('\n');
}

/** Pads a lane drawing to the width of `lanes` lanes, so labels line up across a fork. */
function padRow(cells: string, lanes: number): string {
  return cells.padEnd(Math.max(1, lanes * 2 - 1), ' ');
}

/** `|/` (or `|_|/`, with lanes between): the lanes in `joining` fold into `column`. */
function joinRow(lanes: number, column: number, joining: ReadonlySet<number>): string {
  const chars = Array.from({ length: lanes * 2 }, () => ' ');
  let removed = 0;
  const farthest = Math.max(...joining);
  for (let lane = 0; lane < lanes; lane++) {
    if (joining.has(lane)) {
      chars[lane * 2 - 1] = '/';
      removed++;
    } else if (removed > 0) {
      chars[lane * 2 - 1] = '/';
    } else {
      chars[lane * 2] = '|';
    }
  }
  for (let gap = column * 2 + 1; gap < farthest * 2 - 1; gap++) if (chars[gap] === ' ') chars[gap] = '_';
  return chars.join('');
}

/** `|\` : the revision at `column` opens `extra` lanes for its other parents; lanes to the right move over. */
function forkRow(lanes: number, column: number): string {
  const chars = Array.from({ length: lanes * 2 }, () => ' ');
  for (let lane = 0; lane < lanes; lane++) {
    if (lane <= column) chars[lane * 2] = '|';
    else chars[lane * 2 - 1] = '\\';
  }
  return chars.join('');
}

/** ` /`: a lane ended at `column`; every lane right of it moves one column left. */
function shiftLeftRow(lanes: number, column: number): string {
  const chars = Array.from({ length: lanes * 2 }, () => ' ');
  for (let lane = 0; lane < lanes; lane++) {
    if (lane < column) chars[lane * 2] = '|';
    else if (lane > column) chars[lane * 2 - 1] = '/';
  }
  return chars.join('');
}
