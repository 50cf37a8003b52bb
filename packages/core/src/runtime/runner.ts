import type { AdapterConnection, AuditEntry, MigrationLock, Session } from '../adapter/dialect-adapter.js';
import { InterruptedError, IrreversibleMigrationError, LockLostError, MigrationFailedError, isMigrateError } from '../errors.js';
import type { Migration, MigrationOperations } from '../migration.js';
import type { MigrationStep } from '../plan/migration-step.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { currentIdentity, fileChecksum, type AuditIdentity, type ReadBytes } from './audit.js';
import type { MigrationEventListener, StepInfo, StepResult } from './events.js';
import { DEFAULT_LOCK_RETRY, type LockRetryPolicy } from '../config/lock-retry-policy.js';
import { realSleep, retryDelayMs, type Sleep } from './lock-retry.js';
import { PendingRecords } from './pending-records.js';
import {
  OperationTracker,
  OperationsNotAwaitedError,
  StepSupervisor,
  UnawaitedOperationError,
  callMigration,
  operationsFor as supervisedOperations,
} from './step-supervision.js';

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
}

interface PreparedStep {
  readonly step: MigrationStep;
  readonly migration: Migration | undefined;
  readonly info: StepInfo;
  /** SHA-256 of the migration file, from the bytes it was imported from. */
  readonly checksum: string | undefined;
}

/**
 * Runs a plan. Every migration is imported and checked before anything commits, so a
 * malformed file or a missing `down()` changes nothing. Each step's migration and
 * version change share one transaction (per step, or one for the whole run); a
 * `transactional: false` migration runs on its own with its version change committed
 * right after it.
 *
 * When the whole run is one transaction (the default, on a database with transactional
 * DDL), migration *n + 1* is imported while the database runs migration *n*: on a
 * server the client would otherwise wait idle, and 1,000 imports cost about as much as
 * starting the process. A file found broken on the way rolls the transaction back,
 * version and audit tables included, and fails as it would have before the first
 * statement, after a `RUN_ROLLED_BACK` warning when migrations had already run. Before
 * a `transactional: false` migration ends that transaction, every migration after it is
 * imported and checked too. In the other modes (a transaction per
 * migration, no transactional DDL, an offline script) everything is imported first.
 *
 * Each step also appends one row to the audit table (revision, direction, the file's
 * SHA-256, when, how long, who, where), in the transaction of its version change. A
 * transaction's version changes and audit rows are written together just before it
 * commits (see {@link PendingRecords}).
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
  const { connection, onEvent } = options;
  const transactionalDdl = options.transactionalDdl ?? true;
  const preparer = new StepPreparer(steps, options.scripts, options.readFile);
  const importAhead = transactionalDdl && !options.transactionPerMigration && options.recordEachStep !== true;
  if (!importAhead) await preparer.all();
  const store = connection.versionStore;
  const audit = connection.auditStore;
  const identity = options.identity ?? currentIdentity();
  const now = options.now ?? (() => new Date());
  const retry = options.lockRetry ?? DEFAULT_LOCK_RETRY;
  const sleep = options.sleep ?? realSleep;
  const committed: StepResult[] = [];
  const supervisor = new StepSupervisor(options.signal, options.stepTimeoutMs);
  const cancelStatement = connection.cancelStatement === undefined ? undefined : () => connection.cancelStatement!();
  const tracker = new OperationTracker();
  /** The step running, or whose transaction has not committed yet. */
  let current: PreparedStep | undefined;
  /** A `transactional: false` migration whose statements ran (and committed) but whose version change has not. */
  let ran: PreparedStep | undefined;
  /** The revisions of the transaction in flight, for what a lost lock left uncommitted. */
  const inFlight: PreparedStep[] = [];

  const verifyLock = async (session: Session): Promise<void> => {
    supervisor.throwIfAborted();
    await options.lock?.verify?.(session);
  };

  const auditEntry = (item: PreparedStep, durationMs: number): AuditEntry => ({
    revision: item.info.revision,
    direction: item.info.direction,
    checksum: item.checksum,
    appliedAt: now(),
    durationMs: Math.round(durationMs),
    ...identity,
  });

  /** Runs one step's migration; its version change and audit row go to `pending`, written before the commit. */
  const runOne = async (session: Session, item: PreparedStep, pending: PendingRecords): Promise<StepResult> => {
    supervisor.throwIfAborted();
    current = item;
    inFlight.push(item);
    onEvent?.({ type: 'step-start', step: item.info });
    const started = performance.now();
    await invokeMigration(session, item, options.dialect, tracker, supervisor, cancelStatement);
    const durationMs = performance.now() - started;
    pending.add(item.step.versionChanges, auditEntry(item, durationMs));
    onEvent?.({ type: 'step-end', step: item.info, durationMs });
    return { ...item.info, durationMs };
  };

  /** Runs one transaction, again while it loses lock waits and tries remain. */
  const withRetry = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= retry.attempts || !transactionalDdl || !connection.isTransientLockError(error)) throw error;
        const delay = retryDelayMs(retry, attempt);
        const revision = current?.info.revision;
        onEvent?.({
          type: 'warning',
          code: 'LOCK_RETRY',
          revision,
          message:
            `${revision ? `Revision ${revision}` : 'A transaction'} could not take a lock in time (${describeError(error)}); ` +
            `its transaction was rolled back and runs again in ${delay} ms (attempt ${attempt + 1} of ${retry.attempts})`,
        });
        await sleep(delay);
      }
    }
  };

  /** Says that the steps this transaction ran are undone, when a broken migration ends it. */
  const warnRolledBack = (ran: readonly StepResult[]): void => {
    if (ran.length === 0) return;
    const span = ran.length === 1 ? ran[0]!.revision : `${ran[0]!.revision} to ${ran.at(-1)!.revision}`;
    onEvent?.({
      type: 'warning',
      code: 'RUN_ROLLED_BACK',
      message:
        `Nothing was applied: a later migration cannot run, so the run's transaction is rolled back ` +
        `with the ${ran.length} migration${ran.length === 1 ? '' : 's'} it had run (${span})`,
    });
  };

  /**
   * The run's one transaction, importing ahead: from the version and audit tables to the
   * first `transactional: false` migration, or to the end. Returns where it stopped.
   */
  const runImportingAhead = async (session: Session): Promise<{ results: StepResult[]; end: number }> => {
    inFlight.length = 0;
    await store.ensure(session);
    await audit.ensure(session);
    const pending = new PendingRecords();
    const results: StepResult[] = [];
    let index = 0;
    for (; index < steps.length; index++) {
      let item: PreparedStep;
      try {
        item = await preparer.get(index);
        if (!item.info.transactional) await preparer.all();
      } catch (error) {
        warnRolledBack(results);
        throw error;
      }
      if (!item.info.transactional) break;
      // runOne sends the migration's first statement before it waits; the next import runs in that wait.
      const running = runOne(session, item, pending);
      preparer.prefetch(index + 1);
      results.push(await running);
    }
    await pending.flush(session, store, audit);
    await verifyLock(session);
    return { results, end: index };
  };

  try {
    supervisor.throwIfAborted();
    let next = 0;
    if (importAhead) {
      const first = await withRetry(() => connection.transaction(runImportingAhead));
      committed.push(...first.results);
      inFlight.length = 0;
      current = undefined;
      next = first.end;
    } else {
      await connection.transaction(async (session) => {
        await store.ensure(session);
        await audit.ensure(session);
        await verifyLock(session);
      });
    }
    const rest = (await preparer.all()).slice(next);
    for (const group of groupSteps(rest, options.transactionPerMigration || !transactionalDdl)) {
      if (group.transactional) {
        const done = await withRetry(() =>
          connection.transaction(async (session) => {
            inFlight.length = 0;
            const pending = new PendingRecords();
            const results: StepResult[] = [];
            for (const item of group.items) {
              results.push(await runOne(session, item, pending));
              if (options.recordEachStep) await pending.flush(session, store, audit);
            }
            await pending.flush(session, store, audit);
            await verifyLock(session);
            return results;
          }),
        );
        committed.push(...done);
        inFlight.length = 0;
        current = undefined;
      } else {
        const item = group.items[0]!;
        const pending = new PendingRecords();
        current = item;
        inFlight.length = 0;
        const result = await connection.autocommit(async (session) => {
          await verifyLock(session);
          return runOne(session, item, pending);
        });
        ran = item;
        await connection.transaction(async (session) => {
          await pending.flush(session, store, audit);
          await verifyLock(session);
        });
        ran = undefined;
        inFlight.length = 0;
        current = undefined;
        committed.push(result);
      }
    }
  } catch (error) {
    if (error instanceof LockLostError || (isMigrateError(error) && error.code === 'LOCK_LOST')) {
      throw lockLost(error as LockLostError, committed, current, ran, inFlight, transactionalDdl);
    }
    if (isInterruption(error, options.signal)) {
      throw interrupted(error, committed, inFlight, ran ?? outsideTransaction(current, transactionalDdl));
    }
    if (current === undefined || isMigrateError(error)) throw error;
    throw new MigrationFailedError(
      current.info.revision,
      current.step.direction === 'downgrade' ? 'downgrade' : 'upgrade',
      current.info.path,
      failedStatement(error),
      committed.map((result) => result.revision),
      { cause: error, rolledBack: current.info.transactional && transactionalDdl },
    );
  }
  return committed;
}

/**
 * The {@link LockLostError} a run raises: the adapter's reason, with what committed and
 * what did not. A `transactional: false` migration that ran before the loss was found
 * has committed its statements but not its version change, and is named as such.
 */
function lockLost(
  error: LockLostError,
  committed: readonly StepResult[],
  current: PreparedStep | undefined,
  ran: PreparedStep | undefined,
  inFlight: readonly PreparedStep[],
  transactionalDdl: boolean,
): LockLostError {
  // A step that started outside a transaction that rolls back (`transactional: false`, or any
  // step without transactional DDL) may have committed its statements; one that never started did not.
  const started = current !== undefined && inFlight.includes(current);
  const outside = ran ?? (started ? outsideTransaction(current, transactionalDdl) : undefined);
  const notCommitted = inFlight.filter((item) => item !== outside).map((item) => item.info.revision);
  if (current !== undefined && !started && current !== ran) notCommitted.push(current.info.revision);
  return new LockLostError(
    error.reason,
    committed.map((result) => result.revision),
    notCommitted,
    outside === undefined ? [] : [outside.info.revision],
  );
}

/**
 * Whether `error` is the run's signal firing to interrupt it: its reason is an
 * {@link InterruptedError} (the CLI's, on SIGINT or SIGTERM) or an `AbortError` /
 * `TimeoutError` (`controller.abort()`, `AbortSignal.timeout()`). Any other reason is a
 * failure of the step that was running.
 */
function isInterruption(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted !== true || error !== signal.reason) return false;
  if (isMigrateError(error)) return error.code === 'INTERRUPTED';
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** The step running outside a rolled-back transaction: `transactional: false`, or any step without transactional DDL. */
function outsideTransaction(current: PreparedStep | undefined, transactionalDdl: boolean): PreparedStep | undefined {
  return current !== undefined && (!current.info.transactional || !transactionalDdl) ? current : undefined;
}

/**
 * The {@link InterruptedError} a run raises: the signal of the reason, what committed,
 * which transaction was rolled back, and which step ran outside any transaction (its
 * statements may have committed). The heads are added by the caller, which knows them.
 */
function interrupted(
  reason: unknown,
  committed: readonly StepResult[],
  inFlight: readonly PreparedStep[],
  outside: PreparedStep | undefined,
): InterruptedError {
  const signal = isMigrateError(reason) ? (reason as InterruptedError).signal : undefined;
  return new InterruptedError(
    signal,
    committed.map((result) => result.revision),
    inFlight.filter((item) => item !== outside).map((item) => item.info.revision),
    { mayHaveCommitted: outside === undefined ? [] : [outside.info.revision], cause: isMigrateError(reason) ? undefined : reason },
  );
}

/**
 * Imports and checks the plan's migrations, each once: in order, or one ahead of the step
 * that runs. A failed import surfaces when its step is reached, or from {@link all}.
 */
class StepPreparer {
  readonly #steps: readonly MigrationStep[];
  readonly #scripts: ScriptDirectory;
  readonly #readFile: ReadBytes | undefined;
  readonly #prepared: Promise<PreparedStep>[] = [];

  constructor(steps: readonly MigrationStep[], scripts: ScriptDirectory, readFile: ReadBytes | undefined) {
    this.#steps = steps;
    this.#scripts = scripts;
    this.#readFile = readFile;
  }

  /** Step `index`, imported and checked. */
  get(index: number): Promise<PreparedStep> {
    this.#prepared[index] ??= prepareStep(this.#steps[index]!, this.#scripts, this.#readFile);
    return this.#prepared[index];
  }

  /** Starts on step `index`, if there is one; its failure waits for {@link get}. */
  prefetch(index: number): void {
    if (index < this.#steps.length) this.get(index).catch(() => {});
  }

  /** Every step, in order: the first failure in plan order is the one thrown. */
  async all(): Promise<PreparedStep[]> {
    const prepared: PreparedStep[] = [];
    for (let index = 0; index < this.#steps.length; index++) prepared.push(await this.get(index));
    return prepared;
  }
}

async function prepareStep(step: MigrationStep, scripts: ScriptDirectory, readFile: ReadBytes | undefined): Promise<PreparedStep> {
  const migration = step.direction === 'stamp' ? undefined : await scripts.importMigration(step.revision);
  if (step.direction === 'downgrade' && typeof migration?.down !== 'function') {
    throw new IrreversibleMigrationError(step.revision.id, step.revision.path);
  }
  return {
    step,
    migration,
    info: {
      direction: step.direction,
      revision: step.revision.id,
      from: step.from,
      to: step.to,
      message: step.revision.message,
      transactional: migration?.transactional !== false,
      path: step.revision.path,
    },
    checksum: fileChecksum(step.revision.path, readFile),
  };
}

interface StepGroup {
  readonly transactional: boolean;
  readonly items: readonly PreparedStep[];
}

/** Consecutive transactional steps share a transaction unless each gets its own. */
function groupSteps(prepared: readonly PreparedStep[], perMigration: boolean): StepGroup[] {
  const groups: StepGroup[] = [];
  let open: PreparedStep[] | undefined;
  for (const item of prepared) {
    if (!item.info.transactional || perMigration) {
      open = undefined;
      groups.push({ transactional: item.info.transactional, items: [item] });
    } else if (open) {
      open.push(item);
    } else {
      open = [item];
      groups.push({ transactional: true, items: open });
    }
  }
  return groups;
}

/**
 * Runs a step's `up()` or `down()` and waits until it and every operation it started
 * through `op` have ended; throws what failed first: `up()` itself, an operation it did
 * not await, or the supervisor (signal, timeout). Operations still running are waited
 * for before the error is thrown, so that the rollback does not race them.
 */
async function invokeMigration(
  session: Session,
  item: PreparedStep,
  dialect: string,
  tracker: OperationTracker,
  supervisor: StepSupervisor,
  cancelStatement: (() => Promise<void>) | undefined,
): Promise<void> {
  const migration = item.migration;
  if (!migration) return;
  const method = item.step.direction === 'upgrade' ? 'up' : 'down';
  tracker.begin();
  const op = supervisedOperations(session, dialect, tracker);
  try {
    let failure: unknown;
    let failed = false;
    try {
      await supervisor.settle(callMigration(() => (method === 'up' ? migration.up(op) : migration.down!(op))), method);
    } catch (error) {
      failure = error;
      failed = true;
    }
    const stillRunning = tracker.pending;
    const lastStarted = tracker.lastStarted;
    // Interrupted or timed out: the statement in flight, if any, ends with the rollback queued behind it.
    // Stopped with a statement in flight: cancel it, so that the rollback queued behind it runs now.
    if (stillRunning > 0 && failed && supervisor.stopped(failure)) await cancelStatement?.();
    if (stillRunning > 0 && !(failed && supervisor.stopped(failure))) {
      await supervisor.settle(tracker.idle(), method);
    }
    if (failed) throw failure;
    const rejected = tracker.failure;
    if (rejected !== undefined) {
      // A typed error (e.g. OFFLINE_READ_NOT_SUPPORTED) keeps its code; a driver's is named as not awaited.
      if (isMigrateError(rejected.error)) throw rejected.error;
      throw new UnawaitedOperationError(method, rejected.statement, rejected.error);
    }
    if (stillRunning > 0) throw new OperationsNotAwaitedError(method, stillRunning, lastStarted);
    await supervisor.checkpoint();
  } finally {
    tracker.end();
  }
}

/** Wraps a session as the `op` a migration receives (untracked; the runner tracks its own). */
export function operationsFor(session: Session, dialect: string): MigrationOperations {
  return supervisedOperations(session, dialect);
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

const MAX_STATEMENT_LENGTH = 200;

/** The failing SQL an adapter attached to a driver error (`error.sql`), trimmed for a message. */
function failedStatement(error: unknown): string | undefined {
  const sql = (error as { sql?: unknown } | null)?.sql;
  if (typeof sql !== 'string') return undefined;
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_STATEMENT_LENGTH ? `${flat.slice(0, MAX_STATEMENT_LENGTH - 1)}…` : flat;
}
