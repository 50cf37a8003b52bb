import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  DEFAULT_FLEET_CONCURRENCY,
  describeError,
  FleetOptionsInvalidError,
  fleetTask,
  preloadScripts,
  runFleet,
  FleetScriptsMismatchError,
  TargetUnknownError,
  type FleetCommand,
  type FleetCommandName,
  type FleetTarget,
  type MigrationEnvironment,
  type MigrationEvent,
  type TargetOutcome,
  type TargetTask,
} from '@cloudguard/migrate-core';
import type { JobHelpers, WorkerEvents, WorkerPool } from 'graphile-worker';

import { ControlDatabase } from './control-database.js';
import { parseFleetJob } from './fleet-job.js';
import { loadGraphileWorker, queueOptions, type QueueLogLine } from './graphile-queue.js';
import { FLEET_TASK } from './queue-layout.js';
import { countRunnableJobs } from './queue-summary.js';
import { ensureResultsTable, writeResult } from './results-table.js';
import { isTransientFailure } from './retry-policy.js';
import { releaseDeadWorkers, WorkerLiveness } from './worker-liveness.js';

/** Options of {@link runFleetWorker}. */
export interface FleetWorkerOptions {
  /** The control database (PostgreSQL) whose queue `enqueueFleet` filled; it may carry a password, which is never printed. */
  readonly controlUrl: string;
  /** The environment every target's command runs in (config, adapters); the scripts are read once, at start. */
  readonly env: MigrationEnvironment;
  /** This worker's targets: how it finds a job's target (by name) and its URL. A job naming another target fails with `TARGET_UNKNOWN`. */
  readonly targets: readonly FleetTarget[];
  /** Jobs (targets) this worker runs at once. Default {@link DEFAULT_FLEET_CONCURRENCY}. */
  readonly concurrency?: number | undefined;
  /**
   * Stops the worker: it takes no more jobs, the targets running are interrupted (their
   * transactions roll back) and their jobs go back to the queue for another worker.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Stop once the queue holds no fleet job any worker could still run (none waiting, none
   * waiting for a retry, none held by a worker, live or dead, with attempts left), after
   * the jobs running here ended. Default: run until `signal`.
   */
  readonly untilEmpty?: boolean | undefined;
  /** How often (ms) an idle worker looks for jobs that became due (retries) and, with `untilEmpty`, whether the queue is empty. Default 2000. */
  readonly pollInterval?: number | undefined;
  /** How often (ms) it looks for workers that died holding jobs, and releases those jobs. Default 5000. */
  readonly recoveryInterval?: number | undefined;
  /** How the results name this worker. Default `<host name>:<pid>`. */
  readonly workerName?: string | undefined;
  readonly onEvent?: ((event: FleetWorkerEvent) => void) | undefined;
}

/** Why a worker stopped. */
export type FleetWorkerStopReason = 'signal' | 'empty';

/** What a worker reports as it goes. */
export type FleetWorkerEvent =
  /** It holds its liveness lock and takes jobs. `workerId` is what the queue's `locked_by` shows. */
  | { readonly type: 'worker-start'; readonly workerId: string; readonly worker: string; readonly concurrency: number }
  | { readonly type: 'target-start'; readonly name: string; readonly attempt: number; readonly maxAttempts: number }
  /** An event of the target's single-database run (a step, a lock wait, a warning). */
  | { readonly type: 'target-event'; readonly name: string; readonly event: MigrationEvent }
  /** An attempt ended; `retrying`: its job went back to the queue for another attempt. */
  | { readonly type: 'target-end'; readonly outcome: TargetOutcome; readonly attempt: number; readonly maxAttempts: number; readonly retrying: boolean }
  /** Workers found dead while holding jobs; their jobs are available again. */
  | { readonly type: 'workers-released'; readonly workers: readonly string[] }
  /** A line of graphile-worker's log, or a sweep that failed (and is tried again). */
  | { readonly type: 'queue-log'; readonly line: QueueLogLine }
  | { readonly type: 'worker-stopping'; readonly reason: FleetWorkerStopReason };

/** What a worker did, once stopped. */
export interface FleetWorkerResult {
  /** graphile-worker's id of this worker (its jobs' `locked_by`). */
  readonly workerId: string;
  /** The name the results give it. */
  readonly worker: string;
  readonly stopped: FleetWorkerStopReason;
  /** Attempts that succeeded. */
  readonly succeeded: number;
  /** Targets that failed for good: a failure that would happen again, or the last attempt of one that might not. */
  readonly failed: number;
  /** Attempts whose jobs went back to the queue. */
  readonly retried: number;
  /** Dead workers whose jobs this worker released. */
  readonly released: readonly string[];
  readonly durationMs: number;
}

/** What a job throws to go back to the queue: its message is graphile-worker's `last_error`, credentials masked. */
class FleetJobRetry extends Error {
  constructor(outcome: TargetOutcome) {
    super(outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : `${outcome.status}: the worker is stopping`);
    this.name = 'FleetJobRetry';
  }
}

/**
 * Runs fleet jobs from the control database's queue until `signal` aborts (or, with
 * `untilEmpty`, until none is left): a worker of `cgmigrate fleet work`. Any number of
 * workers, on any machines, can serve one queue.
 *
 * Each job runs its command on its target exactly as `runFleet` would (core's
 * `fleetTask`, the scripts read once): the target's own connection, migration lock
 * and transactions, so two workers never migrate one target at once and a worker killed
 * mid-target leaves it as its last commit left it. Each attempt's outcome goes to
 * `cgmigrate_fleet.results` (message redacted). A failure that may pass (see
 * {@link isTransientFailure}: unreachable, lock timeout, interrupted) sends the job back
 * to the queue, retried after graphile-worker's back-off until its attempts run out; a
 * failure that would happen again is recorded and the job completes.
 *
 * A worker holds a liveness lock on the control database (see {@link WorkerLiveness})
 * and, every `recoveryInterval`, releases the jobs of workers whose lock is free: a
 * worker that died mid-target has its job retried within seconds, not graphile-worker's
 * 4 hours.
 *
 * Installs no signal handler (the caller owns the process): abort `signal` on SIGTERM.
 *
 * ### Examples
 * ```ts
 * const targets = await selectFleetTargets(env, { targets: 'postgresql://db/app#tenant_*' });
 * const controller = new AbortController();
 * process.once('SIGTERM', () => controller.abort());
 * const result = await runFleetWorker({ controlUrl, env, targets, concurrency: 4, signal: controller.signal });
 * ```
 * @throws {FleetOptionsInvalidError} for a concurrency or interval below 1.
 * @throws {DatabaseError} when the control database cannot be reached, or the worker's
 *   session on it ended while it ran (its jobs may then be released to others: it stops,
 *   interrupting the targets it was running).
 * @throws {InvalidUrlError} when `controlUrl` is not a PostgreSQL URL.
 */
export async function runFleetWorker(options: FleetWorkerOptions): Promise<FleetWorkerResult> {
  const concurrency = positive(options.concurrency ?? DEFAULT_FLEET_CONCURRENCY, '--concurrency');
  const pollInterval = positive(options.pollInterval ?? 2000, 'pollInterval');
  const recoveryInterval = positive(options.recoveryInterval ?? 5000, 'recoveryInterval');
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  const worker = options.workerName ?? `${hostname()}:${process.pid}`;
  const db = new ControlDatabase(options.controlUrl);
  const preloaded = await preloadScripts(options.env);
  const tasks = new CommandTasks({ ...options.env, preloaded });
  const workerHeads = preloaded.scripts.map.heads;
  const byName = new Map(options.targets.map((target) => [target.name, target]));
  const counts = { succeeded: 0, failed: 0, retried: 0 };
  const released: string[] = [];

  // `interrupt` stops the targets running (a signal, the liveness session lost); `stop` only ends the loop below.
  const interrupt = new AbortController();
  const stop = new AbortController();
  let stopped: FleetWorkerStopReason | undefined;
  let lost: Error | undefined;
  let failure: unknown;
  let workerId: string | undefined;
  const requestStop = (reason: FleetWorkerStopReason, interrupting: boolean): void => {
    if (interrupting && !interrupt.signal.aborted) interrupt.abort();
    if (stopped !== undefined) return;
    stopped = reason;
    emit({ type: 'worker-stopping', reason });
    stop.abort();
  };
  const onSignal = (): void => requestStop('signal', true);
  if (options.signal?.aborted) onSignal();
  options.signal?.addEventListener('abort', onSignal, { once: true });

  const graphile = await loadGraphileWorker();
  // The queue's own sessions (graphile-worker's LISTEN, job fetches and completions), one per job for its result, one for the sweeps.
  const pool = await db.openPool(concurrency + 3);
  let liveness: WorkerLiveness | undefined;
  try {
    await ensureResultsTable(pool);
    liveness = await WorkerLiveness.open(db, (error) => {
      lost = error;
      requestStop('signal', true);
    });
    const live = liveness;

    const runJob = async (payload: unknown, helpers: JobHelpers): Promise<void> => {
      const attempt = helpers.job.attempts;
      const maxAttempts = helpers.job.max_attempts;
      const job = parseFleetJob(payload);
      const target = byName.get(job.name);
      emit({ type: 'target-start', name: job.name, attempt, maxAttempts });
      let thrown: unknown;
      let outcome: TargetOutcome;
      if (target === undefined) {
        outcome = { name: job.name, target: job.name, status: 'failed', durationMs: 0, wave: 1, error: describeError(new TargetUnknownError(job.name), { url: '' }) };
      } else if (job.heads !== undefined && !sameHeads(job.heads, workerHeads)) {
        thrown = new FleetScriptsMismatchError(job.heads, workerHeads);
        outcome = { name: job.name, target: job.name, status: 'failed', durationMs: 0, wave: 1, error: describeError(thrown, target) };
      } else {
        const task = tasks.of(job.command);
        const run = await runFleet(
          [target],
          async (each, context) => {
            try {
              const work = await task(each, context);
              // A failure the task returns (with where it left the target) counts as thrown, for the retry policy.
              if (work.failure !== undefined) thrown = work.failure;
              return work;
            } catch (error) {
              thrown = error;
              throw error;
            }
          },
          {
            concurrency: 1,
            signal: AbortSignal.any([interrupt.signal, helpers.abortSignal]),
            onEvent: (event) => {
              if (event.type === 'target-event') emit(event);
            },
          },
        );
        outcome = run.targets[0]!;
      }
      const retry = isTransientFailure(outcome, thrown);
      // Stopped before it started: back to the queue, nothing to record.
      if (outcome.status === 'skipped') throw new FleetJobRetry(outcome);
      const retrying = retry && attempt < maxAttempts;
      await writeResult(pool, {
        name: outcome.name,
        runId: job.runId,
        command: job.command.command,
        status: outcome.status,
        revisions: outcome.revisions,
        from: outcome.from,
        steps: outcome.steps,
        error: outcome.error,
        durationMs: outcome.durationMs,
        attempt,
        maxAttempts,
        retrying,
        worker,
      });
      if (outcome.status === 'succeeded') counts.succeeded++;
      else if (retrying) counts.retried++;
      else counts.failed++;
      emit({ type: 'target-end', outcome, attempt, maxAttempts, retrying });
      // On its last attempt too: graphile-worker then keeps the job as failed for good, which the queue summary counts.
      if (retry) throw new FleetJobRetry(outcome);
    };

    const events = new EventEmitter() as WorkerEvents;
    let workerPool: WorkerPool | undefined;
    // Emitted synchronously as the pool is made, before its workers ask for a job.
    events.on('pool:create', ({ workerPool: created }) => {
      workerPool = created;
      live.hold(created.id);
    });
    const log = (line: QueueLogLine): void => {
      // A job's failure is reported by its target-end event already; graphile-worker's line (with our stack) repeats it.
      const repeat = line.level === 'error' && line.message.startsWith('Failed task ');
      emit({ type: 'queue-log', line: repeat ? { level: 'debug', message: line.message } : line });
    };
    const runner = await graphile.run(
      {
        ...queueOptions(graphile, pool, log),
        concurrency,
        pollInterval,
        noHandleSignals: true,
        events,
        // Asked before every job fetch: no job is taken unless the liveness lock is held.
        forbiddenFlags: async () => {
          await live.ready();
          return null;
        },
        taskList: { [FLEET_TASK]: runJob },
      },
      undefined,
      // No cron items: graphile-worker would otherwise read a `crontab` file from the working directory.
      [],
    );
    const runnerDone = runner.promise.catch((error: unknown) => {
      failure ??= error;
      requestStop('signal', true);
    });
    try {
      await live.ready();
      workerId = live.workerId ?? '';
      emit({ type: 'worker-start', workerId, worker, concurrency });
      let recoveredAt = -Infinity;
      while (stopped === undefined) {
        try {
          await live.check();
          if (performance.now() - recoveredAt >= recoveryInterval) {
            recoveredAt = performance.now();
            const dead = await releaseDeadWorkers(pool, live.workerId);
            if (dead.length > 0) {
              released.push(...dead);
              emit({ type: 'workers-released', workers: dead });
              workerPool?.nudge(concurrency);
            }
          }
          if (options.untilEmpty && (await countRunnableJobs(pool)) === 0) requestStop('empty', false);
        } catch (error) {
          if (lost) break;
          log({ level: 'warning', message: `Checking the queue failed (tried again in ${pollInterval} ms): ${db.error('Checking the queue', error).message}` });
        }
        if (stopped === undefined) await sleep(pollInterval, undefined, { signal: stop.signal }).catch(() => {});
      }
    } finally {
      // Waits for the jobs running: interrupted ones roll back and go back to the queue.
      await runner.stop().catch(() => {});
      await runnerDone;
    }
  } catch (error) {
    // Installing the queue, the results table or the liveness lock failed: nothing ran.
    throw db.error('Starting the fleet worker', error);
  } finally {
    options.signal?.removeEventListener('abort', onSignal);
    await liveness?.close();
    await pool.end().catch(() => {});
  }
  if (lost) throw db.error("Keeping the worker's liveness lock", lost);
  if (failure !== undefined) throw db.error('Running the queue', failure);
  tasks.saveCompiledScripts();
  return {
    workerId: workerId ?? '',
    worker,
    stopped: stopped ?? 'signal',
    ...counts,
    released,
    durationMs: Math.round(performance.now() - started),
  };
}

/** One core task per distinct command of the queue's jobs (`verify` and `lint` share work between targets of a task). */
class CommandTasks {
  readonly #env: MigrationEnvironment;
  readonly #tasks = new Map<string, TargetTask>();
  /** The migration files whose functions ran, per command, for the compiled-script cache. */
  readonly #ran = new Map<FleetCommandName, Set<string>>();

  constructor(env: MigrationEnvironment) {
    this.#env = env;
  }

  of(command: FleetCommand): TargetTask {
    const key = JSON.stringify(command);
    let task = this.#tasks.get(key);
    if (!task) {
      let ran = this.#ran.get(command.command);
      if (!ran) this.#ran.set(command.command, (ran = new Set()));
      task = fleetTask(this.#env, command, ran);
      this.#tasks.set(key, task);
    }
    return task;
  }

  /** Keeps the functions that ran compiled for the next run, as a fleet run does (never throws). */
  saveCompiledScripts(): void {
    for (const [command, ran] of this.#ran) {
      if ((command === 'upgrade' || command === 'downgrade') && ran.size > 0) this.#env.preloaded?.files.saveCompiledScripts(command, ran);
    }
  }
}

function positive(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 1) throw new FleetOptionsInvalidError(option, `'${value}' is not a whole number of at least 1`);
  return value;
}

/** Whether a job's heads (from the queue, unchecked for repeats) name the same revisions as the worker's (distinct), in any order. */
function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  const ids = new Set(a);
  return a.length === b.length && ids.size === b.length && b.every((id) => ids.has(id));
}
