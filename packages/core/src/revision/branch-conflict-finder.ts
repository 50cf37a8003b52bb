/**
 * Finds the objects that revisions on concurrent branches both touch. Pure: the
 * comparisons (see {@link branchComparisons}) and what each revision touches in,
 * findings out; reading the migrations is the caller's job.
 *
 * @packageDocumentation
 */

import { describeTouch, qualifiedName, touchesMeet, type IdentifierRules, type TouchedObject } from '../operations/touched-object.js';
import type { BranchComparison, BranchMeeting } from './concurrent-revisions.js';

/** What one revision touches, as read from its migration. */
export interface RevisionTouches {
  readonly revision: string;
  /** The migration file. */
  readonly path: string | undefined;
  readonly touches: readonly TouchedObject[];
}

/** The object two concurrent revisions both touch: a table, or one of its columns, indexes or constraints. */
export interface ConflictObject {
  /** The table (`schema.name` where a schema is named); absent only for an index named without its table. */
  readonly table?: string | undefined;
  readonly column?: string | undefined;
  readonly index?: string | undefined;
  readonly constraint?: string | undefined;
}

/** One of the two revisions of a conflict, and what it does to the object. */
export interface ConflictSide {
  readonly revision: string;
  readonly path: string | undefined;
  /** What the revision does to the object, in words: `adds column scans.note`. */
  readonly does: string;
  /** The same, as data. */
  readonly touch: TouchedObject;
}

/** Two revisions on concurrent branches that touch the same object. */
export interface BranchConflictFinding {
  /** Where their branches meet: two unmerged heads, or a merge revision. */
  readonly meeting: BranchMeeting;
  readonly object: ConflictObject;
  /** The revision of the first head (or parent). */
  readonly first: ConflictSide;
  /** The revision of the second head (or parent). */
  readonly second: ConflictSide;
}

/** Tells whether a pair of revisions was reviewed (see `reviewedConflicts`); the answer names who said so. */
export type ReviewedPairs = (first: string, second: string) => 'config' | 'header' | undefined;

/** A finding about a pair that was reviewed, with where the review is recorded. */
export interface AcknowledgedConflict extends BranchConflictFinding {
  readonly reviewedIn: 'config' | 'header';
}

/** What {@link findConflicts} found. */
export interface ConflictSearch {
  readonly conflicts: readonly BranchConflictFinding[];
  readonly acknowledged: readonly AcknowledgedConflict[];
}

/**
 * Every object touched by a revision of one side of a comparison and by a revision of
 * the other (see {@link touchesMeet}), one finding per pair of revisions and object; a
 * pair of revisions is compared once, in the first comparison that holds it. Pairs that
 * `reviewed` acknowledges are returned apart.
 *
 * ### Examples
 * ```ts
 * findConflicts(branchComparisons(map, 'all'), touchesById, { caseInsensitive: true }, () => undefined)
 * // { conflicts: [{ meeting: { kind: 'heads', … }, object: { table: 'scans', column: 'note' }, first: …, second: … }], acknowledged: [] }
 * ```
 */
export function findConflicts(
  comparisons: readonly BranchComparison[],
  touchesOf: ReadonlyMap<string, RevisionTouches>,
  rules: IdentifierRules,
  reviewed: ReviewedPairs,
): ConflictSearch {
  const conflicts: BranchConflictFinding[] = [];
  const acknowledged: AcknowledgedConflict[] = [];
  const comparedPairs = new Set<string>();
  for (const comparison of comparisons) {
    for (const left of comparison.left) {
      const first = touchesOf.get(left);
      if (first === undefined || first.touches.length === 0) continue;
      for (const right of comparison.right) {
        const pair = left < right ? `${left}\u0000${right}` : `${right}\u0000${left}`;
        if (comparedPairs.has(pair)) continue;
        comparedPairs.add(pair);
        const second = touchesOf.get(right);
        if (second === undefined || second.touches.length === 0) continue;
        const findings = conflictsOfPair(comparison.meeting, first, second, rules);
        if (findings.length === 0) continue;
        const reviewedIn = reviewed(left, right);
        if (reviewedIn === undefined) conflicts.push(...findings);
        else acknowledged.push(...findings.map((finding) => ({ ...finding, reviewedIn })));
      }
    }
  }
  return { conflicts, acknowledged };
}

function conflictsOfPair(meeting: BranchMeeting, first: RevisionTouches, second: RevisionTouches, rules: IdentifierRules): BranchConflictFinding[] {
  const findings: BranchConflictFinding[] = [];
  const reported = new Set<string>();
  for (const a of first.touches) {
    for (const b of second.touches) {
      if (!touchesMeet(a, b, rules)) continue;
      const object = conflictObject(a, b);
      // Once per object: a revision that adds a column and backfills it conflicts once with one that drops it.
      const key = objectKey(object, rules);
      if (reported.has(key)) continue;
      reported.add(key);
      findings.push({
        meeting,
        object,
        first: { revision: first.revision, path: first.path, does: describeTouch(a), touch: a },
        second: { revision: second.revision, path: second.path, does: describeTouch(b), touch: b },
      });
    }
  }
  return findings;
}

/** The object both touch: the part when both name the same one, else the table. */
function conflictObject(a: TouchedObject, b: TouchedObject): ConflictObject {
  const table = a.table ?? b.table;
  const name = table === undefined ? undefined : qualifiedName(table);
  const part = a.part !== undefined && b.part !== undefined && a.part.kind === b.part.kind ? a.part : undefined;
  if (part === undefined) return { table: name };
  return { table: name, [part.kind]: part.name };
}

function objectKey(object: ConflictObject, rules: IdentifierRules): string {
  const key = JSON.stringify([object.table ?? '', object.column ?? '', object.index ?? '', object.constraint ?? '']);
  return rules.caseInsensitive ? key.toLowerCase() : key;
}

/**
 * A finding in one line: both revisions, both files, the object, and what each does.
 *
 * ### Examples
 * ```ts
 * describeConflict(finding)
 * // "Revisions b1 (migrations/versions/b1.ts) and b2 (migrations/versions/b2.ts), on unmerged heads b1 and b2,
 * //  both change column scans.note: b1 adds column scans.note; b2 adds column scans.note"
 * ```
 */
export function describeConflict(finding: BranchConflictFinding, showPath: (path: string) => string = (path) => path): string {
  const side = (s: ConflictSide): string => `${s.revision}${s.path === undefined ? '' : ` (${showPath(s.path)})`}`;
  const where =
    finding.meeting.kind === 'heads'
      ? `on unmerged heads ${finding.meeting.heads[0]} and ${finding.meeting.heads[1]}`
      : `on the two sides of merge ${finding.meeting.merge}`;
  return (
    `Revisions ${side(finding.first)} and ${side(finding.second)}, ${where}, both change ${describeObject(finding.object)}: ` +
    `${finding.first.revision} ${finding.first.does}; ${finding.second.revision} ${finding.second.does}`
  );
}

/** `column scans.note`, `index ix_scans on scans`, `table scans`. */
export function describeObject(object: ConflictObject): string {
  const on = object.table === undefined ? '' : ` on ${object.table}`;
  if (object.column !== undefined) return `column ${object.table === undefined ? '' : `${object.table}.`}${object.column}`;
  if (object.index !== undefined) return `index ${object.index}${on}`;
  if (object.constraint !== undefined) return `constraint ${object.constraint}${on}`;
  return `table ${object.table ?? '?'}`;
}

/**
 * Whether a pair was reviewed: a `reviewedConflicts` entry names both (ids or prefixes,
 * either order), or the header of either migration lists the other
 * (`Reviewed-Conflicts:`, ids or prefixes).
 *
 * ### Examples
 * ```ts
 * reviewedBy([['b1', 'b2']], () => [])('b1f0', 'b2aa') // 'config'
 * ```
 */
export function reviewedBy(configured: readonly (readonly [string, string])[], headerOf: (revision: string) => readonly string[]): ReviewedPairs {
  return (first, second) => {
    const names = (id: string, prefix: string): boolean => id.startsWith(prefix);
    for (const [a, b] of configured) {
      if ((names(first, a) && names(second, b)) || (names(first, b) && names(second, a))) return 'config';
    }
    if (headerOf(first).some((prefix) => names(second, prefix)) || headerOf(second).some((prefix) => names(first, prefix))) return 'header';
    return undefined;
  };
}
