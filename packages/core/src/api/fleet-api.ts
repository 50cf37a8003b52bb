import { createEnvironment } from '../commands/environment.js';
import { readFleetReport, type FleetReport } from '../fleet/fleet-report.js';
import type { FleetCommand } from '../fleet/fleet-commands.js';
import type { FleetEvent, FleetScheduleOptions } from '../fleet/fleet-runner.js';
import { fleetStatus as readFleetStatus, type FleetStatus, type LastRun } from '../fleet/fleet-status.js';
import { runFleetCommand, type FleetSelection } from '../fleet/run-fleet.js';
import { parseShard, type Shard } from '../fleet/shard.js';
import type { FleetTargetSource } from '../fleet/target-source.js';
import { describeLockWait, describeStep } from '../runtime/events.js';
import type { MigrationApiOptions, MigrationLogger } from './api-options.js';
import { apiAdapterRegistry, loadApiConfig } from './migration-manager.js';

/** What {@link migrateFleet} and {@link fleetStatus} take besides the usual API options. */
export interface FleetApiOptions extends Omit<MigrationApiOptions, 'onEvent' | 'url'>, Omit<FleetScheduleOptions, 'onEvent'> {
  /** Where the targets come from; default: the configuration's `targets`. */
  readonly targets?: FleetTargetSource | undefined;
  /** Only this shard, as `{ index, count }` or `'I/N'`. */
  readonly shard?: Shard | string | undefined;
  /** Only the targets that did not succeed in this earlier report (a path, or the report itself). */
  readonly onlyFailed?: string | FleetReport | undefined;
  /** Every fleet event: waves, each target's start and end, and each target's own migration events. */
  readonly onEvent?: ((event: FleetEvent) => void) | undefined;
  /** Text lines, each prefixed with the target's name (`[tenants/acme.db] Running upgrade …`). */
  readonly logger?: MigrationLogger | undefined;
}

/** Options of {@link migrateFleet}. */
export interface MigrateFleetOptions extends FleetApiOptions {
  /** The command to run on each target. Default `{ command: 'upgrade', target: 'head' }`. */
  readonly command?: FleetCommand | undefined;
}

/**
 * Runs a command (by default `upgrade head`) on every target of a fleet from a
 * service or a job: the scripts are read once, each target has its own connection,
 * lock and transaction(s), `concurrency` run at once. It resolves with the run's report
 * whatever the targets did; check `summary.failed`. See `docs/fleets.md`.
 *
 * ### Examples
 * ```ts
 * import { migrateFleet } from '@cloudguard/migrate-core';
 *
 * const report = await migrateFleet({
 *   targets: async () => (await listTenants()).map((t) => ({ name: t.slug, url: process.env.DATABASE_URL!, schema: t.schema })),
 *   concurrency: 16,
 *   onEvent: (event) => { if (event.type === 'target-end') metrics.record(event.outcome) },
 * });
 * if (report.summary.failed > 0) throw new Error(`${report.summary.failed} tenant(s) failed`);
 * ```
 * @throws {TargetSourceInvalidError} (`TARGET_SOURCE_INVALID`) when the targets cannot be read: nothing ran.
 * @throws {FleetReportInvalidError} (`FLEET_REPORT_INVALID`) when `onlyFailed` cannot be used.
 * @throws {ConfigInvalidError} / {ConfigNotFoundError} for a bad configuration.
 */
export async function migrateFleet(options: MigrateFleetOptions = {}): Promise<FleetReport> {
  const { env, selection } = await openFleet(options);
  return runFleetCommand(env, {
    ...selection,
    command: options.command ?? { command: 'upgrade', target: 'head' },
    concurrency: options.concurrency,
    perHost: options.perHost,
    waves: options.waves,
    maxFailures: options.maxFailures,
    signal: options.signal,
    onEvent: fleetListener(options.onEvent, options.logger),
  });
}

/**
 * The revision × target matrix of a fleet, read-only: how many targets are at each
 * revision, which are behind, which cannot be read, and (given `lastRuns`, e.g. a
 * report's `targets`) which failed their last run.
 */
export async function fleetStatus(options: FleetApiOptions & { readonly lastRuns?: readonly LastRun[] | undefined } = {}): Promise<FleetStatus> {
  const { env, selection } = await openFleet(options);
  return readFleetStatus(env, { ...selection, concurrency: options.concurrency, perHost: options.perHost, signal: options.signal, lastRuns: options.lastRuns });
}

async function openFleet(options: FleetApiOptions) {
  const config = await loadApiConfig(options);
  const env = createEnvironment(config, { adapters: apiAdapterRegistry(options, config) });
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : options.shard;
  let onlyFailed: FleetSelection['onlyFailed'];
  if (typeof options.onlyFailed === 'string') onlyFailed = { report: await readFleetReport(options.onlyFailed), path: options.onlyFailed };
  else if (options.onlyFailed) onlyFailed = { report: options.onlyFailed, path: 'the report given' };
  const selection: FleetSelection = { targets: options.targets, shard, onlyFailed };
  return { env, selection };
}

function fleetListener(onEvent: FleetApiOptions['onEvent'], logger: MigrationLogger | undefined): ((event: FleetEvent) => void) | undefined {
  if (!onEvent && !logger) return undefined;
  return (event) => {
    onEvent?.(event);
    if (!logger) return;
    if (event.type === 'target-end') {
      const { outcome } = event;
      if (outcome.status === 'succeeded') logger.info?.(`[${outcome.name}] done in ${outcome.durationMs} ms`);
      else if (outcome.error) logger.warn?.(`[${outcome.name}] ${outcome.status}: ${outcome.error.code} ${outcome.error.message}`);
    } else if (event.type === 'target-event') {
      const inner = event.event;
      if (inner.type === 'step-start') logger.info?.(`[${event.name}] ${describeStep(inner.step)}`);
      else if (inner.type === 'warning') logger.warn?.(`[${event.name}] ${inner.message}`);
      else if (inner.type === 'lock-wait') logger.info?.(`[${event.name}] ${describeLockWait(inner)}`);
    } else if (event.type === 'fleet-stopped') {
      logger.warn?.(event.reason === 'interrupted' ? `Fleet interrupted in wave ${event.wave}` : `Fleet stopped: wave ${event.wave} passed its failure limit`);
    }
  };
}
