import { FleetOptionsInvalidError, preloadScripts, redactUrl, selectFleetTargets, type FleetCommand, type TargetOutcome } from '@cloudguard/migrate-core';
import { ExitStatus, signalExitStatus } from '../exit-codes.js';
import { formatFailedTarget, formatTargetLine } from '../render/fleet.js';
import { formatDuration } from '../render/steps.js';
import { painterFor } from '../render/style.js';
import type { CommandContext } from './command-context.js';
import { controlUrlOf, positiveInteger, scheduleFromFlags, selectionFromFlags, targetSourceFromFlags, type TargetFlags } from './fleet-flags.js';

/*
 * The bodies of `cgmigrate fleet enqueue` and `cgmigrate fleet work`. The queue lives in
 * `@cloudguard/migrate-adapter-postgres/fleet-queue`, imported here only, when one of
 * them runs: no other command loads it or graphile-worker.
 */

/** The queue's fleet jobs by state (as the queue module counts them). */
export interface QueueCounts {
  readonly pending: number;
  readonly retrying: number;
  readonly running: number;
  readonly failed: number;
}

/** What `fleet enqueue --json` prints. */
export interface FleetEnqueueResult {
  readonly runId: string;
  readonly command: FleetCommand;
  /** Jobs added or replaced: one per target. */
  readonly enqueued: number;
  /** Of those, jobs that replaced one still waiting for the same target. */
  readonly replaced: number;
  readonly queue: QueueCounts;
}

/** What `fleet work --json` prints. */
export interface FleetWorkResult {
  /** graphile-worker's id of the worker (the queue's `locked_by`). */
  readonly workerId: string;
  /** `host:pid`, as the results name it. */
  readonly worker: string;
  /** `empty` (with --until-empty) or `signal`. */
  readonly stopped: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly retried: number;
  /** Dead workers whose jobs this worker released. */
  readonly released: readonly string[];
  readonly durationMs: number;
}

/** Flags of `fleet enqueue` besides the common ones. */
export interface FleetEnqueueFlags extends TargetFlags {
  readonly 'max-attempts'?: string | undefined;
  readonly 'run-id'?: string | undefined;
  readonly purge?: boolean | undefined;
  readonly lint?: 'error' | 'warn' | 'off' | undefined;
}

/** Flags of `fleet work` besides the common ones. */
export interface FleetWorkFlags extends TargetFlags {
  readonly 'until-empty'?: boolean | undefined;
}

/** The commands a job may run (named in the refusal of another). */
const QUEUED_COMMANDS = ['upgrade', 'downgrade', 'stamp'] as const;

/**
 * The command of `fleet enqueue COMMAND [ARGS…]`: `upgrade [TARGET]` (default `upgrade
 * head`), `downgrade TARGET`, `stamp REVISION…`.
 *
 * @throws {FleetOptionsInvalidError} for another command, or arguments it does not take.
 */
export function queuedCommand(argv: readonly string[], flags: Pick<FleetEnqueueFlags, 'purge' | 'lint'>): FleetCommand {
  const [name = 'upgrade', ...args] = argv;
  const refuse = (problem: string): never => {
    throw new FleetOptionsInvalidError('COMMAND', problem);
  };
  if (flags.purge && name !== 'stamp') refuse('--purge goes with stamp only');
  if (flags.lint !== undefined && name !== 'upgrade') refuse('--lint goes with upgrade only');
  switch (name) {
    case 'upgrade':
      if (args.length > 1) refuse(`upgrade takes one target, not ${args.length}`);
      if (args[0]?.includes(':')) refuse(`'${args[0]}' is a range, which only --sql takes: give the revision to upgrade to`);
      return { command: 'upgrade', target: args[0] ?? 'head', ...(flags.lint === undefined ? {} : { lint: flags.lint }) };
    case 'downgrade':
      if (args.length !== 1) refuse('downgrade takes one target (a revision, -N or base)');
      return { command: 'downgrade', target: args[0]! };
    case 'stamp':
      if (args.length === 0) refuse('stamp takes the revisions to stamp');
      return { command: 'stamp', revisions: args, ...(flags.purge ? { purge: true } : {}) };
    default:
      return refuse(`'${name}' cannot be queued: give ${QUEUED_COMMANDS.join(', ')}`);
  }
}

/** The control database of `fleet enqueue` and `fleet work`: `--control-url`, else `CGMIGRATE_CONTROL_URL`. */
function requireControlUrl(ctx: CommandContext, flags: TargetFlags): string {
  const controlUrl = controlUrlOf(flags);
  if (controlUrl === undefined) throw new FleetOptionsInvalidError('--control-url', 'the queue lives in the control database: give --control-url (or CGMIGRATE_CONTROL_URL)');
  ctx.redactUrls(controlUrl);
  return controlUrl;
}

function loadQueue() {
  return import('@cloudguard/migrate-adapter-postgres/fleet-queue');
}

/**
 * The body of `cgmigrate fleet enqueue`: reads the targets (as a fleet run does:
 * --targets, --targets-query, or the config's), and queues one job per target on the
 * control database. Jobs carry the target's name and the command, never a URL.
 */
export async function runFleetEnqueue(ctx: CommandContext, command: FleetCommand, flags: FleetEnqueueFlags): Promise<FleetEnqueueResult> {
  const controlUrl = requireControlUrl(ctx, flags);
  const maxAttempts = positiveInteger(flags['max-attempts'], '--max-attempts');
  const env = await ctx.environment();
  const targets = await selectFleetTargets(env, await selectionFromFlags(flags));
  ctx.redactUrls(...targets.map((target) => target.url));
  // The jobs are for these scripts: a worker of another release leaves them to one of this release.
  const { scripts } = await preloadScripts(env);
  const queue = await loadQueue();
  const result = await queue.enqueueFleet({
    controlUrl,
    command,
    targets,
    heads: scripts.map.heads,
    maxAttempts,
    runId: flags['run-id'],
    onLog: (line) => printQueueLog(ctx, line),
  });
  const counts = result.queue;
  ctx.note(
    `Queued ${result.enqueued} target${result.enqueued === 1 ? '' : 's'} for ${describeCommand(command)} on ${redactUrl(controlUrl)} (run ${result.runId}` +
      `${result.replaced > 0 ? `; ${result.replaced} replaced a waiting job` : ''}). ` +
      `Queue: ${counts.pending} waiting, ${counts.retrying} to retry, ${counts.running} running, ${counts.failed} failed. Run \`${ctx.invocation.bin} fleet work\` to work them off.`,
  );
  return { runId: result.runId, command, enqueued: result.enqueued, replaced: result.replaced, queue: counts };
}

/**
 * The body of `cgmigrate fleet work`: takes jobs from the control database's queue and
 * runs each on its target (resolved by name through this worker's --targets), until
 * SIGINT/SIGTERM, or with --until-empty until no job is left. Prints a line per
 * target, and the jobs of dead workers it releases. Exit status: 0; 1 when a target
 * this worker ran failed for good; 128 + the signal's number when stopped by one.
 */
export async function runFleetWork(ctx: CommandContext, flags: FleetWorkFlags): Promise<FleetWorkResult> {
  const controlUrl = requireControlUrl(ctx, flags);
  const { concurrency } = scheduleFromFlags(flags);
  const env = await ctx.environment();
  const targets = await selectFleetTargets(env, { targets: targetSourceFromFlags(flags) });
  ctx.redactUrls(...targets.map((target) => target.url));
  const queue = await loadQueue();
  const paint = painterFor(process.stderr);
  let interruptedBy: string | undefined;
  const result = await ctx.supervise((signal) => {
    signal.addEventListener('abort', () => {
      interruptedBy = (signal.reason as { signal?: string } | undefined)?.signal ?? 'SIGINT';
    });
    return queue.runFleetWorker({
      controlUrl,
      env,
      targets,
      concurrency,
      signal,
      untilEmpty: flags['until-empty'],
      onEvent: (event) => {
        switch (event.type) {
          case 'worker-start':
            ctx.note(`Worker ${event.worker} (${event.workerId}) takes jobs from ${redactUrl(controlUrl)}, ${event.concurrency} at a time, for ${targets.length} target${targets.length === 1 ? '' : 's'}.`);
            break;
          case 'target-end':
            printTargetEnd(ctx, event.outcome, event, paint);
            break;
          case 'workers-released':
            ctx.note(`Released the jobs of ${event.workers.length} worker${event.workers.length === 1 ? '' : 's'} that stopped holding them (${event.workers.join(', ')}): they run again.`);
            break;
          case 'queue-log':
            printQueueLog(ctx, event.line);
            break;
          case 'worker-stopping':
            if (event.reason === 'empty') ctx.note('The queue has no job left: stopping.');
            else ctx.alwaysLine('Stopping: the targets running are rolled back and their jobs go back to the queue.');
            break;
          default:
            break;
        }
      },
    });
  });
  const released = result.released.length > 0 ? `; released the jobs of ${result.released.length} dead worker${result.released.length === 1 ? '' : 's'}` : '';
  ctx.note(`Worker ${result.worker}: ${result.succeeded} succeeded, ${result.failed} failed, ${result.retried} back in the queue${released}; ${formatDuration(result.durationMs)}.`);
  if (interruptedBy !== undefined) process.exitCode = signalExitStatus(interruptedBy);
  else if (result.failed > 0) process.exitCode = ExitStatus.failure;
  return result;
}

/** A line of graphile-worker's log: its errors always, the rest with --verbose. */
function printQueueLog(ctx: CommandContext, line: { readonly level: string; readonly message: string }): void {
  if (line.level === 'error') ctx.alwaysLine(`queue: ${line.message}`);
  else if (ctx.verbose) ctx.note(`queue: ${line.message}`);
}

function printTargetEnd(ctx: CommandContext, outcome: TargetOutcome, attempt: { attempt: number; maxAttempts: number; retrying: boolean }, paint: ReturnType<typeof painterFor>): void {
  const of = attempt.attempt > 1 || attempt.retrying ? ` (attempt ${attempt.attempt} of ${attempt.maxAttempts})` : '';
  if (attempt.retrying) {
    ctx.alwaysLine(`[${outcome.name}] ${outcome.status === 'interrupted' ? 'INTERRUPTED' : 'FAILED'}, back in the queue${of}: ${outcome.error?.code ?? ''}: ${outcome.error?.message ?? ''}`);
  } else if (outcome.status === 'succeeded') {
    ctx.note(`${formatTargetLine(outcome)}${of}`);
  } else {
    ctx.alwaysLine(`${formatFailedTarget(outcome, paint)}${of}`);
  }
}

function describeCommand(command: FleetCommand): string {
  switch (command.command) {
    case 'upgrade':
      return `upgrade ${command.target ?? 'head'}`;
    case 'downgrade':
      return `downgrade ${command.target}`;
    case 'stamp':
      return `stamp ${command.revisions.join(' ')}`;
    default:
      return command.command;
  }
}
