import { downgrade, type DowngradeResult } from '@cloudguard/migrate-core';
import { Args } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { formatNothingToDo } from '../render/migrate.js';

/** `cgmigrate downgrade TARGET`: Alembic's `downgrade`. */
export default class Downgrade extends BaseCommand<DowngradeResult> {
  static override summary = 'Revert the database to an earlier revision.';
  static override description =
    'Runs the down() of the migrations between the current revision and TARGET under the migration lock, one ' +
    '"Running downgrade <from> -> <to>, <message>" line per step on stderr. TARGET is required: `-N` (N steps ' +
    'down; written as is, e.g. `downgrade -1`), a revision id or unique prefix, `base`, or `<label>@base`. ' +
    'Every migration to undo must have a down(); this is checked before anything changes.';

  static override examples = [
    { description: 'Revert the last migration.', command: '<%= config.bin %> <%= command.id %> -1' },
    { description: 'Revert to a given revision.', command: '<%= config.bin %> <%= command.id %> ae1027' },
    { description: 'Revert everything (danger!).', command: '<%= config.bin %> <%= command.id %> base' },
  ];

  // oclif's parser treats a token like `-1` as an argument, not a flag, when it looks
  // like a negative number, so `downgrade -1` needs no `--`.
  static override args = {
    target: Args.string({ description: 'Revision to downgrade to: -N, an id, base or <label>@base.', required: true }),
  };

  async run(): Promise<DowngradeResult> {
    const { args } = await this.parse(Downgrade);
    const result = await downgrade(await this.environment(), { target: args.target });
    if (result.steps.length === 0) this.note(formatNothingToDo(result));
    return result;
  }
}
