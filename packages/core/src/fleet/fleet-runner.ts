import { redactSecrets } from '../adapter/database-url.js';
import { isMigrateError } from '../errors.js';
import type { MigrationEvent } from '../runtime/events.js';
import { describeTarget, targetHost, type FleetTarget } from './fleet-target.js';
import { splitIntoWaves, type WaveSize } from './waves.js';

/**
 * How one target ended:
 * - `succeeded`: the command did what it was asked (for `check`, `verify` and `lint`: found nothing wrong);
 * - `failed`: it threw or found a problem; `error` says which;
 * - `interrupted`: the run was stopped (Ctrl-C, the signal) while the target ran: its
 *   transaction was rolled back as in a single run (`error.code` `INTERRUPTED`);
 * - `skipped`: it never started, because a wave passed `maxFailures` or the run was stopped.
 */
export type TargetStatus = 'succeeded' | 'failed' | 'interrupted' | 'skipped';

/** A target's error, as data: its stable code and its message (credentials masked). */
export interface TargetError {
  readonly code: string;
  readonly message: string;
}

/** What a task reports for a target it finished. */
export interface TargetWork {
  /**
   * The revisions the target is at after the command (for `current`, `check`, `verify`,
   * `lint`: the ones it is at); absent when they could not be read after a failure.
   */
  readonly revisions?: readonly string[] | undefined;
  /**
   * The command failed with this error: the target is `failed` (or `interrupted`), and
   * `revisions` says where the failure left it. A task may throw instead, when it cannot
   * tell where the target is.
   */
  readonly failure?: unknown;
  /** The revisions it was at before a command that changes it. */
  readonly from?: readonly string[] | undefined;
  /** How many migrations (or stamps) ran. */
  readonly steps?: number | undefined;
  /** The command found a problem without throwing (`check` not ok, a lint error): the target failed with it. */
  readonly problem?: TargetError | undefined;
}

/** One target's line of a fleet report. */
export interface TargetOutcome {
  readonly name: string;
  /** Where it is: the URL with credentials masked, `#schema` for a schema target. */
  readonly target: string;
  readonly status: TargetStatus;
  /** Its revisions after the command; absent when they could not be read. */
  readonly revisions?: readonly string[] | undefined;
  readonly from?: readonly string[] | undefined;
  readonly steps?: number | undefined;
  /** Wall time of the target's command, in milliseconds; 0 when skipped. */
  readonly durationMs: number;
  /** The wave it belonged to, from 1. */
  readonly wave: number;
  readonly error?: TargetError | undefined;
}

/** What a fleet run reports as it goes. */
export type FleetEvent =
  | { readonly type: 'fleet-start'; readonly total: number; readonly waves: readonly number[] }
  | { readonly type: 'wave-start'; readonly wave: number; readonly size: number }
  | { readonly type: 'target-start'; readonly name: string; readonly wave: number }
  /** An event of the single-database run of one target (a step, a lock wait, a warning). */
  | { readonly type: 'target-event'; readonly name: string; readonly event: MigrationEvent }
  | { readonly type: 'target-end'; readonly outcome: TargetOutcome }
  | { readonly type: 'wave-end'; readonly wave: number; readonly failed: number }
  | { readonly type: 'fleet-stopped'; readonly reason: FleetStopReason; readonly wave: number };

/** Why a fleet stopped before every target ran. */
export type FleetStopReason = 'max-failures' | 'interrupted';

/** What one target's task gets. */
export interface TargetTaskContext {
  /** Fires when the fleet is interrupted: the task stops and rolls back as a single run does. */
  readonly signal: AbortSignal;
  /** The events of the target's run, forwarded as `target-event`s. */
  readonly onEvent: (event: MigrationEvent) => void;
}

/** Runs the command on one target. */
export type TargetTask = (target: FleetTarget, context: TargetTaskContext) => Promise<TargetWork>;

/** How {@link runFleet} schedules. */
export interface FleetScheduleOptions {
  /** Targets running at once. Default {@link DEFAULT_FLEET_CONCURRENCY}. */
  readonly concurrency?: number | undefined;
  /** Targets running at once on one server (`scheme://host:port`; SQLite files count as one host `local`). Default: no limit beyond `concurrency`. */
  readonly perHost?: number | undefined;
  /** Wave sizes, in order (`[{ count: 1 }, { percent: 10 }, 'rest']`); targets left over form a last wave. Default: one wave. */
  readonly waves?: readonly WaveSize[] | undefined;
  /**
   * A wave whose failures pass this count stops the fleet: no target of it or of a later
   * wave starts any more (those running finish). Default: `0` with waves (one failure
   * stops a roll-out), none without.
   */
  readonly maxFailures?: number | undefined;
  /** Stops the fleet: targets running are interrupted (rolled back), the rest skipped. */
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: ((event: FleetEvent) => void) | undefined;
}

/** What {@link runFleet} did. */
export interface FleetRunResult {
  /** One entry per target, in the fleet's order. */
  readonly targets: readonly TargetOutcome[];
  /** Why the fleet stopped early; absent when every target ran. */
  readonly stopped?: { readonly reason: FleetStopReason; readonly wave: number } | undefined;
  readonly durationMs: number;
}

/** Targets that run at once by default: enough to hide network round trips, few enough for any server's connection limit. */
export const DEFAULT_FLEET_CONCURRENCY = 8;

/**
 * Runs `task` on every target: `concurrency` at once (at most `perHost` on one server),
 * wave after wave. A target that fails does not stop the others, unless its wave's
 * failures pass `maxFailures`. Never throws for a target's failure: each one is an
 * outcome with its error's code and message (credentials of its URL masked).
 */
export async function runFleet(targets: readonly FleetTarget[], task: TargetTask, options: FleetScheduleOptions = {}): Promise<FleetRunResult> {
  const started = performance.now();
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_FLEET_CONCURRENCY);
  const perHost = Math.max(1, options.perHost ?? concurrency);
  const maxFailures = options.maxFailures ?? (options.waves && options.waves.length > 0 ? 0 : Infinity);
  const emit = options.onEvent ?? (() => {});
  const waves = splitIntoWaves(targets, options.waves ?? []);
  const outcomes = new Map<string, TargetOutcome>();
  const interruption = new AbortController();
  const onAbort = (): void => interruption.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  emit({ type: 'fleet-start', total: targets.length, waves: waves.map((wave) => wave.length) });
  let stopped: FleetRunResult['stopped'];
  try {
    for (const [index, wave] of waves.entries()) {
      const number = index + 1;
      if (stopped) {
        for (const target of wave) outcomes.set(target.name, skipped(target, number));
        continue;
      }
      emit({ type: 'wave-start', wave: number, size: wave.length });
      const failed = await runWave(wave, number, task, { concurrency, perHost, maxFailures, signal: interruption.signal, emit, outcomes });
      emit({ type: 'wave-end', wave: number, failed });
      const skippedHere = wave.some((target) => outcomes.get(target.name)?.status === 'skipped');
      const targetsLeft = skippedHere || index < waves.length - 1;
      if (interruption.signal.aborted) stopped = { reason: 'interrupted', wave: number };
      else if (failed > maxFailures && targetsLeft) stopped = { reason: 'max-failures', wave: number };
      if (stopped) emit({ type: 'fleet-stopped', ...stopped });
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return {
    targets: targets.map((target) => outcomes.get(target.name) ?? skipped(target, 0)),
    ...(stopped ? { stopped } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

interface WaveRun {
  readonly concurrency: number;
  readonly perHost: number;
  readonly maxFailures: number;
  readonly signal: AbortSignal;
  readonly emit: (event: FleetEvent) => void;
  readonly outcomes: Map<string, TargetOutcome>;
}

/** Runs one wave; resolves with its failure count once every target it started has ended. */
function runWave(wave: readonly FleetTarget[], number: number, task: TargetTask, run: WaveRun): Promise<number> {
  const pending = [...wave];
  const runningPerHost = new Map<string, number>();
  let running = 0;
  let failed = 0;
  return new Promise((resolve) => {
    const stopStarting = (): boolean => run.signal.aborted || failed > run.maxFailures;
    const launch = (): void => {
      if (stopStarting()) {
        for (const target of pending.splice(0)) run.outcomes.set(target.name, skipped(target, number));
      }
      for (let index = 0; index < pending.length && running < run.concurrency; ) {
        const target = pending[index]!;
        const host = targetHost(target);
        const onHost = runningPerHost.get(host) ?? 0;
        if (onHost >= run.perHost) {
          index++;
          continue;
        }
        pending.splice(index, 1);
        running++;
        runningPerHost.set(host, onHost + 1);
        void runTarget(target, number, task, run).then((outcome) => {
          run.outcomes.set(target.name, outcome);
          if (outcome.status === 'failed') failed++;
          running--;
          runningPerHost.set(host, (runningPerHost.get(host) ?? 1) - 1);
          run.emit({ type: 'target-end', outcome });
          launch();
        });
      }
      if (running === 0 && pending.length === 0) resolve(failed);
    };
    launch();
  });
}

async function runTarget(target: FleetTarget, wave: number, task: TargetTask, run: WaveRun): Promise<TargetOutcome> {
  run.emit({ type: 'target-start', name: target.name, wave });
  const started = performance.now();
  const base = { name: target.name, target: describeTarget(target), wave };
  try {
    const work = await task(target, { signal: run.signal, onEvent: (event) => run.emit({ type: 'target-event', name: target.name, event }) });
    const durationMs = Math.round(performance.now() - started);
    const fields = {
      ...base,
      ...(work.revisions ? { revisions: work.revisions } : {}),
      ...(work.from ? { from: work.from } : {}),
      ...(work.steps === undefined ? {} : { steps: work.steps }),
      durationMs,
    };
    if (work.failure !== undefined) {
      const described = describeError(work.failure, target);
      return { ...fields, status: described.code === 'INTERRUPTED' ? 'interrupted' : 'failed', error: described };
    }
    if (work.problem) return { ...fields, status: 'failed', error: { code: work.problem.code, message: redactSecrets(work.problem.message, [target.url]) } };
    return { ...fields, status: 'succeeded' };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    const described = describeError(error, target);
    const status: TargetStatus = described.code === 'INTERRUPTED' ? 'interrupted' : 'failed';
    const heads = (error as { heads?: unknown }).heads;
    return { ...base, status, ...(Array.isArray(heads) ? { revisions: heads as string[] } : {}), durationMs, error: described };
  }
}

function skipped(target: FleetTarget, wave: number): TargetOutcome {
  return { name: target.name, target: describeTarget(target), status: 'skipped', durationMs: 0, wave };
}

/** An error as a report shows it: cgmigrate's code, else the driver's (`ECONNREFUSED`), else `ERROR`. */
export function describeError(error: unknown, target: Pick<FleetTarget, 'url'>): TargetError {
  const code = isMigrateError(error) ? error.code : typeof (error as { code?: unknown })?.code === 'string' ? String((error as { code: string }).code) : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return { code, message: redactSecrets(message, [target.url]) };
}
