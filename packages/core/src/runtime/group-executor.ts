import type { AdapterConnection, AuditEntry, MigrationLock, Session } from '../adapter/dialect-adapter.js';
import { isMigrateError } from '../errors.js';
import type { OperationTarget } from './run-schema-operation.js';
import type { AuditIdentity } from './audit.js';
import type { CommitCheck } from './commit-check.js';
import type { MigrationEventListener, StepResult } from './events.js';
import type { LockRetry } from './lock-retry.js';
import { PendingRecords } from './pending-records.js';
import type { RunState } from './run-state.js';
import type { PreparedStep, StepPreparer } from './step-preparer.js';
import {
  OperationTracker,
  OperationsNotAwaitedError,
  UnawaitedOperationError,
  callMigration,
  operationsFor,
  type StepSupervisor,
} from './step-supervision.js';
import { joinsGroup, type TransactionGroup, type TransactionGroupKind } from './transaction-groups.js';

/** What a {@link GroupExecutor} works with. */
export interface GroupExecutorSetup {
  readonly connection: AdapterConnection;
  /** The dialect name given to migrations as `op.dialect`. */
  readonly dialect: string;
  readonly preparer: StepPreparer;
  /** Where the run is; the executor moves it on. */
  readonly state: RunState;
  readonly supervisor: StepSupervisor;
  readonly retry: LockRetry;
  /** Write each step's version change and audit row right after it (an offline script). */
  readonly recordEachStep: boolean;
  readonly identity: AuditIdentity;
  readonly now: () => Date;
  readonly lock: MigrationLock | undefined;
  readonly onEvent: MigrationEventListener | undefined;
  /** What must succeed before the first transaction commits (see `RunStepsOptions.beforeCommit`). */
  readonly check: CommitCheck;
}

/**
 * Runs the groups that `transaction-groups.ts` decides: each in a transaction (run again
 * by {@link LockRetry} when it may be) or, for a `transactional: false` migration,
 * outside any, with its version change committed right after it. A transaction's version
 * changes and audit rows are written together just before it commits (see
 * {@link PendingRecords}), after the lock is verified. Each step's migration runs under
 * the {@link StepSupervisor}, and the run's {@link RunState} follows every step.
 */
export class GroupExecutor {
  readonly #connection: AdapterConnection;
  readonly #dialect: string;
  readonly #preparer: StepPreparer;
  readonly #state: RunState;
  readonly #supervisor: StepSupervisor;
  readonly #retry: LockRetry;
  readonly #recordEachStep: boolean;
  readonly #identity: AuditIdentity;
  readonly #now: () => Date;
  readonly #lock: MigrationLock | undefined;
  readonly #onEvent: MigrationEventListener | undefined;
  readonly #check: CommitCheck;
  readonly #tracker = new OperationTracker();
  readonly #cancelStatement: (() => Promise<void>) | undefined;

  constructor(setup: GroupExecutorSetup) {
    this.#connection = setup.connection;
    this.#dialect = setup.dialect;
    this.#preparer = setup.preparer;
    this.#state = setup.state;
    this.#supervisor = setup.supervisor;
    this.#retry = setup.retry;
    this.#recordEachStep = setup.recordEachStep;
    this.#identity = setup.identity;
    this.#now = setup.now;
    this.#lock = setup.lock;
    this.#onEvent = setup.onEvent;
    this.#check = setup.check;
    const connection = setup.connection;
    this.#cancelStatement = connection.cancelStatement === undefined ? undefined : () => connection.cancelStatement!();
  }

  /**
   * The run's first group when it imports ahead (see `importsAhead`): one transaction that
   * ensures the version and audit tables, then runs the plan's steps from the first for as
   * long as they join it, importing each migration while the database runs the one before.
   * Before a `transactional: false` migration ends it, every later migration is imported
   * and checked too; a file found broken on the way rolls it back, after a
   * `RUN_ROLLED_BACK` warning when steps had run. The run's check (see
   * `RunStepsOptions.beforeCommit`) is waited for before each step, until it has gone past
   * that step's revision, and before the commit; its failure rolls back the same way.
   * Returns the index of the first step it did not run.
   */
  async runImportingAhead(): Promise<number> {
    const { results, end } = await this.#retry.run('run', () =>
      this.#connection.transaction((session) => this.#importingAhead(session)),
    );
    this.#state.commit(results);
    return end;
  }

  /** Ensures the version and audit tables in a transaction of their own, for a run that does not import ahead. */
  async ensureTables(): Promise<void> {
    await this.#connection.transaction(async (session) => {
      await this.#ensureTables(session);
      await this.#verifyLock(session);
    });
  }

  /** Runs one group; `prepared` is every step of the plan. */
  async run(group: TransactionGroup, prepared: readonly PreparedStep[]): Promise<void> {
    if (group.kind === 'none') return this.#runOutsideTransaction(prepared[group.start]!);
    const items = prepared.slice(group.start, group.end);
    const results = await this.#retry.run(group.kind, () =>
      this.#connection.transaction((session) => this.#runTransaction(session, group.kind, items)),
    );
    this.#state.commit(results);
  }

  async #importingAhead(session: Session): Promise<{ results: StepResult[]; end: number }> {
    this.#state.beginGroup('run');
    await this.#ensureTables(session);
    const preparer = this.#preparer;
    const pending = new PendingRecords();
    const results: StepResult[] = [];
    let index = 0;
    for (; index < preparer.count; index++) {
      let item: PreparedStep;
      try {
        item = await preparer.get(index);
        // The step that ends this transaction commits it: every later migration must be good first.
        if (!joinsGroup('run', item.info.transactional)) await preparer.all();
      } catch (error) {
        this.#warnRolledBack(results, 'a later migration cannot run');
        throw error;
      }
      if (!joinsGroup('run', item.info.transactional)) break;
      await this.#waitForCheck(results, item.info.revision);
      // The step sends its migration's first statement before it waits; the next import runs in that wait.
      const running = this.#runStep(session, item, pending);
      preparer.prefetch(index + 1);
      results.push(await running);
    }
    await this.#waitForCheck(results);
    await this.#commitRecords(session, pending);
    return { results, end: index };
  }

  async #runTransaction(session: Session, kind: TransactionGroupKind, items: readonly PreparedStep[]): Promise<StepResult[]> {
    this.#state.beginGroup(kind);
    const pending = new PendingRecords();
    const results: StepResult[] = [];
    for (const item of items) {
      results.push(await this.#runStep(session, item, pending));
      if (this.#recordEachStep) await pending.flush(session, this.#connection.versionStore, this.#connection.auditStore);
    }
    await this.#commitRecords(session, pending);
    return results;
  }

  /** A `transactional: false` migration: its statements commit as they run, its version change right after. */
  async #runOutsideTransaction(item: PreparedStep): Promise<void> {
    this.#state.beginGroup('none', item);
    const pending = new PendingRecords();
    const result = await this.#connection.autocommit(async (session) => {
      await this.#verifyLock(session);
      return this.#runStep(session, item, pending);
    });
    await this.#connection.transaction((session) => this.#commitRecords(session, pending));
    this.#state.commit([result]);
  }

  /** Runs one step's migration; its version change and audit row go to `pending`, written before the commit. */
  async #runStep(session: Session, item: PreparedStep, pending: PendingRecords): Promise<StepResult> {
    this.#supervisor.throwIfAborted();
    this.#state.beginStep(item);
    this.#onEvent?.({ type: 'step-start', step: item.info });
    const started = performance.now();
    await invokeMigration(
      { session, dialect: this.#dialect, compiler: this.#connection.operationCompiler, revision: item.info.revision, path: item.info.path },
      item,
      this.#tracker,
      this.#supervisor,
      this.#cancelStatement,
    );
    // Whole milliseconds, as the audit row keeps them: finer digits are timer noise.
    const durationMs = Math.round(performance.now() - started);
    pending.add(item.step.versionChanges, this.#auditEntry(item, durationMs));
    this.#onEvent?.({ type: 'step-end', step: item.info, durationMs });
    return { ...item.info, durationMs };
  }

  async #ensureTables(session: Session): Promise<void> {
    await this.#connection.versionStore.ensure(session);
    await this.#connection.auditStore.ensure(session);
  }

  /** Writes the transaction's version changes and audit rows, then checks the lock: what must hold before it commits. */
  async #commitRecords(session: Session, pending: PendingRecords): Promise<void> {
    await pending.flush(session, this.#connection.versionStore, this.#connection.auditStore);
    await this.#verifyLock(session);
  }

  async #verifyLock(session: Session): Promise<void> {
    this.#supervisor.throwIfAborted();
    await this.#lock?.verify?.(session);
  }

  #auditEntry(item: PreparedStep, durationMs: number): AuditEntry {
    return {
      revision: item.info.revision,
      direction: item.info.direction,
      checksum: item.checksum,
      appliedAt: this.#now(),
      durationMs: Math.round(durationMs),
      ...this.#identity,
    };
  }

  /**
   * Waits for the run's check (see `RunStepsOptions.beforeCommit`) to go past `revision`,
   * or to end; its failure ends the transaction, which rolls back the steps it ran.
   */
  async #waitForCheck(ran: readonly StepResult[], revision?: string): Promise<void> {
    if (!this.#check.present) return;
    try {
      await this.#supervisor.unlessAborted(revision === undefined ? this.#check.passed() : this.#check.reached(revision));
    } catch (error) {
      if (!this.#supervisor.stopped(error)) this.#warnRolledBack(ran, `${this.#check.name} failed`);
      throw error;
    }
  }

  /** Says that the steps this transaction ran are undone, when something other than a step ends it (`why`). */
  #warnRolledBack(ran: readonly StepResult[], why: string): void {
    if (ran.length === 0) return;
    const span = ran.length === 1 ? ran[0]!.revision : `${ran[0]!.revision} to ${ran.at(-1)!.revision}`;
    this.#onEvent?.({
      type: 'warning',
      code: 'RUN_ROLLED_BACK',
      message:
        `Nothing was applied: ${why}, so the run's transaction is rolled back ` +
        `with the ${ran.length} migration${ran.length === 1 ? '' : 's'} it had run (${span})`,
    });
  }
}

/**
 * Runs a step's `up()` or `down()` and waits until it and every operation it started
 * through `op` have ended; throws what failed first: `up()` itself, an operation it did
 * not await, or the supervisor (signal, timeout). Operations still running are waited
 * for before the error is thrown, so that the rollback does not race them.
 */
async function invokeMigration(
  target: OperationTarget,
  item: PreparedStep,
  tracker: OperationTracker,
  supervisor: StepSupervisor,
  cancelStatement: (() => Promise<void>) | undefined,
): Promise<void> {
  const migration = item.migration;
  if (!migration) return;
  const method = item.step.direction === 'upgrade' ? 'up' : 'down';
  tracker.begin();
  const op = operationsFor(target, tracker);
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
