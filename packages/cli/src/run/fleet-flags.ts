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

/** Refuses a flag a fleet run cannot honour (`--sql`, `verify --from`), when given. */
export function refuseWithFleet(option: string, given: boolean): void {
  if (given) throw new FleetOptionsInvalidError(option, 'it cannot be used with --targets, --targets-query or --fleet');
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

/**
 * A count flag (`--concurrency`, `--max-attempts`, …), read.
 *
 * @throws {FleetOptionsInvalidError} when it is not a whole number of at least 1.
 */
export function positiveInteger(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new FleetOptionsInvalidError(option, `'${text}' is not a whole number of at least 1`);
  return Number(text);
}

function wholeNumber(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new FleetOptionsInvalidError(option, `'${text}' is not a whole number`);
  return Number(text);
}
