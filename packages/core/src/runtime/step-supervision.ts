import { schemaMethods } from './schema-methods.js';
import type { StatementPerDialect } from '../operations/operation-methods.js';
import { runSchemaOperation, statementForDialect, type OperationTarget } from './run-schema-operation.js';
import type { MigrationOperations, Row } from '../migration.js';

/**
 * What the runner watches while a migration's `up()` or `down()` runs, so that a step
 * ends only when everything it started has ended, and fails when any of it failed:
 *
 * - every operation started through `op` (`execute`, `query`, `bulkInsert`) is counted
 *   ({@link OperationTracker}): one that rejects fails the step even when `up()` did not
 *   await it, and one still running when `up()` settles fails the step as "not awaited"
 *   once it has ended (so the rollback never races a statement in flight); after the
 *   step, `op` refuses new operations, so code the step left running cannot write
 *   outside its transaction;
 * - the caller's `AbortSignal` and the `stepTimeout` end the wait for `up()`
 *   ({@link StepSupervisor}).
 *
 * `op.db` and `op.connection` are the adapter's own objects and are not tracked: a
 * query started through them and not awaited is seen only by whoever listens for
 * unhandled rejections (the CLI does, and fails the step).
 */

/** The cause of a step that did not await an operation that failed. */
export class UnawaitedOperationError extends Error {
  /** The statement, for the `MIGRATION_FAILED` message (as adapters attach it to driver errors). */
  readonly sql: string | undefined;
  constructor(method: 'up' | 'down', statement: string | undefined, cause: unknown) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)} (this operation was not awaited, or its error was caught: ` +
        `${method}() went on as if it had succeeded; a failed operation fails its migration)`,
      { cause },
    );
    this.name = 'UnawaitedOperationError';
    this.sql = statement;
  }
}

/** The cause of a step whose `up()`/`down()` settled while operations it started were still running. */
export class OperationsNotAwaitedError extends Error {
  constructor(method: 'up' | 'down', count: number, lastStatement: string) {
    super(
      `${method}() settled while ${count === 1 ? 'an operation it started was' : `${count} operations it started were`} ` +
        `still running: ${lastStatement} was not awaited (await every op.execute, op.query and op.bulkInsert)`,
    );
    this.name = 'OperationsNotAwaitedError';
  }
}

/** The cause of a step that ran past `stepTimeout`. */
export class StepTimeoutError extends Error {
  constructor(method: 'up' | 'down', timeoutMs: number) {
    super(`${method}() did not settle within ${timeoutMs} ms (stepTimeout)`);
    this.name = 'StepTimeoutError';
  }
}

/** What a migration tried to do through `op` after its step had ended. */
class StepEndedError extends Error {
  constructor(statement: string) {
    super(`${statement} was started through op after its migration's step had ended; it did not run`);
    this.name = 'StepEndedError';
  }
}

const ignore = (): void => {};

/**
 * Counts the operations one step started through `op` and keeps the first failure. One
 * per run, reset for each step: tracking an operation costs a counter and one reaction
 * on its promise.
 */
export class OperationTracker {
  #pending = 0;
  #lastStarted = '';
  #failure: { readonly error: unknown; readonly statement: string } | undefined;
  #idle: (() => void) | undefined;
  #open = true;

  readonly #settled = (): void => {
    if (--this.#pending === 0 && this.#idle !== undefined) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  };

  readonly #rejected = (error: unknown): void => {
    this.#failure ??= { error, statement: statementOf(error) ?? this.#lastStarted };
    this.#settled();
  };

  /** Starts watching a new step. */
  begin(): void {
    this.#pending = 0;
    this.#failure = undefined;
    this.#idle = undefined;
    this.#open = true;
  }

  /** Ends the step: later operations are refused. */
  end(): void {
    this.#open = false;
  }

  /** Operations started and not yet settled. */
  get pending(): number {
    return this.#pending;
  }

  /** The last operation started, as a statement or a short description. */
  get lastStarted(): string {
    return this.#lastStarted;
  }

  /** The first operation that rejected, with its statement. */
  get failure(): { readonly error: unknown; readonly statement: string } | undefined {
    return this.#failure;
  }

  /** Resolves once no operation is running. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle = resolve;
    });
  }

  /** Whether the step has ended, so that new operations are refused ({@link refuse}). */
  get ended(): boolean {
    return !this.#open;
  }

  /** Counts an operation the current step started. */
  track<T>(statement: string, promise: Promise<T>): Promise<T> {
    this.#pending++;
    this.#lastStarted = statement;
    promise.then(this.#settled, this.#rejected);
    return promise;
  }

  /** The answer to an operation started after its step ended: it does not run. */
  refuse(statement: string): Promise<never> {
    const refused = Promise.reject(new StepEndedError(statement));
    // The code that called it was abandoned with its step: nobody may be there to catch this.
    refused.catch(ignore);
    return refused;
  }
}

/** The SQL an adapter attached to a driver error (`error.sql`). */
function statementOf(error: unknown): string | undefined {
  const sql = (error as { sql?: unknown } | null)?.sql;
  return typeof sql === 'string' ? sql : undefined;
}

/**
 * Wraps a session as the `op` a migration receives; with a tracker, every operation is
 * counted for its step (see {@link OperationTracker}). Schema operations compile with
 * the target's compiler (see {@link runSchemaOperation}).
 */
export function operationsFor(target: OperationTarget, tracker?: OperationTracker): MigrationOperations {
  const { session, dialect } = target;
  const chosenStatement = (sql: string | StatementPerDialect): string => (typeof sql === 'string' ? sql : statementForDialect(sql, target));
  if (tracker === undefined) {
    return {
      dialect,
      offline: session.offline === true,
      execute: async (sql, params) => session.execute(chosenStatement(sql), params),
      query: (sql, params) => session.query(sql, params),
      bulkInsert: (table, rows) => session.bulkInsert(table, rows),
      db: session.db,
      connection: session.connection,
      ...schemaMethods(async (call, build) => runSchemaOperation(build(), call, target)),
    };
  }
  const tracked = <T>(statement: string, start: () => Promise<T>): Promise<T> =>
    tracker.ended ? tracker.refuse(statement) : tracker.track(statement, start());
  return {
    dialect,
    offline: session.offline === true,
    execute: (sql, params) => {
      let statement: string;
      try {
        statement = chosenStatement(sql);
      } catch (error) {
        return Promise.reject(error);
      }
      return tracked(statement, () => session.execute(statement, params));
    },
    query: <T extends Row = Row>(sql: string, params?: readonly unknown[]) => tracked(sql, () => session.query<T>(sql, params)),
    bulkInsert: (table, rows) => tracked(`op.bulkInsert('${table}', …)`, () => session.bulkInsert(table, rows)),
    db: session.db,
    connection: session.connection,
    ...schemaMethods((call, build) => tracked(call, async () => runSchemaOperation(build(), call, target))),
  };
}

/**
 * Ends the wait for a step when the run's `AbortSignal` fires or the step runs past its
 * timeout. One per run: the signal gets one listener for the whole run.
 */
export class StepSupervisor {
  readonly #signal: AbortSignal | undefined;
  readonly #timeoutMs: number | undefined;
  /** Rejects with the signal's reason when it fires; never settles otherwise. */
  readonly #aborted: Promise<never> | undefined;

  constructor(signal: AbortSignal | undefined, timeoutMs: number | undefined) {
    this.#signal = signal;
    this.#timeoutMs = timeoutMs;
    if (signal !== undefined) {
      this.#aborted = new Promise<never>((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason);
        else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      this.#aborted.catch(ignore);
    }
  }

  /** Whether anything can end a step early (a signal or a timeout). */
  get active(): boolean {
    return this.#signal !== undefined || this.#timeoutMs !== undefined;
  }

  /** Whether `error` is this supervisor ending a step: the signal's reason, or a {@link StepTimeoutError}. */
  stopped(error: unknown): boolean {
    return error instanceof StepTimeoutError || (this.#signal?.aborted === true && error === this.#signal.reason);
  }

  /** Throws the signal's reason when it has fired. */
  throwIfAborted(): void {
    if (this.#signal?.aborted) throw this.#signal.reason;
  }

  /**
   * Waits for `work` (a step's `up()`/`down()`), or throws the signal's reason when it
   * fires first, or a {@link StepTimeoutError} when the timeout passes first.
   */
  async settle(work: Promise<unknown>, method: 'up' | 'down'): Promise<void> {
    if (!this.active) {
      await work;
      return;
    }
    const racers: Promise<unknown>[] = [work];
    if (this.#aborted !== undefined) racers.push(this.#aborted);
    let timer: NodeJS.Timeout | undefined;
    if (this.#timeoutMs !== undefined) {
      const timeoutMs = this.#timeoutMs;
      racers.push(
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new StepTimeoutError(method, timeoutMs)), timeoutMs);
        }),
      );
    }
    try {
      await Promise.race(racers);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /** Waits for `work`, or throws the signal's reason when it fires first (no timeout: `work` is not a step's). */
  async unlessAborted<T>(work: Promise<T>): Promise<T> {
    if (this.#aborted === undefined) return work;
    return Promise.race([work, this.#aborted]);
  }

  /**
   * Lets one turn of the event loop pass when a signal is watched, so that an unhandled
   * rejection or a timer's exception of the step just run reaches whoever listens (the
   * CLI aborts the signal with it) before anything commits; then throws the signal's
   * reason if it fired.
   */
  async checkpoint(): Promise<void> {
    if (this.#signal === undefined) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.throwIfAborted();
  }
}

/** A step's `up()`/`down()` called with its `op`, as a promise (a synchronous throw becomes its rejection). */
export function callMigration(run: () => void | Promise<void>): Promise<void> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}
