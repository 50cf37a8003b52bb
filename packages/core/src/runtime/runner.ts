import type { OperationTarget } from './run-schema-operation.js';
import type { AdapterConnection, MigrationLock } from '../adapter/dialect-adapter.js';
import { DEFAULT_LOCK_RETRY, type LockRetryPolicy } from '../config/lock-retry-policy.js';
import type { MigrationOperations } from '../migration.js';
import type { MigrationStep } from '../plan/migration-step.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { currentIdentity, type AuditIdentity, type ReadBytes } from './audit.js';
import { CommitCheck, type RunCheck } from './commit-check.js';
import type { MigrationEventListener, StepResult } from './events.js';
import { GroupExecutor } from './group-executor.js';
import { LockRetry, realSleep, type Sleep } from './lock-retry.js';
import { RunState } from './run-state.js';
import { StepPreparer } from './step-preparer.js';
import { StepSupervisor, operationsFor as supervisedOperations } from './step-supervision.js';
import { importsAhead, transactionGroups, type TransactionSettings } from './transaction-groups.js';

/** What {@link runSteps} needs. */
export interface RunStepsOptions {
  readonly connection: AdapterConnection;
  /** The dialect name given to migrations as `op.dialect`. */
  readonly dialect: string;
  readonly scripts: ScriptDirectory;
  /** Commit after each step instead of once for the whole run. */
  readonly transactionPerMigration: boolean;
  /**
   * Whether the database rolls DDL back with its transaction (the adapter's
   * `capabilities.transactionalDdl`; `true` when absent). Without it (MariaDB, MySQL), each
   * DDL statement commits on its own, so each migration runs in its own transaction with
   * its version change and audit row right after it (a failure leaves the version table at
   * the last migration that completed), and a lock timeout is not retried (the statements
   * before it may have committed).
   */
  readonly transactionalDdl?: boolean | undefined;
  /**
   * Write each step's version change and audit row right after its migration instead of
   * once before the commit: what an offline script shows, in Alembic's `--sql` order.
   */
  readonly recordEachStep?: boolean | undefined;
  readonly onEvent?: MigrationEventListener | undefined;
  /** How a transaction that lost a lock wait is retried; {@link DEFAULT_LOCK_RETRY} when absent. */
  readonly lockRetry?: LockRetryPolicy | undefined;
  /** Who runs, for the audit table; this process's user, host and cgmigrate version when absent. */
  readonly identity?: AuditIdentity | undefined;
  /** The clock of audit entries. */
  readonly now?: (() => Date) | undefined;
  /** Reads a migration file's bytes for its checksum. */
  readonly readFile?: ReadBytes | undefined;
  /** Waits between retries. */
  readonly sleep?: Sleep | undefined;
  /**
   * The migration lock this run holds: verified ({@link MigrationLock.verify}) inside every
   * transaction just before it commits and before every `transactional: false` migration.
   */
  readonly lock?: MigrationLock | undefined;
  /**
   * Stops the run: when it fires, the step running fails with `signal.reason` (an
   * {@link InterruptedError} when the reason is one, or an `AbortError`; otherwise a
   * {@link MigrationFailedError} naming the step, caused by the reason), its transaction
   * rolls back, and nothing more runs. With a signal, one turn of the event loop passes
   * after each step, so that whoever turns unhandled rejections into an abort (the CLI)
   * is heard before the step's changes can commit.
   */
  readonly signal?: AbortSignal | undefined;
  /** How long a step's `up()`/`down()` may take to settle before it fails; no limit when absent. */
  readonly stepTimeoutMs?: number | undefined;
  /**
   * Work already running beside the run that must succeed before anything commits (the
   * upgrade's lint in `'warn'` mode). A run that imports ahead waits, inside its first
   * transaction, before each step until the work has gone past that step's revision (so
   * the work leads the run), and before the commit until it has ended; any other run
   * waits for it before its first statement. Its failure fails the run with nothing
   * committed (after a `RUN_ROLLED_BACK` warning when steps had run), and is thrown as it
   * is. A run that fails first stops it, and waits for it to end before throwing.
   */
  readonly beforeCommit?: RunCheck | undefined;
}

/**
 * Runs a plan. Every migration is imported and checked before anything commits, so a
 * malformed file or a missing `down()` changes nothing. Each step's migration and
 * version change share one transaction (per step, or one for the whole run); a
 * `transactional: false` migration runs on its own with its version change committed
 * right after it.
 *
 * Deciding is kept apart from doing: `transaction-groups.ts` decides which steps share a
 * transaction, a {@link GroupExecutor} runs each group, {@link LockRetry} runs a group
 * that lost a lock wait again, and a {@link RunState} follows the run, to say where a
 * failed run left the database.
 *
 * When the whole run is one transaction (the default, on a database with transactional
 * DDL), migration *n + 1* is imported while the database runs migration *n*: on a
 * server the client would otherwise wait idle, and 1,000 imports cost about as much as
 * starting the process. A file found broken on the way rolls the transaction back,
 * version and audit tables included, and fails as it would have before the first
 * statement, after a `RUN_ROLLED_BACK` warning when migrations had already run. Before
 * a `transactional: false` migration ends that transaction, every migration after it is
 * imported and checked too. In the other modes (a transaction per migration, no
 * transactional DDL, an offline script) everything is imported first.
 *
 * A check started before the run (`beforeCommit`: the upgrade's lint in `'warn'` mode)
 * goes on beside it, a step ahead of it, and is waited for before anything commits:
 * inside the transaction that imports ahead, just before its commit, or else before the
 * first statement.
 *
 * Each step also appends one row to the audit table (revision, direction, the file's
 * SHA-256, when, how long, who, where), in the transaction of its version change. A
 * transaction's version changes and audit rows are written together just before it
 * commits (see `pending-records.ts`).
 *
 * A transaction that fails because it lost a wait for a lock (the adapter's
 * {@link AdapterConnection.isTransientLockError}, e.g. PostgreSQL's `lock_timeout`) is
 * rolled back and run again, up to `lockRetry.attempts` times in all, with a
 * `LOCK_RETRY` warning event before each retry. Only that transaction runs again:
 * what earlier transactions committed stays.
 *
 * Every operation a migration starts through `op` is watched (see `step-supervision.ts`):
 * one that fails fails its step even when it was not awaited, and a step whose `up()`
 * settles with operations still running fails once they have ended. `signal` and
 * `stepTimeoutMs` end a step early.
 *
 * @throws {IrreversibleMigrationError} when a downgrade needs a missing `down()`; nothing is committed.
 * @throws {MigrationFailedError} when a step fails (after the last retry); `rolledBack` says
 *   whether its changes were undone (not for `transactional: false`, nor without transactional DDL).
 * @throws {InterruptedError} when `signal` fires with an interruption for its reason.
 */
export async function runSteps(steps: readonly MigrationStep[], options: RunStepsOptions): Promise<StepResult[]> {
  const { connection } = options;
  const settings: TransactionSettings = {
    transactionalDdl: options.transactionalDdl ?? true,
    transactionPerMigration: options.transactionPerMigration,
    recordEachStep: options.recordEachStep === true,
  };
  // First, before anything is awaited: from here on the check's failure is the run's.
  const check = new CommitCheck(options.beforeCommit);
  const preparer = new StepPreparer(steps, options.scripts, options.readFile);
  const ahead = importsAhead(settings);
  const state = new RunState();
  const supervisor = new StepSupervisor(options.signal, options.stepTimeoutMs);
  const executor = new GroupExecutor({
    connection,
    dialect: options.dialect,
    preparer,
    state,
    supervisor,
    retry: new LockRetry({
      policy: options.lockRetry ?? DEFAULT_LOCK_RETRY,
      isTransientLockError: (error) => connection.isTransientLockError(error),
      sleep: options.sleep ?? realSleep,
      onEvent: options.onEvent,
      failedRevision: () => state.currentRevision,
    }),
    recordEachStep: settings.recordEachStep,
    identity: options.identity ?? currentIdentity(),
    now: options.now ?? (() => new Date()),
    lock: options.lock,
    onEvent: options.onEvent,
    check,
  });
  try {
    if (!ahead) await preparer.all();
    supervisor.throwIfAborted();
    let next = 0;
    if (ahead) next = await executor.runImportingAhead();
    else {
      await supervisor.unlessAborted(check.passed());
      await executor.ensureTables();
    }
    const prepared = await preparer.all();
    const groups = transactionGroups(settings, prepared.map((item) => item.info.transactional), next);
    for (const group of groups) await executor.run(group, prepared);
  } catch (error) {
    await check.abandon();
    // No step is to blame for the check's own failure; the signal's reason, which stops the
    // check too, is the run's (an interruption, or a failure of the step running).
    if (check.isFailure(error) && !(options.signal?.aborted === true && error === options.signal.reason)) throw error;
    throw state.failure(error, options.signal);
  }
  return state.committed;
}

/** Wraps a session as the `op` a migration receives (untracked; the runner tracks its own). */
export function operationsFor(target: OperationTarget): MigrationOperations {
  return supervisedOperations(target);
}
