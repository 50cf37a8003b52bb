import {
  FleetOptionsInvalidError,
  parseShard,
  parseWaveSize,
  readFleetReport,
  type FleetCommandOptions,
  type FleetSelection,
  type FleetTargetSource,
  type WaveSize,
} from '@cloudguard/migrate-core';
import { Flags } from '@oclif/core';

const FLEET = 'FLEET';

/** The flags that say which targets a fleet command runs on. */
export const targetFlags = {
  targets: Flags.string({
    summary:
      'Run on a fleet: a file with one database URL per line (<url>#<schema> for a schema), a URL, every SQLite file of a glob (sqlite:///tenants/*.db), or every schema matching a pattern (postgresql://db/app#tenant_*).',
    helpValue: '<source>',
    helpGroup: FLEET,
  }),
  'targets-query': Flags.string({
    summary: 'Run on the targets a query returns (columns url, and optionally schema and name), run on --control-url.',
    helpValue: '<sql>',
    helpGroup: FLEET,
  }),
  'control-url': Flags.string({
    summary: 'The control database: where --targets-query runs, and the queue of `fleet enqueue`/`fleet work`. Default: CGMIGRATE_CONTROL_URL.',
    helpValue: '<url>',
    helpGroup: FLEET,
  }),
  fleet: Flags.boolean({ summary: 'Run on the targets of the config (`targets`).', helpGroup: FLEET }),
  shard: Flags.string({
    summary: 'Only this worker\'s share of the targets: shard I of N (1 <= I <= N), stable and balanced, for Kubernetes Indexed Jobs and CI matrices.',
    helpValue: '<I/N>',
    helpGroup: FLEET,
  }),
  'only-failed': Flags.string({
    summary: 'Only the targets that did not succeed in this report of an earlier run (give the same --targets).',
    helpValue: '<report>',
    helpGroup: FLEET,
  }),
  concurrency: Flags.string({ summary: 'Targets run at once (default 8).', helpValue: '<n>', helpGroup: FLEET }),
  'per-host': Flags.string({ summary: 'Targets run at once on one database server (default: --concurrency).', helpValue: '<n>', helpGroup: FLEET }),
};

/** The flags of a fleet command that changes or checks its targets: which ones, how many at once, in which waves, and the report. */
export const fleetFlags = {
  ...targetFlags,
  canary: Flags.string({ summary: 'A first wave of this many targets (or percent: 5%), run alone before the others.', helpValue: '<n|n%>', helpGroup: FLEET }),
  wave: Flags.string({
    summary: 'A wave of this many targets (10, 10%, or rest); repeat for more waves. Each wave starts when the one before ended within --max-failures.',
    helpValue: '<n|n%|rest>',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: FLEET,
  }),
  'max-failures': Flags.string({
    summary: 'Stop the fleet when a wave has more failed targets than this (default 0 with --canary/--wave; no limit without).',
    helpValue: '<n>',
    helpGroup: FLEET,
  }),
  'continue-on-error': Flags.boolean({ summary: 'Never stop for failed targets, even with waves.', helpGroup: FLEET }),
  report: Flags.string({ summary: 'Write the run\'s report (JSON, no credentials) to this file, for --only-failed.', helpValue: '<file>', helpGroup: FLEET }),
};

/** The target flags, parsed. */
export interface TargetFlags {
  readonly targets?: string | undefined;
  readonly 'targets-query'?: string | undefined;
  readonly 'control-url'?: string | undefined;
  readonly fleet?: boolean | undefined;
  readonly shard?: string | undefined;
  readonly 'only-failed'?: string | undefined;
  readonly concurrency?: string | undefined;
  readonly 'per-host'?: string | undefined;
}

/** The fleet flags, parsed. */
export interface FleetFlags extends TargetFlags {
  readonly canary?: string | undefined;
  readonly wave?: readonly string[] | string | undefined;
  readonly 'max-failures'?: string | undefined;
  readonly 'continue-on-error'?: boolean | undefined;
  readonly report?: string | undefined;
}

/** Whether the command line asks for a fleet run. */
export function isFleetRun(flags: TargetFlags): boolean {
  return flags.targets !== undefined || flags['targets-query'] !== undefined || flags.fleet === true;
}

/** The control database: `--control-url`, else `CGMIGRATE_CONTROL_URL`. */
export function controlUrlOf(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flags['control-url'] ?? env['CGMIGRATE_CONTROL_URL'];
}

/**
 * Where the targets come from: `--targets`, `--targets-query` on the control database,
 * or (`--fleet`, and for `fleet` commands by default) the config's `targets`
 * (`undefined`).
 *
 * @throws {FleetOptionsInvalidError} when more than one source is given, or a query without a control database.
 */
export function targetSourceFromFlags(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): FleetTargetSource | undefined {
  const given = [flags.targets !== undefined, flags['targets-query'] !== undefined, flags.fleet === true].filter(Boolean).length;
  if (given > 1) throw new FleetOptionsInvalidError('--targets', 'give one of --targets, --targets-query and --fleet');
  if (flags['targets-query'] !== undefined) {
    const controlUrl = controlUrlOf(flags, env);
    if (controlUrl === undefined) throw new FleetOptionsInvalidError('--targets-query', 'it runs on the control database: give --control-url (or CGMIGRATE_CONTROL_URL)');
    return { query: flags['targets-query'], controlUrl };
  }
  return flags.targets;
}

/** `--shard` and `--only-failed`, read. */
export async function selectionFromFlags(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): Promise<FleetSelection> {
  const onlyFailed = flags['only-failed'];
  return {
    targets: targetSourceFromFlags(flags, env),
    ...(flags.shard === undefined ? {} : { shard: parseShard(flags.shard) }),
    ...(onlyFailed === undefined ? {} : { onlyFailed: { report: await readFleetReport(onlyFailed), path: onlyFailed } }),
  };
}

/** `--concurrency`, `--per-host`, the waves and the failure limit, read. */
export function scheduleFromFlags(flags: FleetFlags): Pick<FleetCommandOptions, 'concurrency' | 'perHost' | 'waves' | 'maxFailures'> {
  const waves: WaveSize[] = [];
  if (flags.canary !== undefined) waves.push(parseWaveSize(flags.canary, '--canary'));
  const wave = flags.wave === undefined ? [] : typeof flags.wave === 'string' ? [flags.wave] : flags.wave;
  for (const size of wave) waves.push(parseWaveSize(size));
  if (flags['continue-on-error'] && flags['max-failures'] !== undefined) {
    throw new FleetOptionsInvalidError('--continue-on-error', 'it means no failure limit: give it or --max-failures, not both');
  }
  return {
    concurrency: positiveInteger(flags.concurrency, '--concurrency'),
    perHost: positiveInteger(flags['per-host'], '--per-host'),
    waves,
    maxFailures: flags['continue-on-error'] ? Infinity : wholeNumber(flags['max-failures'], '--max-failures'),
  };
}

function positiveInteger(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new FleetOptionsInvalidError(option, `'${text}' is not a whole number of at least 1`);
  return Number(text);
}

function wholeNumber(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new FleetOptionsInvalidError(option, `'${text}' is not a whole number`);
  return Number(text);
}
