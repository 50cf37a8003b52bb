import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { targetFlags } from '../../fleet-flag-definitions.js';
import { runFleetWork, type FleetWorkFlags, type FleetWorkResult } from '../../run/fleet-queue.js';

const { targets, 'targets-query': targetsQuery, 'control-url': controlUrl, fleet, concurrency } = targetFlags;

/** `cgmigrate fleet work`: a worker of the fleet queue. */
export default class FleetWork extends BaseCommand<FleetWorkResult> {
  static override summary = 'Run the fleet jobs queued in the control database, on as many machines as you like.';
  static override description =
    'Takes the jobs `fleet enqueue` queued and runs each on its target, --concurrency at a time: the target\'s own ' +
    'connection, migration lock and transactions, as `cgmigrate upgrade --url` would, so two workers never migrate one ' +
    'target at once. Targets are resolved by name through this worker\'s --targets (or --targets-query, or the ' +
    'config\'s), which must hold every queued target. Each result goes to the control database. A transient failure ' +
    '(unreachable, lock timeout, interrupted) goes back to the queue and is retried with back-off; one that would fail ' +
    'again (a migration that raises) is recorded at once. A worker killed mid-target leaves the target at its last ' +
    'commit, and the other workers release its jobs within seconds. SIGINT/SIGTERM stop the worker: the targets running ' +
    'roll back and go back to the queue. Exits with status 1 when a target it ran failed for good.';

  static override examples = [
    {
      description: 'A worker for every tenant schema; run it on as many machines as you like.',
      command: "<%= config.bin %> <%= command.id %> --targets 'postgresql://app@db/saas#tenant_*' --control-url postgresql://ops@db/control --concurrency 4",
    },
    { description: 'Work until the queue is empty (a CI job, a Kubernetes Job).', command: '<%= config.bin %> <%= command.id %> --fleet --until-empty' },
  ];

  static override flags = {
    targets,
    'targets-query': targetsQuery,
    'control-url': controlUrl,
    fleet,
    concurrency,
    'until-empty': Flags.boolean({ summary: 'Stop once no queued job is left that any worker could still run, instead of waiting for more.' }),
  };

  run(): Promise<FleetWorkResult> {
    return runFleetWork(this.context, this.parsedInput.flags as FleetWorkFlags);
  }
}
