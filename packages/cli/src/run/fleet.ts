import path from 'node:path';
import {
  readFleetReport,
  readFleetStatus,
  runFleetCommand,
  writeFleetReport,
  type FleetCommand,
  type FleetReport,
  type FleetStatus,
  type LastRun,
} from '@cloudguard/migrate-core';
import { isLiveTerminal } from '../render/progress.js';
import { FleetProgress, formatFleetStatus, formatFleetSummary, formatTargetRevisions } from '../render/fleet.js';
import { painterFor } from '../render/style.js';
import { ExitStatus, signalExitStatus } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { controlUrlOf, scheduleFromFlags, selectionFromFlags, type FleetFlags, type TargetFlags } from './fleet-flags.js';

/**
 * The body of `cgmigrate <command> --targets …`: runs the command on every target (see
 * core's `runFleetCommand`), shows progress, prints the summary, writes `--report`, and
 * returns the report (what `--json` prints). Exit status: 0 when every target
 * succeeded, 1 when one failed or was skipped, 128 + the signal's number when
 * interrupted; 2 (from the error) when the fleet could not start.
 */
export async function runFleetCli(ctx: CommandContext, command: FleetCommand, flags: FleetFlags): Promise<FleetReport> {
  const env = await ctx.environment();
  const selection = await selectionFromFlags(flags);
  const schedule = scheduleFromFlags(flags);
  ctx.redactUrls(controlUrlOf(flags));
  const reportFile = flags.report === undefined ? undefined : path.resolve(flags.report);
  const progress = newProgress(ctx);
  let interruptedBy: string | undefined;
  const report = await ctx.supervise(async (signal) => {
    signal.addEventListener('abort', () => {
      interruptedBy = (signal.reason as { signal?: string } | undefined)?.signal ?? 'SIGINT';
    });
    try {
      return await runFleetCommand(env, { ...selection, ...schedule, command, signal, onEvent: progress.handle });
    } finally {
      progress.finish();
    }
  });
  if (reportFile !== undefined) await writeFleetReport(reportFile, report);
  if (!ctx.json && command.command === 'current') {
    ctx.out(report.targets.map((outcome) => formatTargetRevisions(outcome.name, outcome.revisions, outcome.error?.code ?? outcome.status)).join('\n'));
  }
  ctx.note(formatFleetSummary(report, { reportFile: flags.report }));
  if (report.stopped?.reason === 'interrupted' || interruptedBy !== undefined) process.exitCode = signalExitStatus(interruptedBy ?? 'SIGINT');
  else if (report.summary.succeeded < report.summary.total) process.exitCode = ExitStatus.failure;
  return report;
}

/** Flags of `cgmigrate fleet status`. */
export interface FleetStatusFlags extends TargetFlags {
  /** A report of an earlier run, for the "failed last time" column. */
  readonly report?: string | undefined;
}

/**
 * The body of `cgmigrate fleet status`: every target's revisions, read-only, as a
 * matrix; with `--report`, or with a control database whose queue has results, which
 * targets failed their last run.
 */
export async function runFleetStatus(ctx: CommandContext, flags: FleetStatusFlags): Promise<FleetStatus> {
  const env = await ctx.environment();
  const controlUrl = controlUrlOf(flags);
  ctx.redactUrls(controlUrl);
  const selection = await selectionFromFlags(flags);
  let lastRuns: readonly LastRun[] | undefined;
  let lastRunsFrom: string | undefined;
  if (flags.report !== undefined) {
    lastRuns = (await readFleetReport(flags.report)).targets;
    lastRunsFrom = flags.report;
  } else if (controlUrl !== undefined) {
    // The queue's reader loads no graphile-worker; the module loads only when a control database is given.
    const { readQueueResults } = await import('@cloudguard/migrate-adapter-postgres/fleet-queue');
    lastRuns = await readQueueResults({ controlUrl });
    lastRunsFrom = 'the queue';
  }
  const schedule = scheduleFromFlags(flags);
  const status = await readFleetStatus(env, { ...selection, concurrency: schedule.concurrency, perHost: schedule.perHost, lastRuns });
  if (!ctx.json) {
    ctx.out(formatFleetStatus(status, { verbose: ctx.verbose, lastRunsFrom }));
    if (ctx.verbose) ctx.out(status.targets.map((state) => formatTargetRevisions(state.name, state.revisions, state.error?.code ?? 'unread')).join('\n'));
  }
  if (status.behind.length > 0 || status.unreadable.length > 0) process.exitCode = ExitStatus.check;
  return status;
}

function newProgress(ctx: CommandContext): FleetProgress {
  const live = !ctx.json && isLiveTerminal(process.stderr);
  return new FleetProgress(
    { line: (text) => ctx.note(text), important: (text) => ctx.alwaysLine(text), live: live ? (text) => ctx.writeProgress(text) : undefined },
    { paint: painterFor(process.stderr), quiet: ctx.flags.quiet, verbose: ctx.verbose },
  );
}
