import type { AuditEntry } from '../adapter/dialect-adapter.js';
import { compareWithDatabase } from './compare-with-database.js';
import { describeChange } from '../autogenerate/render-changes.js';
import type { SchemaChange } from '../adapter/schema-change.js';
import type { SchemaFilterOptions } from '../autogenerate/schema-filter.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import { describeEditedMigration, fileChecksum, findEditedMigrations, type EditedMigration } from '../runtime/audit.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';
import { findBranchConflicts, type BranchConflict, type BranchConflictReport } from './branch-conflicts.js';
import { lint, type LintResult } from './lint.js';
import type { LintFinding } from '../lint/lint-revisions.js';

/** Options of {@link check}. */
export interface CheckOptions {
  /** Which tables the schema-drift check compares; the version and audit tables never are. */
  readonly filter?: SchemaFilterOptions | undefined;
}

/** Codes of the problems {@link check} finds. Stable, like error codes: new ones may be added. */
export type CheckProblemCode = 'DB_NOT_UP_TO_DATE' | 'MIGRATION_EDITED' | 'BRANCH_CONFLICT' | 'LINT' | 'SCHEMA_DRIFT';

/** One thing {@link check} found wrong. */
export type CheckProblem =
  | {
      readonly code: 'DB_NOT_UP_TO_DATE';
      readonly message: string;
      /** Revisions `upgrade heads` would run, in order. */
      readonly pending: readonly string[];
    }
  | (EditedMigration & {
      readonly code: 'MIGRATION_EDITED';
      readonly message: string;
    })
  | (BranchConflict & {
      /** Two revisions on concurrent branches (unmerged heads, or the sides of a merge not applied yet) touch the same object. */
      readonly code: 'BRANCH_CONFLICT';
    })
  | {
      /** A pending migration has a lint finding whose severity is `error` (warnings are warning events). */
      readonly code: 'LINT';
      /** `<file>:<line> <RULE_ID> <message>` */
      readonly message: string;
      readonly finding: LintFinding;
    }
  | {
      readonly code: 'SCHEMA_DRIFT';
      /** "Detected added column 'user.email': text null" */
      readonly message: string;
      /** The difference, as `revision --autogenerate` would write it in `up()`. */
      readonly change: SchemaChange;
    };

/** What {@link check} found. */
export interface CheckResult {
  /** No problem was found. */
  readonly ok: boolean;
  /** The revisions the database is at. */
  readonly current: readonly string[];
  /** The head revisions of the scripts. */
  readonly heads: readonly string[];
  /** Revisions not applied yet, in the order `upgrade heads` would run them. */
  readonly pending: readonly string[];
  /** Applied migrations whose file changed since they ran. */
  readonly edited: readonly EditedMigration[];
  /**
   * Differences between `config.entities` and the database; `null` when they were not
   * compared (no entities are configured, or revisions are still pending, so the
   * database is not at the schema the entities should match).
   */
  readonly drift: readonly SchemaChange[] | null;
  /**
   * What the branch-conflict comparison found across unmerged heads and the merges not
   * applied yet: conflicts (also in `problems`), acknowledged ones, and what could not be
   * read (warnings, not problems).
   */
  readonly branchConflicts: BranchConflictReport;
  /** The safety lint of the pending revisions: its errors are also in `problems`, its warnings are warning events. */
  readonly lint: LintResult;
  /** Every problem, in a stable order (pending revisions first, then edited migrations, then branch conflicts, then lint errors, then drift). */
  readonly problems: readonly CheckProblem[];
}

/**
 * Checks that the database matches the migration scripts, without changing anything:
 * every revision is applied, no applied migration's file was changed since it ran
 * (compared with the SHA-256 recorded in the audit table), no two revisions on
 * concurrent branches (unmerged heads, or the two sides of a merge not applied yet)
 * touch the same table, column, index or constraint unless the pair was reviewed
 * (`BRANCH_CONFLICT`, see {@link findBranchConflicts}), and, when `entities` are
 * configured and the database is at its heads, the schema matches them (each
 * difference is a `SCHEMA_DRIFT` problem: what `revision --autogenerate` would
 * write). Findings are returned, not thrown, so that a caller can report all of them;
 * the CLI exits with status 1 when `ok` is false. The version and audit tables are
 * read over a read-only connection; the drift comparison needs the adapter's
 * `migrate` connection, on which it only reads.
 *
 * ### Examples
 * ```ts
 * const result = await check(env);
 * if (!result.ok) for (const problem of result.problems) logger.error(problem.message);
 * ```
 * @throws {RevisionNotFoundError} (source `database`) when the database is at a revision no script defines.
 * @throws {DatabaseError} when the database cannot be read.
 * @throws {ConfigInvalidError} when `entities` are configured but the adapter cannot compare schemas.
 */
export async function check(env: MigrationEnvironment, options: CheckOptions = {}): Promise<CheckResult> {
  const scripts = await loadScripts(env);
  const state = await readDatabaseState(env, { serverVersion: true });
  const checked = checkScripts(scripts, state.current, state.audit);
  const branchConflicts = await findBranchConflicts(env, {
    scripts,
    scope: { applied: state.current.length === 0 ? [] : scripts.map.ancestors(state.current, { includeDependencies: true }) },
  });
  for (const unreadable of branchConflicts.unreadable) {
    env.onEvent?.({ type: 'warning', code: 'BRANCH_CONFLICT_UNREADABLE', revision: unreadable.revision, message: unreadable.message });
  }
  const conflicts = branchConflicts.conflicts.map((conflict) => ({ code: 'BRANCH_CONFLICT' as const, ...structuredClone(conflict) }));
  const linted = await lint(env, { scripts, revisions: checked.pending, currentHeads: state.current, serverVersion: state.serverVersion });
  const lintProblems: CheckProblem[] = [];
  for (const finding of linted.findings) {
    const message = `${finding.file}:${finding.line} ${finding.ruleId} ${finding.message}`;
    if (finding.severity === 'error') lintProblems.push({ code: 'LINT', message, finding: { ...finding } });
    else env.onEvent?.({ type: 'warning', code: 'LINT', revision: finding.revision, message });
  }
  const found = [...checked.problems, ...conflicts, ...lintProblems];
  const result: CheckResult = { ...checked, ok: found.length === 0, branchConflicts, lint: linted, problems: found };
  if (env.config.entities.length === 0 || result.pending.length > 0) return result;
  const { changes } = await compareWithDatabase(env, scripts.map, options.filter);
  // A copy, not the object in `drift`: JSON output should not meet the same object twice.
  const drift = changes.map((change) => ({ code: 'SCHEMA_DRIFT' as const, message: describeChange(change), change: structuredClone(change) }));
  const problems = [...result.problems, ...drift];
  return { ...result, ok: problems.length === 0, drift: changes, problems };
}

/** What the database records: its version rows and the newest audit entry of each revision. */
export interface DatabaseState {
  readonly current: readonly string[];
  /** The newest audit entry of each revision, oldest first. */
  readonly audit: readonly AuditEntry[];
  /** The server's version, when asked for (`check` lints with it) and the adapter can tell. */
  readonly serverVersion?: string | undefined;
}

/**
 * Reads the version table and the audit table over one read-only connection; neither
 * table is created. For `check`, and for `history` to show when revisions were applied.
 *
 * ### Examples
 * ```ts
 * const { current, audit } = await readDatabaseState(env);
 * ```
 * @throws {DatabaseError} when the database cannot be read.
 */
export async function readDatabaseState(env: MigrationEnvironment, options: { readonly serverVersion?: boolean } = {}): Promise<DatabaseState> {
  const adapter = await resolveAdapter(env);
  return withConnection(env, adapter, 'inspect', async (connection) => ({
    current: await connection.versionStore.read(),
    audit: await connection.auditStore.latest(),
    serverVersion: options.serverVersion === true ? await connection.serverVersion?.() : undefined,
  }));
}

const NO_CONFLICTS: BranchConflictReport = { conflicts: [], acknowledged: [], unreadable: [], compared: [] };
const NOT_LINTED: LintResult = { findings: [], revisions: [], scope: 'given', database: { reached: 'not-asked' }, errors: 0, warnings: 0 };

function checkScripts(scripts: ScriptDirectory, current: readonly string[], audit: readonly AuditEntry[]): CheckResult {
  const map = scripts.map;
  const pending = planUpgrade(map, current, 'heads').map((step) => step.revision.id);
  const edited = findEditedMigrations(map, current, audit, (path) => fileChecksum(path));
  const problems: CheckProblem[] = [];
  if (pending.length > 0) {
    problems.push({
      code: 'DB_NOT_UP_TO_DATE',
      message: `Target database is not up to date: ${pending.length === 1 ? '1 revision is' : `${pending.length} revisions are`} not applied (${pending.join(', ')})`,
      pending,
    });
  }
  for (const migration of edited) {
    problems.push({ code: 'MIGRATION_EDITED', message: describeEditedMigration(migration), ...migration });
  }
  return { ok: problems.length === 0, current, heads: map.heads, pending, edited, drift: null, branchConflicts: NO_CONFLICTS, lint: NOT_LINTED, problems };
}
