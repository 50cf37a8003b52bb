import { describeLockWait, describeStep, type LockWaitEvent, type MigrationEvent, type StepInfo } from '@cloudguard/migrate-core';
import { plain, type Paint } from './style.js';

/** How much {@link formatEvent} shows. */
export interface EventFormat {
  /** Also report when each step ends and how long it took. */
  readonly verbose?: boolean | undefined;
  readonly paint?: Paint | undefined;
}

/**
 * The stderr line for a progress event, or `undefined` when it shows nothing. Steps
 * use Alembic's wording (`Running upgrade  -> ae1027, Add users`) so log searches
 * written for Alembic keep matching; without a terminal the line is plain text.
 *
 * ### Examples
 * ```ts
 * formatEvent({ type: 'step-start', step }) // 'Running upgrade  -> ae1027, Add users'
 * formatEvent({ type: 'step-start', step: stampStep }) // 'Running stamp_revision  -> ae1027'
 * ```
 */
export function formatEvent(event: MigrationEvent, format: EventFormat = {}): string | undefined {
  const paint = format.paint ?? plain;
  switch (event.type) {
    case 'step-start':
      return formatStepLine(event.step, paint);
    case 'step-end':
      return format.verbose ? paint('dim', `  done in ${formatDuration(event.durationMs)}`) : undefined;
    case 'warning':
      return formatWarning(event.message, paint);
    case 'lock-wait':
      return formatLockWait(event);
    case 'lock-acquired':
      return formatLockAcquired(event.waitedMs);
  }
}

/**
 * The line for a run waiting for the migration lock: whom it waits for, and how long it
 * waits at most.
 *
 * ### Examples
 * ```ts
 * formatLockWait({ type: 'lock-wait', holder: 'pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z', waitedMs: 1000, timeoutMs: 300_000 })
 * // 'Waiting for the migration lock, held by pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z; gives up after 5 min 0 s'
 * ```
 */
export function formatLockWait(event: LockWaitEvent): string {
  return `${describeLockWait(event)}; gives up after ${formatDuration(event.timeoutMs)}`;
}

/** The line that ends a reported wait for the lock where lines cannot be redrawn: `Took the migration lock after 4.2 s.` */
export function formatLockAcquired(waitedMs: number): string {
  return `Took the migration lock after ${formatDuration(waitedMs)}.`;
}

/**
 * A step's line, `Running upgrade  -> ae1027, Add users`, with the verb coloured.
 * Alembic's stamp lines carry no message: `Running stamp_revision  -> ae1027`.
 */
export function formatStepLine(info: StepInfo, paint: Paint = plain): string {
  const step = info.direction === 'stamp' ? { ...info, message: undefined } : info;
  const line = describeStep(step);
  const verb = /^Running \S+/.exec(line)?.[0] ?? '';
  return paint('cyan', verb) + line.slice(verb.length);
}

/** `Warning: <message>`. */
export function formatWarning(message: string, paint: Paint = plain): string {
  return `${paint('yellow', 'Warning:')} ${message}`;
}

/**
 * A finished step on a terminal: its line and how long it took.
 *
 * ### Examples
 * ```ts
 * formatStepDone(step, 1530) // 'Running upgrade  -> ae1027, Add users (1.5 s)'
 * ```
 */
export function formatStepDone(step: StepInfo, durationMs: number, paint: Paint = plain): string {
  return `${formatStepLine(step, paint)} ${paint('dim', `(${formatDuration(durationMs)})`)}`;
}

/** A step that was running when the command failed: `Running upgrade  -> ae1027, Add users failed after 2.0 s`. */
export function formatStepFailed(step: StepInfo, durationMs: number, paint: Paint = plain): string {
  return `${formatStepLine(step, paint)} ${paint('red', `failed after ${formatDuration(durationMs)}`)}`;
}

/**
 * The closing line of a run that changed something: how many revisions, which way, and
 * the whole run's time (lock, connection and version table included).
 *
 * ### Examples
 * ```ts
 * formatTotal(['upgrade', 'upgrade', 'upgrade'], 1530) // 'Upgraded 3 revisions in 1.5 s.'
 * formatTotal(['stamp'], 8)                            // 'Stamped 1 revision in 8 ms.'
 * ```
 */
export function formatTotal(directions: readonly StepInfo['direction'][], totalMs: number, paint: Paint = plain): string {
  const kinds = new Set(directions);
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  const verb = only === 'upgrade' ? 'Upgraded' : only === 'downgrade' ? 'Downgraded' : only === 'stamp' ? 'Stamped' : 'Ran';
  const count = directions.length;
  const noun = only === undefined ? (count === 1 ? 'step' : 'steps') : count === 1 ? 'revision' : 'revisions';
  return paint('green', `${verb} ${count} ${noun} in ${formatDuration(totalMs)}.`);
}

/** `12 ms`, `1.5 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
