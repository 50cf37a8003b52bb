import { InvalidRevisionIdError } from '../errors.js';

/**
 * One node of the revision graph: what the script directory knows about a migration
 * file without running it.
 */
export interface Revision {
  /** The revision id. */
  readonly id: string;
  /** Parents: empty for a base, several for a merge point. */
  readonly downRevisions: readonly string[];
  /** Revisions this one depends on without being their child. */
  readonly dependsOn: readonly string[];
  /** Branch labels declared on this revision. */
  readonly branchLabels: readonly string[];
  /** One-line description. */
  readonly message: string | undefined;
  /** The migration file, when the revision comes from one. */
  readonly path: string | undefined;
}

/** What {@link createRevision} accepts: a revision whose list fields may be a single id, a list, or absent. */
export interface RevisionInput {
  readonly id: string;
  readonly downRevisions?: string | readonly string[] | null | undefined;
  readonly dependsOn?: string | readonly string[] | null | undefined;
  readonly branchLabels?: string | readonly string[] | null | undefined;
  readonly message?: string | undefined;
  readonly path?: string | undefined;
}

/** Longest id the `version_num VARCHAR(32)` column can hold. */
export const MAX_REVISION_ID_LENGTH = 32;

const RESERVED_IDS = new Set(['head', 'heads', 'base', 'current']);

/**
 * Checks that a revision id can be stored and named on the command line.
 *
 * @throws {InvalidRevisionIdError} when it is empty, longer than 32 characters, a
 *   reserved word (`head`, `heads`, `base`, `current`), or contains a character
 *   that has a meaning in revision identifiers (`@ : + - ,`, white space).
 */
export function assertValidRevisionId(id: string): void {
  if (id.length === 0) throw new InvalidRevisionIdError(id, 'it is empty');
  if (id.length > MAX_REVISION_ID_LENGTH) {
    throw new InvalidRevisionIdError(id, `it is longer than ${MAX_REVISION_ID_LENGTH} characters`);
  }
  if (RESERVED_IDS.has(id)) throw new InvalidRevisionIdError(id, `'${id}' is a reserved word`);
  if (!/^[A-Za-z0-9_.]+$/.test(id)) {
    throw new InvalidRevisionIdError(id, 'only letters, digits, "_" and "." are allowed');
  }
}

/** The list of a revision without parents, dependencies or labels: one frozen array shared by all. */
export const NO_REVISIONS: readonly string[] = Object.freeze([]);

/** Normalises a single id, a list or nothing into a list (a new one, or a shared empty one). */
export function toRevisionList(value: string | readonly string[] | null | undefined): readonly string[] {
  if (value === null || value === undefined) return NO_REVISIONS;
  if (typeof value === 'string') return [value];
  return value.length === 0 ? NO_REVISIONS : [...value];
}

/**
 * Builds a {@link Revision}, normalising list fields and validating the id.
 *
 * ### Examples
 * ```ts
 * createRevision({ id: 'b', downRevisions: 'a', message: 'add scans' })
 * ```
 * @throws {InvalidRevisionIdError}
 */
export function createRevision(input: RevisionInput): Revision {
  assertValidRevisionId(input.id);
  return Object.freeze({
    id: input.id,
    downRevisions: Object.freeze(toRevisionList(input.downRevisions)),
    dependsOn: Object.freeze(toRevisionList(input.dependsOn)),
    branchLabels: Object.freeze(toRevisionList(input.branchLabels)),
    message: input.message,
    path: input.path,
  });
}
