import type { CurrentResult, FleetReport } from '@cloudguard/migrate-core';
import { BaseCommand } from '../base-command.js';
import { runCurrent } from '../run/current.js';
import { fleetFlags, type FleetFlags } from '../run/fleet-flags.js';

/** `cgmigrate current`: Alembic's `current`. */
export default class Current extends BaseCommand<CurrentResult | FleetReport> {
  static override summary = 'Show the revision the database is at.';
  static override description =
    'Prints one line per revision the database is at, "<revision> (head)" when it is a head, as Alembic does; ' +
    'nothing when the database is at base (no migration applied). Reads the version table only: it creates ' +
    'neither the database nor the table.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    { description: 'In a deploy script.', command: '<%= config.bin %> <%= command.id %> | grep -q "(head)" || <%= config.bin %> upgrade head' },
    { description: 'Each revision in full: parents, path, message.', command: '<%= config.bin %> <%= command.id %> --verbose' },
    { description: 'As JSON.', command: '<%= config.bin %> <%= command.id %> --json' },
    { description: 'Another database than the config\'s.', command: '<%= config.bin %> <%= command.id %> --url postgresql://app@db.internal/cloudguard' },
    { description: 'Another project\'s config.', command: '<%= config.bin %> <%= command.id %> --config services/scanner/cgmigrate.config.ts' },
  ];

  static override flags = { ...fleetFlags };

  run(): Promise<CurrentResult | FleetReport> {
    return runCurrent(this.context, this.parsedInput.flags as FleetFlags);
  }
}
