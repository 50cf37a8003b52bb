import { Flags } from '@oclif/core';

/*
 * The fleet flags as oclif declares them, for the command classes. Their values are read
 * by `run/fleet-flags.ts`, which the fast entry bundles without oclif.
 */

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
  // helpValue avoids '%>', which oclif's help templates read as the end of a tag.
  canary: Flags.string({ summary: 'A first wave of this many targets (or a percentage of the fleet: 5%), run alone before the others.', helpValue: '<size>', helpGroup: FLEET }),
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

