import type { MigrationEvent, StepInfo } from '@cloudguard/migrate-core';
import {
  formatDuration,
  formatEvent,
  formatLockWait,
  formatStepDone,
  formatStepFailed,
  formatStepLine,
  formatTotal,
  formatWarning,
} from './steps.js';
import { plain, type Paint } from './style.js';

/** Where progress goes: stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  /** The terminal's width, when it is one. */
  readonly columns?: number | undefined;
}

/** How a {@link Progress} behaves. */
export interface ProgressOptions {
  /** Show each step's duration and the total even when not on a terminal. */
  readonly verbose?: boolean | undefined;
  /** Show warnings only. */
  readonly quiet?: boolean | undefined;
  readonly paint?: Paint | undefined;
  /** Redraw the running step in place. Default: {@link isLiveTerminal} of the stream. */
  readonly live?: boolean | undefined;
  /** A clock in milliseconds; `performance.now` unless a test gives its own. */
  readonly now?: (() => number) | undefined;
  /**
   * Calls `tick` every `ms` until the returned function is called; an unref'd
   * `setInterval` unless a test gives its own.
   */
  readonly every?: ((ms: number, tick: () => void) => () => void) | undefined;
}

/** Redraw the elapsed time of a long step this often. */
const TICK_MS = 1000;
/** Only show a running timer once a step has taken this long; quick steps never flicker. */
const SHOW_ELAPSED_AFTER_MS = 2000;
const CLEAR_LINE = '\r\u001B[2K';

/**
 * Whether a stream is a terminal that can redraw a line: a TTY whose `TERM` is not
 * `dumb`. Colour is a separate question (`NO_COLOR`, see `painterFor`).
 */
export function isLiveTerminal(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/**
 * Renders the runner's events for people.
 *
 * On a terminal, each step's line (`Running upgrade  -> ae1027, Add users`) stays on
 * screen while it runs, with the time elapsed once it is slow, and is completed with
 * its duration when it ends; the run closes with the total (`Upgraded 3 revisions in
 * 4.2 s.`). Anywhere else (a pipe, a file, CI logs) each step is one plain line,
 * written when it starts, exactly as Alembic logs it; `--verbose` adds durations and the
 * total there too. `--quiet` leaves warnings only.
 *
 * A run that waits for the migration lock says so after a second (`Waiting for the
 * migration lock, held by pid 4242 on build-7 …`): on a terminal with the time waited,
 * redrawn each second; elsewhere as one line, and another when the lock is taken.
 *
 * ### Examples
 * ```ts
 * const progress = new Progress(process.stderr, { paint: painterFor(process.stderr) });
 * const env = createEnvironment(config, { adapters, onEvent: (event) => progress.handle(event) });
 * try { await upgrade(env, { target: 'head' }); progress.finish({ failed: false }); }
 * catch (error) { progress.finish({ failed: true }); throw error; }
 * ```
 */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #verbose: boolean;
  readonly #quiet: boolean;
  readonly #paint: Paint;
  readonly #live: boolean;
  readonly #now: () => number;
  readonly #every: (ms: number, tick: () => void) => () => void;
  readonly #startedAt: number;
  readonly #done: StepInfo['direction'][] = [];
  #running: { step: StepInfo; startedAt: number; stopTicking: () => void } | undefined;
  /** A wait for the migration lock on screen: its line, redrawn with the time waited. */
  #waiting: { line: string; startedAt: number; stopTicking: () => void } | undefined;
  #finished = false;

  constructor(stream: ProgressStream, options: ProgressOptions = {}) {
    this.#stream = stream;
    this.#verbose = options.verbose ?? false;
    this.#quiet = options.quiet ?? false;
    this.#paint = options.paint ?? plain;
    this.#live = options.live ?? isLiveTerminal(stream);
    this.#now = options.now ?? (() => performance.now());
    this.#every = options.every ?? everyInterval;
    this.#startedAt = this.#now();
  }

  /** Shows one event. */
  handle(event: MigrationEvent): void {
    if (event.type === 'warning') return this.#warn(event.message);
    if (event.type === 'lock-wait' || event.type === 'lock-acquired') return this.#lockWait(event);
    if (this.#quiet) {
      if (event.type === 'step-end') this.#done.push(event.step.direction);
      return;
    }
    if (!this.#live) {
      if (event.type === 'step-end') this.#done.push(event.step.direction);
      const line = formatEvent(event, { verbose: this.#verbose, paint: this.#paint });
      if (line !== undefined) this.#stream.write(`${line}\n`);
      return;
    }
    if (event.type === 'step-start') {
      this.#endRunning(undefined);
      const startedAt = this.#now();
      this.#running = { step: event.step, startedAt, stopTicking: this.#every(TICK_MS, () => this.#redraw()) };
      this.#redraw();
    } else {
      this.#done.push(event.step.direction);
      this.#endRunning(event.durationMs);
    }
  }

  /**
   * Ends the output: completes a step still on screen (it failed when `failed`) and,
   * after a run that changed something, prints the total on a terminal or with
   * `--verbose`. Call it once the command is over; later calls do nothing.
   */
  finish(outcome: { readonly failed: boolean }): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#waiting) {
      const elapsed = this.#now() - this.#waiting.startedAt;
      this.#waiting.stopTicking();
      this.#stream.write(`${CLEAR_LINE}${this.#waiting.line} ${this.#paint('red', `(stopped after ${formatDuration(elapsed)})`)}\n`);
      this.#waiting = undefined;
    }
    if (this.#running) {
      const elapsed = this.#now() - this.#running.startedAt;
      this.#running.stopTicking();
      this.#stream.write(`${CLEAR_LINE}${formatStepFailed(this.#running.step, elapsed, this.#paint)}\n`);
      this.#running = undefined;
    }
    if (outcome.failed || this.#quiet || this.#done.length === 0) return;
    if (this.#live || this.#verbose) {
      this.#stream.write(`${formatTotal(this.#done, this.#now() - this.#startedAt, this.#paint)}\n`);
    }
  }

  #warn(message: string): void {
    const line = `${formatWarning(message, this.#paint)}\n`;
    if (!this.#running && !this.#waiting) {
      this.#stream.write(line);
      return;
    }
    // Above the running step (or the wait for the lock), which is drawn again below it.
    this.#stream.write(CLEAR_LINE + line);
    this.#redraw();
    this.#redrawWait();
  }

  /**
   * A wait for the migration lock: on a terminal, one line with the time waited, redrawn
   * each second and completed when the lock is taken; elsewhere a line when the wait is
   * reported (again if the holder changes) and one when it ends.
   */
  #lockWait(event: Extract<MigrationEvent, { type: 'lock-wait' | 'lock-acquired' }>): void {
    if (this.#quiet) return;
    if (!this.#live) {
      const line = formatEvent(event, { paint: this.#paint });
      if (line !== undefined) this.#stream.write(`${line}\n`);
      return;
    }
    const waiting = this.#waiting;
    if (event.type === 'lock-wait') {
      if (waiting) waiting.line = formatLockWait(event);
      else this.#waiting = { line: formatLockWait(event), startedAt: this.#now() - event.waitedMs, stopTicking: this.#every(TICK_MS, () => this.#redrawWait()) };
      this.#redrawWait();
      return;
    }
    if (!waiting) return;
    waiting.stopTicking();
    this.#waiting = undefined;
    this.#stream.write(`${CLEAR_LINE}${waiting.line} ${this.#paint('dim', `(took it after ${formatDuration(event.waitedMs)})`)}\n`);
  }

  #redrawWait(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#drawLive(waiting.line, waiting.line, ` … ${formatDuration(this.#now() - waiting.startedAt)}`);
  }

  #endRunning(durationMs: number | undefined): void {
    const running = this.#running;
    if (!running) return;
    running.stopTicking();
    this.#running = undefined;
    const duration = durationMs ?? this.#now() - running.startedAt;
    this.#stream.write(`${CLEAR_LINE}${formatStepDone(running.step, duration, this.#paint)}\n`);
  }

  #redraw(): void {
    const running = this.#running;
    if (!running) return;
    const elapsed = this.#now() - running.startedAt;
    const timer = elapsed >= SHOW_ELAPSED_AFTER_MS ? ` … ${formatDuration(elapsed)}` : ' …';
    this.#drawLive(formatStepLine(running.step), formatStepLine(running.step, this.#paint), timer);
  }

  /** Draws `line` (`painted` when it fits) and `timer` over the current line, cut to the terminal's width. */
  #drawLive(line: string, painted: string, timer: string): void {
    // A line longer than the terminal wraps, and `\r` could then only clear its last row.
    const width = (this.#stream.columns ?? 0) > 0 ? this.#stream.columns! - 1 : Number.POSITIVE_INFINITY;
    const fits = line.length + timer.length <= width;
    const shown = fits ? painted : truncate(line, width - timer.length);
    this.#stream.write(`${CLEAR_LINE}${shown}${this.#paint('dim', timer)}`);
  }
}

function truncate(text: string, width: number): string {
  if (width <= 1) return '';
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function everyInterval(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}
