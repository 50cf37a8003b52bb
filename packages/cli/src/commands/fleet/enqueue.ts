import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { targetFlags } from '../../fleet-flag-definitions.js';
import { queuedCommand, runFleetEnqueue, type FleetEnqueueFlags, type FleetEnqueueResult } from '../../run/fleet-queue.js';

const { concurrency: _concurrency, 'per-host': _perHost, ...selectionFlags } = targetFlags;

/** `cgmigrate fleet enqueue [COMMAND] [ARGS…]`: one queued job per target, for `fleet work`. */
export default class FleetEnqueue extends BaseCommand<FleetEnqueueResult> {
  static override summary = 'Queue a job per target of a fleet on the control database, for `fleet work` to run.';
  static override description =
    'Reads the fleet\'s targets (--targets, --targets-query, or the config\'s `targets`) and adds one job per target to the ' +
    'queue in the control database (PostgreSQL; graphile-worker\'s schema is installed on first use). COMMAND is ' +
    '`upgrade [TARGET]` (the default: upgrade head), `downgrade TARGET` or `stamp REVISION…`. A job holds the target\'s ' +
    'name and the command, never its URL: each worker resolves names through its own --targets. Enqueueing again ' +
    'replaces the jobs still waiting. Any number of `cgmigrate fleet work` processes then run the jobs, retrying ' +
    'transient failures with back-off, and write each result to the control database, where `fleet status ' +
    '--control-url` reads it.';

  static override examples = [
    {
      description: 'Upgrade every tenant schema to head, through the queue.',
      command: "<%= config.bin %> <%= command.id %> --targets 'postgresql://app@db/saas#tenant_*' --control-url postgresql://ops@db/control",
    },
    { description: 'Step every target of the config down one revision.', command: '<%= config.bin %> <%= command.id %> downgrade -1 --fleet' },
    { description: 'Stamp, with the control database from the environment.', command: 'CGMIGRATE_CONTROL_URL=postgresql://ops@db/control <%= config.bin %> <%= command.id %> stamp ae1027 --targets targets.txt' },
  ];

  static override strict = false;

  static override args = {
    command: Args.string({ description: 'upgrade (default), downgrade or stamp, followed by its target or revisions.', required: false }),
  };

  static override flags = {
    ...selectionFlags,
    'max-attempts': Flags.string({ summary: 'Attempts per job before it fails for good (default 8: about half an hour of back-off).', helpValue: '<n>' }),
    'run-id': Flags.string({ summary: 'Name this enqueue in the results (default: a random id).', helpValue: '<id>' }),
    purge: Flags.boolean({ summary: 'With stamp: delete every version row first, as `stamp --purge`.' }),
    lint: Flags.option({
      options: ['error', 'warn', 'off'] as const,
      summary: 'With upgrade: lint the migrations to run on each target first (error refuses on a lint error).',
      helpValue: '<error|warn|off>',
    })(),
  };

  run(): Promise<FleetEnqueueResult> {
    const flags = this.parsedInput.flags as FleetEnqueueFlags;
    const command = queuedCommand(this.parsedInput.argv as string[], flags);
    return runFleetEnqueue(this.context, command, flags);
  }
}
