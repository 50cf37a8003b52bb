import { loadScripts, type MigrationEnvironment, type PreloadedScripts } from '../commands/environment.js';
import { TargetSourceInvalidError } from '../errors.js';
import { ScriptFileCache } from '../runtime/script-file-cache.js';
import { fleetTask, type FleetCommand } from './fleet-commands.js';
import { selectUnfinished, summarize, type FleetReport } from './fleet-report.js';
import { runFleet, type FleetScheduleOptions } from './fleet-runner.js';
import type { FleetTarget } from './fleet-target.js';
import { selectShard, type Shard } from './shard.js';
import { readTargetSource, type FleetTargetSource } from './target-source.js';

/** Which targets a fleet command takes. */
export interface FleetSelection {
  /** Where the targets come from. Default: the configuration's `targets`. */
  readonly targets?: FleetTargetSource | undefined;
  /** Only this shard of them (`--shard I/N`). */
  readonly shard?: Shard | undefined;
  /** Only those this earlier report says did not succeed (`--only-failed`), with the report's path for messages. */
  readonly onlyFailed?: { readonly report: FleetReport; readonly path: string } | undefined;
}

/** Options of {@link runFleetCommand}. */
export interface FleetCommandOptions extends FleetSelection, FleetScheduleOptions {
  readonly command: FleetCommand;
}

/**
 * Reads the fleet's targets and narrows them to a shard and to an earlier run's
 * unfinished ones.
 *
 * @throws {TargetSourceInvalidError} when there is no source, or it cannot be read.
 * @throws {FleetReportInvalidError} when `onlyFailed`'s report names targets the source lacks.
 */
export async function selectFleetTargets(env: MigrationEnvironment, selection: FleetSelection): Promise<FleetTarget[]> {
  const source = selection.targets ?? env.config.targets;
  if (source === undefined) {
    throw new TargetSourceInvalidError('(none)', 'no targets were given: pass --targets (a file, a URL, a sqlite:/// glob) or set targets in the config');
  }
  const adapter = typeof env.config.adapter === 'object' ? env.config.adapter : undefined;
  let targets = await readTargetSource(source, { cwd: env.config.cwd, adapters: env.adapters, adapter });
  if (selection.onlyFailed) targets = selectUnfinished(targets, selection.onlyFailed.report, selection.onlyFailed.path);
  if (selection.shard) targets = selectShard(targets, selection.shard);
  return targets;
}

/**
 * Runs one command on every target of a fleet, as `cgmigrate <command> --targets …`
 * does: the scripts are read once, each target gets its own connection, lock and
 * transaction(s) exactly as a single run, `concurrency` targets at once, wave after
 * wave. A target that fails is recorded with its error code and the others go on,
 * unless a wave passes `maxFailures`. The result is the run's report; it never throws
 * for one target's failure.
 *
 * ### Examples
 * ```ts
 * const report = await runFleetCommand(env, {
 *   command: { command: 'upgrade', target: 'head' },
 *   targets: 'sqlite:///tenants/*.db',
 *   concurrency: 16,
 * });
 * if (report.summary.failed > 0) process.exitCode = 1;
 * ```
 * @throws {TargetSourceInvalidError} when the targets cannot be read: nothing has run.
 * @throws {FleetReportInvalidError} when `onlyFailed` does not fit the targets.
 */
export async function runFleetCommand(env: MigrationEnvironment, options: FleetCommandOptions): Promise<FleetReport> {
  const startedAt = new Date();
  const targets = await selectFleetTargets(env, options);
  const preloaded = await preloadScripts(env);
  const fleetEnv: MigrationEnvironment = { ...env, preloaded };
  const ran = new Set<string>();
  const run = await runFleet(targets, fleetTask(fleetEnv, options.command, ran), options);
  const use = options.command.command;
  if (use === 'upgrade' || use === 'downgrade') preloaded.files.saveCompiledScripts(use, [...ran]);
  return {
    kind: 'cgmigrate-fleet-report',
    version: 1,
    command: options.command.command,
    ...commandArgument(options.command),
    heads: preloaded.scripts.map.heads,
    ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: run.durationMs,
    ...(run.stopped ? { stopped: run.stopped } : {}),
    summary: summarize(run.targets),
    targets: run.targets,
  };
}

/** Reads the script directory once for every target of a fleet. */
export async function preloadScripts(env: MigrationEnvironment): Promise<PreloadedScripts> {
  if (env.preloaded) return env.preloaded;
  const files = new ScriptFileCache();
  return { scripts: await loadScripts(env, files.io), files };
}

function commandArgument(command: FleetCommand): { argument?: string } {
  switch (command.command) {
    case 'upgrade':
      return { argument: command.target ?? 'head' };
    case 'downgrade':
      return { argument: command.target };
    case 'stamp':
      return { argument: command.revisions.join(' ') };
    default:
      return {};
  }
}
