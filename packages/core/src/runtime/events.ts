/** What the runner reports about one step. */
export interface StepInfo {
  readonly direction: 'upgrade' | 'downgrade' | 'stamp';
  readonly revision: string;
  /** Revisions before the step (this branch), as Alembic logs them. */
  readonly from: readonly string[];
  /** Revisions after the step (this branch). */
  readonly to: readonly string[];
  readonly message: string | undefined;
  /** False for a migration that ran outside any transaction. */
  readonly transactional: boolean;
  readonly path: string | undefined;
}

/** A finished step. */
export interface StepResult extends StepInfo {
  /** How long the migration's `up()`/`down()` ran, in whole milliseconds. */
  readonly durationMs: number;
}

/**
 * Progress reported while commands run. Nothing is printed by core: the CLI renders
 * these, and a service can route them to its own logger.
 */
export type MigrationEvent =
  | { readonly type: 'step-start'; readonly step: StepInfo }
  | { readonly type: 'step-end'; readonly step: StepInfo; readonly durationMs: number }
  | LockWaitEvent
  | {
      /** The lock a {@link LockWaitEvent} reported waiting for was taken. */
      readonly type: 'lock-acquired';
      /** How long the wait lasted, rounded to the millisecond. */
      readonly waitedMs: number;
    }
  | {
      readonly type: 'warning';
      readonly message: string;
      /** What the warning is about, for programs that route warnings; absent for general ones. */
      readonly code?: WarningCode | undefined;
      /** The revision it concerns, when there is one. */
      readonly revision?: string | undefined;
    };

/**
 * The run has waited about a second for the migration lock, which another runner holds;
 * sent again if the adapter reports another holder meanwhile. A `lock-acquired` event
 * follows when the lock is taken; a wait that runs out ends with `LockTimeoutError`.
 */
export interface LockWaitEvent {
  readonly type: 'lock-wait';
  /**
   * Who holds the lock, as the adapter describes it (`pid 4242 on build-7 (user deploy),
   * holding it since …`, as in `LockTimeoutError.holder`); `undefined` when it cannot tell.
   */
  readonly holder: string | undefined;
  /** How long the run has waited so far, rounded to the millisecond. */
  readonly waitedMs: number;
  /** How long it waits at most (`lockTimeout`). */
  readonly timeoutMs: number;
}

/**
 * Kinds of {@link MigrationEvent} warnings:
 * - `MIGRATION_EDITED`: an applied migration's file no longer matches the checksum recorded when it ran;
 * - `LOCK_RETRY`: a transaction lost a wait for a table lock and is run again;
 * - `RUN_ROLLED_BACK`: a migration found broken while the run's one transaction was under
 *   way (imported ahead), or a failure of the lint that goes on beside it, ends the run; the
 *   migrations it had run are rolled back with it;
 * - `MIGRATION_FILE_SKIPPED`: a file in `versions/` looks like code but is not read as a
 *   migration (its name starts with `_` or `.`, or its extension is not read), once per
 *   command that reads the scripts;
 * - `BRANCH_CONFLICT_UNREADABLE`: `check` could not read what a revision on a compared
 *   branch does (SQL its dialect's parser cannot read, or a migration that reads the
 *   database), so a branch conflict through it may go unseen.
 */
export type WarningCode = 'MIGRATION_EDITED' | 'LOCK_RETRY' | 'RUN_ROLLED_BACK' | 'MIGRATION_FILE_SKIPPED' | 'BRANCH_CONFLICT_UNREADABLE' | 'LINT';

/** Receives {@link MigrationEvent}s. */
export type MigrationEventListener = (event: MigrationEvent) => void;

/**
 * The log line for a step, in Alembic's words so existing log searches keep working.
 *
 * ### Examples
 * ```ts
 * describeStep({ direction: 'upgrade', from: [], to: ['000001'], message: 'Initial schema', … })
 * // 'Running upgrade  -> 000001, Initial schema'
 * ```
 */
export function describeStep(step: StepInfo): string {
  const verb = step.direction === 'stamp' ? 'stamp_revision' : step.direction;
  const suffix = step.message === undefined || step.message === '' ? '' : `, ${step.message}`;
  const mode = step.transactional ? '' : ' (outside a transaction)';
  return `Running ${verb} ${step.from.join(', ')} -> ${step.to.join(', ')}${suffix}${mode}`;
}

/**
 * The log line for a {@link LockWaitEvent}: whom the run waits for.
 *
 * ### Examples
 * ```ts
 * describeLockWait({ type: 'lock-wait', holder: 'pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z', … })
 * // 'Waiting for the migration lock, held by pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z'
 * describeLockWait({ type: 'lock-wait', holder: undefined, … })
 * // 'Waiting for the migration lock, held by another run'
 * ```
 */
export function describeLockWait(event: LockWaitEvent): string {
  return `Waiting for the migration lock, held by ${event.holder ?? 'another run'}`;
}
