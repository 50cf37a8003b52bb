import type { AuditEntry } from '../adapter/dialect-adapter.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import { describeEditedMigration, fileChecksum, findEditedMigrations, type EditedMigration } from '../runtime/audit.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';

/** Options of {@link check}. Empty for now; schema drift (`entities`) will add its own. */
export type CheckOptions = Record<string, never>;

/** Codes of the problems {@link check} finds. Stable, like error codes: new ones may be added. */
export type CheckProblemCode = 'DB_NOT_UP_TO_DATE' | 'MIGRATION_EDITED';

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
    });

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
  /** Every problem, in a stable order (pending revisions first). */
  readonly problems: readonly CheckProblem[];
}

/**
 * Checks that the database matches the migration scripts, without changing anything
 * (the database is opened read-only): every revision is applied, and no applied
 * migration's file was changed since it ran (compared with the SHA-256 recorded in
 * the audit table). Findings are returned, not thrown, so that a caller can report
 * all of them; the CLI exits with status 3 when `ok` is false.
 *
 * ### Examples
 * ```ts
 * const result = await check(env);
 * if (!result.ok) for (const problem of result.problems) logger.error(problem.message);
 * ```
 * @throws {RevisionNotFoundError} (source `database`) when the database is at a revision no script defines.
 * @throws {DatabaseError} when the database cannot be read.
 */
export async function check(env: MigrationEnvironment, _options: CheckOptions = {}): Promise<CheckResult> {
  const scripts = await loadScripts(env);
  const state = await readDatabaseState(env);
  return checkScripts(scripts, state.current, state.audit);
}

/** What the database records: its version rows and the newest audit entry of each revision. */
export interface DatabaseState {
  readonly current: readonly string[];
  /** The newest audit entry of each revision, oldest first. */
  readonly audit: readonly AuditEntry[];
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
export async function readDatabaseState(env: MigrationEnvironment): Promise<DatabaseState> {
  const adapter = await resolveAdapter(env);
  return withConnection(env, adapter, 'inspect', async (connection) => ({
    current: await connection.versionStore.read(),
    audit: await connection.auditStore.latest(),
  }));
}

function checkScripts(scripts: ScriptDirectory, current: readonly string[], audit: readonly AuditEntry[]): CheckResult {
  const map = scripts.map;
  const pending = planUpgrade(map, current, 'heads').map((step) => step.revision.id);
  const edited = findEditedMigrations(map, current, audit, (path) => fileChecksum(path));
  const problems: CheckProblem[] = [];
  if (pending.length > 0) {
    problems.push({
      code: 'DB_NOT_UP_TO_DATE',
      message: `Target database is not up to date: ${pending.length} revision(s) to apply (${pending.join(', ')})`,
      pending,
    });
  }
  for (const migration of edited) {
    problems.push({ code: 'MIGRATION_EDITED', message: describeEditedMigration(migration), ...migration });
  }
  return { ok: problems.length === 0, current, heads: map.heads, pending, edited, problems };
}
