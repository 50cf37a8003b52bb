import { reportsPartialCommit } from '../adapter/driver-errors.js';
import { InterruptedError, LockLostError, MigrationFailedError, isMigrateError, type MigrateErrorCode } from '../errors.js';
import { locateInStack } from '../script/source-location.js';
import type { StepResult } from './events.js';
import type { PreparedStep } from './step-preparer.js';
import { rollsBack, type TransactionGroupKind } from './transaction-groups.js';

/**
 * Errors of a schema operation (`op.createTable`, …): failures of the migration that
 * called it, reported as `MIGRATION_FAILED` with the revision, the file, the line and
 * what was rolled back, and the operation's own error as the cause.
 */
const OPERATION_FAILURES: ReadonlySet<MigrateErrorCode> = new Set(['INVALID_OPERATION', 'OPERATION_NOT_SUPPORTED', 'SCHEMA_CHECK_FAILED']);

/**
 * Where a run is: what committed, the group in flight and the steps it has started. The
 * executor moves it on; when the run fails, {@link failure} turns what went wrong into
 * the error that says where the database is.
 */
export class RunState {
  /** The steps whose groups committed, in order. */
  readonly committed: StepResult[] = [];
  /** The steps the group in flight has started: none of them has committed. */
  readonly #started: PreparedStep[] = [];
  /** The kind of the group in flight. */
  #kind: TransactionGroupKind = 'run';
  /**
   * The step running, or whose group has not committed yet; or, before it starts, the
   * `transactional: false` migration of the group in flight, whose lock check runs first.
   */
  #current: PreparedStep | undefined;

  /** The revision of the step running (or that was, when its transaction failed). */
  get currentRevision(): string | undefined {
    return this.#current?.info.revision;
  }

  /**
   * A group (or another attempt at it) begins: nothing of it has run yet. `next` is the
   * step it is for, named as not committed should the group end before the step starts.
   */
  beginGroup(kind: TransactionGroupKind, next?: PreparedStep): void {
    this.#kind = kind;
    this.#started.length = 0;
    if (next !== undefined) this.#current = next;
  }

  /** `item` starts running. */
  beginStep(item: PreparedStep): void {
    this.#current = item;
    this.#started.push(item);
  }

  /** The group in flight committed; `results` are its steps'. */
  commit(results: readonly StepResult[]): void {
    this.committed.push(...results);
    this.#started.length = 0;
    this.#current = undefined;
  }

  /**
   * What a run that failed with `error` throws: a {@link LockLostError} or an
   * {@link InterruptedError} saying what committed and what did not, a
   * {@link MigrationFailedError} naming the step that failed, or `error` itself when it
   * is already typed or no step was running.
   */
  failure(error: unknown, signal: AbortSignal | undefined): unknown {
    if (error instanceof LockLostError || (isMigrateError(error) && error.code === 'LOCK_LOST')) {
      return this.#lockLost(error as LockLostError);
    }
    if (isInterruption(error, signal)) return this.#interrupted(error);
    const current = this.#current;
    if (current === undefined || (isMigrateError(error) && !OPERATION_FAILURES.has(error.code))) return error;
    return new MigrationFailedError(
      current.info.revision,
      current.step.direction === 'downgrade' ? 'downgrade' : 'upgrade',
      current.info.path,
      failedStatement(error),
      this.#completed(),
      {
        cause: error,
        rolledBack: rollbackOutcome(this.#kind, error),
        location: current.info.path === undefined ? undefined : locateInStack(error, current.info.path),
      },
    );
  }

  /**
   * The step running in a group that does not roll back (`transactional: false`, or any
   * step without transactional DDL): its statements may have committed.
   */
  #outside(): PreparedStep | undefined {
    return rollsBack(this.#kind) ? undefined : this.#current;
  }

  /**
   * The adapter's reason, with what committed and what did not. A step that started
   * outside a transaction that rolls back may have committed its statements (a
   * `transactional: false` migration that ran before the loss was found has, but not its
   * version change); one that never started did not.
   */
  #lockLost(error: LockLostError): LockLostError {
    const current = this.#current;
    const started = current !== undefined && this.#started.includes(current);
    const outside = started ? this.#outside() : undefined;
    const notCommitted = this.#revisionsExcept(outside);
    if (current !== undefined && !started) notCommitted.push(current.info.revision);
    return new LockLostError(error.reason, this.#completed(), notCommitted, outside === undefined ? [] : [outside.info.revision]);
  }

  /**
   * The signal of the reason, what committed, which transaction was rolled back, and
   * which step ran outside any transaction (its statements may have committed). The
   * heads are added by the caller, which knows them.
   */
  #interrupted(reason: unknown): InterruptedError {
    const signal = isMigrateError(reason) ? (reason as InterruptedError).signal : undefined;
    const outside = this.#outside();
    return new InterruptedError(signal, this.#completed(), this.#revisionsExcept(outside), {
      mayHaveCommitted: outside === undefined ? [] : [outside.info.revision],
      cause: isMigrateError(reason) ? undefined : reason,
    });
  }

  #completed(): string[] {
    return this.committed.map((result) => result.revision);
  }

  /** The revisions of the steps the group in flight started, but `outside`'s. */
  #revisionsExcept(outside: PreparedStep | undefined): string[] {
    return this.#started.filter((item) => item !== outside).map((item) => item.info.revision);
  }
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

const MAX_STATEMENT_LENGTH = 200;

/** The failing SQL an adapter attached to a driver error (`error.sql`), trimmed for a message. */
function failedStatement(error: unknown): string | undefined {
  const sql = (error as { sql?: unknown } | null)?.sql;
  if (typeof sql !== 'string') return undefined;
  return oneLineStatement(sql, MAX_STATEMENT_LENGTH);
}

/**
 * A statement on one line, white space collapsed, cut to `maxLength` characters (the
 * last one `…`) when longer: for messages.
 *
 * ### Examples
 * ```ts
 * oneLineStatement('CREATE TABLE t (\n  id int\n)', 200) // 'CREATE TABLE t ( id int )'
 * ```
 */
export function oneLineStatement(sql: string, maxLength: number): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

/**
 * What {@link MigrationFailedError.rolledBack} says of a step that failed with `error` in
 * a group of `kind`: rolled back (a transaction with transactional DDL), not (outside any
 * transaction, or the adapter reported a partial commit), or not known (a transaction
 * on a dialect whose DDL commits by itself, and no report).
 */
function rollbackOutcome(kind: TransactionGroupKind, error: unknown): boolean | null {
  if (rollsBack(kind)) return true;
  if (kind === 'none') return false;
  return reportsPartialCommit(error) ? false : null;
}
