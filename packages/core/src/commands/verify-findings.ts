import type { SchemaChange } from '../adapter/schema-change.js';

/**
 * What a finding of {@link verify} is about; a contract, as error codes are (add codes,
 * never change one):
 *
 * - the graph (all reported at once): `VERIFY_DUPLICATE_REVISION`, `VERIFY_MISSING_PARENT`
 *   (a `downRevision` or `dependsOn` naming nothing), `VERIFY_REVISION_CYCLE`,
 *   `VERIFY_DEPENDENCY_CYCLE`, `VERIFY_DUPLICATE_BRANCH_LABEL`, `VERIFY_MULTIPLE_HEADS` (several
 *   heads, none declared), `VERIFY_UNEXPECTED_HEADS` (heads other than the config's
 *   `expectedHeads`), `VERIFY_BRANCH_CONFLICT` (two migrations on concurrent branches
 *   change the same object and the pair was not reviewed), `VERIFY_LINT` (a safety-lint
 *   finding whose severity is `error`; see `lint`);
 * - running the migrations (the first failure stops the run): `VERIFY_UPGRADE_FAILED` (an
 *   `up` failed: in the full upgrade, or the first `up` of the stairway),
 *   `VERIFY_DOWN_FAILED`, `VERIFY_DOWN_LEFT_TRACE` (the schema after `down` is not the
 *   schema before `up`), `VERIFY_SECOND_UP_FAILED` (`up` failed after its own `down`);
 * - the result: `VERIFY_ENTITIES_DIFFER` (the schema at the heads is not what
 *   `config.entities` describe), `VERIFY_BASE_NOT_EMPTY` (after `downgrade base`, more
 *   than the version and audit tables remain).
 */
export type VerifyFindingCode =
  | 'VERIFY_DUPLICATE_REVISION'
  | 'VERIFY_MISSING_PARENT'
  | 'VERIFY_REVISION_CYCLE'
  | 'VERIFY_DEPENDENCY_CYCLE'
  | 'VERIFY_DUPLICATE_BRANCH_LABEL'
  | 'VERIFY_MULTIPLE_HEADS'
  | 'VERIFY_UNEXPECTED_HEADS'
  | 'VERIFY_BRANCH_CONFLICT'
  | 'VERIFY_LINT'
  | 'VERIFY_UPGRADE_FAILED'
  | 'VERIFY_DOWN_FAILED'
  | 'VERIFY_DOWN_LEFT_TRACE'
  | 'VERIFY_SECOND_UP_FAILED'
  | 'VERIFY_ENTITIES_DIFFER'
  | 'VERIFY_BASE_NOT_EMPTY';

/**
 * The checks of {@link verify}, in the order they run: `graph` (static), `upgrade`
 * (base to the heads, or to `--from`), `stairway` (each revision up, down, up),
 * `entities` (the schema against `config.entities`), `downgrade` (back to base).
 */
export type VerifyCheck = 'graph' | 'upgrade' | 'stairway' | 'entities' | 'downgrade';

/** Which run of a revision failed: its `up`, its `down`, or its `up` again after the `down`. */
export type VerifyDirection = 'up' | 'down' | 'second-up';

/** One problem {@link verify} found. Plain data: `verify --json` prints it as it is. */
export interface VerifyFinding {
  readonly code: VerifyFindingCode;
  readonly check: VerifyCheck;
  /** One line for people, naming the revision and its file. */
  readonly message: string;
  /** The revision at fault, when one is. */
  readonly revision?: string | undefined;
  /** Its migration file (absolute). */
  readonly path?: string | undefined;
  /** Every revision at fault, when several are (heads, a cycle, duplicates). */
  readonly revisions?: readonly string[] | undefined;
  /** Their files, in the order of {@link revisions} (or of the duplicates). */
  readonly paths?: readonly (string | undefined)[] | undefined;
  /** Which run of the revision failed. */
  readonly direction?: VerifyDirection | undefined;
  /** The statement that failed, when the database reported one. */
  readonly statement?: string | undefined;
  /** Why the run failed: the database's or the migration's error message. */
  readonly reason?: string | undefined;
  /**
   * The schema difference: what `down` left behind (in the direction from the schema
   * before `up` to the one after `down`), what the entities would change, or what is left at base.
   */
  readonly changes?: readonly SchemaChange[] | undefined;
  /** `VERIFY_LINT`: the lint rule's id (`docs/lint.md`). */
  readonly ruleId?: string | undefined;
  /** `VERIFY_LINT`: the 1-based line of the statement's `op` call in {@link path}. */
  readonly line?: number | undefined;
  /**
   * How the finding was made, when it is worth knowing: for `VERIFY_DOWN_LEFT_TRACE`, that
   * the schemas were compared by the adapter's catalog snapshots only, because its
   * introspection, which should have decided, could not (and why).
   */
  readonly note?: string | undefined;
  /** What remains at base besides the version and audit tables (`VERIFY_BASE_NOT_EMPTY`). */
  readonly remaining?: readonly string[] | undefined;
}
