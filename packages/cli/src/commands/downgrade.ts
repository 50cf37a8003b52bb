import type { FleetReport, DowngradeResult } from '@cloudguard/migrate-core';
import { fleetFlags } from '../run/fleet-flags.js';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import type { ScriptResult } from '../render/offline.js';
import { runDowngrade, type DowngradeFlags } from '../run/downgrade.js';

/** `cgmigrate downgrade TARGET`: Alembic's `downgrade`. */
export default class Downgrade extends BaseCommand<DowngradeResult | ScriptResult | FleetReport> {
  static override summary = 'Revert the database to an earlier revision.';
  static override description =
    'Runs the down() of the migrations between the current revision and TARGET under the migration lock, one ' +
    '"Running downgrade <from> -> <to>, <message>" line per step on stderr. TARGET is required: `-N` (N steps ' +
    'down; written as is, e.g. `downgrade -1`; with several current heads name one, `<label>@-1` or `<head>@-1`), ' +
    'a revision id or unique prefix, `base`, or `<label>@base`. ' +
    'Every migration to undo must have a down(); this is checked before anything changes.';

  static override examples = [
    { description: 'Revert the last migration.', command: '<%= config.bin %> <%= command.id %> -1' },
    { description: 'Revert to a given revision.', command: '<%= config.bin %> <%= command.id %> ae1027' },
    { description: 'Revert everything (danger!).', command: '<%= config.bin %> <%= command.id %> base' },
    { description: 'Print the SQL that reverts everything from the head, without running it.', command: '<%= config.bin %> <%= command.id %> head:base --sql' },
  ];

  // oclif's parser treats a token like `-1` as an argument, not a flag, when it looks
  // like a negative number, so `downgrade -1` needs no `--`.
  static override args = {
    target: Args.string({
      description: 'Revision to downgrade to: -N, an id, base or <label>@base; with --sql a range <from>:<to>.',
      required: true,
    }),
  };

  static override flags = {
    ...fleetFlags,
    sql: Flags.boolean({
      summary: 'Print the SQL script instead of running it; nothing connects to the database.',
      description:
        'Offline mode, as Alembic\'s --sql: the script goes to stdout (progress and notes to stderr) with the version ' +
        'table\'s creation when starting from base, every migration\'s statements, the version and audit rows, and ' +
        'BEGIN/COMMIT as the online run would commit. TARGET must then be a range <from>:<to> (e.g. head:base), since no database says where to start. A migration that reads the database fails with ' +
        'OFFLINE_READ_NOT_SUPPORTED. With --json the script is the `sql` field of the result.',
    }),
  };

  run(): Promise<DowngradeResult | ScriptResult | FleetReport> {
    const { args, flags } = this.parsedInput;
    return runDowngrade(this.context, args['target'] as string, flags as DowngradeFlags);
  }
}
