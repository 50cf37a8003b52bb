import type { FleetReport, UpgradeResult } from '@cloudguard/migrate-core';
import { fleetFlags } from '../fleet-flag-definitions.js';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import type { ScriptResult } from '../render/offline.js';
import { runUpgrade, type UpgradeFlags } from '../run/upgrade.js';

/** `cgmigrate upgrade [TARGET]`: Alembic's `upgrade`. */
export default class Upgrade extends BaseCommand<UpgradeResult | ScriptResult | FleetReport> {
  static override summary = 'Upgrade the database to a later revision.';
  static override description =
    'Runs the migrations between the current revision and TARGET under the migration lock, one ' +
    '"Running upgrade <from> -> <to>, <message>" line per step on stderr. TARGET is `head` (default), `heads`, ' +
    'a revision id or unique prefix, `+N` (N steps up), `<id>+N`, or `<label>@head`.';

  static override examples = [
    { description: 'Apply every pending migration.', command: '<%= config.bin %> <%= command.id %> head' },
    { description: 'Apply the next migration only.', command: '<%= config.bin %> <%= command.id %> +1' },
    { description: 'Upgrade every branch when there are several heads.', command: '<%= config.bin %> <%= command.id %> heads' },
    { description: 'Print the SQL of every migration instead of running it.', command: '<%= config.bin %> <%= command.id %> head --sql > upgrade.sql' },
    { description: 'The SQL from one revision to the head, for a database already at ae1027.', command: '<%= config.bin %> <%= command.id %> ae1027:head --sql' },
    {
      description: 'Every tenant: each SQLite file of a folder, 16 at a time, with a report to resume from.',
      command: "<%= config.bin %> <%= command.id %> head --targets 'sqlite:///tenants/*.db' --concurrency 16 --report fleet.json",
    },
    {
      description: 'A canary tenant first, then 10% of the fleet, then the rest, stopping at the first failure.',
      command: '<%= config.bin %> <%= command.id %> head --targets tenants.txt --canary 1 --wave 10% --wave rest',
    },
    {
      description: 'Against another database.',
      command: 'DATABASE_URL=postgresql://app@db/cloudguard <%= config.bin %> <%= command.id %> head',
    },
  ];

  static override args = {
    target: Args.string({ description: 'Revision to upgrade to; with --sql also <from>:<to>.', default: 'head' }),
  };

  static override flags = {
    ...fleetFlags,
    sql: Flags.boolean({
      summary: 'Print the SQL script instead of running it; nothing connects to the database.',
      description:
        'Offline mode, as Alembic\'s --sql: the script goes to stdout (progress and notes to stderr) with the version ' +
        'table\'s creation when starting from base, every migration\'s statements, the version and audit rows, and ' +
        'BEGIN/COMMIT as the online run would commit. The script starts from base unless TARGET is a range <from>:<to>. A migration that reads the database fails with ' +
        'OFFLINE_READ_NOT_SUPPORTED. With --json the script is the `sql` field of the result.',
    }),
    lint: Flags.option({
      options: ['error', 'warn', 'off'] as const,
      // The default (warn) is applied by the command's body: the fast entry takes no flag with a default.
      summary: 'Lint the migrations to run: error lints first and refuses on a lint error (LINT_FAILED), warn (the default) prints the findings before the commit, off skips.',
      helpValue: '<error|warn|off>',
    })(),
  };

  run(): Promise<UpgradeResult | ScriptResult | FleetReport> {
    const { args, flags } = this.parsedInput;
    return runUpgrade(this.context, args['target'] as string, flags as UpgradeFlags);
  }
}
