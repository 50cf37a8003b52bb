import type { FleetReport, MigrateResult } from '@cloudguard/migrate-core';
import { fleetFlags } from '../run/fleet-flags.js';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import type { ScriptResult } from '../render/offline.js';
import { revisionArgs } from '../revision-args.js';
import { runStamp, type StampFlags } from '../run/stamp.js';

/** `cgmigrate stamp REVISIONS... [--purge]`: Alembic's `stamp`. */
export default class Stamp extends BaseCommand<MigrateResult | ScriptResult | FleetReport> {
  static override summary = 'Record revisions in the version table without running migrations.';
  static override description =
    'Sets the revisions the database is at without running any up() or down(), under the migration lock, one ' +
    '"Running stamp_revision <from> -> <to>" line per change on stderr, as Alembic does. Use it when the schema ' +
    'already matches a revision (created by hand, or restored from a dump). REVISIONS are ids or prefixes, ' +
    '`head`, `heads`, `<label>@head`, `base` (clears the line), or steps counted as Alembic does: `-1` is one ' +
    'below each head of the scripts, `<label>@-1` one below that branch\'s head, `<id>-2` / `<id>+1` counted from ' +
    'a revision. When the database records a revision no ' +
    'migration file defines ("Can\'t locate revision identified by …"), add --purge: it empties the version ' +
    'table first.';

  static override examples = [
    { description: 'An existing schema, already up to date.', command: '<%= config.bin %> <%= command.id %> head' },
    {
      description: 'The database records a revision that no longer exists.',
      command: '<%= config.bin %> <%= command.id %> head --purge',
    },
    { description: 'Both heads of a branched history.', command: '<%= config.bin %> <%= command.id %> heads' },
    { description: 'The newest migration is not applied yet; everything before it is.', command: '<%= config.bin %> <%= command.id %> -1' },
    { description: 'Print the SQL that records the head, without connecting.', command: '<%= config.bin %> <%= command.id %> head --sql' },
  ];

  // Several revisions: oclif takes a variable number of arguments only when not strict.
  static override strict = false;

  static override args = {
    revisions: Args.string({ description: 'Revisions to record: ids, prefixes, head, heads, <label>@head, base, -N or <label>@-N.', required: true }),
  };

  static override flags = {
    ...fleetFlags,
    purge: Flags.boolean({
      summary: 'Empty the version table first, even of revisions that no migration file defines.',
    }),
    sql: Flags.boolean({
      summary: 'Print the SQL script instead of running it; nothing connects to the database.',
      description:
        'Offline mode, as Alembic\'s --sql: the script goes to stdout (progress and notes to stderr) with the version ' +
        'table\'s creation when starting from base, every migration\'s statements, the version and audit rows, and ' +
        'BEGIN/COMMIT as the online run would commit. The script starts from base unless the one revision given is a range <from>:<to>. A migration that reads the database fails with ' +
        'OFFLINE_READ_NOT_SUPPORTED. With --json the script is the `sql` field of the result.',
    }),
  };

  async run(): Promise<MigrateResult | ScriptResult | FleetReport> {
    const { argv, flags } = this.parsedInput;
    return runStamp(this.context, revisionArgs(argv), flags as StampFlags);
  }
}
