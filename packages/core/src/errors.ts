/**
 * Every error cgmigrate raises on purpose. Each class carries a literal, stable
 * {@link MigrateErrorCode} and the data a caller needs to act on it; messages state
 * facts only. Remedies are the CLI's job (see its `hints`), as Alembic keeps advice
 * out of its revision map.
 *
 * @packageDocumentation
 */

const BRAND = Symbol.for('@cloudguard/migrate-core/error');

/** Every stable error code. Codes are a contract: new ones may be added, none is ever changed. */
export type MigrateErrorCode =
  // revision graph
  | 'MULTIPLE_HEADS'
  | 'REVISION_NOT_FOUND'
  | 'AMBIGUOUS_REVISION'
  | 'REVISION_CYCLE'
  | 'DEPENDENCY_CYCLE'
  | 'RANGE_NOT_ANCESTOR'
  | 'INVALID_REVISION_ID'
  | 'DUPLICATE_REVISION'
  | 'MISSING_PARENT'
  | 'INVALID_TARGET'
  | 'AMBIGUOUS_STEP'
  | 'DUPLICATE_BRANCH_LABEL'
  | 'REVISION_NOT_IN_BRANCH'
  | 'OVERLAPPING_REVISIONS'
  // script directory
  | 'SCRIPT_LOCATION_NOT_FOUND'
  | 'MALFORMED_MIGRATION'
  | 'TEMPLATE_NOT_FOUND'
  | 'INVALID_MESSAGE'
  | 'FILE_EXISTS'
  | 'MIGRATION_FORMAT_NOT_SUPPORTED'
  // execution
  | 'MIGRATION_FAILED'
  | 'IRREVERSIBLE_MIGRATION'
  | 'LOCK_TIMEOUT'
  | 'LOCK_LOST'
  | 'LOCK_UNAVAILABLE'
  | 'INTERRUPTED'
  | 'VERSION_TABLE_CONFLICT'
  | 'DATABASE_ERROR'
  // checks
  | 'DB_NOT_UP_TO_DATE'
  | 'SCHEMA_DRIFT'
  | 'UNEXPECTED_HEADS'
  | 'LINT_FAILED'
  // setup
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'INVALID_URL'
  | 'ADAPTER_NOT_FOUND'
  | 'ADAPTER_INCOMPATIBLE'
  | 'SHADOW_DATABASE_UNUSABLE'
  // schema operations (op.createTable, …)
  | 'INVALID_OPERATION'
  | 'OPERATION_NOT_SUPPORTED'
  | 'SCHEMA_CHECK_FAILED'
  // offline mode (--sql)
  | 'OFFLINE_READ_NOT_SUPPORTED'
  | 'OFFLINE_NOT_SUPPORTED'
  // post-write hooks
  | 'POST_WRITE_HOOK_FAILED'
  // accepting an edited migration (audit accept)
  | 'INVALID_REASON'
  | 'MIGRATION_NOT_APPLIED'
  | 'MIGRATION_NOT_EDITED'
  | 'MIGRATION_FILE_UNREADABLE'
  | 'NO_RECORDED_CHECKSUM'
  | 'ACCEPT_NOT_SUPPORTED'
  // fleets
  | 'TARGET_SOURCE_INVALID'
  | 'TARGET_SCHEMA_NOT_SUPPORTED'
  | 'TARGET_SCHEMA_NOT_FOUND'
  | 'TARGET_UNKNOWN'
  | 'FLEET_REPORT_INVALID'
  | 'FLEET_OPTIONS_INVALID'
  | 'FLEET_SCRIPTS_MISMATCH'
  // an ORM's migrator run through cgmigrate (MikroORM's orm.migrator)
  | 'MIGRATOR_CALL_NOT_SUPPORTED'
  // adopting a MikroORM project (import mikro-orm)
  | 'MIKRO_ORM_CONFIG_NOT_FOUND'
  | 'MIKRO_ORM_CONFIG_INVALID'
  | 'MIKRO_ORM_HISTORY_NOT_FOUND'
  | 'MIKRO_ORM_IMPORT_REFUSED';

/**
 * Base class of every cgmigrate error.
 *
 * Use {@link isMigrateError} rather than `instanceof`: a CLI plugin may load a second
 * copy of this package, and the brand survives that where the prototype chain does not.
 */
export abstract class MigrateError extends Error {
  /** Stable machine-readable code; see {@link MigrateErrorCode}. */
  abstract readonly code: MigrateErrorCode;
  readonly [BRAND] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** The data fields of this error, for `--json` output and structured logs. */
  toJSON(): Record<string, unknown> {
    const data: Record<string, unknown> = { code: this.code, name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'cause' && value !== undefined) data[key] = value;
    }
    return data;
  }
}

/**
 * Tells whether `value` is an error raised by cgmigrate (from any loaded copy of core).
 *
 * ### Examples
 * ```ts
 * try { await upgrade(env, 'head') } catch (e) { if (isMigrateError(e) && e.code === 'MULTIPLE_HEADS') … }
 * ```
 */
export function isMigrateError(value: unknown): value is MigrateError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

// ── revision graph ────────────────────────────────────────────────────────────

/** A target such as `head` names one revision but the graph has several heads. */
export class MultipleHeadsError extends MigrateError {
  readonly code = 'MULTIPLE_HEADS' as const;
  constructor(
    readonly heads: readonly string[],
    readonly target: string,
    /**
     * For a relative step from several current heads (`downgrade -1`): the target that
     * takes the same step from each head alone (`<label>@-1`, else `<head>@-1`), in the
     * order of `heads`.
     */
    readonly perHead?: readonly string[],
  ) {
    super(`Multiple head revisions are present for given argument '${target}': ${heads.join(', ')}`);
  }
}

/** No revision matches an identifier, or the database records one that no script defines. */
export class RevisionNotFoundError extends MigrateError {
  readonly code = 'REVISION_NOT_FOUND' as const;
  constructor(
    readonly revision: string,
    /** `database` when the version table names a revision no script defines. */
    readonly source: 'argument' | 'database' = 'argument',
  ) {
    super(`Can't locate revision identified by '${revision}'`);
  }
}

/**
 * Revisions named together where one is an ancestor of another (through parents): stamp targets such as `stamp a b` when b descends from a, or version
 * rows written by another tool that record both a revision and one of its ancestors.
 * A version table keeps one row per branch head, so such a set has no meaning.
 */
export class OverlappingRevisionsError extends MigrateError {
  readonly code = 'OVERLAPPING_REVISIONS' as const;
  constructor(
    /** The revision that descends from the others. */
    readonly revision: string,
    /** The named revisions it descends from. */
    readonly overlaps: readonly string[],
    /** `database` when the version table holds them, `argument` when the command line named them. */
    readonly source: 'argument' | 'database' = 'argument',
  ) {
    super(`Requested revision ${revision} overlaps with other requested revisions ${overlaps.join(', ')}`);
  }
}

/** A revision prefix matches more than one revision. */
export class AmbiguousRevisionError extends MigrateError {
  readonly code = 'AMBIGUOUS_REVISION' as const;
  constructor(
    readonly prefix: string,
    readonly candidates: readonly string[],
  ) {
    super(`Revision prefix '${prefix}' is ambiguous; it could be any of: ${candidates.join(', ')}`);
  }
}

/** Following `downRevision` links leads back to where it started. */
export class RevisionCycleError extends MigrateError {
  readonly code = 'REVISION_CYCLE' as const;
  constructor(readonly revisions: readonly string[]) {
    super(`Cycle is detected in revisions (${revisions.join(', ')})`);
  }
}

/** Following `downRevision` and `dependsOn` links together leads back to where it started. */
export class DependencyCycleError extends MigrateError {
  readonly code = 'DEPENDENCY_CYCLE' as const;
  constructor(readonly revisions: readonly string[]) {
    super(`Dependency cycle is detected in revisions (${revisions.join(', ')})`);
  }
}

/** A range `a:b` whose ends are not ancestor and descendant of each other. */
export class RangeNotAncestorError extends MigrateError {
  readonly code = 'RANGE_NOT_ANCESTOR' as const;
  constructor(
    readonly lower: string,
    readonly upper: string,
  ) {
    super(`Revision ${lower} is not an ancestor of revision ${upper}`);
  }
}

/** A revision id that cannot be stored or named: empty, too long, or using reserved words or characters. */
export class InvalidRevisionIdError extends MigrateError {
  readonly code = 'INVALID_REVISION_ID' as const;
  constructor(
    readonly revision: string,
    readonly reason: string,
  ) {
    super(`Invalid revision id '${revision}': ${reason}`);
  }
}

/** Two migration files declare the same revision id. */
export class DuplicateRevisionError extends MigrateError {
  readonly code = 'DUPLICATE_REVISION' as const;
  constructor(
    readonly revision: string,
    readonly paths: readonly string[],
  ) {
    super(`Revision '${revision}' is present more than once: ${paths.join(' and ')}`);
  }
}

/** A revision names a parent (`downRevision`) or dependency (`dependsOn`) that no script defines. */
export class MissingParentError extends MigrateError {
  readonly code = 'MISSING_PARENT' as const;
  constructor(
    readonly revision: string,
    readonly missing: string,
    readonly relation: 'downRevision' | 'dependsOn',
    readonly path?: string,
  ) {
    super(
      `Revision ${revision}${path ? ` (${path})` : ''} ${relation === 'dependsOn' ? 'depends on' : 'revises'} ` +
        `'${missing}', which is not present`,
    );
  }
}

/** A target that cannot be used the way it was given, such as `downgrade +1` or `upgrade -2` past base. */
export class InvalidTargetError extends MigrateError {
  readonly code = 'INVALID_TARGET' as const;
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`Invalid target '${target}': ${reason}`);
  }
}

/**
 * One way through the fork an {@link AmbiguousStepError} met: the revision the step would
 * go to there, and a target that takes that way without a choice left.
 */
export interface StepChoice {
  /** The child (going up) or parent (going down) of the fork that this way goes through. */
  readonly through: string;
  /**
   * The argument, in place of the one given, that makes this choice: the revision the
   * whole walk would reach that way (`d1` for `upgrade +2` from a fork below `c1 ← d1`),
   * or `<through>±N` when the rest of the walk meets another fork.
   */
  readonly target: string;
}

/**
 * A relative step (`+N`, `<id>+N`, `stamp -N`…) reached a revision with several
 * revisions to go to: a branch point going up, a merge going down where the command cannot
 * count through it. `choices` has one entry per way, with the target that takes it.
 */
export class AmbiguousStepError extends MigrateError {
  readonly code = 'AMBIGUOUS_STEP' as const;
  constructor(
    /** The argument as given (for `history`, the whole range; for `stamp`, its targets joined by spaces). */
    readonly target: string,
    /** Where the walk had to choose: a revision id, or `base` for several first revisions. */
    readonly at: string,
    /** Whether the walk went up (through children) or down (through parents). */
    readonly walk: 'up' | 'down',
    readonly choices: readonly StepChoice[],
  ) {
    super(
      `Relative step '${target}' is ambiguous: from ${at} it could go ${walk} to ` +
        `${choices.map((choice) => choice.through).join(' or ')}`,
    );
  }
}

/** Two revisions declare the same branch label, or a label equals a revision id. */
export class DuplicateBranchLabelError extends MigrateError {
  readonly code = 'DUPLICATE_BRANCH_LABEL' as const;
  readonly label: string;
  /** The revision that declares the label second. */
  readonly revision: string;
  /** The revision that already uses the name, as its label or as its id. */
  readonly usedBy: string;
  constructor(label: string, revision: string, usedBy: string) {
    super(`Branch name '${label}' in revision ${revision} already used by revision ${usedBy}`);
    this.label = label;
    this.revision = revision;
    this.usedBy = usedBy;
  }
}

/** `<branch>@<revision>` names a revision that is neither an ancestor nor a descendant of the branch. */
export class RevisionNotInBranchError extends MigrateError {
  readonly code = 'REVISION_NOT_IN_BRANCH' as const;
  readonly revision: string;
  readonly branch: string;
  constructor(revision: string, branch: string) {
    super(`Revision ${revision} is not a member of branch '${branch}'`);
    this.revision = revision;
    this.branch = branch;
  }
}

// ── script directory ──────────────────────────────────────────────────────────

/** The configured script location (or its `versions/` folder) does not exist. */
export class ScriptLocationNotFoundError extends MigrateError {
  readonly code = 'SCRIPT_LOCATION_NOT_FOUND' as const;
  constructor(readonly path: string) {
    super(`Script location not found: ${path}`);
  }
}

/** A position in a migration file, 1-based, as editors and stack traces count: where an error in it arose. */
export interface SourceLocation {
  /** The file, as the script directory names it (absolute). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/** A migration file cannot be read as a migration. */
export class MalformedMigrationError extends MigrateError {
  readonly code = 'MALFORMED_MIGRATION' as const;
  /**
   * Where in the file it failed, when that is known: the position of a syntax error, or
   * the line that threw while the file was imported.
   */
  readonly location: SourceLocation | undefined;
  /**
   * The class the file exports as its migration, when it is written as a class
   * (MikroORM's form, run through `DialectAdapter.migrationClasses`): its header is read
   * from the class's static members.
   */
  readonly migrationClass: string | undefined;
  /** The adapter that cannot run that class (it has no `migrationClasses`), when that is the problem. */
  readonly adapter: string | undefined;
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: ErrorOptions & {
      location?: SourceLocation | undefined;
      migrationClass?: string | undefined;
      adapter?: string | undefined;
    },
  ) {
    super(`Malformed migration ${path}: ${problem}`, options);
    this.location = options?.location;
    this.migrationClass = options?.migrationClass;
    this.adapter = options?.adapter;
  }
}

/** The revision template file is missing from the script location. */
export class TemplateNotFoundError extends MigrateError {
  readonly code = 'TEMPLATE_NOT_FOUND' as const;
  constructor(readonly path: string) {
    super(`Revision template not found: ${path}`);
  }
}

/** A revision message that is empty or only white space. */
export class InvalidMessageError extends MigrateError {
  readonly code = 'INVALID_MESSAGE' as const;
  constructor(readonly reason: string) {
    super(`Invalid revision message: ${reason}`);
  }
}

/** A file that cgmigrate would write already exists. */
export class FileExistsError extends MigrateError {
  readonly code = 'FILE_EXISTS' as const;
  constructor(readonly path: string) {
    super(`File already exists: ${path}`);
  }
}

/**
 * A revision was to be written in a file format other than cgmigrate's own (`format:
 * 'mikro-orm'`), and cannot be: the adapter cannot render files of that format
 * (`no-renderer`: it has no `migrationClasses()`, or its support has no
 * `renderMigrationFile`), the format cannot hold what was asked (`contents`: a MikroORM
 * migration class holds SQL statements, not schema operations nor cgmigrate's `up()`
 * and `down()` bodies), or the
 * adapter's renderer named the file so that it would not be read as a migration in
 * `versions/` (`file-name`). Nothing was written.
 */
export class MigrationFormatNotSupportedError extends MigrateError {
  readonly code = 'MIGRATION_FORMAT_NOT_SUPPORTED' as const;
  constructor(
    /** The format asked for, e.g. `mikro-orm`. */
    readonly format: string,
    /** What is missing or wrong; see the class's description. */
    readonly problem: 'no-renderer' | 'contents' | 'file-name',
    /** The adapter at fault, when it is one (`no-renderer`, `file-name`). */
    readonly adapter: string | undefined,
    /** The fact, e.g. `the sqlite adapter has no migrationClasses()`. */
    readonly reason: string,
  ) {
    super(`Cannot write a revision in the ${format} format: ${reason}`);
  }
}

// ── execution ─────────────────────────────────────────────────────────────────

/**
 * A migration's `up` or `down` failed, or was stopped (an operation it did not await, an
 * unhandled rejection or timer exception while it ran, `stepTimeout`, the caller's
 * `AbortSignal`). {@link rolledBack} says whether its changes were undone: a migration
 * marked `transactional: false` runs statements that commit as they go, and those stay;
 * on a database without transactional DDL (MariaDB, MySQL) its transaction is rolled
 * back, but DDL committed by itself, so what stayed is known only when the adapter
 * reports it.
 */
export class MigrationFailedError extends MigrateError {
  readonly code = 'MIGRATION_FAILED' as const;
  /**
   * What became of the failing migration's statements:
   * - `true`: its transaction was rolled back on a database with transactional DDL, so
   *   nothing of it remains;
   * - `false`: statements it ran before the failure committed and were not rolled back:
   *   it ran outside a transaction (`transactional: false`), or the adapter reported
   *   that the database committed part of its transaction by itself (a
   *   `committedStatements` array on the error, as MariaDB's example adapter sets);
   * - `null`: not known: its transaction was rolled back, but the database has no
   *   transactional DDL, so DDL it ran may have committed.
   */
  readonly rolledBack: boolean | null;
  /** The line of the migration's file the failure was thrown from, when its stack names one. */
  readonly location: SourceLocation | undefined;
  constructor(
    readonly revision: string,
    readonly direction: 'upgrade' | 'downgrade',
    readonly path: string | undefined,
    /** The statement that failed, trimmed, when the database reported one. */
    readonly statement: string | undefined,
    /** Revisions applied (and committed) before the failure, in order. */
    readonly completed: readonly string[],
    options: ErrorOptions & { cause: unknown; rolledBack?: boolean | null | undefined; location?: SourceLocation | undefined },
  ) {
    super(
      `${direction === 'upgrade' ? 'Upgrade' : 'Downgrade'} of revision ${revision}${path ? ` (${path})` : ''} failed` +
        `${statement ? ` at statement: ${statement}` : ''}: ${describeCause(options.cause)}`,
      { cause: options.cause },
    );
    this.rolledBack = options.rolledBack === undefined ? true : options.rolledBack;
    this.location = options.location;
  }
}

/** A downgrade would have to run a migration that has no `down`. Raised while planning, before any change. */
export class IrreversibleMigrationError extends MigrateError {
  readonly code = 'IRREVERSIBLE_MIGRATION' as const;
  constructor(
    readonly revision: string,
    readonly path: string | undefined,
  ) {
    super(`Revision ${revision}${path ? ` (${path})` : ''} has no down() and cannot be downgraded`);
  }
}

/** The migration lock is held by another process and the wait limit passed. */
export class LockTimeoutError extends MigrateError {
  readonly code = 'LOCK_TIMEOUT' as const;
  constructor(
    readonly waitedMs: number,
    readonly holder: string | undefined,
  ) {
    super(`Could not take the migration lock within ${waitedMs} ms${holder ? `; it is held by ${holder}` : ''}`);
  }
}

/**
 * The migration lock was lost while the run held it (its database session ended, or it
 * was released behind the runner's back), so another runner may now be migrating the
 * same database. The run stops before committing anything more: {@link completed} lists
 * what committed before the loss, {@link notCommitted} what was rolled back or never
 * started.
 *
 * An adapter raises it from {@link MigrationLock.verify} with only a {@link reason}; the
 * runner adds what committed and what did not.
 */
export class LockLostError extends MigrateError {
  readonly code = 'LOCK_LOST' as const;
  constructor(
    /** What happened to the lock, e.g. `the lock's session (pid 4242) has ended`. */
    readonly reason: string,
    /** Revisions whose steps committed before the loss was found, in order. */
    readonly completed: readonly string[] = [],
    /** The revisions of the transaction that was rolled back (or the step that did not start) when the loss was found. */
    readonly notCommitted: readonly string[] = [],
    /**
     * A step that ran outside a transaction that rolls back (`transactional: false`, or a
     * database whose DDL commits by itself): its statements may have committed, its version
     * change was not recorded.
     */
    readonly mayHaveCommitted: readonly string[] = [],
  ) {
    const parts = [`The migration lock was lost: ${reason}.`];
    if (completed.length > 0) parts.push(`Committed before the loss: ${completed.join(', ')}.`);
    if (mayHaveCommitted.length > 0) {
      parts.push(
        `${mayHaveCommitted.join(', ')} ran outside a transaction, so its statements may have committed; ` +
          'its version change was not recorded.',
      );
    }
    if (completed.length === 0 && mayHaveCommitted.length === 0) parts.push('Nothing was committed.');
    if (notCommitted.length > 0) parts.push(`Not committed: ${notCommitted.join(', ')}.`);
    super(parts.join(' '));
  }
}

/**
 * The migration lock cannot be taken at all (as opposed to being held by someone else:
 * {@link LockTimeoutError}): for example a SQLite lock file this user cannot write, or
 * a file in its place that is not a lock file. Nothing ran.
 */
export class LockUnavailableError extends MigrateError {
  readonly code = 'LOCK_UNAVAILABLE' as const;
  constructor(
    /** The lock's location (a file path, or a description of a server-side lock). */
    readonly lock: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot take the migration lock ${lock}: ${reason}`, options);
  }
}

/**
 * The run was interrupted (SIGINT, SIGTERM, or an abort signal of the caller) and
 * stopped: the transaction in flight was rolled back, the lock released. A migration
 * that ran outside a transaction (`transactional: false`, or any migration on a database
 * without transactional DDL) when the run stopped is named in {@link mayHaveCommitted}
 * instead: the statements it ran may have committed.
 */
export class InterruptedError extends MigrateError {
  readonly code = 'INTERRUPTED' as const;
  /** Revisions whose statements ran outside a transaction when the run stopped: they may have committed, their version change did not. */
  readonly mayHaveCommitted: readonly string[];
  /** The revisions the version table holds after the run stopped (empty at base), when known. */
  readonly heads: readonly string[] | undefined;
  constructor(
    /** The signal that interrupted the run, when it was one (`SIGINT`, `SIGTERM`). */
    readonly signal: string | undefined,
    /** Revisions whose steps committed before the interruption, in order. */
    readonly completed: readonly string[] = [],
    /** The revisions of the transaction that was rolled back when the run stopped. */
    readonly rolledBack: readonly string[] = [],
    details: {
      readonly mayHaveCommitted?: readonly string[] | undefined;
      readonly heads?: readonly string[] | undefined;
      readonly cause?: unknown;
    } = {},
  ) {
    const mayHaveCommitted = details.mayHaveCommitted ?? [];
    super(
      `Interrupted${signal ? ` by ${signal}` : ''}` +
        (rolledBack.length > 0 ? `: the transaction of ${rolledBack.join(', ')} was rolled back` : '') +
        (mayHaveCommitted.length > 0
          ? `${rolledBack.length > 0 ? ';' : ':'} ${mayHaveCommitted.join(', ')} ran outside a transaction, so the statements ` +
            'it ran may have committed (its version change was not recorded)'
          : '') +
        (completed.length > 0 ? `; committed before: ${completed.join(', ')}` : '') +
        (details.heads ? `; the database is at ${details.heads.length > 0 ? details.heads.join(', ') : 'base'}` : ''),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.mayHaveCommitted = mayHaveCommitted;
    this.heads = details.heads;
  }
}

/** The version table does not hold what the planned step expected (changed by someone else meanwhile). */
export class VersionTableConflictError extends MigrateError {
  readonly code = 'VERSION_TABLE_CONFLICT' as const;
  constructor(
    readonly table: string,
    readonly expected: string,
    readonly found: readonly string[],
  ) {
    super(`Version table ${table} was expected to hold ${expected} but holds ${found.length ? found.join(', ') : 'nothing'}`);
  }
}

/** The database refused a connection or a statement outside a migration. */
export class DatabaseError extends MigrateError {
  readonly code = 'DATABASE_ERROR' as const;
  constructor(
    readonly operation: string,
    options: ErrorOptions & { cause: unknown },
  ) {
    super(`${operation} failed: ${describeCause(options.cause)}`, options);
  }
}

// ── checks ────────────────────────────────────────────────────────────────────

/** The database is not at the head revision(s). */
export class DatabaseNotUpToDateError extends MigrateError {
  readonly code = 'DB_NOT_UP_TO_DATE' as const;
  constructor(
    readonly current: readonly string[],
    readonly heads: readonly string[],
  ) {
    super('Target database is not up to date.');
  }
}

/** One finding of the safety lint, as errors carry it (the same shape as `LintFinding`). */
export interface LintFindingSummary {
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly revision: string;
  readonly file: string;
  readonly line: number;
}

/**
 * `upgrade --lint error` found lint errors in the migrations it was about to run, and ran
 * nothing: the database is where it was.
 */
export class LintFailedError extends MigrateError {
  readonly code = 'LINT_FAILED' as const;
  /** The error findings, in revision order. */
  readonly findings: readonly LintFindingSummary[];

  constructor(findings: readonly LintFindingSummary[]) {
    const shown = findings.map((finding) => `\n  ${finding.file}:${finding.line} ${finding.ruleId} ${finding.message}`).join('');
    super(`The lint found ${findings.length} error${findings.length === 1 ? '' : 's'} in the migrations to run; nothing was run:${shown}`);
    this.findings = findings;
  }
}

/**
 * The pre-merge guard (`cgmigrate heads --check`) found heads other than expected: several
 * heads where the config declares none (`expectedHeads`), or heads that differ from the
 * declared ones. The fields are those of the `HeadsCheck` that failed.
 */
export class UnexpectedHeadsError extends MigrateError {
  readonly code = 'UNEXPECTED_HEADS' as const;
  /** The heads of the scripts, in the scripts' order. */
  readonly heads: readonly string[];
  /** The file of each of `heads` (`null` when a revision has none), in the same order. */
  readonly headPaths: readonly (string | null)[];
  /** The config's `expectedHeads`, when declared. */
  readonly expectedHeads: readonly string[] | undefined;
  /** Heads no declared entry names (without `expectedHeads`: all of them). */
  readonly extraHeads: readonly string[];
  /** Declared entries that name no head. */
  readonly missingHeads: readonly string[];
  /** Declared entries that name several heads. */
  readonly ambiguousHeads: readonly { readonly entry: string; readonly heads: readonly string[] }[];

  constructor(check: {
    readonly heads: readonly { readonly id: string; readonly path: string | undefined }[];
    readonly expected: readonly string[] | undefined;
    readonly extra: readonly string[];
    readonly missing: readonly string[];
    readonly ambiguous: readonly { readonly entry: string; readonly heads: readonly string[] }[];
  }) {
    const described = (id: string): string => {
      const path = check.heads.find((head) => head.id === id)?.path;
      return path === undefined ? id : `${id} (${path})`;
    };
    const facts =
      check.expected === undefined
        ? [`The migration scripts have ${check.heads.length} heads where one is expected: ${check.extra.map(described).join(', ')}`]
        : [
            `The heads of the migration scripts are not the expected ones (expectedHeads: ${check.expected.join(', ')})`,
            ...check.extra.map((id) => `${described(id)} is a head that no entry names`),
            ...check.missing.map((entry) => `'${entry}' names no head`),
            ...check.ambiguous.map(({ entry, heads }) => `'${entry}' names several heads (${heads.join(', ')})`),
          ];
    super(facts.join('; '));
    this.heads = check.heads.map((head) => head.id);
    this.headPaths = check.heads.map((head) => head.path ?? null);
    this.expectedHeads = check.expected;
    this.extraHeads = check.extra;
    this.missingHeads = check.missing;
    this.ambiguousHeads = check.ambiguous;
  }
}

// ── setup ─────────────────────────────────────────────────────────────────────

/** `--config` (or `configFile`) names a file that does not exist. */
export class ConfigNotFoundError extends MigrateError {
  readonly code = 'CONFIG_NOT_FOUND' as const;
  constructor(readonly path: string) {
    super(`Config file not found: ${path}`);
  }
}

/** A config file that fails to load, or a key with a value of the wrong kind. */
export class ConfigInvalidError extends MigrateError {
  readonly code = 'CONFIG_INVALID' as const;
  /**
   * The config key at fault, when the problem is one key's: an unknown key, or
   * `entities`, left empty or (with a {@link Error.cause | cause}) rejected by MikroORM.
   */
  readonly key: string | undefined;
  /** Every key a config may have, when {@link key} is not one of them. */
  readonly knownKeys: readonly string[] | undefined;
  /** The package the config file imports that could not be found, when that is why it could not be loaded. */
  readonly missingPackage: string | undefined;
  constructor(
    readonly path: string | undefined,
    readonly problem: string,
    options?: ErrorOptions & {
      readonly key?: string | undefined;
      readonly knownKeys?: readonly string[] | undefined;
      readonly missingPackage?: string | undefined;
    },
  ) {
    const { key, knownKeys, missingPackage, ...errorOptions } = options ?? {};
    super(`Invalid configuration${path ? ` in ${path}` : ''}: ${problem}`, errorOptions);
    this.key = key;
    this.knownKeys = knownKeys;
    this.missingPackage = missingPackage;
  }
}

/** A database URL that cannot be parsed. The URL in the message has its password removed. */
export class InvalidUrlError extends MigrateError {
  readonly code = 'INVALID_URL' as const;
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Invalid database URL '${url}': ${reason}`);
  }
}

/** No adapter is registered or installed for a URL scheme or adapter name. */
export class AdapterNotFoundError extends MigrateError {
  readonly code = 'ADAPTER_NOT_FOUND' as const;
  constructor(
    readonly scheme: string,
    /** The package cgmigrate looked for, when it knows one. */
    readonly packageName: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `No database adapter for '${scheme}'${packageName ? ` (looked for the package ${packageName})` : ''}`,
      options,
    );
  }
}

/** An adapter built for another version of the adapter contract. */
export class AdapterIncompatibleError extends MigrateError {
  readonly code = 'ADAPTER_INCOMPATIBLE' as const;
  constructor(
    readonly adapter: string,
    readonly apiVersion: unknown,
    readonly supported: number,
  ) {
    super(`Adapter '${adapter}' implements contract version ${String(apiVersion)}; this core supports ${supported}`);
  }
}

/**
 * The shadow database `verify` was given (`shadowUrl`, `--shadow-url`) cannot be used:
 * it is the configured database itself (`same-as-url`), or it holds something at base
 * besides cgmigrate's version and audit tables (`not-empty`: {@link found} lists it).
 * `verify` changes nothing in it before refusing.
 */
export class ShadowDatabaseUnusableError extends MigrateError {
  readonly code = 'SHADOW_DATABASE_UNUSABLE' as const;
  constructor(
    readonly reason: 'same-as-url' | 'not-empty',
    /** The shadow database, its credentials masked. */
    readonly shadowUrl: string,
    /** What it holds (`not-empty`): objects (`table users`) and version rows (`version row ae1027`). */
    readonly found: readonly string[] = [],
  ) {
    super(
      reason === 'same-as-url'
        ? `The shadow database ${shadowUrl} is the configured database itself; verify runs every migration up and down and must never run on it`
        : `The shadow database ${shadowUrl} is not empty: it holds ${found.slice(0, 10).join(', ')}${found.length > 10 ? ` and ${found.length - 10} more` : ''}`,
    );
  }
}

// ── schema operations ─────────────────────────────────────────────────────────

/**
 * A schema operation (`op.createTable`, `op.alterColumn`, …) was called with arguments
 * that make no operation: an unknown type, an enum without values, an empty name.
 * Raised when the method is called, before anything is compiled or run.
 */
export class InvalidOperationError extends MigrateError {
  readonly code = 'INVALID_OPERATION' as const;
  constructor(
    /** The method, e.g. `op.addColumn('scans', 'duration_ms', …)`. */
    readonly operation: string,
    /** What is wrong, e.g. `type "int" is not a portable type`. */
    readonly problem: string,
  ) {
    super(`${operation}: ${problem}`);
  }
}

/**
 * The dialect cannot honour a schema operation or one of its options (`concurrently`
 * on SQLite, a type no native type is given for). Raised when the operation is
 * compiled: online before any of its statements runs, offline before any output.
 */
export class OperationNotSupportedError extends MigrateError {
  readonly code = 'OPERATION_NOT_SUPPORTED' as const;
  constructor(
    /** The method, e.g. `op.createIndex('ix_scans_started', …)`. */
    readonly operation: string,
    /** The dialect compiled for, as `op.dialect` reports it. */
    readonly dialect: string,
    /** Why, e.g. `SQLite has no concurrent index builds`. */
    readonly reason: string,
    /** The revision whose migration called it, when known. */
    readonly revision?: string | undefined,
    /** That migration's file. */
    readonly path?: string | undefined,
  ) {
    super(
      `${operation}${revision ? ` in revision ${revision}${path ? ` (${path})` : ''}` : ''} cannot run on ${dialect}: ${reason}`,
    );
  }
}

/**
 * A check that guards a compiled schema operation returned rows: the change would
 * break the data (a copy of NULLs into a `NOT NULL` column, duplicates into a unique
 * one). Raised before the operation's statements run.
 */
export class SchemaCheckFailedError extends MigrateError {
  readonly code = 'SCHEMA_CHECK_FAILED' as const;
  constructor(
    /** The check's failure: the table, the column and what is wrong. */
    readonly failure: string,
    /** The offending rows (at most a few), as the check's query returned them. */
    readonly rows: readonly Record<string, unknown>[],
  ) {
    super(`${failure}${rows.length > 0 ? ` ${JSON.stringify(rows)}` : ''}`);
  }
}

// ── offline mode (--sql) ──────────────────────────────────────────────────────

/**
 * A migration tried to read the database while SQL was being rendered offline
 * (`op.query`, a `SELECT` through `op.db`, anything through `op.connection`). Nothing
 * was printed. The migration can branch on `op.offline` to skip the read.
 */
export class OfflineReadNotSupportedError extends MigrateError {
  readonly code = 'OFFLINE_READ_NOT_SUPPORTED' as const;
  constructor(
    readonly revision: string | undefined,
    readonly path: string | undefined,
    /** What was attempted, e.g. `op.query`. */
    readonly operation: string,
  ) {
    super(
      `${revision ? `Revision ${revision}${path ? ` (${path})` : ''}` : 'A migration'} reads the database (${operation}), ` +
        'which offline mode (--sql) cannot do: there is no database to read',
    );
  }
}

/** Offline mode (`--sql`) was asked of an adapter that cannot render SQL (it has no `renderOffline`). */
export class OfflineNotSupportedError extends MigrateError {
  readonly code = 'OFFLINE_NOT_SUPPORTED' as const;
  constructor(readonly adapter: string) {
    super(`The ${adapter} adapter cannot render SQL offline (--sql): it does not implement renderOffline`);
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

// ── post-write hooks ──────────────────────────────────────────────────────────

/** A post-write hook failed on a migration file that was written (and is kept). */
export class PostWriteHookError extends MigrateError {
  readonly code = 'POST_WRITE_HOOK_FAILED' as const;
  constructor(
    /** The hook that failed (its name, command, or place in the list). */
    readonly hook: string,
    /** The migration file, written and kept. */
    readonly path: string,
    /** The hooks that ran before it and succeeded. */
    readonly succeeded: readonly string[],
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Post-write hook '${hook}' failed on ${path}: ${reason}`, options);
  }
}

// ── accepting an edited migration (audit accept) ──────────────────────────────

/** The reason given for accepting an edit is empty, or longer than the audit table keeps. */
export class InvalidReasonError extends MigrateError {
  readonly code = 'INVALID_REASON' as const;
  constructor(
    /** Its length in characters (after trimming); 0 when empty. */
    readonly length: number,
    /** The longest reason the audit table keeps. */
    readonly maxLength: number,
  ) {
    super(
      length === 0
        ? 'The reason for accepting the edit is empty'
        : `The reason for accepting the edit is ${length} characters long; the audit table keeps at most ${maxLength}`,
    );
  }
}

/** An edit was to be accepted for a revision the database is not at or past. */
export class MigrationNotAppliedError extends MigrateError {
  readonly code = 'MIGRATION_NOT_APPLIED' as const;
  constructor(
    /** The revision named (its id; the argument as given for `base`). */
    readonly revision: string,
    /** The revisions the database is at. */
    readonly current: readonly string[],
  ) {
    super(
      `Revision ${revision} is not applied to this database (it is at ${current.length > 0 ? current.join(', ') : 'base'}): there is no recorded checksum to replace`,
    );
  }
}

/** An edit was to be accepted, but the migration file still has the checksum recorded for it. */
export class MigrationNotEditedError extends MigrateError {
  readonly code = 'MIGRATION_NOT_EDITED' as const;
  constructor(
    readonly revision: string,
    readonly path: string,
    /** The SHA-256 both the file and the audit table have. */
    readonly checksum: string,
  ) {
    super(`Migration ${revision} (${path}) is unchanged: its SHA-256 ${checksum.slice(0, 12)} is the one recorded, so there is no edit to accept`);
  }
}

/** The migration file whose edit was to be accepted cannot be read (or the revision has none). */
export class MigrationFileUnreadableError extends MigrateError {
  readonly code = 'MIGRATION_FILE_UNREADABLE' as const;
  constructor(
    readonly revision: string,
    /** The file the scripts name; `undefined` when no file defines the revision. */
    readonly path: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      path === undefined
        ? `Revision ${revision} has no migration file, so there is no checksum to accept`
        : `Cannot read the migration file of revision ${revision} (${path}) to take its checksum`,
      options,
    );
  }
}

/** An edit was to be accepted, but the audit table records no checksum for the revision to replace. */
export class NoRecordedChecksumError extends MigrateError {
  readonly code = 'NO_RECORDED_CHECKSUM' as const;
  constructor(
    readonly revision: string,
    /** The audit entry that applied it (`stamp`, or an `upgrade` without a file); `undefined` when there is none. */
    readonly direction: string | undefined,
  ) {
    super(
      direction === undefined
        ? `The audit table has no entry for revision ${revision} (it was applied by another tool, or before the audit table existed), so there is no checksum to replace`
        : `The newest audit entry of revision ${revision} is ${direction === 'stamp' ? 'a stamp' : `an ${direction}`} without a checksum, so there is no checksum to replace`,
    );
  }
}

/** An edit was to be accepted through an adapter whose audit store cannot keep accepted edits. */
export class AcceptNotSupportedError extends MigrateError {
  readonly code = 'ACCEPT_NOT_SUPPORTED' as const;
  constructor(readonly adapter: string) {
    super(`The ${adapter} adapter's audit store cannot record accepted edits: it does not declare recordsAcceptances`);
  }
}

// ── fleets ────────────────────────────────────────────────────────────────────

/**
 * A fleet's target source cannot be read: a targets file that is missing or holds a
 * line that is not a database URL, a glob that matches no file, a targets query that
 * fails or returns no `url` column, two targets with one name. Nothing has run.
 */
export class TargetSourceInvalidError extends MigrateError {
  readonly code = 'TARGET_SOURCE_INVALID' as const;
  constructor(
    /** The source as given, credentials masked. */
    readonly source: string,
    /** What is wrong with it. */
    readonly problem: string,
    options?: ErrorOptions & { readonly line?: number | undefined },
  ) {
    const { line, ...errorOptions } = options ?? {};
    super(`Invalid fleet target source ${source}${line === undefined ? '' : ` (line ${line})`}: ${problem}`, errorOptions);
    this.line = line;
  }
  /** The line of a targets file at fault, from 1. */
  readonly line: number | undefined;
}

/** A target names a schema (`<url>#<schema>`), and its database's adapter cannot pin a connection to one. */
export class TargetSchemaNotSupportedError extends MigrateError {
  readonly code = 'TARGET_SCHEMA_NOT_SUPPORTED' as const;
  constructor(
    readonly target: string,
    readonly adapter: string,
  ) {
    super(`Target ${target} names a schema, but the ${adapter} adapter cannot run migrations in one schema of a database`);
  }
}

/** A target's schema does not exist in its database. */
export class TargetSchemaNotFoundError extends MigrateError {
  readonly code = 'TARGET_SCHEMA_NOT_FOUND' as const;
  constructor(
    readonly schema: string,
    /** Where it was looked for, without credentials. */
    readonly database: string,
  ) {
    super(`Schema "${schema}" does not exist in ${database}`);
  }
}

/** A queued fleet job names a target that the worker's target source does not hold. */
export class TargetUnknownError extends MigrateError {
  readonly code = 'TARGET_UNKNOWN' as const;
  constructor(readonly target: string) {
    super(`Target ${target} is not among this worker's targets`);
  }
}

/** `--only-failed`'s report cannot be used: unreadable, not a fleet report, or naming targets the source no longer has. */
export class FleetReportInvalidError extends MigrateError {
  readonly code = 'FLEET_REPORT_INVALID' as const;
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot resume from fleet report ${path}: ${problem}`, options);
  }
}

/** Fleet options that contradict each other or are out of range (`--shard 9/8`, `--wave 120%`, `--concurrency 0`). */
export class FleetOptionsInvalidError extends MigrateError {
  readonly code = 'FLEET_OPTIONS_INVALID' as const;
  constructor(
    /** The option at fault, as the CLI spells it (`--shard`). */
    readonly option: string,
    readonly problem: string,
  ) {
    super(`Invalid ${option}: ${problem}`);
  }
}

/**
 * A queued fleet job was enqueued from scripts whose heads differ from the worker's:
 * the worker runs an older or newer release than the one that enqueued, and running
 * `head` there would take the target somewhere else. The job is left for a worker of the
 * matching release (it is retried), and nothing is run on the target.
 */
export class FleetScriptsMismatchError extends MigrateError {
  readonly code = 'FLEET_SCRIPTS_MISMATCH' as const;
  constructor(
    /** The heads of the scripts `fleet enqueue` read. */
    readonly enqueuedHeads: readonly string[],
    /** The heads of this worker's scripts. */
    readonly workerHeads: readonly string[],
  ) {
    const list = (heads: readonly string[]) => (heads.length === 0 ? 'none' : heads.join(', '));
    super(`The job was enqueued with scripts at ${list(enqueuedHeads)}, but this worker's scripts are at ${list(workerHeads)}`);
  }
}

// ── an ORM's migrator run through cgmigrate ───────────────────────────────────

/**
 * A call to an ORM's migrator API (MikroORM's `orm.migrator`, run through cgmigrate by
 * the adapters' `/mikro-orm` extension) that has no counterpart in cgmigrate's revision
 * graph: `rollup()` (the graph has merges), `up({ from })` (a run starts where the
 * database is), a `logMigration()` that would record more than the one revision, and
 * the like. Nothing was changed.
 *
 * Unlike other errors, the message also says what does the job instead (`instead`):
 * the ORM's own CLI prints only the message, never cgmigrate's hints.
 */
export class MigratorCallNotSupportedError extends MigrateError {
  readonly code = 'MIGRATOR_CALL_NOT_SUPPORTED' as const;
  constructor(
    /** The call as written, `orm.migrator.rollup()`. */
    readonly call: string,
    /** Why cgmigrate cannot do it. */
    readonly reason: string,
    /** What does the job in cgmigrate's terms: a call, a `cgmigrate` command. */
    readonly instead: string,
  ) {
    super(`${call} cannot run through cgmigrate: ${reason}. Instead, ${instead}`);
  }
}

// ── adopting a MikroORM project (import mikro-orm) ───────────────────────────

/** No MikroORM config file where MikroORM's own CLI looks for one (or at the path given). */
export class MikroOrmConfigNotFoundError extends MigrateError {
  readonly code = 'MIKRO_ORM_CONFIG_NOT_FOUND' as const;
  constructor(
    /** The paths looked at, in order, as MikroORM's CLI would try them. */
    readonly paths: readonly string[],
  ) {
    super(`MikroORM config file not found in ${paths.join(', ')}`);
  }
}

/**
 * A MikroORM config that cannot be adopted from: it fails to import, holds no config for
 * the context asked for, lists its migrations as classes instead of files, or names a
 * migrations folder that does not exist.
 */
export class MikroOrmConfigInvalidError extends MigrateError {
  readonly code = 'MIKRO_ORM_CONFIG_INVALID' as const;
  constructor(
    /** The config file. */
    readonly path: string,
    /** What is wrong with it. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot adopt from MikroORM config ${path}: ${problem}`, options);
  }
}

/**
 * MikroORM's migrations table cannot be read in the database cgmigrate is configured
 * for: it does not exist there (another database, another schema, or MikroORM never ran
 * a migration on it), or reading it fails. Nothing was written.
 */
export class MikroOrmHistoryNotFoundError extends MigrateError {
  readonly code = 'MIKRO_ORM_HISTORY_NOT_FOUND' as const;
  constructor(
    /** The table as it was read (`mikro_orm_migrations`, or `schema.table`). */
    readonly table: string,
    /** The database, without credentials. */
    readonly database: string,
    /** The database's answer. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`MikroORM's migrations table ${table} cannot be read in ${database}: ${reason}`, options);
  }
}

/** One reason `import mikro-orm` will not adopt a MikroORM project as it stands. */
export interface MikroOrmImportProblem {
  /**
   * What is wrong: `applied-without-file` (a row of MikroORM's table names no file),
   * `applied-out-of-order` (a file is not applied but a file sorted after it is),
   * `executed-out-of-order` (executed_at goes back in file order), `file-conflict` (a file
   * in versions/ has the name of a migration but other content), `file-not-adoptable` (no
   * exported class to annotate, or a `.cjs` file), `duplicate-name` (two files make one migration name),
   * `database-elsewhere` (the database's version table is not where the adopted
   * revisions start).
   */
  readonly kind:
    | 'applied-without-file'
    | 'applied-out-of-order'
    | 'executed-out-of-order'
    | 'file-conflict'
    | 'file-not-adoptable'
    | 'duplicate-name'
    | 'database-elsewhere';
  /** The MikroORM migration it is about, when one. */
  readonly migration: string | undefined;
  /** The file it is about, when one. */
  readonly path: string | undefined;
  /** The problem in words. */
  readonly message: string;
  /** Whether `--force` adopts anyway, and what it then assumes. */
  readonly forceable: boolean;
  /** With `--force`, what is assumed; `undefined` when it cannot be forced. */
  readonly assumption: string | undefined;
}

/**
 * `import mikro-orm` found what it cannot adopt safely (see
 * {@link MikroOrmImportProblem}); nothing was written, neither files nor the version
 * table. The forceable problems are adopted with `--force`, which reports what it assumed.
 */
export class MikroOrmImportRefusedError extends MigrateError {
  readonly code = 'MIKRO_ORM_IMPORT_REFUSED' as const;
  constructor(readonly problems: readonly MikroOrmImportProblem[]) {
    // One line per problem: the user reviews them all at once rather than one per run.
    super(['Cannot adopt the MikroORM migrations safely:', ...problems.map((problem) => `  - ${problem.message}`)].join('\n'));
  }
}
