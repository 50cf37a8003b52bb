import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { FleetReportInvalidError } from '../errors.js';
import type { FleetCommandName } from './fleet-commands.js';
import type { FleetStopReason, TargetOutcome, TargetStatus } from './fleet-runner.js';
import type { FleetTarget } from './fleet-target.js';

/** Counts of a fleet run's outcomes. */
export interface FleetSummary {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly interrupted: number;
  readonly skipped: number;
}

/**
 * What a fleet run did, as `--json` prints it and `--report FILE` keeps it: one entry
 * per target with its name, revisions, duration and, when it did not succeed, its error
 * code and message. No credential is in it: target URLs are masked.
 */
export interface FleetReport {
  /** Marks the file as a fleet report. */
  readonly kind: 'cgmigrate-fleet-report';
  readonly version: 1;
  readonly command: FleetCommandName;
  /** The command's argument: the upgrade or downgrade target, or the stamped revisions. */
  readonly argument?: string | undefined;
  /** The heads of the scripts the run used. */
  readonly heads: readonly string[];
  /** `I/N` when the run was one shard. */
  readonly shard?: string | undefined;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Why the run stopped before every target ran. */
  readonly stopped?: { readonly reason: FleetStopReason; readonly wave: number } | undefined;
  readonly summary: FleetSummary;
  readonly targets: readonly TargetOutcome[];
}

/** Counts outcomes by status. */
export function summarize(targets: readonly TargetOutcome[]): FleetSummary {
  const count = (status: TargetStatus): number => targets.filter((target) => target.status === status).length;
  return { total: targets.length, succeeded: count('succeeded'), failed: count('failed'), interrupted: count('interrupted'), skipped: count('skipped') };
}

/**
 * Writes a report readable by its owner only (0600), whole or not at all: into a new
 * file beside it, then renamed over it.
 */
export async function writeFleetReport(file: string, report: FleetReport): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Reads a report written by `--report`.
 *
 * @throws {FleetReportInvalidError} when the file cannot be read or is not a fleet report.
 */
export async function readFleetReport(file: string): Promise<FleetReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FleetReportInvalidError(file, code === 'ENOENT' ? 'no such file' : code ? `it cannot be read (${code})` : 'it is not JSON', { cause: error });
  }
  const report = parsed as Partial<FleetReport> | null;
  if (report?.kind !== 'cgmigrate-fleet-report' || report.version !== 1 || !Array.isArray(report.targets)) {
    throw new FleetReportInvalidError(file, 'it is not a report written by --report (kind cgmigrate-fleet-report, version 1)');
  }
  return report as FleetReport;
}

/** The names of a report's targets that did not succeed: failed, interrupted or skipped. */
export function unfinishedTargets(report: FleetReport): string[] {
  return report.targets.filter((target) => target.status !== 'succeeded').map((target) => target.name);
}

/**
 * The targets a resumed run (`--only-failed`) takes: those of the source that the report
 * says did not succeed, in the source's order.
 *
 * @throws {FleetReportInvalidError} when the report names a target the source does not
 *   hold (it was written for other targets, or a tenant was renamed).
 */
export function selectUnfinished<T extends FleetTarget>(targets: readonly T[], report: FleetReport, file: string): T[] {
  const wanted = new Set(unfinishedTargets(report));
  const known = new Set(targets.map((target) => target.name));
  const missing = [...wanted].filter((name) => !known.has(name));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, and ${missing.length - 5} more` : '');
    throw new FleetReportInvalidError(file, `it names ${missing.length} target${missing.length === 1 ? '' : 's'} that --targets does not hold (${shown}): give the same --targets as the run that wrote it`);
  }
  return targets.filter((target) => wanted.has(target.name));
}
