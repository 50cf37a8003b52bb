import type { FleetEvent, FleetReport, FleetStatus, TargetOutcome } from '@cloudguard/migrate-core';
import { formatDuration } from './steps.js';
import { plain, type Paint } from './style.js';

/** Where the fleet's progress goes. */
export interface FleetProgressOutput {
  /** One line on stderr (a target's end, a wave). */
  line(text: string): void;
  /** One line on stderr that `--quiet` does not silence (a failed target, a warning, why the fleet stopped); `line` when absent. */
  important?: ((text: string) => void) | undefined;
  /** Raw text on stderr, for the live line redrawn in place; absent when stderr is no terminal. */
  live?: ((text: string) => void) | undefined;
}

const CLEAR_LINE = '\r\u001B[2K';
/** Redraw the live line at most this often. */
const REDRAW_MS = 100;

/**
 * Shows a fleet run as it goes. On a terminal: one live line (`42/300 done · 1 failed ·
 * 16 running · 242 left · 3.1 s · 13.5/s`), with each failure and wave printed above it.
 * Elsewhere (CI logs): one line per target as it ends, and the waves. With `quiet`,
 * only failures.
 */
export class FleetProgress {
  readonly #output: FleetProgressOutput;
  readonly #paint: Paint;
  readonly #quiet: boolean;
  readonly #verbose: boolean;
  readonly #started = performance.now();
  #total = 0;
  #done = 0;
  #failed = 0;
  #running = 0;
  #drawnAt = 0;
  #shown = false;
  readonly #warned = new Set<string>();

  constructor(output: FleetProgressOutput, options: { readonly paint?: Paint | undefined; readonly quiet?: boolean | undefined; readonly verbose?: boolean | undefined } = {}) {
    this.#output = output;
    this.#paint = options.paint ?? plain;
    this.#quiet = options.quiet === true;
    this.#verbose = options.verbose === true;
  }

  readonly handle = (event: FleetEvent): void => {
    switch (event.type) {
      case 'fleet-start':
        this.#total = event.total;
        if (event.waves.length > 1) this.#print(`Fleet of ${event.total} targets in ${event.waves.length} waves (${event.waves.join(', ')})`);
        break;
      case 'wave-start':
        if (this.#verbose) this.#print(`Wave ${event.wave}: ${event.size} target${event.size === 1 ? '' : 's'}`);
        break;
      case 'target-start':
        this.#running++;
        break;
      case 'target-event':
        if (event.event.type === 'warning') this.#warn(event.name, event.event.message);
        break;
      case 'target-end':
        this.#running--;
        if (event.outcome.status !== 'skipped') this.#done++;
        if (event.outcome.status === 'failed' || event.outcome.status === 'interrupted') {
          this.#failed++;
          this.#print(formatFailedTarget(event.outcome, this.#paint), true);
        } else if (!this.#output.live || this.#verbose) {
          this.#print(formatTargetLine(event.outcome));
        }
        break;
      case 'wave-end':
        break;
      case 'fleet-stopped':
        this.#print(
          event.reason === 'interrupted'
            ? `Interrupted in wave ${event.wave}: the targets running were rolled back; no other target starts.`
            : `Stopping: wave ${event.wave} has more failed targets than --max-failures allows; no other target starts.`,
          true,
        );
        break;
    }
    this.#drawLive();
  };

  /**
   * A target's warning, once per fleet: the same lint finding or edited migration on 300
   * targets is one line, naming the first target it was seen on (all of them with `--verbose`).
   */
  #warn(name: string, message: string): void {
    if (this.#verbose) {
      this.#print(`[${name}] Warning: ${message}`, true);
      return;
    }
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#print(`Warning: ${message} (on ${name}; each warning is shown once per fleet, --verbose shows it per target)`, true);
  }

  /** Clears the live line; call once the run ended. */
  finish(): void {
    if (this.#shown && this.#output.live) this.#output.live(CLEAR_LINE);
    this.#shown = false;
  }

  #print(text: string, always = false): void {
    if (this.#quiet && !always) return;
    if (this.#shown && this.#output.live) this.#output.live(CLEAR_LINE);
    this.#shown = false;
    if (always && this.#output.important) this.#output.important(text);
    else this.#output.line(text);
  }

  /** Redraws the live line, at most every {@link REDRAW_MS}, and always once every target is done. */
  #drawLive(): void {
    if (!this.#output.live || this.#quiet) return;
    const now = performance.now();
    if (now - this.#drawnAt < REDRAW_MS && this.#done < this.#total) return;
    this.#drawnAt = now;
    const elapsedMs = now - this.#started;
    const rate = this.#done / Math.max(elapsedMs / 1000, 0.001);
    const left = Math.max(0, this.#total - this.#done - this.#running);
    const failed = this.#failed > 0 ? this.#paint('red', `${this.#failed} failed`) : '0 failed';
    this.#output.live(`${CLEAR_LINE}${this.#done}/${this.#total} done · ${failed} · ${this.#running} running · ${left} left · ${formatDuration(elapsedMs)} · ${rate.toFixed(1)}/s`);
    this.#shown = true;
  }
}

/** `[tenants/acme.db] 1a2b3c -> 9f8e7d (20 steps, 35 ms)` */
export function formatTargetLine(outcome: TargetOutcome): string {
  const to = outcome.revisions === undefined ? '?' : outcome.revisions.length === 0 ? 'base' : outcome.revisions.join(', ');
  const from = outcome.from === undefined ? '' : `${outcome.from.length === 0 ? 'base' : outcome.from.join(', ')} -> `;
  const steps = outcome.steps === undefined ? '' : `${outcome.steps} step${outcome.steps === 1 ? '' : 's'}, `;
  return `[${outcome.name}] ${from}${to} (${steps}${formatDuration(outcome.durationMs)})`;
}

/** `tenants/acme.db<TAB>9f8e7d`: a target and the revisions it is at (`base`), or why they are unknown (`(DATABASE_ERROR)`). */
export function formatTargetRevisions(name: string, revisions: readonly string[] | undefined, unknownBecause: string): string {
  return `${name}\t${revisions === undefined ? `(${unknownBecause})` : revisions.join(', ') || 'base'}`;
}

/** `[tenants/acme.db] FAILED MIGRATION_FAILED: …` */
export function formatFailedTarget(outcome: TargetOutcome, paint: Paint = plain): string {
  if (outcome.status === 'interrupted') return `[${outcome.name}] ${paint('yellow', 'INTERRUPTED')}: ${outcome.error?.message ?? ''}`;
  return `[${outcome.name}] ${paint('red', 'FAILED')} ${outcome.error?.code ?? ''}: ${outcome.error?.message ?? ''}`;
}

/** The run's closing lines: the counts, and the targets that did not succeed. */
export function formatFleetSummary(report: FleetReport, options: { readonly reportFile?: string | undefined } = {}): string {
  const { summary } = report;
  const parts = [`${summary.succeeded} succeeded`, `${summary.failed} failed`];
  if (summary.interrupted > 0) parts.push(`${summary.interrupted} interrupted`);
  if (summary.skipped > 0) parts.push(`${summary.skipped} skipped`);
  const lines = [`Fleet ${report.command}${report.argument ? ` ${report.argument}` : ''}: ${summary.total} target${summary.total === 1 ? '' : 's'}, ${parts.join(', ')} in ${formatDuration(report.durationMs)}.`];
  if (options.reportFile !== undefined) lines.push(`Report written to ${options.reportFile}${summary.total - summary.succeeded > 0 ? `; resume the others with --only-failed ${options.reportFile}` : ''}.`);
  return lines.join('\n');
}

/** `fleet status`: the revision × target matrix. */
export function formatFleetStatus(status: FleetStatus, options: { readonly verbose?: boolean | undefined; readonly lastRunsFrom?: string | undefined } = {}): string {
  const heads = status.heads.length === 0 ? 'none' : status.heads.join(', ');
  const lines = [`${status.total} target${status.total === 1 ? '' : 's'}; head: ${heads}`, ''];
  const width = Math.max(8, ...status.revisions.map((group) => label(group.revisions).length));
  lines.push(`${'REVISION'.padEnd(width)}  TARGETS  STATE`);
  for (const group of status.revisions) {
    lines.push(`${label(group.revisions).padEnd(width)}  ${String(group.count).padStart(7)}  ${group.atHead ? 'at head' : 'behind'}`);
  }
  if (status.unreadable.length > 0) lines.push(`${'(unread)'.padEnd(width)}  ${String(status.unreadable.length).padStart(7)}  could not be read`);
  const limit = options.verbose ? Infinity : 10;
  const list = (names: readonly string[]): string => names.slice(0, limit).join(', ') + (names.length > limit ? `, and ${names.length - limit} more (--verbose lists all)` : '');
  if (status.behind.length > 0) lines.push('', `Behind (${status.behind.length}): ${list(status.behind)}`);
  if (status.unreadable.length > 0) {
    lines.push('', `Could not be read (${status.unreadable.length}):`);
    for (const state of status.targets.filter((target) => !target.revisions).slice(0, limit)) lines.push(`  ${state.name}: ${state.error?.code ?? ''} ${state.error?.message ?? ''}`);
  }
  if (status.failedLastTime.length > 0) {
    lines.push('', `Failed last time${options.lastRunsFrom ? ` (${options.lastRunsFrom})` : ''} (${status.failedLastTime.length}):`);
    for (const state of status.targets.filter((target) => target.last && target.last.status !== 'succeeded').slice(0, limit)) {
      lines.push(`  ${state.name}: ${state.last!.status}${state.last!.error ? ` ${state.last!.error.code} ${state.last!.error.message}` : ''}`);
    }
  }
  return lines.join('\n');
}

function label(revisions: readonly string[]): string {
  return revisions.length === 0 ? 'base' : revisions.join(', ');
}
