import type { FleetStatus } from '@cloudguard/migrate-core';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { targetFlags } from '../../fleet-flag-definitions.js';
import { runFleetStatus, type FleetStatusFlags } from '../../run/fleet.js';

/** `cgmigrate fleet status`: the revision × target matrix of a fleet. */
export default class FleetStatusCommand extends BaseCommand<FleetStatus> {
  static override summary = 'Show which revision each target of a fleet is at.';
  static override description =
    'Reads every target\'s version table (read-only, as `current` does) and prints how many targets are at each ' +
    'revision, which are behind the head, which could not be read, and, with --report (a report an earlier fleet run ' +
    'wrote) or a control database whose queue holds results, which failed their last run. --json gives every ' +
    'target\'s revisions and error. Exits with status 1 when a target is behind or cannot be read.';

  static override examples = [
    { description: 'Every SQLite tenant file.', command: "<%= config.bin %> <%= command.id %> --targets 'sqlite:///tenants/*.db'" },
    { description: 'Every tenant schema, with what the last run reported.', command: "<%= config.bin %> <%= command.id %> --targets 'postgresql://app@db/saas#tenant_*' --report last-run.json" },
    { description: 'The config\'s targets, and the results of the queue.', command: '<%= config.bin %> <%= command.id %> --fleet --control-url postgresql://ops@db/control' },
  ];

  static override flags = {
    ...targetFlags,
    report: Flags.string({ summary: 'A report an earlier fleet run wrote (--report), for the targets that failed their last run.', helpValue: '<file>' }),
  };

  run(): Promise<FleetStatus> {
    const flags = this.parsedInput.flags as FleetStatusFlags;
    return runFleetStatus(this.context, flags);
  }
}

