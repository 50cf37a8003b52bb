import type { AdapterConnection, DialectAdapter, MigrationLock } from '../adapter/dialect-adapter.js';
import { applyVersionChanges, type MigrationStep } from '../plan/migration-step.js';
import { planDowngrade } from '../plan/plan-downgrade.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import { urlScheme } from '../adapter/database-url.js';
import { InterruptedError, LintFailedError } from '../errors.js';
import type { RevisionMap } from '../revision/revision-map.js';
import { describeEditedMigration, fileChecksum, findEditedMigrations, type ReadBytes } from '../runtime/audit.js';
import type { MigrationEventListener, StepResult } from '../runtime/events.js';
import { acquireLockReportingWait } from '../runtime/lock-wait-notice.js';
import { CheckProgress, type RunCheck } from '../runtime/commit-check.js';
import { runSteps, type RunStepsOptions } from '../runtime/runner.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { ScriptFileCache } from '../runtime/script-file-cache.js';
import type { ScriptUse } from '../script/migration-script-cache.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';
import type { LintFinding } from '../lint/lint-revisions.js';
import { lint } from './lint.js';

/** Options of {@link upgrade}. */
export interface UpgradeOptions {
  /** `head` (default), `heads`, a revision id or prefix, `+N`, `<id>+N`, `<branch>@head`. */
  readonly target?: string | undefined;
  /** Stops the run: see {@link RunControl.signal}. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Lint the migrations about to run, under the lock (see {@link lint}): `'error'` lints
   * before running any and refuses the run with {@link LintFailedError} when a finding is
   * an error; `'warn'` reports every finding as a `LINT` warning event and runs, on a
   * database server linting beside the first transaction, a step ahead of it, which waits
   * for the lint before it commits (the lint's CPU time then fills the waits for the
   * database; on SQLite and for a fleet's shared lint it lints first); `'off'` (the
   * default here; the CLI's is `'warn'`) does not lint.
   */
  readonly lint?: 'error' | 'warn' | 'off' | undefined;
}

/** Options of {@link downgrade}. */
export interface DowngradeOptions {
  /** `-N`, a revision id or prefix, `base`, `<branch>@base`, `<branch>@-N`. */
  readonly target: string;
  /** Stops the run: see {@link RunControl.signal}. */
  readonly signal?: AbortSignal | undefined;
}

/** What a caller can do to a run in progress. */
export interface RunControl {
  /**
   * Interrupts the run when it fires: the migration running fails, its transaction is
   * rolled back and the lock released. With an {@link InterruptedError} or an
   * `AbortError` for its reason (`controller.abort()`), the run throws
   * {@link InterruptedError} (`INTERRUPTED`); with any other reason,
   * {@link MigrationFailedError} naming the migration, caused by the reason.
   */
  readonly signal?: AbortSignal | undefined;
}

/** What an upgrade or downgrade did. */
export interface MigrateResult {
  /** Revisions the database was at before. */
  readonly from: readonly string[];
  /** Revisions the database is at now. */
  readonly to: readonly string[];
  /** The steps that ran, in order. */
  readonly steps: readonly StepResult[];
}

/** What {@link upgrade} did. */
export type UpgradeResult = MigrateResult;
/** What {@link downgrade} did. */
export type DowngradeResult = MigrateResult;

/**
 * Upgrades the database to `target` (default `head`) under the migration lock.
 *
 * Before running anything it compares each applied migration's file with the
 * checksum the audit table recorded when it ran, and reports a changed one as a
 * `MIGRATION_EDITED` warning event (see {@link check} to fail on it instead). A
 * transaction that loses a wait for a table lock is retried (`lockRetry`), with a
 * `LOCK_RETRY` warning event each time.
 *
 * ### Examples
 * ```ts
 * const { steps } = await upgrade(env, { target: 'head' });
 * ```
 * @throws {MultipleHeadsError} when `head` is ambiguous.
 * @throws {RevisionNotFoundError} for an unknown target, or a database revision no script defines.
 * @throws {MigrationFailedError} when a migration fails (its transaction is rolled back,
 *   unless `rolledBack` is false: `transactional: false`, or a database without transactional DDL).
 * @throws {LockTimeoutError} when another runner holds the lock too long.
 * @throws {InterruptedError} when `signal` interrupts the run.
 */
export async function upgrade(env: MigrationEnvironment, options: UpgradeOptions = {}): Promise<UpgradeResult> {
  const target = options.target ?? 'head';
  const mode = options.lint ?? 'off';
  const beforeRun: BeforeRun | undefined = mode === 'off' ? undefined : (run) => lintBeforeRun(env, run, mode, options.signal);
  return migrate(env, 'upgrade', (map, heads) => planUpgrade(map, heads, target), options.signal, beforeRun);
}

/**
 * Downgrades the database to `target` under the migration lock. Every migration to
 * undo must have a `down()`; this is checked before anything changes.
 *
 * ### Examples
 * ```ts
 * await downgrade(env, { target: '-1' });
 * ```
 * @throws {IrreversibleMigrationError} before any change, when a migration has no `down()`.
 * @throws {InvalidTargetError} for a target below base or above the current revision.
 */
export async function downgrade(env: MigrationEnvironment, options: DowngradeOptions): Promise<DowngradeResult> {
  return migrate(env, 'downgrade', (map, heads) => planDowngrade(map, heads, options.target), options.signal);
}

type Planner = (map: RevisionMap, currentHeads: readonly string[]) => MigrationStep[];

/** What a run is about to do, for a look before it starts. */
export interface PlannedRun {
  readonly connection: AdapterConnection;
  readonly scripts: ScriptDirectory;
  /** The revisions the database is at. */
  readonly from: readonly string[];
  readonly steps: readonly MigrationStep[];
}

/**
 * Called under the lock with the plan, before any step runs; throwing stops the run with
 * nothing run. It may return work it started, to go on beside the steps: the run waits
 * for it before committing anything (see `RunStepsOptions.beforeCommit`).
 */
export type BeforeRun = (run: PlannedRun) => Promise<RunCheck | undefined>;

/**
 * `upgrade --lint`: the steps' migrations linted as what the database runs next. In
 * `'error'` mode the lint may refuse the run, so it ends before any step starts. In
 * `'warn'` mode it cannot, so on a database server it goes on beside the steps, in the
 * waits for the server's replies, a step ahead of them (see `RunStepsOptions.beforeCommit`),
 * and its findings are reported when it ends. It ends first where there are no waits to
 * fill, a database in the process (`capabilities.inProcess`: interleaved, the lint only
 * slows the statements down), and for a fleet's targets, which share one lint.
 */
async function lintBeforeRun(env: MigrationEnvironment, run: PlannedRun, mode: 'error' | 'warn', signal: AbortSignal | undefined): Promise<RunCheck | undefined> {
  if (run.steps.length === 0) return undefined;
  // Asked here, before the run's first transaction takes the connection.
  const serverVersion = await run.connection.serverVersion?.();
  const revisions = run.steps.map((step) => step.revision.id);
  const report = (findings: readonly LintFinding[]): void => {
    for (const finding of findings) {
      env.onEvent?.({ type: 'warning', code: 'LINT', revision: finding.revision, message: `${finding.file}:${finding.line} ${finding.ruleId} ${finding.message}` });
    }
  };
  const asked = { scripts: run.scripts, revisions, currentHeads: run.from, serverVersion };
  const memo = env.preloaded?.lintResults;
  if (mode === 'warn' && memo === undefined && (await resolveAdapter(env)).capabilities.inProcess !== true) {
    const progress = new CheckProgress();
    // Stopped when the run fails: nothing of it would be reported.
    const stopper = new AbortController();
    const result = lint(env, {
      ...asked,
      signal: signal === undefined ? stopper.signal : AbortSignal.any([signal, stopper.signal]),
      onRevisionRead: (revision) => progress.pass(revision),
    }).then((linted) => report(linted.findings));
    // Handled until the runner waits for it: a lint that fails meanwhile is the run's failure, not the process's.
    result.catch(() => {});
    return { name: 'the lint', result, reached: progress.reached, stop: () => stopper.abort() };
  }
  // A fleet's targets at the same revisions, of one dialect and server version, share one lint.
  const key = JSON.stringify([urlScheme(env.config.url), serverVersion ?? null, run.from, revisions]);
  let linted = memo?.get(key);
  if (!linted) {
    linted = lint(env, { ...asked, signal }).then((result) => result.findings);
    memo?.set(key, linted);
  }
  const findings = await linted;
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (mode === 'error' && errors.length > 0) throw new LintFailedError(errors);
  report(findings);
  return undefined;
}

async function migrate(env: MigrationEnvironment, use: ScriptUse, plan: Planner, signal: AbortSignal | undefined, beforeRun?: BeforeRun): Promise<MigrateResult> {
  const files = env.preloaded?.files ?? new ScriptFileCache();
  const scripts = await loadScripts(env, files.io);
  const adapter = await resolveAdapter(env);
  let result: MigrateResult | undefined;
  try {
    result = await withConnection(env, adapter, 'migrate', (connection) =>
      runLocked(env, adapter, connection, scripts, plan, files.readBytes, { signal }, beforeRun),
    );
    return result;
  } finally {
    // After the connection is closed: the code cache keeps the functions that ran, for the
    // next run. Preloaded scripts belong to a fleet, which saves once at its end.
    if (!env.preloaded) files.saveCompiledScripts(use, result?.steps.map((step) => step.path) ?? []);
  }
}

/**
 * What the runner needs from the environment for a locked run on `connection`: the
 * configuration's transaction mode, lock retries and step timeout, the adapter's dialect
 * and DDL transactions. Shared by `upgrade`/`downgrade` and `verify`'s stairway.
 */
export function stepRunOptions(
  env: MigrationEnvironment,
  adapter: DialectAdapter,
  connection: AdapterConnection,
  scripts: ScriptDirectory,
  lock: MigrationLock,
  readFile: ReadBytes | undefined,
): RunStepsOptions {
  return {
    connection,
    dialect: adapter.name,
    scripts,
    transactionPerMigration: env.config.transactionPerMigration,
    transactionalDdl: adapter.capabilities.transactionalDdl,
    onEvent: env.onEvent,
    lockRetry: env.config.lockRetry,
    readFile,
    lock,
    stepTimeoutMs: env.config.stepTimeoutMs,
  };
}

/**
 * Takes the lock, reads the heads, warns about edited migrations, plans and runs; the
 * lock is released whatever happens. A step may take `stepTimeout` (the configuration's)
 * at most; an interrupted run's {@link InterruptedError} says where the database is.
 */
export async function runLocked(
  env: MigrationEnvironment,
  adapter: DialectAdapter,
  connection: AdapterConnection,
  scripts: ScriptDirectory,
  plan: Planner,
  readFile?: ReadBytes,
  runOptions: Pick<RunStepsOptions, 'recordEachStep' | 'signal'> = {},
  beforeRun?: BeforeRun,
): Promise<MigrateResult> {
  const lock = await acquireLockReportingWait(connection, env.config.lockWait, env.onEvent);
  try {
    const from = await connection.versionStore.read();
    const steps = plan(scripts.map, from);
    await warnAboutEditedMigrations(connection, scripts, from, env.onEvent, readFile);
    const beforeCommit = await beforeRun?.({ connection, scripts, from, steps });
    let results: StepResult[];
    try {
      results = await runSteps(steps, { ...stepRunOptions(env, adapter, connection, scripts, lock, readFile), ...runOptions, beforeCommit });
    } catch (error) {
      if (error instanceof InterruptedError) throw withHeads(error, from, steps);
      throw error;
    }
    const to = steps.reduce<string[]>((heads, step) => applyVersionChanges(heads, step.versionChanges), [...from]);
    return { from, to, steps: results };
  } finally {
    await lock.release();
  }
}

/** The interruption, saying which revisions the database is at: where it was, plus the steps that committed. */
function withHeads(error: InterruptedError, from: readonly string[], steps: readonly MigrationStep[]): InterruptedError {
  const heads = steps
    .slice(0, error.completed.length)
    .reduce<string[]>((current, step) => applyVersionChanges(current, step.versionChanges), [...from]);
  return new InterruptedError(error.signal, error.completed, error.rolledBack, {
    mayHaveCommitted: error.mayHaveCommitted,
    heads,
    cause: error.cause,
  });
}

async function warnAboutEditedMigrations(
  connection: AdapterConnection,
  scripts: ScriptDirectory,
  heads: readonly string[],
  onEvent: MigrationEventListener | undefined,
  readFile: ReadBytes | undefined,
): Promise<void> {
  if (!onEvent) return;
  // A database at base has applied nothing, so no file can have changed since it ran:
  // the audit table (which only grows) need not be read.
  if (heads.length === 0) return;
  const edited = findEditedMigrations(scripts.map, heads, await connection.auditStore.latest(), (path) => fileChecksum(path, readFile));
  for (const migration of edited) {
    onEvent({ type: 'warning', code: 'MIGRATION_EDITED', revision: migration.revision, message: describeEditedMigration(migration) });
  }
}

/**
 * The retry policy of a configuration. `lockRetry` is read structurally until the
 * config module declares it (`MigrateConfig.lockRetry`, validated by `checkLockRetry`).
 */
