import { describeStep, type MigrationEvent } from '@cloudguard/migrate-core';
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
    case 'step-start': {
      // Alembic's stamp steps carry no message: `Running stamp_revision  -> ae1027`.
      const step = event.step.direction === 'stamp' ? { ...event.step, message: undefined } : event.step;
      const line = describeStep(step);
      const verb = /^Running \S+/.exec(line)?.[0] ?? '';
      return paint('cyan', verb) + line.slice(verb.length);
    }
    case 'step-end':
      return format.verbose ? paint('dim', `  done in ${formatDuration(event.durationMs)}`) : undefined;
    case 'warning':
      return `${paint('yellow', 'Warning:')} ${event.message}`;
  }
}

/** `12 ms`, `1.5 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
